package report

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/eidsim/eidsim/results"
)

// parts.go: the segment runs a merged run was made of. A merge directory holds only the
// merged aggregate; the thresholds (in each part's k6-summary.json), the options (in each
// part's manifest) and the points over time (k6-raw.json.gz) stay in the parts' own
// directories, which the merged manifest names.

// mergeParts are the readable parts of a merged run.
type mergeParts struct {
	dirs     []string
	manifest *results.Manifest // the first part's
	// defs are the thresholds the parts ran with (the same script: their union).
	defs map[string]map[string]bool
	// raws are the parts' k6 raw outputs.
	raws []string
}

// partDir finds a part: at the path the merged manifest recorded, else (the results tree
// moved) beside the merged run directory under the same base name.
func partDir(mergeDir, recorded string) (string, bool) {
	if st, err := os.Stat(recorded); err == nil && st.IsDir() {
		return recorded, true
	}
	alt := filepath.Join(filepath.Dir(filepath.Clean(mergeDir)), filepath.Base(recorded))
	if st, err := os.Stat(alt); err == nil && st.IsDir() {
		return alt, true
	}
	return "", false
}

// readParts reads what a merged run's parts still hold, naming in r.Missing what they lack.
func readParts(r *Report, dir string, m *results.Manifest) *mergeParts {
	p := &mergeParts{defs: map[string]map[string]bool{}}
	var gone, noSummary, noRaw []string
	for _, rec := range m.MergedFrom {
		d, ok := partDir(dir, rec)
		if !ok {
			gone = append(gone, rec)
			continue
		}
		p.dirs = append(p.dirs, d)
		if p.manifest == nil {
			p.manifest, _ = results.ReadManifest(d)
		}
		if defs, _, err := thresholdDefs(d); err == nil { // judge.go
			for metric, exprs := range defs {
				if p.defs[metric] == nil {
					p.defs[metric] = map[string]bool{}
				}
				for e := range exprs {
					p.defs[metric][e] = false // judged from the merged aggregate, not by k6
				}
			}
		} else {
			noSummary = append(noSummary, filepath.Base(d))
		}
		if raw := filepath.Join(d, results.RawFile); exists(raw) || exists(filepath.Join(d, results.StreamFile)) {
			p.raws = append(p.raws, raw)
		} else {
			noRaw = append(noRaw, filepath.Base(d))
		}
	}
	if len(gone) > 0 {
		r.Missing = append(r.Missing, fmt.Sprintf("the parts %s: not found (nor beside this directory), so their thresholds and points over time are not part of this report", strings.Join(gone, ", ")))
	}
	if len(noSummary) > 0 {
		r.Missing = append(r.Missing, fmt.Sprintf("%s of the parts %s: without it the thresholds the parts ran with are unknown", results.SummaryFile, strings.Join(noSummary, ", ")))
	}
	if len(noRaw) > 0 {
		r.Missing = append(r.Missing, fmt.Sprintf("%s of the parts %s: the time series leaves them out", results.RawFile, strings.Join(noRaw, ", ")))
	}
	return p
}
