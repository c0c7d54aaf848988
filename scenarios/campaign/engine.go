package campaign

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/eidsim/eidsim/generators/population"
	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/assemble"
	"github.com/eidsim/eidsim/reference/memstore"
	"github.com/eidsim/eidsim/reference/telco"
)

// Run simulates one replica of the campaign over the population (records of people aged
// 14+, without accounts or with the accounts they hold at the start). scale is the share of
// the real area's adults the records stand for: capacities and targets are multiplied by it.
// A cancelled ctx stops the run within the current session step: Run returns an error that
// wraps ctx.Err() (errors.Is(err, context.Canceled)), as it returns any store error.
func Run(ctx context.Context, c *Campaign, pop []population.Record, scale float64, seed uint64, replica int) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s, err := newSim(ctx, c, pop, scale, seed, replica)
	if err != nil {
		return nil, err
	}
	for d := 0; d < c.Days; d++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := s.runDay(ctx, d); err != nil {
			return nil, fmt.Errorf("day %d (%s): %w", d, s.date(d).Format("2006-01-02"), err)
		}
	}
	return s.result(), nil
}

// Day-time constants of the virtual clock.
const (
	dayStart     = 7 * time.Hour // citizens act at home between 07:00 and 20:00
	daySpan      = 13 * time.Hour
	counterOpen  = 7*time.Hour + 30*time.Minute
	otpFirstPoll = 20 * time.Second
	otpPollEvery = 60 * time.Second
	otpPolls     = 3
	retypeAfter  = 15 * time.Second
	maxCaptures  = 3 // captures an officer takes at one visit before giving up
	travelDays   = 7 // mean days before a citizen of a village without coverage reaches a counter
	// imitationLocal is the weight of the village's adopted share in the imitation term (the
	// rest is the area's).
	imitationLocal = 0.5
)

type queueEntry struct {
	idx     int32
	arrived int32
	reset   bool // a password reset / phone change rather than an enrolment
}

type village struct {
	adults, adopted int
	pressure        float64 // cumulative external+imitation pressure G_v
	pool            poolHeap
	noCoverage      bool
}

type sim struct {
	c       *Campaign
	scale   float64
	seed    uint64
	replica int

	clock *reference.ManualClock
	store *memstore.Store
	svc   *reference.Service
	tel   *telco.Sim

	cit      []citizen
	villages []village
	due      [][]int32
	queue    []queueEntry // counter queue, FIFO
	mobile   []queueEntry // mobile team queue (villages without coverage)
	web      []int32      // waiting for a web activation team
	blocked  [nCauses][]int32
	events   eventHeap
	seq      uint64

	capCarry, mobCarry, webCarry float64
	freeSIMNext                  uint64
	adoptedAll                   int

	day      int
	today    DayStats
	daily    []DayStats
	lastTel  telco.CarrierStats
	profiles int
	activ    int
	level2   int
	// approvedL1, approvedL2, rejected: the ministry's answers so far (see pipeline.go).
	approvedL1, approvedL2, rejected int
	flowEv                           []FlowEventHour // sessions the flow events added (eventsim.go)
	mechanisms
}

func (s *sim) date(d int) time.Time { return s.c.Start.AddDate(0, 0, d) }

type detRand struct{ r *rand.ChaCha8 }

func (d detRand) Read(p []byte) (int, error) { return d.r.Read(p) }

func newSim(ctx context.Context, c *Campaign, pop []population.Record, scale float64, seed uint64, replica int) (*sim, error) {
	if len(pop) == 0 {
		return nil, errors.New("campaign: empty population")
	}
	if scale <= 0 {
		return nil, fmt.Errorf("campaign: scale %v must be positive", scale)
	}
	s := &sim{c: c, scale: scale, seed: seed, replica: replica}
	s.clock = reference.NewManualClock(c.Start.Time)
	s.store = memstore.New()
	var key [32]byte
	k := splitmix64(seed ^ uint64(replica)*0x51ed27)
	for i := range 4 {
		k = splitmix64(k)
		for j := range 8 {
			key[i*8+j] = byte(k >> (8 * j))
		}
	}
	hasher, err := reference.NewHasher(reference.HashFast)
	if err != nil {
		return nil, err
	}
	tcfg := telco.DefaultConfig()
	if c.SMS.RatePerSecond > 0 {
		rate := c.SMS.RatePerSecond * scale
		for name, cc := range tcfg.Carriers {
			cc.SubmitRate = rate
			tcfg.Carriers[name] = cc
		}
		tcfg.Default.SubmitRate = rate
	}
	sys, err := assemble.New(assemble.Config{Store: s.store, Clock: s.clock, Hasher: hasher,
		Rand: detRand{rand.NewChaCha8(key)}, Seed: splitmix64(k), Telco: tcfg, TelcoSeed: splitmix64(k ^ 0x7e1c0)})
	if err != nil {
		return nil, err
	}
	s.svc, s.tel = sys.Service, sys.Telco
	if err := s.load(ctx, pop); err != nil {
		return nil, err
	}
	s.due = make([][]int32, c.Days+1)
	if err := s.pressureSeries(); err != nil {
		return nil, err
	}
	s.freeSIMNext = uint64(len(pop)) + 1
	return s, nil
}

// enterPool puts a citizen into their village's decision pool with a fresh exponential
// threshold on top of the pressure so far.
func (s *sim) enterPool(i int32) {
	c := &s.cit[i]
	c.stage = stPool
	v := &s.villages[c.village]
	c.threshold = v.pressure - math.Log(c.u())
	heap.Push(&v.pool, poolEntry{threshold: c.threshold, idx: i})
}

func (s *sim) schedule(i int32, day int, act action) {
	c := &s.cit[i]
	if day <= s.day {
		day = s.day + 1
	}
	if day >= len(s.due) {
		c.nextDay, c.action = -1, actNone
		return
	}
	c.nextDay, c.action = int32(day), act
	s.due[day] = append(s.due[day], i)
}

// runDay runs day d; a store error or a cancelled ctx ends it with that error.
func (s *sim) runDay(ctx context.Context, d int) error {
	s.day = d
	date := s.date(d)
	s.today = DayStats{Date: date.Format("2006-01-02"), Day: d}
	s.clock.Set(date.Add(dayStart))
	if err := s.applyInterventions(ctx, date); err != nil {
		return err
	}

	// Deciders: every village's pool member whose threshold the cumulative pressure passed.
	for vi := range s.villages {
		v := &s.villages[vi]
		v.pressure += s.pressure(d, v)
		for v.pool.Len() > 0 && v.pool[0].threshold <= v.pressure {
			e := heap.Pop(&v.pool).(poolEntry)
			c := &s.cit[e.idx]
			if c.stage != stPool || c.threshold != e.threshold {
				continue
			}
			s.today.Deciders++
			s.decide(e.idx)
		}
	}
	if err := s.activationDay(ctx, d); err != nil {
		return err
	}
	// Scheduled actions, in citizen order as appended (deterministic).
	for _, i := range s.due[d] {
		c := &s.cit[i]
		if int(c.nextDay) != d {
			continue
		}
		act := c.action
		c.nextDay, c.action = -1, actNone
		if err := s.act(ctx, i, act); err != nil {
			return err
		}
	}
	s.due[d] = nil
	s.serveCounters(d, date)
	s.serveWeb(date)
	s.runFlowEvents(ctx, d) // event.go: a gift-day rush
	if err := s.runEvents(ctx); err != nil {
		return err
	}
	s.serveApprovals(d, date)
	if err := s.runEvents(ctx); err != nil { // activations on the spot of dossiers approved today
		return err
	}
	s.clock.Set(date.Add(24*time.Hour - time.Second))
	s.tel.Advance(ctx)
	if err := ctx.Err(); err != nil { // the day's deliveries may be incomplete
		return err
	}
	s.closeDay()
	return nil
}

// decide routes a citizen who has decided to act: level 1 in the app at home (smartphone, SIM
// in their name, self_register_share of them) or a counter for level 2.
func (s *sim) decide(i int32) {
	c := &s.cit[i]
	if s.appOpen(s.day) && c.handset == hsSmart && c.owner && c.phone != "" && c.u() < s.c.Behaviour.SelfRegisterShare {
		c.stage = stQueued
		s.homeSession(i, kindRegister)
		return
	}
	s.goToCounter(i, false)
}

// goToCounter sends a citizen to a counter (after travelling, for villages without coverage,
// unless a mobile team serves them).
func (s *sim) goToCounter(i int32, reset bool) {
	c := &s.cit[i]
	if !reset {
		c.stage = stQueued
	}
	if c.cov == covNone && !s.mobileActive(s.date(s.day)) {
		c.newPhone = ""
		s.scheduleQueue(i, s.day+1+int(c.exp(travelDays)), reset)
		return
	}
	s.joinQueue(i, reset)
}

func (s *sim) scheduleQueue(i int32, day int, reset bool) {
	act := actJoinQueue
	s.schedule(i, day, act)
	s.cit[i].resetNext = reset
}

func (s *sim) joinQueue(i int32, reset bool) {
	c := &s.cit[i]
	e := queueEntry{idx: i, arrived: int32(s.day), reset: reset}
	if c.cov == covNone && s.mobileActive(s.date(s.day)) {
		s.mobile = append(s.mobile, e)
		return
	}
	capDay := s.counterCapacity()
	wait := math.Inf(1)
	if capDay > 0 {
		wait = float64(len(s.queue)) / capDay
	}
	if wait > float64(c.patience)*s.c.Behaviour.QueueDaysPerPatience {
		s.today.CounterGaveUp++
		s.fail(i, causeCounterQueue, false)
		return
	}
	c.queuedDay = int32(s.day)
	s.queue = append(s.queue, e)
}

func (s *sim) counterCapacity() float64 {
	k := s.c.Counters
	return float64(k.Kits) * s.scale * k.HoursPerDay * 60 / k.MinutesPerEnrolment
}

func (s *sim) counterOpen(date time.Time) bool {
	wd := int(date.Weekday()) // Sunday 0
	if wd == 0 {
		wd = 7
	}
	return wd <= s.c.Counters.DaysPerWeek
}

// act runs a scheduled action; it returns the store's error.
func (s *sim) act(ctx context.Context, i int32, act action) error {
	c := &s.cit[i]
	switch act {
	case actJoinQueue:
		reset := c.resetNext
		c.resetNext = false
		s.joinQueue(i, reset)
	case actSelfRegister:
		if c.stage == stQueued || c.stage == stPool {
			s.homeSession(i, kindRegister)
		}
	case actActivate:
		if c.stage != stPending {
			return nil
		}
		if err := s.drawSwaps(ctx, i); err != nil {
			return err
		}
		if c.handset != hsSmart {
			s.waitWeb(i)
			return nil
		}
		if c.townNext {
			c.townNext = false
			a := s.sessionAt(i, kindActivate, s.date(s.day).Add(10*time.Hour+time.Duration(c.u()*float64(4*time.Hour))))
			a.away = true
			return nil
		}
		s.homeSession(i, kindActivate)
	case actLogin:
		if c.stage != stActive {
			return nil
		}
		if err := s.drawSwaps(ctx, i); err != nil {
			return err
		}
		if c.u() < 1-math.Exp(-float64(c.forget)*365/max(s.c.Behaviour.LoginsPerYear, 0.01)/365) {
			c.forgotten = true
		}
		if c.handset == hsSmart {
			s.homeSession(i, kindLogin)
		} else {
			s.nextLogin(i)
		}
	case actStandardise:
		if c.phone == "" || c.owner {
			if c.stage == stQueued {
				s.goToCounter(i, false)
			} else {
				s.retry(i)
			}
			return nil
		}
		if err := s.registerOwner(ctx, c); err != nil {
			return err
		}
		s.today.SIMsStandardised++
		c.visits = 0
		if c.stage == stQueued {
			s.goToCounter(i, false)
		} else {
			s.retry(i)
		}
	case actPhoneChangeDone:
		s.counterSession(i, kindPhoneChange, s.date(s.day).Add(9*time.Hour))
	}
	return nil
}

func (s *sim) nextLogin(i int32) {
	c := &s.cit[i]
	s.schedule(i, s.day+1+int(c.exp(365/max(s.c.Behaviour.LoginsPerYear, 0.01))), actLogin)
}

// fail records a barrier; blocking ones wait for an intervention, others retry after a
// while (up to the citizen's patience, then they are blocked too).
func (s *sim) fail(i int32, cause uint8, blocking bool) {
	c := &s.cit[i]
	c.cause = cause
	s.today.Failures[cause]++
	if !blocking {
		c.visits++
		if int(c.visits) <= int(c.patience) {
			s.retry(i)
			return
		}
	}
	switch c.stage {
	case stActive:
		c.stage = stLocked
	case stPending:
		// profile collected; activation blocked
	default:
		c.stage = stBlocked
	}
	s.blocked[cause] = append(s.blocked[cause], i)
}

// retry schedules the citizen's next try of what failed.
func (s *sim) retry(i int32) {
	c := &s.cit[i]
	day := s.day + 1 + int(c.exp(s.c.Behaviour.RetryDays))
	switch c.stage {
	case stPending:
		s.schedule(i, day, actActivate)
	case stActive, stLocked:
		c.stage = stActive
		s.schedule(i, day, actLogin)
	default:
		// back to the pool: they decide again under the campaign's pressure (an Exp(1)
		// threshold above today's, so the wait follows the hazard, not retry_days)
		s.enterPool(i)
	}
}

// wake moves the citizens blocked by a cause back into action (an intervention removed it).
func (s *sim) wake(cause uint8, filter func(int32, *citizen) bool) int {
	var kept []int32
	n := 0
	for _, i := range s.blocked[cause] {
		c := &s.cit[i]
		if c.cause != cause || (c.stage != stBlocked && c.stage != stPending && c.stage != stLocked) {
			continue
		}
		if !filter(i, c) {
			kept = append(kept, i)
			continue
		}
		n++
		c.visits = 0
		s.retry(i)
	}
	s.blocked[cause] = kept
	return n
}

func (s *sim) markEnrolled(i int32, pending bool) {
	c := &s.cit[i]
	s.profiles++
	s.today.Enrolled++
	c.level = 2
	if !c.acted {
		c.acted = true
		s.villages[c.village].adopted++
		s.adoptedAll++
	}
	c.swapped = false
	c.visits = 0
	s.submitDossier(i, !pending) // the ministry approves it (pipeline.go)
	if !pending && c.stage == stActive {
		s.nextLogin(i)
	}
}

func (s *sim) markActivated(i int32, level int) {
	c := &s.cit[i]
	c.level = uint8(level)
	if !c.acted {
		c.acted = true
		s.villages[c.village].adopted++
		s.adoptedAll++
	}
	if !c.activated {
		c.activated = true
		s.activ++
		if level >= 2 {
			s.level2++
		}
		s.today.Activations++
	}
	c.stage, c.visits, c.cause = stActive, 0, causeNone
	c.swapped = false
	s.nextLogin(i)
	if level == 1 {
		s.enterUpgrade(i)
	}
}

// serveCounters serves the counter queue with the day's capacity, in arrival order.
func (s *sim) serveCounters(d int, date time.Time) {
	if s.counterOpen(date) {
		capDay := s.counterCapacity() + s.capCarry
		n := int(capDay)
		s.capCarry = capDay - float64(n)
		n = min(n, len(s.queue))
		kits := math.Max(1, float64(s.c.Counters.Kits)*s.scale)
		per := time.Duration(s.c.Counters.MinutesPerEnrolment / kits * float64(time.Minute))
		var waitSum float64
		for k := 0; k < n; k++ {
			e := s.queue[k]
			waitSum += float64(d - int(e.arrived))
			kind := kindEnrol
			if e.reset {
				kind = kindReset
			}
			s.counterSession(e.idx, kind, date.Add(counterOpen+time.Duration(k)*per))
		}
		s.queue = s.queue[n:]
		s.today.CounterServed += n
		s.today.CounterWaitDaysSum += waitSum
	}
	// Mobile teams in villages without coverage.
	var teams float64
	for _, m := range s.c.Interventions.MobileEnrolment {
		if within(date, m.From, m.To) {
			teams += float64(m.Teams*m.PerTeamPerDay) * s.scale
		}
	}
	if teams > 0 {
		capDay := teams + s.mobCarry
		n := int(capDay)
		s.mobCarry = capDay - float64(n)
		n = min(n, len(s.mobile))
		for k := 0; k < n; k++ {
			e := s.mobile[k]
			kind := kindEnrol
			if e.reset {
				kind = kindReset
			}
			s.counterSession(e.idx, kind, date.Add(8*time.Hour+time.Duration(k)*5*time.Minute))
		}
		s.mobile = s.mobile[n:]
		s.today.MobileServed += n
	} else if len(s.mobile) > 0 {
		// the teams left: the rest travel to a counter
		rest := s.mobile
		s.mobile = nil
		for _, e := range rest {
			s.scheduleQueue(e.idx, d+1+int(s.cit[e.idx].exp(travelDays)), e.reset)
		}
	}
	s.today.CounterQueue = len(s.queue) + len(s.mobile)
}

func (s *sim) closeDay() {
	st := s.tel.Stats().Total
	s.today.SMSSubmitted = st.Submitted - s.lastTel.Submitted
	s.today.SMSDelivered = st.Delivered - s.lastTel.Delivered
	s.today.SMSExpired = st.Expired - s.lastTel.Expired
	s.today.SMSUndelivered = st.Undelivered - s.lastTel.Undelivered
	s.today.SMSThrottled = st.Throttled - s.lastTel.Throttled
	s.lastTel = st
	s.today.Profiles = s.profiles
	s.today.Activated = s.activ
	s.today.Level2 = s.level2
	s.today.ApprovedLevel1, s.today.ApprovedLevel2, s.today.Rejected = s.approvedL1, s.approvedL2, s.rejected
	s.daily = append(s.daily, s.today)
}
