package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/store"
)

// TestPriceFactsFollowTheirPassages: the prices an article states are
// stored with its passages, replaced when it changes and gone when it
// goes, in both backends; each keeps its sentence and its article.
func TestPriceFactsFollowTheirPassages(t *testing.T) {
	inBothBackends(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a := mustArticle(t, "/news/gpt-4o-mini.md", "---\ntitle: OpenAI launches GPT-4o mini\npublished: 2024-07-18\nurl: https://example.com/mini\n---\n"+
			"It costs $0.15 per million input tokens and $0.60 per million output tokens. OpenAI raised $6.6 billion later that year.")
		if _, err := st.Put(ctx, a); err != nil {
			t.Fatal(err)
		}
		got, err := st.Prices(ctx, store.PriceFilter{Models: []string{"gpt-4o-mini"}})
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			Kind, Currency, Quote, Title, URL string
			PerMillion                        float64
		}
		var rows []row
		for _, p := range got {
			rows = append(rows, row{p.Kind, p.Currency, p.Quote, p.Title, p.URL, p.PerMillion})
		}
		quote := "It costs $0.15 per million input tokens and $0.60 per million output tokens."
		want := []row{
			{"input", "USD", quote, "OpenAI launches GPT-4o mini", "https://example.com/mini", 0.15},
			{"output", "USD", quote, "OpenAI launches GPT-4o mini", "https://example.com/mini", 0.6},
		}
		if d := cmp.Diff(want, rows); d != "" {
			t.Errorf("facts (-want +got):\n%s", d)
		}

		a.Text = "It now costs $0.10 per million input tokens."
		if _, err := st.Put(ctx, a); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Prices(ctx, store.PriceFilter{}); len(got) != 1 || got[0].PerMillion != 0.1 {
			t.Errorf("after the article changed: %+v, want its one new price", got)
		}
		if err := st.Delete(ctx, a.Path); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Prices(ctx, store.PriceFilter{}); len(got) != 0 {
			t.Errorf("after the article went: %+v, want no price", got)
		}
	})
}

// TestPriceFactsOfAnOlderStore: a store whose facts an older extractor or
// another alias table found (or that has none yet) finds them again when
// it opens.
func TestPriceFactsOfAnOlderStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Put(ctx, mustArticle(t, "/a.md", "---\ntitle: GPT-5\npublished: 2025-08-07\n---\nGPT-5 costs $1.25 per million input tokens.")); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, `DELETE FROM price_facts; DELETE FROM meta WHERE key = 'pricefact'`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	st, err = store.Open(ctx, dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := st.Prices(ctx, store.PriceFilter{Models: []string{"gpt-5"}}); err != nil || len(got) != 1 || got[0].PerMillion != 1.25 {
		t.Errorf("after reopening: %+v, %v; want GPT-5's price found again", got, err)
	}
	st.Close()

	// Another alias table names the models otherwise: the facts are found
	// again with it (here, none: it does not know GPT-5).
	other, err := corpus.ParseAliases([]byte("- id: openai\n  type: company\n  names: [OpenAI]\n"))
	if err != nil {
		t.Fatal(err)
	}
	st, err = store.Open(ctx, dir, store.Options{Aliases: other})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if got, err := st.Prices(ctx, store.PriceFilter{}); err != nil || len(got) != 0 {
		t.Errorf("with a table that lacks GPT-5: %+v, %v; want no price", got, err)
	}
}
