package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/eidsim/eidsim/results"
)

// maxDemoPlots bounds the plots a demo report takes from each part; the part's own report
// has all of them.
const maxDemoPlots = 4

// buildDemo gathers the main headline figures (not the Detail ones) and the first plots of
// every part of a demo, with a link to each part's own report.
func buildDemo(r *Report, dir string, depth int) error {
	b, err := os.ReadFile(filepath.Join(dir, results.DemoFile))
	if err != nil {
		r.Missing = append(r.Missing, results.DemoFile+": the demo was interrupted before it listed its parts")
		return nil
	}
	var d results.Demo
	if err := json.Unmarshal(b, &d); err != nil {
		r.Missing = append(r.Missing, fmt.Sprintf("%s: unreadable (%v)", results.DemoFile, err))
		return nil
	}
	for _, p := range d.Skipped {
		r.Missing = append(r.Missing, fmt.Sprintf("part %s was left out: %s", p.Name, p.Reason))
	}
	var verdicts []string
	defer func() { r.Verdict = demoVerdict(verdicts, len(d.Skipped)) }()
	for _, p := range d.Parts {
		pdir := filepath.Join(dir, p.Dir)
		if p.Dir == "" || filepath.Clean(pdir) == filepath.Clean(dir) {
			r.Missing = append(r.Missing, fmt.Sprintf("part %s names no run directory of its own", p.Name))
			continue
		}
		pr, err := build(pdir, depth+1)
		if err != nil {
			r.Missing = append(r.Missing, fmt.Sprintf("part %s (%s): %v", p.Name, p.Dir, err))
			continue
		}
		if pr.Verdict != nil {
			// The part's verdict heads the demo: one line per part.
			verdicts = append(verdicts, pr.Verdict.State)
			r.Headline = append(r.Headline, Figure{Key: p.Name + "/verdict", Label: p.Name, Text: pr.Verdict.Head(),
				Note: strings.TrimPrefix(pr.Verdict.Rest(), ": ")})
		}
		for _, f := range pr.Headline {
			if f.Detail {
				continue
			}
			f.Key = p.Name + "/" + f.Key
			f.Label = p.Name + ": " + f.Label
			f.Group = "Part " + p.Name
			r.Headline = append(r.Headline, f)
		}
		for _, w := range pr.Warnings {
			r.Warnings = append(r.Warnings, p.Name+": "+w)
		}
		for _, m := range pr.Missing {
			r.Missing = append(r.Missing, p.Name+": "+m)
		}
		s := Section{Title: "Part " + p.Name + ": " + pr.Title,
			Links: []Link{{Text: "full report of " + pr.RunID, Href: filepath.ToSlash(filepath.Join(p.Dir, results.HTMLFile))}}}
		if pr.Verdict != nil {
			s.Text = append(s.Text, pr.Verdict.Text)
		}
		if p.Reason != "" {
			s.Text = append(s.Text, p.Reason)
		}
		s.Plots = demoPlots(pr, p.Name)
		r.Sections = append(r.Sections, s)
	}
	return nil
}

// demoPlots picks a part's plots for the demo report: the first maxDemoPlots, with the
// first contrast of a counterfactual in place of the last when the part has one.
func demoPlots(pr *Report, part string) []Plot {
	var all []Plot
	for _, ps := range pr.Sections {
		all = append(all, ps.Plots...)
	}
	picked := append([]Plot(nil), all[:min(len(all), maxDemoPlots)]...)
	for _, pl := range all[len(picked):] {
		if strings.HasPrefix(pl.Name, "counterfactual-") {
			picked[len(picked)-1] = pl
			break
		}
	}
	for i := range picked {
		picked[i].Name = part + "-" + picked[i].Name
	}
	return picked
}

// demoVerdict sums up the parts' verdicts: whether every part did what it was asked.
func demoVerdict(states []string, skipped int) *Verdict {
	if len(states) == 0 {
		return &Verdict{State: VerdictUnknown, Text: "NO PARTS RAN: the demo has no part with a verdict"}
	}
	held := 0
	for _, st := range states {
		if st == VerdictHeld {
			held++
		}
	}
	v := &Verdict{State: VerdictHeld, Text: fmt.Sprintf("ALL PARTS HELD: %d of %d parts did what they were asked", held, len(states))}
	if held < len(states) {
		v.State = VerdictNotHeld
		v.Text = fmt.Sprintf("NOT ALL PARTS HELD: %d of %d parts did what they were asked (a finding, see each part)", held, len(states))
	}
	if skipped > 0 {
		v.Text += fmt.Sprintf("; %d left out", skipped)
	}
	return v
}
