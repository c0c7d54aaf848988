package results

import (
	"math"
	"sort"
)

// Truths of an enumeration observation: the ID has an account, or not.
const (
	TruthAccount = "account"
	TruthNone    = "none"
)

// EnumProbe is what one enumeration probe tells an attacker about whether an ID has an
// account.
type EnumProbe struct {
	Name string `json:"name"`
	// Signatures lists each answer shape seen (status|code|body keys|error keys|ra) with its
	// count per truth.
	Signatures []EnumSignature `json:"signatures,omitempty"`
	// Accuracy is the balanced accuracy of the best guess from the signature alone: 0.5 is
	// chance, 1 a perfect oracle. It is (1 + total variation distance) / 2.
	Accuracy *float64 `json:"accuracy,omitempty"`
	// Timing compares the latencies of the probe's requests for the two truths.
	Timing *EnumTiming `json:"timing,omitempty"`
}

// EnumSignature is one answer shape and how often each truth got it.
type EnumSignature struct {
	Sig     string `json:"sig"`
	Account int64  `json:"account"`
	None    int64  `json:"none"`
}

// EnumTiming is the latency side channel of a probe.
type EnumTiming struct {
	Account, None int64
	AccountP50MS  float64 `json:"account_p50_ms"`
	NoneP50MS     float64 `json:"none_p50_ms"`
	// KS is the two-sample Kolmogorov–Smirnov distance between the latencies: the best
	// latency threshold guesses with balanced accuracy (1 + KS) / 2.
	KS float64 `json:"ks"`
	// KSCritical is the distance that two samples of these sizes from one distribution
	// exceed with probability 0.05; Leaks is KS > KSCritical.
	KSCritical float64 `json:"ks_critical_05"`
	Leaks      bool    `json:"leaks"`
}

func (a *attackRaw) enumeration() []EnumProbe {
	probes := map[string]*EnumProbe{}
	get := func(n string) *EnumProbe {
		if probes[n] == nil {
			probes[n] = &EnumProbe{Name: n}
		}
		return probes[n]
	}
	sigs := map[string]map[string]*EnumSignature{}
	for k, n := range a.obs {
		vec, truth, sig := k[0], k[1], k[2]
		get(vec)
		if sigs[vec] == nil {
			sigs[vec] = map[string]*EnumSignature{}
		}
		s := sigs[vec][sig]
		if s == nil {
			s = &EnumSignature{Sig: sig}
			sigs[vec][sig] = s
		}
		switch truth {
		case TruthAccount:
			s.Account += n
		case TruthNone:
			s.None += n
		}
	}
	for vec, m := range sigs {
		p := get(vec)
		var na, nn int64
		for _, s := range m {
			p.Signatures = append(p.Signatures, *s)
			na += s.Account
			nn += s.None
		}
		sort.Slice(p.Signatures, func(i, j int) bool { return p.Signatures[i].Sig < p.Signatures[j].Sig })
		if na > 0 && nn > 0 {
			tv := 0.0
			for _, s := range p.Signatures {
				tv += math.Abs(float64(s.Account)/float64(na) - float64(s.None)/float64(nn))
			}
			acc := round3((1 + tv/2) / 2)
			p.Accuracy = &acc
		}
	}
	lat := map[string]map[string][]float64{}
	for _, r := range a.reqs {
		if r.truth != TruthAccount && r.truth != TruthNone {
			continue
		}
		if lat[r.vector] == nil {
			lat[r.vector] = map[string][]float64{}
		}
		lat[r.vector][r.truth] = append(lat[r.vector][r.truth], r.ms)
	}
	for vec, m := range lat {
		xa, xn := m[TruthAccount], m[TruthNone]
		if len(xa) == 0 || len(xn) == 0 {
			continue
		}
		sort.Float64s(xa)
		sort.Float64s(xn)
		ks := KSDistance(xa, xn)
		crit := 1.358 * math.Sqrt(float64(len(xa)+len(xn))/float64(len(xa)*len(xn)))
		get(vec).Timing = &EnumTiming{Account: int64(len(xa)), None: int64(len(xn)), AccountP50MS: round3(median(xa)), NoneP50MS: round3(median(xn)),
			KS: round3(ks), KSCritical: round3(crit), Leaks: ks > crit}
	}
	if len(probes) == 0 {
		return nil
	}
	out := make([]EnumProbe, 0, len(probes))
	for _, p := range probes {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// KSDistance is the two-sample Kolmogorov–Smirnov statistic of two sorted samples: the
// largest gap between their empirical distribution functions.
func KSDistance(a, b []float64) float64 {
	var i, j int
	d := 0.0
	for i < len(a) && j < len(b) {
		x := math.Min(a[i], b[j])
		for i < len(a) && a[i] <= x {
			i++
		}
		for j < len(b) && b[j] <= x {
			j++
		}
		d = math.Max(d, math.Abs(float64(i)/float64(len(a))-float64(j)/float64(len(b))))
	}
	return d
}

func median(sorted []float64) float64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}
