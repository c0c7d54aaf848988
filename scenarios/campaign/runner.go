package campaign

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/eidsim/eidsim/generators/population"
	"github.com/eidsim/eidsim/generators/profile"
	"github.com/eidsim/eidsim/generators/synth"
	"github.com/eidsim/eidsim/results"
)

// World is the population a campaign runs on and the scale it stands for.
type World struct {
	Pop   []population.Record
	Scale float64
	// Source says where the population came from (profile and count, or file).
	Source string
}

// PrepareWorld builds the campaign's population: count citizens (0: the definition's) sampled
// from its profile with the seed, or read from its population file (then the scale is
// population.real_adults / lines, or 1).
func PrepareWorld(c *Campaign, count int, seed uint64) (*World, error) {
	p := c.Population
	if p.File != "" {
		path := p.File
		if !filepath.IsAbs(path) && c.File != "" && !strings.HasPrefix(c.File, "builtin:") {
			path = filepath.Join(filepath.Dir(c.File), path) // relative to the campaign file
		}
		var pop []population.Record
		err := population.ReadFile(path, func(r *population.Record) error {
			pop = append(pop, *r)
			return nil
		})
		if err != nil {
			return nil, err
		}
		scale := 1.0
		if p.RealAdults > 0 && len(pop) > 0 {
			scale = float64(len(pop)) / float64(p.RealAdults)
		}
		if len(pop) == 0 {
			return nil, fmt.Errorf("population file %s has no citizens", path)
		}
		return &World{Pop: pop, Scale: scale, Source: "file " + path}, nil
	}
	prof, err := profile.Load(p.Profile)
	if err != nil {
		return nil, err
	}
	if count <= 0 {
		count = p.Count
	}
	real := p.RealAdults
	if real <= 0 {
		real = int(math.Round(float64(prof.Population.Count) * prof.AdultShare()))
	}
	pop, err := generate(prof, count, seed, c.Start.Time)
	if err != nil {
		return nil, err
	}
	return &World{Pop: pop, Scale: float64(len(pop)) / float64(real),
		Source: fmt.Sprintf("profile %s (generators/synth, seed %d): %d of %d people aged 14+", p.Profile, seed, len(pop), real)}, nil
}

// generate draws about count people aged 14+ at start from the profile with the population
// generator (generators/synth): it generates count / (share aged 14+) citizens of all ages,
// keeps those aged 14 or over at start, and removes the accounts of the generator's snapshot
// (the campaign starts before them).
func generate(prof *profile.Profile, count int, seed uint64, start time.Time) ([]population.Record, error) {
	m, err := synth.NewModel(prof, seed)
	if err != nil {
		return nil, err
	}
	total := int64(math.Ceil(float64(count) / prof.AdultShare()))
	sp, err := m.NewPopulation(total)
	if err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		_, err := sp.Write(ctx, pw, synth.Options{}) // output does not depend on the workers
		pw.CloseWithError(err)
	}()
	defer pr.Close()
	rd := population.NewReader(pr, "generated:"+prof.Name)
	pop := make([]population.Record, 0, count+count/50)
	for {
		var r population.Record
		err := rd.Next(&r)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		b, err := time.Parse("2006-01-02", r.BirthDate)
		if err != nil || b.AddDate(profile.AdultAge, 0, 0).After(start) {
			continue
		}
		r.Account = nil
		pop = append(pop, r)
	}
	return pop, nil
}

// PrepareWorldFull builds the campaign's population at full scale: every adult of the real
// area (population.real_adults, or the profile's population × share aged 14+).
func PrepareWorldFull(c *Campaign, seed uint64) (*World, error) {
	if c.Population.File != "" {
		return PrepareWorld(c, 0, seed)
	}
	real := c.Population.RealAdults
	if real <= 0 {
		prof, err := profile.Load(c.Population.Profile)
		if err != nil {
			return nil, err
		}
		real = int(math.Round(float64(prof.Population.Count) * prof.AdultShare()))
	}
	return PrepareWorld(c, real, seed)
}

// RunReplicas runs replicas 0..n-1 on up to workers goroutines; results are in replica order
// and do not depend on workers. With WithPosterior, replica r runs on the particle the
// posterior draws for (seed, r), so the bands combine parameter and behavioural uncertainty.
func RunReplicas(ctx context.Context, c *Campaign, w *World, seed uint64, n, workers int, opts ...ReplicaOption) ([]*Result, error) {
	var rc replicaConfig
	for _, o := range opts {
		o(&rc)
	}
	if n < 1 {
		n = 1
	}
	cs := make([]*Campaign, n)
	for r := range cs {
		cs[r] = c
		if rc.post != nil {
			pc, err := withParams(c, rc.post.Values(rc.post.Draw(seed, r)))
			if err != nil {
				return nil, fmt.Errorf("replica %d: posterior: %w", r, err)
			}
			cs[r] = pc
		}
	}
	workers = max(1, min(workers, n))
	out := make([]*Result, n)
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range next {
				out[r], errs[r] = Run(ctx, cs[r], w.Pop, w.Scale, seed, r)
			}
		}()
	}
	for r := 0; r < n; r++ {
		next <- r
	}
	close(next)
	wg.Wait()
	for r, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("replica %d: %w", r, err)
		}
	}
	return out, nil
}

// metricOf returns a day's value of a metric.
func metricOf(d *DayStats, metric string) int {
	v, _ := MetricValue(d, metric)
	return v
}

// dayIndex returns the index of date in the daily series, or -1.
func dayIndex(r *Result, date string) int {
	for i := range r.Daily {
		if r.Daily[i].Date == date {
			return i
		}
	}
	return -1
}

// Summarise computes the headline figures over the replicas (summary.json).
func Summarise(c *Campaign, rs []*Result, seed uint64) *results.SimSummary {
	sc := rs[0].Scale
	full := func(v int) float64 { return float64(v) / sc }
	sm := &results.SimSummary{Campaign: c.Name, Citizens: rs[0].Citizens, Scale: sc, Seed: seed, Replicas: len(rs),
		End: map[string]results.Band{}, Totals: map[string]results.Band{}, Causes: map[string]results.Band{}}
	for _, m := range []string{MetricProfiles, MetricActivated, MetricLevel2} {
		var xs []float64
		for _, r := range rs {
			xs = append(xs, full(metricOf(&r.Daily[len(r.Daily)-1], m)))
		}
		sm.End[m] = results.BandOf(xs)
	}
	totals := map[string]func(d *DayStats) float64{
		"logins":                      func(d *DayStats) float64 { return float64(d.Logins) },
		"login_failures":              func(d *DayStats) float64 { return float64(d.LoginFailures) },
		"sms_submitted":               func(d *DayStats) float64 { return float64(d.SMSSubmitted) },
		"sms_delivered":               func(d *DayStats) float64 { return float64(d.SMSDelivered) },
		"sms_expired":                 func(d *DayStats) float64 { return float64(d.SMSExpired) },
		"recovery_ok":                 func(d *DayStats) float64 { return float64(d.RecoveryOK) },
		"recovery_failed_sim_swapped": func(d *DayStats) float64 { return float64(d.RecoveryFailedSwap) },
		"recovery_failed_no_coverage": func(d *DayStats) float64 { return float64(d.RecoveryFailedNoCoverage) },
		"recovery_failed_other":       func(d *DayStats) float64 { return float64(d.RecoveryFailedOther) },
		"counter_served":              func(d *DayStats) float64 { return float64(d.CounterServed) },
		"counter_gave_up":             func(d *DayStats) float64 { return float64(d.CounterGaveUp) },
		"web_activations":             func(d *DayStats) float64 { return float64(d.WebActivations) },
		"free_sims":                   func(d *DayStats) float64 { return float64(d.FreeSIMs) },
		"phone_changes":               func(d *DayStats) float64 { return float64(d.PhoneChanges) },
	}
	for name, f := range totals {
		var xs []float64
		for _, r := range rs {
			var t float64
			for i := range r.Daily {
				t += f(&r.Daily[i])
			}
			xs = append(xs, t/sc)
		}
		sm.Totals[name] = results.BandOf(xs)
	}
	for k := uint8(1); k < nCauses; k++ {
		var xs []float64
		var any bool
		for _, r := range rs {
			var t float64
			for i := range r.Daily {
				t += float64(r.Daily[i].Failures[k])
			}
			any = any || t > 0
			xs = append(xs, t/sc)
		}
		if any {
			sm.Causes[causeNames[k]] = results.BandOf(xs)
		}
	}
	for _, dl := range c.Deadlines {
		ds := results.DeadlineSummary{Name: dl.Name, Date: dl.Date.String(), Metric: dl.Metric, Target: dl.Target}
		var at, short, reached []float64
		met := 0
		for _, r := range rs {
			i := dayIndex(r, dl.Date.String())
			v := full(metricOf(&r.Daily[i], dl.Metric))
			at = append(at, v)
			short = append(short, math.Max(0, float64(dl.Target)-v))
			if v >= float64(dl.Target) {
				met++
			}
			for j := range r.Daily {
				if full(metricOf(&r.Daily[j], dl.Metric)) >= float64(dl.Target) {
					reached = append(reached, float64(j))
					break
				}
			}
		}
		ds.AtDeadline, ds.Shortfall = results.BandOf(at), results.BandOf(short)
		ds.MetShare = float64(met) / float64(len(rs))
		if len(reached) > 0 {
			ds.ReachedDay = results.BandOf(reached)
			ds.ReachedDate = c.Start.AddDate(0, 0, int(math.Round(ds.ReachedDay.Mean))).Format("2006-01-02")
		}
		sm.Deadlines = append(sm.Deadlines, ds)
	}
	for _, rp := range c.Reported {
		var xs []float64
		for _, r := range rs {
			i := dayIndex(r, rp.Date.String())
			xs = append(xs, full(metricOf(&r.Daily[i], rp.Metric)))
		}
		b := results.BandOf(xs)
		sm.Reported = append(sm.Reported, results.ReportedSummary{Date: rp.Date.String(), Metric: rp.Metric, Reported: rp.Value,
			Simulated: b, ErrorPct: 100 * (b.Mean - float64(rp.Value)) / float64(rp.Value), Fit: rp.Fit, Source: rp.Source})
	}
	return sm
}

// Without returns a copy of the campaign without the named interventions (free_sims,
// owner_cleanup, web_activation, mobile_enrolment) or outreach; an error names an unknown one.
func Without(c *Campaign, names []string) (*Campaign, error) {
	cp := *c
	for _, n := range names {
		switch strings.TrimSpace(n) {
		case "":
		case "free_sims":
			cp.Interventions.FreeSIMs = nil
		case "owner_cleanup":
			cp.Interventions.OwnerCleanup = nil
		case "web_activation":
			cp.Interventions.WebActivation = nil
		case "mobile_enrolment":
			cp.Interventions.MobileEnrolment = nil
		case "outreach":
			cp.Outreach = nil
		default:
			return nil, fmt.Errorf("unknown intervention %q (free_sims, owner_cleanup, web_activation, mobile_enrolment, outreach)", n)
		}
	}
	return &cp, nil
}
