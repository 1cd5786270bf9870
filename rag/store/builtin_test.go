package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/search"
	"github.com/marketbot/marketbot/rag/store"
)

// TestRefreshBuiltin: an upgrade's rewritten pack replaces the old one in
// an existing store (changed articles updated, new ones added, withdrawn
// ones removed); a current pack costs nothing; a store whose pack was
// pruned away is left alone.
func TestRefreshBuiltin(t *testing.T) {
	ctx := context.Background()
	article := func(name, text string) corpus.Article {
		return corpus.Article{Path: corpus.BuiltinPrefix + "articles/" + name, Title: name, Text: text, Lang: "en",
			Published: time.Date(2024, 5, 15, 0, 0, 0, 0, time.UTC), Meta: map[string]string{"summary": "true"}}
	}
	old := []corpus.Article{
		article("ark.md", "Volcano Ark hosts seven third-party models, and later Doubao."),
		article("gone.md", "An article withdrawn from the pack about quantum widgets."),
	}
	st := openTestStore(t)
	if sum, changed, err := store.RefreshBuiltin(ctx, st, "v1", func() ([]corpus.Article, error) { return old, nil }, store.IngestOptions{}); err != nil || !changed || sum.Added != 2 {
		t.Fatalf("empty store: %+v, %v, %v; want the pack added", sum, changed, err)
	}
	if sum, changed, err := store.RefreshBuiltin(ctx, st, "v1", func() ([]corpus.Article, error) { return old, nil }, store.IngestOptions{}); err != nil || changed || sum.Added+sum.Updated+sum.Unchanged != 0 {
		t.Errorf("current pack: %+v, %v, %v; want nothing done", sum, changed, err)
	}
	pack := []corpus.Article{
		article("ark.md", "Volcano Ark hosts seven third-party models."),
		article("doubao.md", "ByteDance priced Doubao at 0.0008 yuan per thousand tokens."),
	}
	sum, changed, err := store.RefreshBuiltin(ctx, st, "v2", func() ([]corpus.Article, error) { return pack, nil }, store.IngestOptions{})
	if err != nil || !changed || sum.Added != 1 || sum.Updated != 1 || sum.Pruned != 1 {
		t.Fatalf("new pack: %+v, %v, %v; want 1 added, 1 updated, 1 withdrawn", sum, changed, err)
	}
	for q, want := range map[string]string{"quantum widgets": "", "Doubao price per thousand tokens": "doubao.md"} {
		ps, err := searcherOf(t, st).Search(ctx, q, search.Options{})
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if len(ps) > 0 {
			got = strings.TrimPrefix(ps[0].Path, corpus.BuiltinPrefix+"articles/")
		}
		if got != want {
			t.Errorf("%q after the refresh → %q, want %q", q, got, want)
		}
	}

	// A store holding only the user's articles keeps them alone.
	mine := openTestStore(t)
	if _, err := mine.Put(ctx, corpus.Article{Path: "/notes/a.md", Title: "notes", Text: "Our own notes on Kimi.", Lang: "en"}); err != nil {
		t.Fatal(err)
	}
	if sum, changed, err := store.RefreshBuiltin(ctx, mine, "v2", func() ([]corpus.Article, error) { return pack, nil }, store.IngestOptions{}); err != nil || changed || sum.Added != 0 {
		t.Errorf("store without the pack: %+v, %v, %v; want it left alone", sum, changed, err)
	}
}
