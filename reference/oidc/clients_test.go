package oidc_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference/oidc"
)

func TestLoadClients(t *testing.T) {
	cs, err := oidc.LoadClients("testdata/clients.yaml")
	require.NoError(t, err)
	require.Len(t, cs, 3)
	assert.Equal(t, "none", cs[1].AuthMethod)

	tests := []struct{ name, body, want string }{
		{"empty", "clients: []", "at least one client"},
		{"unknown field", "clients: [{client_id: a, redirect_uri: [http://x/cb]}]", `field redirect_uri: unknown field "redirect_uri" (check the spelling)`},
		{"no redirect", "clients: [{client_id: a}]", "clients[0]: client \"a\": redirect_uris"},
		{"relative redirect", "clients: [{client_id: a, redirect_uris: [/cb]}]", "not an absolute URL"},
		{"public with secret", "clients: [{client_id: a, client_secret: s, token_endpoint_auth_method: none, redirect_uris: [http://x/cb]}]", "public client"},
		{"bad method", "clients: [{client_id: a, client_secret: s, token_endpoint_auth_method: private_key_jwt, redirect_uris: [http://x/cb]}]", "token_endpoint_auth_method"},
		{"duplicate", "clients: [{client_id: a, redirect_uris: [http://x/cb]}, {client_id: a, redirect_uris: [http://x/cb]}]", "clients[1]: client_id \"a\" registered twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "clients.yaml")
			require.NoError(t, os.WriteFile(p, []byte(tc.body), 0o644))
			_, err := oidc.LoadClients(p)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), p)
		})
	}
}

func TestRequiredLevel(t *testing.T) {
	tests := []struct {
		acr  []string
		want int
	}{
		{nil, 1}, {[]string{"LoA1"}, 1}, {[]string{"LoA2"}, 2}, {[]string{"LoA2", "LoA1"}, 1},
		{[]string{"urn:unknown", "LoA2"}, 2}, {[]string{"urn:unknown"}, 1},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, oidc.RequiredLevel(tc.acr), "%v", tc.acr)
	}
	assert.Equal(t, "LoA2", oidc.ACROfLevel(2))
	assert.Equal(t, "LoA1", oidc.ACROfLevel(1))
}

func FuzzLoginForm(f *testing.F) {
	e := newEnv(f)
	f.Add("001090000041", "Matkhau@41", "login")
	f.Add("", "", "cancel")
	f.Add("00109000004\x00", "x' or 1=1", "")
	f.Fuzz(func(t *testing.T, cid, pw, action string) {
		c := browser(t)
		p := get(t, c, e.srv.URL+"/oidc/authorize?response_type=code&client_id=bank&redirect_uri=http%3A%2F%2Frp.example%2Fcallback&scope=openid&state=s")
		require.Equal(t, 200, p.status)
		p = postForm(t, c, e.srv.URL+"/oidc/login", map[string][]string{"id": {formID(t, p)}, "citizen_id": {cid}, "password": {pw}, "action": {action}})
		require.Less(t, p.status, 500, p.body)
	})
}
