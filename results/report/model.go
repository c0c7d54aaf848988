package report

import (
	"fmt"
	"math"
	"strings"
)

// Report is what a run directory says, in the order a reader wants it: the headline figures
// first, then what was run, then sections of tables and plots.
type Report struct {
	// Title names the run in one line.
	Title string
	// Kind is the manifest's kind ("load", "find-max", "merge", "simulation", "demo") or
	// "unknown" when the manifest is missing.
	Kind string
	// RunID is the run directory's id (its base name when the manifest is missing).
	RunID string
	// Status is the manifest's status; "running" means the run never finished.
	Status string
	// Verdict is the one line that answers the run's question, shown first: whether a load
	// held, the rate a search found sustainable, whether a campaign met its targets.
	Verdict *Verdict
	// Warnings are statements the reader must see before the figures (an interrupted run,
	// failed thresholds).
	Warnings []string
	// Headline is every figure of the run (Compare matches them by Key). Those without a
	// Group — at most MaxHeadline — are the headline; the others are shown grouped by the
	// question they answer.
	Headline []Figure
	// Provenance is what was run, on what, with which settings: label → value.
	Provenance []KV
	// Sections hold the detail.
	Sections []Section
	// Missing lists the files or figures the directory lacks, each with what it means.
	Missing []string

	// curves are series Compare can draw over those of another run, by name.
	curves map[string]curve
}

// curve is a series kept for comparison, with the axes it is drawn on.
type curve struct {
	axes axes
	s    series
}

func (r *Report) keepCurve(name string, a axes, s series) {
	if r.curves == nil {
		r.curves = map[string]curve{}
	}
	s.Lo, s.Hi = nil, nil
	r.curves[name] = curve{axes: a, s: s}
}

// MaxHeadline is the most figures a report shows as its headline.
const MaxHeadline = 8

// Verdict states whether a run did what it was asked. State is one of the Verdict*
// constants; Text is the whole line, starting with the state in words.
type Verdict struct {
	State string
	Text  string
}

// Head is the verdict up to its first colon ("HELD 12 iterations/s for 1 min"), drawn bold;
// Rest is the remainder (": p95 …"), so Head+Rest is Text.
func (v Verdict) Head() string {
	if i := strings.Index(v.Text, ": "); i >= 0 {
		return v.Text[:i]
	}
	return v.Text
}

// Rest is what follows Head.
func (v Verdict) Rest() string { return strings.TrimPrefix(v.Text, v.Head()) }

// Verdict states.
const (
	VerdictHeld    = "held"     // a load run whose thresholds all held; a campaign that met every target
	VerdictNotHeld = "not-held" // a threshold failed; a target missed
	VerdictUnknown = "unknown"  // the run did not finish, or its verdict could not be read
)

// overflowGroup holds the figures without a Group beyond the first MaxHeadline.
const overflowGroup = "More figures"

// Top returns the headline figures: the first MaxHeadline without a Group, in order.
func (r *Report) Top() []Figure {
	var out []Figure
	for _, f := range r.Headline {
		if f.Group == "" && len(out) < MaxHeadline {
			out = append(out, f)
		}
	}
	return out
}

// FigureGroup is the figures that answer one question.
type FigureGroup struct {
	Title   string
	Figures []Figure
}

// Groups returns the figures outside the headline, grouped in the order their groups first
// appear.
func (r *Report) Groups() []FigureGroup {
	var out []FigureGroup
	at := map[string]int{}
	top := 0
	for _, f := range r.Headline {
		g := f.Group
		if g == "" {
			if top++; top <= MaxHeadline {
				continue
			}
			g = overflowGroup
		}
		i, ok := at[g]
		if !ok {
			i = len(out)
			at[g] = i
			out = append(out, FigureGroup{Title: g})
		}
		out[i].Figures = append(out[i].Figures, f)
	}
	return out
}

// KV is one labelled value.
type KV struct{ Key, Value string }

// Figure is one headline number. Key identifies it across runs (Compare matches figures by
// Key); Value is its numeric value (NaN when it has none, e.g. a target not reached); Text
// is how it is shown.
type Figure struct {
	Key   string
	Label string
	Value float64
	Unit  string
	Text  string
	// Better is -1 when lower is better, +1 when higher is better, 0 when neither.
	Better int
	// Note qualifies the figure in a few words.
	Note string
	// Detail marks a figure that breaks down another (one flow, one cause, one segment):
	// a summary of several runs (the demo) leaves it out.
	Detail bool
	// Group names the question the figure answers ("Failures by cause", "Flows", …) when it
	// is not a headline figure; "" puts it in the headline.
	Group string
}

// Section is a titled group of paragraphs, tables and plots.
type Section struct {
	Title  string
	Text   []string
	Tables []Table
	Plots  []Plot
	// Links point to other files of the results tree, by relative path.
	Links []Link
	// Pre is preformatted text shown as is (e.g. a calibration table written by the run).
	Pre string
}

// Link is a relative link to another file (another run's report).
type Link struct{ Text, Href string }

// Table is a captioned table; every row has as many cells as Header.
type Table struct {
	Caption string
	Header  []string
	Rows    [][]string
	// Numeric marks the columns to right-align (by index).
	Numeric map[int]bool
}

// Plot is one drawn figure: SVG markup, the file name it is stored under in plots/, and a
// caption that says what to look at.
type Plot struct {
	Name    string
	Title   string
	Caption string
	SVG     []byte
}

// num formats a figure value with a precision suited to its size.
func num(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case math.IsInf(v, 0):
		return "∞"
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return fmt.Sprintf("%.0f", v)
	case math.Abs(v) >= 100:
		return fmt.Sprintf("%.0f", v)
	case math.Abs(v) >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

// pct formats a share (0…1) as a percentage.
func pct(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	p := 100 * v
	switch {
	case p == 0 || p == 100:
		return fmt.Sprintf("%.0f %%", p)
	case math.Abs(p) < 0.1:
		return fmt.Sprintf("%.2g %%", p)
	}
	return fmt.Sprintf("%.1f %%", p)
}

// fig returns a Figure whose Text is the value and unit.
func fig(key, label string, v float64, unit string, better int) Figure {
	t := num(v)
	if unit != "" && !math.IsNaN(v) {
		if unit == "%" {
			t = pct(v)
		} else {
			t += " " + unit
		}
	}
	return Figure{Key: key, Label: label, Value: v, Unit: unit, Text: t, Better: better}
}
