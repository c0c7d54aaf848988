package campaign

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// Every action and session kind has a distinct name; an unknown value says what it is.
func TestKindNames(t *testing.T) {
	seen := map[string]bool{}
	for a := actNone; a <= actStandardise; a++ {
		assert.NotContains(t, a.String(), "(", "action %d has no name", a)
		assert.False(t, seen[a.String()], "%s twice", a)
		seen[a.String()] = true
	}
	assert.Len(t, actionNames, int(actStandardise)+1)
	assert.Equal(t, "action(200)", action(200).String())
	for k := kindRegister; k <= kindCounterActivate; k++ {
		assert.NotContains(t, k.String(), "(", "kind %d has no name", k)
		assert.False(t, seen["k"+k.String()], "%s twice", k)
		seen["k"+k.String()] = true
	}
	assert.Len(t, kindNames, int(kindCounterActivate)+1)
	assert.Equal(t, "kind(99)", sessionKind(99).String())
}

func TestWithin(t *testing.T) {
	day := func(s string) Date {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return Date{d}
	}
	from, to := day("2023-03-01"), day("2023-03-31")
	tests := []struct {
		at   string
		want bool
	}{
		{"2023-02-28", false}, {"2023-03-01", true}, {"2023-03-15", true}, {"2023-03-31", true}, {"2023-04-01", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, within(day(tt.at).Time, from, to), tt.at)
	}
}
