package campaign

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSmokeDienBien(t *testing.T) {
	c, err := Load("dien-bien-2023")
	require.NoError(t, err)
	w, err := PrepareWorld(c, 3000, 1)
	require.NoError(t, err)
	rs, err := RunReplicas(context.Background(), c, w, 1, 1, 1)
	require.NoError(t, err)
	sm := Summarise(c, rs, 1)
	for _, r := range sm.Reported {
		t.Logf("%s %s reported %d simulated %.0f (%.1f%%)", r.Date, r.Metric, r.Reported, r.Simulated.Mean, r.ErrorPct)
	}
	t.Logf("end %+v", sm.End)
	t.Logf("causes %+v", sm.Causes)
	t.Logf("totals %+v", sm.Totals)
}
