package rpcheck_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/assemble"
	"github.com/eidsim/eidsim/reference/oidc"
	"github.com/eidsim/eidsim/reference/oidc/oidctest"
	"github.com/eidsim/eidsim/reference/oidc/rpcheck"
	"github.com/eidsim/eidsim/reference/sqlite"
)

type nopGateway struct{}

func (nopGateway) Send(context.Context, reference.SMS) error { return nil }

// setup starts the provider and two relying parties of one client (LoA1 and LoA2 start URLs)
// built with rp's checks.
func setup(t *testing.T, careless bool) rpcheck.Config {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "eidsim.db"))
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	hasher, err := reference.NewHasher("fast")
	require.NoError(t, err)
	svc, err := reference.NewService(reference.Config{Store: store, Hasher: hasher, Gateway: nopGateway{}})
	require.NoError(t, err)
	_, err = assemble.ImportFile(ctx, svc, "../testdata/population.jsonl", reference.ImportOptions{})
	require.NoError(t, err)

	rps := map[string]*oidctest.RP{}
	var uris []string
	for _, acr := range []string{"LoA1", "LoA2"} {
		rp := oidctest.New(oidctest.Config{ClientID: "vendor", ClientSecret: "s3cret", ACR: acr,
			SkipStateCheck: careless, SkipNonceCheck: careless, Timeout: 5 * time.Second})
		srv := httptest.NewServer(rp.Handler())
		t.Cleanup(srv.Close)
		rp.Base = srv.URL
		rps[acr] = rp
		uris = append(uris, rp.RedirectURL())
	}
	var p *oidc.Provider
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	p, err = oidc.New(oidc.Config{Accounts: svc, Issuer: srv.URL, Clients: []oidc.ClientConfig{{ID: "vendor", Secret: "s3cret", RedirectURIs: uris}}})
	require.NoError(t, err)
	tokens := p.NewTestTokens()
	mux.Handle("/", tokens.Wrap(p))
	for _, rp := range rps {
		rp.SetIssuer(srv.URL)
	}
	return rpcheck.Config{
		Provider: p, ProviderURL: srv.URL, Tokens: tokens, RotateKey: rpcheck.RotatorOf(p),
		Start: rps["LoA1"].Base + "/start", StartLoA2: rps["LoA2"].Base + "/start",
		Level1:  &rpcheck.Citizen{CitizenID: "001090000041", FullName: "Trần Văn Minh", Password: "Matkhau@41", DeviceID: "device-41", Level: 1},
		Level2:  &rpcheck.Citizen{CitizenID: "001090000057", FullName: "Trần Văn Sơn", Password: "Matkhau@57", DeviceID: "device-57", Level: 2},
		Slow:    200 * time.Millisecond,
		Timeout: 3 * time.Second,
	}
}

func byName(rs []rpcheck.Result) map[string]rpcheck.Result {
	m := map[string]rpcheck.Result{}
	for _, r := range rs {
		m[r.Check] = r
	}
	return m
}

func TestCarefulRelyingPartyPassesEveryCheck(t *testing.T) {
	cfg := setup(t, false)
	rs := rpcheck.Run(context.Background(), cfg)
	require.Len(t, rs, len(rpcheck.Checks))
	for _, r := range rs {
		assert.True(t, r.Passed, "%s: %s (expected %s)", r.Check, r.Outcome, r.Expect)
		if r.Check == "key_rotation" && cfg.RotateKey == nil {
			continue
		}
		assert.False(t, r.Skipped, "%s: %s", r.Check, r.Outcome)
	}
	m := byName(rs)
	assert.Contains(t, m["insufficient_level"].Provider, oidc.ErrUnmetAuthenticationRequirements)
	assert.Contains(t, m["user_cancel"].Provider, "access_denied")
	assert.Contains(t, m["provider_error"].Provider, "server_error")
	assert.Contains(t, m["success_loa2"].Outcome, "logged in")
	assert.Equal(t, "code_challenge_method=S256", m["uses_pkce"].Outcome)
	for _, name := range []string{"wrong_iss", "wrong_aud", "alg_none", "expired_id_token", "bad_signature", "acr_checked"} {
		assert.Contains(t, m[name].Outcome, "ID token rejected", name)
	}
}

func TestCarelessRelyingPartyIsCaught(t *testing.T) {
	m := byName(rpcheck.Run(context.Background(), setup(t, true)))
	for _, name := range []string{"wrong_state", "wrong_nonce"} {
		assert.False(t, m[name].Passed, "%s: %s", name, m[name].Outcome)
		assert.Contains(t, m[name].Outcome, "logged in", name)
	}
	for _, name := range rpcheck.Checks {
		if name != "wrong_state" && name != "wrong_nonce" {
			assert.True(t, m[name].Passed, "%s: %s", name, m[name].Outcome)
		}
	}
}

func TestSkipsWithoutLoA2StartOrTestMode(t *testing.T) {
	cfg := setup(t, false)
	cfg.StartLoA2, cfg.Tokens, cfg.RotateKey = "", nil, nil
	rs := rpcheck.Run(context.Background(), cfg)
	m := byName(rs)
	for _, name := range []string{"success_loa2", "step_up_loa2", "insufficient_level", "acr_checked",
		"wrong_iss", "wrong_aud", "alg_none", "expired_id_token", "bad_signature", "key_rotation"} {
		assert.True(t, m[name].Skipped, name)
	}
	assert.True(t, m["success_loa1"].Passed, m["success_loa1"].Outcome)
	passed, failed, skipped := rpcheck.Tally(rs)
	assert.Equal(t, []int{9, 0, 10}, []int{passed, failed, skipped})
}
