//go:build unix

package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference/sqlite"
)

// TestOpen_FilesPrivate checks finding 9: the database and its -wal and -shm files are 0600
// even under umask 0, and an existing database file readable by others is narrowed.
func TestOpen_FilesPrivate(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	for _, existing := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "eidsim.db")
		if existing {
			require.NoError(t, os.WriteFile(path, nil, 0o644))
			require.NoError(t, os.Chmod(path, 0o644))
		}
		s, err := sqlite.Open(context.Background(), path)
		require.NoError(t, err)
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			st, err := os.Stat(p)
			require.NoError(t, err, "existing %v", existing)
			assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "%s (existing %v)", filepath.Base(p), existing)
		}
		require.NoError(t, s.Close())
	}
}
