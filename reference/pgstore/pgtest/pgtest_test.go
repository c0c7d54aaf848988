package pgtest_test

import (
	"context"
	"os"
	"strconv"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference/pgstore/pgtest"
)

// A cluster starts, gives out separate databases on loopback and its unix socket, and Stop
// ends postgres and removes its directory.
func TestStartDatabasesStop(t *testing.T) {
	if _, err := pgtest.BinDir(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	ctx := context.Background()
	c, err := pgtest.Start(ctx, pgtest.Options{})
	require.NoError(t, err)
	u1, err := c.CreateDatabase(ctx)
	require.NoError(t, err)
	u2, err := c.CreateDatabase(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, u1, u2)
	assert.Contains(t, u1, "127.0.0.1:")
	conn, err := pgx.Connect(ctx, u1)
	require.NoError(t, err)
	var fsync string
	require.NoError(t, conn.QueryRow(ctx, "SHOW fsync").Scan(&fsync))
	assert.Equal(t, "off", fsync, "tests need no fsync")
	conn.Close(ctx)
	sock, err := pgx.Connect(ctx, "host="+c.SocketDir()+" port="+strconv.Itoa(c.Port())+" user=postgres dbname=postgres")
	require.NoError(t, err, "the unix socket in the cluster's directory")
	sock.Close(ctx)

	pid := c.Pid()
	require.NoError(t, c.Stop())
	assert.NoDirExists(t, c.SocketDir())
	assert.ErrorIs(t, syscall.Kill(pid, 0), syscall.ESRCH, "postgres has exited")
}

// EIDSIM_PG_BIN naming a directory without the binaries is passed over.
func TestBinDirSkipsEmptyOverride(t *testing.T) {
	t.Setenv("EIDSIM_PG_BIN", t.TempDir())
	d, err := pgtest.BinDir()
	if err != nil {
		assert.ErrorIs(t, err, pgtest.ErrNoBinaries)
		return
	}
	assert.FileExists(t, d+"/initdb")
}
