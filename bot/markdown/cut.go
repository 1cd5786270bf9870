package markdown

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A Cutter finds the natural places to cut text that is too long for one
// piece: a paragraph break, else a line break, else the end of a
// sentence, else a space, and only when none will do inside a word. It
// never cuts inside a rune, an entity (&amp; &lt; &gt;) or a link.
//
// The zero Cutter knows no links and no quotes, and leaves no piece
// shorter than a quarter of the limit when something else will do.
type Cutter struct {
	// Links is where the links of s stand, as [start, end) pairs in
	// order, as regexp's FindAllStringIndex gives them: a cut never goes
	// inside one. Only those that start before lim matter: it may leave
	// out the others, and end one at len(s) when its end is beyond lim.
	// Nil when the text has no links.
	Links func(s string, lim int) [][]int

	// Quote is the marker that starts a quoted line ("> "). When Split
	// cuts such a line in two, the rest starts with it too. "" for none.
	Quote string

	// ShortBreaks lets a paragraph or a line break cut however short the
	// piece before it. Without it a piece shorter than a quarter of the
	// limit is cut off, at a line break, only when nothing but a cut
	// inside a word would do.
	ShortBreaks bool

	// BlankCuts lets a cut at a space leave nothing but white space
	// before it (a piece that Split leaves out). Without it every piece
	// has some text.
	BlankCuts bool
}

// entities are the escapes a cut must not split.
var entities = []string{"&amp;", "&lt;", "&gt;"}

// Cut chooses where to cut s when s[:lim] is the most that a piece may
// keep (0 < lim < len(s)): the piece is s[:cut], and the rest starts at
// s[next:], after the space cut at if any. 0 < cut ≤ lim.
func (c Cutter) Cut(s string, lim int) (cut, next int) {
	allowed := c.mask(s, lim)
	window := s[:lim+1] // a break right at lim counts
	// A piece shorter than least is not worth a piece of its own.
	least := lim / 4
	text := func(i int) bool { return strings.TrimSpace(s[:i]) != "" }
	lowest := max(least, 1)
	if c.ShortBreaks {
		lowest = 1
	}
	for _, sep := range []string{"\n\n", "\n"} {
		for i := strings.LastIndex(window, sep); i >= lowest; i = strings.LastIndex(window[:i], sep) {
			if allowed[i] && text(i) {
				return i, i
			}
		}
	}
	for i := lim; i >= least; i-- {
		if allowed[i] {
			if r, _ := utf8.DecodeLastRuneInString(s[:i]); sentenceEnd(r, s[i:]) {
				return i, i
			}
		}
	}
	for i := strings.LastIndexByte(window, ' '); i >= least; i = strings.LastIndexByte(window[:i], ' ') {
		if allowed[i] && (c.BlankCuts || text(i)) {
			return i, i + 1
		}
	}
	// Rather a short piece than a word cut in two.
	for i := strings.LastIndexByte(window, '\n'); i > 0; i = strings.LastIndexByte(window[:i], '\n') {
		if allowed[i] && text(i) {
			return i, i
		}
	}
	if i := hardCut(s, lim, allowed); i > 0 {
		return i, i
	}
	return lim, lim // s[:lim] is inside its first rune
}

// HardCut is the last index i ≤ lim (lim ≥ 0) where s can be cut: not
// inside a rune, an entity or a link, or, when a link is longer than lim,
// not inside a rune. It is len(s) when lim ≥ len(s), and 0 when no cut
// will do (s[:lim] is inside its first rune).
func (c Cutter) HardCut(s string, lim int) int {
	if lim >= len(s) {
		return len(s)
	}
	return hardCut(s, lim, c.mask(s, lim))
}

// hardCut is HardCut, with allowed the mask of s up to lim < len(s).
func hardCut(s string, lim int, allowed []bool) int {
	for i := lim; i > 0; i-- {
		if allowed[i] {
			return i
		}
	}
	for i := lim; i > 0; i-- { // a link longer than lim: cut at a rune boundary
		if utf8.RuneStart(s[i]) {
			return i
		}
	}
	return 0
}

// mask tells, for each i ≤ lim < len(s), whether s can be cut before
// s[i]: at a rune boundary, not inside an entity, not inside a link.
func (c Cutter) mask(s string, lim int) []bool {
	allowed := make([]bool, lim+1)
	for i := 1; i <= lim; i++ {
		allowed[i] = utf8.RuneStart(s[i])
	}
	if c.Links != nil {
		for _, m := range c.Links(s, lim) {
			if m[0] >= lim {
				break
			}
			for k := m[0] + 1; k < m[1] && k <= lim; k++ {
				allowed[k] = false
			}
		}
	}
	for i := 0; i < lim; i++ {
		if s[i] != '&' {
			continue
		}
		for _, e := range entities {
			if strings.HasPrefix(s[i:], e) {
				for k := i + 1; k < i+len(e) && k <= lim; k++ {
					allowed[k] = false
				}
			}
		}
	}
	return allowed
}

// sentenceEnd reports whether r, followed by after, ends a sentence: a
// Chinese full stop, or ". ! ?" before a space or the end of the line.
func sentenceEnd(r rune, after string) bool {
	switch r {
	case '。', '！', '？':
		return true
	case '.', '!', '?':
		return after == "" || after[0] == ' ' || after[0] == '\n'
	}
	return false
}

// Split splits s into pieces, none of them blank, where Cut says.
// limit(s) is how much of s a piece may keep, s[:limit(s)]; s is one
// piece when that is all of it. The pieces are trimmed of white space at
// their end, and of line breaks at their start; a line cut in two loses
// the spaces at the cut, and when it is a quote its rest stays one.
func (c Cutter) Split(s string, limit func(s string) int) []string {
	var out []string
	for {
		s = strings.TrimLeft(s, "\n")
		if strings.TrimSpace(s) == "" {
			return out
		}
		lim := limit(s)
		if lim >= len(s) {
			return append(out, strings.TrimRightFunc(s, unicode.IsSpace))
		}
		cut, next := c.Cut(s, lim)
		piece := strings.TrimRightFunc(s[:cut], unicode.IsSpace)
		rest := s[next:]
		if !strings.HasPrefix(rest, "\n") {
			// Cut inside a line: carry a quote over to the next piece.
			start := strings.LastIndexByte(s[:cut], '\n') + 1
			rest = strings.TrimLeft(rest, " ")
			if c.Quote != "" && strings.HasPrefix(s[start:], c.Quote) && rest != "" {
				if c.Quote+rest == s {
					// The piece is the quote marker alone, and would be
					// again and again: a quoted link longer than a
					// piece. Leave the marker out, and the link unquoted.
					s = rest
					continue
				}
				rest = c.Quote + rest
			}
		}
		if strings.TrimSpace(piece) != "" {
			out = append(out, piece)
		}
		s = rest
	}
}
