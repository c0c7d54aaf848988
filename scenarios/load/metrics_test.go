package load_test

import (
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/results"
	k6scripts "github.com/eidsim/eidsim/scenarios/k6"
)

// goMetrics are the Go constants of results/metrics.go, by the key lib/metrics.js gives the
// same metric.
var goMetrics = map[string]string{
	"outcomes": results.MetricOutcomes, "flowOK": results.MetricFlowOK, "citizenReused": results.MetricCitizenReused,
	"boundLoginRebound": results.MetricBoundLoginRebound, "attackReq": results.MetricAttackReq, "attackTry": results.MetricAttackTry,
	"attackTarget": results.MetricAttackTarget, "enumObs": results.MetricEnumObs, "attackServer": results.MetricAttackServer,
	"httpReqDuration": results.MetricHTTPReqDuration, "httpReqFailed": results.MetricHTTPReqFailed,
	"droppedIterations": results.MetricDroppedIterations,
}

var (
	metricObject = regexp.MustCompile(`(?s)export const METRIC = \{(.*?)\n\};`)
	metricEntry  = regexp.MustCompile(`(?m)^\s*(\w+): '([^']+)',`)
)

// jsMetrics parses the METRIC object of lib/metrics.js.
func jsMetrics(t *testing.T) map[string]string {
	t.Helper()
	b, err := k6scripts.Scripts.ReadFile("lib/metrics.js")
	require.NoError(t, err)
	m := metricObject.FindSubmatch(b)
	require.NotNil(t, m, "lib/metrics.js: no `export const METRIC = {…};`")
	out := map[string]string{}
	for _, e := range metricEntry.FindAllSubmatch(m[1], -1) {
		out[string(e[1])] = string(e[2])
	}
	require.NotEmpty(t, out)
	return out
}

// The metric names the scripts emit (lib/metrics.js) are the names eidsim reads
// (results/metrics.go): the same keys, the same names, and every eidsim_* name in both.
func TestMetricNamesAgreeWithTheScripts(t *testing.T) {
	js := jsMetrics(t)
	assert.Equal(t, goMetrics, js, "lib/metrics.js METRIC and results/metrics.go differ")
	var own []string
	for _, v := range js {
		if strings.HasPrefix(v, results.OwnMetricPrefix) {
			own = append(own, v)
		}
	}
	sort.Strings(own)
	assert.Equal(t, []string{results.MetricAttackReq, results.MetricAttackServer, results.MetricAttackTarget, results.MetricAttackTry,
		results.MetricBoundLoginRebound, results.MetricCitizenReused, results.MetricEnumObs, results.MetricFlowOK, results.MetricOutcomes}, own)
}

// lib/metrics.js is the one place a script spells one of these names: any other file uses
// METRIC.
func TestScriptsSpellMetricNamesOnce(t *testing.T) {
	js := jsMetrics(t)
	err := fs.WalkDir(k6scripts.Scripts, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == "lib/metrics.js" || !strings.HasSuffix(p, ".js") {
			return err
		}
		b, err := k6scripts.Scripts.ReadFile(p)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			code, _, _ := strings.Cut(line, "//")
			for _, name := range js {
				lit := regexp.MustCompile(`['"\x60]` + regexp.QuoteMeta(name) + `(['"\x60{])|(^|[{,]\s*)` + regexp.QuoteMeta(name) + `\s*:`)
				assert.False(t, lit.MatchString(code), "%s:%d spells %s; use METRIC from lib/metrics.js", p, i+1, name)
			}
		}
		return nil
	})
	require.NoError(t, err)
}
