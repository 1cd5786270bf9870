package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeSlack is a fake Slack Web API that records the answers posted.
type fakeSlack struct {
	mu      sync.Mutex
	updates []string
	auth    string // auth.test's answer
}

func (f *fakeSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.URL.Path {
	case "/api/auth.test":
		fmt.Fprint(w, f.auth)
	case "/api/chat.postMessage":
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"9.9"}`, r.Form.Get("channel"))
	case "/api/chat.update":
		f.updates = append(f.updates, r.Form.Get("blocks"))
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"9.9"}`, r.Form.Get("channel"))
	default:
		fmt.Fprint(w, `{"ok":true}`)
	}
}

func (f *fakeSlack) answered(want string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range f.updates {
		if strings.Contains(u, want) {
			return true
		}
	}
	return false
}

// slackMention posts a signed app_mention to serve and returns the status.
func slackMention(t *testing.T, addr, secret, eventID, text string) int {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"type": "event_callback", "event_id": eventID, "event": map[string]any{
		"type": "app_mention", "user": "U1", "text": "<@UBOT> " + text, "ts": "1." + eventID, "channel": "C1"}})
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest("POST", "http://"+addr+"/slack/events", bytes.NewReader(body))
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", slackSign(secret, ts, body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func readyz(t *testing.T, addr string) (int, string) {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServeStartsWithoutSlack: with the Slack API refusing connections
// at start and Feishu reachable, serve runs, Feishu answers, /readyz
// names Slack, and Slack connects once it accepts, without a restart.
func TestServeStartsWithoutSlack(t *testing.T) {
	slackAddr := closedPort(t) // until Slack "comes back" on it
	feishu := newFakeFeishu(t)
	const key = "platforms-encrypt-key"
	env := map[string]string{"MARKETBOT_DATA_DIR": t.TempDir(), "MARKETBOT_ADDR": "127.0.0.1:0",
		"SLACK_BOT_TOKEN": "xoxb-secret-token", "SLACK_SIGNING_SECRET": "shh", "SLACK_API_URL": "http://" + slackAddr + "/api",
		"FEISHU_APP_ID": "cli_platforms", "FEISHU_APP_SECRET": "s3cret", "FEISHU_MODE": "webhook", "FEISHU_ENCRYPT_KEY": key, "FEISHU_BASE_URL": feishu.URL}
	addr, stderr, stop := launchServe(t, env)
	defer stop()

	code, body := readyz(t, addr)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "slack not connected") || strings.Contains(body, "feishu") {
		t.Errorf("/readyz with Slack down = %d %q, want 503 naming slack only", code, body)
	}
	if sendFeishu(t, addr, key, feishuMessage("ev_p1", "om_p1", "p2p", "豆包大模型的价格是多少？", false)) != 200 ||
		!waitUntil(10*time.Second, func() bool { return feishu.answered("om_p1", "0.0008") }) {
		t.Error("Feishu did not answer while Slack was down")
	}
	if code := slackMention(t, addr, "shh", "EvEarly", "火山方舟接入了哪些模型？"); code != http.StatusServiceUnavailable {
		t.Errorf("a Slack event before Slack is reachable got %d, want 503 (Slack delivers it again)", code)
	}

	// Slack comes back.
	fake := &fakeSlack{auth: `{"ok":true,"user_id":"UBOT","bot_id":"BBOT","team_id":"T1"}`}
	ln, err := net.Listen("tcp", slackAddr)
	if err != nil {
		t.Skipf("the port was taken meanwhile: %v", err)
	}
	srv := httptest.NewUnstartedServer(fake)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	defer srv.Close()
	if !waitUntil(20*time.Second, func() bool { return ready(addr) }) {
		code, body := readyz(t, addr)
		t.Fatalf("not ready after Slack came back: %d %q\n%s", code, body, stderr.String())
	}
	if code := slackMention(t, addr, "shh", "EvLate", "火山方舟接入了哪些模型？"); code != 200 ||
		!waitUntil(10*time.Second, func() bool { return fake.answered("火山方舟") }) {
		t.Errorf("Slack did not answer once connected (event got %d)", code)
	}
	logs := stderr.String()
	if n := strings.Count(logs, "slack: cannot connect"); n != 1 {
		t.Errorf("%d 'cannot connect' lines, want one per change of state:\n%s", n, logs)
	}
	if !strings.Contains(logs, "slack: connected") {
		t.Errorf("no line says Slack connected:\n%s", logs)
	}
	if strings.Contains(logs, "xoxb-secret-token") || strings.Contains(logs, "s3cret") {
		t.Error("a secret reached the logs")
	}
}

// TestServeStopsAtRefusedCredentials: a token Slack refuses, or app
// credentials Feishu refuses, still stop serve at once with one line.
func TestServeStopsAtRefusedCredentials(t *testing.T) {
	slack := httptest.NewServer(&fakeSlack{auth: `{"ok":false,"error":"invalid_auth"}`})
	defer slack.Close()
	feishu := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"code":10014,"msg":"app secret invalid"}`)
	}))
	defer feishu.Close()
	for name, env := range map[string]map[string]string{
		"slack": {"SLACK_BOT_TOKEN": "xoxb-secret-token", "SLACK_SIGNING_SECRET": "shh", "SLACK_API_URL": slack.URL + "/api"},
		"feishu": {"FEISHU_APP_ID": "cli_refused", "FEISHU_APP_SECRET": "s3cret", "FEISHU_MODE": "webhook", "FEISHU_ENCRYPT_KEY": "k",
			"FEISHU_BASE_URL": feishu.URL},
	} {
		env["MARKETBOT_DATA_DIR"], env["MARKETBOT_ADDR"] = t.TempDir(), "127.0.0.1:0"
		start := time.Now()
		_, stderr, err := runWithEnv(t, env, "", "serve")
		if err == nil {
			t.Fatalf("%s: serve ran with refused credentials", name)
		}
		want := map[string]string{"slack": "invalid_auth", "feishu": "app secret invalid"}[name]
		if !strings.Contains(err.Error(), want) || strings.Count(err.Error(), "\n") > 0 {
			t.Errorf("%s: error %q, want one line naming %q", name, err, want)
		}
		if d := time.Since(start); d > 15*time.Second {
			t.Errorf("%s: took %v to stop", name, d)
		}
		if strings.Contains(stderr+err.Error(), "xoxb-secret-token") || strings.Contains(stderr+err.Error(), "s3cret") {
			t.Errorf("%s: a secret reached the output", name)
		}
	}
}
