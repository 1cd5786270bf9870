package bot

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/marketbot/marketbot/rag/prom"

	"github.com/robfig/cron/v3"

	"github.com/marketbot/marketbot/rag"
	"github.com/marketbot/marketbot/rag/clocktest"
)

type fakeBriefer struct {
	mu    sync.Mutex
	reqs  []rag.BriefRequest
	empty bool
}

func (f *fakeBriefer) Brief(_ context.Context, req rag.BriefRequest) (rag.Briefing, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reqs = append(f.reqs, req)
	b := rag.Briefing{Headline: "简报 " + req.Until.Format(time.RFC3339), Lang: req.Lang}
	if !f.empty {
		b.Items = []rag.BriefItem{{Text: "火山方舟上线DeepSeek-R1。[1]", Sources: 1}}
		b.Citations = []rag.Citation{{N: 1, Title: "火山方舟", URL: "https://news.example/ark"}}
	}
	return b, nil
}

type fakePoster struct {
	mu    sync.Mutex
	posts []string
	fails int // fail this many posts first
}

func (f *fakePoster) Post(_ context.Context, channel string, r Reply) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fails > 0 {
		f.fails--
		return "", errors.New("channel_not_found")
	}
	f.posts = append(f.posts, channel+": "+r.Text)
	return "thread-" + channel, nil
}

func (f *fakePoster) count() int { f.mu.Lock(); defer f.mu.Unlock(); return len(f.posts) }

// shanghai9 is a target posting at 09:00 Shanghai time every day.
func shanghai9(t *testing.T) Target {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	sched, _ := cron.ParseStandard("0 9 * * *")
	return Target{Name: "morning", Platform: "slack", Channel: "C1", Schedule: sched, Location: loc, Lang: "zh", Lookback: 24 * time.Hour}
}

// runScheduler starts a scheduler, waits until it has done its first pass
// and waits on the clock, and returns a stop function that waits for it
// to end.
func runScheduler(t *testing.T, s *Scheduler) (stop func()) {
	clock := s.Clock.(*clocktest.Clock)
	waiting := clock.Waiters()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	if !clock.WaitForWaiters(waiting+1, 5*time.Second) {
		t.Fatal("the scheduler is not waiting")
	}
	return func() {
		cancel()
		if c, ok := s.Clock.(*clocktest.Clock); ok {
			c.Advance(time.Second)
		}
		<-done
	}
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestSchedulerPostsEachRunOnce(t *testing.T) {
	st := openLedger(t, t.TempDir())
	target := shanghai9(t)
	clock := clocktest.New(time.Date(2025, 3, 3, 8, 59, 0, 0, target.Location))
	briefer, poster := &fakeBriefer{}, &fakePoster{}
	core := New(&fakeAnswerer{}, fakeCorpus{}, Options{})
	reg := prom.NewRegistry()
	s := &Scheduler{Targets: []Target{target}, Ledger: st, Briefer: briefer, Posters: map[string]Poster{"slack": poster}, Bot: core, Clock: clock, Metrics: NewMetrics(reg)}
	stop := runScheduler(t, s)
	if poster.count() != 0 {
		t.Fatal("posted before 09:00")
	}
	waiting := clock.Waiters()
	clock.Advance(time.Minute)
	waitUntil(t, "the 09:00 briefing", func() bool { return poster.count() == 1 })
	clock.WaitForWaiters(waiting, 5*time.Second)
	stop()
	if !strings.Contains(poster.posts[0], "C1: **简报 2025-03-03T09:00:00+08:00**") || !strings.Contains(poster.posts[0], "追问") {
		t.Errorf("post = %q", poster.posts[0])
	}
	if req := briefer.reqs[0]; !req.Since.Equal(req.Until.Add(-24*time.Hour)) || req.Lang != "zh" {
		t.Errorf("first briefing request = %+v, want the 24 h lookback", req)
	}
	if !core.KnowsThread(context.Background(), Question{Platform: "slack", Conversation: "C1", Thread: "thread-C1"}) {
		t.Error("the briefing's thread is not remembered for follow-ups")
	}
	want := `
# HELP marketbot_briefings_total Scheduled briefing runs by target and outcome: posted, skipped (nothing new), failed.
# TYPE marketbot_briefings_total counter
marketbot_briefings_total{outcome="posted",target="morning"} 1
`
	if diff := cmp.Diff(strings.TrimPrefix(want, "\n"), reg.Text("marketbot_briefings_total")); diff != "" {
		t.Errorf("metrics (-want +got):\n%s", diff)
	}

	// A restart five minutes later posts nothing again.
	clock.Advance(5 * time.Minute)
	stop = runScheduler(t, &Scheduler{Targets: []Target{target}, Ledger: st, Briefer: briefer, Posters: map[string]Poster{"slack": poster}, Clock: clock})
	stop()
	if poster.count() != 1 {
		t.Errorf("%d posts after a restart, want 1", poster.count())
	}

	// Down over the next 09:00, back at 10:30: the missed run is posted once,
	// covering what came since the last one.
	clock.Set(time.Date(2025, 3, 4, 10, 30, 0, 0, target.Location))
	stop = runScheduler(t, &Scheduler{Targets: []Target{target}, Ledger: st, Briefer: briefer, Posters: map[string]Poster{"slack": poster}, Clock: clock})
	waitUntil(t, "the caught-up briefing", func() bool { return poster.count() == 2 })
	stop()
	if last := briefer.reqs[len(briefer.reqs)-1]; !last.Since.Equal(time.Date(2025, 3, 3, 9, 0, 0, 0, target.Location)) {
		t.Errorf("caught-up run covers from %v, want the previous run's end", last.Since)
	}

	// Down for longer than the grace period: that run is not posted late.
	clock.Set(time.Date(2025, 3, 5, 20, 0, 0, 0, target.Location))
	stop = runScheduler(t, &Scheduler{Targets: []Target{target}, Ledger: st, Briefer: briefer, Posters: map[string]Poster{"slack": poster}, Clock: clock})
	stop()
	if poster.count() != 2 {
		t.Errorf("%d posts, want no post 11 hours late", poster.count())
	}
}

func TestSchedulerRetriesAndSkipsEmpty(t *testing.T) {
	st := openLedger(t, t.TempDir())
	target := shanghai9(t)
	clock := clocktest.New(time.Date(2025, 3, 3, 9, 0, 0, 0, target.Location))
	poster := &fakePoster{fails: 1}
	stop := runScheduler(t, &Scheduler{Targets: []Target{target}, Ledger: st, Briefer: &fakeBriefer{}, Posters: map[string]Poster{"slack": poster}, Clock: clock})
	if poster.count() != 0 {
		t.Fatal("the failing post counted")
	}
	clock.Advance(retryAfter)
	waitUntil(t, "the retried post", func() bool { return poster.count() == 1 })
	stop()

	// Nothing new: quiet, but the run counts, so the next one starts there.
	quiet := shanghai9(t)
	quiet.Name = "quiet"
	empty := &fakeBriefer{empty: true}
	stop = runScheduler(t, &Scheduler{Targets: []Target{quiet}, Ledger: st, Briefer: empty, Posters: map[string]Poster{"slack": poster}, Clock: clock})
	stop()
	if poster.count() != 1 {
		t.Errorf("an empty briefing was posted")
	}
	if last, ok, _ := st.LastBriefing(context.Background(), "quiet"); !ok || last.State != "skipped" {
		t.Errorf("empty run recorded as %+v", last)
	}
	quiet.PostWhenEmpty = true
	quiet.Name = "loud"
	stop = runScheduler(t, &Scheduler{Targets: []Target{quiet}, Ledger: st, Briefer: empty, Posters: map[string]Poster{"slack": poster}, Clock: clock})
	waitUntil(t, "the nothing-new post", func() bool { return poster.count() == 2 })
	stop()
}
