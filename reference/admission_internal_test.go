package reference

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Waiters of the finishing class get the slot before new logins, whatever the arrival order;
// within a class the order is first come, first served.
func TestHashQueueOrder(t *testing.T) {
	q := newHashQueue(1, 10, time.Minute)
	hold, err := q.acquire(context.Background(), hashClassLogin)
	require.NoError(t, err)
	order := make(chan string, 4)
	n := 0
	start := func(name string, class int) {
		n++
		go func() {
			release, err := q.acquire(context.Background(), class)
			if err != nil {
				order <- "error " + err.Error()
				return
			}
			order <- name
			release()
		}()
		require.Eventually(t, func() bool { return q.snapshot().Queued == n }, time.Second, time.Millisecond)
	}
	start("login-1", hashClassLogin)
	start("login-2", hashClassLogin)
	start("finish-1", hashClassFinish)
	start("finish-2", hashClassFinish)
	hold()
	var got []string
	for range 4 {
		got = append(got, <-order)
	}
	assert.Equal(t, []string{"finish-1", "finish-2", "login-1", "login-2"}, got)
	st := q.snapshot()
	assert.Equal(t, 0, st.Running)
	assert.EqualValues(t, 5, st.Admitted)
}
