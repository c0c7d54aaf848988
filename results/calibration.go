package results

// Records of a calibration (eidsim simulate --calibrate / --validate), read by the report.
// They hold figures only; the calibration itself lives in scenarios/calibrate.

// Files of a calibration's run record.
const (
	// CalibrationSummaryFile holds the CalibrationSummary.
	CalibrationSummaryFile = "calibration.json"
	// PosteriorFile is the posterior sample (scenarios/campaign.Posterior).
	PosteriorFile = "posterior.json"
)

// CalibrationSummary is what a calibration found: the posterior of the pooled parameters,
// how well it reproduces the evidence it was fitted on, its out-of-sample validation and the
// sensitivity of the headline outputs.
type CalibrationSummary struct {
	Method    string   `json:"method"`
	Campaigns []string `json:"campaigns"`
	// Citizens is the number of simulated citizens per campaign and model run.
	Citizens        int       `json:"citizens_per_campaign"`
	EvidenceVersion int       `json:"evidence_version"`
	Seed            uint64    `json:"seed"`
	Particles       int       `json:"particles"`
	Rounds          int       `json:"rounds"`
	Runs            int       `json:"model_runs"`
	Epsilon         []float64 `json:"tolerance_schedule"`
	Acceptance      []float64 `json:"acceptance"`
	StopReason      string    `json:"stop_reason"`
	// Interrupted is true when the calibration was stopped before its end (the summary is of
	// the last merged round).
	Interrupted bool           `json:"interrupted,omitempty"`
	Params      []ParamSummary `json:"parameters"`
	// Correlation is the posterior correlation matrix of the parameters (in Params order, on
	// the sampler's scale: log for log-uniform priors).
	Correlation [][]float64   `json:"correlation"`
	Fit         []PointFit    `json:"fit"`
	Validation  *Validation   `json:"validation,omitempty"`
	Sensitivity []Sensitivity `json:"sensitivity,omitempty"`
}

// ParamSummary is one parameter's prior and posterior.
type ParamSummary struct {
	Name    string  `json:"name"`
	Meaning string  `json:"meaning,omitempty"`
	Dist    string  `json:"prior"`
	PriorLo float64 `json:"prior_lo"`
	PriorHi float64 `json:"prior_hi"`
	Mean    float64 `json:"mean"`
	Median  float64 `json:"median"`
	Q05     float64 `json:"q05"`
	Q95     float64 `json:"q95"`
	// WidthRatio is the posterior's 90% interval width over the prior's, on the sampler's
	// scale: near 1 the data say nothing about the parameter, near 0 they pin it down.
	WidthRatio float64 `json:"width_ratio"`
	// Identified is "pinned down" (ratio < 0.5), "weakly" (< 0.8) or "not identified".
	Identified string `json:"identified"`
}

// PointFit is one evidence point against the model's posterior predictive distribution.
type PointFit struct {
	ID       string  `json:"id"`
	Campaign string  `json:"campaign"`
	Date     string  `json:"date"`
	Metric   string  `json:"metric"`
	Kind     string  `json:"kind"`
	Reported float64 `json:"reported"`
	Median   float64 `json:"predicted_median"`
	Lo       float64 `json:"p05"`
	Hi       float64 `json:"p95"`
	// ErrorPct is 100 × (median − reported) / reported.
	ErrorPct float64 `json:"error_pct"`
	// Covered: the reported value is inside the 90% interval (for a bound: the interval
	// reaches it).
	Covered bool `json:"covered"`
}

// Validation is the out-of-sample check: each hold-out removes some evidence, the model is
// refitted without it and predicts it.
type Validation struct {
	// Method says how the refits without the held-out data were made.
	Method   string    `json:"method"`
	Holdouts []Holdout `json:"holdouts"`
	// Points held out in all, Covered of them inside their 90% interval, Coverage = ratio.
	Points   int     `json:"points"`
	Covered  int     `json:"covered"`
	Coverage float64 `json:"coverage"`
	// Shares compares the activated share (activated ÷ collected) where a hold-out has both;
	// ShareMAE is the median absolute error in percentage points.
	Shares   []ShareRow `json:"shares"`
	ShareMAE float64    `json:"share_median_abs_error_points"`
	// NationalMaxErrorPct is the largest |error| of the national time split's points (NaN-free:
	// 0 when there is no national split).
	NationalMaxErrorPct float64 `json:"national_max_abs_error_pct"`
	// Worst are the worst misses with the reason.
	Worst []Miss   `json:"worst_misses"`
	Notes []string `json:"notes,omitempty"`
}

// Holdout is one refit without some evidence and its predictions of that evidence.
type Holdout struct {
	Name string `json:"name"`
	// Removed says which evidence was held out.
	Removed string `json:"removed"`
	// ESS is the effective sample size of the refit's weighted sample.
	ESS  float64    `json:"effective_sample_size"`
	Rows []PointFit `json:"rows"`
}

// ShareRow is the activated share of an area on a date, reported and predicted.
type ShareRow struct {
	Holdout   string  `json:"holdout"`
	Area      string  `json:"area"`
	Date      string  `json:"date"`
	Reported  float64 `json:"reported"`
	Predicted float64 `json:"predicted_median"`
	// AbsErrorPoints is |predicted − reported| in percentage points.
	AbsErrorPoints float64 `json:"abs_error_points"`
}

// Miss explains one of the worst held-out predictions.
type Miss struct {
	ID       string  `json:"id"`
	Holdout  string  `json:"holdout"`
	ErrorPct float64 `json:"error_pct"`
	// Structural is true when no simulation of the whole calibration came near the figure.
	Structural bool `json:"structural"`
	// Driver is the parameter that moves this prediction most; Why says it in words.
	Driver string `json:"driver,omitempty"`
	Why    string `json:"why"`
}

// Sensitivity is how much each parameter drives a headline output over the prior ranges.
type Sensitivity struct {
	Output string `json:"output"`
	// Method names the estimator.
	Method  string   `json:"method"`
	Samples int      `json:"samples"`
	Indices []SIndex `json:"indices"`
}

// SIndex is one parameter's first-order index: the share of the output's variance its value
// explains alone.
type SIndex struct {
	Param string  `json:"param"`
	S1    float64 `json:"s1"`
}

// StatusInterrupted is the status of a run stopped by Ctrl-C or SIGTERM: its record holds
// what was finished before the stop.
const StatusInterrupted = "interrupted"
