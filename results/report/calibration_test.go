package report

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCalibrationReportGolden(t *testing.T) {
	r := built(t, "calibration")
	var b bytes.Buffer
	require.NoError(t, WriteMarkdown(&b, r))
	golden(t, "calibration.md", b.Bytes())

	require.NotNil(t, r.Verdict)
	assert.Contains(t, r.Verdict.Text, "held-out points inside their 90% interval")
	titles := map[string]bool{}
	for _, s := range r.Sections {
		titles[s.Title] = true
	}
	for _, want := range []string{"Posterior of the pooled parameters", "Fit to the evidence (in sample)", "Validation (out of sample)",
		"Sensitivity of the headline outputs"} {
		assert.True(t, titles[want], "section %q", want)
	}
}
