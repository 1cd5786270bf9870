package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marketbot/marketbot/rag/clocktest"
	"github.com/marketbot/marketbot/rag/search"
	"github.com/marketbot/marketbot/rag/store"
)

// TestBriefingsEndToEnd runs "marketbot serve" with a configuration of two
// feeds (one broken) and a Slack and a Feishu briefing target, all pointed
// at local fakes, on a fake clock: the feed is synced, both targets get a
// cited briefing at 09:00, a restart posts nothing twice, a run missed
// while down is caught up, and a feed item repeating a stored story is not
// stored or briefed again.
func TestBriefingsEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs serve several times")
	}
	var mu sync.Mutex
	items := []string{
		feedItem("https://wire.example/ark-zh", "火山方舟上线DeepSeek-R1", "2025年3月3日，火山引擎火山方舟上线DeepSeek-R1与DeepSeek-V3满血版，R1每百万输入tokens 4元。", "Mon, 03 Mar 2025 08:00:00 +0800"),
		feedItem("https://wire.example/ark-en", "Volcano Engine's Ark adds DeepSeek-R1", "Volcano Engine added DeepSeek-R1 and DeepSeek-V3 to its Ark platform on March 3, 2025.", "Mon, 03 Mar 2025 08:10:00 +0800"),
		feedItem("https://wire.example/kimi", "Moonshot AI ships a Kimi update", "Moonshot AI shipped a Kimi update with longer context on March 3, 2025.", "Mon, 03 Mar 2025 07:30:00 +0800"),
	}
	feeds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/broken.xml" {
			http.Error(w, "gateway timeout", http.StatusGatewayTimeout)
			return
		}
		mu.Lock()
		body := `<?xml version="1.0"?><rss version="2.0"><channel><title>AI Wire</title>` + strings.Join(items, "") + `</channel></rss>`
		mu.Unlock()
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, body)
	}))
	defer feeds.Close()

	var posts []string // "slack C1 …" or "feishu oc_1 …"
	slack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		switch r.URL.Path {
		case "/api/auth.test":
			fmt.Fprint(w, `{"ok":true,"user_id":"UBOT","team_id":"T1"}`)
		case "/api/chat.postMessage":
			mu.Lock()
			posts = append(posts, "slack "+r.Form.Get("channel")+" "+r.Form.Get("blocks"))
			mu.Unlock()
			fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"1741000000.000100"}`, r.Form.Get("channel"))
		default:
			fmt.Fprint(w, `{"ok":true}`)
		}
	}))
	defer slack.Close()
	feishu := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/tenant_access_token/internal"):
			fmt.Fprint(w, `{"code":0,"msg":"ok","tenant_access_token":"t-e2e","expire":7200}`)
		case r.URL.Path == "/open-apis/bot/v3/info":
			fmt.Fprint(w, `{"code":0,"msg":"ok","bot":{"open_id":"ou_bot"}}`)
		case r.URL.Path == "/open-apis/im/v1/messages" && r.URL.Query().Get("receive_id_type") == "chat_id":
			var body struct {
				ReceiveID string `json:"receive_id"`
				Content   string `json:"content"`
			}
			json.NewDecoder(r.Body).Decode(&body)
			mu.Lock()
			posts = append(posts, "feishu "+body.ReceiveID+" "+body.Content)
			mu.Unlock()
			fmt.Fprint(w, `{"code":0,"msg":"success","data":{"message_id":"om_brief"}}`)
		default:
			fmt.Fprint(w, `{"code":0,"msg":"success","data":{}}`)
		}
	}))
	defer feishu.Close()

	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "marketbot.yaml")
	os.WriteFile(cfgPath, []byte(fmt.Sprintf(`allow_private_networks: true
feeds:
  - url: %[1]s/wire.xml
    every: 30m
  - url: %[1]s/broken.xml
    every: 30m
briefings:
  - name: slack-morning
    platform: slack
    channel: C1
    schedule: "0 9 * * *"
    timezone: Asia/Shanghai
    language: zh
  - name: feishu-morning
    platform: feishu
    channel: oc_1
    schedule: "0 9 * * *"
    timezone: Asia/Shanghai
    language: en
    topics: [DeepSeek]
`, feeds.URL)), 0o644)
	env := map[string]string{"MARKETBOT_DATA_DIR": filepath.Join(dir, "data"), "MARKETBOT_ADDR": "127.0.0.1:0", "MARKETBOT_CONFIG": cfgPath,
		"SLACK_BOT_TOKEN": "xoxb-e2e", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": slack.URL + "/api",
		"FEISHU_APP_ID": "cli_e2e_brief", "FEISHU_APP_SECRET": "s", "FEISHU_MODE": "webhook", "FEISHU_ENCRYPT_KEY": "k", "FEISHU_BASE_URL": feishu.URL}
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	clock := clocktest.New(time.Date(2025, 3, 3, 8, 58, 0, 0, shanghai))

	// start runs serve until the returned stop is called.
	start := func() (stop func()) {
		ctx, cancel := context.WithCancel(context.Background())
		var stderr syncBuffer
		e := &environment{getenv: func(k string) string { return env[k] }, stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &stderr, clock: clock}
		done := make(chan error, 1)
		waiting := clock.Waiters()
		go func() { done <- e.serve(ctx, nil) }()
		for deadline := time.Now().Add(20 * time.Second); !regexp.MustCompile(`serving on`).MatchString(stderr.String()); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("serve did not start:\n%s", stderr.String())
			}
		}
		// The feed loop and the scheduler both wait on the clock once ready.
		if !clock.WaitForWaiters(waiting+2, 20*time.Second) {
			t.Fatalf("serve's feed loop and scheduler are not waiting:\n%s", stderr.String())
		}
		return func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
		}
	}
	postsNow := func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), posts...) }
	waitPosts := func(n int) []string {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if p := postsNow(); len(p) >= n {
				return p
			}
		}
		t.Fatalf("want %d posts, have %q", n, postsNow())
		return nil
	}

	stop := start()
	if len(postsNow()) != 0 {
		t.Fatal("posted before 09:00")
	}
	clock.Advance(2 * time.Minute) // 09:00
	got := waitPosts(2)
	var slackPost, feishuPost string
	for _, p := range got {
		if strings.HasPrefix(p, "slack C1 ") {
			slackPost = p
		} else if strings.HasPrefix(p, "feishu oc_1 ") {
			feishuPost = p
		}
	}
	for name, p := range map[string]string{"slack": slackPost, "feishu": feishuPost} {
		// The two Ark articles are one story with both sources.
		if !strings.Contains(p, "wire.example/ark-zh") || !strings.Contains(p, "wire.example/ark-en") || !strings.Contains(p, "[1]") || !strings.Contains(p, "[2]") {
			t.Errorf("%s briefing lacks the merged, cited Ark story: %.600s", name, p)
		}
	}
	if !strings.Contains(slackPost, "大模型市场简报") || !strings.Contains(feishuPost, "watching DeepSeek") {
		t.Errorf("headlines: slack %.200s / feishu %.200s", slackPost, feishuPost)
	}
	if strings.Index(feishuPost, "ark-") > strings.Index(feishuPost, "kimi") && strings.Contains(feishuPost, "kimi") {
		t.Error("the watched topic (DeepSeek) is not first in the Feishu briefing")
	}
	stop()

	// Restart five minutes later: nothing is posted twice.
	clock.Advance(5 * time.Minute)
	stop = start()
	time.Sleep(300 * time.Millisecond)
	stop()
	if n := len(postsNow()); n != 2 {
		t.Fatalf("%d posts after a restart, want 2", n)
	}

	// The feed repeats the Ark story under a new link and adds a new one;
	// the bot is down over the next 09:00 and comes back at 10:30.
	mu.Lock()
	items = append(items,
		feedItem("https://wire.example/ark-repost", "Repost: 火山方舟上线DeepSeek-R1", "2025年3月3日，火山引擎火山方舟上线DeepSeek-R1与DeepSeek-V3满血版，R1每百万输入tokens 4元。", "Tue, 04 Mar 2025 08:00:00 +0800"),
		feedItem("https://wire.example/qwen", "Alibaba releases QwQ-32B", "Alibaba released QwQ-32B, a DeepSeek-R1 rival, on March 4, 2025.", "Tue, 04 Mar 2025 08:30:00 +0800"))
	mu.Unlock()
	clock.Set(time.Date(2025, 3, 4, 8, 0, 0, 0, shanghai))
	stop = start() // syncs the feed at 08:00…
	stop()         // …and goes down before 09:00
	clock.Set(time.Date(2025, 3, 4, 10, 30, 0, 0, shanghai))
	stop = start()
	got = waitPosts(4)
	stop()
	if len(got) != 4 {
		t.Fatalf("%d posts, want one caught-up briefing per target", len(got))
	}
	for _, p := range got[2:] {
		if !strings.Contains(p, "wire.example/qwen") || strings.Contains(p, "ark-repost") || strings.Contains(p, "wire.example/ark-zh") {
			t.Errorf("caught-up briefing should hold only the new story: %.500s", p)
		}
	}

	st, err := store.Open(context.Background(), filepath.Join(dir, "data"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h, _ := st.Ledger().FeedHealth(context.Background(), feeds.URL+"/broken.xml")
	if h.Failures == 0 || !strings.Contains(h.LastError, "504") {
		t.Errorf("broken feed health = %+v", h)
	}
	searcher, err := search.New(st, search.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ps, _ := searcher.Search(context.Background(), "Repost 火山方舟", search.Options{Top: 10})
	for _, p := range ps {
		if p.Path == "https://wire.example/ark-repost" {
			t.Error("the repeated story was stored again")
		}
	}
}

func feedItem(link, title, text, date string) string {
	return fmt.Sprintf(`<item><title>%s</title><link>%s</link><guid>%s</guid><pubDate>%s</pubDate><description>%s</description></item>`, title, link, link, date, text)
}

// TestBriefingsNeverRepeat runs serve with a full-text feed polled every
// minute and a briefing every minute with a long lookback, started a few
// seconds into a minute: the first briefing covers the lookback although
// the slot just passed was skipped; later polls, a restart and another
// replica brief nothing again; a real change of an item is briefed once
// more, as an update.
func TestBriefingsNeverRepeat(t *testing.T) {
	if testing.Short() {
		t.Skip("runs serve several times")
	}
	var mu sync.Mutex
	price := "4 yuan"
	pageFetches := 0
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch r.URL.Path {
		case "/wire.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>AI Wire</title>%s%s</channel></rss>`,
				feedItem(srv.URL+"/kimi", "Moonshot AI open-sources Kimi K2", "Kimi K2 is open. API at "+price+" per million input tokens.", "Fri, 11 Jul 2025 09:00:00 +0800"),
				feedItem(srv.URL+"/qwen", "Alibaba releases Qwen3", "Qwen3 is out.", "Tue, 29 Apr 2025 12:00:00 +0800"))
		case "/kimi":
			pageFetches++
			fmt.Fprintf(w, `<html><body><article><h1>Moonshot AI open-sources Kimi K2</h1><p>Moonshot AI open-sourced Kimi K2 on July 11, 2025: a mixture-of-experts model with one trillion parameters, 32 billion active, under a modified MIT licence.</p><p>Its API costs %s per million input tokens and 16 yuan per million output tokens.</p></article><footer>Page generated at %s</footer></body></html>`, price, time.Now().Format(time.RFC3339Nano))
		case "/qwen":
			pageFetches++
			fmt.Fprint(w, `<html><body><article><h1>Alibaba releases Qwen3</h1><p>Alibaba released the Qwen3 family on April 29, 2025; the flagship Qwen3-235B-A22B has 235 billion parameters, 22 billion active, under Apache 2.0.</p><p>Smaller dense models range from 0.6 to 32 billion parameters.</p></article></body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	var posts []string
	slack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		switch r.URL.Path {
		case "/api/auth.test":
			fmt.Fprint(w, `{"ok":true,"user_id":"UBOT","team_id":"T1"}`)
		case "/api/chat.postMessage":
			mu.Lock()
			posts = append(posts, r.Form.Get("blocks"))
			mu.Unlock()
			fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"1752200000.000100"}`, r.Form.Get("channel"))
		default:
			fmt.Fprint(w, `{"ok":true}`)
		}
	}))
	defer slack.Close()
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "marketbot.yaml")
	os.WriteFile(cfgPath, []byte(fmt.Sprintf(`allow_private_networks: true
feeds:
  - url: %s/wire.xml
    every: 1m
    full_text: true
briefings:
  - name: minutely
    platform: slack
    channel: C1
    schedule: "* * * * *"
    timezone: UTC
    language: en
    lookback: 100000h
`, srv.URL)), 0o644)
	env := map[string]string{"MARKETBOT_DATA_DIR": filepath.Join(dir, "data"), "MARKETBOT_ADDR": "127.0.0.1:0", "MARKETBOT_CONFIG": cfgPath,
		"SLACK_BOT_TOKEN": "xoxb-e2e", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": slack.URL + "/api"}
	clock := clocktest.New(time.Date(2025, 7, 11, 23, 59, 6, 0, time.UTC))
	var stderr *syncBuffer
	start := func() (stop func()) {
		ctx, cancel := context.WithCancel(context.Background())
		stderr = &syncBuffer{}
		e := &environment{getenv: func(k string) string { return env[k] }, stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: stderr, clock: clock}
		done := make(chan error, 1)
		waiting := clock.Waiters()
		go func() { done <- e.serve(ctx, nil) }()
		if !clock.WaitForWaiters(waiting+2, 20*time.Second) {
			t.Fatalf("serve's feed loop and scheduler are not waiting:\n%s", stderr.String())
		}
		return func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
		}
	}
	postsNow := func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), posts...) }
	// minute lets a minute pass: a feed poll and a briefing slot. Serve's
	// two loops wait on the clock again once done (the stopped ones'
	// waits have fired by then).
	minute := func() {
		clock.Advance(time.Minute)
		if !clock.WaitForWaiters(2, 10*time.Second) {
			t.Fatalf("serve's loops are not waiting:\n%s", stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	stop := start() // 23:59:06: the feed is synced; the 23:59 slot has nothing yet
	if n := len(postsNow()); n != 0 {
		t.Fatalf("%d posts at start", n)
	}
	minute() // 00:00:06
	got := postsNow()
	if len(got) != 1 || !strings.Contains(got[0], "Kimi K2") || !strings.Contains(got[0], "Qwen3") {
		t.Fatalf("the first briefing should cover both items of the lookback: %q", got)
	}
	minute()
	minute()
	stop()
	stop = start() // a restart
	minute()
	minute()
	stop()
	// Another replica's view: a second serve on the same store.
	stop = start()
	minute()
	if got := postsNow(); len(got) != 1 {
		t.Fatalf("items briefed again after polls and restarts: %d posts:\n%s", len(got), strings.Join(got[1:], "\n"))
	}
	mu.Lock()
	fetches := pageFetches
	price = "2 yuan" // the item really changes
	mu.Unlock()
	if fetches != 2 {
		t.Errorf("pages fetched %d times, want once each: an unchanged item is not fetched again", fetches)
	}
	minute()
	minute()
	stop()
	got = postsNow()
	if len(got) != 2 || !strings.Contains(got[1], "Update: ") || !strings.Contains(got[1], "Kimi K2") || strings.Contains(got[1], "Qwen3") {
		t.Errorf("the changed item should be briefed once more, as an update, alone: %q", got[1:])
	}
}
