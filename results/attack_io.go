package results

import (
	"encoding/json"
	"io"
	"math"
	"path/filepath"
	"sort"
)

// ReadAttack reduces the eidsim_attack_* and eidsim_enum_* points of a raw k6 output (gzip or
// plain JSON lines) to the Attack of scenario (ReadK6, then K6Output.Attack). name is used in
// error messages.
func ReadAttack(r io.Reader, name, scenario string, p AttackPolicy) (*Attack, error) {
	o, err := ReadK6(r, name)
	if err != nil {
		return nil, err
	}
	return o.Attack(scenario, p), nil
}

// WriteAttack stores a in dir/attack.json (atomically).
func WriteAttack(dir string, a *Attack) error {
	b, err := json.MarshalIndent(a, "", " ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, AttackFile), append(b, '\n'))
}

func roleOrder(r string) int {
	switch r {
	case RoleAttacker:
		return 0
	case RoleVictim:
		return 1
	}
	return 2
}

func sumAttempts(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

func sortAnswers(m map[AttackAnswer]int64) []AttackAnswer {
	out := make([]AttackAnswer, 0, len(m))
	for a, n := range m {
		a.Count = n
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		if out[i].Status != out[j].Status {
			return out[i].Status < out[j].Status
		}
		if out[i].Code != out[j].Code {
			return out[i].Code < out[j].Code
		}
		return !out[i].RetryAfter && out[j].RetryAfter
	})
	return out
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
