package campaign

import (
	"container/heap"
	"context"
	"math"
)

// The activation hazard. An approved account's holder activates it when their cumulative
// hazard passes an Exp(1) threshold drawn from their own stream:
//
//	H_i(t) = need_i · A(t),  A(t) = Σ_{days ≤ t, app open} activation_rate · M(day) / 365
//
// with need_i = need_urban (urban residents) × need_old (aged 60+) and M the pressure
// multiplier (pressure.go: outreach and the national events). Because need_i is constant,
// citizen i acts on the first day A(t) ≥ A(entry) + E_i / need_i, so one heap keyed on that
// level serves every citizen event by event. What happens then is the activation flow itself
// (the app, or a web team for people without a smartphone), with its failures.

// need is the citizen's activation need multiplier.
func (s *sim) need(c *citizen) float64 {
	b := &s.c.Behaviour
	n := 1.0
	if c.urban {
		n *= b.NeedUrban
	}
	if c.ageBand == 4 {
		n *= b.NeedOld
	}
	return n
}

// enterActivation puts an approved account's holder into the activation hazard.
func (s *sim) enterActivation(i int32) {
	c := &s.cit[i]
	c.nextDay, c.action = -1, actNone
	c.threshold = s.actLevel - math.Log(c.u())/math.Max(s.need(c), 1e-9)
	heap.Push(&s.actPool, poolEntry{threshold: c.threshold, idx: i})
}

// enterUpgrade puts an active level-1 holder into the upgrade hazard: the level-2-only
// national events (level 2 required from 1 Jan 2025) send them to a counter.
func (s *sim) enterUpgrade(i int32) {
	c := &s.cit[i]
	if !s.hasL2 {
		return
	}
	c.threshold = s.upLevel - math.Log(c.u())
	heap.Push(&s.upPool, poolEntry{threshold: c.threshold, idx: i})
}

// activationDay advances the hazards by day d and starts the activations and upgrades due; a
// store error of an activation ends it.
func (s *sim) activationDay(ctx context.Context, d int) error {
	if !s.appOpen(d) {
		return nil
	}
	b := &s.c.Behaviour
	s.actLevel += b.ActivationRate * s.mult[d] / 365
	for s.actPool.Len() > 0 && s.actPool[0].threshold <= s.actLevel {
		e := heap.Pop(&s.actPool).(poolEntry)
		c := &s.cit[e.idx]
		if c.stage != stPending || c.threshold != e.threshold {
			continue
		}
		if err := s.act(ctx, e.idx, actActivate); err != nil {
			return err
		}
	}
	if s.multL2[d] == 0 {
		return nil
	}
	s.upLevel += b.ActivationRate * s.multL2[d] / 365
	for s.upPool.Len() > 0 && s.upPool[0].threshold <= s.upLevel {
		e := heap.Pop(&s.upPool).(poolEntry)
		c := &s.cit[e.idx]
		if c.stage != stActive || c.level != 1 || c.threshold != e.threshold {
			continue
		}
		s.scheduleQueue(e.idx, d+1, false)
	}
	return nil
}
