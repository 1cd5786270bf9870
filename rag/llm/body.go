package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// go-openai has no field for the providers' own switches ("thinking",
// "enable_thinking"): they are added to the request's JSON here, in one
// place, on the way out.

type fieldsKey struct{}

// withFields marks a context whose chat requests get these JSON fields.
func withFields(ctx context.Context, fields map[string]any) context.Context {
	if len(fields) == 0 {
		return ctx
	}
	return context.WithValue(ctx, fieldsKey{}, fields)
}

// fieldsTransport adds the context's fields to the JSON body of requests
// before its Base transport sends them (and retries them).
type fieldsTransport struct {
	Base http.RoundTripper
}

func (t fieldsTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	fields, _ := req.Context().Value(fieldsKey{}).(map[string]any)
	if len(fields) == 0 || req.Body == nil || req.Method != http.MethodPost {
		return t.Base.RoundTrip(req)
	}
	raw, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("request body: %w", err)
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil, fmt.Errorf("request body: %w", err)
	}
	for k, v := range fields {
		if body[k], err = json.Marshal(v); err != nil {
			return nil, fmt.Errorf("request body: %w", err)
		}
	}
	if raw, err = json.Marshal(body); err != nil {
		return nil, fmt.Errorf("request body: %w", err)
	}
	req = req.Clone(req.Context())
	req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(raw)), int64(len(raw))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil }
	return t.Base.RoundTrip(req)
}
