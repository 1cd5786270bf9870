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
	"github.com/marketbot/marketbot/rag/brief"
	"github.com/marketbot/marketbot/rag/prom"
	"github.com/marketbot/marketbot/rag/store/ledger"

	"github.com/robfig/cron/v3"

	"github.com/marketbot/marketbot/rag/clocktest"
)

type fakeBriefer struct {
	mu    sync.Mutex
	reqs  []brief.Request
	empty bool
}

func (f *fakeBriefer) Brief(_ context.Context, req brief.Request) (brief.Briefing, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reqs = append(f.reqs, req)
	b := brief.Briefing{Headline: "简报 " + req.Until.Format(time.RFC3339), Lang: req.Lang}
	if !f.empty {
		b.Items = []brief.Item{{Text: "火山方舟上线DeepSeek-R1。[1]", Sources: 1}}
		b.Citations = []answer.Citation{{N: 1, Title: "火山方舟", URL: "https://news.example/ark"}}
	}
	return b, nil
}

func (f *fakeBriefer) NewestPublished(context.Context, string) (time.Time, error) {
	return time.Date(2025, 2, 13, 0, 0, 0, 0, time.UTC), nil
}

type fakePoster struct {
	mu     sync.Mutex
	posts  []string
	images []*Image
	fails  int // fail this many posts first
}

func (f *fakePoster) Post(_ context.Context, channel string, r Reply) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fails > 0 {
		f.fails--
		return "", errors.New("channel_not_found")
	}
	f.posts = append(f.posts, channel+": "+r.Text)
	f.images = append(f.images, r.Image)
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
	s := &Scheduler{Targets: []Target{target}, Ledger: st.Ledger(), Briefer: briefer, Posters: map[string]Poster{"slack": poster}, Bot: core, Clock: clock, Metrics: NewMetrics(reg)}
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
	stop = runScheduler(t, &Scheduler{Targets: []Target{target}, Ledger: st.Ledger(), Briefer: briefer, Posters: map[string]Poster{"slack": poster}, Clock: clock})
	stop()
	if poster.count() != 1 {
		t.Errorf("%d posts after a restart, want 1", poster.count())
	}

	// Down over the next 09:00, back at 10:30: the missed run is posted once,
	// covering what came since the last one.
	clock.Set(time.Date(2025, 3, 4, 10, 30, 0, 0, target.Location))
	stop = runScheduler(t, &Scheduler{Targets: []Target{target}, Ledger: st.Ledger(), Briefer: briefer, Posters: map[string]Poster{"slack": poster}, Clock: clock})
	waitUntil(t, "the caught-up briefing", func() bool { return poster.count() == 2 })
	stop()
	if last := briefer.reqs[len(briefer.reqs)-1]; !last.Since.Equal(time.Date(2025, 3, 3, 9, 0, 0, 0, target.Location)) {
		t.Errorf("caught-up run covers from %v, want the previous run's end", last.Since)
	}

	// Down for longer than the grace period: that run is not posted late.
	clock.Set(time.Date(2025, 3, 5, 20, 0, 0, 0, target.Location))
	stop = runScheduler(t, &Scheduler{Targets: []Target{target}, Ledger: st.Ledger(), Briefer: briefer, Posters: map[string]Poster{"slack": poster}, Clock: clock})
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
	stop := runScheduler(t, &Scheduler{Targets: []Target{target}, Ledger: st.Ledger(), Briefer: &fakeBriefer{}, Posters: map[string]Poster{"slack": poster}, Clock: clock})
	if poster.count() != 0 {
		t.Fatal("the failing post counted")
	}
	clock.Advance(retryAfter)
	waitUntil(t, "the retried post", func() bool { return poster.count() == 1 })
	stop()

	// Nothing new: quiet; the run is recorded (and not run again), but it
	// is not a briefing: the next one's window does not start there.
	quiet := shanghai9(t)
	quiet.Name = "quiet"
	empty := &fakeBriefer{empty: true}
	stop = runScheduler(t, &Scheduler{Targets: []Target{quiet}, Ledger: st.Ledger(), Briefer: empty, Posters: map[string]Poster{"slack": poster}, Clock: clock})
	stop()
	if poster.count() != 1 {
		t.Errorf("an empty briefing was posted")
	}
	if last, ok, _ := st.Ledger().LastBriefing(context.Background(), "quiet"); ok {
		t.Errorf("a skipped run counts as the last briefing: %+v", last)
	}
	if again, _ := st.Ledger().ClaimBriefing(context.Background(), ledger.BriefingRun{Target: "quiet", Slot: empty.reqs[0].Until}); again {
		t.Error("the skipped run can be claimed again")
	}
	quiet.PostWhenEmpty = true
	quiet.Name = "loud"
	stop = runScheduler(t, &Scheduler{Targets: []Target{quiet}, Ledger: st.Ledger(), Briefer: empty, Posters: map[string]Poster{"slack": poster}, Clock: clock})
	waitUntil(t, "the nothing-new post", func() bool { return poster.count() == 2 })
	stop()
}

// everyMinute is a target briefing every minute with a long lookback.
func everyMinute(name string) Target {
	sched, _ := cron.ParseStandard("* * * * *")
	return Target{Name: name, Platform: "slack", Channel: "C9", Schedule: sched, Location: time.UTC, Lang: "en", Lookback: 100000 * time.Hour}
}

// switchBriefer answers empty until told otherwise.
type switchBriefer struct {
	fakeBriefer
}

func (f *switchBriefer) setEmpty(v bool) { f.mu.Lock(); f.empty = v; f.mu.Unlock() }

func (f *switchBriefer) count() int { f.mu.Lock(); defer f.mu.Unlock(); return len(f.reqs) }

func (f *switchBriefer) last() brief.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reqs[len(f.reqs)-1]
}

// TestSkippedSlotsKeepTheWindow: started inside a minute, the slot just
// passed runs with nothing to say and is skipped; the first posted
// briefing still covers the whole lookback, and the next starts where it
// ended. Skipped slots, failed runs and runs missed past the grace period
// never move the window's start.
func TestSkippedSlotsKeepTheWindow(t *testing.T) {
	st := openLedger(t, t.TempDir())
	target := everyMinute("minutely")
	start := time.Date(2026, 1, 1, 23, 59, 6, 0, time.UTC)
	clock := clocktest.New(start)
	briefer := &switchBriefer{fakeBriefer{empty: true}}
	poster := &fakePoster{}
	s := &Scheduler{Targets: []Target{target}, Ledger: st.Ledger(), Briefer: briefer, Posters: map[string]Poster{"slack": poster}, Clock: clock, Grace: 10 * time.Minute}
	stop := runScheduler(t, s)
	slot := time.Date(2026, 1, 1, 23, 59, 0, 0, time.UTC)
	if r := briefer.last(); !r.Until.Equal(slot) || !r.Since.Equal(slot.Add(-target.Lookback)) || r.Target != "minutely" {
		t.Fatalf("the 23:59 slot asked %+v, want the lookback up to 23:59 for its target", r)
	}
	if poster.count() != 0 {
		t.Fatal("an empty slot was posted")
	}
	// 00:00: news. The window is still the lookback, not "since 23:59".
	briefer.setEmpty(false)
	waiting := clock.Waiters()
	clock.Advance(54 * time.Second)
	waitUntil(t, "the 00:00 briefing", func() bool { return poster.count() == 1 })
	clock.WaitForWaiters(waiting, 5*time.Second)
	midnight := slot.Add(time.Minute)
	if r := briefer.last(); !r.Since.Equal(midnight.Add(-target.Lookback)) {
		t.Errorf("first posted briefing covers from %v, want its lookback (%v)", r.Since, midnight.Add(-target.Lookback))
	}
	// 00:01 and 00:02: nothing new, skipped; 00:03 starts where 00:00 ended.
	briefer.setEmpty(true)
	for i := range 2 {
		waiting = clock.Waiters()
		clock.Advance(time.Minute)
		waitUntil(t, "the skipped run", func() bool { return briefer.count() == 3+i })
		clock.WaitForWaiters(waiting, 5*time.Second)
	}
	briefer.setEmpty(false)
	waiting = clock.Waiters()
	clock.Advance(time.Minute)
	waitUntil(t, "the 00:03 briefing", func() bool { return poster.count() == 2 })
	clock.WaitForWaiters(waiting, 5*time.Second)
	if r := briefer.last(); !r.Since.Equal(midnight) {
		t.Errorf("after two skipped slots the window starts at %v, want the last posted briefing's end (00:00)", r.Since)
	}
	stop()

	// A run that fails for good, and runs missed past the grace period,
	// leave the window where the last posted one ended (00:03).
	posted := midnight.Add(3 * time.Minute)
	poster.mu.Lock()
	poster.fails = 100
	poster.mu.Unlock()
	clock.Set(posted.Add(time.Minute + time.Second))
	stop = runScheduler(t, s)
	for range 3 {
		waiting = clock.Waiters()
		clock.Advance(retryAfter)
		clock.WaitForWaiters(waiting, 5*time.Second)
	}
	stop()
	poster.mu.Lock()
	poster.fails = 0
	poster.mu.Unlock()
	clock.Set(posted.Add(2 * time.Hour)) // down for longer than the grace period
	stop = runScheduler(t, s)
	waitUntil(t, "the briefing after the outage", func() bool { return poster.count() == 3 })
	stop()
	if r := briefer.last(); !r.Since.Equal(posted) {
		t.Errorf("after a failed run and an outage the window starts at %v, want %v", r.Since, posted)
	}
}

// fakeCharts draws a chart for weeks when it is told prices changed.
type fakeCharts struct{ changed bool }

func (f fakeCharts) Chart(_ context.Context, since, until time.Time) ([]byte, bool, error) {
	if until.Sub(since) != 7*24*time.Hour {
		return nil, false, errors.New("not a week")
	}
	return []byte("png"), f.changed, nil
}

// TestSchedulerAttachesTheWeeksChart: a target with chart set gets the
// week's price chart when prices changed, and none when they did not; a
// target without it never does.
func TestSchedulerAttachesTheWeeksChart(t *testing.T) {
	for _, tc := range []struct {
		name    string
		chart   bool
		changed bool
		want    bool
	}{{"changed", true, true, true}, {"unchanged", true, false, false}, {"not asked", false, true, false}} {
		t.Run(tc.name, func(t *testing.T) {
			target := shanghai9(t)
			target.Chart = tc.chart
			clock := clocktest.New(time.Date(2025, 3, 3, 8, 59, 0, 0, target.Location))
			poster := &fakePoster{}
			s := &Scheduler{Targets: []Target{target}, Ledger: openLedger(t, t.TempDir()).Ledger(), Briefer: &fakeBriefer{},
				Posters: map[string]Poster{"slack": poster}, Charts: fakeCharts{tc.changed}, Clock: clock}
			stop := runScheduler(t, s)
			clock.WaitForWaiters(1, 5*time.Second)
			clock.Advance(time.Minute)
			waitUntil(t, "the 09:00 briefing", func() bool { return poster.count() == 1 })
			stop()
			if got := poster.images[0] != nil && string(poster.images[0].PNG) == "png" && poster.images[0].Alt != ""; got != tc.want {
				t.Errorf("image %+v, want one: %v", poster.images[0], tc.want)
			}
		})
	}
}
