package corpus

import (
	"bytes"
	"cmp"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"codeberg.org/readeck/go-readability/v2"
	"github.com/gogs/chardet"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/htmlindex"
)

// parseHTML reads a web page: the title from <title> (or the headline
// <h1> it repeats), the canonical link, the publication date from
// article:published_time, JSON-LD datePublished or a <time> element, the
// site's name, and the main text as a reader sees it, which Readability
// (go-readability, a port of Mozilla's) finds, without what is hidden and
// the smaller blocks whose class, id or heading says cookie, subscribe,
// share, related, ad…; a page it cannot read gives its <article>, <main>
// or body text, so cleaned.
func parseHTML(data []byte, contentType string) (Article, error) {
	decoded, err := decodeHTML(data, contentType)
	if err != nil {
		return Article{}, err
	}
	if bytes.IndexByte(decoded[:min(len(decoded), 8192)], 0) >= 0 {
		return Article{}, fmt.Errorf("binary data, not HTML")
	}
	doc, err := html.Parse(bytes.NewReader(decoded))
	if err != nil {
		return Article{}, fmt.Errorf("parse HTML: %w", err)
	}
	p := page{}
	p.scan(doc)
	a := Article{URL: p.canonical, Source: p.siteName, Lang: normaliseLang(p.lang)}
	a.Title = strings.TrimSpace(p.title)
	if h1 := strings.TrimSpace(p.h1); h1 != "" && (a.Title == "" || isHeadline(h1, a.Title)) {
		a.Title = h1
	}
	for _, d := range []string{p.published, p.jsonLDDate, p.timeTag} {
		if t, err := ParseDate(d); err == nil && !t.IsZero() {
			a.Published = t
			break
		}
	}
	if p.author != "" {
		a.Meta = map[string]string{"author": p.author}
	}
	// The page's own <article> (or <main>) is taken when what Readability
	// finds is gone after cleaning, or is a small part of it: short pages
	// can fool its scoring into taking a cookie banner. The body is taken
	// when both are empty.
	var semantic string
	if root := cmp.Or(p.article, p.main); root != nil {
		semantic = rawText(root)
	}
	parser := readability.NewParser()
	parser.KeepClasses = true // for the furniture left inside what it finds: tag lists, related rails
	if r, err := parser.ParseAndMutate(doc, nil); err == nil && r.Node != nil {
		if found := rawText(r.Node); len(found) >= len(semantic)/8 {
			a.Text = Clean(found)
		}
	}
	if a.Text == "" {
		a.Text = Clean(semantic)
	}
	if a.Text == "" {
		if doc, err = html.Parse(bytes.NewReader(decoded)); err != nil {
			return Article{}, fmt.Errorf("parse HTML: %w", err)
		}
		a.Text = Clean(rawText(doc))
	}
	return a, nil
}

// isHeadline reports whether h1 is the headline part of a page's title
// ("Headline_科技_腾讯网", "Site | Headline"): most of the title, not the
// site's name in a logo ("Headline @ Blog :: 痞客邦 PIXNET ::").
func isHeadline(h1, title string) bool {
	return strings.Contains(title, h1) && 2*utf8.RuneCountInString(h1) >= utf8.RuneCountInString(title)
}

// decodeHTML returns a page's text as UTF-8: as UTF-8 when it is valid
// UTF-8 with text beyond ASCII, whatever it declares (saved pages and
// misconfigured servers keep a gb2312 or windows-1252 label on UTF-8
// bytes, which no legacy Chinese or Western text of any length passes
// for); else in the encoding its byte-order mark, HTTP Content-Type or
// <meta> declares; else in the encoding its bytes suggest (Chinese pages
// in GBK, GB18030 or Big5 often declare none).
func decodeHTML(data []byte, contentType string) ([]byte, error) {
	valid := utf8.Valid(data)
	if valid && !isASCII(data) {
		return data, nil
	}
	enc, name, certain := charset.DetermineEncoding(data, contentType)
	// windows-1252 is what DetermineEncoding falls back to when nothing is declared.
	declared := certain || name != "windows-1252" || bytes.Contains(bytes.ToLower(data[:min(len(data), 4096)]), []byte("1252"))
	// A UTF-8 label on bytes that are not UTF-8 (a server's default) is
	// no declaration.
	if name == "utf-8" && !valid {
		declared = false
	}
	if !declared {
		if valid {
			return data, nil
		}
		if guess, err := chardet.NewHtmlDetector().DetectBest(data); err == nil {
			if e, err := htmlindex.Get(guess.Charset); err == nil {
				enc = e
			}
		}
	}
	decoded, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return nil, fmt.Errorf("decode HTML: %w", err)
	}
	return decoded, nil
}

// isASCII reports whether data is all 7-bit bytes.
func isASCII(data []byte) bool {
	for _, b := range data {
		if b >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// page collects what parseHTML needs in one walk of the tree.
type page struct {
	title, h1, canonical, siteName, lang, author string
	published, jsonLDDate, timeTag               string
	article, main, body                          *html.Node
}

var jsonLDPublished = regexp.MustCompile(`"datePublished"\s*:\s*"([^"]+)"`)

func (p *page) scan(n *html.Node) {
	if n.Type == html.ElementNode {
		switch n.DataAtom {
		case atom.Html:
			p.lang = attr(n, "lang")
		case atom.Title:
			if p.title == "" {
				p.title = textOf(n)
			}
		case atom.H1:
			if p.h1 == "" {
				p.h1 = textOf(n)
			}
		case atom.Link:
			if strings.EqualFold(attr(n, "rel"), "canonical") && p.canonical == "" {
				p.canonical = attr(n, "href")
			}
		case atom.Meta:
			p.meta(n)
		case atom.Script:
			if attr(n, "type") == "application/ld+json" && p.jsonLDDate == "" {
				if m := jsonLDPublished.FindStringSubmatch(textOf(n)); m != nil {
					p.jsonLDDate = m[1]
				}
			}
		case atom.Time:
			if p.timeTag == "" {
				p.timeTag = attr(n, "datetime")
			}
		case atom.Article:
			if p.article == nil {
				p.article = n
			}
		case atom.Main:
			if p.main == nil {
				p.main = n
			}
		case atom.Body:
			p.body = n
		}
		if p.main == nil && attr(n, "role") == "main" {
			p.main = n
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		p.scan(c)
	}
}

func (p *page) meta(n *html.Node) {
	key := strings.ToLower(attr(n, "property") + attr(n, "name") + attr(n, "itemprop"))
	val := strings.TrimSpace(attr(n, "content"))
	set := func(dst *string) {
		if *dst == "" {
			*dst = val
		}
	}
	switch key {
	case "article:published_time", "datepublished", "pubdate", "publishdate", "date", "dc.date", "og:published_time",
		"parsely-pub-date", "dc.date.issued", "dcterms.date", "sailthru.date":
		set(&p.published)
	case "og:site_name", "application-name":
		set(&p.siteName)
	case "og:url":
		set(&p.canonical)
	case "author", "article:author":
		set(&p.author)
	}
}

// skipped are elements that never hold an article's text.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Nav: true, atom.Header: true,
	atom.Footer: true, atom.Aside: true, atom.Form: true, atom.Iframe: true, atom.Svg: true,
	atom.Button: true, atom.Template: true, atom.Select: true, atom.Figcaption: true, atom.Head: true,
	atom.Dialog: true, atom.Input: true, atom.Textarea: true, atom.Object: true, atom.Embed: true,
}

// boilerplateWords in a class or id mark a block as page furniture.
var boilerplateWords = map[string]bool{
	"cookie": true, "cookies": true, "consent": true, "gdpr": true, "subscribe": true,
	"subscription": true, "newsletter": true, "signup": true, "share": true, "sharing": true,
	"social": true, "comment": true, "comments": true, "related": true, "recommend": true,
	"recommended": true, "breadcrumb": true, "breadcrumbs": true, "sidebar": true, "advert": true,
	"advertisement": true, "ad": true, "ads": true, "promo": true, "popup": true, "modal": true,
	"footer": true, "header": true, "nav": true, "navbar": true, "menu": true, "toolbar": true,
	"copyright": true, "disclaimer": true, "banner": true,
}

// railTitles head blocks of links to other pages or of comments: a block
// that begins with one is not the article, whatever its markup.
var railTitles = []string{
	"相关新闻", "相关阅读", "相关文章", "相关推荐", "相关报道", "延伸阅读", "推荐阅读", "猜你喜欢", "为你推荐",
	"热门推荐", "热点推荐", "热门文章", "热门新闻", "精彩推荐", "更多新闻", "你可能也喜欢", "热搜", "热榜",
	"热点排行", "排行榜", "网友热议", "网友评论", "热门评论", "精彩评论", "精选留言", "留言列表", "评论", "快讯",
	"related", "read more", "more from", "more stories", "most read", "most popular", "recommended",
	"you may also like", "trending", "more in", "also read", "latest stories", "latest news", "top stories",
	"top reads", "comments", "tags", "topics",
}

// startsWithRailTitle reports whether a block's first text is short and
// begins with a rail's title ("网友热议（27条）", "Related stories"), or,
// for a Chinese title, holds it ("新浪科技 7X24小时快讯").
func startsWithRailTitle(n *html.Node) bool {
	var first string
	var find func(*html.Node) bool
	find = func(n *html.Node) bool {
		if n.Type == html.TextNode {
			if t := strings.TrimSpace(n.Data); t != "" {
				first = t
				return true
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if find(c) {
				return true
			}
		}
		return false
	}
	if !find(n) || utf8.RuneCountInString(first) > 40 {
		return false
	}
	first = Normalize(strings.TrimLeft(first, " :：》>»|·【["))
	for _, t := range railTitles {
		if strings.HasPrefix(first, t) || t[0] >= utf8.RuneSelf && strings.Contains(first, t) {
			return true
		}
	}
	return false
}

// nameWords splits class, id and component names into lower-case words
// at separators and camel-case humps ("EmailSignup": email, signup).
func nameWords(names string) []string {
	var out []string
	start := -1
	for i, r := range names {
		hump := i > 0 && r >= 'A' && r <= 'Z' && names[i-1] >= 'a' && names[i-1] <= 'z'
		if r == ' ' || r == '-' || r == '_' || r == '\t' || hump {
			if start >= 0 {
				out = append(out, strings.ToLower(names[start:i]))
				start = -1
			}
			if !hump {
				continue
			}
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, strings.ToLower(names[start:]))
	}
	return out
}

// isHidden reports whether n is never text: scripts, navigation, forms,
// captions… (skipped), hidden elements, and navigation or dialog roles.
func isHidden(n *html.Node) bool {
	if skipped[n.DataAtom] || strings.EqualFold(attr(n, "aria-hidden"), "true") || hasAttr(n, "hidden") || hiddenStyle(attr(n, "style")) {
		return true
	}
	switch attr(n, "role") {
	case "navigation", "banner", "contentinfo", "complementary", "dialog", "search":
		return true
	}
	return false
}

// looksLikeFurniture reports whether n's names or heading say it is page
// furniture: a block (not a paragraph: it is the article's own) headed by
// a rail's title, or class, id and component names, split at separators
// and camel-case humps ("EmailSignup": email, signup), that say share,
// related, comment…. Names mislead ("contentWithSidebar",
// "sharing-with-a-single-developer"), so mainText asks only of blocks
// that hold a small part of the text.
func looksLikeFurniture(n *html.Node) bool {
	if (blocks[n.DataAtom] || n.DataAtom == atom.Td) && n.DataAtom != atom.P && startsWithRailTitle(n) {
		return true
	}
	names := attr(n, "class") + " " + attr(n, "id") + " " + attr(n, "data-component") + " " + attr(n, "data-testid")
	words := nameWords(names)
	for _, w := range words {
		if boilerplateWords[w] {
			return true
		}
	}
	return false
}

// hiddenStyle reports whether an inline style hides its element.
func hiddenStyle(style string) bool {
	style = strings.ToLower(strings.ReplaceAll(style, " ", ""))
	return strings.Contains(style, "display:none") || strings.Contains(style, "visibility:hidden")
}

// blocks are elements that start a new paragraph.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Main: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Li: true, atom.Ul: true, atom.Ol: true, atom.Blockquote: true, atom.Pre: true,
	atom.Table: true, atom.Tr: true, atom.Hr: true, atom.Figure: true, atom.Dd: true, atom.Dt: true,
	atom.Dl: true, atom.Body: true,
}

// furnitureShare is the most of a text a block that looks like furniture
// may hold and still be left out: a share bar or a related rail is a
// small part of the page; a block named "contentWithSidebar" holding the
// article is not.
const furnitureShare = 0.5

// rawText is the readable text under n, before cleaning (see mainText).
func rawText(n *html.Node) string {
	var b strings.Builder
	mainText(&b, n, true, int(furnitureShare*float64(visibleLen(n))))
	return b.String()
}

// mainText writes the readable text under n, leaving out what is hidden
// (isHidden) and blocks that look like furniture (looksLikeFurniture)
// with less than most bytes of text. The root itself is never left out:
// a page whose <article> has class "share-enabled" keeps its article.
func mainText(b *strings.Builder, n *html.Node, root bool, most int) {
	switch n.Type {
	case html.TextNode:
		// Keep a space where the source had one at either end; Clean
		// collapses repeats and drops those between CJK characters.
		if strings.TrimLeft(n.Data, " \t\n\r") != n.Data {
			b.WriteByte(' ')
		}
		b.WriteString(strings.Join(strings.Fields(n.Data), " "))
		if strings.TrimRight(n.Data, " \t\n\r") != n.Data {
			b.WriteByte(' ')
		}
		return
	case html.ElementNode:
		if !root && (isHidden(n) || looksLikeFurniture(n) && visibleLen(n) < most) {
			return
		}
		if n.DataAtom == atom.Br {
			b.WriteByte('\n')
			return
		}
		if n.DataAtom == atom.Td || n.DataAtom == atom.Th {
			b.WriteString(" ")
		}
	}
	block := n.Type == html.ElementNode && blocks[n.DataAtom]
	if block {
		b.WriteString("\n\n")
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		mainText(b, c, false, most)
	}
	if block {
		b.WriteString("\n\n")
	}
}

// visibleLen is the length of the text under n that is not hidden
// (isHidden), in bytes.
func visibleLen(n *html.Node) int {
	if n.Type == html.TextNode {
		return len(strings.TrimSpace(n.Data))
	}
	if n.Type == html.ElementNode && isHidden(n) {
		return 0
	}
	size := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		size += visibleLen(c)
	}
	return size
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return true
		}
	}
	return false
}
