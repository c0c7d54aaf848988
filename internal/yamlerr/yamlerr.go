// Package yamlerr turns the messages of gopkg.in/yaml.v3 into the user's words: the line,
// the field and what was wrong with its value, without the Go type names the decoder speaks
// in ("field x not found in type profile.Profile", "cannot unmarshal !!str `abc` into
// float64"). Every strict YAML reader of eidsim (profiles, campaigns, relying-party files)
// describes its errors through Describe.
package yamlerr

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Problem is one decoding error in the user's words.
type Problem struct {
	// Line is the 1-based line of the problem, 0 when the decoder did not say.
	Line int
	// Field is the unknown field's name, "" for other problems.
	Field string
	// Msg says what is wrong, e.g. `unknown field "bogus" (check the spelling)` or
	// `want a number, got "abc"`.
	Msg string
}

var (
	lineRe    = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	unknownRe = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
	unmarshRe = regexp.MustCompile("^cannot unmarshal !!(\\w+)(?: `([^`]*)`)? into (.+)$")
)

// Describe describes the first problem of a yaml.v3 decoding error.
func Describe(err error) Problem {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	var p Problem
	if m := lineRe.FindStringSubmatch(msg); m != nil {
		p.Line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	switch m := unknownRe.FindStringSubmatch(msg); {
	case m != nil:
		p.Field = m[1]
		p.Msg = fmt.Sprintf("unknown field %q (check the spelling)", m[1])
	default:
		if u := unmarshRe.FindStringSubmatch(msg); u != nil {
			p.Msg = "want " + want(u[3]) + ", got " + got(u[1], u[2])
		} else {
			p.Msg = msg
		}
	}
	return p
}

// want names what a Go type accepts, in YAML's words.
func want(goType string) string {
	t := strings.TrimLeft(goType, "*")
	switch {
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map["):
		return "a mapping (key: value lines)"
	case t == "string":
		return "text"
	case t == "bool":
		return "true or false"
	case t == "time.Duration":
		return "a duration such as 30s or 2h"
	case t == "time.Time":
		return "a date such as 2023-07-01"
	case strings.HasPrefix(t, "int") || strings.HasPrefix(t, "uint"):
		return "a whole number"
	case strings.HasPrefix(t, "float"):
		return "a number"
	}
	return "a mapping (key: value lines)" // a struct
}

// got names what the document had: a scalar by its value, a collection by its kind.
func got(tag, value string) string {
	switch tag {
	case "seq":
		return "a list"
	case "map":
		return "a mapping"
	case "null":
		return "nothing"
	}
	return strconv.Quote(value)
}
