package campaign

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGroup(t *testing.T) {
	for _, tt := range []struct {
		in   float64
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1,000"}, {374051, "374,051"}, {2446786.4, "2,446,786"}, {-1234.6, "-1,235"}} {
		assert.Equal(t, tt.want, group(tt.in), "%v", tt.in)
	}
}

func TestBandOf(t *testing.T) {
	b := BandOf([]float64{10})
	assert.Equal(t, Band{Mean: 10, CILow: 10, CIHigh: 10, P025: 10, P975: 10, N: 1}, b)
	b = BandOf([]float64{1, 2, 3, 4, 5})
	assert.InDelta(t, 3, b.Mean, 1e-12)
	assert.Less(t, b.CILow, b.Mean)
	assert.Greater(t, b.CIHigh, b.Mean)
	assert.InDelta(t, 1.96*1.5811388/2.2360680, b.CIHigh-b.Mean, 1e-6) // 1.96 · sd / √n
	assert.Equal(t, 1.0, b.P025)
	assert.Equal(t, 5.0, b.P975)
	assert.Equal(t, Band{}, BandOf(nil))
}

func TestCalibrationTable(t *testing.T) {
	sm := &Summary{Campaign: "x", Citizens: 10, Scale: 0.5, Replicas: 2, Seed: 3, Reported: []ReportedSummary{
		{Date: "2023-10-01", Metric: MetricProfiles, Reported: 1000, Simulated: Band{Mean: 1100, CILow: 1050, CIHigh: 1150}, ErrorPct: 10, Fit: true},
		{Date: "2023-10-01", Metric: MetricActivated, Reported: 800, Simulated: Band{Mean: 600}, ErrorPct: -25},
	}}
	var md, csv bytes.Buffer
	require.NoError(t, WriteCalibrationMD(&md, []*Summary{sm}))
	require.NoError(t, WriteCalibrationCSV(&csv, []*Summary{sm}))
	assert.Contains(t, md.String(), "| x | 2023-10-01 | profiles | 1,000 | 1,100 | 1,050–1,150 |")
	assert.Contains(t, md.String(), "+10.0% | fitted |")
	assert.Contains(t, md.String(), "-25.0% | **held out** |")
	lines := strings.Split(strings.TrimSpace(csv.String()), "\n")
	require.Len(t, lines, 3)
	assert.True(t, strings.HasSuffix(lines[2], ",-25.00,held_out,2,0.5"), lines[2])
}
