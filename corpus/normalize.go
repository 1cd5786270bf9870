package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/marketbot/marketbot/corpus/zhconv"
)

// Normalize folds text for indexing and matching: compatibility forms and
// full-width characters to their plain forms (NFKC), Latin letters to
// their unaccented forms, Traditional Chinese to Simplified, and case to
// lower. Pinyin glosses are removed first, since
// the script converter would otherwise split them from their character.
func Normalize(s string) string {
	s = stripPinyin(s)
	s = norm.NFKC.String(s)
	s = foldAccents(s)
	s = zhconv.ToSimplified(s)
	return strings.ToLower(s)
}

// foldAccents drops the accents of Latin letters, as people type names
// without them: "América Móvil" is "America Movil", "Sabiá" "Sabia".
// Other scripts' marks (Japanese kana's) are kept.
func foldAccents(s string) string {
	if !hasLatinAccents(s) {
		return s
	}
	var b strings.Builder
	var base rune
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) && unicode.Is(unicode.Latin, base) {
			continue
		}
		base = r
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// hasLatinAccents reports whether s may hold a Latin letter with an accent
// (U+00C0–U+024F, whose UTF-8 lead bytes are 0xC3–0xC9): a byte scan, as
// every text indexed or asked passes here.
func hasLatinAccents(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b >= 0xC3 && b <= 0xC9 {
			return true
		}
	}
	return false
}

// stopwords are English function words left out of the index and of
// queries: they match nearly every passage and only slow the search.
var stopwords = map[string]bool{
	"a": true, "an": true, "and": true, "are": true, "as": true, "at": true, "be": true, "by": true,
	"did": true, "do": true, "does": true, "for": true, "from": true, "has": true, "have": true,
	"how": true, "in": true, "is": true, "it": true, "its": true, "of": true, "on": true, "or": true,
	"that": true, "the": true, "this": true, "to": true, "was": true, "were": true, "what": true,
	"when": true, "which": true, "who": true, "with": true,
}

// TokensVersion names the rules of Tokens. A store indexed under another
// version has its passages tokenized again when it is opened.
const TokensVersion = 3

// gradeA reports whether the "a" at s[i:j] is a grade, not the article: a
// funding round ("Series A", "pre-A", "A轮") or part of a name ("A100",
// "A股").
func gradeA(s string, i, j int) bool {
	if r, _ := utf8.DecodeRuneInString(s[j:]); j < len(s) && (unicode.Is(unicode.Han, r) || unicode.IsDigit(r)) {
		return true
	}
	before := strings.TrimRight(s[:i], " -")
	return strings.HasSuffix(before, "series") || strings.HasSuffix(before, "pre")
}

// Tokens returns the index terms of text, after Normalize: character
// bigrams for runs of Han characters (the character itself for a run of
// one), and words for runs of letters and digits, split where letters meet
// digits so that "GPT4o", "GPT-4o" and "gpt 4o" agree. A decimal point
// inside a number is kept ("2.5"). English stopwords are dropped, but for
// "a" as a grade ("Series A", "A轮", "A100").
func Tokens(text string) []string {
	return NormalizedTokens(Normalize(text))
}

// NormalizedTokens is Tokens for text that has already been through
// Normalize.
func NormalizedTokens(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.Is(unicode.Han, r):
			j := i
			var prev string
			n := 0
			for j < len(s) {
				r, size := utf8.DecodeRuneInString(s[j:])
				if !unicode.Is(unicode.Han, r) {
					break
				}
				cur := s[j : j+size]
				if prev != "" {
					out = append(out, prev+cur)
				}
				prev = cur
				n++
				j += size
			}
			if n == 1 {
				out = append(out, prev)
			}
			i = j
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			j := i + size
			digit := unicode.IsDigit(r)
			for j < len(s) {
				r, size := utf8.DecodeRuneInString(s[j:])
				if digit && r == '.' && j+1 < len(s) && s[j+1] >= '0' && s[j+1] <= '9' {
					j += size
					continue
				}
				if unicode.Is(unicode.Han, r) || !(unicode.IsLetter(r) || unicode.IsDigit(r)) || unicode.IsDigit(r) != digit {
					break
				}
				j += size
			}
			if w := s[i:j]; !stopwords[w] || w == "a" && gradeA(s, i, j) {
				out = append(out, w)
			}
			i = j
		default:
			i += size
		}
	}
	return out
}
