package httpapi_test

import (
	"io"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/httpapi"
)

func TestWatchAdmission(t *testing.T) {
	m := httpapi.NewMetrics()
	require.NoError(t, m.WatchAdmission(func() reference.AdmissionStats {
		return reference.AdmissionStats{Slots: 2, Running: 2, Queued: 7, Admitted: 40, Rejected: 3, Cancelled: 1}
	}))
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		"eidsim_hash_queue_depth 7",
		`eidsim_hash_slots{state="busy"} 2`,
		`eidsim_hash_slots{state="all"} 2`,
		`eidsim_hash_admissions_total{outcome="rejected"} 3`,
		`eidsim_hash_admissions_total{outcome="cancelled"} 1`,
	} {
		assert.Contains(t, string(body), want)
	}
}
