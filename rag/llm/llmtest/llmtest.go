// Package llmtest fakes, for tests, an OpenAI-compatible chat endpoint
// whose model reasons before it answers, as reasoning models do through
// each kind of server: its thinking is sent as reasoning_content (DeepSeek,
// Ark, DashScope) and written into the content between <think> and
// </think> (QwQ, Qwen3, DeepSeek-R1 distills through Ollama or vLLM), whole
// or streamed in small pieces. A model whose name holds "r1" is served as
// vLLM serves DeepSeek-R1 when the chat template opens the block: no
// reasoning_content, and the content starts with the reasoning, closed by
// a lone </think>.
package llmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// Reasoning is what the fake model thinks before every answer: it cites
// passages, as the citation check must never see.
const Reasoning = "The user asks about the passages.[1] Passage 2 says more.[2] Let me think step by step before I answer."

// ReasoningServer starts the fake endpoint (closed with the test). answer
// gives the visible reply to a request's last message, given its system
// prompt.
func ReasoningServer(t testing.TB, answer func(system, user string) string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Model    string `json:"model"`
			Stream   bool   `json:"stream"`
			Messages []struct {
				Role    string `json:"role"`
				Content string `json:"content"`
			} `json:"messages"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Messages) == 0 {
			http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
			return
		}
		system, user := "", req.Messages[len(req.Messages)-1].Content
		if req.Messages[0].Role == "system" {
			system = req.Messages[0].Content
		}
		content := "<think>" + Reasoning + "</think>\n\n" + answer(system, user)
		templateOpened := strings.Contains(req.Model, "r1")
		if templateOpened {
			content = strings.TrimPrefix(content, "<think>")
		}
		if !req.Stream {
			json.NewEncoder(w).Encode(map[string]any{"object": "chat.completion", "choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
				"message": map[string]any{"role": "assistant", "content": content, "reasoning_content": Reasoning}}}})
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		send := func(delta map[string]any) {
			b, _ := json.Marshal(map[string]any{"object": "chat.completion.chunk", "choices": []any{map[string]any{"index": 0, "delta": delta}}})
			fmt.Fprintf(w, "data: %s\n\n", b)
			if f, ok := w.(http.Flusher); ok {
				f.Flush()
			}
		}
		if !templateOpened {
			for _, word := range strings.SplitAfter(Reasoning, " ") {
				send(map[string]any{"reasoning_content": word})
			}
		}
		for r := []rune(content); len(r) > 0; {
			n := min(4, len(r))
			send(map[string]any{"content": string(r[:n])})
			r = r[n:]
		}
		fmt.Fprint(w, "data: [DONE]\n\n")
	}))
	t.Cleanup(srv.Close)
	return srv
}

var firstPassage = regexp.MustCompile(`(?s)\n\[1\] [^\n]*\n(?:[^\n]*\n)?<<<\n(.*?)\n>>>`)

// QuotingAnswer answers as a careful model would, with passages numbered
// in the prompt: the first sentence of passage [1], cited [1]; a request to
// translate a question gets an English question; any other request, its
// message back.
func QuotingAnswer(system, user string) string {
	switch {
	case strings.HasPrefix(system, "You translate"):
		return "Which models does Volcano Engine's Ark platform host?"
	case firstPassage.MatchString(user):
		text := firstPassage.FindStringSubmatch(user)[1]
		if i := strings.IndexAny(text, "。.!?！？"); i >= 0 {
			_, size := utf8.DecodeRuneInString(text[i:])
			text = text[:i+size]
		}
		return strings.TrimSpace(text) + "[1]"
	}
	return user
}
