package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/embed"
	"github.com/marketbot/marketbot/rag/search"
	"github.com/marketbot/marketbot/rag/store"
	"github.com/marketbot/marketbot/rag/store/pgtest"
	"github.com/marketbot/marketbot/rag/store/sqldb"
)

// Scale benchmarks: a store of n passages built from the built-in pack's
// sentences recombined at random (so term statistics look like real
// news), each article with a unique marker. Stores are built once per size
// and shared by the benchmarks of one run.
var (
	scaleMu     sync.Mutex
	scaleStores = map[int]string{}
	scaleRoot   string
)

func scaleStore(b *testing.B, chunks int) string {
	scaleMu.Lock()
	defer scaleMu.Unlock()
	if dir, ok := scaleStores[chunks]; ok {
		return dir
	}
	if scaleRoot == "" {
		var err error
		if scaleRoot, err = os.MkdirTemp("", "marketbot-scale-"); err != nil {
			b.Fatal(err)
		}
	}
	dir := filepath.Join(scaleRoot, fmt.Sprint(chunks))
	fillScaleStore(b, chunks, store.Options{}, dir)
	scaleStores[chunks] = dir
	return dir
}

// fillScaleStore builds a store of about chunks passages at dir, or in
// opt's database.
func fillScaleStore(b *testing.B, chunks int, opt store.Options, dir string) {
	ctx := context.Background()
	st, err := store.Open(ctx, dir, opt)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	pack, err := corpus.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	var sentences []string
	for _, a := range pack {
		for _, sp := range corpus.Split(a.Text, corpus.ChunkOptions{Target: 1, Max: 200}) {
			sentences = append(sentences, a.Text[sp.Start:sp.End])
		}
	}
	rng := rand.New(rand.NewPCG(1, uint64(chunks)))
	var articles []corpus.Article
	for total, i := 0, 0; total < chunks; i++ {
		var body strings.Builder
		for p := range 4 {
			for range 4 {
				body.WriteString(sentences[rng.IntN(len(sentences))])
			}
			if p == 0 {
				fmt.Fprintf(&body, " marker%d.", i)
			}
			body.WriteString("\n\n")
		}
		a := corpus.Article{
			Title: fmt.Sprintf("Generated article %d", i), Path: fmt.Sprintf("gen/%d.md", i), Lang: "zh",
			Published: pack[i%len(pack)].Published, Source: "bench", Text: corpus.Clean(body.String()),
		}
		total += len(corpus.Split(a.Text, corpus.DefaultChunkOptions))
		articles = append(articles, a)
	}
	if _, err := store.IngestArticles(ctx, st, articles, store.IngestOptions{}); err != nil {
		b.Fatal(err)
	}
}

var scaleSizes = []int{1000, 10000, 100000}

// BenchmarkOpen measures the time to open a store and be ready to search
// (vectors loaded from SQLite into chromem), the peak heap while opening
// (heap obtained from the OS, which the runtime keeps) and the heap still
// live afterwards.
func BenchmarkOpen(b *testing.B) {
	for _, n := range scaleSizes {
		b.Run(fmt.Sprintf("chunks=%d", n), func(b *testing.B) { benchmarkOpen(b, scaleStore(b, n), store.Options{}) })
	}
}

// BenchmarkRetokenize measures opening a store whose lexical index was
// built under older tokenizing rules (corpus.TokensVersion): every passage
// is indexed again, and its local vector made again, before the store is
// ready. BenchmarkOpen is the same open without that work.
func BenchmarkRetokenize(b *testing.B) {
	ctx := context.Background()
	for _, n := range scaleSizes {
		b.Run(fmt.Sprintf("chunks=%d", n), func(b *testing.B) {
			dir := scaleStore(b, n)
			for b.Loop() {
				b.StopTimer()
				st, err := store.Open(ctx, dir, store.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := st.DB().ExecContext(ctx, `DELETE FROM meta WHERE key = 'index_tokens'`); err != nil {
					b.Fatal(err)
				}
				st.Close()
				b.StartTimer()
				if st, err = store.Open(ctx, dir, store.Options{}); err != nil {
					b.Fatal(err)
				}
				st.Close()
			}
		})
	}
}

// BenchmarkOpenPostgres is BenchmarkOpen on PostgreSQL (vectors loaded
// over the connection). Each size's store is built anew: about 25,000
// articles for 100k passages.
func BenchmarkOpenPostgres(b *testing.B) {
	for _, n := range scaleSizes {
		b.Run(fmt.Sprintf("chunks=%d", n), func(b *testing.B) {
			opt := store.Options{DatabaseURL: pgtest.Shared(b)}
			start := time.Now()
			fillScaleStore(b, n, opt, "")
			b.Logf("built in %v", time.Since(start).Round(time.Second))
			b.ResetTimer()
			benchmarkOpen(b, "", opt)
		})
	}
}

func benchmarkOpen(b *testing.B, dir string, opt store.Options) {
	var peak, live uint64
	for b.Loop() {
		st, err := store.Open(context.Background(), dir, opt)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapSys)
		runtime.GC()
		runtime.ReadMemStats(&ms)
		live = ms.HeapAlloc
		st.Close()
		runtime.GC()
		b.StartTimer()
	}
	b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
	b.ReportMetric(float64(live)/1e6, "live-heap-MB")
}

var benchQuestions = []string{
	"火山方舟接入了哪些模型", "DeepSeek-V3的训练成本是多少", "What did OpenAI charge for GPT-4o mini?",
	"阿里云通义千问降价了多少", "Which models did Volcano Engine's Ark host at launch?", "Kimi支持多长的上下文",
	"How much did Amazon invest in Anthropic?", "最新的Qwen开源模型是哪个", "輝達市值蒸發多少", "2024年5月哪些厂商降价",
}

// benchPinyinQuestions name what no passage holds, in Latin letters that
// read as pinyin: each costs the search a lookup of the names in
// characters those readings could be.
var benchPinyinQuestions = []string{
	"How much revenue did Haoxiang report in July?", "What does Ruiyun charge per million tokens?",
	"Who led the Zhongkeyuan round?", "How many users does Tianqiao have?",
}

// BenchmarkSearch compares, on the same store, the hybrid search with its
// two baselines: the vector index queried alone (chromem over the same
// vectors) and a plain FTS5 BM25 query.
func BenchmarkSearch(b *testing.B) {
	ctx := context.Background()
	for _, n := range scaleSizes {
		dir := scaleStore(b, n)
		st, err := store.Open(ctx, dir, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		searcher := searcherOf(b, st)
		aliases := searcher.Aliases()
		qe := st.Embedder().(interface {
			EmbedQuery(ctx context.Context, query string, extra []embed.Term, df embed.DocFreq) ([]float32, error)
		})
		var vecs [][]float32
		var matches []string
		for _, q := range benchQuestions {
			// The question's tokens and its entities' other names, as search
			// reads them.
			terms := corpus.Tokens(q)
			var extra []embed.Term
			for _, e := range aliases.Match(q) {
				for _, name := range e.Names {
					terms = append(terms, corpus.Tokens(name)...)
					extra = append(extra, embed.Term{Text: name, Weight: 0.5})
				}
			}
			df, total, err := st.DocFreq(ctx, terms)
			if err != nil {
				b.Fatal(err)
			}
			v, err := qe.EmbedQuery(ctx, q, extra, func(context.Context, []string) (map[string]int, int, error) { return df, total, nil })
			if err != nil {
				b.Fatal(err)
			}
			vecs = append(vecs, v)
			matches = append(matches, sqldb.FTSMatch(terms))
		}
		b.Run(fmt.Sprintf("chunks=%d/hybrid", n), func(b *testing.B) {
			// Steady state: the first search loads the bilingual table (once
			// per process, measured by corpus/zhen's BenchmarkLoad).
			if _, err := searcher.Search(ctx, benchQuestions[0], search.Options{}); err != nil {
				b.Fatal(err)
			}
			i := 0
			for b.Loop() {
				if _, err := searcher.Search(ctx, benchQuestions[i%len(benchQuestions)], search.Options{}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Run(fmt.Sprintf("chunks=%d/hybrid-pinyin-name", n), func(b *testing.B) {
			i := 0
			for b.Loop() {
				if _, err := searcher.Search(ctx, benchPinyinQuestions[i%len(benchPinyinQuestions)], search.Options{}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Run(fmt.Sprintf("chunks=%d/chromem", n), func(b *testing.B) {
			i := 0
			for b.Loop() {
				if err := st.QueryVectors(ctx, vecs[i%len(vecs)], 40); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Run(fmt.Sprintf("chunks=%d/fts5", n), func(b *testing.B) {
			i := 0
			for b.Loop() {
				rows, err := st.DB().QueryContext(ctx, `SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY rank LIMIT 40`, matches[i%len(matches)])
				if err != nil {
					b.Fatal(err)
				}
				for rows.Next() {
				}
				rows.Close()
				i++
			}
		})
		st.Close()
	}
}

// BenchmarkSearchPostgres is the hybrid search, and its BM25 leg alone,
// on PostgreSQL (BM25 scored in SQL over the postings table): right after
// the bulk load, and once vacuumed, as autovacuum leaves it (the postings
// are then read from their index alone).
func BenchmarkSearchPostgres(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("chunks=%d", n), func(b *testing.B) {
			opt := store.Options{DatabaseURL: pgtest.Shared(b)}
			fillScaleStore(b, n, opt, "")
			st, err := store.Open(ctx, "", opt)
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			searcher := searcherOf(b, st)
			for _, run := range []struct {
				name string
				mode search.Mode
			}{{"fresh/fusion", search.Hybrid}, {"vacuumed/fusion", search.Hybrid}, {"vacuumed/bm25", search.BM25Only}} {
				if run.name == "vacuumed/fusion" {
					if _, err := st.DB().ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
						b.Fatal(err)
					}
				}
				mode := run.mode
				b.Run(run.name, func(b *testing.B) {
					i := 0
					for b.Loop() {
						if _, err := searcher.Search(ctx, benchQuestions[i%len(benchQuestions)], search.Options{Mode: mode}); err != nil {
							b.Fatal(err)
						}
						i++
					}
				})
			}
		})
	}
}
