package rag

import (
	"context"
	"path/filepath"
	"testing"
)

// BenchmarkIngest10k ingests a generated corpus of 10,000 bilingual
// articles (about 3 KB each) into a fresh store; it reports articles/s and,
// through SetBytes, MB/s of article text.
func BenchmarkIngest10k(b *testing.B) {
	const n = 10000
	src := b.TempDir()
	generateArticles(b, src, n)
	var bytes int64
	for b.Loop() {
		b.StopTimer()
		st, err := OpenStore(context.Background(), filepath.Join(b.TempDir(), "store"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		sum, err := Ingest(context.Background(), st, []string{src}, IngestOptions{})
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
