package rag

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/clocktest"
	"github.com/marketbot/marketbot/rag/llm"
	"github.com/marketbot/marketbot/rag/llm/llmtest"
)

// briefStore holds articles ingested at known times of a fake clock.
func briefStore(t *testing.T) (*Store, *clocktest.Clock) {
	t.Helper()
	clock := clocktest.New(time.Date(2025, 2, 13, 8, 0, 0, 0, time.UTC))
	st, err := OpenStore(context.Background(), t.TempDir(), Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	put := func(path, title, text, date, lang string) {
		a, err := corpus.Parse(path+".md", []byte(fmt.Sprintf("---\ntitle: %s\nurl: https://news.example/%s\npublished: %s\nsource: Wire %s\nlang: %s\n---\n\n%s\n", title, path, date, path, lang, text)))
		if err != nil {
			t.Fatal(err)
		}
		a.Path = "https://news.example/" + path
		if _, err := st.Put(context.Background(), a); err != nil {
			t.Fatal(err)
		}
	}
	put("old", "Baidu opens ERNIE Bot", "Baidu opened ERNIE Bot to the public on August 31, 2023.", "2023-08-31", "en")
	clock.Advance(time.Hour)
	put("ark-zh", "火山方舟上线DeepSeek-R1", "2025年2月13日，火山引擎的火山方舟上线DeepSeek-R1和DeepSeek-V3满血版，R1每百万输入tokens 4元。", "2025-02-13", "zh")
	put("ark-en", "Volcano Engine's Ark adds DeepSeek-R1", "Volcano Engine added DeepSeek-R1 and DeepSeek-V3 to its Ark platform on February 13, 2025.", "2025-02-13", "en")
	put("kimi", "Moonshot AI ships Kimi k1.5", "Moonshot AI released Kimi k1.5, a multimodal reasoning model, on January 20, 2025.", "2025-01-20", "en")
	put("qwen", "Alibaba releases Qwen2.5-Max", "Alibaba released Qwen2.5-Max on January 28, 2025, claiming it beats DeepSeek-V3 on several benchmarks.", "2025-01-28", "en")
	return st, clock
}

func TestBriefMergesStoriesAndRanksTopics(t *testing.T) {
	st, clock := briefStore(t)
	a := NewAnswerer(st, nil, AnswerOptions{})
	since := time.Date(2025, 2, 13, 8, 30, 0, 0, time.UTC) // after the old article was ingested
	b, err := a.Brief(context.Background(), BriefRequest{Since: since, Until: clock.Now(), Lang: "zh", Topics: []string{"Kimi"}, MaxItems: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Items) != 3 || !b.Fallback {
		t.Fatalf("items = %+v, want 3 stories (the two Ark articles merged), extractive", b.Items)
	}
	if !strings.Contains(b.Items[0].Text, "Kimi") {
		t.Errorf("the watched topic is not first: %q", b.Items[0].Text)
	}
	var ark BriefItem
	for _, it := range b.Items {
		if strings.Contains(it.Text, "火山方舟") || strings.Contains(it.Text, "Ark") {
			ark = it
		}
	}
	if ark.Sources != 2 || !strings.Contains(ark.Text, "2025-02-13") || strings.Count(ark.Text, "[") != 2 {
		t.Errorf("Ark story = %+v, want both articles cited, dated", ark)
	}
	for _, it := range b.Items {
		if strings.Contains(it.Text, "ERNIE") {
			t.Errorf("an article ingested before the window is in the briefing: %q", it.Text)
		}
	}
	if !strings.Contains(b.Headline, "3 条动态") || !strings.Contains(b.Headline, "Kimi") || len(b.Citations) != 4 {
		t.Errorf("headline %q, %d citations", b.Headline, len(b.Citations))
	}
	if txt := b.Text(); !strings.HasPrefix(txt, "**大模型市场简报") || strings.Count(txt, "\n- ") != 3 {
		t.Errorf("text:\n%s", txt)
	}
	empty, _ := a.Brief(context.Background(), BriefRequest{Since: clock.Now(), Lang: "en"})
	if !empty.Empty() || !strings.Contains(empty.Headline, "nothing new") {
		t.Errorf("empty briefing: %+v", empty)
	}
	only, _ := a.Brief(context.Background(), BriefRequest{Since: since, Lang: "en", Topics: []string{"DeepSeek"}, OnlyTopics: true})
	if len(only.Items) != 2 {
		t.Errorf("only DeepSeek: %d items, want the Ark story and Qwen2.5-Max (which names DeepSeek-V3)", len(only.Items))
	}
}

func TestBriefWrittenByTheModel(t *testing.T) {
	st, clock := briefStore(t)
	_, model := newFakeChat(t, func(system, user string) (int, string) {
		if !strings.Contains(system, "market briefing") {
			return 500, "{}"
		}
		return 200, fmt.Sprintf("- Volcano Engine's Ark added DeepSeek-R1 on February 13, 2025.[%d]\n- Moonshot AI released Kimi k1.5 on January 20, 2025, with 2 million users.[%d]",
			passageNumber(user, "Volcano Engine added"), passageNumber(user, "Kimi k1.5"))
	})
	b, err := NewAnswerer(st, model, AnswerOptions{}).Brief(context.Background(),
		BriefRequest{Since: time.Date(2025, 2, 13, 8, 30, 0, 0, time.UTC), Until: clock.Now(), Lang: "en", MaxItems: 2})
	if err != nil {
		t.Fatal(err)
	}
	if b.Fallback || len(b.Items) != 1 || !strings.Contains(b.Items[0].Text, "[1]") || len(b.Citations) != 1 || len(b.Notices) != 1 {
		t.Errorf("briefing = %+v: want the Ark line kept and the unsupported Kimi line dropped, with a notice", b)
	}
}

// TestReasoningNeverShowsInBriefings: a model that reasons before it
// writes the items leaves no trace of its reasoning in the briefing.
func TestReasoningNeverShowsInBriefings(t *testing.T) {
	st, clock := briefStore(t)
	srv := llmtest.ReasoningServer(t, llmtest.QuotingAnswer)
	a := NewAnswerer(st, llm.New(llm.Config{BaseURL: srv.URL + "/v1", Model: "qwq"}), AnswerOptions{})
	b, err := a.Brief(context.Background(), BriefRequest{Since: time.Date(2025, 2, 13, 8, 30, 0, 0, time.UTC), Until: clock.Now(), Lang: "en", MaxItems: 5})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, it := range b.Items {
		fmt.Fprintf(&out, "- %s\n", it.Text)
	}
	for _, c := range b.Citations {
		fmt.Fprintf(&out, "[%d] %s — %s, %s\n", c.N, c.Title, c.Source, c.Published.Format(time.DateOnly))
	}
	if b.Fallback || strings.Contains(out.String(), "think>") || strings.Contains(out.String(), "step by step") {
		t.Errorf("briefing (fallback %v) shows reasoning or was not written by the model:\n%s", b.Fallback, out.String())
	}
	golden := filepath.Join("testdata", "briefing_reasoning.golden")
	if *update {
		os.WriteFile(golden, []byte(out.String()), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if d := cmp.Diff(string(want), out.String()); d != "" {
		t.Errorf("briefing differs from %s (-want +got):\n%s", golden, d)
	}
}
