package llm

import (
	"context"
	"net/url"
	"strings"
)

// Provider is the preset of an OpenAI-compatible service: where it is, the
// models to use by default, and how it takes the thinking switch.
type Provider struct {
	Name       string
	BaseURL    string
	ChatModel  string // the default model for answers
	EmbedModel string // the default embedding model; "" where the provider has none
	host       string // how its base URL is recognised
}

// Providers are the presets, by name. The default models are those the
// services documented at the end of 2026: DeepSeek retired deepseek-chat
// and deepseek-reasoner on 2026-07-24, Moonshot its kimi-k2-*-preview and
// kimi-k2-thinking ids during 2026; both now switch thinking by a field.
var Providers = map[string]Provider{
	"openai":   {Name: "openai", BaseURL: "https://api.openai.com/v1", ChatModel: "gpt-4o-mini", EmbedModel: "text-embedding-3-small", host: "api.openai.com"},
	"ark":      {Name: "ark", BaseURL: "https://ark.cn-beijing.volces.com/api/v3", ChatModel: "doubao-seed-1-6-251015", EmbedModel: "doubao-embedding-text-240715", host: "volces.com"},
	"deepseek": {Name: "deepseek", BaseURL: "https://api.deepseek.com", ChatModel: "deepseek-v4-flash", host: "deepseek.com"},
	"qwen":     {Name: "qwen", BaseURL: "https://dashscope.aliyuncs.com/compatible-mode/v1", ChatModel: "qwen-plus", EmbedModel: "text-embedding-v3", host: "dashscope"},
	"moonshot": {Name: "moonshot", BaseURL: "https://api.moonshot.cn/v1", ChatModel: "kimi-k2.6", host: "moonshot."},
	"zhipu":    {Name: "zhipu", BaseURL: "https://open.bigmodel.cn/api/paas/v4", ChatModel: "glm-4.5-air", EmbedModel: "embedding-3", host: "bigmodel.cn"},
	"ollama":   {Name: "ollama", BaseURL: "http://localhost:11434/v1", ChatModel: "qwen3", EmbedModel: "bge-m3", host: ":11434"},
}

// DetectProvider names the preset whose service baseURL points at, or ""
// (vLLM and other servers: their reasoning is cut, no switch is sent).
func DetectProvider(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil {
		return ""
	}
	for name, p := range Providers {
		if strings.Contains(u.Host, p.host) {
			return name
		}
	}
	return ""
}

// Thinking is a model's reasoning switch.
type Thinking string

// The switch's positions. Off is the default: answers come from passages,
// and thinking costs seconds for little.
const (
	ThinkingOff  Thinking = "off"
	ThinkingOn   Thinking = "on"
	ThinkingAuto Thinking = "auto"
)

type thinkingKey struct{}

// WithoutThinking marks a context whose chats ask the model not to think,
// whatever the client's setting: short tasks such as rewriting a follow-up
// or translating a question.
func WithoutThinking(ctx context.Context) context.Context {
	return context.WithValue(ctx, thinkingKey{}, ThinkingOff)
}

// thinkingFields are the fields that set a provider's thinking switch, to
// add to a chat request; nil where there is none to send (Ollama and vLLM
// think by model and template: their reasoning is cut whatever the
// setting) or auto is the model's own default.
func thinkingFields(provider, model string, t Thinking) map[string]any {
	switch provider {
	case "ark", "zhipu":
		return map[string]any{"thinking": map[string]string{"type": map[Thinking]string{ThinkingOff: "disabled", ThinkingOn: "enabled", ThinkingAuto: "auto"}[t]}}
	case "deepseek", "moonshot": // thinking by default; no "auto" type
		if t == ThinkingAuto {
			return nil
		}
		return map[string]any{"thinking": map[string]string{"type": map[Thinking]string{ThinkingOff: "disabled", ThinkingOn: "enabled"}[t]}}
	case "qwen":
		if t == ThinkingAuto {
			return nil // the model's own default
		}
		return map[string]any{"enable_thinking": t == ThinkingOn}
	case "openai":
		if t != ThinkingOff || !reasoningModel(model) || strings.Contains(model, "-chat") {
			return nil // chat variants take no effort
		}
		return map[string]any{"reasoning_effort": leastEffort(model)}
	}
	return nil
}

// leastEffort is the least reasoning an OpenAI reasoning model takes:
// "minimal" for gpt-5 and its mini and nano, "none" for gpt-5.1 and later
// (which refuse "minimal"), "low" for the o-series and Codex models, which
// always reason.
func leastEffort(model string) string {
	switch {
	case strings.HasPrefix(model, "o") || strings.Contains(model, "codex"):
		return "low"
	case model == "gpt-5" || strings.HasPrefix(model, "gpt-5-"):
		return "minimal"
	}
	return "none"
}
