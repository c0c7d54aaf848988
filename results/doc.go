// Package results is the run record of eidsim: every run writes a directory
// results/<run-id>/ whose manifest.json is written first (so an interrupted run still says
// what it was), then the raw outputs of the tools it ran, then summaries.
//
// Layout of a load run directory (names are the constants below):
//
//	manifest.json     what ran: scenario, options, target, the target's hash settings, seed,
//	                  versions, git commit, segment; status "running" until the run ends
//	citizens-*.json   the citizens sampled from the population for each flow of the scenario
//	k6-raw.json.gz    every metric point k6 emitted (k6 --out json)
//	k6-summary.json   k6's end-of-test summary (handleSummary)
//	k6-stdout.txt     k6's console output
//	aggregate.json    mergeable histograms and counters built from k6-raw.json.gz
//
// Load tests split into k6 execution segments are merged with Merge: counters add, and
// percentiles are recomputed from merged log-linear histograms (see Histogram), never averaged.
package results
