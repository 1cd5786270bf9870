package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/feeds"
	"github.com/marketbot/marketbot/rag/fetch"
)

// articleJSON is one line of "ingest --dry-run --json" (design.md §8).
type articleJSON struct {
	Path      string     `json:"path"`
	Title     string     `json:"title"`
	URL       string     `json:"url"`
	Published *time.Time `json:"published"`
	Source    string     `json:"source"`
	Lang      string     `json:"lang"`
	Text      string     `json:"text"`
}

// dryRun reads what ingest would store — files, directories, feeds and
// pages, the built-in pack — and shows it, opening no store: per article
// its path, title, URL, date, source, language and text. Items that cannot
// be read are reported on stderr, and the run goes on.
func (e *environment) dryRun(ctx context.Context, paths []string, builtin, asJSON bool) error {
	cfg, err := e.config()
	if err != nil {
		return err
	}
	show := func(a corpus.Article) error {
		if asJSON {
			enc := json.NewEncoder(e.stdout)
			enc.SetEscapeHTML(false)
			return enc.Encode(articleJSON{Path: a.Path, Title: a.Title, URL: a.URL, Published: timePtr(a.Published),
				Source: a.Source, Lang: a.Lang, Text: a.Text})
		}
		published := "unknown"
		if !a.Published.IsZero() {
			published = a.Published.Format(time.RFC3339)
		}
		_, err := fmt.Fprintf(e.stdout, "%s\n  title:     %s\n  url:       %s\n  published: %s\n  source:    %s\n  lang:      %s\n  text:\n    %s\n\n",
			a.Path, a.Title, a.URL, published, a.Source, a.Lang, indent(a.Text, "    "))
		return err
	}
	shown, failed := 0, 0
	fail := func(err error) {
		failed++
		fmt.Fprintf(e.stderr, "marketbot: skipped: %v\n", err)
	}
	if builtin {
		pack, err := corpus.Builtin()
		if err != nil {
			return err
		}
		for _, a := range pack {
			if err := show(a); err != nil {
				return err
			}
			shown++
		}
	}
	fetcher := fetch.New(fetch.Options{AllowPrivate: cfg.AllowPrivate})
	for _, p := range paths {
		var articles []corpus.Article
		if strings.Contains(p, "://") {
			if articles, err = feeds.ReadURL(ctx, fetcher, p); err != nil {
				fail(fmt.Errorf("%s: %w", p, err))
				continue
			}
		} else {
			abs, err := filepath.Abs(p)
			if err != nil {
				fail(err)
				continue
			}
			files, err := corpus.ListFiles(abs)
			if err != nil {
				fail(err)
				continue
			}
			for _, f := range files {
				a, err := corpus.LoadFile(f)
				if err != nil {
					fail(err)
					continue
				}
				a.Path = f
				articles = append(articles, a)
			}
		}
		for _, a := range articles {
			if err := show(a); err != nil {
				return err
			}
			shown++
		}
	}
	if shown == 0 && failed > 0 {
		return fmt.Errorf("nothing could be read: %d items failed", failed)
	}
	return nil
}
