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
	phrases   map[string]string
	chars     map[rune]string
	starts    map[rune]bool // first runes of phrases, to skip lookups quickly
	maxPhrase int           // longest phrase, in runes
}

var (
	loadOnce sync.Once
	dicts    []*dict
	loadErr  error
)

func load() {
	for _, files := range stages {
		d := &dict{phrases: map[string]string{}, chars: map[rune]string{}, starts: map[rune]bool{}}
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
		if utf8.RuneCountInString(from) == 1 {
			r, _ := utf8.DecodeRuneInString(from)
			if _, seen := d.chars[r]; !seen {
				d.chars[r] = to
			}
			continue
		}
		if _, seen := d.phrases[from]; seen {
			continue
		}
		d.phrases[from] = to
		r, _ := utf8.DecodeRuneInString(from)
		d.starts[r] = true
		d.maxPhrase = max(d.maxPhrase, utf8.RuneCountInString(from))
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
		if d.starts[r] {
			if from, to, ok := d.longest(s[i:]); ok {
				b.WriteString(to)
				i += len(from)
				continue
			}
		}
		if to, ok := d.chars[r]; ok {
			b.WriteString(to)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// longest finds the longest phrase that prefixes s.
func (d *dict) longest(s string) (from, to string, ok bool) {
	// Byte offsets of the ends of the first maxPhrase runes.
	ends := make([]int, 0, d.maxPhrase)
	for i := range s {
		if i > 0 {
			ends = append(ends, i)
		}
		if len(ends) == d.maxPhrase {
			break
		}
	}
	if len(ends) < d.maxPhrase {
		ends = append(ends, len(s))
	}
	for k := len(ends) - 1; k >= 1; k-- { // phrases have at least two runes
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
	to, ok := dicts[len(dicts)-1].chars[r]
	return ok && to != string(r)
}
