// Package brief writes market briefings of what is new in the store:
// articles of a window, stories told by several of them (in either
// language) merged, ranked by topic, recency and sources, each item a
// sentence or two with dated citations, by the model when there is one and
// extractively otherwise; what a target was briefed already stays out
// unless it really changed. It is a client of store, search and answer and
// writes nothing itself: the caller records what a posted briefing
// covered.
package brief

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/answer"
	"github.com/marketbot/marketbot/rag/llm"
	"github.com/marketbot/marketbot/rag/search"
	"github.com/marketbot/marketbot/rag/store"
	"github.com/marketbot/marketbot/rag/store/ledger"
)

// Request asks for a briefing.
type Request struct {
	// Articles ingested after Since (and not after Until, if set) are new.
	Since, Until time.Time
	// PublishedAfter, if set, also leaves out articles published before it
	// (a feed's backfill of old items is not news).
	PublishedAfter time.Time
	Lang           string   // "zh", "zh-Hant" or "en"
	Topics         []string // entities or keywords to favour
	OnlyTopics     bool     // leave out stories that match no topic
	MaxItems       int      // default 8
	// WithBuiltin includes the built-in pack, which is reference material
	// rather than news: for on-demand briefings over the whole corpus.
	WithBuiltin bool
	// Target, when set, leaves out what was briefed to it already (see
	// RecordBriefed), unless it really changed: such a story is an update.
	Target string
}

// Briefing is a digest of what is new: one item per story.
type Briefing struct {
	Headline  string
	Items     []Item
	Citations []answer.Citation // numbered across the briefing
	Lang      string
	Fallback  bool     // extractive: no model configured, or it failed
	Notices   []string // as for answers
	// Covered is every article of the briefing's stories, for RecordBriefed
	// once it is posted.
	Covered []ledger.BriefedItem
}

// Item is one story: a sentence or two with [n] citations.
type Item struct {
	Text      string
	Sources   int       // articles that cover the story
	Published time.Time // the newest of them
	Update    bool      // every article of it was briefed before and has changed since
}

// Empty reports whether nothing new was found.
func (b Briefing) Empty() bool { return len(b.Items) == 0 }

// Text renders the briefing as the bot's light Markdown: the headline,
// then one list item per story.
func (b Briefing) Text() string {
	var s strings.Builder
	s.WriteString("**" + b.Headline + "**\n")
	for _, it := range b.Items {
		s.WriteString("\n- " + it.Text)
	}
	return s.String()
}

// Store is what briefings read from the store; *store.Store is one.
type Store interface {
	Ingested(ctx context.Context, w store.Window) ([]store.Article, error)
	Stats(ctx context.Context) (store.Stats, error)
}

// Ledger tells what a target was briefed already; *ledger.Ledger is one.
type Ledger interface {
	Briefed(ctx context.Context, target string, paths []string) (map[string]ledger.BriefedItem, error)
}

// Searcher finds the articles about a topic; *search.Searcher is one.
type Searcher interface {
	Search(ctx context.Context, question string, opt search.Options) ([]store.Passage, error)
}

// Config configures a Writer.
type Config struct {
	Aliases *corpus.Aliases  // default: the built-in table
	Now     func() time.Time // default time.Now
	Logger  *slog.Logger     // default: discard
}

// Writer writes briefings; it is safe for concurrent use.
type Writer struct {
	store   Store
	ledger  Ledger
	search  Searcher
	model   answer.ChatModel // nil: extractive briefings
	aliases *corpus.Aliases
	now     func() time.Time
	log     *slog.Logger
}

// New returns a briefing writer; model may be nil.
func New(st Store, ledger Ledger, s Searcher, model answer.ChatModel, cfg Config) (*Writer, error) {
	w := &Writer{store: st, ledger: ledger, search: s, model: model, aliases: cfg.Aliases, now: cfg.Now, log: cfg.Logger}
	if w.now == nil {
		w.now = time.Now
	}
	if w.log == nil {
		w.log = slog.New(slog.DiscardHandler)
	}
	if w.aliases == nil {
		var err error
		if w.aliases, err = corpus.DefaultAliases(); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// NewestPublished is the publication date of the newest article matching
// topic ("" for any), for on-demand briefings over a corpus that is not
// fresh.
func (w *Writer) NewestPublished(ctx context.Context, topic string) (time.Time, error) {
	if topic == "" {
		st, err := w.store.Stats(ctx)
		return st.Newest, err
	}
	ps, err := w.search.Search(ctx, topic, search.Options{Top: 20})
	if err != nil {
		return time.Time{}, err
	}
	var newest time.Time
	for _, p := range ps {
		if p.Published.After(newest) {
			newest = p.Published
		}
	}
	return newest, nil
}

// briefArticle is an article considered for a briefing.
type briefArticle struct {
	id                             int64
	title, url, source, path, lang string
	text, textHash                 string
	summary                        bool   // marketbot's summary of its source
	kind                           string // what its source published
	update                         bool   // briefed to the target before, changed since
	published                      time.Time
	entities                       map[string]bool
	titleTokens                    map[string]bool
	topical                        int // topics it matches
}

// passage is the article as a passage of the given text.
func (x briefArticle) passage(text string) store.Passage {
	return store.Passage{ArticleID: x.id, Title: x.title, URL: x.url, Path: x.path, Source: x.source, Lang: x.lang,
		Published: x.published, Text: text, Summary: x.summary, SourceKind: x.kind}
}

// Brief writes a briefing of the articles new in the request's window:
// stories covered by several articles (in either language) merged into one
// item with all their sources, ranked by topic match, recency and number
// of sources; each item a sentence or two with citations and dates;
// written by the model when there is one, extractively otherwise.
func (w *Writer) Brief(ctx context.Context, req Request) (Briefing, error) {
	if req.MaxItems <= 0 {
		req.MaxItems = 8
	}
	if req.Lang == "" {
		req.Lang = "en"
	}
	arts, err := newArticles(ctx, w.store, req)
	if err != nil {
		return Briefing{}, err
	}
	if req.Target != "" {
		if arts, err = notBriefed(ctx, w.ledger, req.Target, arts); err != nil {
			return Briefing{}, err
		}
	}
	topics := w.topicEntities(req.Topics)
	for i := range arts {
		arts[i].entities, arts[i].titleTokens = w.features(arts[i])
		arts[i].topical = matches(arts[i], topics, req.Topics)
	}
	if req.OnlyTopics && len(req.Topics) > 0 {
		arts = slices.DeleteFunc(arts, func(x briefArticle) bool { return x.topical == 0 })
	}
	stories := rankStories(cluster(arts))
	if len(stories) > req.MaxItems {
		stories = stories[:req.MaxItems]
	}
	b := Briefing{Lang: req.Lang}
	b.Headline = headline(req, len(stories), w.now())
	if len(stories) == 0 {
		return b, nil
	}
	for _, s := range stories {
		for _, x := range s.articles {
			b.Covered = append(b.Covered, ledger.BriefedItem{Path: x.path, TextHash: x.textHash, Sketch: newSketch(x.title, x.text).String()})
		}
	}
	defer markUpdates(&b, stories)
	if w.model != nil {
		if err := w.writeBriefing(ctx, &b, stories); err == nil {
			return b, nil
		} else {
			reason := "error"
			if le, ok := errors.AsType[*llm.Error](err); ok {
				reason = le.Reason
			}
			w.log.WarnContext(ctx, "language model failed on a briefing; writing it extractively", "reason", reason, "err", err)
			b.Notices = append(b.Notices, answer.Message(req.Lang, answer.MsgModelFailed)+" ("+reason+")")
		}
	}
	b.Fallback = true
	extractiveBriefing(&b, stories)
	return b, nil
}

// newArticles returns the articles of the briefing's window, newest first.
func newArticles(ctx context.Context, st Store, req Request) ([]briefArticle, error) {
	arts, err := st.Ingested(ctx, store.Window{Since: req.Since, Until: req.Until, PublishedAfter: req.PublishedAfter, WithBuiltin: req.WithBuiltin})
	if err != nil {
		return nil, fmt.Errorf("briefing: %w", err)
	}
	out := make([]briefArticle, len(arts))
	for i, a := range arts {
		out[i] = briefArticle{id: a.ID, title: a.Title, url: a.URL, source: a.Source, path: a.Path, lang: a.Lang, text: a.Text,
			textHash: a.TextHash, summary: a.Summary, kind: a.SourceKind, published: a.Published}
	}
	return out, nil
}

func (w *Writer) topicEntities(topics []string) map[string]bool {
	out := map[string]bool{}
	for _, t := range topics {
		for _, e := range w.aliases.Match(t) {
			out[e.ID] = true
		}
	}
	return out
}
