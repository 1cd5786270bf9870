package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/embed"
	"github.com/marketbot/marketbot/rag/search"
	"github.com/marketbot/marketbot/rag/store"
	"github.com/marketbot/marketbot/rag/store/ledger"
	"github.com/marketbot/marketbot/rag/store/sqldb"
)

func openTestStore(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func summaryCounts(s store.IngestSummary) [5]int {
	return [5]int{s.Added, s.Updated, s.Unchanged, len(s.Failed), s.Pruned}
}

func TestIngestIsIdempotentAndDetectsChanges(t *testing.T) {
	ctx := context.Background()
	st := openTestStore(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.md"), article("Doubao price cut", "2024-05-15", "ByteDance priced Doubao at 0.0008 yuan per thousand tokens."))
	writeFile(t, filepath.Join(dir, "sub/b.md"), article("Qwen price cut", "2024-05-21", "Alibaba Cloud cut Qwen-Long prices by 97 percent."))
	writeFile(t, filepath.Join(dir, "sub/c.txt"), "Kimi context\n\nMoonshot's Kimi reads two million characters.")

	sum, err := store.Ingest(ctx, st, []string{dir}, store.IngestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := summaryCounts(sum), [5]int{3, 0, 0, 0, 0}; got != want {
		t.Fatalf("first ingest (added, updated, unchanged, failed, pruned) = %v, want %v", got, want)
	}
	before := searchIDs(t, st, "Doubao")

	sum, err = store.Ingest(ctx, st, []string{dir}, store.IngestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := summaryCounts(sum), [5]int{0, 0, 3, 0, 0}; got != want || sum.Chunks != 0 {
		t.Fatalf("re-ingest = %v with %d passages written, want %v and none", got, sum.Chunks, want)
	}

	writeFile(t, filepath.Join(dir, "a.md"), article("Doubao price cut", "2024-05-15", "ByteDance later priced Doubao 1.5 Pro at 0.8 yuan per million tokens."))
	sum, err = store.Ingest(ctx, st, []string{dir}, store.IngestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := summaryCounts(sum), [5]int{0, 1, 2, 0, 0}; got != want {
		t.Fatalf("ingest after a change = %v, want %v", got, want)
	}
	if got := searchTexts(t, st, "0.0008"); len(got) != 0 {
		t.Errorf("old text still found after the change: %q", got)
	}
	if got := searchTexts(t, st, "Doubao 1.5 Pro million"); len(got) == 0 || !strings.Contains(got[0], "0.8 yuan per million") {
		t.Errorf("new text not found: %q", got)
	}
	if after := searchIDs(t, st, "Doubao"); after[0] != before[0] {
		t.Errorf("article id changed from %d to %d on update", before[0], after[0])
	}
	stats, err := st.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Articles != 3 || stats.Chunks != 3 {
		t.Errorf("stats = %+v, want 3 articles in 3 passages", stats)
	}
}

func TestIngestReportsBadFilesAndGoesOn(t *testing.T) {
	ctx := context.Background()
	st := openTestStore(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "good.md"), article("Good", "2024-01-01", "DeepSeek released V3 in December 2024."))
	writeFile(t, filepath.Join(dir, "broken.md"), "---\ntitle: never closed\n\nbody")
	writeFile(t, filepath.Join(dir, "binary.txt"), "\x00\x01\x02PNG")
	var progress []string
	sum, err := store.Ingest(ctx, st, []string{dir, filepath.Join(dir, "missing")}, store.IngestOptions{
		Progress: func(p store.Progress) { progress = append(progress, fmt.Sprintf("%d/%d", p.Done, p.Total)) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Added != 1 || len(sum.Failed) != 3 {
		t.Fatalf("added %d, failed %v; want 1 added, 3 failed", sum.Added, sum.Failed)
	}
	reasons := map[string]string{}
	for _, f := range sum.Failed {
		reasons[filepath.Base(f.Path)] = f.Err.Error()
	}
	for name, reason := range map[string]string{"broken.md": "never closed", "binary.txt": "binary", "missing": "no such file"} {
		if !strings.Contains(reasons[name], reason) {
			t.Errorf("failure for %s = %q, want it to say %q", name, reasons[name], reason)
		}
	}
	if d := cmp.Diff([]string{"1/3", "2/3", "3/3"}, progress); d != "" {
		t.Errorf("progress (-want +got):\n%s", d)
	}
}

func TestIngestPrune(t *testing.T) {
	ctx := context.Background()
	st := openTestStore(t)
	dir, other := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(dir, "keep.md"), article("Keep", "2024-01-01", "Zhipu AI released GLM-4."))
	writeFile(t, filepath.Join(dir, "gone.md"), article("Gone", "2024-01-02", "Baichuan released Baichuan 4."))
	writeFile(t, filepath.Join(other, "elsewhere.md"), article("Elsewhere", "2024-01-03", "MiniMax released abab 6.5."))
	if _, err := store.Ingest(ctx, st, []string{dir, other}, store.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "gone.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(other, "elsewhere.md")); err != nil {
		t.Fatal(err)
	}
	sum, err := store.Ingest(ctx, st, []string{dir}, store.IngestOptions{})
	if err != nil || sum.Pruned != 0 {
		t.Fatalf("without --prune: pruned %d, err %v", sum.Pruned, err)
	}
	sum, err = store.Ingest(ctx, st, []string{dir}, store.IngestOptions{Prune: true})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Pruned != 1 {
		t.Errorf("pruned %d, want 1 (only under the given path)", sum.Pruned)
	}
	paths, err := st.Paths(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "keep.md"), filepath.Join(other, "elsewhere.md")}
	if d := cmp.Diff(want, paths, sortStrings); d != "" {
		t.Errorf("paths after prune (-want +got):\n%s", d)
	}
	if got := searchTexts(t, st, "Baichuan"); len(got) != 0 {
		t.Errorf("pruned article still found: %q", got)
	}
}

func TestOpenStoreIsReopenable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for range 2 {
		st, err := store.Open(ctx, dir, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Put(ctx, mustArticle(t, "x.md", article("T", "2024-01-01", "Text."))); err != nil {
			t.Fatal(err)
		}
		stats, err := st.Stats(ctx)
		st.Close()
		if err != nil || stats.Articles != 1 {
			t.Fatalf("stats after reopening = %+v, %v; want 1 article", stats, err)
		}
	}
}

func TestOpenStoreRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, `PRAGMA user_version = 99`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, err := store.Open(ctx, dir, store.Options{}); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("OpenStore on a newer schema: %v", err)
	}
}

// TestTurns: a thread's last turns, oldest first, forgotten after its
// silence outlasts the ttl.
func TestTurns(t *testing.T) {
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	st, err := store.Open(context.Background(), t.TempDir(), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	testTurns(t, st, &now)
}

func testTurns(t *testing.T, st *store.Store, now *time.Time) {
	ctx := context.Background()
	for i := range 7 {
		if err := st.Ledger().AddTurn(ctx, "slack:C1:1.1", ledger.Turn{Question: fmt.Sprint("q", i), Answer: fmt.Sprint("a", i)}); err != nil {
			t.Fatal(err)
		}
	}
	st.Ledger().AddTurn(ctx, "slack:C2:2.2", ledger.Turn{Question: "other"})
	turns, err := st.Ledger().Turns(ctx, "slack:C1:1.1", 5, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var qs []string
	for _, tu := range turns {
		qs = append(qs, tu.Question)
	}
	if diff := cmp.Diff([]string{"q2", "q3", "q4", "q5", "q6"}, qs); diff != "" {
		t.Errorf("turns (-want +got):\n%s", diff)
	}
	*now = now.Add(25 * time.Hour)
	if turns, _ := st.Ledger().Turns(ctx, "slack:C1:1.1", 5, 24*time.Hour); turns != nil {
		t.Errorf("a thread silent for a day still has turns: %v", turns)
	}
}

// countingEmbedder counts the texts it embeds.
type countingEmbedder struct {
	*embed.Local
	texts atomic.Int64
	fail  atomic.Int64 // fail after this many more calls when > 0
}

func (c *countingEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if c.fail.Load() > 0 && c.fail.Add(-1) == 0 {
		return nil, errors.New("embedding endpoint down")
	}
	c.texts.Add(int64(len(texts)))
	return c.Local.Embed(ctx, texts)
}

func TestVectorsAreLoadedNotRecomputed(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	emb := &countingEmbedder{Local: embed.NewLocal(256)}
	st, err := store.Open(ctx, dir, store.Options{Embedder: emb})
	if err != nil {
		t.Fatal(err)
	}
	articles, _ := corpus.Builtin()
	if _, err := store.IngestArticles(ctx, st, articles[:10], store.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	embedded := emb.texts.Load()
	st, err = store.Open(ctx, dir, store.Options{Embedder: emb})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if emb.texts.Load() != embedded {
		t.Errorf("opening the store embedded %d passages again", emb.texts.Load()-embedded)
	}
	if st.VectorCount() == 0 {
		t.Fatal("no vectors loaded")
	}
	var q string
	for _, a := range articles[:10] {
		if strings.Contains(a.Title, "GPT-4") {
			q = a.Title
		}
	}
	ps, err := searcherOf(t, st).Search(ctx, q, search.Options{Mode: search.VectorOnly})
	if err != nil || len(ps) == 0 || ps[0].Title != q {
		t.Errorf("vector search for %q after reopening: %v, %v", q, titles(ps), err)
	}
}

func TestEmbedderMismatchAndReindex(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, dir, store.Options{Embedder: embed.NewLocal(512)})
	if err != nil {
		t.Fatal(err)
	}
	articles, _ := corpus.Builtin()
	if _, err := store.IngestArticles(ctx, st, articles[:8], store.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	_, err = store.Open(ctx, dir, store.Options{Embedder: embed.NewLocal(128)})
	if err == nil || !strings.Contains(err.Error(), "512 dims") || !strings.Contains(err.Error(), "128 dims") || !strings.Contains(err.Error(), "marketbot reindex") {
		t.Fatalf("opening with another embedder: %v; want both named and the reindex command", err)
	}

	// A reindex that fails half-way leaves a store that says so...
	failing := &countingEmbedder{Local: embed.NewLocal(128)}
	failing.fail.Store(4)
	st, err = store.Open(ctx, dir, store.Options{Embedder: failing, Reindex: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Reindex(ctx, nil); err == nil {
		t.Fatal("reindex with a failing embedder succeeded")
	}
	st.Close()
	if _, err := store.Open(ctx, dir, store.Options{Embedder: embed.NewLocal(128)}); err == nil || !strings.Contains(err.Error(), "reindex") {
		t.Fatalf("opening a half-reindexed store: %v", err)
	}
	// ...and running it again finishes the job.
	st, err = store.Open(ctx, dir, store.Options{Embedder: embed.NewLocal(128), Reindex: true})
	if err != nil {
		t.Fatal(err)
	}
	n, err := st.Reindex(ctx, nil)
	st.Close()
	if err != nil || n == 0 {
		t.Fatalf("resumed reindex: %d passages, %v", n, err)
	}
	st, err = store.Open(ctx, dir, store.Options{Embedder: embed.NewLocal(128)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stats, _ := st.Stats(ctx)
	if st.VectorCount() != stats.Chunks {
		t.Errorf("%d vectors loaded for %d passages", st.VectorCount(), stats.Chunks)
	}
}

// fakeEmbeddingsServer speaks the OpenAI /embeddings wire format, with
// vectors from the local embedder so that similarity means something.
func fakeEmbeddingsServer(t *testing.T, requests *atomic.Int64) *httptest.Server {
	local := embed.NewLocal(64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		var req struct {
			Input []string `json:"input"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		vecs, _ := local.Embed(r.Context(), req.Input)
		var data []map[string]any
		for i := len(vecs) - 1; i >= 0; i-- { // out of order, as servers may answer
			data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": vecs[i]})
		}
		json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestStoreWithOpenAICompatibleEmbedder(t *testing.T) {
	var requests atomic.Int64
	srv := fakeEmbeddingsServer(t, &requests)
	emb := embed.NewOpenAI(embed.OpenAIConfig{BaseURL: srv.URL + "/v1", APIKey: "sk-test", Model: "fake-embed"})
	st := builtinStore(t, store.Options{Embedder: emb})
	rec, err := st.EmbedderRecord(context.Background())
	if err != nil || rec != (embed.Info{Name: "openai", Model: "fake-embed", Dims: 64}) {
		t.Errorf("recorded embedder = %+v, %v; want the dimensions learned from the first response", rec, err)
	}
	ps, err := searcherOf(t, st).Search(context.Background(), "GPT-4o mini price per million input tokens", search.Options{Mode: search.VectorOnly})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) < 3 || !strings.Contains(ps[0].Title+ps[1].Title+ps[2].Title, "GPT-4o mini") {
		t.Errorf("vector search through the endpoint: %v", titles(ps))
	}
	if requests.Load() == 0 {
		t.Error("the endpoint was never called")
	}
	_ = filepath.Join
}

// TestDocFreqScansBigramsOfOneCharacter: several Han terms beginning with
// one character are read with one scan of the vocabulary; the counts are
// those of one lookup each.
func TestDocFreqScansBigramsOfOneCharacter(t *testing.T) {
	ctx := context.Background()
	st := openTestStore(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.md"), article("宏冷科技营收创新高", "2026-08-05", "宏冷科技公布7月营收，宏观环境偏弱。"))
	writeFile(t, filepath.Join(dir, "b.md"), article("液冷需求", "2026-08-06", "宏冷与同业的液冷订单增加。"))
	if _, err := store.Ingest(ctx, st, []string{dir}, store.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	terms := []string{"宏冷", "宏观", "宏大", "宏伟", "营收", "液冷", "hongleng"}
	got, _, err := st.DocFreq(ctx, terms)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, term := range terms {
		one, _, err := st.DocFreq(ctx, []string{term})
		if err != nil {
			t.Fatal(err)
		}
		want[term] = one[term]
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DocFreq of many terms differs from one lookup each (-want +got):\n%s", diff)
	}
	if want["宏冷"] != 2 || want["宏观"] != 1 || want["宏大"] != 0 {
		t.Errorf("lookups %v: want 宏冷 in 2 passages, 宏观 in 1, 宏大 in none", want)
	}
}

// TestRetokenizeAnOlderStore: a store whose lexical index (and local
// vectors) were built under older tokenizing rules is indexed again when
// it opens, as a store built today would be: "A轮" is found by its "a".
func TestRetokenizeAnOlderStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []corpus.Article{
		mustArticle(t, "/a.md", "---\ntitle: 甲公司\npublished: 2025-08-07\n---\n甲公司完成A轮融资，金额1亿元。"),
		mustArticle(t, "/b.md", "---\ntitle: 乙公司\npublished: 2025-08-07\n---\n乙公司完成B轮融资，金额2亿元。"),
	} {
		if _, err := st.Put(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	vectorsOf := func() [][]byte {
		var out [][]byte
		rows, err := st.DB().QueryContext(ctx, `SELECT embedding FROM chunks ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var b []byte
			if err := rows.Scan(&b); err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
		return out
	}
	want := vectorsOf()
	// What an older binary left: no "a" in the index, other vectors, no
	// record of the rules.
	if _, err := st.DB().ExecContext(ctx, `INSERT INTO chunks_fts (chunks_fts) VALUES ('delete-all');
		UPDATE chunks SET embedding = zeroblob(length(embedding));
		DELETE FROM meta WHERE key = 'index_tokens'`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	var logged bytes.Buffer
	if st, err = store.Open(ctx, dir, store.Options{Log: slog.New(slog.NewTextHandler(&logged, nil))}); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if !strings.Contains(logged.String(), "passages=2") {
		t.Errorf("log %q: want the passages indexed again counted", logged.String())
	}
	got, err := st.BM25(ctx, []string{"a", "轮融"}, sqldb.Period{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Article >= got[1].Article {
		t.Errorf("BM25(a 轮融) = %+v, want both articles, the Series A one first", got)
	}
	if d := cmp.Diff(want, vectorsOf()); d != "" {
		t.Errorf("local vectors after reopening differ from a fresh store's (-want +got):\n%s", d)
	}
}
