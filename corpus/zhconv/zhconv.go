// Package zhconv converts Traditional Chinese (including Taiwan and Hong Kong
// variants and vocabulary) to Simplified Chinese for indexing, using OpenCC's
// conversion data and a longest-match converter.
//
// It exists so that a question written in one script finds passages written in
// the other: both sides are folded to Simplified before tokenising.
package zhconv

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

//go:embed opencc/*.txt
var data embed.FS

// The conversion runs in two stages, as OpenCC's tw2sp configuration does:
// regional variants and vocabulary first, then Traditional to Simplified.
var stages = [][]string{
	{"TWPhrasesRev.txt", "TWVariantsRevPhrases.txt", "TWVariantsRev.txt", "HKVariantsRev.txt"},
	{"TSPhrases.txt", "TSCharacters.txt"},
}

// dict is one stage: phrases matched longest first, then single characters.
type dict struct {
	phrases map[string]string
	chars   map[rune]entry
	// Runes below minRune are copied without a map lookup, unless they are
	// ASCII letters that start a phrase ("SQL隱碼攻擊").
	minRune     rune
	asciiStarts [utf8.RuneSelf]bool
}

// entry is what a dictionary knows of one character.
type entry struct {
	to      string // its conversion, if it has one
	longest int    // the longest phrase starting with it, in runes; 0 if none
}

var (
	loadOnce sync.Once
	dicts    []*dict
	loadErr  error
)

func load() {
	for _, files := range stages {
		d := &dict{phrases: map[string]string{}, chars: map[rune]entry{}, minRune: utf8.MaxRune}
		// Earlier files take precedence: they are the more specific ones.
		for _, name := range files {
			b, err := data.ReadFile("opencc/" + name)
			if err != nil {
				loadErr = fmt.Errorf("zhconv: read %s: %w", name, err)
				return
			}
			if err := d.add(b); err != nil {
				loadErr = fmt.Errorf("zhconv: parse %s: %w", name, err)
				return
			}
		}
		dicts = append(dicts, d)
	}
	// The regional-variant stage must leave Simplified characters alone:
	// TWVariantsRev maps 么 to 幺, which would turn 什么 into 什幺.
	simplified := map[string]bool{}
	for _, e := range dicts[len(dicts)-1].chars {
		simplified[e.to] = true
	}
	for _, d := range dicts[:len(dicts)-1] {
		for r, e := range d.chars {
			if simplified[string(r)] && e.to != "" {
				e.to = ""
				d.chars[r] = e
			}
		}
	}
}

func (d *dict) add(b []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" {
			continue
		}
		from, to, ok := strings.Cut(line, "\t")
		if !ok || from == "" {
			return fmt.Errorf("line %d: want \"from<TAB>to\"", n)
		}
		if f := strings.Fields(to); len(f) > 0 {
			to = f[0] // the first candidate is OpenCC's default
		}
		r, _ := utf8.DecodeRuneInString(from)
		if r < utf8.RuneSelf {
			d.asciiStarts[r] = true
		} else {
			d.minRune = min(d.minRune, r)
		}
		e := d.chars[r]
		if utf8.RuneCountInString(from) == 1 {
			if e.to == "" {
				e.to = to
				d.chars[r] = e
			}
			continue
		}
		if _, seen := d.phrases[from]; seen {
			continue
		}
		d.phrases[from] = to
		e.longest = max(e.longest, utf8.RuneCountInString(from))
		d.chars[r] = e
	}
	return sc.Err()
}

// ToSimplified returns s with Traditional Chinese converted to Simplified.
// Text without Han characters is returned unchanged.
func ToSimplified(s string) string {
	if !hasHan(s) {
		return s
	}
	loadOnce.Do(load)
	if loadErr != nil {
		// The data is embedded at build time; failing to parse it is a
		// programming error that tests catch.
		panic(loadErr)
	}
	for _, d := range dicts {
		s = d.convert(s)
	}
	return s
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func (d *dict) convert(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r < d.minRune && (r >= utf8.RuneSelf || !d.asciiStarts[r]) {
			b.WriteString(s[i : i+size])
			i += size
			continue
		}
		e := d.chars[r]
		if e.longest > 0 {
			if from, to, ok := d.longestPhrase(s[i:], e.longest); ok {
				b.WriteString(to)
				i += len(from)
				continue
			}
		}
		if e.to != "" {
			b.WriteString(e.to)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// longestPhrase finds the longest phrase of at most maxRunes runes that
// prefixes s.
func (d *dict) longestPhrase(s string, maxRunes int) (from, to string, ok bool) {
	var ends [64]int // byte offsets of the ends of s's first runes
	n := 0
	for i := 0; i < len(s) && n < maxRunes && n < len(ends); n++ {
		_, size := utf8.DecodeRuneInString(s[i:]) // 1 for an invalid byte
		i += size
		ends[n] = i
	}
	for k := n - 1; k >= 1; k-- { // phrases have at least two runes
		if to, ok := d.phrases[s[:ends[k]]]; ok {
			return s[:ends[k]], to, true
		}
	}
	return "", "", false
}

// IsTraditional reports whether r is a Traditional character that has a
// different Simplified form.
func IsTraditional(r rune) bool {
	loadOnce.Do(load)
	if loadErr != nil {
		panic(loadErr)
	}
	to := dicts[len(dicts)-1].chars[r].to
	return to != "" && to != string(r)
}
