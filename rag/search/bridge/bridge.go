// Package bridge carries a question's words across Chinese and English
// offline, through CC-CEDICT (corpus/zhen): Chinese text segmented into
// the dictionary's words, a word's glosses in their inflected forms, an
// English word or phrase's Chinese words, a name translated word by word,
// an amount in the other language's units. It offers candidates; the
// corpus chooses among them (Present).
package bridge

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

// Word is a candidate translation of a question's word.
type Word struct {
	Toks  []string // its index tokens
	Sense int      // which of the dictionary's senses it renders (0: the main one)
	DF    int      // passages holding it, once the corpus is consulted
}

// The bridge looks at a Chinese word's first few senses only, later ones
// being rare meanings; an English word may be the main sense of many
// Chinese words ("model": 模型, 楷模, 典范…), of which the corpus chooses.
const (
	maxSenses = 4  // English glosses of a Chinese word
	maxWords  = 24 // Chinese words for an English word, those it is the main sense of first
)

// ChineseWords segments Chinese text into words (corpus/zhseg), then joins
// neighbours that together make a word of the bridge's dictionary and
// carry meaning (jieba's dictionary lacks 比特币 and splits 营收, which
// CC-CEDICT knows), and runs of single characters, none of them a function
// word and one meaningful, which are most often a name neither dictionary
// has (美光: Micron; 智元). Only neighbours in the text join: words on
// either side of a Latin name or a punctuation mark never make one, but
// the middle dot joins the parts of a transliterated name (史嘉蕾·喬韓森).
// 时 ("when …") and 是 are never part of such a run: "上线时有哪些" asks
// what there was at launch, not about "时有".
func ChineseWords(text string) []zhseg.Word {
	var out []zhseg.Word
	apart := func(r rune) bool { return !unicode.Is(unicode.Han, r) && r != '·' && r != '・' }
	for _, run := range strings.FieldsFunc(text, apart) {
		out = append(out, joinWords(zhseg.Segment(run))...)
	}
	return out
}

// joinWords joins the segments of one run of Han characters as
// ChineseWords says.
func joinWords(segs []zhseg.Word) []zhseg.Word {
	var out []zhseg.Word
	for i := 0; i < len(segs); {
		if k := dictionaryWord(segs[i:]); k > 0 {
			out = append(out, zhseg.Word{Text: joined(segs[i : i+k]), POS: "n"})
			i += k
			continue
		}
		k := 0
		for i+k < len(segs) && utf8.RuneCountInString(segs[i+k].Text) == 1 && !functionWord(segs[i+k]) && (k < 2 || !startsWord(segs[i+k:])) {
			k++ // a word of the dictionary starting within ends the run: 单次|最多能
		}
		if k >= 2 && slices.ContainsFunc(segs[i:i+k], meaningful) {
			out = append(out, zhseg.Word{Text: joined(segs[i : i+k])}) // no part of speech: unknown to both dictionaries
			i += k
			continue
		}
		out = append(out, segs[i])
		i++
	}
	return out
}

// dictionaryWord returns how many of the first segments (2 or 3) make a
// word of the bridge's dictionary of at most six characters, one of them
// meaningful; 0 if none do.
func dictionaryWord(segs []zhseg.Word) int {
	for k := min(3, len(segs)); k >= 2; k-- {
		w := joined(segs[:k])
		if utf8.RuneCountInString(w) <= 6 && allHan(w) && zhen.English(w) != nil && slices.ContainsFunc(segs[:k], meaningful) {
			return k
		}
	}
	return 0
}

// startsWord reports whether the first two or three segments make a word
// of the bridge's dictionary.
func startsWord(segs []zhseg.Word) bool {
	for k := 2; k <= min(3, len(segs)); k++ {
		if zhen.English(joined(segs[:k])) != nil {
			return true
		}
	}
	return false
}

func joined(ws []zhseg.Word) string {
	var b strings.Builder
	for _, w := range ws {
		b.WriteString(w.Text)
	}
	return b.String()
}

// meaningful reports whether a segment is a content word, a noun, a verbal
// noun (投 of 投行) or a character unknown to jieba: 比特 and 币, 营 and
// 收, but not 多少 and 钱's neighbours 的, 了 or 是.
func meaningful(w zhseg.Word) bool {
	return w.Content() || w.POS == "" || strings.HasPrefix(w.POS, "n") || w.POS == "vn"
}

// functionWord reports a particle, preposition, conjunction, pronoun,
// modal particle or interjection: the glue of a sentence, never part of a
// name (智元 is; 的, 在, 和 are not).
func functionWord(w zhseg.Word) bool {
	return w.POS != "" && strings.ContainsRune("upcrye", rune(w.POS[0])) || w.Text == "时" || w.Text == "是"
}

func allHan(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return s != ""
}

// ToEnglish returns a Chinese word's English glosses, each in its
// inflected forms (the index does not stem).
func ToEnglish(word string) []Word {
	glosses := zhen.English(word)
	var out []Word
	for i, g := range glosses[:min(maxSenses, len(glosses))] {
		for _, f := range zhen.Forms(g) {
			if toks := corpus.Tokens(f); len(toks) > 0 {
				out = append(out, Word{Toks: toks, Sense: i})
			}
		}
	}
	return out
}

// ToChinese returns the Chinese words for an English word or phrase.
func ToChinese(phrase string) []Word {
	words := zhen.Chinese(phrase)
	var out []Word
	for i, w := range words[:min(maxWords, len(words))] {
		out = append(out, Word{Toks: corpus.Tokens(w), Sense: i})
	}
	return out
}

// Composed translates a name of several words word by word, as Chinese
// writes it: "Spark V4.0" is 星火 V4.0. Words the dictionary lacks,
// letters and numbers stay as they are; each word's first six senses are
// tried (集团 is "group"'s fifth: Ant Group is 蚂蚁集团), and the corpus
// decides whether any such name exists.
func Composed(toks []string) []Word {
	const senses = 6
	combos := []string{""}
	translated := false
	for _, t := range toks {
		alts := []string{" " + t + " "}
		if len(t) > 1 && IsLetters(t) {
			if zh := zhen.Chinese(t); len(zh) > 0 {
				alts, translated = zh[:min(senses, len(zh))], true
			}
		}
		var next []string
		for _, c := range combos {
			for _, a := range alts {
				next = append(next, c+a)
			}
		}
		combos = next
	}
	if !translated || len(toks) < 2 {
		return nil
	}
	out := make([]Word, 0, len(combos))
	for _, c := range combos {
		out = append(out, Word{Toks: corpus.Tokens(c)})
	}
	return out
}

// ToPinyin returns a Chinese name as English text may write it, in
// pinyin ("青云智能" → Qingyun: qingyun), for the corpus to say whether any
// passage does; nil for a word of fewer than two characters or one the
// readings do not cover.
func ToPinyin(word string) []Word {
	if utf8.RuneCountInString(word) < pinyinMinSyls {
		return nil
	}
	var out []Word
	for i, sp := range zhen.Spell(word) {
		out = append(out, Word{Toks: []string{sp}, Sense: maxSenses + i})
	}
	return out
}

// EnglishPhrase finds the longest dictionary phrase of two or more words
// at the start of words ("fiscal year", "context window", "market share")
// and returns its length and its translations; 0 when there is none.
// A phrase mostly of words asking says how something is asked, not what
// about ("how many"): it is none.
func EnglishPhrase(words []string, asking func(word string) bool) (int, []Word) {
	for n := min(zhen.MaxWords, len(words)); n >= 2; n-- {
		informative := 0
		for _, w := range words[:n] {
			if !IsLetters(w) {
				informative = -n
				break
			}
			if !asking(w) {
				informative++
			}
		}
		if informative*2 < n {
			continue
		}
		if cands := ToChinese(strings.Join(words[:n], " ")); len(cands) > 0 {
			return n, cands
		}
		if cands := ToChinese(strings.Join(words[:n], "-")); len(cands) > 0 {
			return n, cands // tokens lose the hyphen: "cross-border" (跨境), "open-source"
		}
	}
	return 0, nil
}

// IsLetters reports whether s is a word of lower-case Latin letters.
func IsLetters(s string) bool {
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return s != ""
}

// Present keeps the candidates the corpus holds, with their frequencies,
// the most used sense first (its forms together, as the dictionary lists
// them). Single tokens are checked before phrases, which cost a query.
func Present(cands []Word, freq func(toks []string) int) []Word {
	var out []Word
	bySense := map[int]int{}
next:
	for _, c := range cands {
		for _, t := range c.Toks {
			if freq([]string{t}) == 0 {
				continue next
			}
		}
		if c.DF = freq(c.Toks); c.DF > 0 {
			out = append(out, c)
			bySense[c.Sense] += c.DF
		}
	}
	slices.SortStableFunc(out, func(a, b Word) int {
		if d := cmp.Compare(bySense[b.Sense], bySense[a.Sense]); d != 0 {
			return d
		}
		return a.Sense - b.Sense
	})
	return out
}

// A Latin name may be pinyin (Zuoyebang, Hongleng), which a Chinese
// article writes in characters the dictionary does not list as a word
// (作业帮, 宏冷). Its syllables' most used characters, pairwise, give the
// bigrams the corpus is asked for; the names whose every bigram it holds
// are the candidates.
const (
	pinyinChars    = 48 // characters tried for each syllable
	pinyinNames    = 8  // candidates kept
	pinyinMinSyls  = 2  // a name of one syllable ("Wu") is too easily anything
	pinyinMaxSyls  = 4
	pinyinFrontier = 64 // partial names followed at each syllable
)

// spellings returns a name's readings as syllables, of two to four.
func spellings(word string) [][]string {
	var out [][]string
	for _, s := range zhen.Syllables(word) {
		if len(s) >= pinyinMinSyls && len(s) <= pinyinMaxSyls {
			out = append(out, s)
		}
	}
	return out
}

// IsPinyin reports whether a Latin word reads as pinyin of two to four
// syllables.
func IsPinyin(word string) bool { return len(spellings(word)) > 0 }

func chars(syllable string) []string {
	cs := zhen.Characters(syllable)
	return cs[:min(pinyinChars, len(cs))]
}

// PinyinBigrams returns the Han bigrams that a Latin name read as pinyin
// could be written with, for the corpus to say which it holds; nil when
// the name is no pinyin of two to four syllables.
func PinyinBigrams(word string) []string {
	var out []string
	for _, s := range spellings(word) {
		for i := 1; i < len(s); i++ {
			for _, a := range chars(s[i-1]) {
				for _, b := range chars(s[i]) {
					out = append(out, a+b)
				}
			}
		}
	}
	return out
}

// FromPinyin returns the Chinese names that a Latin name read as pinyin
// may be, of those whose every bigram has (the corpus) holds: "hongleng"
// → 宏冷. Words of the dictionary are left out, unless words is set: a
// name that were one would have been translated, and "Dali" is no 大理 of
// a common word; but a company's name ("Nanya Technology") may be one
// (南亚科).
func FromPinyin(word string, words bool, has func(bigram string) bool) []Word {
	var out []Word
	for _, s := range spellings(word) {
		names := chars(s[0])
		for _, syl := range s[1:] {
			var next []string
			for _, n := range names {
				last := string([]rune(n)[utf8.RuneCountInString(n)-1])
				for _, c := range chars(syl) {
					if len(next) < pinyinFrontier && has(last+c) {
						next = append(next, n+c)
					}
				}
			}
			names = next
		}
		for _, n := range names {
			if (words || zhen.English(n) == nil) && len(out) < pinyinNames {
				out = append(out, Word{Toks: corpus.Tokens(n)})
			}
		}
	}
	return out
}
