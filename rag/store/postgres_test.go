package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/feeds"
	"github.com/marketbot/marketbot/rag/search"
	"github.com/marketbot/marketbot/rag/store"
	"github.com/marketbot/marketbot/rag/store/ledger"
	"github.com/marketbot/marketbot/rag/store/pgtest"
	"github.com/marketbot/marketbot/rag/store/sqldb"
)

// openPG opens a store in the PostgreSQL database at url.
func openPG(t testing.TB, url string, opt store.Options) *store.Store {
	t.Helper()
	opt.DatabaseURL = url
	st, err := store.Open(context.Background(), "", opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestBackendsRankAlike: the built-in pack in SQLite and in PostgreSQL
// gives the same BM25 rankings (FTS5's formula, computed in SQL), and the
// dev set scores the same hit@5.
func TestBackendsRankAlike(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes the pack twice and runs the dev set on both")
	}
	lite := builtinStore(t, store.Options{})
	pg := builtinStore(t, store.Options{DatabaseURL: pgtest.Shared(t)})
	qs, err := search.DevSet()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	differ := 0
	for _, q := range qs {
		var top [2][]string
		for i, st := range []*store.Store{lite, pg} {
			ps, err := searcherOf(t, st).Search(ctx, q.Q, search.Options{Top: 5, Mode: search.BM25Only})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				top[i] = append(top[i], fmt.Sprintf("%s %.3f", p.Title, p.Score))
			}
		}
		if d := cmp.Diff(top[0], top[1]); d != "" {
			if differ++; differ <= 5 {
				t.Logf("%s: BM25 top 5 differ (-sqlite +postgres):\n%s", q.Q, d)
			}
		}
	}
	// Scores tied in the fifth place may come in either order.
	if differ > len(qs)/20 {
		t.Errorf("BM25 top 5 differ on %d of %d questions", differ, len(qs))
	}
	var hit5 [2]float64
	for i, st := range []*store.Store{lite, pg} {
		reports, err := searcherOf(t, st).Evaluate(ctx, qs, search.Hybrid)
		if err != nil {
			t.Fatal(err)
		}
		var hits, n float64
		for kind, k := range reports[0].Kinds {
			if kind != "none" {
				hits, n = hits+k.Hit5*float64(k.Questions), n+float64(k.Questions)
			}
		}
		hit5[i] = hits / n
	}
	t.Logf("hybrid hit@5: SQLite %.3f, PostgreSQL %.3f; BM25 top 5 differ on %d of %d questions", hit5[0], hit5[1], differ, len(qs))
	if d := hit5[0] - hit5[1]; d > 0.01 || d < -0.01 {
		t.Errorf("hit@5 SQLite %.3f, PostgreSQL %.3f: more than a point apart", hit5[0], hit5[1])
	}
}

// TestPostgresStore: ingest, change, delete and search, as on SQLite.
func TestPostgresStore(t *testing.T) {
	st := openPG(t, pgtest.Shared(t), store.Options{})
	ctx := context.Background()
	a := mustArticle(t, "/a/doubao.md", "---\ntitle: 豆包大模型降价\npublished: 2024-05-15\n---\n字节跳动的豆包主力模型输入价格降至0.0008元/千Tokens。")
	b := mustArticle(t, "/a/kimi.md", "---\ntitle: Kimi raises funding\npublished: 2024-02-20\n---\nMoonshot AI, the maker of Kimi, raised over one billion dollars.")
	for _, art := range []corpus.Article{a, b} {
		if out, err := st.Put(ctx, art); err != nil || out != store.Added {
			t.Fatalf("Put %s: %v %v", art.Path, out, err)
		}
	}
	if out, err := st.Put(ctx, a); err != nil || out != store.Unchanged {
		t.Fatalf("Put again: %v %v", out, err)
	}
	if got := searchTexts(t, st, "豆包的价格是多少？"); len(got) == 0 || !strings.Contains(got[0], "0.0008") {
		t.Errorf("search: %q", got)
	}
	a.Text = "字节跳动的豆包主力模型输入价格降至0.0005元/千Tokens。"
	if out, err := st.Put(ctx, a); err != nil || out != store.Updated {
		t.Fatalf("Put changed: %v %v", out, err)
	}
	if got := searchTexts(t, st, "豆包的价格是多少？"); len(got) != 1 || !strings.Contains(got[0], "0.0005") {
		t.Errorf("after the update: %q", got)
	}
	if err := st.Delete(ctx, b.Path); err != nil {
		t.Fatal(err)
	}
	if got := searchTexts(t, st, "How much did Moonshot raise for Kimi?"); len(got) != 0 {
		t.Errorf("deleted article still found: %q", got)
	}
	stats, err := st.Stats(ctx)
	if err != nil || stats.Articles != 1 || stats.Chunks != 1 {
		t.Errorf("stats %+v %v", stats, err)
	}
	var postings int
	st.DB().QueryRowContext(ctx, `SELECT count(*) FROM postings p LEFT JOIN chunks c ON c.id = p.chunk_id WHERE c.id IS NULL`).Scan(&postings)
	if postings != 0 {
		t.Errorf("%d postings of deleted passages", postings)
	}
	if err := st.Ledger().RecordFeedback(ctx, "ans1", "U1", 1); err != nil {
		t.Fatal(err)
	}
	st.Ledger().RecordFeedback(ctx, "ans1", "U2", -1)
	st.Ledger().RecordFeedback(ctx, "ans1", "U2", 1)
	if up, down, err := st.Ledger().FeedbackTally(ctx, "ans1"); up != 2 || down != 0 || err != nil {
		t.Errorf("tally %d/%d %v", up, down, err)
	}
	if err := st.Ledger().SaveAnswer(ctx, ledger.AnswerRecord{ID: "ans1", Platform: "slack", User: "U1", Question: "q", Answer: "a", Fallback: true, At: time.Now()}); err != nil {
		t.Errorf("save answer: %v", err)
	}
}

// TestPostgresReplicas: two stores on one database, as two replicas:
// each event is first for one of them, each briefing run and each feed
// interval belongs to one, and passages added or removed through one are
// found (or no longer found) by the other's vectors once it catches up.
func TestPostgresReplicas(t *testing.T) {
	url := pgtest.Shared(t)
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	one, two := openPG(t, url, store.Options{Now: clock}), openPG(t, url, store.Options{Now: clock})
	ctx := context.Background()

	// The same deliveries reach both replicas at once.
	firsts := make([]int, 20)
	var wg sync.WaitGroup
	for _, st := range []*store.Store{one, two, one, two} {
		wg.Go(func() {
			for i := range firsts {
				first, err := st.Ledger().MarkHandled(ctx, fmt.Sprintf("slack:event:Ev%d", i), fmt.Sprintf("slack:message:C1:%d", i))
				if err != nil {
					t.Error(err)
				}
				if first {
					mu.Lock()
					firsts[i]++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	for i, n := range firsts {
		if n != 1 {
			t.Errorf("delivery %d was first %d times, want once", i, n)
		}
	}

	run := ledger.BriefingRun{Target: "morning", Slot: now, Since: now.Add(-24 * time.Hour), Until: now}
	claims := 0
	for _, st := range []*store.Store{one, two} {
		if ok, err := st.Ledger().ClaimBriefing(ctx, run); err != nil {
			t.Fatal(err)
		} else if ok {
			claims++
		}
	}
	if claims != 1 {
		t.Errorf("the briefing run was claimed %d times", claims)
	}
	// Its runner dies without finishing it: the next run is not held up,
	// and the dead run can be taken over once it is stale.
	next := ledger.BriefingRun{Target: "morning", Slot: now.Add(24 * time.Hour), Since: now, Until: now.Add(24 * time.Hour)}
	if ok, err := two.Ledger().ClaimBriefing(ctx, next); !ok || err != nil {
		t.Errorf("the next run could not be claimed while the last is unfinished: %v %v", ok, err)
	}
	if ok, _ := two.Ledger().ClaimBriefing(ctx, run); ok {
		t.Error("a run just started was taken over")
	}
	mu.Lock()
	now = now.Add(11 * time.Minute)
	mu.Unlock()
	if ok, _ := two.Ledger().ClaimBriefing(ctx, run); !ok {
		t.Error("a run left running by a dead replica could not be taken over")
	}

	feed := feeds.Feed{URL: "https://example.com/feed.xml", Every: 30 * time.Minute}
	if ok, err := one.Ledger().ClaimFeed(ctx, feed.URL, feed.Every); !ok || err != nil {
		t.Fatalf("first claim: %v %v", ok, err)
	}
	if ok, _ := two.Ledger().ClaimFeed(ctx, feed.URL, feed.Every); ok {
		t.Error("the second replica took a feed the first holds")
	}
	if ok, _ := one.Ledger().ClaimFeed(ctx, feed.URL, feed.Every); !ok {
		t.Error("the holder could not renew its claim")
	}
	mu.Lock()
	now = now.Add(31 * time.Minute) // the holder died
	mu.Unlock()
	if ok, _ := two.Ledger().ClaimFeed(ctx, feed.URL, feed.Every); !ok {
		t.Error("the feed stayed taken after its holder's time was up")
	}

	// Vectors follow the other replica's writes.
	a := mustArticle(t, "/a/ark.md", "---\ntitle: 火山方舟接入DeepSeek\npublished: 2025-02-13\n---\n火山方舟上线DeepSeek-R1与V3模型，提供500万TPM的初始限流。")
	if _, err := one.Put(ctx, a); err != nil {
		t.Fatal(err)
	}
	vectorHits := func(st *store.Store) int {
		ps, err := searcherOf(t, st).Search(ctx, "火山方舟接入了哪些DeepSeek模型？", search.Options{Top: 5, Mode: search.VectorOnly})
		if err != nil {
			t.Fatal(err)
		}
		return len(ps)
	}
	if n := vectorHits(two); n != 0 {
		t.Fatalf("the second replica found %d passages before catching up", n)
	}
	if err := two.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if n := vectorHits(two); n != 1 {
		t.Errorf("after catching up the second replica finds %d passages, want 1", n)
	}
	if err := one.Delete(ctx, a.Path); err != nil {
		t.Fatal(err)
	}
	two.CatchUp(ctx)
	if n := two.VectorCount(); n != 0 {
		t.Errorf("the second replica's vectors hold %d passages after the article was deleted", n)
	}
}

// TestPostgresFollowWithinSeconds: Follow applies another replica's
// ingest to the vectors within its interval.
func TestPostgresFollowWithinSeconds(t *testing.T) {
	url := pgtest.Shared(t)
	one, two := openPG(t, url, store.Options{}), openPG(t, url, store.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go two.Follow(ctx, 100*time.Millisecond, nil)
	start := time.Now()
	if _, err := one.Put(ctx, mustArticle(t, "/a/qwen.md", "---\ntitle: Qwen3 released\n---\nAlibaba released Qwen3 with open weights.")); err != nil {
		t.Fatal(err)
	}
	for two.VectorCount() == 0 {
		if time.Since(start) > 5*time.Second {
			t.Fatal("the other replica did not see the passage within 5 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("seen by the other replica after %v", time.Since(start).Round(time.Millisecond))
}

// TestPostgresMigratesOnce: replicas starting together on an empty
// database all open it, and each migration is applied once.
func TestPostgresMigratesOnce(t *testing.T) {
	url := pgtest.Shared(t)
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() { openPG(t, url, store.Options{}) })
	}
	wg.Wait()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n, max int
	if err := db.QueryRow(`SELECT count(*), max(version) FROM schema_migrations`).Scan(&n, &max); err != nil {
		t.Fatal(err)
	}
	if n != sqldb.PostgresSchemaVersion() || max != sqldb.PostgresSchemaVersion() {
		t.Errorf("%d migrations recorded, up to version %d; want %d", n, max, sqldb.PostgresSchemaVersion())
	}
}

// TestPostgresConnectionErrors: what is wrong with the database URL is
// said plainly, without the password.
func TestPostgresConnectionErrors(t *testing.T) {
	url := pgtest.Shared(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	missing := url[:strings.LastIndex(url, "/")] + "/no_such_db?sslmode=disable"
	for _, tc := range []struct{ url, want string }{
		{"postgres://u:hunter2@[::1", "not a valid PostgreSQL URL"},
		{"postgres://u:hunter2@" + closed + "/db?sslmode=disable&connect_timeout=2", "unreachable"},
		{missing, "does not exist"},
	} {
		_, err := store.Open(context.Background(), "", store.Options{DatabaseURL: tc.url, Pool: sqldb.PoolOptions{ConnectTimeout: 2 * time.Second}})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error saying %q", tc.url, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("the error shows the password: %v", err)
		}
	}
}

// TestCopyStoreToPostgres: a SQLite store copied into PostgreSQL answers
// the same (BM25 and vectors, reloaded from the copy), keeps its ids and
// ledger, and copying again changes nothing but what changed.
func TestCopyStoreToPostgres(t *testing.T) {
	ctx := context.Background()
	lite := builtinStore(t, store.Options{})
	if _, err := lite.Ledger().MarkHandled(ctx, "slack:event:Ev1"); err != nil {
		t.Fatal(err)
	}
	lite.Ledger().SaveAnswer(ctx, ledger.AnswerRecord{ID: "a1", Platform: "slack", User: "U1", Question: "q", Answer: "a", Fallback: true, At: time.Now()})
	lite.Ledger().RecordFeedback(ctx, "a1", "U1", 1)
	lite.Ledger().ClaimBriefing(ctx, ledger.BriefingRun{Target: "morning", Slot: time.Unix(1_750_000_000, 0), Until: time.Unix(1_750_000_000, 0)})
	url := pgtest.Shared(t)
	pg := openPG(t, url, store.Options{})
	sum, err := store.Copy(ctx, pg, lite, nil)
	if err != nil {
		t.Fatal(err)
	}
	stats, _ := lite.Stats(ctx)
	if sum.Articles != stats.Articles || sum.Passages != stats.Chunks || sum.Rows != 4 {
		t.Errorf("copied %+v, the source holds %+v and 4 ledger rows", sum, stats)
	}
	reopened := openPG(t, url, store.Options{}) // loads the copied vectors
	for _, mode := range []search.Mode{search.BM25Only, search.VectorOnly, search.Hybrid} {
		for _, q := range []string{"火山方舟接入了哪些模型？", "How much did Moonshot AI raise?", "DeepSeek-R1什么时候发布的？"} {
			var got [2][]string
			for i, st := range []*store.Store{lite, reopened} {
				ps, err := searcherOf(t, st).Search(ctx, q, search.Options{Top: 5, Mode: mode})
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range ps {
					got[i] = append(got[i], fmt.Sprintf("%d %s", p.ArticleID, p.Title))
				}
			}
			if d := cmp.Diff(got[0], got[1]); d != "" || len(got[0]) == 0 {
				t.Errorf("%v %s: (-sqlite +copy):\n%s", mode, q, d)
			}
		}
	}
	if first, _ := reopened.Ledger().MarkHandled(ctx, "slack:event:Ev1"); first {
		t.Error("a delivery handled before the copy is new again")
	}
	if up, _, _ := reopened.Ledger().FeedbackTally(ctx, "a1"); up != 1 {
		t.Errorf("feedback not copied: %d", up)
	}
	again, err := store.Copy(ctx, pg, lite, nil)
	if err != nil || again.Articles != 0 || again.Unchanged != stats.Articles || again.Rows != 0 {
		t.Errorf("second copy: %+v %v, want nothing copied", again, err)
	}
	// New articles in PostgreSQL get ids after the copied ones.
	if _, err := reopened.Put(ctx, mustArticle(t, "/new.md", "---\ntitle: New\n---\nA new article about GLM-4.5 pricing.")); err != nil {
		t.Errorf("an article ingested after the copy: %v", err)
	}
}

// TestPostgresReplicasIngestTogether: replicas starting together on an
// empty database all index the built-in pack; each article is stored once.
func TestPostgresReplicasIngestTogether(t *testing.T) {
	url := pgtest.Shared(t)
	articles, err := corpus.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			st := openPG(t, url, store.Options{})
			if _, err := store.IngestArticles(context.Background(), st, articles, store.IngestOptions{}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	st := openPG(t, url, store.Options{})
	stats, err := st.Stats(context.Background())
	if err != nil || stats.Articles != len(articles) {
		t.Errorf("%d articles stored (%v), want %d", stats.Articles, err, len(articles))
	}
}

func TestPostgresTurns(t *testing.T) {
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	testTurns(t, openPG(t, pgtest.Shared(t), store.Options{Now: func() time.Time { return now }}), &now)
}
