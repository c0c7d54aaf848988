package campaign

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/eidsim/eidsim/scenarios/campaigns"
)

// PosteriorFormat is the version of the posterior file layout.
const PosteriorFormat = 1

// CampaignHash names a campaign a posterior was fitted on and the SHA-256 of its file.
type CampaignHash struct {
	Name   string `json:"name"`
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
}

// Posterior is a weighted sample of the pooled parameters (the output of a calibration): each
// particle holds the values of Params in order; Weights sum to 1.
type Posterior struct {
	Format int `json:"format"`
	// Method says how the sample was made.
	Method    string      `json:"method"`
	Params    []string    `json:"params"`
	Particles [][]float64 `json:"particles"`
	Weights   []float64   `json:"weights"`
	// EvidenceVersion is the version of the evidence table the calibration used.
	EvidenceVersion int            `json:"evidence_version"`
	Campaigns       []CampaignHash `json:"campaigns"`
	// Citizens is how many citizens each campaign simulated per model run.
	Citizens int    `json:"citizens_per_campaign"`
	Seed     uint64 `json:"seed"`
	// Epsilon is the tolerance schedule (one per round); Runs the number of model runs (one
	// run of every campaign at one parameter point).
	Epsilon []float64 `json:"tolerance_schedule"`
	Runs    int       `json:"model_runs"`
}

// Check reports a posterior whose shape is inconsistent.
func (p *Posterior) Check() error {
	switch {
	case p.Format != PosteriorFormat:
		return fmt.Errorf("posterior format %d, this eidsim reads %d", p.Format, PosteriorFormat)
	case len(p.Params) == 0 || len(p.Particles) == 0:
		return errors.New("posterior has no parameters or no particles")
	case len(p.Weights) != len(p.Particles):
		return fmt.Errorf("posterior has %d weights for %d particles", len(p.Weights), len(p.Particles))
	}
	for i, x := range p.Particles {
		if len(x) != len(p.Params) {
			return fmt.Errorf("posterior particle %d has %d values for %d parameters", i, len(x), len(p.Params))
		}
		if p.Weights[i] < 0 {
			return fmt.Errorf("posterior particle %d has a negative weight", i)
		}
	}
	return nil
}

// Values returns particle i as a map from parameter name to value.
func (p *Posterior) Values(i int) map[string]float64 {
	out := make(map[string]float64, len(p.Params))
	for k, n := range p.Params {
		out[n] = p.Particles[i][k]
	}
	return out
}

// Draw picks a particle by weight, deterministically from (seed, replica): the same replica
// of the same seed always runs on the same particle, whatever the workers.
func (p *Posterior) Draw(seed uint64, replica int) int {
	r := rand.New(rand.NewPCG(seed^0x706f73746572696f, uint64(replica)+1)) // "posterio"
	u := r.Float64()
	var cum float64
	for i, w := range p.Weights {
		cum += w
		if u < cum {
			return i
		}
	}
	return len(p.Weights) - 1
}

// ReadPosterior reads a posterior file.
func ReadPosterior(path string) (*Posterior, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parsePosterior(b, path)
}

func parsePosterior(b []byte, name string) (*Posterior, error) {
	var p Posterior
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := p.Check(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &p, nil
}

//go:embed posterior/default.json
var defaultPosterior []byte

// DefaultPosterior is the fitted posterior shipped with eidsim (posterior/default.json, made
// by `make posterior`): campaigns without behaviour values of their own run on it.
func DefaultPosterior() (*Posterior, error) {
	return parsePosterior(defaultPosterior, "builtin:posterior/default.json")
}

// ReplicaOption changes how RunReplicas runs.
type ReplicaOption func(*replicaConfig)

type replicaConfig struct{ post *Posterior }

// WithPosterior makes every replica draw a particle of p (Posterior.Draw) and run on its
// parameter values, so the replicas' spread carries parameter and behavioural uncertainty.
func WithPosterior(p *Posterior) ReplicaOption { return func(rc *replicaConfig) { rc.post = p } }

// withParams returns a copy of c with the named parameters set (WithParams).
func withParams(c *Campaign, v map[string]float64) (*Campaign, error) { return c.WithParams(v) }

// SetsParams reports whether the campaign's file sets any of the posterior's parameters in
// its behaviour block; a campaign that sets none runs on the shipped posterior by default.
func (p *Posterior) SetsParams(c *Campaign) (bool, error) {
	var b []byte
	var err error
	if name, ok := strings.CutPrefix(c.File, "builtin:"); ok {
		b, err = campaigns.Read(name)
	} else if c.File != "" {
		b, err = os.ReadFile(c.File)
	} else {
		return true, nil // built in code: its values are its own
	}
	if err != nil {
		return false, err
	}
	var doc struct {
		Behaviour map[string]any `yaml:"behaviour"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return false, fmt.Errorf("%s: %w", c.File, err)
	}
	for _, n := range p.Params {
		if _, ok := doc.Behaviour[n]; ok {
			return true, nil
		}
	}
	return false, nil
}
