package results_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/results"
)

func TestNewFindMaxResult(t *testing.T) {
	warm := results.LoadStep{Rate: 10, WarmUp: true}
	pass := results.LoadStep{N: 1, Rate: 10, Passed: true}
	fail := results.LoadStep{N: 2, Rate: 20}
	for _, tt := range []struct {
		name      string
		best      *results.LoadStep
		steps     []results.LoadStep
		max       float64
		bracketed bool
	}{
		{"a failed step brackets the knee", &pass, []results.LoadStep{warm, pass, fail}, 10, true},
		{"no failed step: a lower bound", &pass, []results.LoadStep{warm, pass}, 10, false},
		{"a failed warm-up does not bracket", &pass, []results.LoadStep{{Rate: 10, WarmUp: true}, pass}, 10, false},
		{"nothing passed", nil, []results.LoadStep{fail}, 0, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := results.NewFindMaxResult(tt.best, tt.steps, "argon2id")
			assert.Equal(t, tt.max, res.MaxRate)
			assert.Equal(t, tt.bracketed, res.Bracketed)
			assert.Equal(t, "argon2id", res.Hash)
		})
	}
}

// A manifest read back decodes its result into the record its writer stored, without a
// detour through map[string]any; JSON field names stay as written.
func TestManifestDecodeResult(t *testing.T) {
	best := results.LoadStep{N: 2, Rate: 30, Passed: true, P95: 412.5, Dir: "steps/step02"}
	fm := results.NewFindMaxResult(&best, []results.LoadStep{{N: 1, Rate: 20, Passed: true}, best, {N: 3, Rate: 40}}, json.RawMessage(`{"algorithm":"argon2id"}`))
	for _, tt := range []struct {
		name   string
		result any
		want   error
	}{
		{"find-max result", fm, nil},
		{"no result", nil, results.ErrNoResult},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, err := results.Create(t.TempDir(), results.Manifest{RunID: "x", Kind: "find-max", Result: tt.result, Started: time.Unix(0, 0).UTC()})
			require.NoError(t, err)
			m, err := results.ReadManifest(r.Dir)
			require.NoError(t, err)
			var got results.FindMaxResult
			err = m.DecodeResult(&got)
			if tt.want != nil {
				assert.ErrorIs(t, err, tt.want)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, fm.MaxRate, got.MaxRate)
			assert.Equal(t, fm.Steps, got.Steps)
			assert.Equal(t, best, *got.Best)
			assert.Equal(t, map[string]any{"algorithm": "argon2id"}, got.Hash)
			assert.NotNil(t, m.Result, "the result stays readable as a generic value")
			b, err := os.ReadFile(filepath.Join(r.Dir, results.ManifestFile))
			require.NoError(t, err)
			for _, k := range []string{`"max_sustainable_rate": 30`, `"bracketed": true`, `"p95_ms": 412.5`, `"http_req_failed": 0`} {
				assert.Contains(t, string(b), k)
			}
		})
	}
	var m results.Manifest
	m.Result = fm
	assert.Error(t, m.DecodeResult(&results.FindMaxResult{}), "a manifest built in memory has no stored result to decode")
}
