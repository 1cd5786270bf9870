package bridge

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestEnglishPhraseHyphenated: a phrase the dictionary writes with a
// hyphen is found in the tokens that lost it ("cross-border": 跨境).
func TestEnglishPhraseHyphenated(t *testing.T) {
	asking := func(string) bool { return false }
	for words, want := range map[string]string{
		"cross border payment volume": "跨境",
		"open source models":          "开源",
		"fiscal year revenue":         "财年",
	} {
		n, cands := EnglishPhrase(strings.Fields(words), asking)
		if n != 2 || !slices.ContainsFunc(cands, func(w Word) bool { return strings.Join(w.Toks, "") == want || bigramsOf(w.Toks) == want }) {
			t.Errorf("EnglishPhrase(%q) = %d, %v; want 2 words, %s", words, n, cands, want)
		}
	}
}

// bigramsOf is the word whose overlapping bigrams toks are.
func bigramsOf(toks []string) string {
	var b strings.Builder
	for i, t := range toks {
		r := []rune(t)
		if i == 0 {
			b.WriteString(t)
		} else {
			b.WriteRune(r[len(r)-1])
		}
	}
	return b.String()
}

// TestFromPinyin: a Latin name read as pinyin becomes the names in
// characters whose every bigram the corpus holds, dictionary words aside.
func TestFromPinyin(t *testing.T) {
	holds := func(bigrams ...string) func(string) bool {
		return func(b string) bool { return strings.Contains(strings.Join(bigrams, " "), b) }
	}
	names := func(ws []Word) []string {
		var out []string
		for _, w := range ws {
			out = append(out, strings.Join(w.Toks, " "))
		}
		return out
	}
	for _, c := range []struct {
		word  string
		words bool
		has   func(string) bool
		want  []string
	}{
		{"hongleng", false, holds("宏冷"), []string{"宏冷"}},
		{"zuoyebang", false, holds("作业", "业帮"), []string{"作业 业帮"}},
		{"zuoyebang", false, holds("作业"), nil},       // 业帮 is in no passage
		{"dali", false, holds("大理", "大力"), nil},      // dictionary words: "dali" would have been translated
		{"nanya", true, holds("南亚"), []string{"南亚"}}, // unless a company's name: Nanya Technology
		{"klarna", true, func(string) bool { return true }, nil},
	} {
		if got := names(FromPinyin(c.word, c.words, c.has)); !cmp.Equal(got, c.want, cmpopts.EquateEmpty()) {
			t.Errorf("FromPinyin(%q) = %q, want %q", c.word, got, c.want)
		}
	}
	if got := PinyinBigrams("hongleng"); !strings.Contains(strings.Join(got, " "), "宏冷") {
		t.Errorf("PinyinBigrams(hongleng) lacks 宏冷: %q", got)
	}
}

func TestToPinyin(t *testing.T) {
	for word, want := range map[string]string{"青云": "qingyun", "星衡": "xingheng", "杭州": "hangzhou"} {
		if !slices.ContainsFunc(ToPinyin(word), func(w Word) bool { return slices.Equal(w.Toks, []string{want}) }) {
			t.Errorf("ToPinyin(%s) = %v, want it to hold %s", word, ToPinyin(word), want)
		}
	}
	if got := ToPinyin("云"); got != nil {
		t.Errorf("ToPinyin(云) = %v, want nil: one syllable is too easily anything", got)
	}
}
