// Package results is the run record of eidsim: every run writes a directory
// results/<run-id>/ whose manifest.json is written first (so an interrupted run still says
// what it was), then the raw outputs of the tools it ran, then summaries.
//
// The record has one owner, this package: every file name of a run directory is a constant
// of files.go; every record written into one is a type declared once here — Manifest (run.go),
// LoadStep and FindMaxResult (loadrecord.go), SimSummary and CapacityResult with their Band
// (simrecord.go, band.go), Aggregate (aggregate.go), Attack (attack.go), Demo (demorecord.go).
// scenarios/load, scenarios/campaign and cmd/eidsim write them; results/report reads them and
// imports nothing under scenarios/. The k6 metric names the harness reads are in metrics.go.
//
// Layout of a load run directory:
//
//	manifest.json     what ran: scenario, options, target, the target's hash settings, seed,
//	                  versions, git commit, segment; status "running" until the run ends
//	citizens-*.json   the citizens sampled from the population for each flow of the scenario
//	scripts/          the k6 scripts exactly as they ran
//	k6-raw.json.gz    every metric point k6 emitted (k6 --out json)
//	k6-summary.json   k6's end-of-test summary (handleSummary)
//	k6-stdout.txt     k6's console output
//	aggregate.json    mergeable histograms and counters built from k6-raw.json.gz
//	attack.json       an adversarial scenario's summary
//	steps/            a find-max search: one run directory per step
//
// k6-raw.json.gz is read in one pass (ReadK6) into the Aggregate, the time series and the
// adversarial scenarios' points. Load tests split into k6 execution segments are merged with
// Merge (MergeRuns for run directories): counters add, and percentiles are recomputed from
// merged log-linear histograms (see Histogram), never averaged.
package results
