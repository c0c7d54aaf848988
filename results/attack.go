package results

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"time"
)

// Roles of a request in an adversarial scenario.
const (
	RoleAttacker = "attacker"
	RoleVictim   = "victim"
	RoleHarness  = "harness"
)

// Attack is what an adversarial scenario measured: per attack vector the answers the service
// gave and the attacker's odds, the defences that answered the attacker, and the figures of
// the scenarios that have them (OTP guessing budget, enumeration, overload).
type Attack struct {
	Scenario string `json:"scenario"`
	// Seconds is the time from the first to the last request.
	Seconds float64        `json:"seconds"`
	Vectors []AttackVector `json:"vectors"`
	// Defences are the answers to attacker requests that were a defence (DefenceAnswer),
	// over all vectors.
	Defences    []AttackAnswer        `json:"defences"`
	OTP         *OTPOdds              `json:"otp,omitempty"`
	Enumeration []EnumProbe           `json:"enumeration,omitempty"`
	Overload    *Overload             `json:"overload,omitempty"`
	Server      map[string]ServerStat `json:"server,omitempty"`
	// Verdict is the outcome judged from these figures (AttackVerdict has the rules).
	Verdict AttackVerdict `json:"verdict"`
}

// AttackAnswer is one kind of answer and how often it came.
type AttackAnswer struct {
	// Status is the HTTP status; 0 is no answer (a client timeout or a transport error).
	Status int    `json:"status"`
	Code   string `json:"code,omitempty"`
	// RetryAfter is true when the answer carried a Retry-After header.
	RetryAfter bool  `json:"retry_after"`
	Count      int64 `json:"count"`
}

// AttackVector is one way of attacking (or the victims' or the harness's requests of it).
type AttackVector struct {
	Name string `json:"name"`
	// Role is attacker, victim or harness.
	Role     string         `json:"role"`
	Requests int64          `json:"requests"`
	Answers  []AttackAnswer `json:"answers"`
	P50MS    float64        `json:"p50_ms"`
	P99MS    float64        `json:"p99_ms"`
	MaxMS    float64        `json:"max_ms"`
	// Attempts counts the attacker's attempts by result: success, fail (evaluated and
	// refused), refused (a defence answered instead), unknown (no ground truth).
	Attempts map[string]int64 `json:"attempts,omitempty"`
	// SuccessOdds is successes per attempt; absent without attempts.
	SuccessOdds *float64 `json:"success_odds,omitempty"`
	// Targets and Compromised count the attack's targets and those it won.
	Targets     int64    `json:"targets,omitempty"`
	Compromised int64    `json:"compromised,omitempty"`
	TargetOdds  *float64 `json:"target_odds,omitempty"`
	// EvaluatedPerTarget is the attempts the service evaluated (success and fail) per target:
	// the guesses a defence let through.
	EvaluatedPerTarget *float64 `json:"evaluated_per_target,omitempty"`
}

// ServerStat is a figure of the service's own process read from /metrics during the run.
type ServerStat struct {
	First   float64 `json:"first"`
	Max     float64 `json:"max"`
	Last    float64 `json:"last"`
	Samples int     `json:"samples"`
}

// DefenceAnswer reports whether an answer is a defence rather than a verdict: a lock (423),
// a throttle or spent budget (429), an overload refusal (503) or any 5xx, a missing or wrong
// token (401 other than invalid_credentials, 403), a refused request shape (408, 413, 415).
func DefenceAnswer(status int, code string) bool {
	switch {
	case status == 401:
		return code != "invalid_credentials"
	case status >= 500:
		return true
	}
	switch status {
	case 403, 408, 413, 415, 423, 429:
		return true
	}
	return false
}

// attackReq is one recorded request.
type attackReq struct {
	vector, role, truth, code string
	status                    int
	ra                        bool
	start                     time.Time
	ms                        float64
}

type timedValue struct {
	t time.Time
	v float64
}

// attackRaw is what ReadK6 keeps of a raw k6 output for the Attack.
type attackRaw struct {
	reqs    []attackReq
	tries   map[[2]string]int64     // vector, result
	targets map[[2]string]int64     // vector, result
	obs     map[[3]string]int64     // vector, truth, sig
	server  map[string][]timedValue // gauge
	dropped map[string]int64        // k6 dropped_iterations by k6 scenario
}

// AttackPolicy is what the summary needs to know of the target's policy (GET /sim/settings).
type AttackPolicy struct {
	OTPLength  int
	SendWindow time.Duration
	// OTPMaxAttempts, MaxFailedChallenges and FailedChallengeWindow are the per-citizen cap
	// on failed OTP challenges (policy max_failed_challenges): beyond it a recovery sends no
	// code, so further guesses cannot match. Zero when the target does not report them.
	OTPMaxAttempts        int
	MaxFailedChallenges   int
	FailedChallengeWindow time.Duration
	// MaxFailedLogins is policy max_failed_logins (zero when unknown).
	MaxFailedLogins int
}

// AttackPolicyFrom reads the policy from a /sim/settings document; missing fields stay zero.
func AttackPolicyFrom(settings json.RawMessage) AttackPolicy {
	var s struct {
		Policy struct {
			OTPLength             int   `json:"otp_length"`
			SendWindow            int64 `json:"send_window"`
			OTPMaxAttempts        int   `json:"otp_max_attempts"`
			MaxFailedChallenges   int   `json:"max_failed_challenges"`
			FailedChallengeWindow int64 `json:"failed_challenge_window"`
			MaxFailedLogins       int   `json:"max_failed_logins"`
		} `json:"policy"`
	}
	if len(settings) == 0 || json.Unmarshal(settings, &s) != nil {
		return AttackPolicy{}
	}
	return AttackPolicy{OTPLength: s.Policy.OTPLength, SendWindow: time.Duration(s.Policy.SendWindow),
		OTPMaxAttempts: s.Policy.OTPMaxAttempts, MaxFailedChallenges: s.Policy.MaxFailedChallenges,
		FailedChallengeWindow: time.Duration(s.Policy.FailedChallengeWindow), MaxFailedLogins: s.Policy.MaxFailedLogins}
}

func newAttackRaw() *attackRaw {
	return &attackRaw{tries: map[[2]string]int64{}, targets: map[[2]string]int64{}, obs: map[[3]string]int64{},
		server: map[string][]timedValue{}, dropped: map[string]int64{}}
}

func (a *attackRaw) add(metric string, t time.Time, v float64, tags map[string]string) {
	switch metric {
	case MetricAttackReq:
		st, _ := strconv.Atoi(tags["status"])
		a.reqs = append(a.reqs, attackReq{vector: tags["vector"], role: tags["role"], truth: tags["truth"], code: tags["code"],
			status: st, ra: tags["ra"] == "y", start: t.Add(-time.Duration(v * float64(time.Millisecond))), ms: v})
	case MetricAttackTry:
		a.tries[[2]string{tags["vector"], tags["result"]}] += int64(v)
	case MetricAttackTarget:
		a.targets[[2]string{tags["vector"], tags["result"]}] += int64(v)
	case MetricEnumObs:
		a.obs[[3]string{tags["vector"], tags["truth"], tags["sig"]}] += int64(v)
	case MetricAttackServer:
		a.server[tags["gauge"]] = append(a.server[tags["gauge"]], timedValue{t, v})
	case MetricDroppedIterations:
		a.dropped[tags["scenario"]] += int64(v)
	}
}

// summarize builds the Attack.
func (a *attackRaw) summarize(scenario string, p AttackPolicy) *Attack {
	out := &Attack{Scenario: scenario, Vectors: []AttackVector{}, Defences: []AttackAnswer{}}
	type vkey struct{ name, role string }
	vecs := map[vkey]*AttackVector{}
	hists := map[vkey]*Histogram{}
	answers := map[vkey]map[AttackAnswer]int64{}
	defences := map[AttackAnswer]int64{}
	var first, last time.Time
	for _, r := range a.reqs {
		k := vkey{r.vector, r.role}
		v := vecs[k]
		if v == nil {
			v = &AttackVector{Name: r.vector, Role: r.role}
			vecs[k], hists[k], answers[k] = v, &Histogram{}, map[AttackAnswer]int64{}
		}
		v.Requests++
		hists[k].Record(r.ms)
		ans := AttackAnswer{Status: r.status, Code: r.code, RetryAfter: r.ra}
		answers[k][ans]++
		if r.role == RoleAttacker && DefenceAnswer(r.status, r.code) {
			defences[ans]++
		}
		if first.IsZero() || r.start.Before(first) {
			first = r.start
		}
		if end := r.start.Add(time.Duration(r.ms * float64(time.Millisecond))); end.After(last) {
			last = end
		}
	}
	if !first.IsZero() {
		out.Seconds = last.Sub(first).Seconds()
	}
	// Vectors that only counted attempts or targets (no request of their own).
	role := map[string]string{}
	for k := range vecs {
		if role[k.name] == "" || k.role == RoleAttacker {
			role[k.name] = k.role
		}
	}
	ensure := func(name string) *AttackVector {
		k := vkey{name, role[name]}
		if k.role == "" {
			k.role = RoleAttacker
		}
		if vecs[k] == nil {
			vecs[k] = &AttackVector{Name: name, Role: k.role}
		}
		return vecs[k]
	}
	for k, n := range a.tries {
		v := ensure(k[0])
		if v.Attempts == nil {
			v.Attempts = map[string]int64{}
		}
		v.Attempts[k[1]] += n
	}
	for k, n := range a.targets {
		v := ensure(k[0])
		v.Targets += n
		if k[1] == "compromised" {
			v.Compromised += n
		}
	}
	for k, v := range vecs {
		if h := hists[k]; h != nil {
			v.P50MS, v.P99MS, v.MaxMS = round3(h.Quantile(0.5)), round3(h.Quantile(0.99)), round3(h.Max())
		}
		v.Answers = sortAnswers(answers[k])
		if n := sumAttempts(v.Attempts); n > 0 {
			odds := float64(v.Attempts["success"]) / float64(n)
			v.SuccessOdds = &odds
		}
		if v.Targets > 0 {
			odds := float64(v.Compromised) / float64(v.Targets)
			v.TargetOdds = &odds
			if v.Attempts != nil {
				e := round3(float64(v.Attempts["success"]+v.Attempts["fail"]) / float64(v.Targets))
				v.EvaluatedPerTarget = &e
			}
		}
		out.Vectors = append(out.Vectors, *v)
	}
	sort.Slice(out.Vectors, func(i, j int) bool {
		ri, rj := roleOrder(out.Vectors[i].Role), roleOrder(out.Vectors[j].Role)
		if ri != rj {
			return ri < rj
		}
		return out.Vectors[i].Name < out.Vectors[j].Name
	})
	out.Defences = sortAnswers(defences)
	out.OTP = otpOdds(out.Vectors, p)
	out.Enumeration = a.enumeration()
	out.Overload = a.overload()
	if len(a.server) > 0 {
		out.Server = map[string]ServerStat{}
		for g, vs := range a.server {
			sort.Slice(vs, func(i, j int) bool { return vs[i].t.Before(vs[j].t) })
			s := ServerStat{First: vs[0].v, Last: vs[len(vs)-1].v, Max: vs[0].v, Samples: len(vs)}
			for _, x := range vs {
				s.Max = math.Max(s.Max, x.v)
			}
			out.Server[g] = s
		}
	}
	out.Verdict = out.judge(p)
	return out
}
