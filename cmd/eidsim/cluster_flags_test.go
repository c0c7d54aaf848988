package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference/pgstore/pgtest"
)

// serve's and telco's --db and --telco are checked before any work: a bad value is exit 2
// naming the flag, an unreachable server exit 1 naming it, before the population is imported.
func TestClusterFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"not postgres", []string{"serve", "--population", servePopulation, "--db", "mysql://h/db"}, exitUsage,
			`--db: "mysql://h/db": only PostgreSQL is supported`},
		{"no database", []string{"serve", "--population", servePopulation, "--db", "postgres://127.0.0.1:5432"}, exitUsage,
			"names no database"},
		{"no server", []string{"serve", "--population", servePopulation, "--db", "postgres:///eidsim"}, exitUsage,
			"names no server"},
		{"password hidden", []string{"serve", "--population", servePopulation, "--db", "mysql://u:secret@h/db"}, exitUsage,
			`"mysql://u@h/db"`},
		{"telco without db", []string{"serve", "--population", servePopulation, "--telco", "http://127.0.0.1:1"}, exitUsage,
			"--telco needs --db"},
		{"bad telco", []string{"serve", "--population", servePopulation, "--db", "postgres://127.0.0.1:1/db", "--telco", "127.0.0.1:1"}, exitUsage,
			`--telco: "127.0.0.1:1" is not a telco URL`},
		{"unreachable db", []string{"serve", "--population", servePopulation, "--data", "DATA", "--db", "postgres://127.0.0.1:1/db"}, exitFailure,
			"--db: cannot connect to postgres://127.0.0.1:1/db: connection refused"},
		{"unreachable telco", []string{"serve", "--population", servePopulation, "--data", "DATA", "--db", "postgres://127.0.0.1:1/db", "--telco", "http://127.0.0.1:1"}, exitFailure,
			"--telco: telco http://127.0.0.1:1"},
		{"telco needs db", []string{"telco", "--operator-token", "t"}, exitUsage, "--db URL is required"},
		{"telco bad db", []string{"telco", "--operator-token", "t", "--db", "postgres://h"}, exitUsage, "--db: "},
		{"telco needs token", []string{"telco", "--db", "postgres://h/db"}, exitUsage, "--operator-token"},
		{"telco remote addr", []string{"telco", "--db", "postgres://h/db", "--operator-token", "t", "--addr", "0.0.0.0:1"}, exitUsage, "--addr: 0.0.0.0 is not a loopback"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			for i, a := range tt.args {
				if a == "DATA" {
					tt.args[i] = t.TempDir()
				}
			}
			e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr, getenv: func(string) string { return "" }}
			code := runEnv(context.Background(), e, tt.args)
			assert.Equal(t, tt.code, code, stderr.String())
			assert.Contains(t, stderr.String(), tt.msg)
			assert.NotContains(t, stderr.String(), "imported", "nothing imported")
			assert.NotContains(t, stderr.String(), "secret")
		})
	}
}

// serve --db on a reachable server imports once; a second serve on the same database with
// another population is refused (one population per store), and --reset empties it first.
func TestServeDBOnePopulation(t *testing.T) {
	db := pgtest.URL(t)
	args := []string{"--db", db, "--hash", "fast", "--sms", "fast", "--operator-token", "t", "--access-log=false"}
	first := startServeInProcess(t, append([]string{"--population", servePopulation, "--data", t.TempDir()}, args...)...)
	assert.Contains(t, first.stderr.String(), "imported 60 citizens")
	assert.Equal(t, 0, first.stop())
	again := startServeInProcess(t, append([]string{"--population", servePopulation, "--data", t.TempDir()}, args...)...)
	assert.Contains(t, again.stderr.String(), "already imported")
	assert.Contains(t, again.stderr.String(), "keeping the state in "+db, "names the database")
	assert.Equal(t, 0, again.stop())

	var stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr, getenv: func(string) string { return "" }}
	other := "../../reference/testdata/population.jsonl"
	code := runEnv(context.Background(), e, append([]string{"serve", "--addr", "127.0.0.1:0", "--population", other, "--data", t.TempDir()}, args...))
	assert.Equal(t, exitUsage, code, stderr.String())
	assert.Contains(t, stderr.String(), "is not the population")

	reset := startServeInProcess(t, append([]string{"--population", other, "--data", t.TempDir(), "--reset"}, args...)...)
	assert.Contains(t, reset.stderr.String(), "--reset: emptied the database")
	assert.Contains(t, reset.stderr.String(), "imported")
}

// $EIDSIM_CPUPROFILE makes an instance write a CPU profile (gzipped pprof) until it stops.
func TestServeCPUProfile(t *testing.T) {
	path := t.TempDir() + "/cpu.pprof"
	e := &env{stderr: io.Discard, getenv: func(k string) string {
		if k == "EIDSIM_CPUPROFILE" {
			return path
		}
		return ""
	}}
	w, err := newSharedWorld(context.Background(), e, &serveConfig{}, "t")
	require.NoError(t, err)
	w.stop()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Greater(t, len(b), 2)
	assert.Equal(t, []byte{0x1f, 0x8b}, b[:2], "gzipped profile")
}
