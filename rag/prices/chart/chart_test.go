package chart

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

const width, height = 320, 240

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Illustrative prices, not a record of real ones.
var (
	gpt = Series{Model: "GPT-4o", Currency: "USD", Kind: "input", Points: []Point{
		{day("2024-05-13"), 5}, {day("2024-08-06"), 2.5}, {day("2025-01-15"), 2.5},
	}}
	claude = Series{Model: "Claude 3.5 Sonnet", Currency: "USD", Kind: "output", Points: []Point{
		{day("2024-06-20"), 15}, {day("2024-10-22"), 15},
	}}
	deepseek = Series{Model: "DeepSeek-V3", Currency: "CNY", Kind: "input", Points: []Point{
		{day("2024-12-26"), 2}, {day("2025-02-09"), 2}, {day("2025-09-05"), 4},
	}}
	qwen = Series{Model: "Qwen-Max", Currency: "CNY", Kind: "input", Points: []Point{
		{day("2024-05-21"), 40}, {day("2024-09-19"), 20}, {day("2025-01-28"), 2.4},
	}}
)

// render draws series at the test size and decodes the PNG.
func render(t *testing.T, series []Series) ([]byte, image.Image) {
	t.Helper()
	var buf bytes.Buffer
	if err := Draw(&buf, series, width, height); err != nil {
		t.Fatalf("Draw: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("decoding Draw's output: %v", err)
	}
	return buf.Bytes(), img
}

// diffPixels reports how many pixels differ between a and b, and where the
// first is.
func diffPixels(a, b image.Image) (int, image.Point) {
	if a.Bounds() != b.Bounds() {
		return a.Bounds().Dx() * a.Bounds().Dy(), a.Bounds().Min
	}
	n, first := 0, image.Point{}
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			r1, g1, b1, a1 := a.At(x, y).RGBA()
			r2, g2, b2, a2 := b.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				if n == 0 {
					first = image.Pt(x, y)
				}
				n++
			}
		}
	}
	return n, first
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name   string
		series []Series
	}{
		{"one_currency", []Series{gpt, claude}},
		{"two_currencies", []Series{gpt, claude, deepseek, qwen}},
		{"single_point", []Series{{Model: "o3", Currency: "USD", Kind: "input", Points: []Point{{day("2025-06-10"), 2}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw, got := render(t, tc.series)
			path := filepath.Join("testdata", tc.name+".png")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, raw, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatalf("%v (run with -update to write it)", err)
			}
			defer f.Close()
			want, err := png.Decode(f)
			if err != nil {
				t.Fatalf("decoding %s: %v", path, err)
			}
			if n, at := diffPixels(got, want); n > 0 {
				t.Errorf("%d pixels differ from %s, the first at %v (if the change is meant, run with -update and look at the image)", n, path, at)
			}
		})
	}
}

// TestDeterministic backs the golden tests' exact comparison.
func TestDeterministic(t *testing.T) {
	series := []Series{gpt, claude, deepseek, qwen}
	a, _ := render(t, series)
	b, _ := render(t, series)
	if !bytes.Equal(a, b) {
		t.Error("two draws of the same series differ")
	}
}

func TestSize(t *testing.T) {
	for _, size := range []image.Point{{320, 240}, {641, 377}} {
		var buf bytes.Buffer
		if err := Draw(&buf, []Series{gpt, deepseek}, size.X, size.Y); err != nil {
			t.Fatalf("Draw at %v: %v", size, err)
		}
		cfg, err := png.DecodeConfig(&buf)
		if err != nil {
			t.Fatalf("decoding: %v", err)
		}
		if cfg.Width != size.X || cfg.Height != size.Y {
			t.Errorf("Draw at %v made a %d×%d image", size, cfg.Width, cfg.Height)
		}
	}
}

func TestNothingToDraw(t *testing.T) {
	free := Series{Model: "GLM-4-Flash", Currency: "CNY", Kind: "input", Points: []Point{{day("2024-08-27"), 0}}}
	for name, series := range map[string][]Series{
		"no series":    nil,
		"no points":    {{Model: "GPT-4o", Currency: "USD", Kind: "input"}},
		"only free":    {free},
		"empty series": {},
	} {
		var buf bytes.Buffer
		err := Draw(&buf, series, width, height)
		if err == nil || !strings.Contains(err.Error(), "nothing to draw") {
			t.Errorf("%s: Draw = %v, want an error saying there is nothing to draw", name, err)
		}
		if buf.Len() > 0 {
			t.Errorf("%s: Draw wrote %d bytes with its error", name, buf.Len())
		}
	}
}

// TestZeroPriceDropped: a free point, and a series of only free points,
// draw exactly as if they were not there.
func TestZeroPriceDropped(t *testing.T) {
	withFree := qwen
	withFree.Points = append([]Point{{day("2024-03-01"), 0}}, qwen.Points...)
	free := Series{Model: "GLM-4-Flash", Currency: "CNY", Kind: "input", Points: []Point{{day("2024-08-27"), 0}}}
	_, got := render(t, []Series{deepseek, withFree, free})
	_, want := render(t, []Series{deepseek, qwen})
	if n, at := diffPixels(got, want); n > 0 {
		t.Errorf("%d pixels differ from the chart without the free points, the first at %v", n, at)
	}
}

func TestBadInput(t *testing.T) {
	if err := Draw(new(bytes.Buffer), []Series{gpt}, 0, height); err == nil {
		t.Error("Draw with width 0 succeeded")
	}
	nan := Series{Model: "m", Currency: "USD", Kind: "input", Points: []Point{{day("2025-01-01"), math.NaN()}}}
	if err := Draw(new(bytes.Buffer), []Series{gpt, nan}, width, height); err == nil {
		t.Error("Draw with a NaN price succeeded")
	}
}
