package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marketbot/marketbot/rag/store"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine to write.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// startServe runs "marketbot serve" in the test process with env until
// stop is called (which requires it to stop cleanly), and waits for it to
// be ready.
func startServe(t testing.TB, env map[string]string) (addr string, stderr *syncBuffer, stop func()) {
	t.Helper()
	addr, stderr, stop = launchServe(t, env)
	for deadline := time.Now().Add(30 * time.Second); !ready(addr); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("serve did not become ready:\n%s", stderr.String())
		}
	}
	return addr, stderr, stop
}

// ready reports whether serve's /readyz answers 200.
func ready(addr string) bool {
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// launchServe runs "marketbot serve" until stop, returning once it
// answers /healthz, ready or not.
func launchServe(t testing.TB, env map[string]string) (addr string, stderr *syncBuffer, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stderr = &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), &bytes.Buffer{}, stderr)
	}()
	stop = func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not stop")
		}
	}
	addrRE := regexp.MustCompile(`serving on (\S+)`)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if m := addrRE.FindStringSubmatch(stderr.String()); m != nil {
			addr = m[1]
			if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return addr, stderr, stop
				}
			}
		}
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("serve did not start:\n%s", stderr.String())
		}
	}
}

// TestServeSlack runs "marketbot serve" with Slack configured against a
// fake Slack Web API and sends it a signed mention over HTTP.
func TestServeSlack(t *testing.T) {
	var mu sync.Mutex
	var updates []string
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		switch r.URL.Path {
		case "/api/auth.test":
			fmt.Fprint(w, `{"ok":true,"user_id":"UBOT","bot_id":"BBOT","team_id":"T1"}`)
		case "/api/chat.postMessage":
			fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"9.9"}`, r.Form.Get("channel"))
		case "/api/chat.update":
			mu.Lock()
			updates = append(updates, r.Form.Get("blocks"))
			mu.Unlock()
			fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"9.9"}`, r.Form.Get("channel"))
		default:
			fmt.Fprint(w, `{"ok":true}`)
		}
	}))
	defer fake.Close()
	env := map[string]string{"MARKETBOT_DATA_DIR": t.TempDir(), "MARKETBOT_ADDR": "127.0.0.1:0",
		"SLACK_BOT_TOKEN": "xoxb-secret-token", "SLACK_SIGNING_SECRET": "shh", "SLACK_API_URL": fake.URL + "/api"}
	addr, stderr, stop := startServe(t, env)
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil || resp.StatusCode != 200 {
			t.Errorf("%s: %v %v", path, resp, err)
		}
	}
	body, _ := json.Marshal(map[string]any{"type": "event_callback", "event_id": "EvServe", "event": map[string]any{
		"type": "app_mention", "user": "U1", "text": "<@UBOT> 火山方舟接入了哪些模型？", "ts": "1.1", "channel": "C1"}})
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest("POST", "http://"+addr+"/slack/events", bytes.NewReader(body))
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", slackSign("shh", ts, body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("event: %v %v", resp, err)
	}
	answered := false
	for deadline := time.Now().Add(10 * time.Second); !answered && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		mu.Lock()
		for _, u := range updates {
			answered = answered || strings.Contains(u, "火山方舟")
		}
		mu.Unlock()
	}
	if !answered {
		t.Error("the mention was not answered")
	}
	forged, _ := http.NewRequest("POST", "http://"+addr+"/slack/events", bytes.NewReader(body))
	forged.Header.Set("X-Slack-Request-Timestamp", ts)
	forged.Header.Set("X-Slack-Signature", "v0=00")
	forged.Header.Set("X-Request-Id", "req-forged-1")
	if resp, err := http.DefaultClient.Do(forged); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("forged event: %v %v", resp, err)
	} else if id := resp.Header.Get("X-Request-Id"); id != "req-forged-1" {
		t.Errorf("X-Request-Id %q in the response, want the request's", id)
	}
	// The refusal is logged with the request's id.
	if !regexp.MustCompile(`"msg":"refused a request with a bad signature".*"request":"req-forged-1"`).MatchString(stderr.String()) {
		t.Errorf("the refusal is not logged with the request id:\n%s", stderr.String())
	}
	metrics := scrape(t, "http://"+addr+"/metrics")
	for _, want := range []string{
		`marketbot_events_total{outcome="received",platform="slack"} 2`,
		`marketbot_events_total{outcome="acked",platform="slack"} 1`,
		`marketbot_events_total{outcome="rejected",platform="slack"} 1`,
		`marketbot_ack_seconds_count{platform="slack"} 1`,
		`marketbot_answer_seconds_count{outcome="fallback"} 1`,
		`marketbot_retrieval_seconds_count 1`,
		`marketbot_queue_depth 0`,
		fmt.Sprintf("marketbot_store_articles %d", builtinCount(t)),
		`go_goroutines `,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(metrics, "xoxb-secret-token") || strings.Contains(metrics, "shh") {
		t.Error("/metrics shows a secret")
	}
	stop()
	if strings.Contains(stderr.String(), "xoxb-secret-token") || strings.Contains(stderr.String(), "shh\"") {
		t.Error("a secret reached the logs")
	}
}

func TestServeConfigErrors(t *testing.T) {
	called := false
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { called = true }))
	defer fake.Close()
	notADir := filepath.Join(t.TempDir(), "file")
	os.WriteFile(notADir, nil, 0o644)
	env := map[string]string{"MARKETBOT_DATA_DIR": notADir, "MARKETBOT_ADDR": "127.0.0.1:0", "MARKETBOT_WORKERS": "lots",
		"SLACK_BOT_TOKEN": "xoxb-secret-token", "SLACK_API_URL": fake.URL, "FEISHU_APP_ID": "cli_x", "FEISHU_MODE": "webhook",
		"FEISHU_BASE_URL": fake.URL, "MARKETBOT_EMBEDDER": "bert", "MARKETBOT_CONFIG": filepath.Join(t.TempDir(), "missing.yaml")}
	_, _, err := runWithEnv(t, env, "", "serve")
	if err == nil {
		t.Fatal("serve started with a broken configuration")
	}
	lines := strings.Split(err.Error(), "\n")
	for i, want := range []string{"MARKETBOT_WORKERS", "MARKETBOT_EMBEDDER", "missing.yaml", "data directory", "SLACK_SIGNING_SECRET",
		"FEISHU_APP_SECRET", "FEISHU_ENCRYPT_KEY"} {
		if i >= len(lines) || !strings.Contains(lines[i], want) {
			t.Errorf("line %d of the error should name %s:\n%v", i+1, want, err)
		}
	}
	if strings.Contains(err.Error(), "xoxb-secret-token") {
		t.Error("the error shows a token")
	}
	if called {
		t.Error("serve connected to a platform before refusing its configuration")
	}
}

// scrape returns what a /metrics endpoint serves.
func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%s: %d %v", url, resp.StatusCode, err)
	}
	return string(b)
}

func TestRecoverPanics(t *testing.T) {
	var logs bytes.Buffer
	h := recoverPanics(slog.New(slog.NewTextHandler(&logs, nil)), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic("boom")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/slack/events", nil))
	if rec.Code != http.StatusInternalServerError || !strings.Contains(logs.String(), "boom") {
		t.Errorf("status %d, logs %q", rec.Code, logs.String())
	}
}

// The placeholder posted while an answer is prepared speaks the question's
// language and script.
func TestPlaceholderInTheQuestionsScript(t *testing.T) {
	st, err := store.Open(context.Background(), t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	say := placeholder(st)
	for lang, want := range map[string]string{"en": "Searching 0 articles…", "zh": "正在检索 0 篇文章…", "zh-Hant": "正在檢索 0 篇文章…"} {
		if got := say(context.Background(), lang); got != want {
			t.Errorf("placeholder(%s) = %q, want %q", lang, got, want)
		}
	}
}
