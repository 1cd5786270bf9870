package llm

import "strings"

// Reasoning models think before they answer. Some send the thinking apart
// (reasoning_content: DeepSeek, Ark, DashScope), which the client never
// reads; others write it into the answer between <think> and </think>
// (QwQ, Qwen3 and DeepSeek-R1's distills through Ollama or vLLM), which
// the client cuts out. Users see the answer only.

var thinkTags = [][2]string{
	{"<think>", "</think>"}, {"<thinking>", "</thinking>"}, {"<THINK>", "</THINK>"}, {"<THINKING>", "</THINKING>"},
}

// visible is text without its reasoning: every <think>…</think> or
// <thinking>…</thinking> block, an unclosed block to the end, and a
// reasoning prelude closed by a </think> that no <think> opened (chat
// templates that open the block themselves). With final unset, the text is
// still arriving: a tag cut at its end is held back too.
func visible(text string, final bool) string {
	for _, t := range thinkTags {
		open, closing := t[0], t[1]
		if end := strings.Index(text, closing); end >= 0 && !strings.Contains(text[:end], open) {
			text = text[end+len(closing):]
		}
		var b strings.Builder
		for {
			i := strings.Index(text, open)
			if i < 0 {
				break
			}
			b.WriteString(text[:i])
			end := strings.Index(text[i:], closing)
			if end < 0 {
				text = ""
				break
			}
			text = text[i+end+len(closing):]
		}
		b.WriteString(text)
		text = b.String()
	}
	if !final {
		text = withoutPartialTag(text)
	}
	return strings.TrimLeft(text, " \t\r\n")
}

// withoutPartialTag drops the start of a tag at the end of text ("<", "<thi").
func withoutPartialTag(text string) string {
	i := strings.LastIndexByte(text, '<')
	if i < 0 {
		return text
	}
	for _, t := range thinkTags {
		for _, tag := range t {
			if len(text)-i < len(tag) && strings.HasPrefix(tag, text[i:]) {
				return text[:i]
			}
		}
	}
	return text
}

// visibleStream passes on the visible part of a streamed answer as it
// grows, and an empty piece once when the model starts thinking before it
// has shown anything (so that a chat can say it is thinking). Text once
// passed on cannot be taken back: where a chat template may open the
// reasoning itself (hold), nothing is passed on until a closing tag has
// come, or the stream ends and the final answer is shown whole; elsewhere,
// if later text shows it was reasoning (a lone </think> after it), nothing
// more is passed on and the final answer, cut properly, replaces it.
type visibleStream struct {
	raw      strings.Builder
	shown    string
	stuck    bool
	hold     bool // until a closing tag
	thinking bool // the empty piece was passed on
	emit     func(string)
}

// think notes that the model is reasoning (reasoning_content arrived).
func (s *visibleStream) think() {
	if !s.thinking && s.shown == "" {
		s.thinking = true
		s.emit("")
	}
}

// write takes the next piece of the raw answer.
func (s *visibleStream) write(piece string) {
	s.raw.WriteString(piece)
	if s.stuck {
		return
	}
	raw := s.raw.String()
	if s.hold {
		if !strings.Contains(raw, "</think") && !strings.Contains(raw, "</THINK") {
			s.think()
			return
		}
		s.hold = false
	}
	if strings.Contains(raw, "<think") || strings.Contains(raw, "<THINK") {
		s.think()
	}
	v := visible(raw, false)
	if !strings.HasPrefix(v, s.shown) {
		s.stuck = true
		return
	}
	if d := v[len(s.shown):]; d != "" {
		s.shown = v
		s.emit(d)
	}
}
