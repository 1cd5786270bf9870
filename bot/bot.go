// Package bot is the platform-neutral bot: a Question in, a Reply out.
// It routes commands (ask, brief, sources, help), remembers each thread's
// conversation so that follow-ups are understood, and turns every failure
// into a short reply. Chat adapters (bot/slackbot, bot/feishubot,
// bot/terminal) turn platform events into Questions and render Replies; it
// imports no chat platform's package.
package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag"
)

// Question is a message addressed to the bot.
type Question struct {
	Platform     string // "slack", "feishu", "terminal"…
	Conversation string // channel or chat
	Thread       string // the thread it belongs to; "" for a top-level message
	MessageID    string
	User         string
	Text         string
}

// threadKey identifies the conversation a question continues: its thread,
// or the message itself when it starts one.
func (q Question) threadKey() string {
	t := q.Thread
	if t == "" {
		t = q.MessageID
	}
	return q.Platform + "\x00" + q.Conversation + "\x00" + t
}

// Reply is what the bot answers.
type Reply struct {
	Text      string // Markdown-ish: [n] markers, "> " quotes, "- " lists
	Citations []rag.Citation
	Notices   []string // one-line notices, shown above the text
	Fallback  bool     // an extractive answer
	NotFound  bool     // nothing in the corpus answers
	Lang      string   // "en", "zh" or "zh-Hant"
}

// Answerer answers questions from the corpus.
type Answerer interface {
	Answer(ctx context.Context, question string, history []rag.Turn, onDelta func(string)) (rag.Answer, error)
}

// Corpus tells what the corpus holds.
type Corpus interface {
	Stats(ctx context.Context) (rag.Stats, error)
	Newest(ctx context.Context, n int) ([]rag.ArticleSummary, error)
}

// Options configure a Bot.
type Options struct {
	Logger *slog.Logger // default: discard
	Now    func() time.Time
}

// Bot answers Questions.
type Bot struct {
	answerer Answerer
	corpus   Corpus
	memory   *memory
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
	return &Bot{answerer: a, corpus: c, memory: newMemory(10000, 5, 24*time.Hour, opt.Now), log: opt.Logger}
}

// Handle answers a question: a command, or a question for the corpus
// (with the thread's earlier turns as context). With onDelta set, an
// answer being written by the language model is streamed to it; the Reply
// is the final, checked answer. Handle always replies: failures become a
// short explanation, and their cause is logged.
func (b *Bot) Handle(ctx context.Context, q Question, onDelta func(string)) Reply {
	cmd, arg := parseCommand(q.Text)
	lang := corpus.DetectLang(q.Text)
	switch cmd {
	case cmdHelp:
		return Reply{Text: help(lang), Lang: lang}
	case cmdSources:
		return b.sources(ctx, lang)
	case cmdBrief:
		return Reply{Text: say(lang, briefLater), Lang: lang}
	}
	if strings.TrimSpace(arg) == "" {
		return Reply{Text: help(lang), Lang: lang}
	}
	key := q.threadKey()
	ans, err := b.answerer.Answer(ctx, arg, b.memory.turns(key), onDelta)
	if err != nil {
		b.log.Error("answer failed", "platform", q.Platform, "conversation", q.Conversation, "message", q.MessageID, "err", err)
		return Reply{Text: say(lang, failed), Lang: lang}
	}
	b.memory.add(key, rag.Turn{Question: ans.Standalone, Answer: ans.Text})
	return Reply{Text: ans.Text, Citations: ans.Citations, Notices: ans.Notices, Fallback: ans.Fallback, NotFound: ans.NotFound, Lang: ans.Lang}
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
	var newest []rag.ArticleSummary
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
		fmt.Fprintf(&s, "- %s · %s · %s\n", a.Title, a.Source, a.Published.Format(time.DateOnly))
	}
	return Reply{Text: strings.TrimSpace(s.String()), Lang: lang}
}
