package main

import (
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestPricesJSONFollowsTheContract: "prices --json" prints each model's
// latest price as design.md §8 says, with its quote and citation.
func TestPricesJSONFollowsTheContract(t *testing.T) {
	stdout, stderr, err := runCmd(t, t.TempDir(), "prices", "--json", "DeepSeek-V2", "GPT-4o mini")
	if err != nil {
		t.Fatal(err, stderr)
	}
	var out struct {
		Prices []map[string]any `json:"prices"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	wantKeys := []string{"citation", "currency", "date", "kind", "model", "per_million", "quote", "vendor"}
	wantCitation := []string{"path", "published", "summary", "title", "url"}
	var got []string
	for _, p := range out.Prices {
		if d := cmp.Diff(wantKeys, keysOf(p), cmpopts.SortSlices(func(a, b string) bool { return a < b })); d != "" {
			t.Errorf("price keys (-want +got):\n%s", d)
		}
		c, _ := p["citation"].(map[string]any)
		if d := cmp.Diff(wantCitation, keysOf(c), cmpopts.SortSlices(func(a, b string) bool { return a < b })); d != "" {
			t.Errorf("citation keys (-want +got):\n%s", d)
		}
		if q, _ := p["quote"].(string); q == "" {
			t.Errorf("%v has no quote", p)
		}
		got = append(got, strings.Join([]string{p["model"].(string), p["kind"].(string), jsonNumber(p["per_million"]), p["currency"].(string), p["date"].(string)}, " "))
	}
	for _, want := range []string{"DeepSeek-V2 input 1 CNY 2024-05-06", "GPT-4o mini input 0.15 USD 2024-07-18", "GPT-4o mini output 0.6 USD 2024-07-18"} {
		if !slices.Contains(got, want) {
			t.Errorf("prices %q: want %q among them", got, want)
		}
	}
}

func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func jsonNumber(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestPricesTableAndChart: the terminal table in columns with numbered
// sources; --currency keeps one currency; --chart writes a PNG.
func TestPricesTableAndChart(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(t.TempDir(), "prices.png")
	stdout, stderr, err := runCmd(t, dir, "prices", "--currency", "CNY", "--chart", file)
	if err != nil {
		t.Fatal(err, stderr)
	}
	if !strings.Contains(stdout, "MODEL") || !strings.Contains(stdout, "Sources:\n[1] ") || !strings.Contains(stdout, "Qwen-Long") {
		t.Errorf("table:\n%s", stdout)
	}
	if strings.Contains(stdout, " USD ") {
		t.Errorf("--currency CNY printed USD prices:\n%s", stdout)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := png.Decode(f); err != nil {
		t.Errorf("chart is not a PNG: %v", err)
	}
	if _, _, err := runCmd(t, dir, "prices", "--currency", "EUR"); err == nil {
		t.Error("--currency EUR accepted")
	}
}

// TestAskComparingPricesShowsTheTable: "ask --json" with a question that
// compares prices answers with the table, offline.
func TestAskComparingPricesShowsTheTable(t *testing.T) {
	stdout, stderr, err := runCmd(t, t.TempDir(), "ask", "--json", "DeepSeek和豆包哪个便宜？")
	if err != nil {
		t.Fatal(err, stderr)
	}
	var out struct {
		Answer    string           `json:"answer"`
		Citations []map[string]any `json:"citations"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"DeepSeek-V2", "1 CNY", "0.8 CNY", "[1]"} {
		if !strings.Contains(out.Answer, want) {
			t.Errorf("answer lacks %q:\n%s", want, out.Answer)
		}
	}
	if len(out.Citations) == 0 {
		t.Error("no citations")
	}
}
