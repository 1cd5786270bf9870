package slackbot

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"
	"gopkg.in/yaml.v3"

	"github.com/marketbot/marketbot/bot"
	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/answer"
	"github.com/marketbot/marketbot/rag/search"
	"github.com/marketbot/marketbot/rag/store"
)

// TestSocketMode drives the adapter over Socket Mode with slacktest's fake
// (apps.connections.open and a WebSocket), adding chat.update, which the
// fake lacks: an app_mention envelope, then its retry, get one answer.
func TestSocketMode(t *testing.T) {
	var mu sync.Mutex
	var calls []slackCall
	record := func(method string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			mu.Lock()
			c := slackCall{Method: method, Channel: r.Form.Get("channel"), TS: r.Form.Get("ts"), ThreadTS: r.Form.Get("thread_ts"), Text: r.Form.Get("text"), Blocks: r.Form.Get("blocks")}
			if method == "chat.postMessage" {
				c.TS = fmt.Sprintf("%d.000200", 5000+len(calls))
			}
			calls = append(calls, c)
			mu.Unlock()
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": c.Channel, "ts": c.TS})
		}
	}
	sts := slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/chat.postMessage", record("chat.postMessage"))
		c.Handle("/chat.update", record("chat.update"))
	})
	sts.Start()
	defer sts.Stop()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := store.Open(ctx, t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	articles, _ := corpus.Builtin()
	store.IngestArticles(ctx, st, articles, store.IngestOptions{})
	searcher, err := search.New(st, search.Config{})
	if err != nil {
		t.Fatal(err)
	}
	core := bot.New(answer.New(searcher, nil, answer.Options{}), st, bot.Options{Ledger: st.Ledger()})
	pool := bot.NewPool(core, 2, 8)
	defer pool.Shutdown(ctx)
	a, err := New(ctx, Config{BotToken: "xoxb-test", AppToken: "xapp-test", APIURL: sts.GetAPIURL(),
		Placeholder: func(context.Context, string) string { return "Searching 53 articles…" }}, core, pool)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.RunSocketMode(ctx) }()
	time.Sleep(300 * time.Millisecond) // let it connect

	envelope := func(retry int) string {
		b, _ := json.Marshal(map[string]any{
			"envelope_id": fmt.Sprintf("env-%d", retry), "type": "events_api", "accepts_response_payload": false, "retry_attempt": retry,
			"payload": json.RawMessage(eventBody("EvSock1", mention("C1", "42.1", "", "火山方舟接入了哪些模型？"))),
		})
		return string(b)
	}
	sts.SendToWebsocket(envelope(0))
	answered := func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range calls {
			if c.Method == "chat.update" && strings.Contains(c.Blocks, "火山方舟") && strings.Contains(c.Blocks, "feedback") {
				return true
			}
		}
		return false
	}
	waitFor(t, "the Socket Mode answer", answered)
	sts.SendToWebsocket(envelope(1))
	time.Sleep(500 * time.Millisecond)
	mu.Lock()
	posts := 0
	for _, c := range calls {
		if c.Method == "chat.postMessage" {
			posts++
			if c.ThreadTS != "42.1" {
				t.Errorf("posted outside the asking thread: %+v", c)
			}
		}
	}
	mu.Unlock()
	if posts != 1 {
		t.Errorf("%d messages posted for a mention and its retry, want 1", posts)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("RunSocketMode: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Error("RunSocketMode did not stop with its context")
	}
	a.Close(context.Background())
}

func TestManifest(t *testing.T) {
	m, err := Manifest("https://bot.example.com/", false, "/llm")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"request_url: https://bot.example.com/slack/events", "url: https://bot.example.com/slack/commands",
		"request_url: https://bot.example.com/slack/interactions", "- app_mention", "- message.im", "- chat:write", "- commands", "socket_mode_enabled: false"} {
		if !strings.Contains(m, want) {
			t.Errorf("HTTP manifest lacks %q:\n%s", want, m)
		}
	}
	var parsed map[string]any
	if err := yaml.Unmarshal([]byte(m), &parsed); err != nil || parsed["settings"] == nil {
		t.Errorf("manifest is not valid YAML: %v", err)
	}
	m, err = Manifest("", true, "/marketbot")
	if err != nil || strings.Contains(m, "request_url") || !strings.Contains(m, "socket_mode_enabled: true") || !strings.Contains(m, "command: /marketbot") {
		t.Errorf("socket manifest (%v):\n%s", err, m)
	}
	if _, err := Manifest("http://insecure", false, "/llm"); err == nil {
		t.Error("a plain http URL was accepted")
	}
}
