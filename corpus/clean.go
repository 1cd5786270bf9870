package corpus

import (
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clean returns scraped text fit for display and quoting. It removes HTML
// tags (including broken ones whose "<" was lost), entities, pinyin glosses
// after characters (市場(chǎng) → 市場), image credits, publisher
// boilerplate lines, mojibake runs (repairing UTF-8 read as Windows-1252
// where it can), control and zero-width characters. Lines of a paragraph are
// joined; paragraphs are separated by one blank line. Characters are kept as
// written: script conversion is for the index only (see Normalize).
func Clean(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(dropInvisible, s)
	s = stripMarkup(s)
	s = strings.Map(dropInvisible, s) // entities may have decoded to some
	s = repairMojibake(s)
	s = stripPinyin(s)
	s = imageCredit.ReplaceAllString(s, "")

	var paras []string
	var para []string
	flush := func() {
		if len(para) > 0 {
			paras = append(paras, joinLines(para))
			para = para[:0]
		}
	}
	for line := range strings.SplitSeq(s, "\n") {
		line = cleanLine(line)
		switch {
		case line == "":
			flush()
		case isBoilerplate(line):
			// Dropped; the paragraph around it goes on.
		default:
			para = append(para, line)
		}
	}
	flush()
	return strings.Join(paras, "\n\n")
}

// cleanLine collapses spaces, dropping those between two CJK characters.
func cleanLine(line string) string {
	var b strings.Builder
	space := false
	prev := rune(0)
	for _, r := range line {
		switch {
		case r == '\u00a0' || r == '\u3000' || unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space && !(isCJK(prev) && isCJK(r)) {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// dropInvisible drops zero-width spaces, byte-order marks, soft hyphens,
// replacement characters and control characters other than line breaks
// and tabs (for strings.Map).
func dropInvisible(r rune) rune {
	if r == utf8.RuneError || unicode.Is(unicode.Cf, r) || (unicode.IsControl(r) && r != '\n' && r != '\t') {
		return -1
	}
	return r
}

// startsBlock reports whether line begins its own block (a list item, a
// table row or a heading) rather than continuing a hard-wrapped paragraph.
var blockStart = regexp.MustCompile(`^(?:\||[-*•·+]\s|\d{1,3}[.)、]\s?|#{1,6}\s|[（(]?[一二三四五六七八九十]+[、）)])`)

func startsBlock(line string) bool { return blockStart.MatchString(line) }

// joinLines joins the lines of one paragraph: without a space between two
// CJK characters, with one otherwise.
func joinLines(lines []string) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(lines[i-1])
			next, _ := utf8.DecodeRuneInString(l)
			if startsBlock(l) {
				b.WriteByte('\n')
			} else if !isCJK(prev) || !isCJK(next) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(l)
	}
	return b.String()
}

// isCJK reports whether r is a Han character or CJK punctuation, which are
// written without spaces between them.
func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}

const htmlTags = `a|abbr|article|aside|b|blockquote|body|br|center|code|dd|div|dl|dt|em|figcaption|figure|font|footer|h[1-6]|head|header|hr|html|i|iframe|img|li|link|main|meta|nav|ol|p|pre|s|script|section|small|span|strike|strong|style|sub|sup|table|tbody|td|tfoot|th|thead|title|tr|u|ul`

var (
	comment     = regexp.MustCompile(`(?s)<!--.*?(?:-->|$)`)
	wholeTag    = regexp.MustCompile(`</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>`)
	brokenTag   = regexp.MustCompile(`(?i)(?:[?？/]+(?:` + htmlTags + `)|\b(?:strong|span|div|section|article|font|blockquote|figcaption|tbody|thead))(?:\s+[a-z-]+=(?:"[^"<>]*"|'[^'<>]*'|[^\s<>]*))*\s*/?>`)
	openTagTail = regexp.MustCompile(`(?im)</?(?:` + htmlTags + `)(?:\s[^<>\n]*)?$`)
	blockTag    = regexp.MustCompile(`(?i)<(?:br|/p|/div|/li|/h[1-6]|/tr|/section|/article|/blockquote)\b[^<>]*>`)
)

// stripMarkup removes tags, broken tags, comments and entities. Block-level
// tags become line breaks so that paragraphs survive. It repeats until
// nothing changes: decoding "&lt;b&gt;" or removing one tag can reveal
// another.
func stripMarkup(s string) string {
	for range 8 {
		if !strings.ContainsAny(s, "<>&") {
			return s
		}
		out := s
		if strings.Contains(out, "<") { // these patterns all need one
			out = comment.ReplaceAllString(out, "")
			out = blockTag.ReplaceAllString(out, "\n")
			out = wholeTag.ReplaceAllString(out, "")
		}
		if strings.Contains(out, ">") {
			out = brokenTag.ReplaceAllString(out, "")
		}
		if strings.Contains(out, "<") {
			out = openTagTail.ReplaceAllString(out, "")
		}
		out = html.UnescapeString(out)
		if out == s {
			return s
		}
		s = out
	}
	return s
}

// imageCredit matches image credits in brackets: (圖源:抖音), （图片来源：网络）, (Photo: Reuters).
var imageCredit = regexp.MustCompile(`(?i)[(（\[【]\s*(?:图源|圖源|图片来源|圖片來源|图片来自|圖片來自|图片|圖片|图|圖|摄影|攝影|photo(?:\s+credit)?|image(?:\s+credit)?|credit|pictured)\s*(?:[:：|｜/]\s*[^()（）\[\]【】\n]{1,40}|[^()（）\[\]【】\n]{0,12}提供)?\s*[)）\]】]`)
