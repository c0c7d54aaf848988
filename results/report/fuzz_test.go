package report

import (
	"bytes"
	"strings"
	"testing"
)

func FuzzReadCSV(f *testing.F) {
	f.Add("date,level1,level1_lo,level1_hi\n2024-07-01,10,8,12\n")
	f.Add("a,b\n1\n")
	f.Add("")
	f.Add("a,,c\n")
	f.Add("x\n\"unterminated\n")
	f.Fuzz(func(t *testing.T, s string) {
		tb, err := readCSV(strings.NewReader(s), "f.csv")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.csv") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		for _, row := range tb.Rows {
			if len(row) != len(tb.Header) {
				t.Fatalf("row of %d cells under a header of %d", len(row), len(tb.Header))
			}
		}
	})
}

func FuzzReadTimeSeries(f *testing.F) {
	f.Add([]byte(`{"type":"Metric","data":{"type":"trend"},"metric":"http_req_duration"}
{"metric":"http_req_duration","type":"Point","data":{"time":"2026-11-22T21:00:00Z","value":12.5,"tags":{"step":"L01_Login"}}}
{"metric":"iterations","type":"Point","data":{"time":"2026-11-22T21:00:03Z","value":1,"tags":{}}}
{"metric":"dropped_iterations","type":"Point","data":{"time":"2026-11-22T20:59:58Z","value":1,"tags":{}}}
`))
	f.Add([]byte(`{"metric":"vus","type":"Point","data":{"time":"2026-11-22T21:00:00Z","value":-3}}`))
	f.Add([]byte("\x1f\x8bnot gzip"))
	f.Add([]byte(`{"type":"Point"`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ts, err := ReadTimeSeries(bytes.NewReader(b), "raw")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "raw") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if len(ts.Windows) > maxWindows {
			t.Fatalf("%d windows, at most %d", len(ts.Windows), maxWindows)
		}
		for _, w := range ts.Windows {
			if w.Width <= 0 {
				t.Fatalf("bad window %+v", w)
			}
		}
	})
}
