package llm

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
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
