// Package zhseg splits Simplified Chinese into words, the way jieba does
// (a maximum-probability path through a word graph built from jieba's
// dictionary), and tells content words from function words by their part
// of speech. marketbot uses it to understand questions, not to index.
package zhseg

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"math"
	"strconv"
	"sync"
	"unicode"
	"unicode/utf8"
)

//go:embed dict.txt.gz
var dictGz []byte

// maxWord is the longest dictionary word, in characters.
const maxWord = 6

type entry struct {
	logProb float64
	pos     string
}

var (
	once     sync.Once
	dict     map[string]entry
	minLog   float64 // log-probability given to characters the dictionary lacks
	loadFail error
)

func load() {
	r, err := gzip.NewReader(bytes.NewReader(dictGz))
	if err != nil {
		loadFail = fmt.Errorf("zhseg: %w", err)
		return
	}
	data, err := io.ReadAll(r)
	if err != nil {
		loadFail = fmt.Errorf("zhseg: %w", err)
		return
	}
	dict = make(map[string]entry, 140000)
	total := 0
	for line := range bytes.SplitSeq(data, []byte{'\n'}) {
		w, rest, _ := bytes.Cut(line, []byte{' '})
		f, pos, ok := bytes.Cut(rest, []byte{' '})
		n, err := strconv.Atoi(string(f))
		if !ok || err != nil {
			continue
		}
		// Frequencies for now; log-probabilities once the total is known.
		dict[string(w)] = entry{logProb: float64(max(n, 1)), pos: string(pos)}
		total += n
	}
	lt := math.Log(float64(total))
	for w, e := range dict {
		e.logProb = math.Log(e.logProb) - lt
		dict[w] = e
	}
	minLog = -lt
}

// Word is one segment of a text.
type Word struct {
	Text string
	POS  string // jieba's part-of-speech tag; "" for a run of unknown characters
}

// Content reports whether the word carries meaning by itself: nouns,
// names, verbs, adjectives, idioms, abbreviations, place words (海外, 国内:
// a market's side) and unknown runs of two or more characters, but not
// single characters, pronouns, numerals, measure words, adverbs,
// prepositions, conjunctions, particles, interjections or time words.
func (w Word) Content() bool {
	if utf8.RuneCountInString(w.Text) < 2 {
		return false
	}
	if w.POS == "" {
		return true
	}
	switch w.POS[0] {
	case 'n', 'v', 'a', 'i', 'l', 'j', 'b', 'z', 'g', 's':
		return w.POS != "ad" && w.POS != "ag"
	}
	return false
}

// Segment splits text into words. Runs of Han characters are segmented;
// anything else is left out. Characters the dictionary does not know that
// stand alone are merged into one unknown word ("双十一" → one word).
func Segment(text string) []Word {
	once.Do(load)
	if loadFail != nil {
		panic(loadFail) // embedded data: tests catch this
	}
	var out []Word
	for _, run := range hanRuns(text) {
		out = append(out, segmentRun([]rune(run))...)
	}
	return out
}

func hanRuns(s string) []string {
	var runs []string
	start := -1
	for i, r := range s {
		han := unicode.Is(unicode.Han, r)
		switch {
		case han && start < 0:
			start = i
		case !han && start >= 0:
			runs = append(runs, s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		runs = append(runs, s[start:])
	}
	return runs
}

// segmentRun finds the most probable split of a run of Han characters.
func segmentRun(rs []rune) []Word {
	n := len(rs)
	best := make([]float64, n+1) // best[i]: log-probability of rs[i:]
	next := make([]int, n+1)
	for i := n - 1; i >= 0; i-- {
		best[i] = math.Inf(-1)
		for j := i + 1; j <= min(n, i+maxWord); j++ {
			e, ok := dict[string(rs[i:j])]
			if !ok && j > i+1 {
				continue
			}
			lp := minLog
			if ok {
				lp = e.logProb
			}
			if p := lp + best[j]; p > best[i] {
				best[i], next[i] = p, j
			}
		}
	}
	var words []Word
	var unknown []rune
	flush := func() {
		switch len(unknown) {
		case 0:
		case 1:
			w := string(unknown)
			words = append(words, Word{Text: w, POS: dict[w].pos})
		default:
			words = append(words, Word{Text: string(unknown)})
		}
		unknown = unknown[:0]
	}
	for i := 0; i < n; i = next[i] {
		w := string(rs[i:next[i]])
		if next[i]-i == 1 && !knownAlone(w) {
			unknown = append(unknown, rs[i])
			continue
		}
		flush()
		words = append(words, Word{Text: w, POS: dict[w].pos})
	}
	flush()
	return words
}

// knownAlone reports single characters that are words on their own often
// enough not to be part of an unknown name.
func knownAlone(c string) bool {
	e, ok := dict[c]
	return ok && e.logProb > minLog+math.Log(2000) && utf8.RuneCountInString(c) == 1
}
