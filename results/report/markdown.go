package report

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// WriteMarkdown writes r as Markdown. Plots are referenced as plots/NAME.svg (Write stores
// them there); the output depends only on r, so it is stable for a given run directory.
func WriteMarkdown(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	p("# %s\n\n", mdText(r.Title))
	if r.Verdict != nil {
		p("**%s**\n\n", mdText(r.Verdict.Text))
	}
	for _, warn := range r.Warnings {
		p("> **Warning.** %s\n\n", mdText(warn))
	}
	figTable := func(fs []Figure) {
		rows := make([][]string, len(fs))
		for i, f := range fs {
			rows[i] = []string{f.Label, f.Text, f.Note}
		}
		mdTable(bw, Table{Header: []string{"figure", "value", "note"}, Rows: rows, Numeric: map[int]bool{1: true}})
	}
	if top := r.Top(); len(top) > 0 {
		p("## Headline\n\n")
		figTable(top)
	}
	if groups := r.Groups(); len(groups) > 0 {
		p("## Figures by question\n\n")
		for _, g := range groups {
			p("### %s\n\n", mdText(g.Title))
			figTable(g.Figures)
		}
	}
	if len(r.Missing) > 0 {
		p("## Missing from this run\n\n")
		for _, m := range r.Missing {
			p("- %s\n", mdText(m))
		}
		p("\n")
	}
	if len(r.Provenance) > 0 {
		p("## What was run\n\n")
		rows := make([][]string, len(r.Provenance))
		for i, kv := range r.Provenance {
			rows[i] = []string{kv.Key, kv.Value}
		}
		mdTable(bw, Table{Header: []string{"", ""}, Rows: rows})
	}
	for _, s := range r.Sections {
		p("## %s\n\n", mdText(s.Title))
		for _, t := range s.Text {
			p("%s\n\n", mdText(t))
		}
		for _, l := range s.Links {
			p("- [%s](%s)\n", mdText(l.Text), l.Href)
		}
		if len(s.Links) > 0 {
			p("\n")
		}
		for _, t := range s.Tables {
			if t.Caption != "" {
				p("*%s*\n\n", mdText(t.Caption))
			}
			mdTable(bw, t)
		}
		for _, pl := range s.Plots {
			p("![%s](plots/%s.svg)\n\n", mdText(pl.Title), pl.Name)
			if pl.Caption != "" {
				p("*%s*\n\n", mdText(pl.Caption))
			}
		}
		if s.Pre != "" {
			p("```text\n%s\n```\n\n", strings.TrimRight(strings.ReplaceAll(s.Pre, "```", "'''"), "\n"))
		}
	}
	return bw.Flush()
}

// mdText keeps text on one line and escapes what Markdown would take as markup: table
// pipes and the start of HTML tags.
func mdText(s string) string {
	s = strings.ReplaceAll(s, "\r", "")
	s = strings.ReplaceAll(s, "\n", " ")
	s = strings.ReplaceAll(s, "|", `\|`)
	return htmlish.ReplaceAllString(s, "&lt;$1")
}

// htmlish matches a "<" that Markdown renderers would take for the start of an HTML tag.
var htmlish = regexp.MustCompile(`<([A-Za-z/!?])`)

func mdTable(w io.Writer, t Table) {
	fmt.Fprint(w, "|")
	for _, h := range t.Header {
		fmt.Fprintf(w, " %s |", mdText(h))
	}
	fmt.Fprint(w, "\n|")
	for i := range t.Header {
		if t.Numeric[i] {
			fmt.Fprint(w, "---:|")
		} else {
			fmt.Fprint(w, "---|")
		}
	}
	fmt.Fprintln(w)
	for _, row := range t.Rows {
		fmt.Fprint(w, "|")
		for i := range t.Header {
			c := ""
			if i < len(row) {
				c = row[i]
			}
			fmt.Fprintf(w, " %s |", mdText(c))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
}
