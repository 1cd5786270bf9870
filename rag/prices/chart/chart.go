// Package chart draws LLM models' API prices over time as a PNG image.
package chart

import (
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"slices"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Point is one observed price: its effective date and its value per million tokens.
type Point struct {
	Date       time.Time
	PerMillion float64
}

// Series is one model's prices in one currency and kind, oldest first.
type Series struct {
	Model, Currency, Kind string
	Points                []Point
}

// A chart is drawn at dpi pixels an inch, or at fewer when the image is
// too small for panels of minHeight by minWidth points (1/72 inch): then
// everything shrinks alike, rather than the axis labels crowding the data
// out. margin, in points, keeps the edges' glyphs inside the image.
const (
	dpi                 = 96
	minHeight           = 180
	minWidth            = 320
	margin    vg.Length = 4
)

// minSpan is the narrowest date range the x axis shows, so that a single
// observation, or several close together, still get readable month ticks.
const minSpan = 60 * 24 * time.Hour

// Draw writes a PNG chart of the series, width×height pixels, to w.
//
// Each series is a line with a marker at every observation, on a log-scale
// price axis, labelled "Model (kind)" in the legend. Currencies are never
// converted: each currency gets its own panel, stacked vertically in
// currency order, all over the same dates. A log axis cannot show a price
// of zero or less, so such points (free models) are dropped, and a series
// left with no points is not drawn; Draw fails if nothing is left to draw,
// or on a price that is NaN or infinite.
func Draw(w io.Writer, series []Series, width, height int) error {
	if width <= 0 || height <= 0 {
		return fmt.Errorf("chart: size %d×%d is not positive", width, height)
	}
	byCurrency := map[string][]Series{}
	for _, s := range series {
		var kept []Point
		for _, p := range s.Points {
			if p.PerMillion <= 0 {
				continue // free: no place on a log axis
			}
			kept = append(kept, p)
		}
		if len(kept) > 0 {
			s.Points = kept
			byCurrency[s.Currency] = append(byCurrency[s.Currency], s)
		}
	}
	if len(byCurrency) == 0 {
		return errors.New("chart: nothing to draw: no series has a price above zero")
	}
	currencies := make([]string, 0, len(byCurrency))
	for c := range byCurrency {
		currencies = append(currencies, c)
	}
	slices.Sort(currencies)

	plots := make([][]*plot.Plot, len(currencies))
	line := 0 // counts lines across panels, so each has its own colour
	for i, c := range currencies {
		p, err := panel(c, byCurrency[c], line)
		if err != nil {
			return err
		}
		line += len(byCurrency[c])
		plots[i] = []*plot.Plot{p}
	}
	// The panels share one date range, widened around its middle if short.
	from, to := plots[0][0].X.Min, plots[0][0].X.Max
	for _, row := range plots[1:] {
		from, to = min(from, row[0].X.Min), max(to, row[0].X.Max)
	}
	if span := minSpan.Seconds(); to-from < span {
		mid := (from + to) / 2
		from, to = mid-span/2, mid+span/2
	}
	for _, row := range plots {
		row[0].X.Min, row[0].X.Max = from, to
	}

	res := min(dpi, height*72/(minHeight*len(plots)), width*72/minWidth)
	canvas := vgimg.NewWith(
		vgimg.UseImage(image.NewRGBA(image.Rect(0, 0, width, height))),
		vgimg.UseDPI(max(res, 1)),
	)
	tiles := draw.Tiles{
		Rows: len(plots), Cols: 1,
		PadY: 2 * margin, PadTop: margin, PadBottom: margin, PadLeft: margin, PadRight: margin,
	}
	for i, c := range plot.Align(plots, tiles, draw.New(canvas)) {
		plots[i][0].Draw(c[0])
	}
	if err := png.Encode(w, canvas.Image()); err != nil {
		return fmt.Errorf("chart: writing PNG: %w", err)
	}
	return nil
}

// panel plots one currency's series, none empty or with a price ≤ 0,
// colouring them from the palette's first entry on.
func panel(currency string, series []Series, first int) (*plot.Plot, error) {
	p := plot.New()
	p.Y.Label.Text = currency + " per million tokens"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	p.X.Tick.Marker = plot.TimeTicks{Format: "2006-01"}
	p.Legend.Top = true // prices mostly fall: the top right is the emptiest corner
	for i, s := range series {
		xys := make(plotter.XYs, len(s.Points))
		for j, pt := range s.Points {
			xys[j] = plotter.XY{X: float64(pt.Date.Unix()), Y: pt.PerMillion}
		}
		l, m, err := plotter.NewLinePoints(xys)
		if err != nil {
			return nil, fmt.Errorf("chart: %s (%s) in %s: %w", s.Model, s.Kind, currency, err)
		}
		l.Color = plotutil.Color(first + i)
		m.Color = l.Color
		m.Shape = plotutil.Shape(first + i)
		p.Add(l, m)
		p.Legend.Add(fmt.Sprintf("%s (%s)", s.Model, s.Kind), l, m)
	}

	// Round the prices out to whole decades, so the log axis always has
	// labelled ticks at both ends and a single price is not a flat range.
	p.Y.Min = math.Pow(10, math.Floor(math.Log10(p.Y.Min)))
	p.Y.Max = math.Pow(10, math.Ceil(math.Log10(p.Y.Max)))
	if p.Y.Max <= p.Y.Min {
		p.Y.Max = p.Y.Min * 10
	}
	return p, nil
}
