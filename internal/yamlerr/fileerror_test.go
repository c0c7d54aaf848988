package yamlerr

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestErrorPrintsFileLineField(t *testing.T) {
	for _, tc := range []struct {
		err  Error
		want string
	}{
		{Error{File: "c.yaml", Line: 7, Field: "counters.kits", Msg: "must not be negative"}, "c.yaml:7: field counters.kits: must not be negative"},
		{Error{File: "c.yaml", Field: "days", Msg: "must be positive"}, "c.yaml: field days: must be positive"},
		{Error{File: "builtin:vietnam", Line: 3, Msg: "empty file"}, "builtin:vietnam:3: empty file"},
	} {
		assert.Equal(t, tc.want, tc.err.Error())
	}
}
