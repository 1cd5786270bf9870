package search

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/marketbot/marketbot/corpus"
)

// What a text holds of a question's concepts: each concept is held when
// the text's tokens hold one of its alternatives, in order.

// indexTokens maps each token to its positions, for containsSeq.
func indexTokens(toks []string) map[string][]int {
	at := map[string][]int{}
	for i, t := range toks {
		at[t] = append(at[t], i)
	}
	return at
}

// holdsAny reports whether toks hold any of the alternatives.
func holdsAny(toks []string, at map[string][]int, alts [][]string) bool {
	for _, alt := range alts {
		if containsSeq(toks, at, alt) {
			return true
		}
	}
	return false
}

// containsSeq reports whether seq occurs contiguously in toks; at indexes
// toks by token.
func containsSeq(toks []string, at map[string][]int, seq []string) bool {
	return len(seqStarts(toks, at, seq)) > 0
}

// seqStarts returns where seq occurs contiguously in toks; at indexes toks
// by token. A name that ends in one Han character after Latin letters
// (B站, A股, F轮) ends a text's run of Han characters only when nothing
// follows it; else the text's token there is a bigram it begins
// ("B站总营收": b, 站总…), which holds it too.
func seqStarts(toks []string, at map[string][]int, seq []string) []int {
	if len(seq) == 0 {
		return nil
	}
	last := len(seq) - 1
	lone := last > 0 && utf8.RuneCountInString(seq[last]) == 1 && han(seq[last])
	var out []int
	for _, i := range at[seq[0]] {
		if i+len(seq) > len(toks) || !slices.Equal(toks[i:i+last], seq[:last]) {
			continue
		}
		if t := toks[i+last]; t == seq[last] || lone && strings.HasPrefix(t, seq[last]) {
			out = append(out, i)
		}
	}
	return out
}

// entitiesIn reports which of the concepts are entities a title names.
func entitiesIn(concepts []concept, title string) []bool {
	in := heldIn(concepts, title)
	for i, c := range concepts {
		in[i] = in[i] && c.entity
	}
	return in
}

// heldIn reports which of the concepts a text holds.
func heldIn(concepts []concept, text string) []bool {
	toks := corpus.Tokens(text)
	at := indexTokens(toks)
	in := make([]bool, len(concepts))
	for i, c := range concepts {
		in[i] = holdsAny(toks, at, c.alts)
	}
	return in
}
