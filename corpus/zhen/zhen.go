// Package zhen translates words between Chinese and English offline, with
// a table derived from CC-CEDICT (cedict.tsv.gz: CC BY-SA 4.0, see
// LICENSE). It offers candidates only: which of them fits is for the
// caller to judge, by what its own texts use. It knows nothing of the
// corpus or of questions.
package zhen

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
	"slices"
	"strings"
	"sync"
)

//go:generate go run ./gen -src=${CEDICT_PACKAGE} -out cedict.tsv.gz -readings readings.tsv.gz

//go:embed cedict.tsv.gz
var tableGz []byte

//go:embed readings.tsv.gz
var readingsGz []byte

// MaxWords is the length of the longest English gloss, in words.
const MaxWords = 3

type table struct {
	english map[string][]string // Simplified word → glosses, main sense first
	chinese map[string][]string // gloss → Simplified words, those it is the main sense of first
}

// load reads the table once, on first use.
var load = onceTable()

func onceTable() func() *table { return sync.OnceValue(readTable) }

func readTable() *table {
	data := gunzip(tableGz) // one string: words and glosses below are slices of it
	t := &table{english: make(map[string][]string, 90000), chinese: make(map[string][]string, 130000)}
	for line := range strings.Lines(data) {
		word, rest, _ := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
		glosses := strings.Split(rest, "\t")
		t.english[word] = glosses
		for _, g := range glosses {
			t.chinese[g] = append(t.chinese[g], word)
		}
	}
	// A gloss's words: those it is the first sense of first, then the
	// second…; among equals, words with fewer senses (more specific) first.
	for g, words := range t.chinese {
		if len(words) > 1 {
			slices.SortStableFunc(words, func(a, b string) int {
				ga, gb := t.english[a], t.english[b]
				if ra, rb := slices.Index(ga, g), slices.Index(gb, g); ra != rb {
					return ra - rb
				}
				return len(ga) - len(gb)
			})
		}
	}
	return t
}

// gunzip returns the text of an embedded gzipped table.
func gunzip(gz []byte) string {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		panic("zhen: an embedded table is corrupt: " + err.Error()) // caught by the package's tests
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		panic("zhen: an embedded table is corrupt: " + err.Error())
	}
	return string(raw)
}

// readings maps a toneless pinyin syllable to its characters, those in
// most of the dictionary's words first; read once, on first use.
var readings = onceReadings()

func onceReadings() func() map[string][]string { return sync.OnceValue(readReadings) }

func readReadings() map[string][]string {
	out := map[string][]string{}
	for line := range strings.Lines(gunzip(readingsGz)) {
		syl, chars, _ := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
		out[syl] = strings.Split(chars, "")
	}
	return out
}

// syllablesOf maps a Simplified character to its toneless readings in the
// readings table; built once, on first use.
var syllablesOf = sync.OnceValue(func() map[string][]string {
	out := map[string][]string{}
	for syl, chars := range readings() {
		for _, c := range chars {
			out[c] = append(out[c], syl)
		}
	}
	for _, syls := range out {
		slices.Sort(syls) // the same spellings whatever the map's order
	}
	return out
})

// Spell returns the ways a Chinese word of the readings table's characters
// is written in toneless pinyin, its syllables joined ("青云": qingyun; a
// character of several readings gives several), at most maxSpellings;
// nil when a character has no reading.
func Spell(word string) []string {
	out := []string{""}
	for _, r := range word {
		syls := syllablesOf()[string(r)]
		if len(syls) == 0 {
			return nil
		}
		var next []string
		for _, o := range out {
			for _, syl := range syls {
				if len(next) < maxSpellings {
					next = append(next, o+syl)
				}
			}
		}
		out = next
	}
	return out
}

// Characters returns the Simplified characters read as a toneless pinyin
// syllable ("hong": 红, 洪, 宏…), those in most of the dictionary's words
// first; nil for no syllable.
func Characters(syllable string) []string { return readings()[syllable] }

// maxSpellings bounds how many ways Syllables splits a word.
const maxSpellings = 4

// Syllables returns the ways a word of lower-case Latin letters splits
// into toneless pinyin syllables ("hongleng": hong leng; "xian": xian, xi
// an), at most maxSpellings, fewest syllables first; nil when it is no
// pinyin. A syllable of one vowel ("a", "e") only starts a word.
func Syllables(word string) [][]string {
	r := readings()
	var out [][]string
	var split func(rest string, got []string)
	split = func(rest string, got []string) {
		if len(out) >= maxSpellings*4 {
			return
		}
		if rest == "" {
			out = append(out, slices.Clone(got))
			return
		}
		for n := min(6, len(rest)); n >= 1; n-- {
			syl := rest[:n]
			if r[syl] == nil || n == 1 && len(got) > 0 {
				continue
			}
			split(rest[n:], append(got, syl))
		}
	}
	split(word, nil)
	slices.SortStableFunc(out, func(a, b []string) int { return len(a) - len(b) })
	return out[:min(maxSpellings, len(out))]
}

// English returns the English glosses of a Simplified Chinese word, in
// lower case, its main sense first; nil when the table lacks the word.
func English(word string) []string { return load().english[word] }

// Chinese returns the Simplified Chinese words that an English word or
// phrase (lower case, words separated by single spaces) translates, the
// words it is the main sense of first. An inflected last word also finds
// its base form ("users" → 用户, "launched" → 推出), a demonym its country
// ("Indonesian" → 印尼).
func Chinese(phrase string) []string {
	t := load()
	head, last := "", phrase
	if i := strings.LastIndexByte(phrase, ' '); i >= 0 {
		head, last = phrase[:i+1], phrase[i+1:]
	}
	var out []string
	for _, base := range bases(last) {
		for _, w := range t.chinese[head+base] {
			if !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
	}
	return out
}

// Inflections returns the other forms of an English word: those of every
// base form it may be an inflection of ("draw" → draws, drawing, drew…;
// "clusters" → cluster…), for matching English text, whose index does not
// stem. Most are no words; the corpus tells which are.
func Inflections(w string) []string {
	var out []string
	for _, b := range bases(w) {
		for _, f := range Forms(b) {
			if f != w && !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

// bases returns w and the base forms it may be an inflection of.
func bases(w string) []string {
	out := []string{w}
	add := func(s string) {
		if len(s) >= 2 && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if country, ok := demonyms[w]; ok {
		add(country)
	}
	switch {
	case strings.HasSuffix(w, "ies"):
		add(w[:len(w)-3] + "y")
	case strings.HasSuffix(w, "es"):
		add(w[:len(w)-2])
		add(w[:len(w)-1])
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		add(w[:len(w)-1])
	case strings.HasSuffix(w, "ied"):
		add(w[:len(w)-3] + "y")
	case strings.HasSuffix(w, "ed"):
		add(w[:len(w)-2])
		add(w[:len(w)-1])
	case strings.HasSuffix(w, "ing") && len(w) > 5:
		add(w[:len(w)-3])
		add(w[:len(w)-3] + "e")
	case strings.HasSuffix(w, "ically"):
		add(w[:len(w)-4])
	case strings.HasSuffix(w, "bly"):
		add(w[:len(w)-1] + "e")
	case strings.HasSuffix(w, "ly") && len(w) > 5:
		add(w[:len(w)-2])
	}
	for _, b := range slices.Clone(out) {
		add(american(b))
	}
	return out
}

// american returns the American spelling of a British one, which the
// dictionary's glosses use ("centre" → center, "licence" → license,
// "organisation" → organization, "labour" → labor, "programme" →
// program), or "". Where the rule misfires ("enterprise" → enterprize)
// it makes no word, and looking that up finds nothing.
func american(w string) string {
	switch {
	case w == "programme" || w == "programmes":
		return "program" + w[len("programme"):]
	case strings.HasSuffix(w, "tre") || strings.HasSuffix(w, "bre"): // centre, fibre
		return w[:len(w)-2] + "er"
	case strings.HasSuffix(w, "ence") && (strings.HasSuffix(w, "licence") || strings.HasSuffix(w, "fence")): // licence, defence, offence
		return w[:len(w)-2] + "se"
	case strings.HasSuffix(w, "isation"):
		return w[:len(w)-6] + "zation"
	case strings.HasSuffix(w, "ise") || strings.HasSuffix(w, "yse"): // organise, analyse
		return w[:len(w)-2] + "ze"
	case strings.HasSuffix(w, "our") && len(w) > 5: // labour, behaviour; not four, hour
		return w[:len(w)-2] + "r"
	case strings.HasSuffix(w, "ogue"): // catalogue, dialogue
		return w[:len(w)-2]
	}
	return ""
}

// demonyms name a country's people, language or things by the country,
// which the dictionary glosses only as a people or a language, if at all:
// "an Indonesian start-up" is one of 印尼 (Indonesia).
var demonyms = map[string]string{
	"american": "america", "argentine": "argentina", "australian": "australia", "austrian": "austria",
	"belgian": "belgium", "brazilian": "brazil", "british": "britain", "canadian": "canada", "chilean": "chile",
	"chinese": "china", "danish": "denmark", "dutch": "netherlands", "egyptian": "egypt", "emirati": "united arab emirates",
	"european": "europe", "filipino": "philippines", "finnish": "finland", "french": "france", "german": "germany",
	"greek": "greece", "hungarian": "hungary", "indian": "india", "indonesian": "indonesia", "irish": "ireland",
	"israeli": "israel", "italian": "italy", "japanese": "japan", "kazakh": "kazakhstan", "kenyan": "kenya",
	"korean": "south korea", "malaysian": "malaysia", "mexican": "mexico", "nigerian": "nigeria", "norwegian": "norway",
	"pakistani": "pakistan", "polish": "poland", "portuguese": "portugal", "qatari": "qatar", "russian": "russia",
	"saudi": "saudi arabia", "singaporean": "singapore", "spanish": "spain", "swedish": "sweden", "swiss": "switzerland",
	"taiwanese": "taiwan", "thai": "thailand", "turkish": "turkey", "ukrainian": "ukraine", "vietnamese": "vietnam",
}

// Forms returns a gloss with its last word as written and inflected
// (plural or third person, past, -ing), for matching English text, whose
// index does not stem: "release" → release, releases, released, releasing;
// a gloss of one word also as an adverb ("personal" → personally), and
// a gerund's verb in the past ("refactoring" → refactored).
func Forms(gloss string) []string {
	head, w := "", gloss
	if i := strings.LastIndexByte(gloss, ' '); i >= 0 {
		head, w = gloss[:i+1], gloss[i+1:]
	}
	if len(w) < 3 || !isLetters(w) {
		return []string{gloss}
	}
	stem := w
	var plural, past, ing string
	switch {
	case strings.HasSuffix(w, "e"):
		plural, past, ing = w+"s", w+"d", w[:len(w)-1]+"ing"
	case strings.HasSuffix(w, "y") && !strings.ContainsAny(w[len(w)-2:len(w)-1], "aeiou"):
		stem = w[:len(w)-1]
		plural, past, ing = stem+"ies", stem+"ied", w+"ing"
	case strings.HasSuffix(w, "s") || strings.HasSuffix(w, "x") || strings.HasSuffix(w, "ch") || strings.HasSuffix(w, "sh"):
		plural, past, ing = w+"es", w+"ed", w+"ing"
	case doubles(w): // ban → banned, stop → stopping
		last := w[len(w)-1:]
		plural, past, ing = w+"s", w+last+"ed", w+last+"ing"
	default:
		plural, past, ing = w+"s", w+"ed", w+"ing"
	}
	out := []string{gloss, head + plural, head + past, head + ing}
	if a := adverb(w); a != "" && head == "" {
		out = append(out, a)
	}
	if strings.HasSuffix(w, "ing") && len(w) > 5 { // news tells of a gerund's act in the past: "refactoring" → refactored
		for _, b := range bases(w)[1:] {
			if past := Forms(head + b)[2]; !slices.Contains(out, past) {
				out = append(out, past)
			}
		}
	}
	for _, p := range irregular[w] {
		out = append(out, head+p)
	}
	return out
}

// adverb returns the adverb of a word that looks like an adjective, which
// is how a Chinese adverb is often glossed: 个人 "personal" is "personally"
// in English text, 连续 "consecutive" "consecutively"; "" for other words.
func adverb(w string) string {
	switch {
	case strings.HasSuffix(w, "ic"):
		return w + "ally"
	case strings.HasSuffix(w, "ble"):
		return w[:len(w)-1] + "y"
	}
	for _, suffix := range []string{"al", "ous", "ive", "ent", "ant", "ful", "ate", "ete", "ct", "ire", "ite", "ar"} {
		if strings.HasSuffix(w, suffix) {
			return w + "ly"
		}
	}
	return ""
}

// doubles reports whether a short word doubles its last consonant before
// -ed and -ing: one vowel between consonants, as in ban, plan, stop.
func doubles(w string) bool {
	n := len(w)
	if n > 4 || n < 3 {
		return false
	}
	vowel := func(b byte) bool { return strings.IndexByte("aeiou", b) >= 0 }
	return !vowel(w[n-3]) && vowel(w[n-2]) && !vowel(w[n-1]) && strings.IndexByte("wxy", w[n-1]) < 0
}

// irregular lists the past forms of irregular verbs that news is written
// in ("The round was led by…"), which no rule derives from the gloss.
var irregular = map[string][]string{
	"begin": {"began", "begun"}, "bring": {"brought"}, "build": {"built"}, "buy": {"bought"},
	"choose": {"chose", "chosen"}, "come": {"came"}, "cut": {"cut"}, "draw": {"drew", "drawn"},
	"drive": {"drove", "driven"}, "fall": {"fell", "fallen"}, "find": {"found"}, "fly": {"flew", "flown"},
	"freeze": {"froze", "frozen"}, "get": {"got"}, "give": {"gave", "given"}, "go": {"went", "gone"},
	"grow": {"grew", "grown"}, "hold": {"held"}, "keep": {"kept"}, "know": {"knew", "known"},
	"lead": {"led"}, "leave": {"left"}, "lose": {"lost"}, "make": {"made"}, "meet": {"met"},
	"pay": {"paid"}, "put": {"put"}, "rise": {"rose", "risen"}, "run": {"ran"}, "say": {"said"},
	"see": {"saw", "seen"}, "seek": {"sought"}, "sell": {"sold"}, "send": {"sent"}, "set": {"set"},
	"show": {"shown"}, "shrink": {"shrank", "shrunk"}, "sink": {"sank", "sunk"}, "speak": {"spoke", "spoken"},
	"spend": {"spent"}, "strike": {"struck"}, "take": {"took", "taken"}, "teach": {"taught"},
	"tell": {"told"}, "think": {"thought"}, "win": {"won"}, "write": {"wrote", "written"},
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}
