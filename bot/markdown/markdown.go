// Package markdown reads the light Markdown of bot replies — links,
// quotes, lists, rules — and finds the natural places to cut long text,
// for the chat renderers.
//
// It reads and measures; it does not render. Each renderer keeps what is
// its platform's own: how text is escaped, what a link or a quote looks
// like, which URLs may link, and how much fits in a piece.
package markdown

import (
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TruncateRunes shortens s to at most n runes (n ≥ 1), ending it with "…"
// when cut; white space before the "…" is dropped.
func TruncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, k := 0, 0
	for i = range s {
		if k == n-1 {
			break
		}
		k++
	}
	return strings.TrimRightFunc(s[:i], unicode.IsSpace) + "…"
}

// OneLine is s on one line: its runs of white space, line breaks
// included, become one space, and it is trimmed. Invalid UTF-8 becomes
// U+FFFD.
func OneLine(s string) string {
	return strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
}

// LinkURL checks whether u, trimmed, may be the URL of a link: at most
// maxBytes long, without white space or control characters, and absolute
// with one of schemes (given in lower case). An http or https URL needs a
// host, a mailto URL an address. It returns u trimmed, and parsed.
//
// The checks here are those every renderer makes; a renderer may add its
// own, such as valid UTF-8 or no IP literal host, and escapes the URL for
// its markup.
func LinkURL(u string, maxBytes int, schemes ...string) (string, *url.URL, bool) {
	u = strings.TrimSpace(u)
	if u == "" || len(u) > maxBytes || strings.ContainsFunc(u, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return "", nil, false
	}
	p, err := url.Parse(u)
	if err != nil {
		return "", nil, false
	}
	scheme := strings.ToLower(p.Scheme)
	switch {
	case !slices.Contains(schemes, scheme):
		return "", nil, false
	case (scheme == "http" || scheme == "https") && p.Host == "":
		return "", nil, false
	case scheme == "mailto" && p.Opaque == "":
		return "", nil, false
	}
	return u, p, true
}

// Link is a Markdown link, [Text](URL), found in a line.
type Link struct {
	Text string // what stands between the brackets, as written
	URL  string // the destination, as the renderer's URL check returned it
	End  int    // the index just after the link's ")"
}

// Label is the link's text as a plain label: without "**" and "`"
// markers, trimmed. It may be "".
func (l Link) Label() string {
	return strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(l.Text, "**", ""), "`", ""))
}

// ParseLink parses a Markdown link [text](url) at s[i]; an image
// ![alt](url) reads as a link to it. Brackets may nest in the text and
// parentheses in the URL (…/wiki/Go_(game)); a title after the URL
// ([text](url "title")) and angle brackets around it (<url>) are dropped.
//
// linkURL checks the destination and makes it ready for the renderer's
// markup; the link is refused when it refuses the destination, or when
// the text and the URL it returns weigh more than maxBytes together. ok
// is false when s[i] starts no link that is kept.
func ParseLink(s string, i int, linkURL func(string) (string, bool), maxBytes int) (l Link, ok bool) {
	if strings.HasPrefix(s[min(i, len(s)):], "![") {
		i++
	}
	if i >= len(s) || s[i] != '[' {
		return Link{}, false
	}
	j := closing(s, i, '[', ']')
	if j+1 >= len(s) || s[j+1] != '(' {
		return Link{}, false
	}
	k := closing(s, j+1, '(', ')')
	if k >= len(s) {
		return Link{}, false
	}
	dest := strings.TrimSpace(s[j+2 : k])
	if f := strings.Fields(dest); len(f) > 1 { // [text](url "title")
		dest = f[0]
	}
	dest = strings.TrimSuffix(strings.TrimPrefix(dest, "<"), ">")
	text := s[i+1 : j]
	u, ok := linkURL(dest)
	if !ok || len(text)+len(u) > maxBytes {
		return Link{}, false
	}
	return Link{Text: text, URL: u, End: k + 1}, true
}

// closing is the index of the bracket close that closes the bracket open
// at s[i], counting the pairs nested inside; len(s) when none does.
func closing(s string, i int, open, close byte) int {
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case open:
			depth++
		case close:
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return len(s)
}

// Kind is what a line of light Markdown is.
type Kind int

// The kinds of lines.
const (
	Plain   Kind = iota // a line of text
	Rule                // a horizontal rule: ---, ***, ___ (spaces allowed)
	Heading             // a heading: "#" to "######", then a space, a tab or nothing
	Item                // an item of a bullet list: "- ", "* " or "+ "
)

// Line is a line of light Markdown taken apart.
type Line struct {
	Indent string // the spaces and tabs before the line; "" in a quote
	Quote  bool   // the line is quoted: it starts with ">"
	Kind   Kind
	// Text is what is left for the renderer's inline conversion: a
	// heading's text, without its "#" markers or "**", which may be "";
	// an item's text, after its marker; else the line after its indent
	// and its quote marker.
	Text string
}

// ParseLine takes a line apart. Without nested, a quote's ">" is taken off
// with one space after it, and "> > a" is a quote of the text "> a". With
// nested, every ">" in a row is taken off with all the spaces after each,
// so that a quote in a quote reads as one quote.
func ParseLine(line string, nested bool) Line {
	body := strings.TrimLeft(line, " \t")
	l := Line{Indent: line[:len(line)-len(body)]}
	if strings.HasPrefix(body, ">") {
		l.Indent, l.Quote = "", true
		if nested {
			for strings.HasPrefix(body, ">") {
				body = strings.TrimLeft(body[1:], " ")
			}
		} else {
			body = strings.TrimPrefix(body[1:], " ")
		}
	}
	l.Text = body
	switch {
	case isRule(body):
		l.Kind = Rule
	case strings.HasPrefix(body, "#"):
		h := strings.TrimLeft(body, "#")
		if len(body)-len(h) <= 6 && (h == "" || h[0] == ' ' || h[0] == '\t') {
			h = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(h), "#"))
			l.Kind, l.Text = Heading, strings.ReplaceAll(h, "**", "")
		}
	case strings.HasPrefix(body, "- "), strings.HasPrefix(body, "* "), strings.HasPrefix(body, "+ "):
		l.Kind, l.Text = Item, body[2:]
	}
	return l
}

// isRule reports whether a line is a Markdown horizontal rule.
func isRule(s string) bool {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	if len(s) < 3 {
		return false
	}
	return strings.Count(s, s[:1]) == len(s) && (s[0] == '-' || s[0] == '*' || s[0] == '_')
}

// JoinLines joins converted lines into one text, leaving out the blank
// lines at its start and the white space at its end.
func JoinLines(lines []string) string {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	return strings.TrimRightFunc(strings.Join(lines, "\n"), unicode.IsSpace)
}
