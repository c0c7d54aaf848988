package results

// The names of every file in a run directory, each declared once. Writers (scenarios/load,
// scenarios/campaign, cmd/eidsim) and readers (results/report) use these constants.

// Every run.
const (
	ManifestFile = "manifest.json" // what ran; written first, rewritten when the run ends
)

// A load run (eidsim load), one directory per run or per find-max step.
const (
	RawFile       = "k6-raw.json.gz"  // every metric point k6 emitted (k6 --out json)
	SummaryFile   = "k6-summary.json" // k6's end-of-test summary (handleSummary)
	StdoutFile    = "k6-stdout.txt"   // k6's console output
	AggregateFile = "aggregate.json"  // mergeable histograms and counters built from RawFile
	AttackFile    = "attack.json"     // an adversarial scenario's summary (Attack)
	ScriptsDir    = "scripts"         // the k6 scripts exactly as they ran
	StepsDir      = "steps"           // a find-max run: one run directory per step
)

// PoolFile is the name of the file of the citizens sampled for one pool (flow) of a load run.
func PoolFile(pool string) string { return "citizens-" + pool + ".json" }

// A campaign simulation (eidsim simulate). A run of several campaigns, or with a
// counterfactual, has one subdirectory per campaign, each with base/ and without/ for a
// counterfactual.
const (
	DailyFile          = "daily.csv"          // one row per replica and day, simulated (scaled-down) counts
	FunnelFile         = "funnel.csv"         // citizens by segment, outcome and cause over the replicas
	SimSummaryFile     = "summary.json"       // SimSummary: headline figures at full scale with bands
	CalibrationFile    = "calibration.md"     // simulated against reported figures
	CalibrationCSVFile = "calibration.csv"    // the same as a table
	CapacityFile       = "capacity.json"      // CapacityResult (eidsim simulate --capacity)
	CounterfactualFile = "counterfactual.csv" // the campaign as run against without the interventions
)

// A report (eidsim report, written into the run directory it reports on) and a demo.
const (
	MarkdownFile = "report.md"
	HTMLFile     = "report.html"
	PlotsDir     = "plots"     // plots/NAME.svg
	DemoFile     = "demo.json" // Demo: the parts of a demo run
	DemoLogFile  = "demo.log"  // everything the demo's parts printed
)
