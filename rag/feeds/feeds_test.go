package feeds

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marketbot/marketbot/rag/prom"
	"github.com/marketbot/marketbot/rag/search"
	"github.com/marketbot/marketbot/rag/store"

	"github.com/marketbot/marketbot/rag/clocktest"
	"github.com/marketbot/marketbot/rag/fetch"
)

// feedServer serves an RSS feed whose items the test sets, with an ETag.
type feedServer struct {
	mu      sync.Mutex
	items   []string // <item> elements
	version int
	fail    bool
	hits    int
	srv     *httptest.Server
}

func newFeedServer(t *testing.T) *feedServer {
	f := &feedServer{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.hits++
		if strings.HasPrefix(r.URL.Path, "/page/") {
			fmt.Fprintf(w, `<html><head><title>Full page</title></head><body><article><p>%s</p><p>The full story has many more details than the summary, with figures and quotes from the announcement.</p></article></body></html>`, r.URL.Path)
			return
		}
		if f.fail {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		etag := fmt.Sprintf(`"v%d"`, f.version)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Test Wire</title>%s</channel></rss>`, strings.Join(f.items, ""))
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *feedServer) set(items ...string) {
	f.mu.Lock()
	f.items = items
	f.version++
	f.mu.Unlock()
}

func rssItem(link, title, text, date string) string {
	return fmt.Sprintf(`<item><title>%s</title><link>%s</link><guid>%s</guid><pubDate>%s</pubDate><description>%s</description></item>`, title, link, link, date, text)
}

func TestSyncFeed(t *testing.T) {
	ctx := context.Background()
	st := openTestStore(t)
	fs := newFeedServer(t)
	f := fetch.New(fetch.Options{AllowPrivate: true})
	feed := Feed{URL: fs.srv.URL + "/rss", Every: time.Hour}
	fs.set(rssItem("https://news.example/1", "DeepSeek releases V3", "DeepSeek released V3, a 671B MoE model, on December 26, 2024.", "Thu, 26 Dec 2024 10:00:00 +0800"),
		rssItem("https://news.example/2", "Kimi K2 is open", "Moonshot AI open-sourced Kimi K2 on July 11, 2025.", "Fri, 11 Jul 2025 09:00:00 +0800"))
	res, err := Sync(ctx, st, st.Ledger(), f, feed)
	if err != nil || res.Added != 2 || res.Title != "Test Wire" {
		t.Fatalf("first sync: %+v, %v", res, err)
	}
	res, err = Sync(ctx, st, st.Ledger(), f, feed)
	if err != nil || !res.NotModified || res.Added != 0 {
		t.Errorf("unchanged feed: %+v, %v; want a 304", res, err)
	}
	// A new item; an old one again; the same story under a new link.
	fs.set(rssItem("https://news.example/1", "DeepSeek releases V3", "DeepSeek released V3, a 671B MoE model, on December 26, 2024.", "Thu, 26 Dec 2024 10:00:00 +0800"),
		rssItem("https://news.example/2-amp", "Kimi K2 is open", "Moonshot AI open-sourced Kimi K2 on July 11, 2025.", "Fri, 11 Jul 2025 09:00:00 +0800"),
		rssItem("https://news.example/3", "Qwen3 arrives", "Alibaba released Qwen3 on April 29, 2025.", "Tue, 29 Apr 2025 12:00:00 +0800"))
	res, err = Sync(ctx, st, st.Ledger(), f, feed)
	if err != nil || res.Added != 1 || res.Unchanged != 1 || res.Duplicates != 1 {
		t.Errorf("changed feed: %+v, %v; want 1 added, 1 unchanged, 1 duplicate", res, err)
	}
	stats, _ := st.Stats(ctx)
	if stats.Articles != 3 {
		t.Errorf("%d articles stored, want 3", stats.Articles)
	}
	ps, _ := st.Search(ctx, "Qwen3 released", search.Options{Top: 1})
	if len(ps) == 0 || ps[0].Path != "https://news.example/3" || ps[0].Source != "Test Wire" || ps[0].Published.Format(time.RFC3339) != "2025-04-29T12:00:00+08:00" {
		t.Errorf("feed item in search: %+v", ps)
	}

	fs.mu.Lock()
	fs.fail = true
	fs.mu.Unlock()
	if _, err := Sync(ctx, st, st.Ledger(), f, feed); err == nil || !strings.Contains(err.Error(), "502") {
		t.Errorf("broken feed: %v", err)
	}
	h, _ := st.Ledger().FeedHealth(ctx, feed.URL)
	if h.Failures != 1 || !strings.Contains(h.LastError, "502") || h.LastOK.IsZero() {
		t.Errorf("health after a failure: %+v", h)
	}
}

func TestSyncFeedFullText(t *testing.T) {
	ctx := context.Background()
	st := openTestStore(t)
	fs := newFeedServer(t)
	fs.set(rssItem(fs.srv.URL+"/page/baichuan", "Baichuan 4", "Short summary.", "Wed, 22 May 2024 10:00:00 +0800"))
	res, err := Sync(ctx, st, st.Ledger(), fetch.New(fetch.Options{AllowPrivate: true}), Feed{URL: fs.srv.URL + "/rss", FullText: true})
	if err != nil || res.Added != 1 {
		t.Fatalf("sync: %+v, %v", res, err)
	}
	if got := searchTexts(t, st, "full story figures"); len(got) == 0 || !strings.Contains(got[0], "many more details") {
		t.Errorf("full text not stored: %q", got)
	}
	// Polled again with the item unchanged (a new feed version: no 304):
	// unchanged, its page not fetched again, the full text kept.
	fs.set(rssItem(fs.srv.URL+"/page/baichuan", "Baichuan 4", "Short summary.", "Wed, 22 May 2024 10:00:00 +0800"))
	hits := fs.hits
	res, err = Sync(ctx, st, st.Ledger(), fetch.New(fetch.Options{AllowPrivate: true}), Feed{URL: fs.srv.URL + "/rss", FullText: true})
	if err != nil || res.Unchanged != 1 || res.Updated != 0 || fs.hits != hits+1 {
		t.Errorf("re-poll: %+v, %v, %d requests; want unchanged, the feed fetched and not the page", res, err, fs.hits-hits)
	}
	if got := searchTexts(t, st, "full story figures"); len(got) == 0 || !strings.Contains(got[0], "many more details") {
		t.Errorf("full text lost on a re-poll: %q", got)
	}
	// The item changes in the feed: its page is read again.
	fs.set(rssItem(fs.srv.URL+"/page/baichuan", "Baichuan 4 released", "Short summary, revised.", "Wed, 22 May 2024 10:00:00 +0800"))
	res, err = Sync(ctx, st, st.Ledger(), fetch.New(fetch.Options{AllowPrivate: true}), Feed{URL: fs.srv.URL + "/rss", FullText: true})
	if err != nil || res.Updated != 1 {
		t.Errorf("changed item: %+v, %v; want updated", res, err)
	}
}

func TestIngestURL(t *testing.T) {
	ctx := context.Background()
	st := openTestStore(t)
	fs := newFeedServer(t)
	fs.set(rssItem("https://news.example/9", "Zhipu GLM-4.5", "Zhipu released GLM-4.5 under the MIT license.", "Mon, 28 Jul 2025 10:00:00 +0800"))
	f := fetch.New(fetch.Options{AllowPrivate: true})
	sum, err := IngestURL(ctx, st, st.Ledger(), f, fs.srv.URL+"/rss")
	if err != nil || sum.Added != 1 {
		t.Errorf("feed URL: %+v, %v", sum, err)
	}
	sum, err = IngestURL(ctx, st, st.Ledger(), f, fs.srv.URL+"/page/minimax")
	if err != nil || sum.Added != 1 {
		t.Errorf("page URL: %+v, %v", sum, err)
	}
	sum, _ = IngestURL(ctx, st, st.Ledger(), fetch.New(fetch.Options{}), fs.srv.URL+"/rss")
	if len(sum.Failed) != 1 || !strings.Contains(sum.Failed[0].Err.Error(), "not allowed") {
		t.Errorf("loopback without permission: %+v", sum)
	}
}

func TestFeedLoopRetriesAndKeepsGoing(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := openTestStore(t)
	good, bad := newFeedServer(t), newFeedServer(t)
	good.set(rssItem("https://news.example/a", "A", "Story A about DeepSeek.", "Thu, 26 Dec 2024 10:00:00 +0800"))
	bad.mu.Lock()
	bad.fail = true
	bad.mu.Unlock()
	clock := clocktest.New(time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC))
	var mu sync.Mutex
	synced := map[string]int{}
	errs := map[string]int{}
	reg := prom.NewRegistry()
	store.RegisterMetrics(reg, st.Store)
	loop := &Loop{Store: st, Ledger: st.Ledger(), Fetcher: fetch.New(fetch.Options{AllowPrivate: true}), Clock: clock, Metrics: NewMetrics(reg),
		Feeds: []Feed{{URL: bad.srv.URL + "/rss", Every: 30 * time.Minute}, {URL: good.srv.URL + "/rss", Every: 30 * time.Minute}},
		Synced: func(r Result, err error) {
			mu.Lock()
			defer mu.Unlock()
			synced[r.URL]++
			if err != nil {
				errs[r.URL]++
			}
		}}
	done := make(chan struct{})
	go func() { loop.Run(ctx); close(done) }()
	step := func(d time.Duration) {
		if !clock.WaitForWaiters(1, 5*time.Second) {
			t.Fatal("the loop is not waiting")
		}
		clock.Advance(d)
	}
	step(time.Minute)     // the bad feed's first retry (1 min)
	step(2 * time.Minute) // second retry (2 min)
	step(27 * time.Minute)
	clock.WaitForWaiters(1, 5*time.Second)
	mu.Lock()
	defer mu.Unlock()
	if errs[bad.srv.URL+"/rss"] < 3 {
		t.Errorf("bad feed tried %d times with backoff, want ≥ 3", errs[bad.srv.URL+"/rss"])
	}
	if synced[good.srv.URL+"/rss"] != 2 || errs[good.srv.URL+"/rss"] != 0 {
		t.Errorf("good feed synced %d times (errors %d), want 2: at start and after its 30 minutes", synced[good.srv.URL+"/rss"], errs[good.srv.URL+"/rss"])
	}
	// "name{label="value"} 1" → metrics["name/value"] = 1
	metrics := map[string]float64{}
	sample := regexp.MustCompile(`^(\w+)(?:\{\w+="([^"]*)"\})? (\S+)$`)
	for _, line := range strings.Split(reg.Text("marketbot_feed_syncs_total", "marketbot_feed_items_total", "marketbot_store_articles", "marketbot_store_passages", "marketbot_store_bytes"), "\n") {
		if m := sample.FindStringSubmatch(line); m != nil {
			name := m[1]
			if m[2] != "" {
				name += "/" + m[2]
			}
			metrics[name], _ = strconv.ParseFloat(m[3], 64)
		}
	}
	wantErrors := float64(errs[bad.srv.URL+"/rss"])
	for name, want := range map[string]float64{"marketbot_feed_syncs_total/error": wantErrors, "marketbot_feed_items_total/added": 1,
		"marketbot_store_articles": 1, "marketbot_store_passages": 1} {
		if metrics[name] != want {
			t.Errorf("%s = %v, want %v", name, metrics[name], want)
		}
	}
	if metrics["marketbot_feed_syncs_total/ok"]+metrics["marketbot_feed_syncs_total/not_modified"] != 2 || metrics["marketbot_store_bytes"] < 4096 {
		t.Errorf("metrics = %v", metrics)
	}
	cancel()
	clock.Advance(time.Hour)
	<-done
}
