package campaign

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/eidsim/eidsim/internal/yamlerr"
	"github.com/eidsim/eidsim/scenarios/campaigns"
)

// Error is a problem in a campaign file: the file, the line (0 when unknown), the field (a
// dotted path such as "counters.kits" or "outreach[1].intensity") and why.
type Error = yamlerr.Error

// Builtin returns the names of the embedded campaigns, sorted.
func Builtin() []string { return campaigns.Names() }

// Load returns the built-in campaign with that name, or else reads the file at that path.
func Load(nameOrFile string) (*Campaign, error) {
	if b, err := campaigns.Read(nameOrFile); err == nil {
		return Parse(b, "builtin:"+nameOrFile)
	}
	b, err := os.ReadFile(nameOrFile)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &Error{File: nameOrFile, Msg: fmt.Sprintf("no such file and no built-in campaign of that name (built-in: %s)",
				strings.Join(Builtin(), ", "))}
		}
		return nil, &Error{File: nameOrFile, Msg: err.Error()}
	}
	return Parse(b, nameOrFile)
}

// Parse decodes and checks a campaign; file names it in errors.
func Parse(data []byte, file string) (*Campaign, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlErr(file, &root, err)
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, &Error{File: file, Msg: "empty campaign file"}
	}
	c := Campaign{Behaviour: DefaultBehaviour(), Counters: Counters{Kits: kitsUnset}}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, yamlErr(file, &root, err)
	}
	c.File = file
	c.applyDefaults()
	err := c.check()
	if err == nil {
		err = c.applyProfileDefaults()
	}
	if err != nil {
		var fe *fieldErr
		if errors.As(err, &fe) {
			return nil, &Error{File: file, Line: lineOf(&root, fe.field), Field: fe.field, Msg: fe.msg}
		}
		return nil, &Error{File: file, Msg: err.Error()}
	}
	if err := c.addEvidence(); err != nil {
		return nil, &Error{File: file, Field: "evidence", Msg: err.Error()}
	}
	return &c, nil
}

// yamlErr turns a yaml.v3 error into an Error with the line and, when the message names it,
// the field (found by its line in the node tree).
func yamlErr(file string, root *yaml.Node, err error) error {
	pr := yamlerr.Describe(err)
	e := &Error{File: file, Line: pr.Line, Field: pr.Field, Msg: pr.Msg}
	if e.Line > 0 {
		if f := fieldAtLine(root, e.Line); f != "" {
			e.Field = f // the dotted path, e.g. counters.kitz
		}
	}
	return e
}

// fieldErr is a check failure on a dotted field path.
type fieldErr struct{ field, msg string }

func (e *fieldErr) Error() string { return e.field + ": " + e.msg }

func ferr(field, format string, args ...any) error {
	return &fieldErr{field: field, msg: fmt.Sprintf(format, args...)}
}

// lineOf finds the line of a dotted field path ("a.b[2].c") in the document; 0 when absent.
func lineOf(root *yaml.Node, field string) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := 0
	for _, part := range strings.Split(field, ".") {
		name, idx := part, -1
		if i := strings.IndexByte(part, '['); i >= 0 {
			name = part[:i]
			idx, _ = strconv.Atoi(strings.TrimSuffix(part[i+1:], "]"))
		}
		if n == nil || n.Kind != yaml.MappingNode {
			return line
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == name {
				line = n.Content[i].Line
				next = n.Content[i+1]
				break
			}
		}
		if next == nil {
			return line
		}
		n = next
		if idx >= 0 {
			if n.Kind != yaml.SequenceNode || idx >= len(n.Content) {
				return line
			}
			n = n.Content[idx]
			line = n.Line
		}
	}
	return line
}

// fieldAtLine returns the dotted path of the key or value on a line; "" when none.
func fieldAtLine(root *yaml.Node, line int) string {
	var walk func(n *yaml.Node, path string) string
	walk = func(n *yaml.Node, path string) string {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				if p := walk(c, path); p != "" {
					return p
				}
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				p := k.Value
				if path != "" {
					p = path + "." + k.Value
				}
				if k.Line == line || (v.Kind == yaml.ScalarNode && v.Line == line) {
					return p
				}
				if q := walk(v, p); q != "" {
					return q
				}
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				p := fmt.Sprintf("%s[%d]", path, i)
				if c.Kind == yaml.ScalarNode && c.Line == line {
					return p
				}
				if q := walk(c, p); q != "" {
					return q
				}
			}
		}
		return ""
	}
	return walk(root, "")
}
