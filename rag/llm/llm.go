// Package llm is a client for OpenAI-compatible chat models (OpenAI,
// Volcano Ark, DeepSeek, Qwen, Moonshot, Zhipu, Ollama, vLLM…) with what
// go-openai leaves out: retries of 429 (honouring Retry-After) and 5xx
// with backoff, a deadline for the whole exchange, streaming to a
// callback, the providers' presets and thinking switches, answers without
// the model's reasoning, and failures classified in a few words a user can
// be shown.
package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/marketbot/marketbot/rag/retryhttp"
)

// Config configures a client.
type Config struct {
	BaseURL    string        // default https://api.openai.com/v1
	APIKey     string        // may be empty for local servers
	Model      string        // required
	Provider   string        // a key of Providers, for its thinking switch; "" for none
	Thinking   Thinking      // default ThinkingOff
	Timeout    time.Duration // for one exchange, retries included; default 20s
	MaxRetries int           // retries of 429 and 5xx; default 2, negative for none
	HTTPClient *http.Client  // default: one that retries as configured
	Metrics    *Metrics      // nil: none
}

// Message is one chat message.
type Message struct {
	Role    string // "system", "user" or "assistant"
	Content string
}

// Client talks to one chat model.
type Client struct {
	api *openai.Client
	cfg Config
}

// New returns a client.
func New(cfg Config) *Client {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 20 * time.Second
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = 2
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	if cfg.BaseURL != "" {
		oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	}
	if cfg.Thinking == "" {
		cfg.Thinking = ThinkingOff
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Transport: &retryhttp.Transport{MaxRetries: cfg.MaxRetries, MaxRetryAfter: cfg.Timeout}}
	}
	hc := *cfg.HTTPClient
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	hc.Transport = fieldsTransport{Base: base}
	oc.HTTPClient = &hc
	return &Client{api: openai.NewClientWithConfig(oc), cfg: cfg}
}

// SetMetrics makes the client count its exchanges in m; call it before
// the client is used.
func (c *Client) SetMetrics(m *Metrics) { c.cfg.Metrics = m }

// Model is the model's name.
func (c *Client) Model() string { return c.cfg.Model }

// Provider is the preset's name, "" for none.
func (c *Client) Provider() string { return c.cfg.Provider }

// Thinking is the thinking switch's setting.
func (c *Client) Thinking() Thinking { return c.cfg.Thinking }

// ThinkingState says in a few words whether the model thinks: the switch's
// setting where the provider takes one, else that whatever reasoning it
// writes is cut.
func (c *Client) ThinkingState() string {
	switch {
	case c.cfg.Provider == "openai" && !reasoningModel(c.cfg.Model):
		return "no reasoning model"
	case switchless(c.cfg.Provider):
		return "thinking as the model does, its reasoning cut"
	}
	return "thinking " + string(c.cfg.Thinking)
}

// switchless reports servers that take no thinking switch: Ollama, vLLM
// and any other the presets do not name.
func switchless(provider string) bool { return provider == "" || provider == "ollama" }

// templateOpened reports a model whose chat template may open the
// reasoning block itself, so that its reasoning arrives closed by a lone
// </think>: DeepSeek-R1 and its distills, QwQ, Qwen3 and other thinking
// models served by a switchless server.
func templateOpened(provider, model string) bool {
	if !switchless(provider) {
		return false
	}
	model = strings.ToLower(model)
	for _, s := range []string{"r1", "qwq", "qwen3", "think", "reason"} {
		if strings.Contains(model, s) {
			return true
		}
	}
	return false
}

// ErrEmpty is returned when the model answers with nothing.
var ErrEmpty = errors.New("the model returned an empty answer")

// Chat sends the messages and returns the model's reply, without its
// reasoning. With onDelta set, the reply is streamed and onDelta gets each
// visible piece as it arrives, and an empty piece when the model starts
// thinking (never the thinking itself).
func (c *Client) Chat(ctx context.Context, msgs []Message, onDelta func(string)) (string, error) {
	thinking := c.cfg.Thinking
	if t, ok := ctx.Value(thinkingKey{}).(Thinking); ok {
		thinking = t
	}
	ctx = withFields(ctx, thinkingFields(c.cfg.Provider, c.cfg.Model, thinking))
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req := openai.ChatCompletionRequest{Model: c.cfg.Model}
	if !reasoningModel(c.cfg.Model) {
		req.Temperature = 0.2 // reasoning models accept only their default
	}
	for _, m := range msgs {
		req.Messages = append(req.Messages, openai.ChatCompletionMessage{Role: m.Role, Content: m.Content})
	}
	// DashScope takes enable_thinking: true in streamed calls only.
	if onDelta == nil && c.cfg.Provider == "qwen" && thinking != ThinkingOff {
		onDelta = func(string) {}
	}
	start := time.Now()
	var text string
	var used usage
	var err error
	if onDelta == nil {
		text, used, err = c.complete(ctx, req)
	} else {
		text, used, err = c.stream(ctx, req, onDelta)
	}
	if err == nil && strings.TrimSpace(text) == "" {
		err = ErrEmpty
	}
	if err != nil {
		reason, status := classify(ctx, err)
		c.cfg.Metrics.observe(time.Since(start), used, status)
		return "", &Error{Reason: reason, err: err}
	}
	c.cfg.Metrics.observe(time.Since(start), used, "")
	return text, nil
}

func (c *Client) complete(ctx context.Context, req openai.ChatCompletionRequest) (string, usage, error) {
	resp, err := c.api.CreateChatCompletion(ctx, req)
	if err != nil {
		return "", usage{}, err
	}
	used := usageOf(resp.Usage)
	if len(resp.Choices) == 0 {
		return "", used, ErrEmpty
	}
	return visible(resp.Choices[0].Message.Content, true), used, nil
}

// usageOf reads the tokens a model reports using.
func usageOf(u openai.Usage) usage {
	used := usage{prompt: u.PromptTokens, completion: u.CompletionTokens}
	if d := u.CompletionTokensDetails; d != nil {
		used.reasoning = d.ReasoningTokens
	}
	return used
}

func (c *Client) stream(ctx context.Context, req openai.ChatCompletionRequest, onDelta func(string)) (string, usage, error) {
	req.Stream = true
	// The usage arrives in a last chunk without choices; servers that do
	// not know the option ignore it.
	req.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
	s, err := c.api.CreateChatCompletionStream(ctx, req)
	if err != nil {
		return "", usage{}, err
	}
	defer s.Close()
	out := visibleStream{emit: onDelta, hold: templateOpened(c.cfg.Provider, c.cfg.Model)}
	var used usage
	for {
		resp, err := s.Recv()
		if errors.Is(err, io.EOF) {
			return visible(out.raw.String(), true), used, nil
		}
		if err != nil {
			// Never retried: the caller may have shown part of it.
			return "", used, err
		}
		if u := resp.Usage; u != nil {
			used = usageOf(*u)
		}
		for _, ch := range resp.Choices {
			// The thinking some providers send apart is never shown: it
			// only says that the model thinks.
			if ch.Delta.ReasoningContent != "" {
				out.think()
			}
			if d := ch.Delta.Content; d != "" {
				out.write(d)
			}
		}
	}
}

// reasoningModel reports models that refuse sampling parameters.
func reasoningModel(name string) bool {
	for _, p := range []string{"o1", "o3", "o4", "gpt-5", "gpt-6"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// Error is a failed exchange. Reason is a few words for users ("timeout",
// "rate limited", "server error 502", "unreachable", "empty answer",
// "rejected 401"); Error() adds the model's message, never the key.
type Error struct {
	Reason string
	err    error
}

func (e *Error) Error() string {
	return fmt.Sprintf("language model: %s: %v", e.Reason, describe(e.err))
}
func (e *Error) Unwrap() error { return e.err }

// classify names a failure for users (reason) and for metrics (status:
// the HTTP status code, or timeout, cancelled, empty, unreachable, error).
func classify(ctx context.Context, err error) (reason, status string) {
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		return "timeout", "timeout"
	case errors.Is(err, context.Canceled):
		return "cancelled", "cancelled"
	case errors.Is(err, ErrEmpty):
		return "empty answer", "empty"
	}
	code := HTTPStatus(err)
	switch {
	case code == http.StatusTooManyRequests:
		return "rate limited", "429"
	case code >= 500:
		return fmt.Sprintf("server error %d", code), strconv.Itoa(code)
	case code >= 400:
		return fmt.Sprintf("rejected %d", code), strconv.Itoa(code)
	case errors.As(err, &netErr) || strings.Contains(err.Error(), "connect"):
		return "unreachable", "unreachable"
	}
	return "error", "error"
}

// HTTPStatus is the HTTP status an OpenAI-compatible endpoint answered
// with, anywhere in err's chain (chat and embeddings alike); 0 if none.
func HTTPStatus(err error) int {
	if apiErr, ok := errors.AsType[*openai.APIError](err); ok {
		return apiErr.HTTPStatusCode
	}
	if reqErr, ok := errors.AsType[*openai.RequestError](err); ok {
		return reqErr.HTTPStatusCode
	}
	return 0
}

// describe shortens the client's errors: the status and the server's
// message, not whole bodies.
func describe(err error) string {
	if apiErr, ok := errors.AsType[*openai.APIError](err); ok {
		return fmt.Sprintf("%d %s", apiErr.HTTPStatusCode, apiErr.Message)
	}
	if reqErr, ok := errors.AsType[*openai.RequestError](err); ok {
		return fmt.Sprintf("%d %s", reqErr.HTTPStatusCode, http.StatusText(reqErr.HTTPStatusCode))
	}
	return err.Error()
}
