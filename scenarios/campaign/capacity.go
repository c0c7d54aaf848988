package campaign

import (
	"context"
	"fmt"
	"math"

	"github.com/eidsim/eidsim/results"
)

// Capacity levers.
const (
	LeverKits    = "kits"     // enrolment kits at the counters
	LeverSMSRate = "sms_rate" // each carrier's SMS submit rate, per second
)

// SearchCapacity bisects a lever on a deadline: each probe is a full run of the replicas,
// and a probe meets the target when the mean of the replicas' values on the deadline day is
// at least the target. Kits are searched over integers from 1 up to an upper bound found by
// doubling (at most 100,000); the SMS rate over (0, upper] to 2% relative precision. The
// answer is meaningful only where the lever binds: demand may miss the target at any
// capacity, which is reported as not found.
func SearchCapacity(ctx context.Context, c *Campaign, w *World, seed uint64, replicas, workers int, lever string, deadline int,
	progress func(results.CapacityProbe)) (*results.CapacityResult, error) {
	if deadline < 0 || deadline >= len(c.Deadlines) {
		return nil, fmt.Errorf("capacity search: the campaign has no deadline %d", deadline)
	}
	dl := c.Deadlines[deadline]
	res := &results.CapacityResult{Lever: lever, Deadline: dl.Name, Date: dl.Date.String(), Metric: dl.Metric, Target: dl.Target,
		Rule: "mean over replicas of the metric on the deadline day (full scale) ≥ target"}
	probe := func(v float64) (bool, error) {
		cp := *c
		switch lever {
		case LeverKits:
			cp.Counters.Kits = int(v)
		case LeverSMSRate:
			cp.SMS.RatePerSecond = v
		}
		rs, err := RunReplicas(ctx, &cp, w, seed, replicas, workers)
		if err != nil {
			return false, err
		}
		var xs []float64
		for _, r := range rs {
			i := dayIndex(r, dl.Date.String())
			xs = append(xs, float64(metricOf(&r.Daily[i], dl.Metric))/r.Scale)
		}
		b := results.BandOf(xs)
		p := results.CapacityProbe{Value: v, AtTarget: b, Met: b.Mean >= float64(dl.Target)}
		res.Probes = append(res.Probes, p)
		if progress != nil {
			progress(p)
		}
		return p.Met, nil
	}
	switch lever {
	case LeverKits:
		res.Current = float64(c.Counters.Kits)
		lo, hi := 0, max(1, c.Counters.Kits)
		for {
			ok, err := probe(float64(hi))
			if err != nil {
				return nil, err
			}
			if ok {
				break
			}
			lo = hi
			if hi >= 100000 {
				return res, nil
			}
			hi = min(hi*2, 100000)
		}
		for hi-lo > 1 {
			mid := (lo + hi) / 2
			ok, err := probe(float64(mid))
			if err != nil {
				return nil, err
			}
			if ok {
				hi = mid
			} else {
				lo = mid
			}
		}
		res.Answer, res.Found = float64(hi), true
	case LeverSMSRate:
		res.Current = c.SMS.RatePerSecond
		hi := c.SMS.RatePerSecond
		if hi <= 0 {
			hi = 10
		}
		lo := 0.0
		for {
			ok, err := probe(hi)
			if err != nil {
				return nil, err
			}
			if ok {
				break
			}
			lo = hi
			if hi >= 1e5 {
				return res, nil
			}
			hi *= 4
		}
		for k := 0; k < 40 && (hi-lo) > 0.02*hi && hi > minSMSRate; k++ {
			mid := (lo + hi) / 2
			ok, err := probe(mid)
			if err != nil {
				return nil, err
			}
			if ok {
				hi = mid
			} else {
				lo = mid
			}
		}
		res.Answer, res.Found = math.Round(hi*1000)/1000, true
	default:
		return nil, fmt.Errorf("capacity search: unknown lever %q (kits or sms_rate)", lever)
	}
	for _, p := range res.Probes {
		if !p.Met {
			res.Binds = true
		}
	}
	return res, nil
}

// minSMSRate is the floor of the SMS-rate search, per second at full scale.
const minSMSRate = 0.01
