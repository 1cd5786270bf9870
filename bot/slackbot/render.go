package slackbot

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/marketbot/marketbot/bot"
	"github.com/marketbot/marketbot/bot/markdown"
	"github.com/marketbot/marketbot/rag/answer"
)

// Limits. Slack allows 50 blocks per message and 3000 characters per text
// object; 12,000 characters over all blocks is our own ceiling, under what
// Slack accepts for a whole message. A section is limited in bytes, which
// bounds its characters too and leaves room to spare.
const (
	maxBlocks        = 50
	maxTotalRunes    = 12000
	maxSectionBytes  = 2900
	maxFallbackRunes = 3000
	maxProgressRunes = 11000
	maxNoticeRunes   = 1500
	maxSourcesRunes  = 4500 // the sources never take more than this of the budget…
	maxSourcesBlocks = 5    // …nor more blocks than this
	maxTitleRunes    = 200
	maxSourceRunes   = 80
	maxLinkBytes     = 1000 // a longer Markdown link or citation URL is not made a link
	maxButtonValue   = 2000 // Slack's limit on a button's value
)

// Message is a reply rendered for Slack: Block Kit blocks and the plain-text
// fallback Slack shows in notifications and to screen readers.
type Message struct {
	Text   string
	Blocks []slack.Block
}

// words are the fixed texts of a message, in one language.
type words struct {
	sources, sourcesPlain, more  string
	up, down                     string
	truncated, writing, thinking string
}

func wordsFor(lang string) words {
	switch {
	case lang == "zh-Hant" || strings.EqualFold(lang, "zh-TW") || strings.EqualFold(lang, "zh-HK"):
		return words{
			sources: "*來源*", sourcesPlain: "來源：", more: "…另有 %d 個來源",
			up: "👍 有幫助", down: "👎 沒幫助",
			truncated: "（回答過長，已截斷。可以把問題問得更具體一些。）",
			writing:   "✍️ 正在撰寫…",
			thinking:  "💭 思考中…",
		}
	case strings.HasPrefix(lang, "zh"):
		return words{
			sources: "*来源*", sourcesPlain: "来源：", more: "…另有 %d 个来源",
			up: "👍 有帮助", down: "👎 没帮助",
			truncated: "（回答过长，已截断。可以把问题问得更具体一些。）",
			writing:   "✍️ 正在撰写…",
			thinking:  "💭 思考中…",
		}
	}
	return words{
		sources: "*Sources*", sourcesPlain: "Sources:", more: "… and %d more",
		up: "👍 Helpful", down: "👎 Not helpful",
		truncated: "(Answer truncated: it was too long for Slack. Ask a narrower question.)",
		writing:   "✍️ Writing…",
		thinking:  "💭 Thinking…",
	}
}

// Render renders a final reply. replyID identifies it for the feedback
// buttons; "" leaves them out (help, sources, errors).
func Render(r bot.Reply, replyID string) Message {
	w := wordsFor(r.Lang)
	blocks, runes := 0, 0

	// Notices, sources and buttons are budgeted first; the answer gets the rest.
	var notices slack.Block
	if s := noticesMrkdwn(r.Notices); s != "" {
		notices = contextBlock(s)
		blocks++
		runes += utf8.RuneCountInString(s)
	}
	var sources []slack.Block
	for _, s := range sourcesMrkdwn(r.Citations, w, r.Lang) {
		sources = append(sources, sectionBlock(s))
		blocks++
		runes += utf8.RuneCountInString(s)
	}
	var table []slack.Block
	for _, s := range tableMrkdwn(r.Table) {
		table = append(table, sectionBlock(s))
		blocks++
		runes += utf8.RuneCountInString(s)
	}
	var feedback slack.Block
	if replyID != "" && utf8.RuneCountInString(replyID) <= maxButtonValue {
		feedback = slack.NewActionBlock("feedback",
			slack.NewButtonBlockElement("feedback_up", replyID, slack.NewTextBlockObject(slack.PlainTextType, w.up, true, false)),
			slack.NewButtonBlockElement("feedback_down", replyID, slack.NewTextBlockObject(slack.PlainTextType, w.down, true, false)),
		)
		blocks++
		runes += utf8.RuneCountInString(w.up) + utf8.RuneCountInString(w.down)
	}

	// The answer gets what is left, in whole sections; when it does not
	// all fit, a note says it was cut.
	var answer []slack.Block
	chunks := splitMrkdwn(mrkdwn(r.Text), maxSectionBytes)
	need := 0
	for _, c := range chunks {
		need += utf8.RuneCountInString(c)
	}
	freeBlocks, freeRunes := maxBlocks-blocks, maxTotalRunes-runes
	truncated := len(chunks) > freeBlocks || need > freeRunes
	if truncated {
		freeBlocks--
		freeRunes -= utf8.RuneCountInString(w.truncated)
	}
	for _, c := range chunks {
		n := utf8.RuneCountInString(c)
		if len(answer) >= freeBlocks || n > freeRunes {
			break
		}
		answer = append(answer, sectionBlock(c))
		freeRunes -= n
	}

	var out []slack.Block
	if notices != nil {
		out = append(out, notices)
	}
	out = append(out, answer...)
	if truncated {
		out = append(out, contextBlock(w.truncated))
	}
	out = append(out, table...)
	if len(out) == 0 && len(sources) == 0 {
		out = append(out, sectionBlock("…")) // Slack rejects a message with nothing in it
	}
	out = append(out, sources...)
	if feedback != nil {
		out = append(out, feedback)
	}
	return Message{Text: fallbackText(r, w), Blocks: out}
}

// maxTableSections bounds the sections a table takes; its other rows are
// left out, and a last line says how many.
const maxTableSections = 8

// tableMrkdwn is a table in monospace (code) sections within the limits,
// its header repeated in each: Slack has no table block every client
// shows, and aligned columns read as one.
func tableMrkdwn(t *answer.Table) []string {
	if t == nil {
		return nil
	}
	lines := strings.Split(escape(t.String()), "\n")
	header, rows := lines[0], lines[1:]
	var out []string
	for len(rows) > 0 && len(out) < maxTableSections {
		section := "```\n" + header
		n := 0
		for n < len(rows) && len(section)+1+len(rows[n])+4 <= maxSectionBytes {
			section += "\n" + rows[n]
			n++
		}
		if n == 0 { // a row longer than a section: cut it
			section += "\n" + truncateMrkdwn(rows[0], maxSectionBytes/4, maxSectionBytes-len(section)-8)
			n = 1
		}
		rows = rows[n:]
		out = append(out, section+"\n```")
	}
	if len(rows) > 0 {
		out[len(out)-1] = strings.TrimSuffix(out[len(out)-1], "\n```") + fmt.Sprintf("\n… +%d\n```", len(rows))
	}
	return out
}

// RenderProgress renders an answer still being written (streaming): the text so far
// and a context line saying it is being written, no sources, no buttons. With no
// text yet, the model is thinking: a placeholder says so.
func RenderProgress(text, lang string) Message {
	w := wordsFor(lang)
	if strings.TrimSpace(text) == "" { // the model thinks; its thinking is never shown
		return RenderPlaceholder(w.thinking)
	}
	chunks := splitMrkdwn(mrkdwn(text), maxSectionBytes)
	// Keep the end: the newest part is what the reader is waiting for.
	start, runes := len(chunks), 0
	for start > 0 && len(chunks)-start < maxBlocks-1 {
		n := utf8.RuneCountInString(chunks[start-1])
		if runes+n > maxProgressRunes {
			break
		}
		runes += n
		start--
	}
	var blocks []slack.Block
	for _, c := range chunks[start:] {
		blocks = append(blocks, sectionBlock(c))
	}
	blocks = append(blocks, contextBlock(w.writing))
	t := truncateMrkdwn(escape(strings.TrimSpace(text)), maxFallbackRunes, 4*maxFallbackRunes)
	if t == "" {
		t = w.writing
	}
	return Message{Text: t, Blocks: blocks}
}

// RenderPlaceholder renders the first message posted while searching, e.g. "Searching 1,234 articles…".
func RenderPlaceholder(text string) Message {
	t := escape(strings.TrimSpace(text))
	if t == "" {
		t = "…"
	}
	return Message{
		Text:   truncateMrkdwn(t, maxFallbackRunes, 4*maxFallbackRunes),
		Blocks: []slack.Block{contextBlock(truncateMrkdwn(t, maxSectionBytes, maxSectionBytes))},
	}
}

// sectionBlock is a section of mrkdwn text, which must be non-empty and
// within the limits. Verbatim keeps Slack from turning words of an article
// into mentions (@channel) or links.
func sectionBlock(text string) slack.Block {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, true), nil, nil)
}

// contextBlock is a context block of one mrkdwn text.
func contextBlock(text string) slack.Block {
	return slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, text, false, true))
}

// noticesMrkdwn is the notices, one a line, each after a warning sign.
func noticesMrkdwn(notices []string) string {
	var lines []string
	for _, n := range notices {
		if n = markdown.OneLine(n); n != "" {
			lines = append(lines, "⚠️ "+escape(n))
		}
	}
	return truncateMrkdwn(strings.Join(lines, "\n"), maxNoticeRunes, maxSectionBytes)
}

// sourcesMrkdwn is the texts of the sources sections: a heading, then a line
// per citation, packed into sections within the limits. Citations that do
// not fit are counted in a last line.
func sourcesMrkdwn(cs []answer.Citation, w words, lang string) []string {
	if len(cs) == 0 {
		return nil
	}
	// Room is kept for the "… and N more" line until the last citation.
	more := len(fmt.Sprintf(w.more, len(cs))) + 1
	var out []string
	cur := w.sources
	runes := utf8.RuneCountInString(cur)
	for i, c := range cs {
		line := sourceLine(c, i, lang)
		reserve := 0
		if i < len(cs)-1 {
			reserve = more
		}
		n := utf8.RuneCountInString(line) + 1
		fits := len(cur)+1+len(line)+reserve <= maxSectionBytes
		if runes+n+reserve > maxSourcesRunes || (!fits && len(out)+2 > maxSourcesBlocks) {
			cur += "\n" + fmt.Sprintf(w.more, len(cs)-i)
			break
		}
		if fits {
			cur += "\n" + line
		} else {
			out = append(out, cur)
			cur = line
		}
		runes += n
	}
	return append(out, cur)
}

// sourceLine is "[n] <url|title> · source · date", leaving out what is empty.
func sourceLine(c answer.Citation, i int, lang string) string {
	n := c.N
	if n <= 0 {
		n = i + 1
	}
	parts := []string{}
	title := markdown.TruncateRunes(markdown.OneLine(c.Title), maxTitleRunes)
	u, ok := linkURL(c.URL)
	switch {
	case ok && title != "":
		parts = append(parts, "<"+u+"|"+linkText(title)+">")
	case ok:
		parts = append(parts, "<"+u+">")
	case title != "":
		parts = append(parts, escape(title))
	}
	if s := markdown.TruncateRunes(markdown.OneLine(c.Attribution(lang)), maxSourceRunes); s != "" {
		parts = append(parts, escape(s))
	}
	if !c.Published.IsZero() {
		parts = append(parts, c.Published.Format("2006-01-02"))
	}
	line := "[" + strconv.Itoa(n) + "]"
	if len(parts) > 0 {
		line += " " + strings.Join(parts, " · ")
	}
	return line
}

// fallbackText is the message's plain text: notices, answer, sources.
func fallbackText(r bot.Reply, w words) string {
	var groups []string
	var notices []string
	for _, n := range r.Notices {
		if n = markdown.OneLine(n); n != "" {
			notices = append(notices, "⚠️ "+n)
		}
	}
	if len(notices) > 0 {
		groups = append(groups, strings.Join(notices, "\n"))
	}
	if t := strings.TrimSpace(r.Text); t != "" {
		groups = append(groups, t)
	}
	if len(r.Citations) > 0 {
		lines := []string{w.sourcesPlain}
		for i, c := range r.Citations {
			n := c.N
			if n <= 0 {
				n = i + 1
			}
			line := "[" + strconv.Itoa(n) + "]"
			if t := markdown.OneLine(c.Title); t != "" {
				line += " " + t
			}
			if u := strings.TrimSpace(c.URL); u != "" {
				line += " (" + u + ")"
			}
			lines = append(lines, line)
		}
		groups = append(groups, strings.Join(lines, "\n"))
	}
	t := truncateMrkdwn(escape(strings.Join(groups, "\n\n")), maxFallbackRunes, 4*maxFallbackRunes)
	if t == "" {
		t = "…"
	}
	return t
}

// escape escapes the three characters Slack gives a meaning to.
func escape(s string) string {
	return mrkdwnEscaper.Replace(strings.ToValidUTF8(s, "\uFFFD"))
}

var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// linkText is the escaped label of a <url|label> link: "|" would end the
// URL part early, so it becomes "¦".
func linkText(s string) string {
	return strings.ReplaceAll(escape(s), "|", "¦")
}

// linkURL returns u ready to go in a <url|text> link, and whether it can:
// only absolute http, https and mailto URLs of reasonable length qualify.
func linkURL(u string) (string, bool) {
	u, _, ok := markdown.LinkURL(u, maxLinkBytes, "http", "https", "mailto")
	if !ok {
		return "", false
	}
	return linkURLEscaper.Replace(u), true
}

var linkURLEscaper = strings.NewReplacer("|", "%7C", "<", "%3C", ">", "%3E", "&", "&amp;")

// truncateMrkdwn shortens mrkdwn text to at most maxRunes runes and maxBytes
// bytes, ending it with "…" when cut; it never cuts inside a rune, an
// entity (&amp;) or a link.
func truncateMrkdwn(s string, maxRunes, maxBytes int) string {
	if len(s) <= maxBytes && utf8.RuneCountInString(s) <= maxRunes {
		return s
	}
	limit := maxBytes - len("…")
	k := 0
	for i := range s {
		if k == maxRunes-1 {
			limit = min(limit, i)
			break
		}
		k++
	}
	c := mrkdwnCutter.HardCut(s, limit)
	return strings.TrimRightFunc(s[:c], unicode.IsSpace) + "…"
}

// mrkdwn converts the light Markdown of an answer to Slack mrkdwn: bold,
// links and headings are converted, quotes, lists and [n] markers kept,
// and everything else escaped, so that the text cannot make a link or a
// mention of its own.
func mrkdwn(md string) string {
	md = strings.ToValidUTF8(md, "\uFFFD")
	md = strings.ReplaceAll(md, "\r\n", "\n")
	md = strings.ReplaceAll(md, "\r", "\n")
	lines := strings.Split(md, "\n")
	out := make([]string, 0, len(lines))
	fence := false
	for _, line := range lines {
		if strings.HasPrefix(strings.TrimLeft(line, " "), "```") {
			fence = !fence
			out = append(out, "```")
			continue
		}
		if fence {
			out = append(out, escape(line))
			continue
		}
		out = append(out, mrkdwnLine(line))
	}
	if fence {
		out = append(out, "```")
	}
	return markdown.JoinLines(out)
}

// mrkdwnLine converts a line outside code blocks. A quote's marker stays a
// literal ">" for Slack to render it; anything after it is text (Slack has
// no nested quotes).
func mrkdwnLine(line string) string {
	l := markdown.ParseLine(line, false)
	lead := l.Indent
	if l.Quote {
		lead = "> "
	}
	switch l.Kind {
	case markdown.Rule:
		return lead + "──────────"
	case markdown.Heading:
		if l.Text == "" {
			return ""
		}
		return lead + "*" + inline(l.Text) + "*"
	case markdown.Item:
		return lead + "- " + inline(l.Text)
	}
	return lead + inline(l.Text)
}

// inline converts the inline Markdown of a line: **bold**, *italic*,
// ~~strike~~, `code` and [text](url) links; everything else is escaped.
func inline(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		switch c := s[i]; c {
		case '`':
			n := runLen(s[i:], '`')
			if j := strings.Index(s[i+n:], s[i:i+n]); j > 0 {
				code := s[i+n : i+n+j]
				b.WriteString("`" + escape(code) + "`")
				i += n + j + n
				continue
			}
			b.WriteString(s[i : i+n])
			i += n
			continue
		case '!', '[':
			if l, ok := markdown.ParseLink(s, i, linkURL, maxLinkBytes); ok {
				if label := linkText(l.Label()); label == "" {
					b.WriteString("<" + l.URL + ">")
				} else {
					b.WriteString("<" + l.URL + "|" + label + ">")
				}
				i = l.End
				continue
			}
		case '*':
			if strings.HasPrefix(s[i:], "**") {
				if j := strings.Index(s[i+2:], "**"); j > 0 && emphasis(s[i+2:i+2+j]) {
					b.WriteString("*" + inline(s[i+2:i+2+j]) + "*")
					i += 2 + j + 2
					continue
				}
				n := runLen(s[i:], '*')
				b.WriteString(s[i : i+n])
				i += n
				continue
			}
			if j := closingStar(s[i+1:]); j > 0 && emphasis(s[i+1:i+1+j]) {
				b.WriteString("_" + inline(s[i+1:i+1+j]) + "_")
				i += 1 + j + 1
				continue
			}
		case '~':
			if strings.HasPrefix(s[i:], "~~") {
				if j := strings.Index(s[i+2:], "~~"); j > 0 && emphasis(s[i+2:i+2+j]) {
					b.WriteString("~" + inline(s[i+2:i+2+j]) + "~")
					i += 2 + j + 2
					continue
				}
			}
		case '&', '<', '>':
			mrkdwnEscaper.WriteString(&b, s[i:i+1])
			i++
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// runLen is how many times c repeats at the start of s.
func runLen(s string, c byte) int {
	n := 0
	for n < len(s) && s[n] == c {
		n++
	}
	return n
}

// emphasis reports whether s can be emphasized: Markdown wants no space
// just inside the markers.
func emphasis(s string) bool {
	if s == "" {
		return false
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	return !unicode.IsSpace(first) && !unicode.IsSpace(last)
}

// closingStar is the index in s of a single "*" that closes an italic, or -1.
func closingStar(s string) int {
	for j := 0; j < len(s); j++ {
		if s[j] != '*' {
			continue
		}
		if j+1 < len(s) && s[j+1] == '*' {
			j++
			continue
		}
		return j
	}
	return -1
}

// mrkdwnCutter cuts mrkdwn text. A paragraph or a line may start a new
// section however short the piece before it, and a blank piece is left
// out: sections are cheap.
var mrkdwnCutter = markdown.Cutter{Links: mrkdwnLinks, Quote: "> ", ShortBreaks: true, BlankCuts: true}

// mrkdwnLinks is where the <url|text> links of mrkdwn text stand, of
// those that start before lim. The text has no "<" but links' (the rest
// is escaped); one not closed by lim runs to the end.
func mrkdwnLinks(s string, lim int) [][]int {
	var links [][]int
	for i := 0; i < lim; {
		a := strings.IndexByte(s[i:lim], '<')
		if a < 0 {
			break
		}
		a += i
		b := strings.IndexByte(s[a:lim+1], '>')
		if b < 0 {
			return append(links, []int{a, len(s)})
		}
		i = a + b + 1
		links = append(links, []int{a, i})
	}
	return links
}

// splitMrkdwn splits mrkdwn text into pieces of at most maxBytes bytes (so
// at most maxBytes characters too), none of them blank. It splits at
// paragraph breaks, else line breaks, else sentence ends, else spaces, and
// never inside a rune, an entity or a <url|text> link. A quote line split
// in two stays a quote.
func splitMrkdwn(s string, maxBytes int) []string {
	return mrkdwnCutter.Split(s, func(string) int { return maxBytes })
}
