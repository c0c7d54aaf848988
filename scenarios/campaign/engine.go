package campaign

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
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
	s.freeSIMNext = uint64(len(pop)) + 1
	return s, nil
}

// load puts the population into the store and sets up the citizens and villages.
func (s *sim) load(ctx context.Context, pop []population.Record) error {
	s.cit = make([]citizen, len(pop))
	vidx := map[string]int32{}
	ref := s.c.Start.Year()
	for i := range pop {
		r := &pop[i]
		c := &s.cit[i]
		c.rng = seedOf(s.seed, s.replica, i)
		c.id, c.name, c.birth = r.CitizenID, r.FullName, r.BirthDate
		c.phone = r.SIM.Phone
		c.owner = r.SIM.OwnerRegistered
		c.device = "dev-" + r.CitizenID
		c.password = "Vn!" + strconv.FormatUint(c.rng%1e8, 36) + "aZ9"
		switch r.Handset {
		case population.HandsetSmartphone:
			c.handset = hsSmart
		case population.HandsetFeature:
			c.handset = hsFeature
		default:
			c.handset = hsNone
		}
		switch r.Coverage {
		case population.CoverageNone:
			c.cov = covNone
		case population.Coverage2G:
			c.cov = cov2G
		default:
			c.cov = cov4G
		}
		switch r.Poverty {
		case population.PovertyPoor:
			c.poverty = 2
		case population.PovertyNearPoor:
			c.poverty = 1
		}
		c.minority = r.Ethnicity != "" && r.Ethnicity != "Kinh"
		c.urban = r.Urban
		if y, err := strconv.Atoi(r.BirthDate[:4]); err == nil {
			c.ageBand = ageBandOf(ref - y)
		}
		b := s.c.Behaviour
		c.forget, c.typo, c.patience, c.bioQ = float32(b.ForgetPerYear), float32(b.TypoRate), uint8(b.Patience), reference.DefaultBiometricQuality
		if t := r.Traits; t != nil {
			c.forget, c.typo, c.bioQ = float32(t.ForgetPerYear), float32(t.TypoRate), float32(t.BiometricQuality)
			if t.Patience > 0 {
				c.patience = uint8(min(t.Patience, 50))
			}
		}
		c.swaps = float32(r.SIM.SwapsPerYear)
		c.chipCard = r.ChipCard
		c.hs0 = c.handset
		switch {
		case c.phone == "":
			c.sim0 = simNone
		case c.owner:
			c.sim0 = simOwner
		default:
			c.sim0 = simNonOwner
		}
		v, ok := vidx[r.VillageID]
		if !ok {
			v = int32(len(s.villages))
			vidx[r.VillageID] = v
			s.villages = append(s.villages, village{noCoverage: c.cov == covNone})
		}
		c.village = v
		s.villages[v].adults++
		c.nextDay = -1
		if a := r.Account; a != nil {
			// An account held at the start: active at its level (its password is the
			// citizen's own from now on).
			c.level, c.acted = uint8(a.Level), true
			c.swapped = a.Phone != c.phone
			if a.AccountStatus() == population.AccountPendingActivation {
				c.stage = stPending
			} else {
				c.stage, c.activated = stActive, true
			}
		}
	}
	if err := s.importPopulation(ctx, pop); err != nil {
		return err
	}
	for i := range s.cit {
		c := &s.cit[i]
		switch c.stage {
		case stPool:
			s.enterPool(int32(i))
		case stActive:
			s.villages[c.village].adopted++
			s.adoptedAll++
			s.schedule(int32(i), 1+int(c.exp(365/max(s.c.Behaviour.LoginsPerYear, 0.01))), actLogin)
		case stPending:
			s.villages[c.village].adopted++
			s.adoptedAll++
			s.schedule(int32(i), 1+int(c.exp(s.c.Behaviour.ActivationDelayDays)), actActivate)
		}
	}
	return nil
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

// pressure is the day's hazard per citizen of a village: (p·outreach + q·F)·boost per day.
func (s *sim) pressure(d int, v *village) float64 {
	b := s.c.Behaviour
	t := s.date(d)
	out := 1.0
	for _, o := range s.c.Outreach {
		if within(t, o.From, o.To) {
			out += o.Intensity
		}
	}
	all := float64(s.adoptedAll) / float64(len(s.cit))
	local := 0.0
	if v.adults > 0 {
		local = float64(v.adopted) / float64(v.adults)
	}
	f := imitationLocal*local + (1-imitationLocal)*all
	boost := 1.0
	for _, dl := range s.c.Deadlines {
		left := dl.Date.Sub(t).Hours() / 24
		if left >= 0 && left < float64(b.DeadlineWindowDays) {
			boost = math.Max(boost, 1+(b.DeadlineBoost-1)*(1-left/float64(b.DeadlineWindowDays)))
		}
	}
	return (b.BassP*out + b.BassQ*f) * boost / 365
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
	if c.handset == hsSmart && c.owner && c.phone != "" && c.u() < s.c.Behaviour.SelfRegisterShare {
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

func (s *sim) mobileActive(t time.Time) bool {
	for _, m := range s.c.Interventions.MobileEnrolment {
		if within(t, m.From, m.To) {
			return true
		}
	}
	return false
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

// drawSwaps applies the SIM swaps since the citizen's last action: each swap puts a new SIM
// (a new number, registered in the citizen's name as often as before) in the handset; the old
// number leaves the citizen (nobody reads its messages any more).
func (s *sim) drawSwaps(ctx context.Context, i int32) error {
	c := &s.cit[i]
	days := s.day - int(c.lastDay)
	c.lastDay = int32(s.day)
	if c.phone == "" || c.swaps <= 0 || days <= 0 {
		return nil
	}
	n := c.poisson(float64(c.swaps) * float64(days) / 365)
	if n == 0 {
		return nil
	}
	old := c.phone
	if err := s.giveSIM(ctx, i, c.owner); err != nil {
		return err
	}
	if err := s.releaseNumber(ctx, old); err != nil {
		return err
	}
	if c.level > 0 {
		c.swapped = true
	}
	return nil
}

// giveSIM puts a new SIM in the citizen's handset, owner-registered or not.
func (s *sim) giveSIM(ctx context.Context, i int32, owner bool) error {
	s.worldChanging(ctx)
	c := &s.cit[i]
	oid := ""
	if owner {
		oid = c.id
	}
	// A fresh number from a prefix the population generator does not hand out to the
	// area (new subscriptions): the first free one in a fixed sequence.
	for {
		n := s.freeSIMNext
		s.freeSIMNext++
		phone := numberFor(newSIMPrefix, n%10_000_000)
		added := false
		err := s.store.Update(ctx, func(tx reference.Tx) error {
			var err error
			added, err = tx.AddSubscriber(&reference.Subscriber{Phone: phone, Carrier: reference.CarrierOf(phone), OwnerID: oid, HolderID: c.id})
			return err
		})
		if err != nil {
			return fmt.Errorf("new SIM for citizen %s: %w", c.id, err)
		}
		if added {
			c.phone = phone
			break
		}
	}
	c.owner = owner
	c.lastMsg = 0
	return nil
}

// newSIMPrefix is the prefix of SIMs handed out during the campaign (Viettel).
const newSIMPrefix = "039"

// numberFor returns a 10-digit number with the prefix whose last seven digits are a bijection
// of n (n < 10^7), so different n never share a number.
func numberFor(prefix string, n uint64) string {
	const m = 10_000_000
	x := (n*2_654_437 + 1_234_567) % m // 2654437 is odd and not a multiple of 5: a bijection mod 10^7
	return prefix + fmt.Sprintf("%07d", x)
}

// releaseNumber takes a number out of its holder's handset: nobody reads its messages any
// more. A number without a subscriber record is left alone.
func (s *sim) releaseNumber(ctx context.Context, phone string) error {
	s.worldChanging(ctx)
	err := s.updateSubscriber(ctx, phone, func(sub *reference.Subscriber) { sub.HolderID = "" })
	if errors.Is(err, reference.ErrNotFound) {
		return nil
	}
	return err
}

// registerOwner registers the citizen's SIM in their own name.
func (s *sim) registerOwner(ctx context.Context, c *citizen) error {
	c.owner = true
	return s.updateSubscriber(ctx, c.phone, func(sub *reference.Subscriber) { sub.OwnerID = c.id })
}

// updateSubscriber changes the carrier's record of a number in one transaction; the error
// names the number.
func (s *sim) updateSubscriber(ctx context.Context, phone string, change func(*reference.Subscriber)) error {
	err := s.store.Update(ctx, func(tx reference.Tx) error {
		sub, err := tx.Subscriber(phone)
		if err != nil {
			return err
		}
		change(sub)
		return tx.PutSubscriber(sub)
	})
	if err != nil {
		return fmt.Errorf("subscriber %s: %w", phone, err)
	}
	return nil
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
	s.approvedL2++ // approved on the spot (until the ministry's pipeline, pipeline.go)
	s.today.Enrolled++
	c.level = 2
	if !c.acted {
		c.acted = true
		s.villages[c.village].adopted++
		s.adoptedAll++
	}
	c.swapped = false
	if pending {
		c.stage = stPending
		c.visits = 0
		s.schedule(i, s.day+1+int(c.exp(s.c.Behaviour.ActivationDelayDays)), actActivate)
	} else if c.activated {
		s.level2++
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

// waitWeb puts a citizen without a smartphone in line for a web activation team, or blocks
// them when no team works.
func (s *sim) waitWeb(i int32) {
	c := &s.cit[i]
	if s.webTeams(s.date(s.day)) == 0 {
		if !c.webWait {
			s.fail(i, causeNoSmartphone, true)
		}
		return
	}
	if !c.webWait {
		c.webWait = true
		s.web = append(s.web, i)
	}
}

func (s *sim) webTeams(t time.Time) float64 {
	var n float64
	for _, w := range s.c.Interventions.WebActivation {
		if within(t, w.From, w.To) {
			n += float64(w.Teams*w.PerTeamPerDay) * s.scale
		}
	}
	return n
}

func (s *sim) serveWeb(date time.Time) {
	capDay := s.webTeams(date)
	if capDay == 0 {
		s.webCarry = 0
		return
	}
	capDay += s.webCarry
	n := int(capDay)
	s.webCarry = capDay - float64(n)
	n = min(n, len(s.web))
	for k := 0; k < n; k++ {
		i := s.web[k]
		s.cit[i].webWait = false
		s.sessionAt(i, kindWebActivate, date.Add(8*time.Hour+time.Duration(k%600)*time.Minute))
	}
	s.web = s.web[n:]
	s.today.WebActivationTries += n
}

// applyInterventions runs the interventions dated today; it returns the store's error.
func (s *sim) applyInterventions(ctx context.Context, date time.Time) error {
	iv := s.c.Interventions
	for _, f := range iv.FreeSIMs {
		if !f.Date.Equal(date) {
			continue
		}
		n := int(math.Round(float64(f.Count) * s.scale))
		// Blocked for want of a SIM in their name, first come first served (blocked order).
		var err error
		for _, cause := range []uint8{causeNoPhone, causeNonOwnerSIM, causePhoneInUse} {
			s.wake(cause, func(i int32, c *citizen) bool {
				if n <= 0 || err != nil {
					return false
				}
				n--
				old := c.phone
				if c.handset == hsNone {
					c.handset = hsFeature // the SIM goes into a basic phone of the household
				}
				if err = s.giveSIM(ctx, i, true); err != nil {
					return false
				}
				if old != "" {
					if err = s.releaseNumber(ctx, old); err != nil {
						return false
					}
				}
				s.today.FreeSIMs++
				return true
			})
		}
		if err != nil {
			return err
		}
	}
	for _, oc := range iv.OwnerCleanup {
		if !oc.Date.Equal(date) {
			continue
		}
		for i := range s.cit {
			c := &s.cit[i]
			if c.phone == "" || c.owner {
				continue
			}
			u := c.u()
			switch {
			case u < oc.Converted:
				if err := s.registerOwner(ctx, c); err != nil {
					return err
				}
				s.today.SIMsConverted++
			case u < oc.Converted+oc.CutOff:
				if err := s.releaseNumber(ctx, c.phone); err != nil {
					return err
				}
				c.phone = ""
				s.today.SIMsCutOff++
				if c.u() < oc.Rebuy {
					if err := s.giveSIM(ctx, int32(i), true); err != nil {
						return err
					}
				}
			}
		}
		s.wake(causeNonOwnerSIM, func(_ int32, c *citizen) bool { return c.owner && c.phone != "" })
		s.wake(causeNoPhone, func(_ int32, c *citizen) bool { return c.phone != "" })
	}
	for _, w := range iv.WebActivation {
		if w.From.Equal(date) {
			s.wake(causeNoSmartphone, func(int32, *citizen) bool { return true })
		}
	}
	for _, m := range iv.MobileEnrolment {
		if m.From.Equal(date) {
			s.wake(causeCounterQueue, func(_ int32, c *citizen) bool { return c.cov == covNone })
		}
	}
	return nil
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
