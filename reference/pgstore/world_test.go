package pgstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference/cluster"
	"github.com/eidsim/eidsim/reference/faults"
)

// The store's journal of fault settings: ids grow, FaultsAfter returns what came later.
func TestFaultBoardSharesSettings(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	es, err := s.FaultsAfter(ctx, 0)
	require.NoError(t, err)
	assert.Empty(t, es)
	at := time.Date(2024, 3, 1, 9, 0, 0, 123456789, time.UTC)
	id1, err := s.PublishFaults(ctx, cluster.FaultEntry{At: at, Source: "control-plane: a", Spec: []byte(`{"clock_skew":1000000000}`)})
	require.NoError(t, err)
	id2, err := s.PublishFaults(ctx, cluster.FaultEntry{At: at, Source: "control-plane: b", Spec: []byte(`{}`)})
	require.NoError(t, err)
	assert.Greater(t, id2, id1)
	es, err = s.FaultsAfter(ctx, id1)
	require.NoError(t, err)
	require.Len(t, es, 1)
	assert.Equal(t, cluster.FaultEntry{ID: id2, At: at, Source: "control-plane: b", Spec: []byte(`{}`)}, es[0])

	// Through FaultSync: a controller adopts the newest setting at start.
	ctrl := faults.New(nil, nil, 1)
	fs := cluster.NewFaultSync(s, ctrl, nil)
	_, err = s.PublishFaults(ctx, cluster.FaultEntry{At: at, Source: "x", Spec: []byte(`{"clock_skew":3000000000}`)})
	require.NoError(t, err)
	require.NoError(t, fs.Start(ctx))
	assert.Equal(t, 3*time.Second, ctrl.Skew())
}
