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

	"github.com/marketbot/marketbot/rag"
	"github.com/marketbot/marketbot/rag/clocktest"
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

	st, err := rag.OpenStore(context.Background(), filepath.Join(dir, "data"), rag.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h, _ := st.FeedHealth(context.Background(), feeds.URL+"/broken.xml")
	if h.Failures == 0 || !strings.Contains(h.LastError, "504") {
		t.Errorf("broken feed health = %+v", h)
	}
	ps, _ := st.Search(context.Background(), "Repost 火山方舟", rag.SearchOptions{Top: 10})
	for _, p := range ps {
		if p.Path == "https://wire.example/ark-repost" {
			t.Error("the repeated story was stored again")
		}
	}
}

func feedItem(link, title, text, date string) string {
	return fmt.Sprintf(`<item><title>%s</title><link>%s</link><guid>%s</guid><pubDate>%s</pubDate><description>%s</description></item>`, title, link, link, date, text)
}
