package results

import (
	"fmt"
	"math"
	"sort"
	"time"
)

// Vectors of the overload scenario.
const (
	overloadCrowd = "crowd"
	overloadProbe = "probe"
)

// Overload is what the overload scenario measured. Requests are placed in phases by their
// start: baseline (probes before the crowd's first request), overload (from the crowd's first
// request to its last) and after (probes after the crowd's last request).
type Overload struct {
	BaselineS float64 `json:"baseline_s"`
	OverloadS float64 `json:"overload_s"`
	AfterS    float64 `json:"after_s"`
	// Baseline is the probes' pre-load normal.
	Baseline PhaseStats `json:"baseline"`
	// During is every request (crowd and probes) started during the overload.
	During OverloadPhase `json:"overload"`
	// CrowdDropped counts the crowd's arrivals k6 could not start (every VU busy: the
	// in-flight cap); the service never saw them.
	CrowdDropped int64 `json:"crowd_dropped"`
	// ServerLoginsOK is how many logins the service completed with a token or a challenge
	// while the harness watched /metrics (eidsim_logins_total); UnansweredLoginsOK is how many
	// of them no client received (their client had timed out): hashes spent on clients that had
	// gone, a lower bound (logins completed after the last reading are missing). Both are
	// absent when /metrics could not be read.
	ServerLoginsOK     *int64 `json:"server_logins_ok,omitempty"`
	UnansweredLoginsOK *int64 `json:"unanswered_logins_ok,omitempty"`
	// ProbesDuring are the legitimate users' logins during the overload; DenialOdds is the
	// share of them that did not succeed (the attacker's odds).
	ProbesDuring PhaseStats `json:"probes_during"`
	DenialOdds   float64    `json:"denial_odds"`
	After        PhaseStats `json:"after"`
	// BackToNormalS is the start of the first 1-s window after the load stopped whose probes
	// meet NormalRule (0: the first window already did); absent when none did.
	BackToNormalS *float64         `json:"back_to_normal_s"`
	NormalRule    string           `json:"normal_rule"`
	Windows       []OverloadWindow `json:"windows"`
}

// PhaseStats are the logins of a phase: how many, how many succeeded (201 or 202) and their
// latency (timeouts at the client's timeout).
type PhaseStats struct {
	Requests     int64   `json:"requests"`
	OK           int64   `json:"ok"`
	SuccessShare float64 `json:"success_share"`
	P50MS        float64 `json:"p50_ms"`
	P99MS        float64 `json:"p99_ms"`
}

// OverloadPhase is the service under overload.
type OverloadPhase struct {
	Offered int64 `json:"offered"`
	OK      int64 `json:"ok"`
	// GoodputPerS is successful logins per second of the overload.
	GoodputPerS float64 `json:"goodput_per_s"`
	// Admitted are the requests not refused with 429 or 503 (timeouts included: the service
	// took them and did not answer in time); AdmittedP99MS is their p99.
	Admitted      int64   `json:"admitted"`
	AdmittedP99MS float64 `json:"admitted_p99_ms"`
	Share429      float64 `json:"share_429"`
	Share503      float64 `json:"share_503"`
	// ShareRetryAfter is the share of the 429 and 503 refusals that carried Retry-After.
	ShareRetryAfter float64 `json:"share_refusals_with_retry_after"`
	// ShareTimeout is the share with no answer within the client's timeout (status 0).
	ShareTimeout float64 `json:"share_timeout"`
	// ShareOther is the share of any other failure (other 4xx, 5xx).
	ShareOther float64 `json:"share_other_error"`
}

// OverloadWindow is one second of probes after the load stopped.
type OverloadWindow struct {
	StartS   float64 `json:"start_s"`
	Requests int64   `json:"requests"`
	OK       int64   `json:"ok"`
	P99MS    float64 `json:"p99_ms"`
	Normal   bool    `json:"normal"`
}

func loginOK(status int) bool { return status == 201 || status == 202 }

func (a *attackRaw) overload() *Overload {
	var crowd, probes []attackReq
	for _, r := range a.reqs {
		switch r.vector {
		case overloadCrowd:
			crowd = append(crowd, r)
		case overloadProbe:
			probes = append(probes, r)
		}
	}
	if len(crowd) == 0 {
		return nil
	}
	sort.Slice(crowd, func(i, j int) bool { return crowd[i].start.Before(crowd[j].start) })
	sort.Slice(probes, func(i, j int) bool { return probes[i].start.Before(probes[j].start) })
	from, to := crowd[0].start, crowd[len(crowd)-1].start
	o := &Overload{OverloadS: round3(to.Sub(from).Seconds()), Windows: []OverloadWindow{}}
	var base, during, after []attackReq
	for _, p := range probes {
		switch {
		case p.start.Before(from):
			base = append(base, p)
		case p.start.After(to):
			after = append(after, p)
		default:
			during = append(during, p)
		}
	}
	if len(base) > 0 {
		o.BaselineS = round3(from.Sub(base[0].start).Seconds())
	}
	if len(after) > 0 {
		o.AfterS = round3(after[len(after)-1].start.Sub(to).Seconds())
	}
	o.Baseline, o.ProbesDuring, o.After = phaseStats(base), phaseStats(during), phaseStats(after)
	if o.ProbesDuring.Requests > 0 {
		o.DenialOdds = round3(1 - o.ProbesDuring.SuccessShare)
	}
	o.CrowdDropped = a.dropped[overloadCrowd]
	if vs := a.server["logins_ok_total"]; len(vs) >= 2 {
		sort.Slice(vs, func(i, j int) bool { return vs[i].t.Before(vs[j].t) })
		var clientOK int64
		for _, r := range append(append([]attackReq{}, crowd...), probes...) {
			if loginOK(r.status) && !r.start.Before(vs[0].t) && !r.start.After(vs[len(vs)-1].t) {
				clientOK++
			}
		}
		n := int64(vs[len(vs)-1].v - vs[0].v)
		lost := max(0, n-clientOK)
		o.ServerLoginsOK, o.UnansweredLoginsOK = &n, &lost
	}
	o.During = overloadPhase(append(append([]attackReq{}, crowd...), during...), to.Sub(from))

	if o.Baseline.Requests == 0 {
		o.NormalRule = "no baseline probes: time back to normal unknown"
		return o
	}
	maxP99 := math.Max(2*o.Baseline.P99MS, o.Baseline.P99MS+10)
	minOK := math.Max(0, o.Baseline.SuccessShare-0.05)
	o.NormalRule = fmt.Sprintf("probes' success share ≥ %.3f (baseline − 0.05) and p99 ≤ %.1f ms (max of 2× and +10 ms over the baseline's %.1f ms)",
		minOK, maxP99, o.Baseline.P99MS)
	var win []attackReq
	k := 0
	flush := func() {
		s := phaseStats(win)
		w := OverloadWindow{StartS: float64(k), Requests: s.Requests, OK: s.OK, P99MS: s.P99MS}
		w.Normal = s.Requests > 0 && s.SuccessShare >= minOK && s.P99MS <= maxP99
		if w.Normal && o.BackToNormalS == nil {
			v := w.StartS
			o.BackToNormalS = &v
		}
		o.Windows = append(o.Windows, w)
		win = win[:0]
	}
	for _, p := range after {
		for p.start.Sub(to) >= time.Duration(k+1)*time.Second {
			flush()
			k++
		}
		win = append(win, p)
	}
	if len(win) > 0 {
		flush()
	}
	return o
}

func phaseStats(rs []attackReq) PhaseStats {
	s := PhaseStats{Requests: int64(len(rs))}
	if len(rs) == 0 {
		return s
	}
	h := &Histogram{}
	for _, r := range rs {
		h.Record(r.ms)
		if loginOK(r.status) {
			s.OK++
		}
	}
	s.SuccessShare = round3(float64(s.OK) / float64(s.Requests))
	s.P50MS, s.P99MS = round3(h.Quantile(0.5)), round3(h.Quantile(0.99))
	return s
}

func overloadPhase(rs []attackReq, d time.Duration) OverloadPhase {
	p := OverloadPhase{Offered: int64(len(rs))}
	if len(rs) == 0 {
		return p
	}
	h := &Histogram{}
	var n429, n503, ra, timeout, other int64
	for _, r := range rs {
		switch {
		case loginOK(r.status):
			p.OK++
		case r.status == 429:
			n429++
		case r.status == 503:
			n503++
		case r.status == 0:
			timeout++
		default:
			other++
		}
		if r.status == 429 || r.status == 503 {
			if r.ra {
				ra++
			}
			continue
		}
		p.Admitted++
		h.Record(r.ms)
	}
	n := float64(len(rs))
	if s := d.Seconds(); s > 0 {
		p.GoodputPerS = round3(float64(p.OK) / s)
	}
	p.AdmittedP99MS = round3(h.Quantile(0.99))
	p.Share429, p.Share503 = round3(float64(n429)/n), round3(float64(n503)/n)
	if n429+n503 > 0 {
		p.ShareRetryAfter = round3(float64(ra) / float64(n429+n503))
	}
	p.ShareTimeout, p.ShareOther = round3(float64(timeout)/n), round3(float64(other)/n)
	return p
}
