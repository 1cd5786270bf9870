// Package corpus turns articles into data: it loads Markdown with front
// matter, plain text and HTML, cleans scraped text for display, normalises it
// for indexing (Traditional to Simplified, width and case folding), splits it
// into passages, and ships the built-in knowledge pack.
//
// It knows nothing of databases, networks or language models.
package corpus

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"time"
	"unicode"

	"github.com/marketbot/marketbot/corpus/zhconv"
)

// Article is one cleaned document.
type Article struct {
	Title     string
	URL       string    // canonical URL of the original, if known
	Source    string    // publisher
	Published time.Time // zero when unknown
	Lang      string    // "zh", "zh-Hant" or "en"; detected when not given
	Path      string    // the file or URL it was loaded from
	Text      string    // cleaned body for display: paragraphs separated by blank lines
	Tags      []string
	Meta      map[string]string // front-matter keys without a field of their own
}

// Hash identifies the article's content: it changes when anything a reader
// or the index sees changes, and not otherwise.
func (a Article) Hash() string {
	h := sha256.New()
	field := func(s string) { fmt.Fprintf(h, "%d:%s;", len(s), s) }
	field(a.Title)
	field(a.URL)
	field(a.Source)
	if !a.Published.IsZero() {
		field(a.Published.Format(time.RFC3339))
	} else {
		field("")
	}
	field(a.Lang)
	field(a.Text)
	for _, t := range a.Tags {
		field(t)
	}
	for _, k := range slices.Sorted(maps.Keys(a.Meta)) {
		field(k)
		field(a.Meta[k])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TextHash identifies an article's text alone, normalised: the same story
// syndicated under another URL or title has the same TextHash.
func (a Article) TextHash() string {
	sum := sha256.Sum256([]byte(Normalize(a.Text)))
	return hex.EncodeToString(sum[:])
}

// DetectLang guesses the language of text: "zh" when a good part of its
// letters are Han characters, "zh-Hant" when those are mostly Traditional,
// and "en" otherwise.
func DetectLang(text string) string {
	var han, letters int
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
			letters++
		case unicode.IsLetter(r):
			letters++
		}
	}
	if letters == 0 || han*5 < letters { // Latin letters count per letter, Han per word
		return "en"
	}
	if isTraditional(text) {
		return "zh-Hant"
	}
	return "zh"
}

// isTraditional reports whether at least a tenth of text's Han characters
// are Traditional forms.
func isTraditional(text string) bool {
	var han, trad int
	for _, r := range text {
		if unicode.Is(unicode.Han, r) {
			han++
			if zhconv.IsTraditional(r) {
				trad++
			}
		}
	}
	return han > 0 && trad*10 >= han
}
