// Package bot is the platform-neutral bot: a Question in, a Reply out.
// It routes commands (ask, brief, sources, help), remembers each thread's
// conversation so that follow-ups are understood, and turns every failure
// into a short reply. Chat adapters (bot/slackbot, bot/feishubot,
// bot/terminal) turn platform events into Questions and render Replies; it
// imports no chat platform's package.
package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/marketbot/marketbot/bot/logctx"
	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/answer"
	"github.com/marketbot/marketbot/rag/brief"
	"github.com/marketbot/marketbot/rag/prices"
	"github.com/marketbot/marketbot/rag/store"
	"github.com/marketbot/marketbot/rag/store/ledger"
)

// Question is a message addressed to the bot.
type Question struct {
	Platform     string // "slack", "feishu", "terminal"…
	Conversation string // channel or chat
	Thread       string // the thread it belongs to; "" for a top-level message
	MessageID    string
	EventID      string // the platform's delivery id, for de-duplication
	User         string
	Text         string
	History      []ledger.Turn // earlier turns, when the platform supplies them; else the bot's memory
}

// threadKey identifies the conversation a question continues: its thread,
// or the message itself when it starts one.
func (q Question) threadKey() string {
	t := q.Thread
	if t == "" {
		t = q.MessageID
	}
	return q.Platform + "|" + q.Conversation + "|" + t // no NUL: PostgreSQL text cannot hold it
}

// Reply is what the bot answers.
type Reply struct {
	ID        string // the answer's id, for feedback; "" for commands and errors
	Text      string // Markdown-ish: [n] markers, "> " quotes, "- " lists
	Citations []answer.Citation
	Table     *answer.Table // shown after the text; nil for none
	Image     *Image        // attached to the message (a briefing's price chart); nil for none
	Notices   []string      // one-line notices, shown above the text
	Fallback  bool          // an extractive answer
	NotFound  bool          // nothing in the corpus answers
	Lang      string        // "en", "zh" or "zh-Hant"
}

// Image is a picture a reply carries: a PNG, its file name and what it
// shows (for readers who cannot see it).
type Image struct {
	Name string
	PNG  []byte
	Alt  string
	// Key is the platform's id of the image once uploaded (Feishu's
	// image_key), set by the adapter that uploads it.
	Key string
}

// Ledger keeps what must survive restarts and be shared by replicas: the
// deliveries handled, the answers given, the feedback on them.
type Ledger interface {
	MarkHandled(ctx context.Context, keys ...string) (first bool, err error)
	SaveAnswer(ctx context.Context, a ledger.AnswerRecord) error
	RecordFeedback(ctx context.Context, answerID, user string, vote int) error
}

// Threads remembers the turns of conversation threads, so that a reply in
// a thread is understood as a follow-up. The default is the bot's own
// memory, in the process; the store's is durable and shared by replicas.
type Threads interface {
	AddTurn(ctx context.Context, key string, t ledger.Turn) error
	Turns(ctx context.Context, key string, n int, ttl time.Duration) ([]ledger.Turn, error)
}

// A thread's last threadTurns turns are its context; it is forgotten
// after threadTTL of silence.
const (
	threadTurns = 5
	threadTTL   = 24 * time.Hour
)

// Answerer answers questions from the corpus.
type Answerer interface {
	Answer(ctx context.Context, question string, history []ledger.Turn, onDelta func(string)) (answer.Answer, error)
}

// Corpus tells what the corpus holds.
type Corpus interface {
	Stats(ctx context.Context) (store.Stats, error)
	Newest(ctx context.Context, n int) ([]store.ArticleSummary, error)
}

// PriceTables builds price tables; *prices.Tables is one.
type PriceTables interface {
	Table(ctx context.Context, q prices.Query) (prices.Table, error)
}

// OnDemandBriefer writes briefings when asked, over the week up to the
// newest article about the topic; *brief.Writer is one.
type OnDemandBriefer interface {
	Briefer
	NewestPublished(ctx context.Context, topic string) (time.Time, error)
}

// Options configure a Bot.
type Options struct {
	Logger *slog.Logger // default: discard
	Now    func() time.Time
	// Ledger de-duplicates deliveries and records answers and feedback;
	// nil does neither (the terminal).
	Ledger Ledger
	// Threads remembers threads' turns; default: in the process.
	Threads Threads
	// Briefer writes on-demand briefings ("brief [topic]"); nil turns the
	// command off.
	Briefer OnDemandBriefer
	// Prices builds the tables of the prices command ("prices [model…]");
	// nil turns it off.
	Prices PriceTables
	// AllowChannels and AllowUsers, when not empty, are the only
	// conversations and users the bot answers.
	AllowChannels, AllowUsers []string
	// Limits on questions: per user and per conversation, a rate (per
	// minute) and a burst. Zero values take the defaults (6 and 3 per
	// user, 30 and 10 per conversation); negative ones turn a limit off.
	UserPerMinute, UserBurst       float64
	ChannelPerMinute, ChannelBurst float64
	// Channels holds per-conversation settings, by channel or chat id.
	Channels map[string]Channel
	Metrics  *Metrics // default: none
}

// Channel is one conversation's settings.
type Channel struct {
	// PerMinute and Burst replace the per-conversation rate limit; zero
	// keeps the default, negative turns it off.
	PerMinute, Burst float64
	// Topics are what "brief" without a topic favours in this conversation.
	Topics []string
}

// Bot answers Questions. It is safe for concurrent use.
type Bot struct {
	answerer Answerer
	corpus   Corpus
	ledger   Ledger
	briefer  OnDemandBriefer
	prices   PriceTables
	memory   Threads
	threads  *keyedMutex
	users    *limiters
	channels *limiters
	chanLim  map[string]*limiters // conversations with their own rate limit
	chanTop  map[string][]string  // conversations' briefing topics
	allowCh  map[string]bool
	allowU   map[string]bool
	metrics  *Metrics
	now      func() time.Time
	log      *slog.Logger
}

// New returns a bot.
func New(a Answerer, c Corpus, opt Options) *Bot {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	set := func(xs []string) map[string]bool {
		m := map[string]bool{}
		for _, x := range xs {
			if x = strings.TrimSpace(x); x != "" {
				m[x] = true
			}
		}
		return m
	}
	chanLim, chanTop := map[string]*limiters{}, map[string][]string{}
	for id, c := range opt.Channels {
		if c.PerMinute != 0 || c.Burst != 0 {
			chanLim[id] = newLimiters(orDefault(c.PerMinute, orDefault(opt.ChannelPerMinute, 30)), orDefault(c.Burst, orDefault(opt.ChannelBurst, 10)), opt.Now)
		}
		chanTop[id] = c.Topics
	}
	memory := opt.Threads
	if memory == nil {
		memory = newMemory(10000, threadTurns, opt.Now)
	}
	return &Bot{
		chanLim: chanLim, chanTop: chanTop, metrics: opt.Metrics,
		answerer: a, corpus: c, ledger: opt.Ledger, briefer: opt.Briefer, prices: opt.Prices, log: opt.Logger, now: opt.Now,
		memory:   memory,
		threads:  newKeyedMutex(),
		users:    newLimiters(orDefault(opt.UserPerMinute, 6), orDefault(opt.UserBurst, 3), opt.Now),
		channels: newLimiters(orDefault(opt.ChannelPerMinute, 30), orDefault(opt.ChannelBurst, 10), opt.Now),
		allowCh:  set(opt.AllowChannels), allowU: set(opt.AllowUsers),
	}
}

func orDefault(v, d float64) float64 {
	if v == 0 {
		return d
	}
	return v
}

// Claim records that a delivery is being handled and reports whether it is
// the first time: a platform's retry, the same message delivered as two
// events, or a delivery after a restart returns false, and the adapter
// does nothing visible. It is keyed on the event id and on the message
// id, kept in the ledger for a day. Without a ledger every delivery is new.
func (b *Bot) Claim(ctx context.Context, q Question) bool {
	if b.ledger == nil {
		return true
	}
	var keys []string
	if q.EventID != "" {
		keys = append(keys, q.Platform+":event:"+q.EventID)
	}
	if q.MessageID != "" {
		keys = append(keys, q.Platform+":message:"+q.Conversation+":"+q.MessageID)
	}
	if len(keys) == 0 {
		return true
	}
	first, err := b.ledger.MarkHandled(ctx, keys...)
	if err != nil {
		// Answering twice is better than never.
		b.log.Error("de-duplication failed; answering anyway", "platform", q.Platform, "message", q.MessageID, "event", q.EventID, "err", err)
		return true
	}
	if !first {
		b.metrics.event(q.Platform, "duplicate")
		b.log.Info("repeated delivery ignored", "platform", q.Platform, "message", q.MessageID, "event", q.EventID)
	}
	return first
}

// Handle answers a question: a command, or a question for the corpus
// (with the thread's earlier turns as context). With onDelta set, an
// answer being written by the language model is streamed to it; the Reply
// is the final, checked answer. It always replies, failures included
// (their cause is logged with the ids, never the text or any token);
// adapters call Claim first to drop repeated deliveries.
func (b *Bot) Handle(ctx context.Context, q Question, onDelta func(string)) Reply {
	start := b.now()
	// Kept in the store as text: no NUL, valid UTF-8 (PostgreSQL refuses both).
	q.Text = strings.ToValidUTF8(strings.ReplaceAll(q.Text, "\x00", ""), "")
	lang := corpus.DetectLang(q.Text)
	ids := []any{"platform", q.Platform, "conversation", q.Conversation, "message", q.MessageID, "event", q.EventID}
	log := b.log.With(ids...)
	ctx = logctx.With(ctx, ids...)                        // for the lines logged while answering
	log.Debug("question", "user", q.User, "text", q.Text) // message text: debug level only
	if (len(b.allowCh) > 0 && !b.allowCh[q.Conversation]) || (len(b.allowU) > 0 && !b.allowU[q.User]) {
		log.Info("question from outside the allow-lists", "user", q.User)
		b.metrics.answered("not_allowed", b.now().Sub(start))
		return Reply{Text: say(lang, notAllowed), Lang: lang}
	}
	cmd, arg := parseCommand(q.Text)
	switch cmd {
	case cmdHelp:
		return Reply{Text: help(lang), Lang: lang}
	case cmdSources:
		return b.sources(ctx, lang)
	case cmdBrief:
		return b.brief(ctx, arg, b.chanTop[q.Conversation], lang, log)
	case cmdPrices:
		if w := strings.Fields(q.Text)[0]; !isASCII(w) {
			lang = corpus.DetectLang(w) // "价格 DeepSeek-V2" is asked in Chinese
		}
		return b.priceTable(ctx, arg, lang, log)
	}
	if strings.TrimSpace(arg) == "" {
		return Reply{Text: help(lang), Lang: lang}
	}
	channels := b.channels
	if l := b.chanLim[q.Conversation]; l != nil {
		channels = l
	}
	if !b.users.allow(q.Platform+":"+q.User) || !channels.allow(q.Platform+":"+q.Conversation) {
		log.Info("rate limited", "user", q.User)
		b.metrics.answered("rate_limited", b.now().Sub(start))
		return Reply{Text: say(lang, slowDown), Lang: lang}
	}
	// One answer at a time per thread, so a follow-up sees the turn before.
	key := q.threadKey()
	unlock := b.threads.lock(key)
	defer unlock()
	history := q.History
	if history == nil {
		history = b.turns(ctx, key, log)
	}
	ans, err := b.answerer.Answer(ctx, arg, history, onDelta)
	if err != nil {
		log.Error("answer failed", "err", err)
		b.metrics.answered("error", b.now().Sub(start))
		return Reply{Text: say(lang, failed), Lang: lang}
	}
	switch {
	case ans.NotFound:
		b.metrics.answered("not_found", b.now().Sub(start))
	case ans.Fallback:
		b.metrics.answered("fallback", b.now().Sub(start))
	default:
		b.metrics.answered("answered", b.now().Sub(start))
	}
	b.remember(ctx, key, ledger.Turn{Question: ans.Standalone, Answer: ans.Text}, log)
	r := Reply{Text: ans.Text, Citations: ans.Citations, Table: ans.Table, Notices: ans.Notices, Fallback: ans.Fallback, NotFound: ans.NotFound, Lang: ans.Lang}
	if b.ledger != nil && !ans.NotFound {
		r.ID = newID()
		err := b.ledger.SaveAnswer(ctx, ledger.AnswerRecord{ID: r.ID, Platform: q.Platform, Conversation: q.Conversation,
			Thread: q.Thread, User: q.User, Question: arg, Answer: ans.Text, Fallback: ans.Fallback, At: b.now()})
		if err != nil {
			log.Error("saving the answer failed; replying without feedback buttons", "err", err)
			r.ID = ""
		}
	}
	return r
}

// KnowsThread reports whether the bot (any replica of it, with durable
// Threads) has answered in q's thread recently, so that a reply there
// without a mention is a follow-up for it.
func (b *Bot) KnowsThread(ctx context.Context, q Question) bool {
	return q.Thread != "" && b.turns(ctx, q.threadKey(), b.log) != nil
}

// turns is a thread's context; a failure to read it is logged and the
// question answered without it.
func (b *Bot) turns(ctx context.Context, key string, log *slog.Logger) []ledger.Turn {
	turns, err := b.memory.Turns(ctx, key, threadTurns, threadTTL)
	if err != nil {
		log.Warn("could not read the thread's earlier turns; answering without them", "err", err)
	}
	return turns
}

// remember records a turn of a thread; a failure is logged.
func (b *Bot) remember(ctx context.Context, key string, t ledger.Turn, log *slog.Logger) {
	if err := b.memory.AddTurn(ctx, key, t); err != nil {
		log.Warn("could not remember the thread's turn", "err", err)
	}
}

// Feedback records a user's vote (+1 or -1) on an answer.
func (b *Bot) Feedback(ctx context.Context, answerID, user string, vote int) error {
	if b.ledger == nil {
		return nil
	}
	return b.ledger.RecordFeedback(ctx, answerID, user, vote)
}

// newID returns a random answer id.
func newID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// brief writes an on-demand briefing: the stories of the week up to the
// newest article (about topic, if given, else favouring the conversation's
// topics), so that it is useful even when the corpus is not fresh.
func (b *Bot) brief(ctx context.Context, topic string, favour []string, lang string, log *slog.Logger) Reply {
	if b.briefer == nil {
		return Reply{Text: say(lang, briefLater), Lang: lang}
	}
	if topic != "" {
		lang = corpus.DetectLang(topic)
	}
	newest, err := b.briefer.NewestPublished(ctx, topic)
	if err != nil {
		log.Error("briefing failed", "err", err)
		return Reply{Text: say(lang, failed), Lang: lang}
	}
	req := brief.Request{PublishedAfter: newest.AddDate(0, 0, -7), Until: b.now(), Lang: lang, MaxItems: 6, WithBuiltin: true}
	if topic != "" {
		req.Topics, req.OnlyTopics = []string{topic}, true
	} else {
		req.Topics = favour
	}
	br, err := b.briefer.Brief(ctx, req)
	if err != nil {
		log.Error("briefing failed", "err", err)
		return Reply{Text: say(lang, failed), Lang: lang}
	}
	return BriefingReply(br)
}

// priceTable answers the prices command: the latest prices of the models
// named (all when none is), with their sources.
func (b *Bot) priceTable(ctx context.Context, names, lang string, log *slog.Logger) Reply {
	if b.prices == nil {
		return Reply{Text: help(lang), Lang: lang}
	}
	var q prices.Query
	if names = strings.TrimSpace(names); names != "" {
		q.Models = []string{names}
	}
	t, err := b.prices.Table(ctx, q)
	if err != nil {
		log.Error("price table failed", "err", err)
		return Reply{Text: say(lang, failed), Lang: lang}
	}
	text, table, cites := answer.PriceTable(t, lang)
	return Reply{Text: text, Table: table, Citations: cites, Lang: lang}
}

// Ask answers a question without command parsing or memory.
func (b *Bot) Ask(ctx context.Context, question string) Reply {
	return b.Handle(ctx, Question{Platform: "cli", Text: "/ask " + question}, nil)
}

func (b *Bot) sources(ctx context.Context, lang string) Reply {
	st, err := b.corpus.Stats(ctx)
	if err == nil && st.Articles == 0 {
		return Reply{Text: say(lang, emptyCorpus), Lang: lang}
	}
	var newest []store.ArticleSummary
	if err == nil {
		newest, err = b.corpus.Newest(ctx, 5)
	}
	if err != nil {
		b.log.Error("sources failed", "err", err)
		return Reply{Text: say(lang, failed), Lang: lang}
	}
	var s strings.Builder
	fmt.Fprintf(&s, say(lang, corpusHolds), st.Articles, st.Chunks, st.Oldest.Format(time.DateOnly), st.Newest.Format(time.DateOnly))
	s.WriteString("\n")
	for _, a := range newest {
		fmt.Fprintf(&s, "- %s · %s · %s\n", a.Title, a.Attribution(lang), a.Published.Format(time.DateOnly))
	}
	return Reply{Text: strings.TrimSpace(s.String()), Lang: lang}
}
