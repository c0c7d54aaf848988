package campaign

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Study is a plain simulation of one campaign (eidsim simulate CAMPAIGN): its replicas and,
// with Counterfactual, the same replicas without those interventions, contrasted by segment.
type Study struct {
	Campaign *Campaign
	World    *World
	Seed     uint64
	Replicas int
	Workers  int
	// Counterfactual lists the interventions the second run goes without (none: no second run).
	Counterfactual []string
	// Posterior, when set, gives every replica a particle (parameter uncertainty in the bands).
	Posterior *Posterior
}

// StudyResult is what a study found.
type StudyResult struct {
	Summary              *Summary   `json:"summary"`
	WallSeconds          float64    `json:"wall_seconds"`
	CitizenDaysPerSecond float64    `json:"citizen_days_per_second"`
	Contrasts            []Contrast `json:"-"`
}

// Run runs the study and writes its outputs into dir (dir/base and dir/without with a
// counterfactual, and the contrasts in dir/counterfactual.csv).
func (s *Study) Run(ctx context.Context, dir string) (*StudyResult, error) {
	var opts []ReplicaOption
	if s.Posterior != nil {
		opts = append(opts, WithPosterior(s.Posterior))
	}
	start := time.Now()
	rs, err := RunReplicas(ctx, s.Campaign, s.World, s.Seed, s.Replicas, s.Workers, opts...)
	if err != nil {
		return nil, err
	}
	elapsed := time.Since(start).Seconds()
	sm := Summarise(s.Campaign, rs, s.Seed)
	base := dir
	if len(s.Counterfactual) > 0 {
		base = filepath.Join(dir, "base")
		if err := os.MkdirAll(base, 0o755); err != nil {
			return nil, err
		}
	}
	if err := WriteOutputs(base, s.Campaign, rs, sm); err != nil {
		return nil, err
	}
	cd := float64(len(s.World.Pop)) * float64(s.Campaign.Days) * float64(len(rs))
	res := &StudyResult{Summary: sm, WallSeconds: elapsed, CitizenDaysPerSecond: cd / elapsed}
	if len(s.Counterfactual) == 0 {
		return res, nil
	}
	alt, err := Without(s.Campaign, s.Counterfactual)
	if err != nil {
		return nil, err
	}
	ars, err := RunReplicas(ctx, alt, s.World, s.Seed, s.Replicas, s.Workers, opts...)
	if err != nil {
		return nil, err
	}
	altDir := filepath.Join(dir, "without")
	if err := os.MkdirAll(altDir, 0o755); err != nil {
		return nil, err
	}
	if err := WriteOutputs(altDir, alt, ars, Summarise(alt, ars, s.Seed)); err != nil {
		return nil, err
	}
	res.Contrasts = Compare(rs, ars)
	err = WriteFile(filepath.Join(dir, CounterfactualFile), func(w io.Writer) error { return WriteContrasts(w, res.Contrasts) })
	return res, err
}

// PrintContrasts writes the activated share by segment, with against without.
func PrintContrasts(w io.Writer, without []string, cs []Contrast) {
	fmt.Fprintf(w, "\ncounterfactual without %s: activated share by segment, with − without [95%% CI of the paired difference]\n", strings.Join(without, ","))
	for _, x := range cs {
		if x.Metric != "activated_share" {
			continue
		}
		fmt.Fprintf(w, "  %-10s %-11s %5.1f%% vs %5.1f%%  diff %+5.1f pp [%+5.1f, %+5.1f]  bands separate: %v\n", x.Dimension, x.Value,
			100*x.Base.Mean, 100*x.Alt.Mean, 100*x.Diff.Mean, 100*x.Diff.CILow, 100*x.Diff.CIHigh, x.Separated)
	}
}
