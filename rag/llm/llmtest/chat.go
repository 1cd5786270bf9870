package llmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/marketbot/marketbot/rag/llm"
)

// Chat is an OpenAI-compatible /chat/completions endpoint whose
// behaviour each test sets.
type Chat struct {
	mu             sync.Mutex
	answer         func(system, user string) (status int, body string) // body: the reply text, or an error body
	Translate      func(question string) string                        // the reply to a request to translate; default: an empty reply
	Delay          time.Duration                                       // before each answer
	TranslateDelay time.Duration                                       // before each translation
	Calls          atomic.Int32                                        // every request
	Answers        atomic.Int32                                        // requests other than translations
}

// ServeHTTP answers one chat completion request, streamed or not.
func (f *Chat) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.Calls.Add(1)
	var req struct {
		Model    string `json:"model"`
		Stream   bool   `json:"stream"`
		Messages []struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"messages"`
	}
	if r.URL.Path != "/v1/chat/completions" || json.NewDecoder(r.Body).Decode(&req) != nil || len(req.Messages) < 2 {
		http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	answer, delay, translate, translateDelay := f.answer, f.Delay, f.Translate, f.TranslateDelay
	f.mu.Unlock()
	if strings.HasPrefix(req.Messages[0].Content, "You translate questions") {
		reply := ""
		if translate != nil {
			reply = translate(req.Messages[1].Content)
		}
		answer = func(string, string) (int, string) { return http.StatusOK, reply }
		delay = translateDelay
	} else {
		f.Answers.Add(1)
	}
	select {
	case <-time.After(delay):
	case <-r.Context().Done():
		return
	}
	status, body := answer(req.Messages[0].Content, req.Messages[1].Content)
	if status != http.StatusOK {
		w.Header().Set("Content-Type", "application/json")
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "1")
		}
		w.WriteHeader(status)
		fmt.Fprint(w, body)
		return
	}
	if !req.Stream {
		json.NewEncoder(w).Encode(map[string]any{
			"id": "x", "object": "chat.completion", "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": body}}},
		})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	for _, piece := range splitPieces(body, 7) {
		chunk, _ := json.Marshal(map[string]any{"id": "x", "object": "chat.completion.chunk", "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"content": piece}}}})
		fmt.Fprintf(w, "data: %s\n\n", chunk)
		w.(http.Flusher).Flush()
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
}

func splitPieces(s string, n int) []string {
	r := []rune(s)
	var out []string
	for len(r) > 0 {
		k := min(n, len(r))
		out = append(out, string(r[:k]))
		r = r[k:]
	}
	return out
}

// NewChat starts a Chat whose answers answer writes, and returns it with
// a client of it.
func NewChat(t testing.TB, answer func(system, user string) (int, string)) (*Chat, *llm.Client) {
	f := &Chat{answer: answer}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, llm.New(llm.Config{BaseURL: srv.URL + "/v1", APIKey: "sk-test", Model: "test-model", Timeout: 3 * time.Second})
}

// PassageNumber finds the [n] of the passage whose text contains s in a
// prompt, so the fake can cite correctly.
func PassageNumber(user, s string) int {
	blocks := regexp.MustCompile(`(?s)\n\[(\d+)\] .*?<<<\n(.*?)\n>>>`).FindAllStringSubmatch(user, -1)
	for _, b := range blocks {
		if strings.Contains(b[2], s) {
			var n int
			fmt.Sscan(b[1], &n)
			return n
		}
	}
	return 0
}
