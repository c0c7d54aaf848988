// Package report turns a run directory (results/<run-id>/) into a report a planner, a vendor
// or a researcher reads and shows to others: report.md (Markdown, with the plots as SVG files
// under plots/) and report.html (one self-contained file: inline CSS, the plots as inline
// SVG, the plot font embedded as a data URL; nothing is fetched when it is opened).
//
// Build reads any run directory — a load run, a find-max search, a merge of segments, a
// campaign simulation, or a demo that groups several runs — into a Report: what was run
// (from the manifest: command, target, hash settings, seed, versions), the headline figures,
// then sections of tables and plots. A directory with files missing (an interrupted run)
// gives a Report whose Missing list says what is absent; Build fails only when the
// directory itself cannot be read.
//
// Compare puts two Reports side by side, figure by figure, with the ratio of each pair.
package report
