package main

import (
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServeIssuer (defect 5): --issuer is checked; without it the issuer comes from the
// listening address, a wildcard address mapped to 127.0.0.1 with a note.
func TestServeIssuer(t *testing.T) {
	e := &env{stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
	cfg, err := parseServe(commands["serve"], e, []string{"--population", "p", "--issuer", "https://id.example/"})
	require.NoError(t, err)
	assert.Equal(t, "https://id.example", cfg.issuer)
	for _, bad := range []string{"id.example", "ftp://id.example", "http://0.0.0.0:8080", "https://id.example/?x=1"} {
		_, err := parseServe(commands["serve"], e, []string{"--population", "p", "--issuer", bad})
		require.ErrorContains(t, err, "--issuer", bad)
	}

	tests := []struct{ addr, want, note string }{
		{"127.0.0.1:8080", "http://127.0.0.1:8080", ""},
		{"[::1]:8080", "http://[::1]:8080", ""},
		{"0.0.0.0:8090", "http://127.0.0.1:8090", "every interface"},
		{"[::]:8090", "http://127.0.0.1:8090", "every interface"},
	}
	for _, tc := range tests {
		got, note := defaultIssuer(tc.addr)
		assert.Equal(t, tc.want, got, tc.addr)
		if tc.note == "" {
			assert.Empty(t, note)
		} else {
			assert.Contains(t, note, tc.note)
		}
	}
}
