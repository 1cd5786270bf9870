package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/marketbot/marketbot/rag/store"
	"github.com/marketbot/marketbot/rag/store/pgtest"
	"github.com/marketbot/marketbot/rag/store/storetest"
)

// BenchmarkIngest10k ingests a generated corpus of 10,000 bilingual
// articles (about 3 KB each) into a fresh store, SQLite and PostgreSQL;
// it reports articles/s and, through SetBytes, MB/s of article text.
func BenchmarkIngest10k(b *testing.B) {
	const n = 10000
	src := b.TempDir()
	storetest.GenerateArticles(b, src, n)
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run("backend="+backend, func(b *testing.B) { benchmarkIngest(b, backend, src, n) })
	}
}

// benchStore opens a fresh, empty store of the backend.
func benchStore(b *testing.B, backend string) *store.Store {
	opt := store.Options{}
	if backend == "postgres" {
		opt.DatabaseURL = pgtest.Shared(b)
	}
	st, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "store"), opt)
	if err != nil {
		b.Fatal(err)
	}
	return st
}

func benchmarkIngest(b *testing.B, backend, src string, n int) {
	var bytes int64
	for b.Loop() {
		b.StopTimer()
		st := benchStore(b, backend)
		b.StartTimer()
		sum, err := store.Ingest(context.Background(), st, []string{src}, store.IngestOptions{})
		if err != nil || sum.Added != n {
			b.Fatalf("ingest: %+v, %v", sum, err)
		}
		bytes = sum.Bytes
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
	b.SetBytes(bytes)
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "articles/s")
}

// BenchmarkIngestHTML ingests the real-page set (corpus/testdata/pages),
// each page five times under other names, into a fresh SQLite store: the
// HTML path of ingest, main-text extraction included. MB/s is of HTML read.
func BenchmarkIngestHTML(b *testing.B) {
	pages, err := filepath.Glob(filepath.Join("..", "..", "corpus", "testdata", "pages", "*.html"))
	if err != nil || len(pages) == 0 {
		b.Skip("no real pages")
	}
	src := b.TempDir()
	var size int64
	for i := range 5 {
		for _, p := range pages {
			data, err := os.ReadFile(p)
			if err != nil {
				b.Fatal(err)
			}
			name := fmt.Sprintf("%d-%s", i, filepath.Base(p))
			if err := os.WriteFile(filepath.Join(src, name), data, 0o644); err != nil {
				b.Fatal(err)
			}
			size += int64(len(data))
		}
	}
	n := 5 * len(pages)
	for b.Loop() {
		b.StopTimer()
		st := benchStore(b, "sqlite")
		b.StartTimer()
		sum, err := store.Ingest(context.Background(), st, []string{src}, store.IngestOptions{})
		if err != nil || sum.Added+len(sum.Failed) != n {
			b.Fatalf("ingest: %+v, %v", sum, err)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
	b.SetBytes(size)
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}
