package answer

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/llm"
	"github.com/marketbot/marketbot/rag/search/when"
	"github.com/marketbot/marketbot/rag/store/ledger"
)

// anaphora marks a question that leans on the conversation: pronouns,
// "and …?", "what about …?", "…呢？".
var anaphora = regexp.MustCompile(`(?i)^(?:and|but|also|what about|how about)\b|\b(?:it|its|they|them|their|this|that|these|those|he|she|his|her)\b|[它他她其该該此这這那]|呢[？?]?$`)

// rewriteTimeout bounds the model's rewriting of a follow-up.
const rewriteTimeout = 6 * time.Second

// standalone makes a follow-up question standalone: with the model when
// there is one, otherwise (or if it fails) by carrying the entities of the
// previous question over.
func (a *Answerer) standalone(ctx context.Context, question string, history []ledger.Turn) string {
	if len(history) == 0 {
		return question
	}
	history = history[max(0, len(history)-3):]
	if a.model != nil {
		// A short budget: with the answer's own, the reply comes within 30 s.
		ctx, cancel := context.WithTimeout(llm.WithoutThinking(ctx), rewriteTimeout)
		defer cancel()
		if q, err := a.model.Chat(ctx, rewritePrompt(question, history), nil); err == nil {
			if q = strings.TrimSpace(q); q != "" && utf8.RuneCountInString(q) < 300 {
				return q
			}
		}
	}
	return followUp(question, history[len(history)-1].Question, a.search.Aliases())
}

// followUp rewrites a follow-up without a model. A question that names no
// entity and leans on the conversation gets the previous question's
// entities ("那价格呢？" after a question about 豆包 becomes "豆包 那价格呢？");
// a short "what about X?" takes the previous question with X in place of
// its entity. A follow-up that says nothing of time asks about the
// previous question's period: after "OpenAI最新的模型是什么？", "那价格呢？"
// asks the latest price.
func followUp(question, previous string, aliases *corpus.Aliases) string {
	ents := named(aliases.Match(question))
	prev := named(aliases.Match(previous))
	short := utf8.RuneCountInString(question) <= 16 || len(strings.Fields(question)) <= 5
	out := question
	switch {
	case len(prev) == 0:
		if !anaphora.MatchString(question) {
			return question
		}
	case len(ents) == 0 && (short || anaphora.MatchString(question)):
		var names []string
		for _, e := range prev {
			names = append(names, mentionedName(e, previous))
		}
		out = strings.Join(names, " ") + " " + question
	case len(ents) > 0 && short && anaphora.MatchString(question):
		// Swap the previous question's entity of the same kind.
		swap := prev[len(prev)-1]
		for _, p := range prev {
			if p.Type == ents[0].Type {
				swap = p
				break
			}
		}
		return strings.Replace(previous, mentionedName(swap, previous), mentionedName(ents[0], question), 1)
	default:
		return question
	}
	if len(when.Phrases(question)) == 0 {
		for _, p := range when.Phrases(previous) {
			out += " " + p
		}
	}
	return out
}

// named keeps entities proper, not words of the trade.
func named(es []corpus.Entity) []corpus.Entity {
	var out []corpus.Entity
	for _, e := range es {
		if e.Type != "term" {
			out = append(out, e)
		}
	}
	return out
}

// mentionedName is the name of e as text writes it (its first name if
// none matches as written).
func mentionedName(e corpus.Entity, text string) string {
	lower := strings.ToLower(text)
	best := ""
	for _, n := range e.Names {
		if strings.Contains(lower, strings.ToLower(n)) && len(n) > len(best) {
			best = n
		}
	}
	if best == "" {
		return e.Names[0]
	}
	if i := strings.Index(lower, strings.ToLower(best)); i >= 0 {
		return text[i : i+len(best)]
	}
	return best
}
