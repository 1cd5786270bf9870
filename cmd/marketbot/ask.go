package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/marketbot/marketbot/bot"
	"github.com/marketbot/marketbot/bot/terminal"
	"github.com/marketbot/marketbot/rag/answer"
	"github.com/marketbot/marketbot/rag/llm"
	"github.com/marketbot/marketbot/rag/store"
)

// chatModel is the language model the endpoint's settings configure, or
// nil (extractive answers) when none is set.
func (e *environment) chatModel() (answer.ChatModel, error) {
	ep, err := e.endpoint()
	if err != nil || !ep.on {
		return nil, err
	}
	cfg := llm.Config{BaseURL: ep.baseURL, APIKey: ep.key, Model: ep.chatModel(e.getenv("MARKETBOT_CHAT_MODEL")),
		Provider: ep.provider.Name, Thinking: ep.thinking, Timeout: ep.timeout()}
	if v := e.getenv("MARKETBOT_LLM_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("MARKETBOT_LLM_TIMEOUT=%q: want a duration such as 20s", v)
		}
		cfg.Timeout = d
	}
	if v := e.getenv("MARKETBOT_LLM_RETRIES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("MARKETBOT_LLM_RETRIES=%q: want a number of retries such as 2", v)
		}
		cfg.MaxRetries = n
		if n == 0 {
			cfg.MaxRetries = -1
		}
	}
	return llm.New(cfg), nil
}

// newBot opens the store (seeding it when empty) and returns the bot over
// it; close the store when done.
func (e *environment) newBot(ctx context.Context, dataDir string) (*bot.Bot, *store.Store, error) {
	model, err := e.chatModel()
	if err != nil {
		return nil, nil, err
	}
	st, err := e.openStore(ctx, dataDir, true)
	if err != nil {
		return nil, nil, err
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	eng, err := e.wire(st, model, log, nil)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	// One person at a terminal, or a script piping questions, is limited by
	// the model, not by the chat platforms' rate limits.
	return bot.New(eng.answers, st, bot.Options{Logger: log, Briefer: eng.briefs, Prices: eng.prices,
		UserPerMinute: -1, UserBurst: -1, ChannelPerMinute: -1, ChannelBurst: -1}), st, nil
}

func (e *environment) ask(ctx context.Context, args []string) error {
	fs, dataDir := e.flags("ask")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	q, err := question(pos)
	if err != nil {
		return err
	}
	b, st, err := e.newBot(ctx, *dataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	reply := b.Ask(ctx, q)
	if *asJSON {
		return writeAnswerJSON(e.stdout, reply)
	}
	terminal.Render(e.stdout, reply)
	return nil
}

func (e *environment) chat(ctx context.Context, args []string) error {
	fs, dataDir := e.flags("chat")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageError{"chat takes no arguments: type questions once it starts"}
	}
	b, st, err := e.newBot(ctx, *dataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	return terminal.Run(ctx, e.stdin, e.stdout, b)
}

// answerJSON is the contract of "ask --json".
type answerJSON struct {
	Answer    string         `json:"answer"`
	Citations []citationJSON `json:"citations"`
	Fallback  bool           `json:"fallback"`
}

type citationJSON struct {
	N         int        `json:"n"`
	Title     string     `json:"title"`
	URL       string     `json:"url"`
	Source    string     `json:"source"`
	Summary   bool       `json:"summary"` // the article is marketbot's summary of its source
	Published *time.Time `json:"published"`
	Path      string     `json:"path"`
}

// writeAnswerJSON prints a reply; its notices lead the answer text.
func writeAnswerJSON(w io.Writer, r bot.Reply) error {
	var text strings.Builder
	for _, n := range r.Notices {
		fmt.Fprintf(&text, "⚠ %s\n", n)
	}
	if text.Len() > 0 {
		text.WriteString("\n")
	}
	text.WriteString(r.Text)
	if r.Table != nil {
		text.WriteString("\n\n" + r.Table.String())
	}
	out := answerJSON{Answer: text.String(), Citations: []citationJSON{}, Fallback: r.Fallback}
	for _, c := range r.Citations {
		out.Citations = append(out.Citations, citationJSON{N: c.N, Title: c.Title, URL: c.URL, Source: c.Source, Summary: c.Summary, Published: timePtr(c.Published), Path: c.Path})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
