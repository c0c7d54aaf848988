package main

import (
	"fmt"
	"io"
	"strings"

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

// printReport prints a report's title, warnings, headline figures, what it lacks and where
// it is.
func printReport(w io.Writer, r *report.Report, page string, notes []string) {
	fmt.Fprintf(w, "%s\n\n", r.Title)
	for _, wn := range r.Warnings {
		fmt.Fprintln(w, "warning:", wn)
	}
	width := 0
	for _, f := range r.Headline {
		width = max(width, len([]rune(f.Label)))
	}
	for _, f := range r.Headline {
		line := fmt.Sprintf("  %-*s  %s", width, f.Label, f.Text)
		if f.Note != "" {
			line += "  (" + f.Note + ")"
		}
		fmt.Fprintln(w, line)
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
	fmt.Fprintf(w, "        %s\n", strings.TrimSuffix(page, report.HTMLFile)+report.MarkdownFile)
}
