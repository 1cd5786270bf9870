package search

import (
	"testing"

	"github.com/marketbot/marketbot/corpus"
)

// TestANameEndingInOneHanCharacter: a name of Latin letters and one Han
// character (B站, A股) is held where more Han characters follow it, whose
// first bigram begins with that character; a lone character alone is not.
func TestANameEndingInOneHanCharacter(t *testing.T) {
	for _, tc := range []struct {
		text, name string
		want       bool
	}{
		{"报告期内，B站总营收83.6亿元", "B站", true},
		{"在B站", "B站", true},
		{"A股市场的AI概念股涨停", "A股", true},
		{"B轮融资6500万美元", "A轮", false},
		{"车站总营收", "站", false}, // one character alone is no name to find inside a word
	} {
		toks := corpus.Tokens(tc.text)
		if got := containsSeq(toks, indexTokens(toks), corpus.Tokens(tc.name)); got != tc.want {
			t.Errorf("%q holds %q: %v, want %v", tc.text, tc.name, got, tc.want)
		}
	}
}
