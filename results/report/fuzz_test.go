package report

import (
	"io"
	"os"
	"path/filepath"
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

// FuzzBuildFile puts arbitrary bytes in one file of a run directory: Build and both writers
// never panic, and Build fails only for an unreadable directory.
func FuzzBuildFile(f *testing.F) {
	files := []string{"manifest.json", "k6-summary.json", "aggregate.json", "summary.json", "daily.csv", "funnel.csv", "calibration.csv", "demo.json"}
	f.Add(uint8(0), []byte(`{"run_id":"x","kind":"find-max","status":"passed","result":{"steps":[{"rate":1}]}}`))
	f.Add(uint8(0), []byte(`{"kind":"simulate","status":"running"}`))
	f.Add(uint8(1), []byte(`{"metrics":{"m":{"thresholds":{"p(95)<1":{"ok":false}}}}}`))
	f.Add(uint8(2), []byte(`{"types":{},"trends":{"http_req_duration{step=A}":{"count":1,"sum":1,"min":1,"max":1,"buckets":[[1000,1]]}}}`))
	f.Add(uint8(3), []byte(`{"scale":0,"deadlines":[{"name":"d","reached_day":{"replicas":1},"reached_date":"2024-01-01"}],"end":{"a":{"mean":1}}}`))
	f.Add(uint8(4), []byte("replica,date,profiles\n0,2024-01-01,1\n1,2024-01-01,NaN\n0,2024-01-02,x\n"))
	f.Add(uint8(5), []byte("dimension,value,outcome,cause,share_mean\nall,all,active_level1,none,1\n"))
	f.Add(uint8(7), []byte(`{"parts":[{"name":"p","dir":"../nowhere"}],"skipped":[{"name":"s","reason":"r"}]}`))
	f.Fuzz(func(t *testing.T, which uint8, content []byte) {
		dir := t.TempDir()
		name := files[int(which)%len(files)]
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
			t.Fatal(err)
		}
		if name != "manifest.json" {
			// A manifest of the kind the file belongs to, so that file is read.
			kind := "load"
			switch name {
			case "summary.json", "daily.csv", "funnel.csv", "calibration.csv":
				kind = "simulate"
			case "demo.json":
				kind = "demo"
			}
			m := `{"run_id":"f","kind":"` + kind + `","status":"passed","seed":1}`
			if err := os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(m), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		r, err := Build(dir)
		if err != nil {
			t.Fatalf("Build: %v", err)
		}
		if err := WriteMarkdown(io.Discard, r); err != nil {
			t.Fatal(err)
		}
		if err := WriteHTML(io.Discard, r); err != nil {
			t.Fatal(err)
		}
	})
}
