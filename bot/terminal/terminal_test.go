package terminal

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/marketbot/marketbot/bot"
	"github.com/marketbot/marketbot/rag/answer"
)

type echo struct{ seen []bot.Question }

func (e *echo) Handle(_ context.Context, q bot.Question, _ func(string)) bot.Reply {
	e.seen = append(e.seen, q)
	return bot.Reply{Text: "re: " + q.Text + " [1]", Notices: []string{"offline"},
		Citations: []answer.Citation{{N: 1, Title: "Doubao launch", Source: "Volcano Engine", URL: "https://example.com/d", Published: time.Date(2024, 5, 15, 0, 0, 0, 0, time.UTC)}}}
}

func TestRun(t *testing.T) {
	var out bytes.Buffer
	h := &echo{}
	if err := Run(context.Background(), strings.NewReader("first\n\nsecond\nexit\nnever\n"), &out, h); err != nil {
		t.Fatal(err)
	}
	if len(h.seen) != 2 || h.seen[0].Thread != h.seen[1].Thread || h.seen[0].MessageID == h.seen[1].MessageID {
		t.Fatalf("questions = %+v: want two, in one thread, with distinct ids", h.seen)
	}
	for _, want := range []string{"⚠ offline", "re: second [1]", "[1] Doubao launch — Volcano Engine, 2024-05-15", "    https://example.com/d"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "never") {
		t.Error("read past exit")
	}
}

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestRenderGolden: the CLI's sources say which articles are our
// summaries (the built-in pack), in the answer's language; an article a
// user ingested names its source alone.
func TestRenderGolden(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	cites := []answer.Citation{
		{N: 1, Title: "火山方舟上线", URL: "https://www.volcengine.com/ark", Source: "火山引擎", Published: day("2023-06-28"), Summary: true, SourceKind: "announcement"},
		{N: 2, Title: "OpenAI raises $6.6 billion", URL: "https://openai.com/index/scale-the-benefits-of-ai/", Source: "OpenAI", Published: day("2024-10-02"), Summary: true, SourceKind: "announcement"},
		{N: 3, Title: "Reuters on the round", URL: "https://example.com/r", Source: "Reuters", Published: day("2024-10-03"), Summary: true, SourceKind: "report"},
		{N: 4, Title: "Our notes", Source: "Research desk", Published: day("2024-10-04")},
		{N: 5, Title: "回顾：火山方舟的模型阵容", Source: "鉅亨網", Published: day("2025-12-18"), Summary: true, SourceKind: "retrospective"},
	}
	var out bytes.Buffer
	for _, lang := range []string{"zh", "zh-Hant", "en"} {
		Render(&out, bot.Reply{Lang: lang, Text: lang + ": [1][2][3][4][5]", Citations: cites})
		out.WriteString("\n")
	}
	path := filepath.Join("testdata", "render_summary.golden.txt")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), out.String()); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}
