package results

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Label is the short text of an answer: status, code and whether Retry-After came.
func (a AttackAnswer) Label() string {
	s := fmt.Sprint(a.Status)
	if a.Status == 0 {
		s = "no answer (timeout)"
	}
	if a.Code != "" {
		s += " " + a.Code
	}
	if a.Status == 429 || a.Status == 503 || a.Status == 423 || a.RetryAfter {
		if a.RetryAfter {
			s += " +Retry-After"
		} else {
			s += " (no Retry-After)"
		}
	}
	return s
}

func answersText(as []AttackAnswer, limit int) string {
	var parts []string
	for i, a := range as {
		if i == limit {
			parts = append(parts, fmt.Sprintf("… %d more", len(as)-limit))
			break
		}
		parts = append(parts, fmt.Sprintf("%s ×%d", a.Label(), a.Count))
	}
	return strings.Join(parts, ", ")
}

func pct(p *float64) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprintf("%.3g%%", 100**p)
}

// Print writes the attack summary: per vector the attacker's odds and the answers, the
// defences that fired, and the scenario's own figures.
func (a *Attack) Print(w io.Writer) {
	fmt.Fprintf(w, "\nattack %s over %.1fs\n", a.Scenario, a.Seconds)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "vector\trole\trequests\tattempts\tsuccess odds\ttargets\tcompromised\ttarget odds\tevaluated/target\tp99 ms\t")
	for _, v := range a.Vectors {
		ev := "-"
		if v.EvaluatedPerTarget != nil {
			ev = fmt.Sprintf("%.1f", *v.EvaluatedPerTarget)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%d\t%d\t%s\t%s\t%.1f\t\n", v.Name, v.Role, v.Requests, sumAttempts(v.Attempts), pct(v.SuccessOdds),
			v.Targets, v.Compromised, pct(v.TargetOdds), ev, v.P99MS)
	}
	tw.Flush()
	fmt.Fprintln(w, "answers per vector")
	for _, v := range a.Vectors {
		if len(v.Answers) > 0 {
			fmt.Fprintf(w, "  %s (%s): %s\n", v.Name, v.Role, answersText(v.Answers, 8))
		}
	}
	if len(a.Defences) == 0 {
		fmt.Fprintln(w, "defences fired: none (no 401 token, 403, 408, 413, 415, 423, 429 or 5xx answered the attacker)")
	} else {
		fmt.Fprintf(w, "defences fired: %s\n", answersText(a.Defences, 12))
	}
	if o := a.OTP; o != nil {
		fmt.Fprintf(w, "OTP guessing: %.1f guesses evaluated per target (%d targets, %d-digit codes)", o.GuessesPerTarget, o.Targets, o.Length)
		if o.LiveGuessesPerTarget < o.GuessesPerTarget {
			fmt.Fprintf(w, ", %.1f of them against a code sent (policy.max_failed_challenges)", o.LiveGuessesPerTarget)
		}
		fmt.Fprintf(w, " → %.4g%% per target in this run", 100*o.OddsPerTarget)
		if o.Projected30d != nil {
			fmt.Fprintf(w, "; budget exhausted, %.3g%% over 30 days (%s)", 100**o.Projected30d, o.Basis)
		} else if !o.Exhausted {
			fmt.Fprint(w, "; the budget was not exhausted within the run (a lower bound)")
		}
		fmt.Fprintln(w)
	}
	if len(a.Enumeration) > 0 {
		fmt.Fprintln(w, "enumeration (accuracy of the best guess of 'has an account': 0.5 = chance, 1 = oracle)")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "probe\tshape accuracy\ttiming KS\tKS 5% critical\tp50 account / none ms\t")
		for _, p := range a.Enumeration {
			acc, ks, crit, p50 := "-", "-", "-", "-"
			if p.Accuracy != nil {
				acc = fmt.Sprintf("%.3f", *p.Accuracy)
			}
			if t := p.Timing; t != nil {
				ks, crit, p50 = fmt.Sprintf("%.3f", t.KS), fmt.Sprintf("%.3f", t.KSCritical), fmt.Sprintf("%.1f / %.1f", t.AccountP50MS, t.NoneP50MS)
				if t.Leaks {
					ks += " (leaks)"
				}
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", p.Name, acc, ks, crit, p50)
		}
		tw.Flush()
	}
	if o := a.Overload; o != nil {
		d := o.During
		fmt.Fprintf(w, "overload: baseline %.0fs (probes p99 %.1f ms, success %.1f%%), overload %.0fs, after %.0fs\n",
			o.BaselineS, o.Baseline.P99MS, 100*o.Baseline.SuccessShare, o.OverloadS, o.AfterS)
		fmt.Fprintf(w, "  goodput %.1f logins/s of %d offered (%.1f/s; %d more crowd arrivals dropped at the client's in-flight cap); admitted %d, p99 %.1f ms; 429 %.1f%%, 503 %.1f%% (Retry-After on %.1f%% of them); timeouts %.1f%%, other errors %.1f%%\n",
			d.GoodputPerS, d.Offered, float64(d.Offered)/max(o.OverloadS, 1e-9), o.CrowdDropped, d.Admitted, d.AdmittedP99MS, 100*d.Share429, 100*d.Share503,
			100*d.ShareRetryAfter, 100*d.ShareTimeout, 100*d.ShareOther)
		fmt.Fprintf(w, "  legitimate probes during the overload: %.1f%% denied (p99 %.1f ms)\n", 100*o.DenialOdds, o.ProbesDuring.P99MS)
		if o.ServerLoginsOK != nil {
			fmt.Fprintf(w, "  the service completed %d logins while watched; %d of them reached no client (it had timed out)\n", *o.ServerLoginsOK, *o.UnansweredLoginsOK)
		}
		if o.BackToNormalS != nil {
			fmt.Fprintf(w, "  back to normal %.0f s after the load stopped (%s)\n", *o.BackToNormalS, o.NormalRule)
		} else {
			fmt.Fprintf(w, "  not back to normal within the %.0f s after the load stopped (%s)\n", o.AfterS, o.NormalRule)
		}
	}
	if len(a.Server) > 0 {
		var parts []string
		for _, g := range sortedKeysOf(a.Server) {
			s := a.Server[g]
			parts = append(parts, fmt.Sprintf("%s %s→max %s→%s", g, human(g, s.First), human(g, s.Max), human(g, s.Last)))
		}
		fmt.Fprintf(w, "service (from /metrics): %s\n", strings.Join(parts, "; "))
	}
	fmt.Fprintf(w, "verdict: %s\n", a.Verdict)
}

func human(gauge string, v float64) string {
	if strings.HasSuffix(gauge, "_bytes") {
		return fmt.Sprintf("%.0f MiB", v/(1<<20))
	}
	return fmt.Sprintf("%.0f", v)
}

func sortedKeysOf[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	for i := 1; i < len(ks); i++ {
		for j := i; j > 0 && ks[j] < ks[j-1]; j-- {
			ks[j], ks[j-1] = ks[j-1], ks[j]
		}
	}
	return ks
}
