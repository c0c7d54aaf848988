package yamlerr

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

type doc struct {
	Name  string            `yaml:"name"`
	Share float64           `yaml:"share"`
	Count int               `yaml:"count"`
	On    bool              `yaml:"on"`
	Every time.Duration     `yaml:"every"`
	List  []string          `yaml:"list"`
	Map   map[string]string `yaml:"map"`
	Sub   struct {
		X int `yaml:"x"`
	} `yaml:"sub"`
}

func TestDescribe(t *testing.T) {
	tests := []struct {
		in   string
		want Problem
	}{
		{"name: a\nbogus: 1\n", Problem{Line: 2, Field: "bogus", Msg: `unknown field "bogus" (check the spelling)`}},
		{"share: abc\n", Problem{Line: 1, Msg: `want a number, got "abc"`}},
		{"count: x1\n", Problem{Line: 1, Msg: `want a whole number, got "x1"`}},
		{"on: maybe\n", Problem{Line: 1, Msg: `want true or false, got "maybe"`}},
		{"every: soon\n", Problem{Line: 1, Msg: `want a duration such as 30s or 2h, got "soon"`}},
		{"name: [a, b]\n", Problem{Line: 1, Msg: "want text, got a list"}},
		{"list: x\n", Problem{Line: 1, Msg: `want a list, got "x"`}},
		{"map: [1]\n", Problem{Line: 1, Msg: "want a mapping (key: value lines), got a list"}},
		{"sub: 3\n", Problem{Line: 1, Msg: `want a mapping (key: value lines), got "3"`}},
		{"name: a\n  b: : c\n", Problem{Line: 2, Msg: "mapping values are not allowed in this context"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var d doc
			dec := yaml.NewDecoder(bytes.NewReader([]byte(tt.in)))
			dec.KnownFields(true)
			err := dec.Decode(&d)
			require.Error(t, err)
			p := Describe(err)
			assert.Equal(t, tt.want, p)
			assert.NotContains(t, p.Msg, "yamlerr.")
			assert.NotContains(t, p.Msg, "!!")
		})
	}
}
