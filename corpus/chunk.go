package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Span is a passage of a text, as byte offsets: text[Start:End].
type Span struct{ Start, End int }

// ChunkOptions bound passage sizes, in characters (runes).
type ChunkOptions struct {
	Target  int // a passage is closed once it reaches this size
	Max     int // and never grows beyond this (unless one word is longer)
	Overlap int // the last sentence of a passage, if no longer, starts the next one too
}

// DefaultChunkOptions suit both scripts: a few sentences per passage.
var DefaultChunkOptions = ChunkOptions{Target: 360, Max: 600, Overlap: 120}

// Split divides text (as produced by Clean) into passages of a few
// sentences. Sentences end at 。！？；!?; or a full stop followed by a space,
// and may run on through closing quotes and brackets. A passage prefers to
// end with a paragraph; an over-long sentence is cut at a comma or a space,
// or between Han characters, never inside a Latin word or a number.
// Consecutive passages overlap by at most one short sentence; together
// they cover every non-space character of text.
func Split(text string, opt ChunkOptions) []Span {
	if opt.Max <= 0 {
		opt = DefaultChunkOptions
	}
	opt.Target = min(max(opt.Target, 1), opt.Max)
	var spans []Span
	var cur []sentence
	size := 0 // runes from the start of cur's first sentence to the end of its last
	grown := func(s sentence) int {
		if len(cur) == 0 {
			return s.runes
		}
		return size + utf8.RuneCountInString(text[cur[len(cur)-1].End:s.Start]) + s.runes
	}
	emit := func() {
		spans = append(spans, Span{cur[0].Start, cur[len(cur)-1].End})
		last := cur[len(cur)-1]
		cur, size = cur[:0], 0
		if len(spans) > 0 && last.runes <= opt.Overlap && !last.paraEnd && spans[len(spans)-1].Start != last.Start {
			cur, size = append(cur, last), last.runes
		}
	}
	for _, s := range sentences(text, opt.Max) {
		if len(cur) > 0 && grown(s) > opt.Max {
			emit()
			if len(cur) > 0 && grown(s) > opt.Max { // the overlap does not fit
				cur, size = cur[:0], 0
			}
		}
		size = grown(s)
		cur = append(cur, s)
		if size >= opt.Target || (s.paraEnd && size >= opt.Target*2/3) {
			emit()
		}
	}
	if len(cur) > 0 && (len(spans) == 0 || cur[len(cur)-1].End > spans[len(spans)-1].End) {
		spans = append(spans, Span{cur[0].Start, cur[len(cur)-1].End})
	}
	return spans
}

// sentence is a trimmed span of text with its length in runes.
type sentence struct {
	Span
	runes   int
	paraEnd bool // the last sentence of a paragraph
}

// sentences splits text into sentences of at most maxRunes (unless a single
// word is longer), with surrounding space trimmed.
func sentences(text string, maxRunes int) []sentence {
	var out []sentence
	add := func(start, end int, paraEnd bool) {
		for start < end {
			r, size := utf8.DecodeRuneInString(text[start:])
			if !unicode.IsSpace(r) {
				break
			}
			start += size
		}
		for end > start {
			r, size := utf8.DecodeLastRuneInString(text[:end])
			if !unicode.IsSpace(r) {
				break
			}
			end -= size
		}
		if start >= end {
			if paraEnd && len(out) > 0 {
				out[len(out)-1].paraEnd = true
			}
			return
		}
		for _, sp := range cutLong(text, Span{start, end}, maxRunes) {
			out = append(out, sentence{Span: sp, runes: utf8.RuneCountInString(text[sp.Start:sp.End])})
		}
		out[len(out)-1].paraEnd = paraEnd
	}
	start := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		end := i + size
		switch {
		case r == '\n' && strings.HasPrefix(text[end:], "\n"):
			add(start, i, true)
			start = end
		case isTerminator(r, text, end):
			for end < len(text) { // closing quotes and brackets belong to the sentence
				r, size := utf8.DecodeRuneInString(text[end:])
				if !isCloser(r) && !isTerminator(r, text, end+size) {
					break
				}
				end += size
			}
			add(start, end, false)
			start = end
		}
		i = end
	}
	add(start, len(text), true)
	return out
}

func isTerminator(r rune, text string, next int) bool {
	switch r {
	case '。', '！', '？', '；', '!', '?', ';', '…':
		return true
	case '.':
		// A full stop ends a sentence when followed by space or the end,
		// not inside "3.5", "U.S." or "gpt-4o.mini".
		if next >= len(text) {
			return true
		}
		n, _ := utf8.DecodeRuneInString(text[next:])
		return unicode.IsSpace(n)
	}
	return false
}

func isCloser(r rune) bool {
	return strings.ContainsRune(`"'”’」』）)]】》`, r)
}

// cutLong cuts a span longer than maxRunes at the best places: after a
// comma-like mark, else at a space, else between two characters that are not both part
// of a word; never
// inside a run of letters or digits.
func cutLong(text string, sp Span, maxRunes int) []Span {
	var out []Span
	for utf8.RuneCountInString(text[sp.Start:sp.End]) > maxRunes {
		cut := bestCut(text[sp.Start:sp.End], maxRunes)
		if cut <= 0 {
			break // one word longer than maxRunes: keep it whole
		}
		end := sp.Start + cut
		out = append(out, trimSpan(text, Span{sp.Start, end}))
		sp.Start = end
		sp = trimSpan(text, sp)
	}
	if sp.Start < sp.End {
		out = append(out, sp)
	}
	return out
}

// bestCut returns the byte offset in s of the best place to cut within the
// first maxRunes runes: after a comma-like mark, else at a space, else
// between two characters that are not both part of a word. When a word is
// longer than that, it returns the first place after it, and 0 if there is
// none.
func bestCut(s string, maxRunes int) int {
	var comma, space, other int
	n := 0
	prev := rune(0)
	for i, r := range s {
		if i > 0 {
			switch {
			case strings.ContainsRune("，,、：:", prev):
				comma = i
			case unicode.IsSpace(prev) || unicode.IsSpace(r):
				space = i
			case !isWordRune(prev) || !isWordRune(r):
				other = i
			}
		}
		if n >= maxRunes && (comma > 0 || space > 0 || other > 0) {
			break
		}
		prev = r
		n++
	}
	for _, c := range []int{comma, space, other} {
		if c > 0 {
			return c
		}
	}
	return 0
}

// isWordRune reports runes that make up Latin words and numbers, which are
// never cut.
func isWordRune(r rune) bool {
	return !unicode.Is(unicode.Han, r) && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '%')
}

func trimSpan(text string, sp Span) Span {
	for sp.Start < sp.End {
		r, size := utf8.DecodeRuneInString(text[sp.Start:])
		if !unicode.IsSpace(r) {
			break
		}
		sp.Start += size
	}
	for sp.End > sp.Start {
		r, size := utf8.DecodeLastRuneInString(text[:sp.End])
		if !unicode.IsSpace(r) {
			break
		}
		sp.End -= size
	}
	return sp
}
