package llm

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/marketbot/marketbot/rag/prom"
)

func TestChatSamplingAndErrors(t *testing.T) {
	var bodies []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		bodies = append(bodies, body)
		if r.Header.Get("Authorization") != "Bearer sk-good" {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":{"message":"Incorrect API key provided: sk-b***"}}`))
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"choices": []any{map[string]any{"message": map[string]any{"role": "assistant", "content": "ok"}}}})
	}))
	defer srv.Close()
	for _, model := range []string{"gpt-4o-mini", "o3-mini", "gpt-5-mini"} {
		c := New(Config{BaseURL: srv.URL + "/v1/", APIKey: "sk-good", Model: model})
		if got, err := c.Chat(context.Background(), []Message{{Role: "user", Content: "hi"}}, nil); err != nil || got != "ok" {
			t.Fatalf("%s: %q, %v", model, got, err)
		}
		_, hasTemp := bodies[len(bodies)-1]["temperature"]
		if hasTemp != (model == "gpt-4o-mini") {
			t.Errorf("%s: temperature sent = %v; reasoning models must not get one", model, hasTemp)
		}
	}
	c := New(Config{BaseURL: srv.URL + "/v1", APIKey: "sk-bad-secret", Model: "m", Timeout: time.Second})
	_, err := c.Chat(context.Background(), []Message{{Role: "user", Content: "hi"}}, nil)
	var le *Error
	if !errors.As(err, &le) || le.Reason != "rejected 401" {
		t.Fatalf("err = %v, want a rejected 401", err)
	}
	if strings.Contains(err.Error(), "sk-bad-secret") {
		t.Errorf("error %q shows the key", err)
	}
}

func TestMetrics(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Stream        bool `json:"stream"`
			StreamOptions struct {
				IncludeUsage bool `json:"include_usage"`
			} `json:"stream_options"`
			Messages []struct{ Content string } `json:"messages"`
		}
		json.NewDecoder(r.Body).Decode(&body)
		switch {
		case body.Messages[0].Content == "fail":
			http.Error(w, `{"error":{"message":"overloaded"}}`, http.StatusServiceUnavailable)
		case body.Stream:
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"streamed\"}}]}\n\n")
			if body.StreamOptions.IncludeUsage {
				io.WriteString(w, "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":7,\"total_tokens\":107}}\n\n")
			}
			io.WriteString(w, "data: [DONE]\n\n")
		default:
			io.WriteString(w, `{"choices":[{"message":{"role":"assistant","content":"ok"}}],"usage":{"prompt_tokens":20,"completion_tokens":3,"total_tokens":23,"completion_tokens_details":{"reasoning_tokens":2}}}`)
		}
	}))
	defer srv.Close()
	reg := prom.NewRegistry()
	c := New(Config{BaseURL: srv.URL, Model: "m", MaxRetries: -1, Metrics: NewMetrics(reg)})
	ctx := context.Background()
	c.Chat(ctx, []Message{{Role: "user", Content: "hi"}}, nil)
	c.Chat(ctx, []Message{{Role: "user", Content: "hi"}}, func(string) {})
	if _, err := c.Chat(ctx, []Message{{Role: "user", Content: "fail"}}, nil); err == nil {
		t.Fatal("a 503 succeeded")
	}
	want := `
# HELP marketbot_llm_errors_total Failed exchanges by status: the HTTP status code, or timeout, unreachable, empty, cancelled, error.
# TYPE marketbot_llm_errors_total counter
marketbot_llm_errors_total{status="503"} 1
# HELP marketbot_llm_tokens_total Tokens the model reported using, by kind (prompt, completion, and reasoning: the part of the completion spent thinking).
# TYPE marketbot_llm_tokens_total counter
marketbot_llm_tokens_total{kind="completion"} 10
marketbot_llm_tokens_total{kind="prompt"} 120
marketbot_llm_tokens_total{kind="reasoning"} 2
`
	if diff := cmp.Diff(strings.TrimPrefix(want, "\n"), reg.Text("marketbot_llm_errors_total", "marketbot_llm_tokens_total")); diff != "" {
		t.Errorf("metrics (-want +got):\n%s", diff)
	}
	if n := strings.Count(reg.Text("marketbot_llm_seconds"), "marketbot_llm_seconds_count"); n != 2 {
		t.Errorf("%d latency series, want ok and error", n)
	}
}
