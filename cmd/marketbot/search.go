package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/search"
	"github.com/marketbot/marketbot/rag/store"
)

func (e *environment) search(ctx context.Context, args []string) error {
	fs, dataDir := e.flags("search")
	asJSON := fs.Bool("json", false, "print JSON")
	top := fs.Int("top", 5, "number of passages")
	since := fs.String("since", "", "only articles published on or after this date (2024-05-01)")
	until := fs.String("until", "", "only articles published before this date")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	var opt search.Options
	if opt.Since, err = dateFlag("since", *since); err != nil {
		return err
	}
	if opt.Until, err = dateFlag("until", *until); err != nil {
		return err
	}
	q, err := question(pos)
	if err != nil {
		return err
	}
	if *top < 1 {
		return usageError{"--top must be at least 1"}
	}
	st, err := e.openStore(ctx, *dataDir, true)
	if err != nil {
		return err
	}
	defer st.Close()
	eng, err := e.wire(st, nil, nil, nil)
	if err != nil {
		return err
	}
	opt.Top = *top
	passages, err := eng.search.Search(ctx, q, opt)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeSearchJSON(e, q, passages)
	}
	if len(passages) == 0 {
		tc, err := eng.search.CheckTime(ctx, q, opt)
		if err != nil {
			return err
		}
		if tc.Beyond {
			fmt.Fprintf(e.stdout, "Nothing in the corpus covers that period: its newest article is from %s. Add newer articles with \"marketbot ingest PATH|URL\", or configure feeds.\n",
				tc.Newest.Format(time.DateOnly))
			return nil
		}
		fmt.Fprintf(e.stdout, "Nothing in the corpus answers %q. Try other words, an entity's full name, or a wider date range.\n", q)
		return nil
	}
	for i, p := range passages {
		fmt.Fprintf(e.stdout, "%d. %s\n   %s · score %.2f\n", i+1, p.Title, byline(p, corpus.DetectLang(q)), p.Score)
		if p.URL != "" {
			fmt.Fprintf(e.stdout, "   %s\n", p.URL)
		}
		fmt.Fprintf(e.stdout, "   %s\n\n", indent(p.Text, "   "))
	}
	return nil
}

// searchJSON is the contract of "search --json" (design.md §8).
type searchJSON struct {
	Query    string        `json:"query"`
	Passages []passageJSON `json:"passages"`
}

type passageJSON struct {
	Rank      int        `json:"rank"`
	Score     float64    `json:"score"`
	ArticleID int64      `json:"article_id"`
	Title     string     `json:"title"`
	URL       string     `json:"url"`
	Path      string     `json:"path"`
	Source    string     `json:"source"`
	Summary   bool       `json:"summary"` // the article is marketbot's summary of its source
	Published *time.Time `json:"published"`
	Text      string     `json:"text"`
}

func writeSearchJSON(e *environment, q string, passages []store.Passage) error {
	out := searchJSON{Query: q, Passages: make([]passageJSON, len(passages))}
	for i, p := range passages {
		out.Passages[i] = passageJSON{
			Rank: i + 1, Score: p.Score, ArticleID: p.ArticleID, Title: p.Title, URL: p.URL,
			Path: p.Path, Source: p.Source, Summary: p.Summary, Published: timePtr(p.Published), Text: p.Text,
		}
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// byline is "source, date" for a passage, with what is known, the
// source attributed in lang.
func byline(p store.Passage, lang string) string {
	var parts []string
	if s := p.Attribution(lang); s != "" {
		parts = append(parts, s)
	}
	if !p.Published.IsZero() {
		parts = append(parts, p.Published.Format(time.DateOnly))
	}
	if len(parts) == 0 {
		return p.Path
	}
	return strings.Join(parts, ", ")
}

func indent(s, prefix string) string {
	return strings.ReplaceAll(s, "\n", "\n"+prefix)
}

// dateFlag parses a --since/--until value.
func dateFlag(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := corpus.ParseDate(v)
	if err != nil {
		return time.Time{}, usageError{fmt.Sprintf("--%s: %v", name, err)}
	}
	return t, nil
}
