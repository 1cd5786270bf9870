package answer

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/llm"
)

// With a language model, a question is also searched in the other
// language: one short call turns it into English, or English into
// Simplified Chinese, before retrieval.
const (
	translateTimeout = 3 * time.Second // the answer never waits longer for it
	maxTranslations  = 10000           // questions whose translation is remembered
)

// translate returns the question in the other language, or "" when there
// is no model or it fails, times out or replies with something that is not
// a translation; the offline bridge then serves alone. Translations are
// remembered for the process's life (up to maxTranslations questions).
func (a *Answerer) translate(ctx context.Context, question string) string {
	if a.model == nil {
		return ""
	}
	a.mu.Lock()
	t, ok := a.translations[question]
	a.mu.Unlock()
	if ok {
		a.opt.Metrics.observeTranslation("cached")
		return t
	}
	ctx, cancel := context.WithTimeout(llm.WithoutThinking(ctx), translateTimeout)
	defer cancel()
	from := corpus.DetectLang(question)
	reply, err := a.model.Chat(ctx, translatePrompt(question, from), nil)
	if t = translation(reply, question, from); err != nil || t == "" {
		a.opt.Metrics.observeTranslation("failed")
		a.opt.Logger.DebugContext(ctx, "question not translated; the offline bridge serves alone", "err", err)
		return ""
	}
	a.mu.Lock()
	if len(a.translations) >= maxTranslations {
		clear(a.translations)
	}
	a.translations[question] = t
	a.mu.Unlock()
	a.opt.Metrics.observeTranslation("translated")
	return t
}

// translation reads a model's reply as the translation of question (in
// language from): its first non-empty line, unquoted, in the other
// language, of a question's length; "" if it is not that.
func translation(reply, question, from string) string {
	var line string
	for l := range strings.Lines(reply) {
		if line = strings.TrimSpace(l); line != "" {
			break
		}
	}
	line = strings.Trim(line, "\"'“”「」")
	if line == "" || line == question || utf8.RuneCountInString(line) > 300 {
		return ""
	}
	if (corpus.DetectLang(line) == "en") == (from == "en") {
		return "" // not in the other language
	}
	return line
}
