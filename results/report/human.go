package report

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// human.go: how values read to a person — durations in the unit that suits them, shares with
// their denominator, hash settings as a short phrase, and the "not set" sentinels of flags
// left out.

// humanDuration writes d in the largest unit that keeps it readable: "30 ms", "1.5 s",
// "20 s", "2 min", "1 min 30 s", "2 h 5 min", "3 d 4 h". Never nanoseconds.
func humanDuration(d time.Duration) string {
	neg := ""
	if d < 0 {
		neg, d = "-", -d
	}
	var s string
	switch {
	case d == 0:
		s = "0 s"
	case d < time.Millisecond:
		s = fmt.Sprintf("%.2g ms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		s = fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	case d < 10*time.Second:
		s = strings.TrimSuffix(fmt.Sprintf("%.1f", d.Seconds()), ".0") + " s"
	case d < time.Minute:
		s = fmt.Sprintf("%.0f s", d.Seconds())
	case d < time.Hour:
		s = pair(int(d/time.Minute), "min", int(d%time.Minute/time.Second), "s")
	case d < 24*time.Hour:
		s = pair(int(d/time.Hour), "h", int(d%time.Hour/time.Minute), "min")
	default:
		s = pair(int(d/(24*time.Hour)), "d", int(d%(24*time.Hour)/time.Hour), "h")
	}
	return neg + s
}

func pair(a int, ua string, b int, ub string) string {
	if b == 0 {
		return fmt.Sprintf("%d %s", a, ua)
	}
	return fmt.Sprintf("%d %s %d %s", a, ua, b, ub)
}

// humanMS writes a latency given in milliseconds: "310 ms", "1.2 s".
func humanMS(ms float64) string {
	switch {
	case math.IsNaN(ms):
		return "–"
	case ms < 10:
		return fmt.Sprintf("%.1f ms", ms)
	case ms < 10000:
		return fmt.Sprintf("%.0f ms", ms)
	}
	return humanDuration(time.Duration(ms * float64(time.Millisecond)))
}

// shareOf writes n of total as "33.3 % (4 of 12)"; "–" when total is 0.
func shareOf(n, total float64) string {
	if total == 0 {
		return "– (0 of 0)"
	}
	return fmt.Sprintf("%s (%s of %s)", pct(n/total), count(n), count(total))
}

// count writes a count: thousands separators for whole numbers, one decimal otherwise.
func count(v float64) string {
	if v == math.Trunc(v) {
		return thousands(v)
	}
	return fmt.Sprintf("%.1f", v)
}

// hashPhrase names a password hasher in a few words: "argon2id m=19 MiB t=2 p=1",
// "fast (salted SHA-256)". It reads the target's report ({"algorithm", "params": {…}}) and
// the flat form ({"algorithm", "memory_kib", …}); a string is kept as it is.
func hashPhrase(v any) string {
	switch h := v.(type) {
	case nil:
		return ""
	case string:
		return h
	case map[string]any:
		algo, _ := h["algorithm"].(string)
		params := h
		if p, ok := h["params"].(map[string]any); ok {
			params = p
		}
		numOf := func(k string) (float64, bool) { f, ok := params[k].(float64); return f, ok }
		switch {
		case algo == "argon2id" || algo == "argon2":
			s := algo
			if m, ok := numOf("memory_kib"); ok {
				s += " m=" + memPhrase(m)
			}
			if t, ok := numOf("time"); ok {
				s += fmt.Sprintf(" t=%g", t)
			}
			if p, ok := numOf("threads"); ok {
				s += fmt.Sprintf(" p=%g", p)
			}
			if pool, ok := numOf("pool"); ok {
				s += fmt.Sprintf(", %g hashes at once", pool)
			}
			return s
		case algo == "fast":
			d, _ := params["digest"].(string)
			if d == "" {
				d = "sha256"
			}
			return "fast (salted " + strings.ToUpper(strings.ReplaceAll(d, "sha", "SHA-")) + ", for load tests only)"
		case algo != "":
			return algo + " " + flatMap(withoutKey(params, "algorithm"))
		}
	}
	return compactJSON(v)
}

func memPhrase(kib float64) string {
	switch {
	case kib >= 1024 && math.Mod(kib, 1024) == 0:
		return fmt.Sprintf("%g MiB", kib/1024)
	case kib >= 1024:
		return fmt.Sprintf("%.1f MiB", kib/1024)
	}
	return fmt.Sprintf("%g KiB", kib)
}

func withoutKey(m map[string]any, k string) map[string]any {
	out := make(map[string]any, len(m))
	for kk, v := range m {
		if kk != k {
			out[kk] = v
		}
	}
	return out
}

// notSet lists option values that mean "the flag was not given": the report leaves them out.
// kits and sms_rate use -1 (0 is a value); the indexes and counts use 0.
var notSet = map[string]func(any) bool{
	"kits":     isNum(-1),
	"sms_rate": isNum(-1),
	"deadline": isNum(0),
	"days":     isNum(0),
	"count":    isNum(0),
}

func isNum(want float64) func(any) bool {
	return func(v any) bool { f, ok := v.(float64); return ok && f == want }
}

// optionsPhrase writes run options as "k=v, k=v" in key order, without the flags left at
// their "not set" sentinel or empty, durations in human units.
func optionsPhrase(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		v := m[k]
		if f, ok := notSet[k]; ok && f(v) {
			continue
		}
		s := optionValue(k, v)
		if s == "" {
			continue
		}
		parts = append(parts, k+"="+s)
	}
	return strings.Join(parts, ", ")
}

// durationKeys are option names whose numeric values are nanoseconds (a time.Duration
// marshalled as a number).
func durationKey(k string) bool {
	for _, s := range []string{"duration", "wait", "timeout", "validity", "window", "ttl", "after", "delay"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}

func optionValue(k string, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		if d, err := time.ParseDuration(x); err == nil && x != "0" {
			return humanDuration(d)
		}
		return x
	case float64:
		if durationKey(k) && x != 0 && math.Abs(x) >= 1e6 {
			return humanDuration(time.Duration(x))
		}
		return num(x)
	case bool:
		return fmt.Sprint(x)
	case map[string]any:
		if len(x) == 0 {
			return ""
		}
		return "{" + optionsPhrase(x) + "}"
	}
	return compactJSON(v)
}
