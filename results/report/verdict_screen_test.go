package report

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/internal/testtool"
)

// copyFixture copies a fixture into root/name, with the segment runs beside it for the merge
// (whose manifest names them), and returns the copy's path.
func copyFixture(t *testing.T, root, name string) string {
	t.Helper()
	dst := filepath.Join(root, name)
	copyDir(t, fixture(name), dst)
	if name == "merged" {
		for _, p := range []string{"merged-seg1of2", "merged-seg2of2"} {
			copyDir(t, fixture(p), filepath.Join(root, p))
		}
	}
	return dst
}

// TestVerdictAboveTheFold opens the HTML report of a load run, a search, a merge and a
// simulation in headless Chromium at 1280×800 and checks that the verdict line is drawn in
// the first viewport: its box is non-empty and lies within it. With $EIDSIM_SCREENSHOT_DIR
// set, each first viewport is saved there as NAME.png.
func TestVerdictAboveTheFold(t *testing.T) {
	browser := testtool.Chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(browser), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("hide-scrollbars", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 800), chromedp.UserDataDir(testtool.ProfileDir(t)),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	bctx, cancel = context.WithTimeout(bctx, 120*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Run(bctx), "start chromium")
	shots := os.Getenv("EIDSIM_SCREENSHOT_DIR")
	for _, name := range []string{"load-before", "findmax", "merged", "simulation"} {
		t.Run(name, func(t *testing.T) {
			dir := copyFixture(t, t.TempDir(), name)
			r, page, err := Generate(dir)
			require.NoError(t, err)
			require.NotNil(t, r.Verdict, "the report has a verdict")
			abs, err := filepath.Abs(page)
			require.NoError(t, err)
			ctx, cancel := chromedp.NewContext(bctx)
			defer cancel()
			var box struct {
				Top, Bottom, Left, Right, Width, Height float64
				ViewW, ViewH                            float64
				Text                                    string
			}
			var png []byte
			require.NoError(t, chromedp.Run(ctx,
				chromedp.EmulateViewport(1280, 800),
				chromedp.Navigate("file://"+abs),
				chromedp.WaitVisible("#verdict", chromedp.ByID),
				chromedp.Evaluate(`(() => { const e = document.getElementById('verdict'); const r = e.getBoundingClientRect();
					return {Top: r.top, Bottom: r.bottom, Left: r.left, Right: r.right, Width: r.width, Height: r.height,
						ViewW: window.innerWidth, ViewH: window.innerHeight, Text: e.innerText}; })()`, &box),
				chromedp.CaptureScreenshot(&png),
			))
			assert.Equal(t, r.Verdict.Text, box.Text, "the verdict element holds the verdict")
			assert.Greater(t, box.Width, 100.0, "the verdict box is not empty")
			assert.Greater(t, box.Height, 10.0, "the verdict box is not empty")
			assert.GreaterOrEqual(t, box.Top, 0.0)
			assert.GreaterOrEqual(t, box.Left, 0.0)
			assert.LessOrEqual(t, box.Bottom, box.ViewH, "the verdict ends above the fold (viewport %gx%g)", box.ViewW, box.ViewH)
			assert.LessOrEqual(t, box.Right, box.ViewW)
			assert.Equal(t, 800.0, box.ViewH)
			if shots != "" {
				require.NoError(t, os.MkdirAll(shots, 0o755))
				require.NoError(t, os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644))
			}
			t.Logf("%s: verdict box %.0f–%.0f px of %.0f", name, box.Top, box.Bottom, box.ViewH)
		})
	}
}
