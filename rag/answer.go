package rag

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/llm"
)

// Turn is one exchange of a conversation.
type Turn struct {
	Question string
	Answer   string
}

// Citation is a source an answer cites, numbered as its [n] markers.
type Citation struct {
	N         int
	Title     string
	URL       string
	Source    string
	Path      string
	Published time.Time // zero when unknown
}

// Answer is a cited answer to a question.
type Answer struct {
	Question   string // as asked
	Standalone string // as searched: a follow-up made standalone
	Lang       string // the language answered in: zh, zh-Hant or en
	Text       string // with [n] markers that match Citations
	Citations  []Citation
	Fallback   bool     // extractive: no model configured, or it failed
	NotFound   bool     // nothing in the corpus answers the question
	Notices    []string // one-line notices for the reader, in Lang
	Removed    []string // sentences dropped: they claimed what no passage supports
}

// ChatModel is a language model that answers from messages, streaming to
// onDelta when it is set.
type ChatModel interface {
	Chat(ctx context.Context, msgs []llm.Message, onDelta func(string)) (string, error)
}

// AnswerOptions configure an Answerer.
type AnswerOptions struct {
	Passages int          // passages given to the model; default 6
	Quotes   int          // passages quoted by an extractive answer; default 3
	Logger   *slog.Logger // default: discard
	Metrics  *Metrics     // default: none
}

// Answerer answers questions from the store's passages, with a language
// model when one is configured and extractively otherwise.
type Answerer struct {
	store *Store
	model ChatModel // nil: extractive answers only
	opt   AnswerOptions
}

// NewAnswerer returns an answerer; model may be nil.
func NewAnswerer(store *Store, model ChatModel, opt AnswerOptions) *Answerer {
	if opt.Passages <= 0 {
		opt.Passages = 6
	}
	if opt.Quotes <= 0 {
		opt.Quotes = 3
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	return &Answerer{store: store, model: model, opt: opt}
}

// Answer answers question in its language. history holds the earlier turns
// of the conversation, oldest first, for follow-ups. With onDelta set, a
// model's answer is streamed to it as it is written; the returned Answer
// is the checked, final one, which may differ (markers renumbered,
// unsupported sentences dropped, or an extractive fallback). The error is
// for failures of the store only: a failing model yields a fallback.
func (a *Answerer) Answer(ctx context.Context, question string, history []Turn, onDelta func(string)) (Answer, error) {
	ans := Answer{Question: question, Lang: corpus.DetectLang(question)}
	ans.Standalone = a.standalone(ctx, question, history)
	start := time.Now()
	passages, err := a.store.Search(ctx, ans.Standalone, SearchOptions{Top: a.opt.Passages})
	a.opt.Metrics.observeRetrieval(time.Since(start))
	if err != nil {
		return ans, err
	}
	if len(passages) == 0 {
		ans.NotFound = true
		ans.Text = message(ans.Lang, msgNotFound)
		return ans, nil
	}
	if a.model == nil {
		return a.extractive(ans, passages, message(ans.Lang, msgNoModel)), nil
	}
	text, err := a.model.Chat(ctx, answerPrompt(ans.Standalone, ans.Lang, passages), onDelta)
	if err != nil {
		reason := "error"
		if le, ok := errors.AsType[*llm.Error](err); ok {
			reason = le.Reason
		}
		a.opt.Logger.WarnContext(ctx, "language model failed; answering extractively", "reason", reason, "err", err)
		return a.extractive(ans, passages, message(ans.Lang, msgModelFailed)+" ("+reason+")"), nil
	}
	c := checkCitations(text, passages, a.store.aliases)
	ans.Removed = c.removed
	if len(c.removed) > 0 {
		a.opt.Logger.InfoContext(ctx, "dropped unsupported sentences", "count", len(c.removed))
	}
	if c.text == "" {
		return a.extractive(ans, passages, message(ans.Lang, msgUnverifiable)), nil
	}
	ans.Text = c.text
	ans.Citations = citations(passages, c.cited)
	if len(c.removed) > 0 {
		ans.Notices = append(ans.Notices, message(ans.Lang, msgRemoved))
	}
	if len(ans.Citations) == 0 {
		ans.Notices = append(ans.Notices, message(ans.Lang, msgUnsupported))
	}
	return ans, nil
}

func citations(passages []Passage, order []int) []Citation {
	out := make([]Citation, len(order))
	for i, idx := range order {
		p := passages[idx]
		out[i] = Citation{N: i + 1, Title: p.Title, URL: p.URL, Source: p.Source, Path: p.Path, Published: p.Published}
	}
	return out
}

// extractive answers by quoting the most relevant sentences of the best
// passages, each cited (one number per article), under a one-line notice.
func (a *Answerer) extractive(ans Answer, passages []Passage, notice string) Answer {
	ans.Fallback = true
	ans.Notices = append(ans.Notices, notice)
	// Sentences are chosen by the question's terms and those of the other
	// names of what it mentions ("price" also finds 定价).
	terms := map[string]bool{}
	for _, t := range corpus.Tokens(ans.Standalone) {
		terms[t] = true
	}
	for _, e := range a.store.aliases.Match(ans.Standalone) {
		for _, n := range e.Names {
			for _, t := range corpus.Tokens(n) {
				terms[t] = true
			}
		}
	}
	num := map[int64]int{}
	var quotes []string
	for _, p := range passages[:min(a.opt.Quotes, len(passages))] {
		if _, ok := num[p.ArticleID]; !ok {
			num[p.ArticleID] = len(ans.Citations) + 1
			ans.Citations = append(ans.Citations, citations([]Passage{p}, []int{0})[0])
			ans.Citations[len(ans.Citations)-1].N = num[p.ArticleID]
		}
		quotes = append(quotes, "> "+bestSentences(p.Text, terms, 2)+" ["+strconv.Itoa(num[p.ArticleID])+"]")
	}
	ans.Text = strings.Join(quotes, "\n")
	return ans
}

// bestSentences returns up to n sentences of text, in their order: those
// sharing the most terms with the question, and stating a number when
// that breaks a tie.
func bestSentences(text string, terms map[string]bool, n int) string {
	spans := corpus.Split(text, corpus.ChunkOptions{Target: 1, Max: 400})
	if len(spans) <= n {
		return strings.Join(strings.Fields(text), " ")
	}
	type scored struct{ i, score int }
	var ss []scored
	for i, sp := range spans {
		score := 0
		seen := map[string]bool{}
		for _, t := range corpus.Tokens(text[sp.Start:sp.End]) {
			if terms[t] && !seen[t] {
				seen[t] = true
				score += 2
			}
		}
		if number.MatchString(text[sp.Start:sp.End]) {
			score++
		}
		ss = append(ss, scored{i, score})
	}
	slices.SortStableFunc(ss, func(x, y scored) int { return y.score - x.score })
	ss = ss[:n]
	slices.SortFunc(ss, func(x, y scored) int { return x.i - y.i })
	var parts []string
	for k, s := range ss {
		if k > 0 && s.i != ss[k-1].i+1 {
			parts = append(parts, "…")
		}
		parts = append(parts, strings.Join(strings.Fields(text[spans[s.i].Start:spans[s.i].End]), " "))
	}
	return strings.Join(parts, " ")
}
