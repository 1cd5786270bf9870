package rag

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/embed"
)

// TestMeasureDims is a measurement, not a check: with MARKETBOT_MEASURE_DIMS
// set, it evaluates the dev set with the local embedder at several
// dimensions, on the built-in pack alone and with generated distractors.
func TestMeasureDims(t *testing.T) {
	if os.Getenv("MARKETBOT_MEASURE_DIMS") == "" {
		t.Skip("set MARKETBOT_MEASURE_DIMS=1 to measure")
	}
	ctx := context.Background()
	qs, _ := DevSet()
	pack, _ := corpus.Builtin()
	distract, _ := strconv.Atoi(os.Getenv("MARKETBOT_MEASURE_DISTRACTORS"))
	for _, dims := range []int{256, 512, 1024, 2048, 4096} {
		st, err := OpenStore(ctx, t.TempDir(), Options{Embedder: embed.NewLocal(dims)})
		if err != nil {
			t.Fatal(err)
		}
		articles := append([]corpus.Article(nil), pack...)
		for i := range distract / 4 {
			a := pack[(i*7)%len(pack)]
			b := pack[(i*13+5)%len(pack)]
			// Halves of two articles, swapped: the same vocabulary, answers out of place.
			ha, hb := strings.Index(a.Text, "\n\n"), strings.LastIndex(b.Text, "\n\n")
			articles = append(articles, corpus.Article{Title: fmt.Sprintf("distractor %d", i), Path: fmt.Sprintf("d/%d", i),
				Text: b.Text[hb+2:] + "\n\n" + a.Text[:ha], Lang: a.Lang})
		}
		if _, err := IngestArticles(ctx, st, articles, IngestOptions{}); err != nil {
			t.Fatal(err)
		}
		reports, err := Evaluate(ctx, st, qs, VectorOnly, Hybrid)
		if err != nil {
			t.Fatal(err)
		}
		stats, _ := st.Stats(ctx)
		for _, r := range reports {
			fmt.Printf("dims=%d passages=%d %s: hit@1 %.2f hit@5 %.2f MRR %.2f none %.2f\n", dims, stats.Chunks, r.Mode,
				r.Kinds["all"].Hit1, r.Kinds["all"].Hit5, r.Kinds["all"].MRR, r.Kinds["none"].Nothing)
		}
		st.Close()
	}
}
