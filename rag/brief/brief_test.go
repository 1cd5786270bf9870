package brief

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/answer"
	"github.com/marketbot/marketbot/rag/clocktest"
	"github.com/marketbot/marketbot/rag/llm"
	"github.com/marketbot/marketbot/rag/llm/llmtest"
	"github.com/marketbot/marketbot/rag/search"
	"github.com/marketbot/marketbot/rag/store"
	"github.com/marketbot/marketbot/rag/store/pgtest"
	"github.com/marketbot/marketbot/rag/store/storetest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestMain runs the tests with a shared PostgreSQL server, when installed.
func TestMain(m *testing.M) { pgtest.Main(m) }

// briefStore holds articles ingested at known times of a fake clock.
func briefStore(t *testing.T) (*store.Store, *clocktest.Clock) {
	t.Helper()
	clock := clocktest.New(time.Date(2025, 2, 13, 8, 0, 0, 0, time.UTC))
	st, err := store.Open(context.Background(), t.TempDir(), store.Options{Now: clock.Now})
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
	a := newWriter(t, st, nil, clock.Now)
	since := time.Date(2025, 2, 13, 8, 30, 0, 0, time.UTC) // after the old article was ingested
	b, err := a.Brief(context.Background(), Request{Since: since, Until: clock.Now(), Lang: "zh", Topics: []string{"Kimi"}, MaxItems: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Items) != 3 || !b.Fallback {
		t.Fatalf("items = %+v, want 3 stories (the two Ark articles merged), extractive", b.Items)
	}
	if !strings.Contains(b.Items[0].Text, "Kimi") {
		t.Errorf("the watched topic is not first: %q", b.Items[0].Text)
	}
	var ark Item
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
	empty, _ := a.Brief(context.Background(), Request{Since: clock.Now(), Lang: "en"})
	if !empty.Empty() || !strings.Contains(empty.Headline, "nothing new") {
		t.Errorf("empty briefing: %+v", empty)
	}
	only, _ := a.Brief(context.Background(), Request{Since: since, Lang: "en", Topics: []string{"DeepSeek"}, OnlyTopics: true})
	if len(only.Items) != 2 {
		t.Errorf("only DeepSeek: %d items, want the Ark story and Qwen2.5-Max (which names DeepSeek-V3)", len(only.Items))
	}
}

func TestBriefWrittenByTheModel(t *testing.T) {
	st, clock := briefStore(t)
	_, model := llmtest.NewChat(t, func(system, user string) (int, string) {
		if !strings.Contains(system, "market briefing") {
			return 500, "{}"
		}
		return 200, fmt.Sprintf("- Volcano Engine's Ark added DeepSeek-R1 on February 13, 2025.[%d]\n- Moonshot AI released Kimi k1.5 on January 20, 2025, with 2 million users.[%d]",
			llmtest.PassageNumber(user, "Volcano Engine added"), llmtest.PassageNumber(user, "Kimi k1.5"))
	})
	b, err := newWriter(t, st, model, clock.Now).Brief(context.Background(),
		Request{Since: time.Date(2025, 2, 13, 8, 30, 0, 0, time.UTC), Until: clock.Now(), Lang: "en", MaxItems: 2})
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
	a := newWriter(t, st, llm.New(llm.Config{BaseURL: srv.URL + "/v1", Model: "qwq"}), clock.Now)
	b, err := a.Brief(context.Background(), Request{Since: time.Date(2025, 2, 13, 8, 30, 0, 0, time.UTC), Until: clock.Now(), Lang: "en", MaxItems: 5})
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

// TestBriefedItemsAreNotBriefedAgain, on both backends: what a target was
// briefed is never briefed to it again unless it really changed, and then
// as an update; another target is not affected.
func TestBriefedItemsAreNotBriefedAgain(t *testing.T) {
	for name, opt := range map[string]func(t *testing.T) store.Options{
		"sqlite":   func(*testing.T) store.Options { return store.Options{} },
		"postgres": func(t *testing.T) store.Options { return store.Options{DatabaseURL: pgtest.Shared(t)} },
	} {
		t.Run(name, func(t *testing.T) {
			clock := clocktest.New(time.Date(2025, 7, 11, 8, 0, 0, 0, time.UTC))
			o := opt(t)
			o.Now = clock.Now
			st, err := store.Open(context.Background(), t.TempDir(), o)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			testBriefed(t, st, clock)
		})
	}
}

func testBriefed(t *testing.T, st *store.Store, clock *clocktest.Clock) {
	ctx := context.Background()
	start := clock.Now()
	kimi := corpus.Article{Path: "https://news.example/kimi-k2", URL: "https://news.example/kimi-k2", Title: "Moonshot AI open-sources Kimi K2",
		Source: "Test Wire", Lang: "en", Published: start,
		Text: "Moonshot AI open-sourced Kimi K2 on July 11, 2025, a mixture-of-experts model with 1 trillion parameters, 32 billion of them active. " +
			"The weights are on Hugging Face under a modified MIT licence, and the API charges 4 yuan per million input tokens."}
	qwen := corpus.Article{Path: "https://news.example/qwen3", URL: "https://news.example/qwen3", Title: "阿里发布通义千问Qwen3",
		Source: "测试通讯社", Lang: "zh", Published: start,
		Text: "阿里巴巴于2025年4月29日发布通义千问Qwen3系列模型，旗舰模型Qwen3-235B-A22B总参数2350亿，激活参数220亿，并以Apache 2.0协议开源。"}
	for _, a := range []corpus.Article{kimi, qwen} {
		if _, err := st.Put(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	a := newWriter(t, st, nil, clock.Now)
	brief := func(target string) Briefing {
		t.Helper()
		clock.Advance(time.Minute)
		b, err := a.Brief(ctx, Request{Since: start.Add(-time.Hour), Until: clock.Now(), Lang: "en", Target: target})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	first := brief("morning")
	if len(first.Items) != 2 || len(first.Covered) != 2 {
		t.Fatalf("first briefing: %d items, %d covered; want 2 and 2", len(first.Items), len(first.Covered))
	}
	if err := st.Ledger().RecordBriefed(ctx, "morning", first.Covered); err != nil {
		t.Fatal(err)
	}
	if b := brief("morning"); !b.Empty() {
		t.Errorf("briefed again: %q", b.Text())
	}
	if b := brief("evening"); len(b.Items) != 2 {
		t.Errorf("another target got %d items, want both", len(b.Items))
	}

	// Re-fetched with a cosmetic change (a trailing line, a typo fixed):
	// stored again, and so in the window again, but not news.
	cosmetic := kimi
	cosmetic.Text = strings.Replace(kimi.Text, "Hugging Face", "Hugging  Face", 1) + "\n\nShare this article."
	if out, err := st.Put(ctx, cosmetic); err != nil || out != store.Updated {
		t.Fatalf("Put cosmetic change: %v %v", out, err)
	}
	if b := brief("morning"); !b.Empty() {
		t.Errorf("a cosmetic change was briefed: %q", b.Text())
	}

	// A real change (a figure): briefed again, as an update.
	changed := kimi
	changed.Text = strings.Replace(kimi.Text, "4 yuan", "2 yuan", 1)
	if _, err := st.Put(ctx, changed); err != nil {
		t.Fatal(err)
	}
	b := brief("morning")
	if len(b.Items) != 1 || !b.Items[0].Update || !strings.HasPrefix(b.Items[0].Text, "Update: ") {
		t.Fatalf("changed price: %+v, want one item marked as an update", b.Items)
	}
	if err := st.Ledger().RecordBriefed(ctx, "morning", b.Covered); err != nil {
		t.Fatal(err)
	}
	if b := brief("morning"); !b.Empty() {
		t.Errorf("the update was briefed twice: %q", b.Text())
	}
	zh := brief("") // no target: an on-demand briefing covers everything
	if len(zh.Items) != 2 || zh.Items[0].Update || zh.Items[1].Update {
		t.Errorf("on-demand briefing: %+v", zh.Items)
	}
}

func TestSketchTellsRealChanges(t *testing.T) {
	base := "字节跳动发布豆包大模型，主力模型豆包通用模型pro-32k的推理输入价格为0.0008元/千Tokens，比行业价格低99.3%。火山引擎总裁谭待在发布会上表示，降价是为了让更多企业用上大模型。"
	s := newSketch("豆包大模型发布", base)
	for name, c := range map[string]struct {
		title, text string
		changed     bool
	}{
		"same":         {"豆包大模型发布", base, false},
		"punctuation":  {"豆包大模型发布", strings.ReplaceAll(base, "，", ", ") + " 责任编辑：张三", false},
		"new figure":   {"豆包大模型发布", strings.Replace(base, "0.0008", "0.0005", 1), true},
		"new title":    {"豆包大模型降价", base, true},
		"rewritten":    {"豆包大模型发布", "火山引擎宣布豆包大模型家族全面开放，企业客户可在火山方舟平台调用，价格为0.0008元/千Tokens，比行业价格低99.3%，首批客户包括招商银行、华泰证券和小米。", true},
		"figure added": {"豆包大模型发布", base + "上线首月，日均调用量达到1200亿Tokens。", true},
	} {
		got := s.changed(newSketch(c.title, c.text))
		if got != c.changed {
			t.Errorf("%s: changed = %v, want %v", name, got, c.changed)
		}
	}
	back, ok := parseSketch(s.String())
	if !ok || back.changed(s) || s.changed(back) {
		t.Errorf("sketch does not survive the store: %q", s.String())
	}
	for _, bad := range []string{"", "1;x;;zz", "2;a;b;" + strings.Repeat("00", 4*sketchSlots)} {
		if _, ok := parseSketch(bad); ok {
			t.Errorf("parseSketch(%q) accepted a malformed sketch", bad)
		}
	}
}

// BenchmarkBrief writes extractive briefings over n articles new in the
// window, all published the same day (the worst case for clustering: every
// pair is compared).
func BenchmarkBrief(b *testing.B) {
	for _, n := range []int{300, 3000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			src := b.TempDir()
			storetest.GenerateArticles(b, src, n)
			st, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "store"), store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			if _, err := store.Ingest(context.Background(), st, []string{src}, store.IngestOptions{}); err != nil {
				b.Fatal(err)
			}
			a := newWriter(b, st, nil, nil)
			for b.Loop() {
				br, err := a.Brief(context.Background(), Request{Lang: "en", Topics: []string{"vendor3"}})
				if err != nil || len(br.Items) != 8 {
					b.Fatalf("brief: %d items, %v", len(br.Items), err)
				}
			}
		})
	}
}

// newWriter is a briefing writer over st, with a searcher over it, on the
// clock now (nil: the system's).
func newWriter(t testing.TB, st *store.Store, model answer.ChatModel, now func() time.Time) *Writer {
	t.Helper()
	s, err := search.New(st, search.Config{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	w, err := New(st, st.Ledger(), s, model, Config{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return w
}
