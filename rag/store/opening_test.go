package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/marketbot/marketbot/rag/store"
	"github.com/marketbot/marketbot/rag/store/sqldb"
)

// TestPassagesCarryTheirArticlesOpening: every passage carries the text of
// its article's first passage, whose lead names the period it reports on.
func TestPassagesCarryTheirArticlesOpening(t *testing.T) {
	inBothBackends(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		lead := "Celestica Inc. reported third-quarter 2026 revenue of $3.96 billion."
		body := lead + "\n\n" + strings.Repeat("Demand for switches stayed strong across the hyperscalers. ", 40) + "\n\nHardware platform solutions generated $1.62 billion."
		a := mustArticle(t, "/news/celestica.md", "---\ntitle: Celestica lifts 2026 target\npublished: 2026-10-29\n---\n"+body)
		if _, err := st.Put(ctx, a); err != nil {
			t.Fatal(err)
		}
		cands, err := st.BM25(ctx, []string{"platform"}, sqldb.Period{}, 10)
		if err != nil || len(cands) == 0 {
			t.Fatalf("BM25: %v, %d candidates", err, len(cands))
		}
		ps, _, err := st.Passages(ctx, cands)
		if err != nil {
			t.Fatal(err)
		}
		p := ps[0]
		if p.Lead || !strings.Contains(p.Text, "generated $1.62 billion") {
			t.Fatalf("got the passage %q (lead %v), want the last one", p.Text, p.Lead)
		}
		if !strings.HasPrefix(p.Opening, lead) {
			t.Errorf("Opening = %.80q, want the article's first passage", p.Opening)
		}
	})
}
