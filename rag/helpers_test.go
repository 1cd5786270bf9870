package rag

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/marketbot/marketbot/corpus"
)

var sortStrings = cmpopts.SortSlices(func(a, b string) bool { return a < b })

func mustArticle(t testing.TB, name, content string) corpus.Article {
	t.Helper()
	a, err := corpus.Parse(name, []byte(content))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func searchTexts(t testing.TB, st *Store, q string) []string {
	t.Helper()
	ps, err := st.Search(context.Background(), q, SearchOptions{Top: 10})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range ps {
		out = append(out, p.Text)
	}
	return out
}

func searchIDs(t testing.TB, st *Store, q string) []int64 {
	t.Helper()
	ps, err := st.Search(context.Background(), q, SearchOptions{Top: 10})
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

func titles(ps []Passage) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Title)
	}
	return out
}
