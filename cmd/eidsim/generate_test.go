package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/generators/population"
)

// runGen runs the CLI in-process and returns its exit code, stdout and stderr.
func runGen(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	code := runEnv(context.Background(), e, args)
	return code, stdout.String(), stderr.String()
}

func TestProfilesCommand(t *testing.T) {
	code, out, _ := runGen(t, "profiles")
	require.Equal(t, 0, code)
	for _, n := range []string{"dien-bien", "kon-tum", "gia-lai", "nghe-an", "ha-noi", "ho-chi-minh", "vietnam"} {
		assert.Contains(t, out, n)
	}
	assert.Contains(t, out, "598856")
	code, out, _ = runGen(t, "profiles", "dien-bien")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "without_2g: 15")
	code, _, errOut := runGen(t, "profiles", "atlantis")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "atlantis")
}

func TestGenerateToStdout(t *testing.T) {
	code, out, errOut := runGen(t, "generate", "--profile", "dien-bien", "--count", "200", "--seed", "5")
	require.Equal(t, 0, code, errOut)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 200)
	for i, l := range lines {
		var r population.Record
		require.NoError(t, population.DecodeLine([]byte(l), &r), "line %d", i+1)
	}
	assert.Empty(t, errOut, "quiet when stderr is not a terminal")
}

func TestGenerateFileManifestAndValidation(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "db.jsonl")
	code, stdout, errOut := runGen(t, "generate", "--profile", "dien-bien", "--count", "30000", "--seed", "1", "--out", out, "--validate")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, stdout, "Validation: Điện Biên, 30000 citizens")
	assert.Contains(t, stdout, "villages                 without 2G")
	assert.Contains(t, stdout, "phi coefficient")
	var m Manifest
	b, err := os.ReadFile(out + ".manifest.json")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &m))
	assert.Equal(t, "dien-bien", m.Profile)
	assert.Equal(t, uint64(1), m.Seed)
	assert.Equal(t, int64(30000), m.Count)
	assert.Equal(t, int64(30000), m.Lines)
	assert.Equal(t, 64, m.PasswordPoolSize)
	require.NotNil(t, m.Validation)
	assert.Positive(t, m.Validation.Controls)
	st, err := os.Stat(out)
	require.NoError(t, err)
	assert.Equal(t, st.Size(), m.Bytes)
	n := 0
	require.NoError(t, population.ReadFile(out, func(*population.Record) error { n++; return nil }))
	assert.Equal(t, 30000, n)
	// no temporary files left behind
	ents, _ := os.ReadDir(dir)
	assert.Len(t, ents, 2)
}

func TestGenerateDeterministicAcrossWorkersAndShards(t *testing.T) {
	dir := t.TempDir()
	gen := func(name string, extra ...string) []byte {
		p := filepath.Join(dir, name)
		args := append([]string{"generate", "--profile", "gia-lai", "--count", "12345", "--seed", "9", "--out", p}, extra...)
		code, _, errOut := runGen(t, args...)
		require.Equal(t, 0, code, errOut)
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		return b
	}
	one := gen("w1.jsonl", "--workers", "1")
	two := gen("w2.jsonl", "--workers", "2")
	require.True(t, bytes.Equal(one, two), "1 and 2 workers differ")
	var cat []byte
	for _, s := range []string{"1/3", "2/3", "3/3"} {
		cat = append(cat, gen("s"+strings.ReplaceAll(s, "/", "of")+".jsonl", "--shard", s)...)
	}
	require.True(t, bytes.Equal(one, cat), "shards do not concatenate to the whole")
	csvWhole := gen("all.csv")
	assert.True(t, bytes.HasPrefix(csvWhole, []byte("citizen_id,full_name,")))
	var csvCat []byte
	for _, s := range []string{"1/2", "2/2"} {
		csvCat = append(csvCat, gen("c"+strings.ReplaceAll(s, "/", "of")+".csv", "--shard", s)...)
	}
	require.True(t, bytes.Equal(csvWhole, csvCat))
}

func TestGenerateUsageErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	b, err := os.ReadFile("../../generators/profile/profiles/dien-bien.yaml")
	require.NoError(t, err)
	cur := string(b)
	write := func(old, new string) {
		require.Contains(t, cur, old)
		cur = strings.Replace(cur, old, new, 1)
		require.NoError(t, os.WriteFile(bad, []byte(cur), 0o644))
	}
	cases := []struct {
		name  string
		setup func()
		args  []string
		want  []string
	}{
		{"no profile", nil, []string{"--count", "5"}, []string{"--profile"}},
		{"no count", nil, []string{"--profile", "dien-bien"}, []string{"--count"}},
		{"count not an integer", nil, []string{"--profile", "dien-bien", "--count", "1e6"}, []string{"--count", "1e6"}},
		{"bad shard", nil, []string{"--profile", "dien-bien", "--count", "10", "--shard", "4/3"}, []string{"--shard"}},
		{"bad format", nil, []string{"--profile", "dien-bien", "--count", "10", "--format", "xml"}, []string{"--format"}},
		{"unknown profile", nil, []string{"--profile", "atlantis", "--count", "10"}, []string{"atlantis", "built-in"}},
		{"unknown field", func() { write("  without_power: 129", "  without_powr: 129") }, []string{"--profile", bad, "--count", "10"}, []string{"bad.yaml:", "without_powr", "unknown field"}},
		{"share over 100%", func() { write("near_poor: 0.0963", "near_poor: 9.63") }, []string{"--profile", bad, "--count", "10"}, []string{"bad.yaml:", "poverty.near_poor", "over 100%"}},
		{"shares not summing", func() {
			write("{key: Hmong, name: Mông, share: 0.348, remote_affinity: 2.5}", "{key: Hmong, name: Mông, share: 0.448, remote_affinity: 2.5}")
		}, []string{"--profile", bad, "--count", "10"}, []string{"bad.yaml:", "ethnic_groups.groups", "sum"}},
		{"impossible combination", func() { write("  none: 0.07", "  none: 0.40"); write("  smartphone: 0.70", "  smartphone: 0.37") }, []string{"--profile", bad, "--count", "10"}, []string{"bad.yaml:", "accounts.activated", "have a phone"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cur = string(b)
			if c.setup != nil {
				c.setup()
			}
			code, _, errOut := runGen(t, append([]string{"generate"}, c.args...)...)
			assert.Equal(t, 2, code, errOut)
			for _, w := range c.want {
				assert.Contains(t, errOut, w)
			}
		})
	}
}
