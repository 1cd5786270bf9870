package prices

import (
	"bytes"
	"context"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/corpus/pricefact"
	"github.com/marketbot/marketbot/rag/prices/chart"
	"github.com/marketbot/marketbot/rag/store"
	"github.com/marketbot/marketbot/rag/store/storetest"
)

func builtinTables(t *testing.T) *Tables {
	t.Helper()
	a, err := corpus.DefaultAliases()
	if err != nil {
		t.Fatal(err)
	}
	return New(storetest.Builtin(t, store.Options{}), a)
}

// TestThePacksPrices: the built-in pack's prices the issue names, each
// with its quote and its source.
func TestThePacksPrices(t *testing.T) {
	tables := builtinTables(t)
	ctx := context.Background()
	for _, want := range []struct {
		model, kind, currency string
		perMillion            float64
		month, quote          string
	}{
		{"DeepSeek-V2", "input", "CNY", 1, "2024-05", "1 yuan per million input tokens"},
		{"Doubao Pro", "input", "CNY", 0.8, "2024-05", "0.0008元/千Tokens"},
		{"Qwen-Long", "input", "CNY", 0.5, "2024-05", "0.0005元/千tokens"},
		{"GPT-4o mini", "input", "USD", 0.15, "2024-07", "$0.15 per million input tokens"},
		{"GPT-5", "input", "USD", 1.25, "2025-08", "$1.25 per million input tokens"},
	} {
		tab, err := tables.Table(ctx, Query{Models: []string{want.model}, History: true})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range tab.Rows {
			if r.Model == want.model && r.Kind == want.kind && r.Currency == want.currency && r.PerMillion == want.perMillion &&
				r.Date.Format("2006-01") == want.month && strings.Contains(r.Quote, want.quote) {
				src := tab.Sources[r.Source-1]
				found = src.Title != "" && src.Path != "" && strings.Contains(src.Quote+r.Quote, want.quote)
			}
		}
		if !found {
			t.Errorf("%s %s %g %s (%s): not among %+v", want.model, want.kind, want.perMillion, want.currency, want.month, tab.Rows)
		}
	}
}

// TestLatestIsTheNewest: without the history, one input and one output
// price per model and currency, the newest.
func TestLatestIsTheNewest(t *testing.T) {
	f := func(model, kind string, v float64, date string, published string) store.PriceFact {
		d, _ := time.Parse(time.DateOnly, date)
		p, _ := time.Parse(time.DateOnly, published)
		return store.PriceFact{Fact: pricefactFact(model, kind, v, d), Published: p}
	}
	got := latest([]store.PriceFact{
		f("gpt-4o", "input", 5, "2024-05-13", "2024-05-13"),
		f("gpt-4o", "input", 2.5, "2024-08-06", "2024-08-06"),
		f("gpt-4o", "output", 15, "2024-05-13", "2024-05-13"),
		f("gpt-4o", "unspecified", 9, "2024-09-01", "2024-09-01"),
		f("gpt-4o", "input", 4, "2024-05-13", "2024-06-01"),   // older, though told later
		f("gpt-4o", "output", 15, "2024-08-06", "2024-08-06"), // the same price, told again
	})
	if len(got) != 2 || got[0].PerMillion != 2.5 || got[1].PerMillion != 15 || got[1].Date.Format(time.DateOnly) != "2024-05-13" {
		t.Errorf("latest = %+v, want input 2.5 and output 15 as first stated, on 2024-05-13", got)
	}
}

// TestFamiliesAndUnknownNames: a family's name asks for its models too;
// a name the table lacks is said, not guessed.
func TestFamiliesAndUnknownNames(t *testing.T) {
	tables := builtinTables(t)
	tab, err := tables.Table(context.Background(), Query{Models: []string{"豆包", "Foobar-9"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Unknown) != 1 || tab.Unknown[0] != "Foobar-9" {
		t.Errorf("unknown = %q, want Foobar-9", tab.Unknown)
	}
	models := map[string]bool{}
	for _, r := range tab.Rows {
		models[r.Model] = true
		if r.Vendor != "ByteDance" {
			t.Errorf("%s by %q, want ByteDance", r.Model, r.Vendor)
		}
	}
	if !models["Doubao Pro"] {
		t.Errorf("豆包's models %v, want Doubao Pro among them", models)
	}
}

// TestCurrencyIsNeverConverted: asking for one currency leaves the other
// out.
func TestCurrencyIsNeverConverted(t *testing.T) {
	tab, err := builtinTables(t).Table(context.Background(), Query{Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Rows) == 0 {
		t.Fatal("no USD prices in the pack")
	}
	for _, r := range tab.Rows {
		if r.Currency != "USD" {
			t.Errorf("%+v in a USD table", r)
		}
	}
}

func pricefactFact(model, kind string, v float64, d time.Time) pricefact.Fact {
	return pricefact.Fact{Model: model, Kind: kind, PerMillion: v, Currency: "USD", Date: d}
}

var update = flag.Bool("update", false, "rewrite golden files")

// TestPackChart draws the built-in pack's input prices over time, the
// chart the README shows (testdata/pack_input_prices.png; -update rewrites
// it).
func TestPackChart(t *testing.T) {
	tab, err := builtinTables(t).Table(context.Background(), Query{History: true})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := chart.Draw(&b, Series(tab), 720, 480); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "pack_input_prices.png")
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !samePixels(t, want, b.Bytes()) {
		t.Errorf("the pack's chart differs from %s (run with -update if the change is meant)", path)
	}
}

func samePixels(t *testing.T, a, b []byte) bool {
	t.Helper()
	ia, err := png.Decode(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	ib, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if ia.Bounds() != ib.Bounds() {
		return false
	}
	for y := ia.Bounds().Min.Y; y < ia.Bounds().Max.Y; y++ {
		for x := ia.Bounds().Min.X; x < ia.Bounds().Max.X; x++ {
			if ia.At(x, y) != ib.At(x, y) {
				return false
			}
		}
	}
	return true
}

// TestChartOfTheWeek: a chart when a price changed in the window, none
// when none did.
func TestChartOfTheWeek(t *testing.T) {
	tables := builtinTables(t)
	ctx := context.Background()
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	png, ok, err := tables.Chart(ctx, day("2024-07-15"), day("2024-07-22")) // GPT-4o mini launched
	if err != nil || !ok || len(png) == 0 {
		t.Fatalf("week of GPT-4o mini's launch: %d bytes, %v, %v; want a chart", len(png), ok, err)
	}
	if _, ok, err := tables.Chart(ctx, day("2023-01-01"), day("2023-01-08")); ok || err != nil {
		t.Errorf("a week without price news: ok %v, %v; want no chart", ok, err)
	}
}
