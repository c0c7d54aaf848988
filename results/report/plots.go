package report

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"regexp"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// The plots use Liberation Sans, whose regular face the HTML report embeds once, so text is
// drawn with the metrics the layout was computed with.
func init() { plot.DefaultFont = font.Font{Typeface: "Liberation", Variant: "Sans"} }

// palette is the Okabe–Ito colour-blind-safe palette (black last).
var palette = []color.RGBA{
	{0, 114, 178, 255},   // blue
	{213, 94, 0, 255},    // vermilion
	{0, 158, 115, 255},   // bluish green
	{230, 159, 0, 255},   // orange
	{204, 121, 167, 255}, // reddish purple
	{86, 180, 233, 255},  // sky blue
	{240, 228, 66, 255},  // yellow
	{0, 0, 0, 255},       // black
}

func colour(i int) color.RGBA { return palette[i%len(palette)] }

// Plot sizes.
const (
	plotW = 16 * vg.Centimeter
	plotH = 8 * vg.Centimeter
)

// series is one line of a line plot; Lo and Hi, when set, draw a band around it.
type series struct {
	Name   string
	X, Y   []float64
	Lo, Hi []float64
	Dashed bool
}

// axes says how to label a plot.
type axes struct {
	Title, X, Y string
	// Dates draws the X axis as dates (X values are Unix seconds).
	Dates bool
	// YMin0 starts the Y axis at zero.
	YMin0 bool
}

// linePlot draws the series on one pair of axes, bands under lines.
func linePlot(a axes, ss []series) ([]byte, error) {
	p := newPlot(a)
	for i, s := range ss {
		if len(s.X) == 0 {
			continue
		}
		if len(s.Lo) == len(s.X) && len(s.Hi) == len(s.X) {
			pts := make(plotter.XYs, 0, 2*len(s.X))
			for k := range s.X {
				pts = append(pts, plotter.XY{X: s.X[k], Y: s.Lo[k]})
			}
			for k := len(s.X) - 1; k >= 0; k-- {
				pts = append(pts, plotter.XY{X: s.X[k], Y: s.Hi[k]})
			}
			poly, err := plotter.NewPolygon(pts)
			if err != nil {
				return nil, err
			}
			c := colour(i)
			c.A = 60
			poly.Color = c
			poly.LineStyle.Width = 0
			p.Add(poly)
		}
	}
	for i, s := range ss {
		if len(s.X) == 0 {
			continue
		}
		pts := make(plotter.XYs, len(s.X))
		for k := range s.X {
			pts[k] = plotter.XY{X: s.X[k], Y: s.Y[k]}
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, fmt.Errorf("plot %q, series %q: %w", a.Title, s.Name, err)
		}
		l.Color = colour(i)
		l.Width = vg.Points(1.5)
		if s.Dashed {
			l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		}
		p.Add(l)
		p.Legend.Add(s.Name, l)
		if len(pts) < 3 {
			// A line through one or two points is invisible or nearly so: mark them.
			sc, err := plotter.NewScatter(pts)
			if err != nil {
				return nil, fmt.Errorf("plot %q, series %q: %w", a.Title, s.Name, err)
			}
			sc.Color = colour(i)
			sc.Shape = draw.CircleGlyph{}
			sc.Radius = vg.Points(3)
			p.Add(sc)
		}
	}
	return render(p, len(ss))
}

// bar is one stacked layer of a bar chart: its value per category.
type bar struct {
	Name   string
	Values []float64
}

// stackedBars draws one bar per category with the layers stacked.
func stackedBars(a axes, categories []string, layers []bar) ([]byte, error) {
	p := newPlot(a)
	w := vg.Points(math.Max(8, math.Min(40, 300/float64(max(1, len(categories))))))
	var below *plotter.BarChart
	for i, l := range layers {
		bc, err := plotter.NewBarChart(plotter.Values(l.Values), w)
		if err != nil {
			return nil, fmt.Errorf("plot %q, layer %q: %w", a.Title, l.Name, err)
		}
		bc.Color = colour(i)
		bc.LineStyle.Width = 0
		if below != nil {
			bc.StackOn(below)
		}
		below = bc
		p.Add(bc)
		p.Legend.Add(l.Name, bc)
	}
	p.NominalX(categories...)
	p.X.Min, p.X.Max = -0.5, float64(len(categories))-0.5
	slant(p, categories)
	return render(p, len(layers))
}

// groupedBars draws, per category, one bar per group side by side.
func groupedBars(a axes, categories []string, groups []bar) ([]byte, error) {
	p := newPlot(a)
	w := vg.Points(math.Max(6, math.Min(24, 200/float64(max(1, len(categories)*len(groups))))))
	for i, g := range groups {
		bc, err := plotter.NewBarChart(plotter.Values(g.Values), w)
		if err != nil {
			return nil, fmt.Errorf("plot %q, group %q: %w", a.Title, g.Name, err)
		}
		bc.Color = colour(i)
		bc.LineStyle.Width = 0
		bc.Offset = w * vg.Length(float64(i)-float64(len(groups)-1)/2)
		p.Add(bc)
		p.Legend.Add(g.Name, bc)
	}
	p.NominalX(categories...)
	p.X.Min, p.X.Max = -0.5, float64(len(categories))-0.5
	slant(p, categories)
	return render(p, len(groups))
}

// slant turns the category labels of a crowded axis by 30° so that they do not overlap.
func slant(p *plot.Plot, categories []string) {
	chars := 0
	for _, c := range categories {
		chars += len(c)
	}
	if chars <= 60 {
		return
	}
	p.X.Tick.Label.Rotation = math.Pi / 6
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.YAlign = draw.YCenter
}

func newPlot(a axes) *plot.Plot {
	p := plot.New()
	p.Title.Text = a.Title
	p.X.Label.Text = a.X
	p.Y.Label.Text = a.Y
	if a.Dates {
		p.X.Tick.Marker = plot.TimeTicks{Format: "2006-01-02"}
	}
	if a.YMin0 {
		p.Y.Min = 0
	}
	p.Y.Tick.Marker = readableTicks{}
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	p.Legend.XOffs = vg.Points(8)
	return p
}

// readableTicks are gonum's default ticks labelled without needless decimals and with
// thousands shown as k and millions as M.
type readableTicks struct{}

func (readableTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = shortNum(ticks[i].Value)
		}
	}
	return ticks
}

// shortNum formats a tick value: 2500 → 2.5k, 3000000 → 3M, 0.25 → 0.25; floating-point
// noise in tick arithmetic (0.6000000000000001) is rounded away at 10 significant digits.
func shortNum(v float64) string {
	if r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 10, 64), 64); err == nil {
		v = r
	}
	a := math.Abs(v)
	switch {
	case a >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', -1, 64) + "M"
	case a >= 1e4:
		return strconv.FormatFloat(v/1e3, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

var svgProlog = regexp.MustCompile(`(?s)^<\?xml[^>]*>\s*(<!--.*?-->\s*)?`)
var svgSize = regexp.MustCompile(`^<svg width="[^"]*" height="[^"]*"`)

// render draws p as SVG without the XML prolog, sized to its container width. The Y axis
// is extended upwards to leave room for a legend of the given number of entries above the
// data.
func render(p *plot.Plot, legend int) ([]byte, error) {
	if legend > 0 && p.Y.Max > p.Y.Min {
		share := math.Min(0.5, (float64(legend)*11+10)/float64(plotH.Points()-40))
		p.Y.Max = p.Y.Min + (p.Y.Max-p.Y.Min)/(1-share)
	}
	c := vgsvg.NewWith(vgsvg.UseWH(plotW, plotH))
	p.Draw(draw.New(c))
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return nil, err
	}
	out := svgProlog.ReplaceAll(b.Bytes(), nil)
	out = svgSize.ReplaceAll(out, []byte(`<svg width="100%" preserveAspectRatio="xMidYMid meet" role="img"`))
	return out, nil
}
