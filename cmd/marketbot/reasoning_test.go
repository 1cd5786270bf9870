package main

import (
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/marketbot/marketbot/rag/llm/llmtest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, d)
	}
}

// TestReasoningNeverShows: with a model that reasons in its answers (and
// beside them), ask, ask --json and chat show the answer and none of the
// reasoning, and cite what the answer says.
func TestReasoningNeverShows(t *testing.T) {
	srv := llmtest.ReasoningServer(t, llmtest.QuotingAnswer)
	env := map[string]string{"MARKETBOT_DATA_DIR": t.TempDir(), "OPENAI_BASE_URL": srv.URL + "/v1", "MARKETBOT_CHAT_MODEL": "qwq"}
	for _, run := range []struct {
		name, stdin string
		args        []string
	}{
		{"reasoning_ask.golden", "", []string{"ask", "火山方舟接入了哪些模型？"}},
		{"reasoning_ask.golden.json", "", []string{"ask", "--json", "Which models did Volcano Engine's Ark host at launch?"}},
		{"reasoning_chat.golden", "火山方舟接入了哪些模型？\nexit\n", []string{"chat"}},
	} {
		stdout, stderr, err := runWithEnv(t, env, run.stdin, run.args...)
		if err != nil {
			t.Fatal(err, stderr)
		}
		if strings.Contains(stdout, "think>") || strings.Contains(stdout, "step by step") || !strings.Contains(stdout, "[1]") {
			t.Errorf("%v shows the reasoning, or no cited answer:\n%s", run.args, stdout)
		}
		golden(t, run.name, stdout)
	}
}

// TestProviderPresets: MARKETBOT_LLM_PROVIDER picks the model and sends the
// provider's thinking switch on every call (answer, translation); an
// explicit base URL and model still win; bad values are refused.
func TestProviderPresets(t *testing.T) {
	var mu sync.Mutex
	var bodies []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		mu.Lock()
		bodies = append(bodies, body)
		mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{"choices": []any{map[string]any{"message": map[string]any{"role": "assistant", "content": "豆包。[1]"}}}})
	}))
	defer srv.Close()
	off := map[string]any{"type": "disabled"}
	for _, tc := range []struct {
		env              map[string]string
		model            string
		field            string
		answer, shortOne any // the switch sent with the answer, and with the translation (always off)
	}{
		{map[string]string{"MARKETBOT_LLM_PROVIDER": "ark"}, "doubao-seed-1-6-251015", "thinking", off, off},
		{map[string]string{"MARKETBOT_LLM_PROVIDER": "ark", "MARKETBOT_LLM_THINKING": "auto", "MARKETBOT_CHAT_MODEL": "ep-2025"}, "ep-2025", "thinking", map[string]any{"type": "auto"}, off},
		{map[string]string{"MARKETBOT_LLM_PROVIDER": "qwen"}, "qwen-plus", "enable_thinking", false, false},
		{map[string]string{"MARKETBOT_LLM_PROVIDER": "deepseek", "MARKETBOT_LLM_THINKING": "on"}, "deepseek-v4-flash", "thinking", map[string]any{"type": "enabled"}, off},
		{map[string]string{"MARKETBOT_LLM_PROVIDER": "moonshot"}, "kimi-k2.6", "thinking", off, off},
	} {
		mu.Lock()
		bodies = nil
		mu.Unlock()
		env := map[string]string{"MARKETBOT_DATA_DIR": t.TempDir(), "OPENAI_BASE_URL": srv.URL + "/v1", "OPENAI_API_KEY": "sk-test"}
		for k, v := range tc.env {
			env[k] = v
		}
		if _, stderr, err := runWithEnv(t, env, "", "ask", "豆包大模型的价格是多少？"); err != nil {
			t.Fatal(err, stderr)
		}
		mu.Lock()
		if len(bodies) < 2 {
			t.Errorf("%v: %d calls, want the translation and the answer", tc.env, len(bodies))
		}
		for i, b := range bodies {
			want := tc.shortOne
			if i == len(bodies)-1 {
				want = tc.answer
			}
			if b["model"] != tc.model || !cmp.Equal(b[tc.field], want) {
				t.Errorf("%v, call %d: sent model %v, %s %v; want %s, %v", tc.env, i+1, b["model"], tc.field, b[tc.field], tc.model, want)
			}
		}
		mu.Unlock()
	}
	for env, want := range map[string]string{
		"MARKETBOT_LLM_PROVIDER": "MARKETBOT_LLM_PROVIDER=\"openrouter\": use one of ark, deepseek, moonshot, ollama, openai, qwen, zhipu",
		"MARKETBOT_LLM_THINKING": "MARKETBOT_LLM_THINKING=\"openrouter\": use off (the default), on or auto",
	} {
		_, _, err := runWithEnv(t, map[string]string{"MARKETBOT_DATA_DIR": t.TempDir(), env: "openrouter"}, "", "ask", "豆包？")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s=openrouter: %v, want %q", env, err, want)
		}
	}
	_, _, err := runWithEnv(t, map[string]string{"MARKETBOT_DATA_DIR": t.TempDir(), "MARKETBOT_LLM_PROVIDER": "deepseek", "MARKETBOT_EMBEDDER": "openai"}, "", "ask", "豆包？")
	if err == nil || !strings.Contains(err.Error(), "deepseek offers no embedding model") {
		t.Errorf("embeddings from deepseek: %v", err)
	}
}

// TestProviderOfTheEndpoint: the preset comes from MARKETBOT_LLM_PROVIDER,
// else from the base URL; with neither set the endpoint is OpenAI's, so
// its reasoning models get their switch too.
func TestProviderOfTheEndpoint(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"OPENAI_API_KEY": "sk-test"}, "openai"},
		{map[string]string{"OPENAI_BASE_URL": "https://ark.cn-beijing.volces.com/api/v3"}, "ark"},
		{map[string]string{"OPENAI_BASE_URL": "http://vllm.internal:8000/v1"}, ""},
		{map[string]string{"OPENAI_BASE_URL": "http://vllm.internal:8000/v1", "MARKETBOT_LLM_PROVIDER": "qwen"}, "qwen"},
	} {
		e := &environment{getenv: func(k string) string { return tc.env[k] }}
		ep, err := e.endpoint()
		if err != nil || ep.provider.Name != tc.want {
			t.Errorf("%v: provider %q, %v; want %q", tc.env, ep.provider.Name, err, tc.want)
		}
	}
}
