package corpus

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// checkSpans asserts Split's contract on text: spans in order, trimmed,
// within bounds, overlapping by at most one short sentence, covering every
// non-space character, and never cutting inside a word or number.
func checkSpans(t *testing.T, text string, spans []Span, opt ChunkOptions) {
	t.Helper()
	covered := 0 // text[:covered] is accounted for
	for i, sp := range spans {
		if sp.Start < 0 || sp.End > len(text) || sp.Start >= sp.End {
			t.Fatalf("span %d %v out of range (len %d)", i, sp, len(text))
		}
		chunk := text[sp.Start:sp.End]
		if !utf8.ValidString(chunk) {
			t.Fatalf("span %d %v cuts a character", i, sp)
		}
		if strings.TrimSpace(chunk) != chunk {
			t.Errorf("span %d %q is not trimmed", i, chunk)
		}
		if n := utf8.RuneCountInString(chunk); n > opt.Max && len(strings.Fields(chunk)) > 1 && hasCutPoint(chunk) {
			t.Errorf("span %d has %d runes, more than Max %d", i, n, opt.Max)
		}
		if gap := text[covered:max(covered, sp.Start)]; strings.TrimSpace(gap) != "" {
			t.Fatalf("text %q lost between span %d and the one before", gap, i)
		}
		if sp.Start < covered {
			if overlap := text[sp.Start:covered]; utf8.RuneCountInString(overlap) > opt.Overlap {
				t.Errorf("span %d overlaps the previous one by %d runes", i, utf8.RuneCountInString(overlap))
			}
		}
		if i > 0 && sp.Start <= spans[i-1].Start {
			t.Fatalf("span %d %v does not advance past %v", i, sp, spans[i-1])
		}
		for _, edge := range []int{sp.Start, sp.End} {
			if edge > 0 && edge < len(text) && inWord(text, edge) {
				t.Errorf("span %d edge %d cuts the word or number around %q", i, edge, around(text, edge))
			}
		}
		covered = max(covered, sp.End)
	}
	if rest := text[covered:]; strings.TrimSpace(rest) != "" {
		t.Fatalf("text %q after the last span is lost", rest)
	}
}

// hasCutPoint reports whether a chunk could have been cut (it has a place
// that is not inside a word).
func hasCutPoint(s string) bool {
	prev := rune(-1)
	for _, r := range s {
		if prev >= 0 && (!isWordRune(prev) || !isWordRune(r)) {
			return true
		}
		prev = r
	}
	return false
}

func inWord(text string, i int) bool {
	before, _ := utf8.DecodeLastRuneInString(text[:i])
	after, _ := utf8.DecodeRuneInString(text[i:])
	return isWordRune(before) && isWordRune(after) && !unicode.IsPunct(after)
}

func around(text string, i int) string {
	return text[max(0, i-10):min(len(text), i+10)]
}

func TestSplitBuiltinPack(t *testing.T) {
	articles, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	var chunks, runes int
	for _, a := range articles {
		spans := Split(a.Text, DefaultChunkOptions)
		checkSpans(t, a.Text, spans, DefaultChunkOptions)
		chunks += len(spans)
		for _, sp := range spans {
			runes += utf8.RuneCountInString(a.Text[sp.Start:sp.End])
		}
	}
	if avg := runes / max(chunks, 1); avg < 120 || avg > DefaultChunkOptions.Max {
		t.Errorf("average passage is %d runes; want a few sentences", avg)
	}
}

func TestSplitSentencesAndParagraphs(t *testing.T) {
	opt := ChunkOptions{Target: 40, Max: 60, Overlap: 25}
	text := "豆包主力模型定价0.0008元/千Tokens。比行业便宜99.3%！这是价格战的开始吗？\n\n" +
		"OpenAI released GPT-4o on May 13, 2024. It costs $5 per million input tokens. U.S. users got it first."
	spans := Split(text, opt)
	checkSpans(t, text, spans, opt)
	var got []string
	for _, sp := range spans {
		got = append(got, text[sp.Start:sp.End])
	}
	for _, c := range got {
		if strings.Contains(c, "0.0008") == false && strings.Contains(c, "0.") {
			t.Errorf("number cut: %q", c)
		}
	}
	if !strings.HasSuffix(got[0], "吗？") && !strings.HasSuffix(got[0], "！") {
		t.Errorf("first passage %q does not end at a sentence end", got[0])
	}
	if len(got) < 2 {
		t.Fatalf("got %d passages, want the text split: %q", len(got), got)
	}
}

func TestSplitLongSentenceWithoutPunctuation(t *testing.T) {
	opt := ChunkOptions{Target: 50, Max: 80, Overlap: 20}
	text := strings.Repeat("DeepSeek-V3 has 671B parameters and 37B active ", 10) + strings.Repeat("大模型价格战", 30)
	spans := Split(text, opt)
	checkSpans(t, text, spans, opt)
	if len(spans) < 4 {
		t.Errorf("got %d spans, want the long text cut", len(spans))
	}
}

// FuzzSplit checks Split's contract on arbitrary cleaned text.
func FuzzSplit(f *testing.F) {
	f.Add("豆包主力模型定价0.0008元/千Tokens。比行业便宜99.3%！\n\nOpenAI released GPT-4o. U.S. first.", 40, 60, 20)
	f.Add(strings.Repeat("word ", 200), 100, 150, 30)
	f.Add(strings.Repeat("长", 500), 100, 150, 30)
	f.Fuzz(func(t *testing.T, s string, target, maxRunes, overlap int) {
		if !utf8.ValidString(s) || maxRunes < 20 || maxRunes > 2000 || target < 1 || overlap < 0 || overlap > maxRunes/2 {
			t.Skip()
		}
		opt := ChunkOptions{Target: target, Max: maxRunes, Overlap: overlap}
		checkSpans(t, s, Split(s, opt), opt)
	})
}
