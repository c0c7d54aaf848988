package report

import (
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/internal/testtool"
)

// TestScreenshot opens a report in headless Chromium, saves a screenshot and checks that
// the plots were drawn: the page holds enough pixels of the plot colours that nothing but
// the plots uses. The PNG goes to $EIDSIM_SCREENSHOT when set (make report-screenshot).
func TestScreenshot(t *testing.T) {
	browser := testtool.Chromium(t)
	dir := t.TempDir()
	copyDir(t, fixture("load-before"), dir)
	_, page, err := Generate(dir)
	require.NoError(t, err)
	abs, err := filepath.Abs(page)
	require.NoError(t, err)
	out := os.Getenv("EIDSIM_SCREENSHOT")
	if out == "" {
		out = filepath.Join(t.TempDir(), "report.png")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--no-first-run", "--user-data-dir="+testtool.ProfileDir(t), "--window-size=1100,5200", "--screenshot="+out, "file://"+abs)
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, "chromium: %s", b)

	f, err := os.Open(out)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)
	// Bluish green (0,158,115) and orange (230,159,0) are plot-only colours: lines of the
	// latency plot and stacked bars.
	green, orange := 0, 0
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			r, g, b = r>>8, g>>8, b>>8
			switch {
			case near(r, 0) && near(g, 158) && near(b, 115):
				green++
			case near(r, 230) && near(g, 159) && near(b, 0):
				orange++
			}
		}
	}
	assert.Greater(t, green, 500, "plot lines and bars in bluish green are drawn")
	assert.Greater(t, orange, 2000, "stacked bars in orange are drawn")
	t.Logf("screenshot %s: %d×%d, %d green and %d orange plot pixels", out, bounds.Dx(), bounds.Dy(), green, orange)
}

func near(v, want uint32) bool { return v+12 >= want && v <= want+12 }
