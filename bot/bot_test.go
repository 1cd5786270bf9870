package bot

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/marketbot/marketbot/rag/answer"
	"github.com/marketbot/marketbot/rag/store"
	"github.com/marketbot/marketbot/rag/store/ledger"
)

func TestParseCommand(t *testing.T) {
	for _, tc := range []struct {
		in   string
		cmd  command
		rest string
	}{
		{"火山方舟接入了哪些模型？", cmdAsk, "火山方舟接入了哪些模型？"},
		{"/ask What is Doubao?", cmdAsk, "What is Doubao?"},
		{"ask What is Doubao?", cmdAsk, "What is Doubao?"},
		{"/问 豆包多少钱", cmdAsk, "豆包多少钱"},
		{"/问豆包多少钱", cmdAsk, "豆包多少钱"},
		{"/help", cmdHelp, ""},
		{"帮助", cmdHelp, ""},
		{"/SOURCES", cmdSources, ""},
		{"/来源", cmdSources, ""},
		{"sources", cmdSources, ""},
		{"sources of DeepSeek's funding?", cmdAsk, "sources of DeepSeek's funding?"},
		{"/brief DeepSeek", cmdBrief, "DeepSeek"},
		{"/简报", cmdBrief, ""},
		{"/frobnicate now", cmdHelp, ""},
		{"prices DeepSeek 豆包", cmdPrices, "DeepSeek 豆包"},
		{"价格", cmdPrices, ""},
		{"/價格 豆包", cmdPrices, "豆包"},
		{"价格战是什么？", cmdAsk, "价格战是什么？"},
		{"  ", cmdAsk, ""},
	} {
		cmd, rest := parseCommand(tc.in)
		if cmd != tc.cmd || rest != tc.rest {
			t.Errorf("parseCommand(%q) = %v, %q; want %v, %q", tc.in, cmd, rest, tc.cmd, tc.rest)
		}
	}
}

// fakeAnswerer records what it is asked.
type fakeAnswerer struct {
	mu      sync.Mutex
	asked   []string
	history [][]ledger.Turn
	err     error
}

func (f *fakeAnswerer) Answer(_ context.Context, q string, history []ledger.Turn, onDelta func(string)) (answer.Answer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, q)
	f.history = append(f.history, history)
	if f.err != nil {
		return answer.Answer{}, f.err
	}
	if onDelta != nil {
		onDelta("partial")
	}
	return answer.Answer{Question: q, Standalone: "standalone: " + q, Lang: "en", Text: "answer to " + q + " [1]",
		Citations: []answer.Citation{{N: 1, Title: "T"}}}, nil
}

type fakeCorpus struct{}

func (fakeCorpus) Stats(context.Context) (store.Stats, error) {
	return store.Stats{Articles: 2, Chunks: 9, Oldest: time.Date(2023, 6, 28, 0, 0, 0, 0, time.UTC), Newest: time.Date(2025, 2, 13, 0, 0, 0, 0, time.UTC)}, nil
}
func (fakeCorpus) Newest(context.Context, int) ([]store.ArticleSummary, error) {
	return []store.ArticleSummary{{Title: "火山方舟上线DeepSeek", Source: "火山引擎", Published: time.Date(2025, 2, 13, 0, 0, 0, 0, time.UTC)}}, nil
}

func TestHandleRemembersThreads(t *testing.T) {
	now := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	fa := &fakeAnswerer{}
	b := New(fa, fakeCorpus{}, Options{Now: func() time.Time { return now }})
	ctx := context.Background()
	first := Question{Platform: "slack", Conversation: "C1", MessageID: "100.1", Text: "When was Doubao launched?"}
	var streamed string
	r := b.Handle(ctx, first, func(d string) { streamed += d })
	if r.Text != "answer to When was Doubao launched? [1]" || len(r.Citations) != 1 || streamed != "partial" {
		t.Fatalf("reply %+v, streamed %q", r, streamed)
	}
	// A reply in the thread of the first message continues it...
	b.Handle(ctx, Question{Platform: "slack", Conversation: "C1", Thread: "100.1", MessageID: "100.2", Text: "and its price?"}, nil)
	// ...a new top-level message does not.
	b.Handle(ctx, Question{Platform: "slack", Conversation: "C1", MessageID: "200.1", Text: "What is Kimi?"}, nil)
	want := [][]ledger.Turn{
		nil,
		{{Question: "standalone: When was Doubao launched?", Answer: "answer to When was Doubao launched? [1]"}},
		nil,
	}
	if d := cmp.Diff(want, fa.history); d != "" {
		t.Errorf("histories passed to the answerer (-want +got):\n%s", d)
	}
	// Threads are forgotten after a day of silence.
	now = now.Add(25 * time.Hour)
	b.Handle(ctx, Question{Platform: "slack", Conversation: "C1", Thread: "100.1", MessageID: "100.3", Text: "and later?"}, nil)
	if h := fa.history[len(fa.history)-1]; h != nil {
		t.Errorf("a day-old thread was remembered: %v", h)
	}
}

func TestHandleCommandsAndFailures(t *testing.T) {
	fa := &fakeAnswerer{}
	b := New(fa, fakeCorpus{}, Options{})
	ctx := context.Background()
	if r := b.Handle(ctx, Question{Text: "/sources"}, nil); !strings.Contains(r.Text, "2 articles") || !strings.Contains(r.Text, "火山方舟上线DeepSeek") {
		t.Errorf("sources = %q", r.Text)
	}
	if r := b.Handle(ctx, Question{Text: "/来源"}, nil); !strings.Contains(r.Text, "资料库共有 2 篇文章") {
		t.Errorf("Chinese sources = %q", r.Text)
	}
	if r := b.Handle(ctx, Question{Text: "/nope"}, nil); !strings.Contains(r.Text, "/ask") {
		t.Errorf("unknown command = %q, want help", r.Text)
	}
	if r := b.Handle(ctx, Question{Text: "/brief"}, nil); !strings.Contains(r.Text, "Briefings are not available") {
		t.Errorf("brief = %q", r.Text)
	}
	if len(fa.asked) != 0 {
		t.Errorf("commands reached the answerer: %q", fa.asked)
	}
	fa.err = errors.New("database is locked")
	r := b.Handle(ctx, Question{Text: "豆包多少钱？"}, nil)
	if !strings.Contains(r.Text, "抱歉") || strings.Contains(r.Text, "database") {
		t.Errorf("failure reply = %q: want an apology in the asker's language, without internals", r.Text)
	}
}

func TestMemoryIsBounded(t *testing.T) {
	ctx := context.Background()
	m := newMemory(2, 3, time.Now)
	for i, k := range []string{"a", "b", "a", "c"} {
		m.AddTurn(ctx, k, ledger.Turn{Question: string(rune('0' + i))})
	}
	if turns, _ := m.Turns(ctx, "b", 5, time.Hour); turns != nil {
		t.Error("the least recent thread was kept beyond the limit")
	}
	for range 5 {
		m.AddTurn(ctx, "a", ledger.Turn{Question: "x"})
	}
	if turns, _ := m.Turns(ctx, "a", 5, time.Hour); len(turns) != 3 {
		t.Errorf("thread keeps %d turns, want 3", len(turns))
	}
}
