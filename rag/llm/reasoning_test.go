package llm

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestVisible(t *testing.T) {
	for _, tc := range []struct {
		text, final, streaming string
	}{
		{"<think>The user asks about Doubao.[1] Passage 1 says 0.0008.[1]</think>\n\n豆包的输入价格为0.0008元/千Tokens。[1]", "豆包的输入价格为0.0008元/千Tokens。[1]", "豆包的输入价格为0.0008元/千Tokens。[1]"},
		{"<thinking>plan</thinking>Answer.", "Answer.", "Answer."},
		{"Answer. <think>an aside</think>More.", "Answer. More.", "Answer. More."},
		{"<think>still thinking", "", ""}, // unclosed: nothing yet
		{"The template opened it.</think>Answer.", "Answer.", "Answer."},
		{"Answer with a cut tag <thi", "Answer with a cut tag <thi", "Answer with a cut tag "},
		{"a < b and 2<3", "a < b and 2<3", "a < b and 2<3"},
		{"No reasoning at all.", "No reasoning at all.", "No reasoning at all."},
		{"<THINK>Shouting.[5]</THINK>Answer.[1]", "Answer.[1]", "Answer.[1]"},
	} {
		if got := visible(tc.text, true); got != tc.final {
			t.Errorf("visible(%q) = %q, want %q", tc.text, got, tc.final)
		}
		if got := visible(tc.text, false); got != tc.streaming {
			t.Errorf("visible(%q) while streaming = %q, want %q", tc.text, got, tc.streaming)
		}
	}
}

// reasoningServer answers like a reasoning model served by Ollama or vLLM
// (the thinking inside <think> in the content) that also sends
// reasoning_content deltas, as DeepSeek and Ark do, streamed in small
// pieces or whole.
func reasoningServer(t *testing.T, answer string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Stream bool `json:"stream"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		content := "<think>The user asks about Doubao.[1] Passage 1 says 0.0008 yuan per thousand tokens.[1] I will answer.</think>\n\n" + answer
		if !req.Stream {
			json.NewEncoder(w).Encode(map[string]any{"choices": []any{map[string]any{"message": map[string]any{
				"role": "assistant", "content": content, "reasoning_content": "Hidden reasoning [1]."}}}})
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		chunk := func(delta map[string]any) {
			b, _ := json.Marshal(map[string]any{"choices": []any{map[string]any{"index": 0, "delta": delta}}})
			fmt.Fprintf(w, "data: %s\n\n", b)
		}
		chunk(map[string]any{"reasoning_content": "Hidden reasoning [1]."})
		for r := []rune(content); len(r) > 0; {
			n := min(3, len(r))
			chunk(map[string]any{"content": string(r[:n])})
			r = r[n:]
		}
		fmt.Fprint(w, "data: [DONE]\n\n")
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestReasoningNeverReachesTheCaller(t *testing.T) {
	const answer = "豆包主力模型的输入价格为0.0008元/千Tokens。[1]"
	srv := reasoningServer(t, answer)
	c := New(Config{BaseURL: srv.URL, Model: "qwq"})
	got, err := c.Chat(context.Background(), []Message{{Role: "user", Content: "豆包多少钱？"}}, nil)
	if err != nil || got != answer {
		t.Errorf("plain: %q, %v; want the answer alone", got, err)
	}
	var pieces []string
	got, err = c.Chat(context.Background(), []Message{{Role: "user", Content: "豆包多少钱？"}}, func(p string) { pieces = append(pieces, p) })
	if err != nil || got != answer {
		t.Errorf("streamed: %q, %v; want the answer alone", got, err)
	}
	if d := cmp.Diff(answer, strings.Join(pieces, "")); d != "" {
		t.Errorf("streamed pieces (-want +got):\n%s", d)
	}
}

func TestThinkingSwitch(t *testing.T) {
	var mu sync.Mutex
	var last map[string]any
	var fail atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		mu.Lock()
		last = body
		mu.Unlock()
		if fail.Add(-1) >= 0 {
			http.Error(w, `{"error":{"message":"busy"}}`, http.StatusServiceUnavailable)
			return
		}
		if body["stream"] == true {
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"}}]}\n\ndata: [DONE]\n\n")
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"choices": []any{map[string]any{"message": map[string]any{"role": "assistant", "content": "ok"}}}})
	}))
	defer srv.Close()
	sent := func(provider, model string, thinking Thinking, ctx context.Context) map[string]any {
		c := New(Config{BaseURL: srv.URL, Model: model, Provider: provider, Thinking: thinking})
		if _, err := c.Chat(ctx, []Message{{Role: "user", Content: "hi"}}, nil); err != nil {
			t.Fatalf("%s: %v", provider, err)
		}
		mu.Lock()
		defer mu.Unlock()
		out := map[string]any{}
		for _, k := range []string{"thinking", "enable_thinking", "reasoning_effort"} {
			if v, ok := last[k]; ok {
				out[k] = v
			}
		}
		return out
	}
	ctx := context.Background()
	type m = map[string]any
	for _, tc := range []struct {
		provider, model string
		thinking        Thinking
		ctx             context.Context
		want            m
	}{
		{"ark", "doubao-seed-1-6-251015", ThinkingOff, ctx, m{"thinking": m{"type": "disabled"}}},
		{"ark", "doubao-seed-1-6-251015", ThinkingOn, ctx, m{"thinking": m{"type": "enabled"}}},
		{"ark", "doubao-seed-1-6-251015", ThinkingAuto, ctx, m{"thinking": m{"type": "auto"}}},
		{"ark", "doubao-seed-1-6-251015", ThinkingOn, WithoutThinking(ctx), m{"thinking": m{"type": "disabled"}}}, // rewrites, translations
		{"zhipu", "glm-4.5-air", ThinkingOff, ctx, m{"thinking": m{"type": "disabled"}}},
		{"qwen", "qwen-plus", ThinkingOff, ctx, m{"enable_thinking": false}},
		{"qwen", "qwen-plus", ThinkingOn, ctx, m{"enable_thinking": true}},
		{"qwen", "qwen-plus", ThinkingAuto, ctx, m{}},
		{"openai", "gpt-5-mini", ThinkingOff, ctx, m{"reasoning_effort": "minimal"}},
		{"openai", "o3-mini", ThinkingOff, ctx, m{"reasoning_effort": "low"}},
		{"openai", "gpt-5.1", ThinkingOff, ctx, m{"reasoning_effort": "none"}},
		{"openai", "gpt-5.4-mini", ThinkingOff, ctx, m{"reasoning_effort": "none"}},
		{"openai", "gpt-5.3-codex", ThinkingOff, ctx, m{"reasoning_effort": "low"}},
		{"openai", "gpt-5.1-chat-latest", ThinkingOff, ctx, m{}},
		{"openai", "gpt-5-mini", ThinkingOn, ctx, m{}},
		{"openai", "gpt-4o-mini", ThinkingOff, ctx, m{}},
		{"deepseek", "deepseek-v4-flash", ThinkingOff, ctx, m{"thinking": m{"type": "disabled"}}},
		{"deepseek", "deepseek-v4-flash", ThinkingOn, ctx, m{"thinking": m{"type": "enabled"}}},
		{"deepseek", "deepseek-v4-flash", ThinkingAuto, ctx, m{}},
		{"moonshot", "kimi-k2.6", ThinkingOff, ctx, m{"thinking": m{"type": "disabled"}}},
		{"moonshot", "kimi-k2.6", ThinkingOn, WithoutThinking(ctx), m{"thinking": m{"type": "disabled"}}},
		{"ollama", "qwen3", ThinkingOff, ctx, m{}},
		{"", "whatever", ThinkingOn, ctx, m{}},
	} {
		got := sent(tc.provider, tc.model, tc.thinking, tc.ctx)
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("%s %s thinking %s (-want +got):\n%s", tc.provider, tc.model, tc.thinking, d)
		}
	}
	// A retried request carries the switch too.
	fail.Store(1)
	if got := sent("ark", "doubao-seed-1-6-251015", ThinkingOff, ctx); got["thinking"] == nil {
		t.Errorf("retried request without the switch: %v", got)
	}
	// DashScope takes enable_thinking: true in streamed calls only.
	for thinking, want := range map[Thinking]any{ThinkingOn: true, ThinkingOff: false} {
		sent("qwen", "qwen-plus", thinking, ctx)
		mu.Lock()
		streamed := last["stream"]
		mu.Unlock()
		if streamed != want {
			t.Errorf("qwen thinking %s: stream %v, want %v", thinking, streamed, want)
		}
	}
}

// TestTemplateOpenedReasoningIsHeld: a thinking model served without a
// switch (vLLM, Ollama) whose chat template opened the reasoning block
// streams reasoning closed by a lone </think>; none of it is passed on,
// only that the model thinks, then the answer. A model that is no
// reasoning model streams as it writes.
func TestTemplateOpenedReasoningIsHeld(t *testing.T) {
	const answer = "豆包主力模型的输入价格为0.0008元/千Tokens。[1]"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		content := []rune("The user asks about Doubao.[5] Passage 5 says X.[5]</think>\n\n" + answer)
		for len(content) > 0 {
			n := min(9, len(content))
			b, _ := json.Marshal(map[string]any{"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"content": string(content[:n])}}}})
			fmt.Fprintf(w, "data: %s\n\n", b)
			content = content[n:]
		}
		fmt.Fprint(w, "data: [DONE]\n\n")
	}))
	defer srv.Close()
	for model, wantHeld := range map[string]bool{"deepseek-r1-distill-qwen-32b": true, "llama-3.3-70b": false} {
		var pieces []string
		got, err := New(Config{BaseURL: srv.URL, Model: model}).Chat(context.Background(), []Message{{Role: "user", Content: "豆包多少钱？"}},
			func(p string) { pieces = append(pieces, p) })
		if err != nil || got != answer {
			t.Errorf("%s: %q, %v; want the answer alone", model, got, err)
		}
		leaked := strings.Contains(strings.Join(pieces, ""), "Passage 5")
		if wantHeld && (leaked || len(pieces) == 0 || pieces[0] != "" || strings.Join(pieces, "") != answer) {
			t.Errorf("%s: pieces %q; want the thinking mark, then the answer alone", model, pieces)
		}
		if !wantHeld && !leaked {
			t.Errorf("%s: pieces %q; a model that is no reasoning model streams as it writes", model, pieces)
		}
	}
}

func TestDetectProvider(t *testing.T) {
	for url, want := range map[string]string{
		"https://ark.cn-beijing.volces.com/api/v3":          "ark",
		"https://api.deepseek.com":                          "deepseek",
		"https://dashscope.aliyuncs.com/compatible-mode/v1": "qwen",
		"https://api.moonshot.cn/v1":                        "moonshot",
		"https://open.bigmodel.cn/api/paas/v4":              "zhipu",
		"http://localhost:11434/v1":                         "ollama",
		"https://api.openai.com/v1":                         "openai",
		"http://vllm.internal:8000/v1":                      "",
	} {
		if got := DetectProvider(url); got != want {
			t.Errorf("DetectProvider(%q) = %q, want %q", url, got, want)
		}
	}
	for name, p := range Providers {
		if DetectProvider(p.BaseURL) != name || p.ChatModel == "" {
			t.Errorf("preset %s: %+v is not recognised by its own base URL", name, p)
		}
	}
}
