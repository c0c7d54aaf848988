package yamlerr

import (
	"strconv"
	"strings"
)

// Error is a problem in a YAML file of eidsim (a profile, a campaign, the evidence): the
// file, the line (0 when unknown), the field (a dotted path such as "counters.kits" or
// "age.bands[2].share", "" when the problem is not one field's) and why. It prints as
// "file:line: field F: why". The packages that read such files name it as their own Error.
type Error struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString("field " + e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}
