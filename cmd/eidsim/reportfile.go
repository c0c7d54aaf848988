package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/eidsim/eidsim/results"

	"github.com/eidsim/eidsim/results/report"
)

// writeRunReport writes report.md and report.html (with plots/) into the run directory dir
// and prints the headline figures and the report's path. With other set, it writes the
// comparison of dir (A) with other (B) instead, into out (default dir/compare-<B's run id>).
func writeRunReport(e *env, dir, other, out string) error {
	var (
		r    *report.Report
		page string
		err  error
	)
	for _, d := range []string{dir, other} {
		if d == "" {
			continue
		}
		if err := checkRunDir(d); err != nil {
			return err
		}
	}
	if other == "" {
		r, page, err = report.Generate(dir)
	} else {
		r, page, err = report.CompareDirs(dir, other, out)
	}
	if err != nil {
		return exitErr(exitFailure, err)
	}
	printReport(e.stdout, r, page, nil)
	return nil
}

// printReport prints a report's title, its verdict, warnings, the top headline figures (the
// rest are in the report, grouped by question), what it lacks and where it is.
func printReport(w io.Writer, r *report.Report, page string, notes []string) {
	printFigures(w, r, r.Top(), page, notes)
}

// printFigures is printReport with the figures to list chosen by the caller.
func printFigures(w io.Writer, r *report.Report, top []report.Figure, page string, notes []string) {
	fmt.Fprintf(w, "%s\n\n", r.Title)
	if r.Verdict != nil {
		fmt.Fprintf(w, "%s\n\n", r.Verdict.Text)
	}
	for _, wn := range r.Warnings {
		fmt.Fprintln(w, "warning:", wn)
	}
	// One block per group (the headline first), each aligned on its own labels.
	for i := 0; i < len(top); {
		j := i
		width := 0
		for ; j < len(top) && top[j].Group == top[i].Group; j++ {
			width = max(width, len([]rune(top[j].Label)))
		}
		if i > 0 {
			fmt.Fprintln(w)
		}
		for _, f := range top[i:j] {
			line := fmt.Sprintf("  %-*s  %s", width, f.Label, f.Text)
			if f.Note != "" {
				line += "  (" + f.Note + ")"
			}
			fmt.Fprintln(w, line)
		}
		i = j
	}
	if len(r.Missing) > 0 {
		fmt.Fprintln(w, "\nmissing from the run:")
		for _, m := range r.Missing {
			fmt.Fprintln(w, "  -", m)
		}
	}
	for _, n := range notes {
		fmt.Fprintln(w, "note:", n)
	}
	fmt.Fprintf(w, "\nreport: %s\n", page)
	fmt.Fprintf(w, "        %s\n", strings.TrimSuffix(page, results.HTMLFile)+results.MarkdownFile)
}

// runOutputs are the files whose presence makes a directory a run directory even without a
// manifest (a run killed before it could write one, or a copied-out part of one).
var runOutputs = []string{results.ManifestFile, results.RawFile, results.StreamFile, results.SummaryFile, results.AggregateFile,
	results.DailyFile, results.SimSummaryFile, results.DemoFile}

// checkRunDir refuses, as bad usage, what is not a run directory: a missing path, a file, an
// empty directory, a results directory holding runs (naming the newest), and a manifest that
// does not decode (naming its line). A run directory whose manifest is missing but which holds
// k6 or simulation output is accepted: its report says what is missing.
func checkRunDir(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return usageErr("%s: no such run directory", dir)
	}
	if !st.IsDir() {
		return usageErr("%s is a file; give the run directory that holds it", dir)
	}
	manifest := filepath.Join(dir, results.ManifestFile)
	if b, err := os.ReadFile(manifest); err == nil {
		var m results.Manifest
		if err := json.Unmarshal(b, &m); err != nil {
			return usageErr("%s: %s", manifest, jsonErrorAt(b, err))
		}
		return nil
	}
	for _, f := range runOutputs {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return nil
		}
	}
	entries, _ := os.ReadDir(dir)
	var runs []string
	for _, en := range entries {
		if en.IsDir() {
			if _, err := os.Stat(filepath.Join(dir, en.Name(), results.ManifestFile)); err == nil {
				runs = append(runs, en.Name())
			}
		}
	}
	if len(runs) > 0 {
		sort.Strings(runs) // run ids start with their UTC start time
		what := fmt.Sprintf("%d runs", len(runs))
		if len(runs) == 1 {
			what = "a run"
		}
		return usageErr("%s holds %s, not one run's output; name one, e.g. %s (the newest)", dir, what,
			filepath.Join(dir, runs[len(runs)-1]))
	}
	return usageErr("%s is not a run directory: it has no %s and no k6 or simulation output", dir, results.ManifestFile)
}

// jsonErrorAt describes a JSON decoding error with the line it happened on.
func jsonErrorAt(b []byte, err error) string {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(b)) {
		return err.Error()
	}
	line := 1 + bytes.Count(b[:off], []byte{'\n'})
	if te != nil && te.Field != "" {
		return fmt.Sprintf("line %d: field %s: want %s, got %s", line, te.Field, te.Type, te.Value)
	}
	return fmt.Sprintf("line %d: %v", line, err)
}
