package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/marketbot/marketbot/rag/llm"
)

// endpoint is the OpenAI-compatible service configured for answers and
// embeddings: OPENAI_BASE_URL and OPENAI_API_KEY, with the preset that
// MARKETBOT_LLM_PROVIDER names (or that the base URL points at) filling in
// what is not set, and MARKETBOT_LLM_THINKING.
type endpoint struct {
	on       bool         // any of them is set: answers are written by the model
	provider llm.Provider // the preset; its Name is "" when none applies
	baseURL  string
	key      string
	thinking llm.Thinking
}

// endpoint reads the service's settings.
func (e *environment) endpoint() (endpoint, error) {
	ep := endpoint{key: e.getenv("OPENAI_API_KEY"), baseURL: e.getenv("OPENAI_BASE_URL")}
	name := e.getenv("MARKETBOT_LLM_PROVIDER")
	ep.on = ep.key != "" || ep.baseURL != "" || name != ""
	if name == "" {
		name = llm.DetectProvider(ep.baseURL)
	}
	if name == "" && ep.baseURL == "" {
		name = "openai" // the default base URL is OpenAI's
	}
	var errs []error
	if name != "" {
		p, ok := llm.Providers[name]
		if !ok {
			names := make([]string, 0, len(llm.Providers))
			for n := range llm.Providers {
				names = append(names, n)
			}
			slices.Sort(names)
			errs = append(errs, fmt.Errorf("MARKETBOT_LLM_PROVIDER=%q: use one of %s", name, strings.Join(names, ", ")))
		}
		ep.provider = p
	}
	if ep.baseURL == "" {
		ep.baseURL = ep.provider.BaseURL
	}
	if ep.baseURL == "" {
		ep.baseURL = llm.Providers["openai"].BaseURL
	}
	switch t := llm.Thinking(e.getenv("MARKETBOT_LLM_THINKING")); t {
	case "":
		ep.thinking = llm.ThinkingOff
	case llm.ThinkingOff, llm.ThinkingOn, llm.ThinkingAuto:
		ep.thinking = t
	default:
		errs = append(errs, fmt.Errorf("MARKETBOT_LLM_THINKING=%q: use off (the default), on or auto", t))
	}
	return ep, errors.Join(errs...)
}

// chatModel is the model answers come from: MARKETBOT_CHAT_MODEL, else the
// preset's, else gpt-4o-mini.
func (ep endpoint) chatModel(set string) string {
	switch {
	case set != "":
		return set
	case ep.provider.ChatModel != "":
		return ep.provider.ChatModel
	}
	return llm.Providers["openai"].ChatModel
}

// timeout is an answer's default budget: 20 s, or 60 s when the model may
// think.
func (ep endpoint) timeout() time.Duration {
	if ep.thinking == llm.ThinkingOff {
		return 20 * time.Second
	}
	return 60 * time.Second
}

// embedModel is the embedding model: MARKETBOT_EMBED_MODEL, else the
// preset's; an error for a provider without one.
func (ep endpoint) embedModel(set string) (string, error) {
	switch {
	case set != "":
		return set, nil
	case ep.provider.Name == "":
		return llm.Providers["openai"].EmbedModel, nil
	case ep.provider.EmbedModel == "":
		return "", fmt.Errorf("MARKETBOT_EMBEDDER=openai: %s offers no embedding model; set MARKETBOT_EMBED_MODEL, or use MARKETBOT_EMBEDDER=local", ep.provider.Name)
	}
	return ep.provider.EmbedModel, nil
}
