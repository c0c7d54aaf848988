package report

import (
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/results"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

func fixture(name string) string { return filepath.Join("testdata", "runs", name) }

var (
	builtMu sync.Mutex
	builtBy = map[string]*Report{}
)

// built returns the report of a fixture, built once per test binary (tests only read it).
func built(t *testing.T, name string) *Report {
	t.Helper()
	builtMu.Lock()
	defer builtMu.Unlock()
	if r, ok := builtBy[name]; ok {
		return r
	}
	r, err := Build(fixture(name))
	require.NoError(t, err)
	builtBy[name] = r
	return r
}

// golden compares got with testdata/golden/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "golden file missing: run go test -update")
	assert.Equal(t, string(want), string(got), "report differs from %s (go test -update rewrites it)", path)
}

func TestMarkdownGolden(t *testing.T) {
	for _, name := range []string{"load-before", "load-after", "load-interrupted", "findmax", "no-manifest", "simulation", "merged", "counterfactual", "capacity"} {
		t.Run(name, func(t *testing.T) {
			r := built(t, name)
			var b bytes.Buffer
			require.NoError(t, WriteMarkdown(&b, r))
			golden(t, name+".md", b.Bytes())
		})
	}
}

func TestCompareGolden(t *testing.T) {
	r := Compare(built(t, "load-before"), built(t, "load-after"))
	var buf bytes.Buffer
	require.NoError(t, WriteMarkdown(&buf, r))
	golden(t, "compare.md", buf.Bytes())

	byKey := map[string]Figure{}
	for _, f := range r.Headline {
		byKey[f.Key] = f
	}
	p99 := byKey["p99"]
	require.Equal(t, "p99", p99.Key, "the latency p99 is compared")
	assert.Less(t, p99.Value, 1.0, "B's p99 is below A's")
	assert.Contains(t, p99.Note, "better")
}

func TestHeadlineFigures(t *testing.T) {
	r := built(t, "load-before")
	got := map[string]Figure{}
	for _, f := range r.Headline {
		got[f.Key] = f
	}
	for _, k := range []string{"rate", "achieved", "p95", "p99", "errors", "dropped", "flow_ok:recovery", "recovery_failed", "recovery_failed:otp_to_other_phone", "recovery_failed:no_handset"} {
		assert.Contains(t, got, k)
	}
	assert.Greater(t, got["dropped"].Value, 0.0, "the fixture drops iterations from second 45")
	assert.Greater(t, got["p99"].Value, got["p95"].Value)
	assert.Equal(t, "0 → 12 /s over 20 s, then held for 40 s", got["rate"].Note, "the configured ramp is named beside the rate asked for")
	require.NotNil(t, r.Verdict)
	assert.Equal(t, VerdictNotHeld, r.Verdict.State)
	causes := got["recovery_failed:otp_to_other_phone"].Value + got["recovery_failed:no_handset"].Value +
		got["recovery_failed:no_coverage"].Value + got["recovery_failed:gave_up_waiting"].Value
	assert.InDelta(t, got["recovery_failed"].Value, causes, 1e-9, "the causes add up to the failures")

	fm := built(t, "findmax")
	require.Equal(t, "max_rate", fm.Headline[0].Key)
	assert.Equal(t, 25.0, fm.Headline[0].Value)
}

func TestInterruptedRunSaysWhatIsMissing(t *testing.T) {
	r, err := Build(fixture("load-interrupted"))
	require.NoError(t, err)
	require.NotEmpty(t, r.Warnings)
	assert.Contains(t, r.Warnings[0], "did not finish")
	joined := strings.Join(r.Missing, "\n")
	assert.Contains(t, joined, "k6-raw.json.gz")
	assert.Empty(t, r.Headline, "no figures are made up")

	r, err = Build(fixture("no-manifest"))
	require.NoError(t, err)
	assert.Contains(t, strings.Join(r.Missing, "\n"), "manifest.json")

	_, err = Build(filepath.Join("testdata", "runs", "does-not-exist"))
	assert.Error(t, err)
}

var external = regexp.MustCompile(`(?i)(<script|<link|<iframe|<img|@import|(src|href)\s*=\s*"(https?:)?//|url\(\s*['"]?(https?:)?//)`)

func TestHTMLIsSelfContained(t *testing.T) {
	for _, name := range []string{"load-before", "findmax", "load-interrupted", "simulation", "counterfactual", "capacity"} {
		t.Run(name, func(t *testing.T) {
			r := built(t, name)
			var b bytes.Buffer
			require.NoError(t, WriteHTML(&b, r))
			html := b.String()
			require.Contains(t, html, "src:url(data:font/ttf;base64,", "the plot font is embedded")
			// The font's base64 is most of the page; leave it out of the scans below.
			html = regexp.MustCompile(`base64,[A-Za-z0-9+/=]+`).ReplaceAllString(html, "base64,")
			assert.Empty(t, external.FindAllString(html, -1), "no script and nothing fetched")
			plots := 0
			for _, s := range r.Sections {
				plots += len(s.Plots)
			}
			assert.Equal(t, plots, strings.Count(html, "<svg "), "every plot is inline SVG")
			for _, k := range r.Provenance {
				if k.Key == "Seed" || k.Key == "Hash settings" {
					assert.Contains(t, html, "<td>"+k.Key+"</td>")
				}
			}
			assertWellFormed(t, html)
		})
	}
}

// assertWellFormed checks that every SVG element of the page is well-formed XML.
func assertWellFormed(t *testing.T, html string) {
	t.Helper()
	for _, svg := range regexp.MustCompile(`(?s)<svg .*?</svg>`).FindAllString(html, -1) {
		d := xml.NewDecoder(strings.NewReader(svg))
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			require.NoError(t, err)
		}
	}
}

func TestGenerateWritesReportAndPlots(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, fixture("load-before"), dir)
	r, html, err := Generate(dir)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, results.HTMLFile), html)
	for _, f := range []string{results.MarkdownFile, results.HTMLFile} {
		st, err := os.Stat(filepath.Join(dir, f))
		require.NoError(t, err)
		assert.Greater(t, st.Size(), int64(1000))
	}
	n := 0
	for _, s := range r.Sections {
		for _, p := range s.Plots {
			b, err := os.ReadFile(filepath.Join(dir, results.PlotsDir, p.Name+".svg"))
			require.NoError(t, err)
			assert.True(t, bytes.HasPrefix(b, []byte("<?xml")))
			n++
		}
	}
	assert.GreaterOrEqual(t, n, 4, "latency and throughput over time, failures by segment")
	md, _ := os.ReadFile(filepath.Join(dir, results.MarkdownFile))
	assert.Contains(t, string(md), "![Latency percentiles over time](plots/latency-over-time.svg)")

	out := filepath.Join(t.TempDir(), "cmp")
	_, html, err = CompareDirs(dir, fixture("load-after"), out)
	require.NoError(t, err)
	assert.FileExists(t, html)
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	require.NoError(t, os.CopyFS(dst, os.DirFS(src)))
}

// TestEveryFileMissing removes each file of each fixture in turn: the report still builds,
// renders, and names the missing file.
func TestEveryFileMissing(t *testing.T) {
	for _, name := range []string{"load-before", "findmax", "simulation"} {
		entries, err := os.ReadDir(fixture(name))
		require.NoError(t, err)
		for _, en := range entries {
			if en.IsDir() {
				continue
			}
			t.Run(name+"/without "+en.Name(), func(t *testing.T) {
				dir := t.TempDir()
				copyDir(t, fixture(name), dir)
				require.NoError(t, os.Remove(filepath.Join(dir, en.Name())))
				r, err := Build(dir)
				require.NoError(t, err)
				var md, html bytes.Buffer
				require.NoError(t, WriteMarkdown(&md, r))
				require.NoError(t, WriteHTML(&html, r))
				if strings.HasPrefix(en.Name(), "calibration.") {
					return // calibration.md and calibration.csv stand in for one another
				}
				assert.Contains(t, md.String(), en.Name(), "the report names the missing file")
			})
		}
	}
}

// TestCompareSimulationWithItself: every figure both have is "same" with a ratio of 1, and
// the adoption curves are drawn over one another.
func TestCompareSimulationWithItself(t *testing.T) {
	s := built(t, "simulation")
	r := Compare(s, s)
	require.NotEmpty(t, r.Headline)
	for _, f := range r.Headline {
		assert.Equal(t, 1.0, f.Value, f.Key)
		if f.Better != 0 {
			assert.Contains(t, f.Note, "same", f.Key)
		}
	}
	var plots []string
	for _, sec := range r.Sections {
		for _, p := range sec.Plots {
			plots = append(plots, p.Name)
		}
	}
	assert.Contains(t, plots, "compare-adoption-accounts-activated")
	assert.Contains(t, plots, "compare-counter-queue")
}
