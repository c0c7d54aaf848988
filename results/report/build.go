package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/eidsim/eidsim/results"
)

// Kinds of run a report knows how to read besides the load kinds of package results.
const (
	KindSimulation = "simulation"
	KindUnknown    = "unknown"
)

// Build reads the run directory dir into a Report. Files the directory lacks are named in
// Report.Missing with what their absence means; Build fails only when dir is not a
// readable directory.
func Build(dir string) (*Report, error) { return build(dir, 0) }

// maxDepth bounds how deep demos are expanded: a demo's parts are built, a part that is
// itself a demo is not (nor a part that names the demo's own directory).
const maxDepth = 1

func build(dir string, depth int) (*Report, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("run directory: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("run directory %s: not a directory", dir)
	}
	r := &Report{RunID: filepath.Base(filepath.Clean(dir)), Kind: KindUnknown}
	m, err := results.ReadManifest(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		r.Missing = append(r.Missing, results.ManifestFile+": the run left no manifest, so what was run, on what and with which settings is unknown")
	case err != nil:
		r.Missing = append(r.Missing, fmt.Sprintf("%s: unreadable (%v), so what was run is unknown", results.ManifestFile, err))
	default:
		r.RunID, r.Kind, r.Status = m.RunID, m.Kind, m.Status
		r.Provenance = provenance(m)
		switch m.Status {
		case results.StatusRunning:
			r.Warnings = append(r.Warnings, "This run did not finish: its manifest still says \"running\" (it was interrupted, or is still going). The figures cover only what it recorded.")
		case results.StatusFailed:
			msg := "The run failed"
			if m.Error != "" {
				msg += ": " + m.Error
			}
			r.Warnings = append(r.Warnings, msg+".")
		case results.StatusThresholdsFailed:
			r.Warnings = append(r.Warnings, "The service did not hold this load: at least one threshold failed (see Thresholds).")
		case results.StatusAttackSucceeded:
			r.Warnings = append(r.Warnings, "The attack got through: the service's defences did not hold (attack.json has the verdict and its reasons).")
		}
	}
	kind := r.Kind
	if kind == KindUnknown {
		kind = guessKind(dir)
	}
	switch {
	case kind == results.KindDemo && depth >= maxDepth:
		r.Missing = append(r.Missing, "this is a demo inside a demo: its parts are not expanded")
	case kind == results.KindDemo:
		err = buildDemo(r, dir, depth)
	case isSimulation(kind) && isCalibration(dir):
		err = buildCalibration(r, dir, m)
	case isSimulation(kind):
		err = buildSimulation(r, dir, m)
	default:
		err = buildLoad(r, dir, m)
	}
	if err != nil {
		return nil, err
	}
	r.Title = title(r, m)
	return r, nil
}

// isSimulation reports whether a manifest kind is a campaign simulation.
func isSimulation(kind string) bool {
	return kind == KindSimulation || strings.HasPrefix(kind, "sim") || strings.Contains(kind, "campaign")
}

// guessKind names the kind of a directory without a manifest from the files it holds.
func guessKind(dir string) string {
	for _, f := range []string{results.DailyFile, results.FunnelFile, results.SimSummaryFile, results.CapacityFile} {
		if exists(filepath.Join(dir, f)) {
			return KindSimulation
		}
	}
	if exists(filepath.Join(dir, results.DemoFile)) {
		return results.KindDemo
	}
	return results.KindLoad
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func title(r *Report, m *results.Manifest) string {
	if m == nil {
		return "Run " + r.RunID + " (no manifest)"
	}
	what := m.Kind
	switch {
	case m.Kind == results.KindFindMax:
		what = "Max-load search"
	case m.Kind == results.KindMerge:
		what = "Merged load run"
	case m.Kind == results.KindLoad:
		what = "Load run"
	case m.Kind == results.KindDemo:
		what = "Demo"
	case isSimulation(m.Kind):
		what = "Campaign simulation"
	}
	if m.Scenario != "" {
		what += ": " + m.Scenario
	}
	return what + " (" + m.RunID + ")"
}

// provenance lists what was run, on what, with which settings.
func provenance(m *results.Manifest) []KV {
	var kv []KV
	add := func(k, v string) {
		if v != "" {
			kv = append(kv, KV{k, v})
		}
	}
	add("Run", m.RunID)
	add("Kind", m.Kind)
	add("Status", m.Status)
	add("Command", strings.Join(m.Command, " "))
	add("Scenario", m.Scenario)
	add("Target", m.Target)
	if !m.Started.IsZero() {
		add("Started", m.Started.UTC().Format(time.RFC3339))
	}
	if !m.Ended.IsZero() {
		add("Ended", m.Ended.UTC().Format(time.RFC3339))
		add("Wall time", humanDuration(m.Ended.Sub(m.Started).Round(time.Second)))
	}
	if m.ExitCode != nil {
		add("Exit code", fmt.Sprint(*m.ExitCode))
	}
	add("Error", m.Error)
	add("Seed", fmt.Sprint(m.Seed))
	add("Hash settings", hashPhrase(m.Hash))
	add("Options", optionsPhrase(m.Options))
	add("Segment", m.Segment)
	if len(m.MergedFrom) > 0 {
		add("Merged from", strings.Join(m.MergedFrom, ", "))
	}
	if p := m.Population; p != nil {
		s := fmt.Sprintf("%s (%s citizens, %s)", p.File, thousands(float64(p.Lines)), bytesPhrase(p.Bytes))
		if len(p.Sampled) > 0 {
			s += "; sampled " + flatMap(anyMap(p.Sampled))
		}
		add("Population", s)
	}
	add("Versions", flatMap(anyMap(m.Versions)))
	add("Git commit", m.GitCommit)
	add("Host", flatMap(m.Host))
	return kv
}

// bytesPhrase writes a size in bytes in the largest binary unit that keeps it ≥ 1.
func bytesPhrase(n int64) string {
	v, units := float64(n), []string{"bytes", "KiB", "MiB", "GiB", "TiB"}
	i := 0
	for v >= 1024 && i < len(units)-1 {
		v, i = v/1024, i+1
	}
	if i == 0 {
		return fmt.Sprintf("%d bytes", n)
	}
	return fmt.Sprintf("%.1f %s", v, units[i])
}

func anyMap[V any](m map[string]V) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// flatMap writes a map as "k=v, k=v" in key order, nested values as compact JSON.
func flatMap(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		v := m[k]
		s, ok := v.(string)
		if !ok {
			s = compactJSON(v)
		}
		parts = append(parts, k+"="+s)
	}
	return strings.Join(parts, ", ")
}

func compactJSON(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
