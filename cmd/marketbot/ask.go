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

	"github.com/marketbot/marketbot/rag"
	"github.com/marketbot/marketbot/rag/llm"
)

// chatModel is the language model OPENAI_API_KEY / OPENAI_BASE_URL
// configure, or nil (extractive answers) when neither is set.
func (e environment) chatModel() (rag.ChatModel, error) {
	key, base := e.getenv("OPENAI_API_KEY"), e.getenv("OPENAI_BASE_URL")
	if key == "" && base == "" {
		return nil, nil
	}
	cfg := llm.Config{BaseURL: base, APIKey: key, Model: e.getenv("MARKETBOT_CHAT_MODEL")}
	if cfg.Model == "" {
		cfg.Model = "gpt-4o-mini"
	}
	if v := e.getenv("MARKETBOT_LLM_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("MARKETBOT_LLM_TIMEOUT=%q: want a duration such as 25s", v)
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

// answerer opens the store (seeding it when empty) and returns an
// answerer over it; close the store when done.
func (e environment) answerer(ctx context.Context, dataDir string) (*rag.Answerer, *rag.Store, error) {
	model, err := e.chatModel()
	if err != nil {
		return nil, nil, err
	}
	st, err := e.openStore(ctx, dataDir, true)
	if err != nil {
		return nil, nil, err
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return rag.NewAnswerer(st, model, rag.AnswerOptions{Logger: log}), st, nil
}

func (e environment) ask(ctx context.Context, args []string) error {
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
	a, st, err := e.answerer(ctx, *dataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	ans, err := a.Answer(ctx, q, nil, nil)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeAnswerJSON(e.stdout, ans)
	}
	writeAnswer(e.stdout, ans)
	return nil
}

// answerJSON is the contract of "ask --json" (issue: cited answers).
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
	Published *time.Time `json:"published"`
	Path      string     `json:"path"`
}

func writeAnswerJSON(w io.Writer, ans rag.Answer) error {
	out := answerJSON{Answer: answerText(ans), Citations: []citationJSON{}, Fallback: ans.Fallback}
	for _, c := range ans.Citations {
		out.Citations = append(out.Citations, citationJSON{N: c.N, Title: c.Title, URL: c.URL, Source: c.Source, Published: timePtr(c.Published), Path: c.Path})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// answerText is the answer with its notices first.
func answerText(ans rag.Answer) string {
	var b strings.Builder
	for _, n := range ans.Notices {
		fmt.Fprintf(&b, "⚠ %s\n", n)
	}
	if b.Len() > 0 {
		b.WriteString("\n")
	}
	b.WriteString(ans.Text)
	return b.String()
}

// writeAnswer prints an answer and its numbered sources for a terminal.
func writeAnswer(w io.Writer, ans rag.Answer) {
	fmt.Fprintln(w, answerText(ans))
	if len(ans.Citations) > 0 {
		fmt.Fprintln(w, "\nSources:")
	}
	for _, c := range ans.Citations {
		var meta []string
		if c.Source != "" {
			meta = append(meta, c.Source)
		}
		if !c.Published.IsZero() {
			meta = append(meta, c.Published.Format(time.DateOnly))
		}
		fmt.Fprintf(w, "[%d] %s", c.N, c.Title)
		if len(meta) > 0 {
			fmt.Fprintf(w, " — %s", strings.Join(meta, ", "))
		}
		fmt.Fprintln(w)
		if c.URL != "" {
			fmt.Fprintf(w, "    %s\n", c.URL)
		}
	}
}
