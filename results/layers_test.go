package results_test

import (
	"go/build"
	"path"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The run record sits below the scenarios: no package under results/ imports one under
// scenarios/ (directly or through another package of the module).
func TestResultsImportsNothingUnderScenarios(t *testing.T) {
	const module = "github.com/eidsim/eidsim/"
	seen := map[string]bool{}
	var visit func(pkg, from string)
	visit = func(pkg, from string) {
		if seen[pkg] {
			return
		}
		seen[pkg] = true
		p, err := build.Import(pkg, ".", 0)
		require.NoError(t, err, pkg)
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			assert.False(t, strings.HasPrefix(imp, module+"scenarios/"), "%s imports %s (reached from %s)", pkg, imp, from)
			visit(imp, pkg)
		}
	}
	for _, pkg := range []string{"results", "results/report"} {
		visit(path.Join(module, pkg), "")
	}
	assert.True(t, seen[module+"results/report"])
}
