package search

import (
	"context"
	"testing"

	"github.com/marketbot/marketbot/rag/store"
	"github.com/marketbot/marketbot/rag/store/storetest"
)

var (
	mustArticle = storetest.Parse
	writeFile   = storetest.WriteFile
	article     = storetest.Markdown
)

// openTestStore is an empty store and a searcher over it.
func openTestStore(t testing.TB) testStore {
	t.Helper()
	st, err := store.Open(context.Background(), t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return over(t, st, nil)
}

func titles(ps []store.Passage) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Title)
	}
	return out
}
