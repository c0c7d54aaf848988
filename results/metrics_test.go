package results_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/results"
)

// metrics.go is the one place the Go code of results/ spells a metric name: every other
// file uses its constants.
func TestMetricNamesSpelledOnce(t *testing.T) {
	names := map[string]bool{}
	for _, n := range []string{results.MetricHTTPReqDuration, results.MetricHTTPReqs, results.MetricHTTPReqFailed, results.MetricIterations,
		results.MetricDroppedIterations, results.MetricVUs, results.MetricOutcomes, results.MetricFlowOK, results.MetricCitizenReused,
		results.MetricBoundLoginRebound, results.MetricAttackReq, results.MetricAttackTry, results.MetricAttackTarget, results.MetricEnumObs,
		results.MetricAttackServer} {
		names[n] = true
	}
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	more, err := filepath.Glob("report/*.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	for _, f := range append(files, more...) {
		if strings.HasSuffix(f, "_test.go") || f == "metrics.go" {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		require.NoError(t, err)
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			if s, err := strconv.Unquote(lit.Value); err == nil && names[s] {
				assert.Fail(t, "metric name spelled outside metrics.go", "%s spells %q; use its constant", fset.Position(lit.Pos()), s)
			}
			return true
		})
	}
}
