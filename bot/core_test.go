package bot

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/marketbot/marketbot/rag/answer"
	"github.com/marketbot/marketbot/rag/prom"
	"github.com/marketbot/marketbot/rag/store"
	"github.com/marketbot/marketbot/rag/store/ledger"

	"github.com/google/go-cmp/cmp"
)

func openLedger(t *testing.T, dir string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestRepeatedDeliveriesAreAnsweredOnce(t *testing.T) {
	dir := t.TempDir()
	st := openLedger(t, dir)
	fa := &fakeAnswerer{}
	reg := prom.NewRegistry()
	b := New(fa, fakeCorpus{}, Options{Ledger: st.Ledger(), Metrics: NewMetrics(reg)})
	ctx := context.Background()
	q := Question{Platform: "slack", Conversation: "C1", MessageID: "1.1", EventID: "Ev1", User: "U1", Text: "What is Doubao?"}
	if !b.Claim(ctx, q) {
		t.Fatal("first delivery claimed as a repeat")
	}
	if r := b.Handle(ctx, q, nil); r.ID == "" {
		t.Fatalf("answer %+v has no id for feedback", r)
	}
	if b.Claim(ctx, q) {
		t.Error("retried delivery claimed again")
	}
	if n := b.metrics.events.WithLabelValues("slack", "duplicate").Value(); n != 1 {
		t.Errorf("duplicates counted: %v, want 1", n)
	}
	if n := strings.Count(reg.Text("marketbot_answer_seconds"), "marketbot_answer_seconds_count"); n != 1 {
		t.Errorf("answer outcomes: %d series, want 1 (answered)", n)
	}
	// The same message through another event (an app_mention and a message
	// event for one message), and after a restart: still a repeat.
	q2 := q
	q2.EventID = "Ev2"
	b2 := New(fa, fakeCorpus{}, Options{Ledger: openLedger(t, dir).Ledger()})
	if b2.Claim(ctx, q2) {
		t.Error("the same message via another event, after a restart, claimed again")
	}
	if q3 := (Question{Platform: "slack", Conversation: "C1", MessageID: "1.2", EventID: "Ev3"}); !b2.Claim(ctx, q3) {
		t.Error("a new message was taken for a repeat")
	}
	if err := b.Feedback(ctx, "x", "U1", 1); err != nil {
		t.Error(err)
	}
}

func TestAllowListsAndRateLimits(t *testing.T) {
	now := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	fa := &fakeAnswerer{}
	b := New(fa, fakeCorpus{}, Options{AllowChannels: []string{"C1"}, UserPerMinute: 2, UserBurst: 2, Now: func() time.Time { return now }})
	ctx := context.Background()
	if r := b.Handle(ctx, Question{Conversation: "C2", User: "U1", Text: "What is Kimi?"}, nil); !strings.Contains(r.Text, "not enabled") {
		t.Errorf("question from a channel outside the allow-list: %q", r.Text)
	}
	var limited int
	for i := range 4 {
		r := b.Handle(ctx, Question{Conversation: "C1", User: "U1", MessageID: string(rune('a' + i)), Text: "What is Kimi?"}, nil)
		if strings.Contains(r.Text, "faster than I can") {
			limited++
		}
	}
	if limited != 2 {
		t.Errorf("%d of 4 quick questions limited, want 2 (burst 2)", limited)
	}
	now = now.Add(time.Minute)
	if r := b.Handle(ctx, Question{Conversation: "C1", User: "U1", Text: "What is Kimi?"}, nil); strings.Contains(r.Text, "faster") {
		t.Error("still limited a minute later")
	}
	if r := b.Handle(ctx, Question{Conversation: "C1", User: "U2", Text: "/help"}, nil); !strings.Contains(r.Text, "/ask") {
		t.Errorf("help = %q", r.Text)
	}
}

func TestChannelSettings(t *testing.T) {
	now := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	briefer := &fakeBriefer{}
	b := New(&fakeAnswerer{}, fakeCorpus{}, Options{Briefer: briefer, UserPerMinute: -1, Now: func() time.Time { return now },
		Channels: map[string]Channel{"quiet": {PerMinute: 1, Burst: 1, Topics: []string{"火山方舟"}}}})
	ctx := context.Background()
	limited := func(channel string) (n int) {
		for range 3 {
			if r := b.Handle(ctx, Question{Conversation: channel, User: "U1", Text: "What is Kimi?"}, nil); strings.Contains(r.Text, "faster than I can") {
				n++
			}
		}
		return n
	}
	if n := limited("quiet"); n != 2 {
		t.Errorf("%d of 3 questions limited in a channel with burst 1, want 2", n)
	}
	if n := limited("busy"); n != 0 {
		t.Errorf("%d of 3 questions limited in a channel on the defaults (burst 10), want 0", n)
	}
	b.Handle(ctx, Question{Conversation: "quiet", Text: "/brief"}, nil)
	b.Handle(ctx, Question{Conversation: "quiet", Text: "/brief Kimi"}, nil)
	b.Handle(ctx, Question{Conversation: "busy", Text: "/brief"}, nil)
	got := [][]string{}
	for _, r := range briefer.reqs {
		got = append(got, r.Topics)
	}
	if want := [][]string{{"火山方舟"}, {"Kimi"}, nil}; !cmp.Equal(got, want) {
		t.Errorf("briefing topics: %s", cmp.Diff(want, got))
	}
}

// slowAnswerer blocks until released, counting answers running at once.
type slowAnswerer struct {
	release chan struct{}
	running atomic.Int32
	peak    atomic.Int32
}

func (s *slowAnswerer) Answer(ctx context.Context, q string, _ []ledger.Turn, _ func(string)) (answer.Answer, error) {
	n := s.running.Add(1)
	defer s.running.Add(-1)
	for {
		p := s.peak.Load()
		if n <= p || s.peak.CompareAndSwap(p, n) {
			break
		}
	}
	select {
	case <-s.release:
	case <-ctx.Done():
		return answer.Answer{}, ctx.Err()
	}
	return answer.Answer{Standalone: q, Text: "ok: " + q}, nil
}

func TestPool(t *testing.T) {
	sa := &slowAnswerer{release: make(chan struct{})}
	b := New(sa, fakeCorpus{}, Options{UserPerMinute: -1, ChannelPerMinute: -1})
	p := NewPool(b, 2, 2)
	var mu sync.Mutex
	var got []string
	deliver := func(r Reply) { mu.Lock(); got = append(got, r.Text); mu.Unlock() }
	// Two workers busy, two queued, the fifth is refused.
	var busy int
	for i := range 5 {
		err := p.Submit(Job{Question: Question{Conversation: "C", MessageID: string(rune('a' + i)), Text: "q" + string(rune('a'+i))}, Deliver: deliver})
		if errors.Is(err, ErrBusy) {
			busy++
		}
		time.Sleep(20 * time.Millisecond)
	}
	if busy != 1 {
		t.Errorf("%d submissions refused, want 1", busy)
	}
	close(sa.release)
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Errorf("delivered %d replies, want the 4 accepted", len(got))
	}
	if sa.peak.Load() > 2 {
		t.Errorf("%d answers ran at once with 2 workers", sa.peak.Load())
	}
	if err := p.Submit(Job{}); !errors.Is(err, ErrClosed) {
		t.Errorf("submit after shutdown: %v", err)
	}
}

func TestOneAnswerAtATimePerThread(t *testing.T) {
	sa := &slowAnswerer{release: make(chan struct{})}
	b := New(sa, fakeCorpus{}, Options{UserPerMinute: -1, ChannelPerMinute: -1})
	p := NewPool(b, 4, 8)
	for i := range 3 {
		p.Submit(Job{Question: Question{Conversation: "C", Thread: "T", MessageID: string(rune('a' + i)), Text: "q"}})
	}
	time.Sleep(100 * time.Millisecond)
	if n := sa.running.Load(); n != 1 {
		t.Errorf("%d answers running in one thread, want 1", n)
	}
	close(sa.release)
	p.Shutdown(context.Background())
}

func TestShutdownDeadlineCancelsAnswers(t *testing.T) {
	sa := &slowAnswerer{release: make(chan struct{})}
	b := New(sa, fakeCorpus{}, Options{})
	p := NewPool(b, 1, 1)
	var reply atomic.Value
	p.Submit(Job{Question: Question{Text: "q"}, Deliver: func(r Reply) { reply.Store(r.Text) }})
	time.Sleep(20 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := p.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("shutdown = %v, want the deadline", err)
	}
	if r, _ := reply.Load().(string); !strings.Contains(r, "Sorry") {
		t.Errorf("cancelled answer replied %q, want an apology", r)
	}
}
