package results

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"
)

// Kinds of run recorded in the manifest.
const (
	KindLoad        = "load"          // eidsim load: one run of a scenario (result: LoadStep)
	KindFindMax     = "find-max"      // eidsim load --find-max (result: FindMaxResult)
	KindFindMaxStep = "find-max-step" // one step of a search, under its StepsDir (result: LoadStep)
	KindMerge       = "merge"         // eidsim report --merge of a split run's segments
	KindSimulate    = "simulate"      // eidsim simulate
	KindDemo        = "demo"          // eidsim demo (DemoFile lists its parts)
)

// Run statuses recorded in the manifest.
const (
	StatusRunning          = "running" // still running, or interrupted before it could say otherwise
	StatusPassed           = "passed"
	StatusThresholdsFailed = "thresholds_failed"
	StatusAttackSucceeded  = "attack_succeeded" // an adversarial scenario's attack got through (results.Attack.Verdict)
	StatusFailed           = "failed"
	StatusMerged           = "merged"
)

// Manifest says what a run was. It is the first file written into a run directory and is
// rewritten when the run ends, so a directory whose manifest still says "running" belongs
// to a run that was interrupted.
type Manifest struct {
	RunID    string    `json:"run_id"`
	Kind     string    `json:"kind"` // KindLoad, KindFindMax, …
	Command  []string  `json:"command"`
	Scenario string    `json:"scenario,omitempty"`
	Started  time.Time `json:"started"`
	Ended    time.Time `json:"ended,omitzero"`
	Status   string    `json:"status"`
	// ExitCode is the exit code of the tool the run drove (k6), when it ran.
	ExitCode *int           `json:"exit_code,omitempty"`
	Target   string         `json:"target,omitempty"`
	Options  map[string]any `json:"options,omitempty"`
	// Hash is what the target reported about its password hashing, or a string saying it
	// did not report.
	Hash any `json:"hash"`
	// TargetSettings is everything the target reported about itself.
	TargetSettings json.RawMessage   `json:"target_settings,omitempty"`
	Seed           uint64            `json:"seed"`
	Segment        string            `json:"segment,omitempty"`
	Population     *PopulationInfo   `json:"population,omitempty"`
	Versions       map[string]string `json:"versions"`
	GitCommit      string            `json:"git_commit,omitempty"`
	Host           map[string]any    `json:"host,omitempty"`
	MergedFrom     []string          `json:"merged_from,omitempty"`
	Error          string            `json:"error,omitempty"`
	// Faults are the target's injected faults (reference/faults): the setting in force when
	// the run started and every change during it; absent when the target has no /sim/faults.
	Faults any `json:"faults,omitempty"`
	// Result holds the run's headline figures: a LoadStep for a load run, a FindMaxResult
	// for a find-max run. A manifest read back keeps it as written too (DecodeResult).
	Result any `json:"result,omitempty"`

	rawResult json.RawMessage
}

// PopulationInfo identifies the population a run drew its citizens from.
type PopulationInfo struct {
	File  string `json:"file"`
	Lines int64  `json:"lines"`
	Bytes int64  `json:"bytes"`
	// Sampled is how many citizens were sampled per flow.
	Sampled map[string]int `json:"sampled,omitempty"`
	// Eligible is how many citizens of the population were eligible per flow.
	Eligible map[string]int64 `json:"eligible,omitempty"`
}

var runIDSafe = regexp.MustCompile(`[^a-z0-9-]+`)

// NewRunID returns a sortable, unique run id: UTC time, the label (scenario), and random hex.
func NewRunID(now time.Time, label string) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	label = runIDSafe.ReplaceAllString(label, "-")
	return fmt.Sprintf("%s-%s-%s", now.UTC().Format("20060102T150405Z"), label, hex.EncodeToString(b[:]))
}

// Run is an open run directory.
type Run struct {
	Dir      string
	Manifest Manifest
}

// Create makes root/<m.RunID>/ and writes the manifest into it before anything else; the
// directory must not exist yet. m.Status is set to "running".
func Create(root string, m Manifest) (*Run, error) {
	if m.RunID == "" {
		return nil, errors.New("results: manifest has no run id")
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, err
	}
	dir := filepath.Join(root, m.RunID)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, err
	}
	m.Status = StatusRunning
	r := &Run{Dir: dir, Manifest: m}
	if err := r.WriteManifest(); err != nil {
		return nil, err
	}
	return r, nil
}

// Path returns the path of a file in the run directory.
func (r *Run) Path(name string) string { return filepath.Join(r.Dir, name) }

// WriteManifest (re)writes manifest.json atomically and durably.
func (r *Run) WriteManifest() error {
	b, err := json.MarshalIndent(r.Manifest, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(r.Path(ManifestFile), append(b, '\n'))
}

// Finish records the end of the run with its status and rewrites the manifest.
func (r *Run) Finish(status string, now time.Time, err error) error {
	r.Manifest.Status = status
	r.Manifest.Ended = now.UTC()
	if err != nil {
		r.Manifest.Error = err.Error()
	}
	return r.WriteManifest()
}

// ReadManifest reads dir/manifest.json.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, ManifestFile), err)
	}
	return &m, nil
}

// writeFileAtomic writes b to a temporary file beside path, syncs it and renames it over
// path, so a reader sees the old or the new content, never a torn file.
func writeFileAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(b)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}
