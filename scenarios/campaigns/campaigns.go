// Package campaigns embeds the built-in campaign definitions (*.yaml in this folder); the
// campaign package parses them. The file format is documented in README.md here.
package campaigns

import (
	"embed"
	"fmt"
	"path"
	"sort"
	"strings"
)

//go:embed *.yaml
var fs embed.FS

// Names returns the names of the built-in campaigns, sorted.
func Names() []string {
	ents, _ := fs.ReadDir(".")
	var out []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".yaml") {
			out = append(out, strings.TrimSuffix(e.Name(), ".yaml"))
		}
	}
	sort.Strings(out)
	return out
}

// Read returns the bytes of a built-in campaign; an error when there is none by that name.
func Read(name string) ([]byte, error) {
	if strings.ContainsAny(name, "/\\.") {
		return nil, fmt.Errorf("campaigns: %q is a path, not a built-in name", name)
	}
	return fs.ReadFile(path.Join(".", name+".yaml"))
}
