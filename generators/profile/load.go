package profile

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/eidsim/eidsim/internal/yamlerr"
	"io"
	"os"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed profiles/*.yaml
var builtinFS embed.FS

// Error is a problem in a profile file: the file, the line (0 when unknown), the field (a
// dotted path such as "handsets.smartphone" or "age.bands[2].share") and why.
type Error = yamlerr.Error

// Builtin returns the names of the embedded profiles, sorted.
func Builtin() []string {
	ents, _ := builtinFS.ReadDir("profiles")
	var names []string
	for _, e := range ents {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(names)
	return names
}

// Raw returns the YAML text of a built-in profile.
func Raw(name string) ([]byte, bool) {
	if strings.ContainsAny(name, "/\\.") {
		return nil, false
	}
	b, err := builtinFS.ReadFile(path.Join("profiles", name+".yaml"))
	return b, err == nil
}

// Load returns the built-in profile with that name, or else reads the file at that path.
func Load(nameOrFile string) (*Profile, error) {
	if b, err := builtinFS.ReadFile(path.Join("profiles", nameOrFile+".yaml")); err == nil && !strings.ContainsAny(nameOrFile, "/\\.") {
		return Parse(b, "builtin:"+nameOrFile)
	}
	b, err := os.ReadFile(nameOrFile)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &Error{File: nameOrFile, Msg: fmt.Sprintf("no such file and no built-in profile of that name (built-in: %s)", strings.Join(Builtin(), ", "))}
		}
		return nil, &Error{File: nameOrFile, Msg: err.Error()}
	}
	return Parse(b, nameOrFile)
}

var yamlLine = regexp.MustCompile(`^line (\d+): (.*)$`)

// Parse decodes and checks a profile; file names it in errors.
func Parse(data []byte, file string) (*Profile, error) {
	var p Profile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{File: file, Msg: "empty profile"}
		}
		pr := yamlerr.Describe(err)
		return nil, &Error{File: file, Line: pr.Line, Field: pr.Field, Msg: pr.Msg}
	}
	var root yaml.Node
	_ = yaml.Unmarshal(data, &root)
	p.File = file
	sum := sha256.Sum256(data)
	p.SHA256 = hex.EncodeToString(sum[:])
	p.applyDefaults()
	if err := p.check(); err != nil {
		var pe *Error
		if errors.As(err, &pe) {
			pe.File = file
			pe.Line = lineOf(&root, pe.Field)
		}
		return nil, err
	}
	return &p, nil
}

func (p *Profile) applyDefaults() {
	if p.Villages.RemoteSize == 0 {
		p.Villages.RemoteSize = 0.6
	}
	if p.Villages.UrbanSize == 0 {
		p.Villages.UrbanSize = 1.5
	}
	for i := range p.Ethnicity.Groups {
		g := &p.Ethnicity.Groups[i]
		if g.Naming == "" {
			g.Naming = DefaultNaming(g.Key)
		}
		if g.RemoteAffinity == 0 {
			g.RemoteAffinity = 1
		}
	}
}

// DefaultNaming maps an ethnicity key to its naming scheme: the key lower-cased with spaces
// removed ("Xo Dang" → "xodang").
func DefaultNaming(key string) string {
	return strings.ToLower(strings.ReplaceAll(key, " ", ""))
}

// lineOf finds the line of a dotted field path ("a.b[2].c") in a YAML document; it returns
// the line of the deepest node found.
func lineOf(root *yaml.Node, field string) int {
	if root == nil || len(root.Content) == 0 {
		return 0
	}
	n := root.Content[0]
	line := n.Line
	for _, seg := range splitPath(field) {
		var next *yaml.Node
		if idx, err := strconv.Atoi(seg); err == nil {
			if n.Kind == yaml.SequenceNode && idx < len(n.Content) {
				next = n.Content[idx]
			}
		} else if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == seg {
					next = n.Content[i+1]
					line = n.Content[i].Line
					break
				}
			}
		}
		if next == nil {
			return line
		}
		n = next
		if n.Kind != yaml.MappingNode && n.Kind != yaml.SequenceNode {
			line = n.Line
		} else if n.Kind == yaml.MappingNode && seg != "" {
			if _, err := strconv.Atoi(seg); err == nil {
				line = n.Line
			}
		}
	}
	return line
}

func splitPath(field string) []string {
	var out []string
	for _, part := range strings.Split(field, ".") {
		for part != "" {
			i := strings.IndexByte(part, '[')
			if i < 0 {
				out = append(out, part)
				break
			}
			if i > 0 {
				out = append(out, part[:i])
			}
			j := strings.IndexByte(part, ']')
			if j < i {
				break
			}
			out = append(out, part[i+1:j])
			part = part[j+1:]
		}
	}
	return out
}
