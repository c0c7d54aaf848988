package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// commandDocs are the pages that document each command's flags (docs/NAME.md); a command's
// flags may be spread over several. The first page must exist; the others are read when they
// do (cluster.md arrives with the PostgreSQL store).
var commandDocs = map[string][]string{
	"generate": {"population"},
	"serve":    {"serve", "security", "cluster"},
	"load":     {"load", "distributed", "streaming", "replay"},
	"simulate": {"simulate", "calibration"},
	"report":   {"report", "distributed"},
	"demo":     {"demo"},
	"rp-check": {"vendors"},
	"faults":   {"faults"},
	"telco":    {"cluster"},
}

// TestDocsNameEveryFlag: every flag a command's --help lists is written as --flag on the
// command's page in docs/, so a flag added to a command cannot stay undocumented.
func TestDocsNameEveryFlag(t *testing.T) {
	flagLine := regexp.MustCompile(`(?m)^  -([a-z0-9][a-z0-9-]*)`)
	for cmd, pages := range commandDocs {
		t.Run(cmd, func(t *testing.T) {
			var out bytes.Buffer
			run([]string{cmd, "--help"}, strings.NewReader(""), &out, &out)
			flags := flagLine.FindAllStringSubmatch(out.String(), -1)
			require.NotEmpty(t, flags, "%s --help lists no flags:\n%s", cmd, out.String())
			var text strings.Builder
			for i, p := range pages {
				b, err := os.ReadFile(filepath.Join("..", "..", "docs", p+".md"))
				if i > 0 && os.IsNotExist(err) {
					continue
				}
				require.NoError(t, err)
				text.Write(b)
			}
			for _, f := range flags {
				assert.Contains(t, text.String(), "--"+f[1], "eidsim %s --%s is in --help but not in docs/%s.md", cmd, f[1], strings.Join(pages, ".md, docs/"))
			}
		})
	}
}
