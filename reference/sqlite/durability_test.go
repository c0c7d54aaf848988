package sqlite_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/sqlite"
)

const childEnv = "EIDSIM_SQLITE_KILL_CHILD"

// TestMain lets the test binary act as the child of TestCommitsSurviveKill.
func TestMain(m *testing.M) {
	if path := os.Getenv(childEnv); path != "" {
		os.Exit(killChild(path))
	}
	os.Exit(m.Run())
}

// killChild commits keys k0, k1, … one transaction each and prints each number after its
// commit returned, until it is killed (or gives up after 20,000 commits or 60 s).
func killChild(path string) int {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	w := bufio.NewWriter(os.Stdout)
	deadline := time.Now().Add(60 * time.Second)
	for i := 0; i < 20000 && time.Now().Before(deadline); i++ {
		err := s.Update(ctx, func(tx reference.Tx) error { return tx.PutKey("k"+strconv.Itoa(i), []byte{byte(i)}) })
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Fprintln(w, i)
		w.Flush()
	}
	return 0
}

// TestCommitsSurviveKill: every transaction whose Update returned before the process was
// killed with SIGKILL is in the database when it is opened again (WAL, synchronous=NORMAL).
func TestCommitsSurviveKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	path := filepath.Join(t.TempDir(), "eid.db")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+path)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	sc := bufio.NewScanner(out)
	acked := -1
	for sc.Scan() {
		n, err := strconv.Atoi(sc.Text())
		require.NoError(t, err)
		acked = n
		if acked == 300 {
			require.NoError(t, cmd.Process.Kill())
		}
	}
	cmd.Wait() //nolint:errcheck // killed on purpose
	require.GreaterOrEqual(t, acked, 300, "the child committed too little before it ended")

	s, err := sqlite.Open(context.Background(), path)
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.View(context.Background(), func(tx reference.Tx) error {
		for i := 0; i <= acked; i++ {
			v, err := tx.Key("k" + strconv.Itoa(i))
			require.NoError(t, err, "acknowledged commit %d lost", i)
			assert.Equal(t, []byte{byte(i)}, v)
		}
		return nil
	}))
}

// TestTwoStoresOneFile: two stores (as two service processes would) on one file serialise
// their writes through SQLite's lock: concurrent increments from both all count, without
// "database is locked" errors.
func TestTwoStoresOneFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "eid.db")
	var stores []*sqlite.Store
	for range 2 {
		s, err := sqlite.Open(ctx, path)
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		stores = append(stores, s)
	}
	ch := &reference.Challenge{ID: "ch", Purpose: reference.PurposeLogin, CitizenID: "001090000001", Phone: "0912345678",
		CreatedAt: time.Unix(1, 0), SentAt: time.Unix(1, 0), ExpiresAt: time.Unix(200, 0)}
	require.NoError(t, stores[0].Update(ctx, func(tx reference.Tx) error { return tx.CreateChallenge(ch) }))
	const per = 50
	var wg sync.WaitGroup
	for i := range 8 {
		s := stores[i%2]
		wg.Go(func() {
			for range per {
				assert.NoError(t, s.Update(ctx, func(tx reference.Tx) error {
					c, err := tx.Challenge("ch")
					if err != nil {
						return err
					}
					c.Attempts++
					return tx.UpdateChallenge(c)
				}))
			}
		})
	}
	wg.Wait()
	for _, s := range stores {
		require.NoError(t, s.View(ctx, func(tx reference.Tx) error {
			c, err := tx.Challenge("ch")
			require.NoError(t, err)
			assert.Equal(t, 8*per, c.Attempts)
			return nil
		}))
	}
}
