package rag

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/corpus/zhen"
	"github.com/marketbot/marketbot/corpus/zhseg"
)

// The bilingual bridge: a question's plain words in one language reach
// passages in the other through CC-CEDICT (corpus/zhen). The dictionary
// offers candidates; the corpus chooses among them: only translations it
// holds are used, the one it uses most first. The alias table's names and
// trade words come first and are not translated again.

// bridged is a candidate translation of a question's word.
type bridged struct {
	toks  []string // its index tokens
	sense int      // which of the dictionary's senses it renders (0: the main one)
	df    int      // passages holding it, once the corpus is consulted
}

// The bridge looks at a word's first few senses only: later ones are rare
// meanings ("model" is also a 楷模, a paragon).
const (
	maxSenses = 4  // English glosses of a Chinese word
	maxWords  = 24 // Chinese words for an English word
)

// chineseWords segments Chinese text into words (corpus/zhseg), then joins
// neighbours that together make a word of the bridge's dictionary and
// carry meaning: jieba's dictionary lacks 比特币 and splits 营收, which
// CC-CEDICT knows.
func chineseWords(text string) []zhseg.Word {
	segs := zhseg.Segment(text)
	var out []zhseg.Word
	for i := 0; i < len(segs); {
		joined := false
		for k := min(3, len(segs)-i); k >= 2; k-- {
			var b strings.Builder
			for _, w := range segs[i : i+k] {
				b.WriteString(w.Text)
			}
			word := b.String()
			if n := utf8.RuneCountInString(word); n <= 6 && allHan(word) && zhen.English(word) != nil && anyMeaning(segs[i:i+k]) {
				out = append(out, zhseg.Word{Text: word})
				i += k
				joined = true
				break
			}
		}
		if !joined {
			out = append(out, segs[i])
			i++
		}
	}
	return out
}

// anyMeaning reports whether one of the words is a content word or a
// noun: 比特 + 币, 营 + 收, but not 多少 + 钱 or 的 + 话.
func anyMeaning(ws []zhseg.Word) bool {
	for _, w := range ws {
		if w.Content() || strings.HasPrefix(w.POS, "n") {
			return true
		}
	}
	return false
}

func allHan(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return s != ""
}

// toEnglish returns a Chinese word's English glosses, each in its
// inflected forms (the index does not stem).
func toEnglish(word string) []bridged {
	glosses := zhen.English(word)
	var out []bridged
	for i, g := range glosses[:min(maxSenses, len(glosses))] {
		for _, f := range zhen.Forms(g) {
			if toks := corpus.Tokens(f); len(toks) > 0 {
				out = append(out, bridged{toks: toks, sense: i})
			}
		}
	}
	return out
}

// toChinese returns the Chinese words for an English word or phrase.
func toChinese(phrase string) []bridged {
	words := zhen.Chinese(phrase)
	var out []bridged
	for i, w := range words[:min(maxWords, len(words))] {
		out = append(out, bridged{toks: corpus.Tokens(w), sense: i})
	}
	return out
}

// englishPhrase finds the longest dictionary phrase of two or more words
// at the start of words ("fiscal year", "context window", "market share")
// and returns its length and its translations; 0 when there is none.
// A phrase of question words ("how many") is not a concept.
func englishPhrase(words []string) (int, []bridged) {
	for n := min(zhen.MaxWords, len(words)); n >= 2; n-- {
		informative := 0
		for _, w := range words[:n] {
			if !isLetters(w) {
				informative = -n
				break
			}
			if !questionWords[w] {
				informative++
			}
		}
		if informative*2 < n {
			continue
		}
		if cands := toChinese(strings.Join(words[:n], " ")); len(cands) > 0 {
			return n, cands
		}
	}
	return 0, nil
}

func isLetters(s string) bool {
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return s != ""
}

// present keeps the candidates the corpus holds, with their frequencies,
// the most used sense first (its forms together, as the dictionary lists
// them). Single tokens are checked before phrases, which cost a query.
func present(cands []bridged, freq phraseFreq) []bridged {
	var out []bridged
	bySense := map[int]int{}
next:
	for _, c := range cands {
		for _, t := range c.toks {
			if freq([]string{t}) == 0 {
				continue next
			}
		}
		if c.df = freq(c.toks); c.df > 0 {
			out = append(out, c)
			bySense[c.sense] += c.df
		}
	}
	slices.SortStableFunc(out, func(a, b bridged) int {
		if d := cmp.Compare(bySense[b.sense], bySense[a.sense]); d != 0 {
			return d
		}
		return a.sense - b.sense
	})
	return out
}

// best returns the tokens of a concept's most used translation, all its
// forms: what a one-best translation of the question uses for it.
func (c concept) best() []string {
	var out []string
	for _, t := range c.trans {
		if t.sense != c.trans[0].sense {
			break
		}
		out = append(out, t.toks...)
	}
	return out
}
