package campaign

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/results"
)

func TestGroup(t *testing.T) {
	for _, tt := range []struct {
		in   float64
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1,000"}, {374051, "374,051"}, {2446786.4, "2,446,786"}, {-1234.6, "-1,235"}} {
		assert.Equal(t, tt.want, group(tt.in), "%v", tt.in)
	}
}

func TestCalibrationTable(t *testing.T) {
	sm := &results.SimSummary{Campaign: "x", Citizens: 10, Scale: 0.5, Replicas: 2, Seed: 3, Reported: []results.ReportedSummary{
		{Date: "2023-10-01", Metric: MetricProfiles, Reported: 1000, Simulated: results.Band{Mean: 1100, CILow: 1050, CIHigh: 1150}, ErrorPct: 10, Fit: true},
		{Date: "2023-10-01", Metric: MetricActivated, Reported: 800, Simulated: results.Band{Mean: 600}, ErrorPct: -25},
	}}
	var md, csv bytes.Buffer
	require.NoError(t, WriteCalibrationMD(&md, []*results.SimSummary{sm}))
	require.NoError(t, WriteCalibrationCSV(&csv, []*results.SimSummary{sm}))
	assert.Contains(t, md.String(), "| x | 2023-10-01 | profiles | 1,000 | 1,100 | 1,050–1,150 |")
	assert.Contains(t, md.String(), "+10.0% | fitted |")
	assert.Contains(t, md.String(), "-25.0% | **held out** |")
	lines := strings.Split(strings.TrimSpace(csv.String()), "\n")
	require.Len(t, lines, 3)
	assert.True(t, strings.HasSuffix(lines[2], ",-25.00,held_out,2,0.5"), lines[2])
}

// WriteOutputs names its files with the results constants and writes summary.json as the
// results.SimSummary the report reads: decoding it strictly gives back what was written.
func TestWriteOutputsWritesTheResultsRecord(t *testing.T) {
	c := tinyCampaign(t)
	w, err := PrepareWorld(c, 0, 1)
	require.NoError(t, err)
	rs, err := RunReplicas(context.Background(), c, w, 1, 2, 2)
	require.NoError(t, err)
	sm := Summarise(c, rs, 1)
	dir := t.TempDir()
	require.NoError(t, WriteOutputs(dir, c, rs, sm))
	for _, name := range []string{results.DailyFile, results.FunnelFile, results.SimSummaryFile} {
		assert.FileExists(t, filepath.Join(dir, name))
	}
	b, err := os.ReadFile(filepath.Join(dir, results.SimSummaryFile))
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var got results.SimSummary
	require.NoError(t, dec.Decode(&got))
	assert.Equal(t, *sm, got)
}

// The CSV headers hold every column results/report reads by name (results/simcolumns.go).
func TestCSVHeadersHoldTheColumnsTheReportReads(t *testing.T) {
	c := tinyCampaign(t)
	w, err := PrepareWorld(c, 0, 1)
	require.NoError(t, err)
	rs, err := RunReplicas(context.Background(), c, w, 1, 2, 2)
	require.NoError(t, err)
	header := func(write func(io.Writer) error) []string {
		var b bytes.Buffer
		require.NoError(t, write(&b))
		head, _, _ := strings.Cut(b.String(), "\n")
		return strings.Split(head, ",")
	}
	daily := header(func(w io.Writer) error { return WriteDaily(w, rs) })
	for _, col := range []string{results.ColReplica, results.ColDate, results.ColDay, results.ColProfiles, results.ColActivated,
		results.ColActivatedLevel2, results.ColRegistrations, results.ColLogins, results.ColSMSSubmitted, results.ColCounterServed,
		results.ColCounterQueue} {
		assert.Contains(t, daily, col, "%s lacks %s", results.DailyFile, col)
	}
	assert.Equal(t, results.FunnelHeader, header(func(w io.Writer) error { return WriteFunnel(w, Funnel(rs)) }))
	assert.Equal(t, results.CounterfactualHeader, header(func(w io.Writer) error { return WriteContrasts(w, Compare(rs, rs)) }))
}
