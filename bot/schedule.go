package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/marketbot/marketbot/rag/brief"
	"github.com/marketbot/marketbot/rag/store/ledger"
)

// Schedule tells when briefings are due; a parsed cron expression is one.
type Schedule interface {
	Next(t time.Time) time.Time
}

// Target is where and when briefings are posted, and what they cover.
type Target struct {
	Name          string
	Platform      string // "slack" or "feishu"
	Channel       string // Slack channel id or Feishu chat_id
	Schedule      Schedule
	Location      *time.Location // the schedule's time zone
	Lang          string
	Topics        []string
	Lookback      time.Duration // the first posted briefing's window; later ones start where the last posted one ended
	MaxItems      int
	PostWhenEmpty bool // post "nothing new" rather than stay quiet
	Chart         bool // attach the week's price chart when prices changed
}

// Charts draws the chart of the prices that changed in a window;
// *prices.Tables is one. ok is false when none changed.
type Charts interface {
	Chart(ctx context.Context, since, until time.Time) (png []byte, ok bool, err error)
}

// BriefingLedger keeps briefing runs and what they covered durable, so
// that restarts and replicas post each run once and no story twice.
type BriefingLedger interface {
	ClaimBriefing(ctx context.Context, r ledger.BriefingRun) (bool, error)
	FinishBriefing(ctx context.Context, target string, slot time.Time, state string) error
	LastBriefing(ctx context.Context, target string) (ledger.BriefingRun, bool, error)
	RecordBriefed(ctx context.Context, target string, items []ledger.BriefedItem) error
}

// Briefer writes briefings; *answer.Answerer is one.
type Briefer interface {
	Brief(ctx context.Context, req brief.Request) (brief.Briefing, error)
}

// Poster posts a message into a channel and returns the thread it starts,
// where readers can ask about it. Chat adapters are Posters.
type Poster interface {
	Post(ctx context.Context, channel string, r Reply) (thread string, err error)
}

// Scheduler posts each target's briefings on its schedule: runs are
// claimed in the ledger before anything is written, so a run is posted
// once across restarts and replicas; a run missed while the bot was down
// is posted when it comes back if still within Grace; a failed post is
// retried a few times within Grace.
type Scheduler struct {
	Targets []Target
	Ledger  BriefingLedger
	Briefer Briefer
	Posters map[string]Poster // by platform
	Bot     *Bot              // remembers posted briefings so that replies in their threads are follow-ups; optional
	Charts  Charts            // for targets that want charts; nil: none
	Clock   Clock             // default the system clock
	Grace   time.Duration     // default 6h
	Logger  *slog.Logger
	Metrics *Metrics // default: none
}

// Clock tells the time and waits; tests use a fake one.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// systemClock is the system's clock.
type systemClock struct{}

func (systemClock) Now() time.Time                         { return time.Now() }
func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// retryAfter is the wait before a failed run is tried again.
const retryAfter = 2 * time.Minute

// Run posts briefings until ctx ends.
func (s *Scheduler) Run(ctx context.Context) {
	clock, log, grace := s.clock(), s.log(), s.grace()
	// Per target: the slot to run next, when to try it, and how often it failed.
	type pending struct {
		slot, at time.Time
		attempts int
	}
	due := make([]pending, len(s.Targets))
	now := clock.Now()
	for i, t := range s.Targets {
		slot := t.Schedule.Next(now.In(t.Location))
		// The latest slot within the grace period, if any: missed while down.
		for at := t.Schedule.Next(now.Add(-grace).In(t.Location)); !at.After(now); at = t.Schedule.Next(at) {
			slot = at
		}
		due[i] = pending{slot: slot, at: slot}
	}
	for {
		now = clock.Now()
		wake := now.Add(24 * time.Hour)
		for i, t := range s.Targets {
			p := &due[i]
			if !p.at.After(now) {
				err := s.RunOnce(ctx, t, p.slot)
				if ctx.Err() != nil {
					return
				}
				switch {
				case err != nil && p.attempts < 3 && now.Sub(p.slot) < grace:
					log.Warn("briefing failed; will retry", "target", t.Name, "slot", p.slot, "err", err)
					p.attempts, p.at = p.attempts+1, now.Add(retryAfter)
				default:
					if err != nil {
						log.Error("briefing failed; giving up on this run", "target", t.Name, "slot", p.slot, "err", err)
					}
					// The next slot after now: slots passed while running are not run late.
					next := t.Schedule.Next(now.In(t.Location))
					*p = pending{slot: next, at: next}
				}
			}
			wake = minTime(wake, p.at)
		}
		select {
		case <-ctx.Done():
			return
		case <-clock.After(wake.Sub(clock.Now())):
		}
	}
}

// RunOnce runs one target's briefing for a slot: claim it, write it, post
// it (or, when nothing is new and the target stays quiet, skip it), and
// record the outcome. A run already claimed elsewhere is left alone. The
// window starts where the last posted briefing ended, or, before the
// first, the target's lookback before the slot: skipped and failed runs
// never move it.
func (s *Scheduler) RunOnce(ctx context.Context, t Target, slot time.Time) error {
	log := s.log().With("target", t.Name, "slot", slot)
	last, ok, err := s.Ledger.LastBriefing(ctx, t.Name)
	if err != nil {
		return err
	}
	since := slot.Add(-t.Lookback)
	if ok {
		since = last.Until
	}
	run := ledger.BriefingRun{Target: t.Name, Slot: slot, Since: since, Until: slot}
	claimed, err := s.Ledger.ClaimBriefing(ctx, run)
	if err != nil || !claimed {
		return err
	}
	state, err := s.post(ctx, t, run)
	if err != nil {
		state = "failed"
	}
	if ferr := s.Ledger.FinishBriefing(ctx, t.Name, slot, state); ferr != nil {
		return errors.Join(err, ferr)
	}
	log.Info("briefing run", "state", state)
	s.Metrics.briefing(t.Name, state)
	return err
}

func (s *Scheduler) post(ctx context.Context, t Target, run ledger.BriefingRun) (string, error) {
	poster := s.Posters[t.Platform]
	if poster == nil {
		return "", fmt.Errorf("no %s connection to post %s", t.Platform, t.Name)
	}
	b, err := s.Briefer.Brief(ctx, brief.Request{Since: run.Since, Until: run.Until, Lang: t.Lang, Topics: t.Topics,
		MaxItems: t.MaxItems, PublishedAfter: run.Since.Add(-7 * 24 * time.Hour), Target: t.Name})
	if err != nil {
		return "", err
	}
	if b.Empty() && !t.PostWhenEmpty {
		return "skipped", nil
	}
	r := BriefingReply(b)
	if t.Chart && s.Charts != nil && !b.Empty() {
		r.Image = s.chart(ctx, run.Until, t)
	}
	thread, err := poster.Post(ctx, t.Channel, r)
	if err != nil {
		return "", fmt.Errorf("post %s: %w", t.Name, err)
	}
	if err := s.Ledger.RecordBriefed(ctx, t.Name, b.Covered); err != nil {
		// Posted all the same: a run marked failed would be posted again.
		s.log().Error("could not record what a briefing covered; the next may repeat it", "target", t.Name, "err", err)
	}
	if s.Bot != nil && thread != "" {
		s.Bot.Remember(ctx, t.Platform, t.Channel, thread, ledger.Turn{Question: b.Headline, Answer: r.Text})
	}
	return "posted", nil
}

// chart is the week's price chart for a target's briefing; a briefing
// goes without one rather than not at all.
func (s *Scheduler) chart(ctx context.Context, until time.Time, t Target) *Image {
	img, err := WeekChart(ctx, s.Charts, until, t.Lang)
	if err != nil {
		s.log().Warn("could not draw the week's price chart; posting the briefing without it", "target", t.Name, "err", err)
	}
	return img
}

// WeekChart is the chart of the prices that changed in the week up to
// until, with its description in lang; nil when none changed.
func WeekChart(ctx context.Context, c Charts, until time.Time, lang string) (*Image, error) {
	png, ok, err := c.Chart(ctx, until.AddDate(0, 0, -7), until)
	if err != nil || !ok {
		return nil, err
	}
	alt := "API prices per million tokens over time, of the models whose prices changed this week"
	if strings.HasPrefix(lang, "zh") {
		alt = "本周价格有变动的模型的API价格走势（每百万tokens）"
	}
	return &Image{Name: "prices.png", PNG: png, Alt: alt}, nil
}

// BriefingReply is a briefing as a reply: its text, with a line inviting
// questions in its thread when it has stories.
func BriefingReply(b brief.Briefing) Reply {
	text := b.Text()
	if !b.Empty() {
		text += "\n\n" + say(b.Lang, askAbout)
	}
	return Reply{Text: text, Citations: b.Citations, Notices: b.Notices, Fallback: b.Fallback, Lang: b.Lang}
}

func (s *Scheduler) clock() Clock {
	if s.Clock == nil {
		return systemClock{}
	}
	return s.Clock
}

func (s *Scheduler) log() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

func (s *Scheduler) grace() time.Duration {
	if s.Grace <= 0 {
		return 6 * time.Hour
	}
	return s.Grace
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// Remember records a turn of a thread the bot started (a briefing), so
// that replies there are understood as follow-ups.
func (b *Bot) Remember(ctx context.Context, platform, conversation, thread string, t ledger.Turn) {
	b.remember(ctx, Question{Platform: platform, Conversation: conversation, Thread: thread}.threadKey(), t, b.log)
}
