package results

import (
	"encoding/json"
	"errors"
)

// The records of a load run (eidsim load): scenarios/load writes them into the manifest's
// result, results/report reads them.

// LoadStep is the headline of one k6 run of a load scenario: a whole run, or one step of a
// find-max search. It is a load run's manifest result, and each step of FindMaxResult.
type LoadStep struct {
	N      int     `json:"n"`
	Rate   float64 `json:"rate"`
	Passed bool    `json:"passed"`
	WarmUp bool    `json:"warm_up,omitempty"`
	// Figures of the run: latency over the API steps (ms), error and drop counts.
	P50       float64 `json:"p50_ms"`
	P95       float64 `json:"p95_ms"`
	P99       float64 `json:"p99_ms"`
	Requests  float64 `json:"requests"`
	ErrorRate float64 `json:"http_req_failed"`
	Dropped   float64 `json:"dropped_iterations"`
	// Achieved is the iterations per second actually started.
	Achieved float64 `json:"achieved_rate"`
	// K6CPUShare is k6's CPU time over wall time, as a share of all cores.
	K6CPUShare float64 `json:"k6_cpu_share"`
	K6MaxRSS   int64   `json:"k6_max_rss_kib"`
	ExitCode   int     `json:"exit_code"`
	// Dir is the step's run directory.
	Dir string `json:"dir,omitempty"`
}

// FindMaxResult is the manifest result of a find-max run (Kind "find-max").
type FindMaxResult struct {
	MaxRate float64 `json:"max_sustainable_rate"`
	// Bracketed is true when some step failed: MaxRate is then within the resolution of the
	// knee. Otherwise the search ran out of steps and MaxRate is only a lower bound.
	Bracketed bool `json:"bracketed"`
	// Best is the highest passing step (nil when none passed).
	Best *LoadStep `json:"best"`
	// Hash is the target's password-hashing settings, as the manifest has them.
	Hash  any        `json:"hash"`
	Steps []LoadStep `json:"steps"`
}

// NewFindMaxResult is the result of a search from its best step and all its steps.
func NewFindMaxResult(best *LoadStep, steps []LoadStep, hash any) FindMaxResult {
	res := FindMaxResult{Best: best, Hash: hash, Steps: steps}
	if best != nil {
		res.MaxRate = best.Rate
	}
	for _, st := range steps {
		if !st.WarmUp && !st.Passed {
			res.Bracketed = true
		}
	}
	return res
}

// ErrNoResult is DecodeResult's error when the manifest records no result.
var ErrNoResult = errors.New("the manifest records no result")

// UnmarshalJSON decodes a manifest and keeps its result as written, for DecodeResult.
func (m *Manifest) UnmarshalJSON(b []byte) error {
	type plain Manifest // without this method
	var v struct {
		plain
		Result json.RawMessage `json:"result,omitempty"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*m = Manifest(v.plain)
	m.rawResult = nil
	if len(v.Result) > 0 && string(v.Result) != "null" {
		m.rawResult = v.Result
		if err := json.Unmarshal(v.Result, &m.Result); err != nil {
			return err
		}
	}
	return nil
}

// DecodeResult decodes the result of a manifest read from a file (ReadManifest) into v, the
// record its kind writes: a LoadStep for a load run, a FindMaxResult for a find-max run. It
// returns ErrNoResult when there is none.
func (m *Manifest) DecodeResult(v any) error {
	if m.rawResult == nil {
		if m.Result == nil {
			return ErrNoResult
		}
		return errors.New("the manifest's result was not read from a file")
	}
	return json.Unmarshal(m.rawResult, v)
}
