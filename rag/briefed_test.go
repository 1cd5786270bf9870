package rag

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/clocktest"
	"github.com/marketbot/marketbot/rag/pgtest"
)

// TestBriefedItemsAreNotBriefedAgain, on both backends: what a target was
// briefed is never briefed to it again unless it really changed, and then
// as an update; another target is not affected.
func TestBriefedItemsAreNotBriefedAgain(t *testing.T) {
	for name, opt := range map[string]func(t *testing.T) Options{
		"sqlite":   func(*testing.T) Options { return Options{} },
		"postgres": func(t *testing.T) Options { return Options{DatabaseURL: pgtest.Shared(t)} },
	} {
		t.Run(name, func(t *testing.T) {
			clock := clocktest.New(time.Date(2025, 7, 11, 8, 0, 0, 0, time.UTC))
			o := opt(t)
			o.Now = clock.Now
			st, err := OpenStore(context.Background(), t.TempDir(), o)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			testBriefed(t, st, clock)
		})
	}
}

func testBriefed(t *testing.T, st *Store, clock *clocktest.Clock) {
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
	a := NewAnswerer(st, nil, AnswerOptions{})
	brief := func(target string) Briefing {
		t.Helper()
		clock.Advance(time.Minute)
		b, err := a.Brief(ctx, BriefRequest{Since: start.Add(-time.Hour), Until: clock.Now(), Lang: "en", Target: target})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	first := brief("morning")
	if len(first.Items) != 2 || len(first.Covered) != 2 {
		t.Fatalf("first briefing: %d items, %d covered; want 2 and 2", len(first.Items), len(first.Covered))
	}
	if err := st.RecordBriefed(ctx, "morning", first.Covered); err != nil {
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
	if out, err := st.Put(ctx, cosmetic); err != nil || out != Updated {
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
	if err := st.RecordBriefed(ctx, "morning", b.Covered); err != nil {
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
