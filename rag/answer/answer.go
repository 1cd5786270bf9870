// Package answer answers a question from the passages search finds: it
// makes a follow-up standalone, asks a language model for the question in
// the other language, checks how current the sources are, prompts the
// model with numbered passages and keeps only the sentences whose cited
// passages hold their facts; without a model, or when it fails, it quotes
// the sentences that best answer. It never writes to the store.
package answer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/llm"
	"github.com/marketbot/marketbot/rag/search"
	"github.com/marketbot/marketbot/rag/store"
	"github.com/marketbot/marketbot/rag/store/ledger"
)

// Citation is a source an answer cites, numbered as its [n] markers.
type Citation struct {
	N         int
	Title     string
	URL       string
	Source    string
	Path      string
	Published time.Time // zero when unknown
	// Summary is set when the cited article is marketbot's own summary of
	// its source, whose kind of original SourceKind names.
	Summary    bool
	SourceKind string
}

// Attribution names who said the cited words, in lang: the source, or
// that they are our summary of it ("summary of OpenAI's announcement",
// "据火山引擎公告整理"). Every place that shows a citation shows this.
func (c Citation) Attribution(lang string) string {
	return corpus.Attribution(lang, c.Source, c.SourceKind, c.Summary)
}

// Cite is the passage cited as [n].
func Cite(p store.Passage, n int) Citation {
	return Citation{N: n, Title: p.Title, URL: p.URL, Source: p.Source, Path: p.Path, Published: p.Published,
		Summary: p.Summary, SourceKind: p.SourceKind}
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
	Table      *Table   // a table shown after the text (prices compared); nil for none
}

// Table is a table of an answer: a header and rows of plain-text cells.
type Table struct {
	Header []string
	Rows   [][]string
}

// ChatModel is a language model that answers from messages, streaming to
// onDelta when it is set: each visible piece of the answer, or an empty
// piece to say that the model is thinking (its reasoning is never passed
// on).
type ChatModel interface {
	Chat(ctx context.Context, msgs []llm.Message, onDelta func(string)) (string, error)
}

// Options configure an Answerer.
type Options struct {
	Passages int          // passages given to the model; default 6
	Quotes   int          // passages quoted by an extractive answer; default 3
	Logger   *slog.Logger // default: discard
	Metrics  *Metrics     // default: none
	Prices   PriceTables  // answers questions comparing prices with a table; nil: none
}

// Searcher finds the passages that answer a question; *search.Searcher
// is one.
type Searcher interface {
	Search(ctx context.Context, question string, opt search.Options) ([]store.Passage, error)
	CheckTime(ctx context.Context, question string, opt search.Options) (search.TimeCheck, error)
	QuoteRanker(ctx context.Context, question string) (search.QuoteRanker, error)
	Aliases() *corpus.Aliases
}

// Answerer answers questions from the passages a searcher finds, with a
// language model when one is configured and extractively otherwise.
type Answerer struct {
	search Searcher
	model  ChatModel // nil: extractive answers only
	opt    Options

	mu           sync.Mutex
	translations map[string]string // question → the model's translation of it
}

// New returns an answerer; model may be nil.
func New(s Searcher, model ChatModel, opt Options) *Answerer {
	if opt.Passages <= 0 {
		opt.Passages = 6
	}
	if opt.Quotes <= 0 {
		opt.Quotes = 3
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	return &Answerer{search: s, model: model, opt: opt, translations: map[string]string{}}
}

// Answer answers question in its language. history holds the earlier turns
// of the conversation, oldest first, for follow-ups. With onDelta set, a
// model's answer is streamed to it as it is written; the returned Answer
// is the Checked, final one, which may differ (markers renumbered,
// unsupported sentences dropped, or an extractive fallback). The error is
// for failures of the store only: a failing model yields a fallback.
func (a *Answerer) Answer(ctx context.Context, question string, history []ledger.Turn, onDelta func(string)) (Answer, error) {
	ans := Answer{Question: question, Lang: corpus.DetectLang(question)}
	ans.Standalone = a.standalone(ctx, question, history)
	tc, err := a.search.CheckTime(ctx, ans.Standalone, search.Options{})
	if err != nil {
		return ans, err
	}
	newest := tc.Newest.Format(time.DateOnly)
	if tc.Beyond {
		ans.NotFound = true
		ans.Text = fmt.Sprintf(Message(ans.Lang, MsgBeyond), newest)
		return ans, nil
	}
	switch {
	case tc.Ahead:
		ans.Notices = append(ans.Notices, fmt.Sprintf(Message(ans.Lang, MsgAhead), newest))
	case tc.Stale:
		ans.Notices = append(ans.Notices, fmt.Sprintf(Message(ans.Lang, MsgStale), newest))
	}
	if a.opt.Prices != nil && comparesPrices(ans.Standalone) {
		if priced, ok, err := a.answerPrices(ctx, ans); err != nil || ok {
			return priced, err
		}
	}
	start := time.Now()
	opt := search.Options{Top: a.opt.Passages, Translation: a.translate(ctx, ans.Standalone)}
	passages, err := a.search.Search(ctx, ans.Standalone, opt)
	a.opt.Metrics.observeRetrieval(time.Since(start))
	if err != nil {
		return ans, err
	}
	if len(passages) == 0 {
		ans.NotFound = true
		ans.Text = Message(ans.Lang, MsgNotFound)
		return ans, nil
	}
	if a.model == nil {
		return a.extractive(ctx, ans, passages, Message(ans.Lang, MsgNoModel))
	}
	text, err := a.model.Chat(ctx, answerPrompt(ans.Standalone, ans.Lang, passages), onDelta)
	if err != nil {
		reason := "error"
		if le, ok := errors.AsType[*llm.Error](err); ok {
			reason = le.Reason
		}
		a.opt.Logger.WarnContext(ctx, "language model failed; answering extractively", "reason", reason, "err", err)
		return a.extractive(ctx, ans, passages, Message(ans.Lang, MsgModelFailed)+" ("+reason+")")
	}
	c := CheckCitations(text, passages, a.search.Aliases())
	ans.Removed = c.Removed
	if len(c.Removed) > 0 {
		a.opt.Logger.InfoContext(ctx, "dropped unsupported sentences", "count", len(c.Removed))
	}
	if c.Text == "" {
		return a.extractive(ctx, ans, passages, Message(ans.Lang, MsgUnverifiable))
	}
	ans.Text = c.Text
	ans.Citations = citations(passages, c.Cited)
	if len(c.Removed) > 0 {
		ans.Notices = append(ans.Notices, Message(ans.Lang, MsgRemoved))
	}
	if len(ans.Citations) == 0 {
		ans.Notices = append(ans.Notices, Message(ans.Lang, MsgUnsupported))
	}
	return ans, nil
}

func citations(passages []store.Passage, order []int) []Citation {
	out := make([]Citation, len(order))
	for i, idx := range order {
		p := passages[idx]
		out[i] = Cite(p, i+1)
	}
	return out
}

// rankScore is the bonus of retrieval's order, on the scale of
// search.QuoteRanker's scores: the first passage's (the last's is 4/n).
const rankScore = 4

// extractive answers by quoting the sentences that best answer the
// question, from the passages that hold them (among those retrieved), each
// cited (one number per article), under a one-line notice: the passage
// whose sentences answer best comes first.
func (a *Answerer) extractive(ctx context.Context, ans Answer, passages []store.Passage, notice string) (Answer, error) {
	ans.Fallback = true
	ans.Notices = append(ans.Notices, notice)
	r, err := a.search.QuoteRanker(ctx, ans.Standalone)
	if err != nil {
		return ans, err
	}
	type quote struct {
		p     store.Passage
		text  string
		score float64
	}
	var quotes []quote
	for i, p := range passages {
		text, score := r.Best(p.Title, p.Text, 2)
		// Retrieval ranked the passages: its order counts too.
		quotes = append(quotes, quote{p, text, score + rankScore*float64(len(passages)-i)/float64(len(passages))})
	}
	slices.SortStableFunc(quotes, func(x, y quote) int { return cmp.Compare(y.score, x.score) })
	quotes = quotes[:min(a.opt.Quotes, len(quotes))]
	num := map[int64]int{}
	var lines []string
	for _, q := range quotes {
		if _, ok := num[q.p.ArticleID]; !ok {
			num[q.p.ArticleID] = len(ans.Citations) + 1
			ans.Citations = append(ans.Citations, citations([]store.Passage{q.p}, []int{0})[0])
			ans.Citations[len(ans.Citations)-1].N = num[q.p.ArticleID]
		}
		lines = append(lines, "> "+q.text+" ["+strconv.Itoa(num[q.p.ArticleID])+"]")
	}
	ans.Text = strings.Join(lines, "\n")
	return ans, nil
}
