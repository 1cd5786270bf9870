package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/marketbot/marketbot/corpus"
)

func runWithEnv(t *testing.T, env map[string]string, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestAskOfflineJSON(t *testing.T) {
	env := map[string]string{"MARKETBOT_DATA_DIR": t.TempDir()}
	stdout, stderr, err := runWithEnv(t, env, "", "ask", "--json", "豆包大模型的价格是多少？")
	if err != nil {
		t.Fatal(err, stderr)
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(stdout), &raw); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	var keys []string
	for k := range raw {
		keys = append(keys, k)
	}
	if d := cmp.Diff([]string{"answer", "citations", "fallback"}, keys, cmpopts.SortSlices(func(a, b string) bool { return a < b })); d != "" {
		t.Errorf("keys (-want +got):\n%s", d)
	}
	if raw["fallback"] != true || !strings.Contains(raw["answer"].(string), "0.0008") {
		t.Errorf("offline answer = %v", raw)
	}
	cits := raw["citations"].([]any)
	if len(cits) == 0 {
		t.Fatal("no citations")
	}
	for i, c := range cits {
		m := c.(map[string]any)
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		if d := cmp.Diff([]string{"n", "path", "published", "source", "summary", "title", "url"}, ks, cmpopts.SortSlices(func(a, b string) bool { return a < b })); d != "" {
			t.Errorf("citation keys (-want +got):\n%s", d)
		}
		if m["summary"] != true {
			t.Errorf("citation %d of the built-in pack: summary = %v, want true", i, m["summary"])
		}
		if m["n"] != float64(i+1) || !strings.Contains(raw["answer"].(string), fmt.Sprintf("[%d]", i+1)) {
			t.Errorf("citation %d = %v is not [%d] in the answer", i, m["n"], i+1)
		}
	}
}

func TestAskWithModel(t *testing.T) {
	passage := regexp.MustCompile(`(?s)\n\[(\d+)\] [^\n]*\n[^\n]*\n<<<\n([^>]*0\.0008[^>]*)\n>>>`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer sk-secret-key" {
			http.Error(w, `{"error":{"message":"bad key"}}`, http.StatusUnauthorized)
			return
		}
		var req struct {
			Model    string                     `json:"model"`
			Messages []struct{ Content string } `json:"messages"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		n := "1"
		if m := passage.FindStringSubmatch(req.Messages[1].Content); m != nil {
			n = m[1]
		}
		json.NewEncoder(w).Encode(map[string]any{"choices": []any{map[string]any{"index": 0,
			"message": map[string]any{"role": "assistant", "content": "豆包主力模型的输入价格为0.0008元/千Tokens[" + n + "]。模型：" + req.Model}}}})
	}))
	defer srv.Close()
	env := map[string]string{"MARKETBOT_DATA_DIR": t.TempDir(), "OPENAI_BASE_URL": srv.URL + "/v1",
		"OPENAI_API_KEY": "sk-secret-key", "MARKETBOT_CHAT_MODEL": "doubao-test"}
	stdout, stderr, err := runWithEnv(t, env, "", "ask", "豆包大模型的价格是多少？")
	if err != nil {
		t.Fatal(err, stderr)
	}
	if !strings.HasPrefix(stdout, "豆包主力模型的输入价格为0.0008元/千Tokens。[1]") || !strings.Contains(stdout, "Sources:\n[1] ") {
		t.Errorf("answer:\n%s", stdout)
	}
	if strings.Contains(stdout+stderr, "sk-secret-key") {
		t.Error("the API key was printed")
	}

	env["OPENAI_API_KEY"] = "sk-wrong-key"
	stdout, stderr, err = runWithEnv(t, env, "", "ask", "豆包大模型的价格是多少？")
	if err != nil || !strings.Contains(stdout, "rejected 401") || !strings.Contains(stdout, "0.0008") {
		t.Errorf("with a rejected key: %v\n%s", err, stdout)
	}
	if strings.Contains(stdout+stderr, "sk-wrong-key") {
		t.Error("the API key was printed")
	}
}

func TestChat(t *testing.T) {
	env := map[string]string{"MARKETBOT_DATA_DIR": t.TempDir()}
	stdout, _, err := runWithEnv(t, env, "豆包大模型是什么时候发布的？\n那价格呢？\n/help\nexit\n", "chat")
	if err != nil {
		t.Fatal(err)
	}
	turns := strings.Split(stdout, "\nyou> ")
	if len(turns) < 4 {
		t.Fatalf("chat output:\n%s", stdout)
	}
	if !strings.Contains(turns[2], "0.0008") {
		t.Errorf("the follow-up 那价格呢？ was not answered with Doubao's price:\n%s", turns[2])
	}
	if !strings.Contains(turns[3], "/sources") {
		t.Errorf("/help:\n%s", turns[3])
	}

	// Questions piped in quick succession are all answered: the chat
	// platforms' rate limits do not hold one person at a terminal.
	questions := strings.Repeat("What did OpenAI charge for GPT-4o mini?\n", 6)
	stdout, _, err = runWithEnv(t, env, questions, "chat")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(stdout, "Sources:"); n != 6 || strings.Contains(stdout, "faster than I can answer") {
		t.Errorf("6 quick questions, %d answered with sources:\n%s", n, stdout)
	}
}

// TestCommandsSayHowCurrentTheSourcesAre: a period after the built-in
// pack's newest article (2025-08-07) is said to be uncovered, by ask (text
// and JSON) and search, naming that date and citing nothing.
func TestCommandsSayHowCurrentTheSourcesAre(t *testing.T) {
	dir := t.TempDir()
	stdout, _, err := runCmd(t, dir, "ask", "--json", "What happened in the LLM market this week?")
	if err != nil {
		t.Fatal(err)
	}
	var ans struct {
		Answer    string `json:"answer"`
		Citations []any  `json:"citations"`
	}
	if err := json.Unmarshal([]byte(stdout), &ans); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if !strings.Contains(ans.Answer, newestBuiltin(t)) || !strings.Contains(ans.Answer, "marketbot ingest") || len(ans.Citations) != 0 {
		t.Errorf("ask --json = %+v, want the newest article's date, the ingest suggestion and no citation", ans)
	}
	stdout, _, _ = runCmd(t, dir, "ask", "最近一个月大模型市场有什么新闻？")
	if !strings.Contains(stdout, "最新的一篇文章发表于"+newestBuiltin(t)) {
		t.Errorf("ask (zh) = %q", stdout)
	}
	stdout, _, _ = runCmd(t, dir, "ask", "What is OpenAI's latest model?")
	if !strings.HasPrefix(stdout, "⚠ My newest source is from "+newestBuiltin(t)) {
		t.Errorf("ask for the latest = %q, want the newest source's date first", stdout)
	}
	stdout, _, _ = runCmd(t, dir, "search", "--since", "2026-01-01", "DeepSeek")
	if !strings.Contains(stdout, "its newest article is from "+newestBuiltin(t)) {
		t.Errorf("search after the newest article = %q", stdout)
	}
}

// newestBuiltin is the date of the built-in pack's newest article.
func newestBuiltin(t *testing.T) string {
	t.Helper()
	pack, err := corpus.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	var newest time.Time
	for _, a := range pack {
		if a.Published.After(newest) {
			newest = a.Published
		}
	}
	return newest.Format(time.DateOnly)
}
