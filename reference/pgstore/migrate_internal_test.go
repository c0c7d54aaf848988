package pgstore

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadMigrationsNumbering(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		err   string
	}{
		{"contiguous", []string{"0001_a.sql", "0002_b.sql"}, ""},
		{"gap", []string{"0001_a.sql", "0003_c.sql"}, "migration 0003_c.sql: want number 0002"},
		{"no number", []string{"init.sql"}, "want number 0001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for _, f := range tt.files {
				fsys["migrations/"+f] = &fstest.MapFile{Data: []byte("SELECT 1;")}
			}
			ms, err := loadMigrations(fsys)
			if tt.err != "" {
				assert.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Len(t, ms, len(tt.files))
		})
	}
}

// The embedded migrations are numbered without a gap (what Open checks first).
func TestEmbeddedMigrations(t *testing.T) {
	ms, err := loadMigrations(migrations)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(ms), 4)
}
