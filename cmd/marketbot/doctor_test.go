package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// doctorFakes are the endpoints doctor reaches, faked at their HTTP
// boundary: an OpenAI-compatible model, the Slack Web API, the Feishu
// open platform and a feed. With broken set, each refuses the way a
// misconfigured deployment would see it.
func doctorFakes(t *testing.T, broken bool) map[string]string {
	t.Helper()
	model := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if broken {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}`)
			return
		}
		if strings.HasSuffix(r.URL.Path, "/embeddings") {
			fmt.Fprint(w, `{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.6,0.8,0]}],"model":"emb"}`)
			return
		}
		fmt.Fprint(w, `{"id":"x","object":"chat.completion","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"OK"}}]}`)
	}))
	slack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case broken && r.URL.Path == "/api/auth.test":
			fmt.Fprint(w, `{"ok":false,"error":"invalid_auth"}`)
		case r.URL.Path == "/api/auth.test":
			w.Header().Set("X-OAuth-Scopes", "app_mentions:read,chat:write,commands,im:history,im:read,im:write,channels:history,groups:history,reactions:write")
			fmt.Fprint(w, `{"ok":true,"team":"Acme","team_id":"T1","user":"marketbot","user_id":"UBOT","bot_id":"BBOT"}`)
		case r.URL.Path == "/api/apps.connections.open":
			fmt.Fprint(w, `{"ok":true,"url":"wss://example.invalid/link"}`)
		default:
			t.Errorf("doctor called Slack's %s", r.URL.Path)
		}
	}))
	feishu := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case broken && strings.HasSuffix(r.URL.Path, "/tenant_access_token/internal"):
			fmt.Fprint(w, `{"code":10014,"msg":"app secret invalid"}`)
		case strings.HasSuffix(r.URL.Path, "/tenant_access_token/internal"):
			fmt.Fprint(w, `{"code":0,"msg":"ok","tenant_access_token":"t-doctor","expire":7200}`)
		case r.URL.Path == "/open-apis/bot/v3/info" && r.Header.Get("Authorization") == "Bearer t-doctor":
			fmt.Fprint(w, `{"code":0,"msg":"ok","bot":{"open_id":"ou_doctorbot"}}`)
		case r.URL.Path == "/open-apis/bot/v3/info":
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"code":99991663,"msg":"Invalid access token for authorization. Please make a request with token attached."}`)
		default:
			t.Errorf("doctor called Feishu's %s %s", r.Method, r.URL.Path)
		}
	}))
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if broken {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>LLM Daily</title><link>https://example.com</link>
<item><title>Doubao price cut</title><link>https://example.com/1</link><pubDate>Mon, 23 Nov 2026 08:00:00 +0800</pubDate><description>Doubao prices fall.</description></item>
</channel></rss>`)
	}))
	for _, s := range []*httptest.Server{model, slack, feishu, feed} {
		t.Cleanup(s.Close)
	}
	config := filepath.Join(t.TempDir(), "marketbot.yaml")
	if err := os.WriteFile(config, []byte("allow_private_networks: true\nfeeds:\n  - url: "+feed.URL+"/rss\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"MARKETBOT_DATA_DIR": t.TempDir(), "MARKETBOT_CONFIG": config,
		"OPENAI_BASE_URL": model.URL + "/v1", "OPENAI_API_KEY": "sk-doctor-secret", "MARKETBOT_CHAT_MODEL": "chat-model",
		"MARKETBOT_EMBEDDER": "openai", "MARKETBOT_EMBED_MODEL": "emb", "MARKETBOT_LLM_RETRIES": "0",
		"SLACK_BOT_TOKEN": "xoxb-doctor-secret", "SLACK_APP_TOKEN": "xapp-doctor-secret", "SLACK_API_URL": slack.URL + "/api",
		"FEISHU_APP_ID": "cli_doctor", "FEISHU_APP_SECRET": "feishu-doctor-secret", "FEISHU_BASE_URL": feishu.URL}
}

// doctorLines runs doctor and returns its lines reduced to their mark and
// check name ("feed http" for a feed), and the whole output.
func doctorLines(t *testing.T, env map[string]string) ([]string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"doctor"}, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
	var lines []string
	for line := range strings.SplitSeq(strings.TrimSpace(stdout.String()), "\n") {
		if mark, rest, ok := strings.Cut(line, " "); ok && (mark == "✓" || mark == "✗") {
			name, _, _ := strings.Cut(rest, ":")
			lines = append(lines, mark+" "+name)
		}
	}
	out := stdout.String() + stderr.String()
	for k, v := range env {
		if strings.Contains(k, "SECRET") || strings.Contains(k, "TOKEN") || strings.Contains(k, "KEY") {
			if strings.Contains(out, v) {
				t.Errorf("doctor printed %s", k)
			}
		}
	}
	return lines, stdout.String(), err
}

func TestDoctorHealthy(t *testing.T) {
	env := doctorFakes(t, false)
	lines, out, err := doctorLines(t, env)
	if err != nil {
		t.Fatalf("doctor: %v\n%s", err, out)
	}
	want := []string{"✓ configuration", "✓ store", "✓ language model", "✓ embeddings", "✓ slack", "✓ slack socket mode", "✓ feishu", "✓ feed http"}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("checks (-want +got):\n%s\n%s", diff, out)
	}
	for _, s := range []string{"Slack (Socket Mode) and Feishu (long connection)", "chat-model (OpenAI-compatible, thinking as the model does, its reasoning cut)", " answers in ", "3 dimensions", "@marketbot (UBOT) in workspace Acme", "ou_doctorbot", `"LLM Daily", 1 items`} {
		if !strings.Contains(out, s) {
			t.Errorf("doctor does not say %q:\n%s", s, out)
		}
	}
}

func TestDoctorBroken(t *testing.T) {
	env := doctorFakes(t, true)
	env["FEISHU_MODE"] = "webhook"          // without FEISHU_ENCRYPT_KEY: a configuration error
	env["FEISHU_APP_ID"] = "cli_doctor_bad" // the SDK caches tenant tokens per app in the process
	lines, out, err := doctorLines(t, env)
	if !errors.Is(err, errReported) || exitCode(err) != 1 {
		t.Fatalf("doctor returned %v, want a failure already reported\n%s", err, out)
	}
	want := []string{"✗ configuration", "✓ store", "✗ language model", "✗ embeddings", "✗ slack", "✗ feishu", "✗ feed http"}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("checks (-want +got):\n%s\n%s", diff, out)
	}
	for _, s := range []string{
		"FEISHU_ENCRYPT_KEY",                // the configuration error
		"set OPENAI_API_KEY to a valid key", // the model's 401
		"✗ language model: chat-model (",    // naming the model that failed
		"invalid_auth",                      // Slack's refusal
		"Bot User OAuth Token",              // and its fix
		"app secret invalid",                // Feishu's refusal
		"HTTP 404",                          // the feed
		"6 problem(s) found",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("doctor does not say %q:\n%s", s, out)
		}
	}
}

// TestDoctorUnreachablePlatforms: a platform that cannot be reached is
// told apart from one that refuses the credentials.
func TestDoctorUnreachablePlatforms(t *testing.T) {
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "<html>502 Bad Gateway</html>", http.StatusBadGateway)
	}))
	defer down.Close()
	refused := "http://" + closedPort(t)
	env := map[string]string{"MARKETBOT_DATA_DIR": t.TempDir(), "SLACK_BOT_TOKEN": "xoxb-doctor-secret", "SLACK_SIGNING_SECRET": "signing-doctor-secret",
		"SLACK_API_URL": refused + "/api", "FEISHU_APP_ID": "cli_doctor_down", "FEISHU_APP_SECRET": "feishu-doctor-secret", "FEISHU_BASE_URL": down.URL}
	lines, out, err := doctorLines(t, env)
	if !errors.Is(err, errReported) {
		t.Fatalf("doctor returned %v\n%s", err, out)
	}
	if diff := cmp.Diff([]string{"✓ configuration", "✓ store", "✓ language model", "✓ embeddings", "✗ slack", "✗ feishu"}, lines); diff != "" {
		t.Errorf("checks (-want +got):\n%s\n%s", diff, out)
	}
	for _, s := range []string{"connection refused", "serve would start anyway and retry in the background", "check the network, proxies and SLACK_API_URL",
		"check the network, proxies and FEISHU_BASE_URL"} {
		if !strings.Contains(out, s) {
			t.Errorf("doctor does not say %q:\n%s", s, out)
		}
	}
	if strings.Contains(out, "Bot User OAuth Token") || strings.Contains(out, "Credentials & Basic Info") {
		t.Errorf("an unreachable platform is reported as bad credentials:\n%s", out)
	}
}

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestDoctorMissingScope: a bot token without a scope marketbot needs is
// a problem, named with its fix.
func TestDoctorMissingScope(t *testing.T) {
	slack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-OAuth-Scopes", "app_mentions:read,commands,im:history,im:read,im:write,channels:history,groups:history,reactions:write")
		fmt.Fprint(w, `{"ok":true,"team":"Acme","team_id":"T1","user":"marketbot","user_id":"UBOT","bot_id":"BBOT"}`)
	}))
	defer slack.Close()
	env := map[string]string{"MARKETBOT_DATA_DIR": t.TempDir(), "SLACK_BOT_TOKEN": "xoxb-doctor-secret",
		"SLACK_SIGNING_SECRET": "signing-doctor-secret", "SLACK_API_URL": slack.URL + "/api"}
	lines, out, err := doctorLines(t, env)
	if !errors.Is(err, errReported) {
		t.Fatalf("doctor returned %v\n%s", err, out)
	}
	if diff := cmp.Diff([]string{"✓ configuration", "✓ store", "✓ language model", "✓ embeddings", "✓ slack", "✗ slack scopes", "✓ slack events"}, lines); diff != "" {
		t.Errorf("checks (-want +got):\n%s\n%s", diff, out)
	}
	if !strings.Contains(out, "lacks chat:write") {
		t.Errorf("the missing scope is not named:\n%s", out)
	}
}

func TestHealthcheck(t *testing.T) {
	healthy := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" || !healthy {
			http.Error(w, "no", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	check := func(env map[string]string, args ...string) error {
		return run(context.Background(), append([]string{"healthcheck"}, args...), func(k string) string { return env[k] }, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
	}
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	if err := check(map[string]string{"MARKETBOT_ADDR": ":" + port}); err != nil {
		t.Errorf("healthy serve on MARKETBOT_ADDR's port: %v", err)
	}
	if err := check(nil, "--url", srv.URL+"/healthz"); err != nil {
		t.Errorf("healthy serve at --url: %v", err)
	}
	healthy = false
	if err := check(nil, "--url", srv.URL+"/healthz"); err == nil || exitCode(err) != 1 {
		t.Errorf("unhealthy serve: %v, want exit status 1", err)
	}
	srv.Close()
	if err := check(map[string]string{"MARKETBOT_ADDR": "127.0.0.1:" + port}); err == nil {
		t.Error("no serve: healthcheck passed")
	}
}
