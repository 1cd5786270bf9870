// Package searchtest gives tests a store with a searcher over it, as
// net/http/httptest gives them servers.
package searchtest

import (
	"context"
	"testing"
	"time"

	"github.com/marketbot/marketbot/rag/search"
	"github.com/marketbot/marketbot/rag/store"
	"github.com/marketbot/marketbot/rag/store/storetest"
)

// Store is a store with a searcher over it: what it holds, and how it
// answers searches.
type Store struct {
	*store.Store
	*search.Searcher
}

// Builtin is the built-in pack's store (storetest.Builtin) with a searcher
// on the store's clock.
func Builtin(tb testing.TB, opt store.Options) Store {
	tb.Helper()
	return Over(tb, storetest.Builtin(tb, opt), opt.Now)
}

// Empty is an empty store, closed when the test ends, with a searcher.
func Empty(tb testing.TB) Store {
	tb.Helper()
	st, err := store.Open(context.Background(), tb.TempDir(), store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return Over(tb, st, nil)
}

// Over is st with a searcher on the clock now (nil: the system's).
func Over(tb testing.TB, st *store.Store, now func() time.Time) Store {
	tb.Helper()
	s, err := search.New(st, search.Config{Now: now})
	if err != nil {
		tb.Fatal(err)
	}
	return Store{st, s}
}

// Texts returns the texts of the passages found for q, at most ten.
func Texts(tb testing.TB, s *search.Searcher, q string) []string {
	tb.Helper()
	ps, err := s.Search(context.Background(), q, search.Options{Top: 10})
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, p := range ps {
		out = append(out, p.Text)
	}
	return out
}
