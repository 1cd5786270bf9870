// Package slackbot is the Slack adapter: it receives mentions, direct
// messages, thread follow-ups, slash commands and button clicks through
// the HTTP Events API (with signing-secret verification) or Socket Mode,
// acknowledges at once, hands questions to the bot core's queue, and posts
// the answers in the asking thread as Block Kit, streamed into a
// placeholder message.
package slackbot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/marketbot/marketbot/bot"
	"github.com/marketbot/marketbot/corpus"
)

// Config configures the adapter. Tokens come from the environment (see
// cmd/marketbot) and are never logged.
type Config struct {
	BotToken      string // xoxb-…
	SigningSecret string // HTTP mode: verifies every request
	AppToken      string // xapp-…: Socket Mode when set
	APIURL        string // Slack Web API base URL; default Slack's
	HTTPClient    *http.Client
	Logger        *slog.Logger
	// Placeholder is the text posted while an answer is prepared, e.g.
	// "Searching 1,234 articles…"; nil: a reaction instead.
	Placeholder func(ctx context.Context, lang string) string
	// UpdateEvery is the least time between two edits of a streaming
	// answer (Slack allows about one per second per message); default 1.2s.
	UpdateEvery time.Duration
	Metrics     *bot.Metrics // default: none
	// Intake is where deliveries are noted and answers started, shared
	// with the other platforms; default: every answer starts at once.
	Intake *bot.Intake
}

// Core is what the adapter needs from the bot core.
type Core interface {
	Claim(ctx context.Context, q bot.Question) bool
	KnowsThread(ctx context.Context, q bot.Question) bool
	Feedback(ctx context.Context, answerID, user string, vote int) error
}

// Queue takes questions to answer.
type Queue interface {
	Submit(j bot.Job) error
}

// Adapter connects one Slack app to the bot.
type Adapter struct {
	api       *slack.Client
	cfg       Config
	core      Core
	queue     Queue
	log       *slog.Logger
	botUser   atomic.Pointer[string] // the bot's user id, once connected
	webhook   *http.Client
	wg        sync.WaitGroup // goroutines that answer after an ack
	ctx       context.Context
	cancel    context.CancelFunc
	connected atomic.Bool // Socket Mode: connected to Slack
}

// Ready reports whether the adapter can receive events: always over HTTP,
// while connected in Socket Mode.
func (a *Adapter) Ready() bool { return a.cfg.AppToken == "" || a.connected.Load() }

// New checks the bot token with auth.test and returns an adapter. To
// receive events, it then needs Routes (with a signing secret) or
// RunSocketMode (with an app token); posting needs neither.
func New(ctx context.Context, cfg Config, core Core, queue Queue) (*Adapter, error) {
	a, err := Open(cfg, core, queue)
	if err != nil {
		return nil, err
	}
	if err := a.Connect(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

// Open returns an adapter that has not talked to Slack yet: Connect
// checks the token; until then its routes answer events with 503, which
// Slack delivers again later.
func Open(cfg Config, core Core, queue Queue) (*Adapter, error) {
	if cfg.BotToken == "" {
		return nil, errors.New("slack: SLACK_BOT_TOKEN is not set")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.UpdateEvery <= 0 {
		cfg.UpdateEvery = 1200 * time.Millisecond
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	actx, cancel := context.WithCancel(context.Background())
	return &Adapter{api: newClient(cfg), cfg: cfg, core: core, queue: queue, log: cfg.Logger.With("platform", "slack"),
		webhook: cfg.HTTPClient, ctx: actx, cancel: cancel}, nil
}

// refusals are the auth.test errors that mean the token itself is bad;
// anything else (no network, 5xx, 429) may pass.
var refusals = map[string]bool{"invalid_auth": true, "not_authed": true, "account_inactive": true, "token_revoked": true, "token_expired": true}

// Connect checks the bot token with auth.test and learns the bot's user
// id. A token Slack refuses is a *bot.RefusedError; an unreachable API is
// any other error.
func (a *Adapter) Connect(ctx context.Context) error {
	auth, err := a.api.AuthTestContext(ctx)
	if err != nil {
		return fmt.Errorf("slack: %w", authError(err))
	}
	a.botUser.Store(&auth.UserID)
	return nil
}

// authError says what a failed auth.test means: a refused token (a
// *bot.RefusedError), or a Slack API that cannot be reached now.
func authError(err error) error {
	if resp, ok := errors.AsType[slack.SlackErrorResponse](err); ok && refusals[resp.Err] {
		return &bot.RefusedError{Err: fmt.Errorf("check the bot token (auth.test): %w", err)}
	}
	return fmt.Errorf("the Slack API is not available (auth.test): %w", err)
}

// botUserID is the bot's own user id, "" until connected.
func (a *Adapter) botUserID() string {
	if id := a.botUser.Load(); id != nil {
		return *id
	}
	return ""
}

// newClient is the Web API client for cfg's tokens. Slack answers 429
// with Retry-After when posting too fast (about one message a second per
// channel): it waits and retries.
func newClient(cfg Config) *slack.Client {
	opts := []slack.Option{slack.OptionHTTPClient(cfg.HTTPClient), slack.OptionRetry(3)}
	if cfg.APIURL != "" {
		u := cfg.APIURL
		if !strings.HasSuffix(u, "/") {
			u += "/" // slack-go joins method names onto it
		}
		opts = append(opts, slack.OptionAPIURL(u))
	}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}
	return slack.New(cfg.BotToken, opts...)
}

// Close waits for answers being posted, up to ctx's deadline.
func (a *Adapter) Close(ctx context.Context) error {
	done := make(chan struct{})
	go func() { a.wg.Wait(); close(done) }()
	select {
	case <-done:
		a.cancel()
		return nil
	case <-ctx.Done():
		a.cancel()
		return ctx.Err()
	}
}

// event is what the adapter takes from an Events API callback.
func (a *Adapter) event(eventID string, inner any) {
	var q bot.Question
	var threadTS string
	switch ev := inner.(type) {
	case *slackevents.AppMentionEvent:
		if ev.BotID != "" || ev.User == a.botUserID() || ev.User == "" {
			return
		}
		q = bot.Question{Conversation: ev.Channel, Thread: ev.ThreadTimeStamp, MessageID: ev.TimeStamp, User: ev.User, Text: a.plain(ev.Text)}
		threadTS = ev.ThreadTimeStamp
		if threadTS == "" {
			threadTS = ev.TimeStamp
		}
	case *slackevents.MessageEvent:
		// Edits, deletions, joins and bot posts carry a subtype; the bot's
		// own messages carry its user or bot id.
		if ev.SubType != "" || ev.BotID != "" || ev.User == a.botUserID() || ev.User == "" {
			return
		}
		q = bot.Question{Conversation: ev.Channel, Thread: ev.ThreadTimeStamp, MessageID: ev.TimeStamp, User: ev.User, Text: a.plain(ev.Text)}
		threadTS = ev.ThreadTimeStamp
		if threadTS == "" {
			threadTS = ev.TimeStamp
		}
		switch {
		case ev.ChannelType == "im":
		case strings.Contains(ev.Text, "<@"+a.botUserID()+">"):
			return // answered as an app_mention
		case ev.ThreadTimeStamp != "" && a.core.KnowsThread(a.ctx, withPlatform(q)):
			// A follow-up in a thread the bot answered, without a mention.
		default:
			return
		}
	default:
		return
	}
	q.Platform, q.EventID = "slack", eventID
	a.answer(q, threadTS)
}

func withPlatform(q bot.Question) bot.Question { q.Platform = "slack"; return q }

// later runs f, the work that follows an acknowledgement (reading the
// event, claiming it, the placeholder, queueing the question), in the
// background when the intake lets it.
func (a *Adapter) later(f func()) {
	a.wg.Go(func() { a.cfg.Intake.Run(a.ctx, f) })
}

// answer claims a question, shows a placeholder and queues it.
func (a *Adapter) answer(q bot.Question, threadTS string) {
	ctx := a.ctx
	if !a.core.Claim(ctx, q) {
		return
	}
	log := a.log.With("conversation", q.Conversation, "message", q.MessageID, "event", q.EventID)
	p := newPost(a, log, q.Conversation, threadTS, corpus.DetectLang(q.Text))
	p.start(ctx, q)
	err := a.queue.Submit(bot.Job{Question: q, Stream: p.live.Write, Deliver: func(r bot.Reply) { p.finish(ctx, r) }})
	if err != nil {
		log.Warn("queue full; told the user", "err", err)
		p.finish(ctx, bot.Reply{Text: bot.Busy(q.Text)})
	}
}

// post is one answer's message: a placeholder, edited as the answer
// streams, then replaced by the final reply.
type post struct {
	a        *Adapter
	log      *slog.Logger
	channel  string
	threadTS string
	lang     string
	live     *bot.LiveMessage

	mu sync.Mutex
	ts string // the placeholder's timestamp; "" if none
}

func newPost(a *Adapter, log *slog.Logger, channel, threadTS, lang string) *post {
	p := &post{a: a, log: log, channel: channel, threadTS: threadTS, lang: lang}
	p.live = bot.NewLiveMessage(a.cfg.UpdateEvery, p.progress)
	return p
}

func (p *post) start(ctx context.Context, q bot.Question) {
	if p.a.cfg.Placeholder == nil {
		if err := p.a.api.AddReactionContext(ctx, "eyes", slack.NewRefToMessage(q.Conversation, q.MessageID)); err != nil {
			p.log.Warn("could not add a reaction", "err", err)
		}
		return
	}
	m := RenderPlaceholder(p.a.cfg.Placeholder(ctx, p.lang))
	_, ts, err := p.a.api.PostMessageContext(ctx, p.channel, slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...), slack.MsgOptionTS(p.threadTS))
	if err != nil {
		p.log.Warn("could not post a placeholder", "err", err)
		return
	}
	p.mu.Lock()
	p.ts = ts
	p.mu.Unlock()
}

// progress shows the answer written so far in the placeholder.
func (p *post) progress(text string) {
	p.mu.Lock()
	ts := p.ts
	p.mu.Unlock()
	if ts == "" {
		return
	}
	m := RenderProgress(text, p.lang)
	if _, _, _, err := p.a.api.UpdateMessageContext(p.a.ctx, p.channel, ts, slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...)); err != nil {
		p.log.Warn("could not update the streaming answer", "err", err)
	}
}

// finish shows the final reply: in place of the placeholder when there is
// one, else as a new message in the thread; as plain text if Slack
// refuses the blocks. A failure to post is logged: there is no one else to
// tell.
func (p *post) finish(ctx context.Context, r bot.Reply) {
	p.live.Stop() // a streaming edit in flight lands first: it cannot overwrite the answer
	p.mu.Lock()
	ts := p.ts
	p.mu.Unlock()
	m := Render(r, r.ID)
	send := func(opts ...slack.MsgOption) error {
		if ts != "" {
			_, _, _, err := p.a.api.UpdateMessageContext(ctx, p.channel, ts, opts...)
			return err
		}
		_, _, err := p.a.api.PostMessageContext(ctx, p.channel, append(opts, slack.MsgOptionTS(p.threadTS))...)
		return err
	}
	err := send(slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...))
	if err != nil {
		p.log.Warn("Slack refused the answer's blocks; sending plain text", "err", err)
		err = send(slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks())
	}
	if err != nil {
		p.log.Error("could not post the answer", "err", err)
	}
}

var (
	slackLink    = regexp.MustCompile(`<(https?://[^|>]+)\|([^>]+)>`)
	slackURL     = regexp.MustCompile(`<(https?://[^|>]+)>`)
	slackChannel = regexp.MustCompile(`<#[A-Z0-9]+\|([^>]*)>`)
	slackMention = regexp.MustCompile(`<[@!][^>]*>`)
)

// plain turns Slack's message markup into the text a user typed: the bot's
// mention dropped, links to their text, channels to their names.
func (a *Adapter) plain(text string) string {
	text = slackLink.ReplaceAllString(text, "$2")
	text = slackURL.ReplaceAllString(text, "$1")
	text = slackChannel.ReplaceAllString(text, "#$1")
	text = slackMention.ReplaceAllString(text, "")
	text = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(text)
	return strings.TrimSpace(text)
}

// Post posts a message (a briefing) into a channel and returns its
// timestamp, which is the thread where readers can ask about it.
func (a *Adapter) Post(ctx context.Context, channel string, r bot.Reply) (string, error) {
	m := Render(r, r.ID)
	_, ts, err := a.api.PostMessageContext(ctx, channel, slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...))
	if err != nil {
		a.log.Warn("Slack refused the blocks; posting plain text", "channel", channel, "err", err)
		_, ts, err = a.api.PostMessageContext(ctx, channel, slack.MsgOptionText(m.Text, false))
	}
	if err != nil {
		return "", fmt.Errorf("slack: post to %s: %w", channel, err)
	}
	if img := r.Image; img != nil {
		// In the message's thread, through the files upload v2 API; the
		// message stands without it if Slack refuses.
		_, err := a.api.UploadFileContext(ctx, slack.UploadFileParameters{Channel: channel, ThreadTimestamp: ts,
			Reader: bytes.NewReader(img.PNG), FileSize: len(img.PNG), Filename: img.Name, Title: img.Alt, AltTxt: img.Alt})
		if err != nil {
			a.log.Warn("could not attach the image", "channel", channel, "err", err)
		}
	}
	return ts, nil
}
