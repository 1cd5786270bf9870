// Package storetest builds stores for tests, as net/http/httptest builds
// servers: one holding the built-in pack, and large generated ones for
// the scale benchmarks.
package storetest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/store"
)

// Builtin returns a store, in a temporary directory (or opt's database),
// holding the built-in pack; it is closed when the test ends.
func Builtin(tb testing.TB, opt store.Options) *store.Store {
	tb.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, tb.TempDir(), opt)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	articles, err := corpus.Builtin()
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := store.IngestArticles(ctx, st, articles, store.IngestOptions{}); err != nil {
		tb.Fatal(err)
	}
	return st
}

// Parse parses an article as corpus.Parse does, failing the test on an
// error.
func Parse(tb testing.TB, name, content string) corpus.Article {
	tb.Helper()
	a, err := corpus.Parse(name, []byte(content))
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

// WriteFile writes a file, making its directory, failing the test on an
// error.
func WriteFile(tb testing.TB, path, content string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// Markdown is an article file with front matter: its title, its date
// (also its URL's last part) and its body.
func Markdown(title, date, body string) string {
	return fmt.Sprintf("---\ntitle: %s\nurl: https://example.com/%s\npublished: %s\nsource: Example\n---\n\n%s\n", title, date, date, body)
}

// GenerateArticles writes n articles of several passages each, with text
// unique to each article.
func GenerateArticles(tb testing.TB, dir string, n int) {
	tb.Helper()
	for i := range n {
		var body strings.Builder
		for p := range 8 {
			fmt.Fprintf(&body, "Article %d paragraph %d: vendor%d cut the price of model%d to %d.%02d yuan per million tokens in 2024. ", i, p, i%37, i, i%9, p)
			fmt.Fprintf(&body, "第%d篇文章第%d段：厂商%d发布了新的大模型，上下文长度为%dK。\n\n", i, p, i%37, 32*(p+1))
		}
		WriteFile(tb, filepath.Join(dir, fmt.Sprintf("a%04d.md", i)), Markdown(fmt.Sprintf("Article %d", i), "2024-05-15", body.String()))
	}
}
