package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/marketbot/marketbot/rag/search"
	"github.com/marketbot/marketbot/rag/search/searchtest"
	"github.com/marketbot/marketbot/rag/store"
	"github.com/marketbot/marketbot/rag/store/pgtest"
	"github.com/marketbot/marketbot/rag/store/storetest"
)

var (
	mustArticle  = storetest.Parse
	writeFile    = storetest.WriteFile
	article      = storetest.Markdown
	builtinStore = storetest.Builtin
	sortStrings  = cmpopts.SortSlices(func(a, b string) bool { return a < b })
)

// inBothBackends runs test on a fresh store of each backend, SQLite and
// Postgres.
func inBothBackends(t *testing.T, test func(t *testing.T, st *store.Store)) {
	for name, open := range map[string]func(t *testing.T) *store.Store{
		"sqlite":   func(t *testing.T) *store.Store { return openTestStore(t) },
		"postgres": func(t *testing.T) *store.Store { return openPG(t, pgtest.Shared(t), store.Options{}) },
	} {
		t.Run(name, func(t *testing.T) { test(t, open(t)) })
	}
}

// searcherOf is a searcher over st.
func searcherOf(t testing.TB, st *store.Store) *search.Searcher {
	t.Helper()
	s, err := search.New(st, search.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func searchTexts(t testing.TB, st *store.Store, q string) []string {
	t.Helper()
	return searchtest.Texts(t, searcherOf(t, st), q)
}

func searchIDs(t testing.TB, st *store.Store, q string) []int64 {
	t.Helper()
	ps, err := searcherOf(t, st).Search(context.Background(), q, search.Options{Top: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) == 0 {
		t.Fatalf("Search(%q) found nothing", q)
	}
	var out []int64
	for _, p := range ps {
		out = append(out, p.ArticleID)
	}
	return out
}

func titles(ps []store.Passage) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Title)
	}
	return out
}
