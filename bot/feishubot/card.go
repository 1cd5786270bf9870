package feishubot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/marketbot/marketbot/bot"
	"github.com/marketbot/marketbot/bot/markdown"
	"github.com/marketbot/marketbot/rag/answer"
)

// MaxCardBytes is the most a card's JSON may weigh: Feishu refuses cards over 30 KB.
const MaxCardBytes = 25 << 10

// Limits of the cards, under what Feishu accepts.
const (
	cardMaxMarkdownRunes = 2000     // per markdown element
	cardMaxSourcesBytes  = 12 << 10 // the sources never take more of a card's JSON than this…
	cardMaxNoticesBytes  = 3 << 10  // …nor the notices more than this
	cardMaxNoticeRunes   = 500
	cardMaxTitleRunes    = 200
	cardMaxSourceRunes   = 80
	cardMaxLinkBytes     = 1000 // a longer Markdown link or citation URL is not made a link
	cardMaxAnswerID      = 1000 // a longer answer id gets no feedback buttons
	cardMaxNoteRunes     = 2000 // the placeholder's text
	cardMinCutBytes      = 200  // a cut piece of an answer smaller than this is left out
)

// cardWords are the fixed texts of a card, in one language.
type cardWords struct {
	sources, more                string
	up, down                     string
	truncated, writing, thinking string
}

func cardWordsFor(lang string) cardWords {
	switch {
	case lang == "zh-Hant" || strings.EqualFold(lang, "zh-TW") || strings.EqualFold(lang, "zh-HK"):
		return cardWords{
			sources: "**來源**", more: "…另有 %d 個來源",
			up: "👍 有幫助", down: "👎 沒幫助",
			truncated: "（回答過長，已截斷。可以把問題問得更具體一些。）",
			writing:   "✍️ 正在撰寫…",
			thinking:  "💭 思考中…",
		}
	case strings.HasPrefix(lang, "zh"):
		return cardWords{
			sources: "**来源**", more: "…另有 %d 个来源",
			up: "👍 有帮助", down: "👎 没帮助",
			truncated: "（回答过长，已截断。可以把问题问得更具体一些。）",
			writing:   "✍️ 正在撰写…",
			thinking:  "💭 思考中…",
		}
	}
	return cardWords{
		sources: "**Sources**", more: "… and %d more",
		up: "👍 Helpful", down: "👎 Not helpful",
		truncated: "(Answer truncated: too long for a card. Ask a narrower question.)",
		writing:   "✍️ Writing…",
		thinking:  "💭 Thinking…",
	}
}

// The JSON of a card (Feishu card JSON 1.0). Structs, not maps, so that
// the keys keep their order.
type (
	cardJSON struct {
		Config   cardConfig `json:"config"`
		Elements []any      `json:"elements"`
	}
	cardConfig struct {
		WideScreenMode bool `json:"wide_screen_mode"`
		UpdateMulti    bool `json:"update_multi"` // without it Feishu refuses to update the message
	}
	// cardText is a markdown element, or a plain_text in a note or a button.
	cardText struct {
		Tag     string `json:"tag"`
		Content string `json:"content"`
	}
	cardNote struct {
		Tag      string     `json:"tag"`
		Elements []cardText `json:"elements"`
	}
	cardHR struct {
		Tag string `json:"tag"`
	}
	cardAction struct {
		Tag     string       `json:"tag"`
		Actions []cardButton `json:"actions"`
	}
	cardButton struct {
		Tag   string        `json:"tag"`
		Text  cardText      `json:"text"`
		Type  string        `json:"type"`
		Value cardVoteValue `json:"value"`
	}
	cardVoteValue struct {
		Marketbot string `json:"marketbot"` // always "feedback"
		Answer    string `json:"answer"`
		Vote      int    `json:"vote"` // 1 or -1
	}
)

// cardImage is an image element: a picture uploaded for messages, by its
// key.
type cardImage struct {
	Tag    string   `json:"tag"`
	ImgKey string   `json:"img_key"`
	Alt    cardText `json:"alt"`
}

// cardTable is the card's table component (client 7.4 and later; at the
// card's root): columns c0, c1…, plain text, ten rows a page.
type (
	cardTable struct {
		Tag               string              `json:"tag"`
		PageSize          int                 `json:"page_size"`
		RowHeight         string              `json:"row_height"`
		FreezeFirstColumn bool                `json:"freeze_first_column"`
		HeaderStyle       cardTableHeader     `json:"header_style"`
		Columns           []cardTableColumn   `json:"columns"`
		Rows              []map[string]string `json:"rows"`
	}
	cardTableHeader struct {
		Bold            bool   `json:"bold"`
		BackgroundStyle string `json:"background_style"`
	}
	cardTableColumn struct {
		Name        string `json:"name"`
		DisplayName string `json:"display_name"`
		DataType    string `json:"data_type"`
		Width       string `json:"width"`
	}
)

// cardTableElement is t as a table component of at most maxBytes, the
// rows that do not fit left out; nil for no table.
func cardTableElement(t *answer.Table, maxBytes int) *cardTable {
	if t == nil || len(t.Rows) == 0 {
		return nil
	}
	e := &cardTable{Tag: "table", PageSize: 10, RowHeight: "low", FreezeFirstColumn: true,
		HeaderStyle: cardTableHeader{Bold: true, BackgroundStyle: "grey"}}
	for i, h := range t.Header {
		e.Columns = append(e.Columns, cardTableColumn{Name: fmt.Sprintf("c%d", i), DisplayName: strings.ToValidUTF8(h, ""), DataType: "text", Width: "auto"})
	}
	for _, row := range t.Rows {
		r := map[string]string{}
		for i, c := range row {
			r[fmt.Sprintf("c%d", i)] = strings.ToValidUTF8(c, "")
		}
		e.Rows = append(e.Rows, r)
		if cardSize(e) > maxBytes {
			e.Rows = e.Rows[:len(e.Rows)-1]
			break
		}
	}
	return e
}

func cardMarkdownElement(content string) cardText { return cardText{Tag: "markdown", Content: content} }

func cardNoteElement(text string) cardNote {
	return cardNote{Tag: "note", Elements: []cardText{{Tag: "plain_text", Content: text}}}
}

var cardRule = cardHR{Tag: "hr"}

// cardEncode is v's JSON, without HTML escaping (Feishu needs none, and
// "<" would weigh six bytes).
func cardEncode(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("feishubot: encoding a card: " + err.Error()) // the types above always encode
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// Sizes, in bytes of JSON. An element in the list costs its size and a
// comma (one too many is counted: the sums stay on the safe side).
var (
	cardSkeletonBytes = len(cardEncode(cardJSON{Elements: []any{}, Config: cardConfig{WideScreenMode: true, UpdateMulti: true}}))
	cardMarkdownBytes = len(cardEncode(cardMarkdownElement(""))) + 1 // without the content
	cardRuleBytes     = len(cardEncode(cardRule)) + 1
)

func cardSize(e any) int { return len(cardEncode(e)) + 1 }

// cardMarkdownSize is the size of a markdown element with content s.
func cardMarkdownSize(s string) int { return cardMarkdownBytes + cardEncLen(s) }

// cardEncLen is the length of s in a JSON string, without the quotes. It
// errs on the long side for the characters cardClean removes.
func cardEncLen(s string) int {
	n := 0
	for _, r := range s {
		n += cardRuneEncLen(r)
	}
	return n
}

func cardRuneEncLen(r rune) int {
	switch {
	case r == '"' || r == '\\' || r == '\n' || r == '\r' || r == '\t':
		return 2
	case r < 0x20 || r == '\u2028' || r == '\u2029' || r == utf8.RuneError:
		return 6
	}
	return utf8.RuneLen(r)
}

// cardMarshal is the card's JSON.
func cardMarshal(elements []any) string {
	return string(cardEncode(cardJSON{Config: cardConfig{WideScreenMode: true, UpdateMulti: true}, Elements: elements}))
}

// Card renders a final reply as an interactive card (JSON). answerID identifies it for the
// 👍/👎 buttons; "" leaves them out (help, sources, errors).
func Card(r bot.Reply, answerID string) string {
	w := cardWordsFor(r.Lang)
	used := cardSkeletonBytes

	// Notices, sources and buttons are budgeted first; the answer gets the rest.
	var notices []any
	noticeBytes := 0
	for _, n := range r.Notices {
		n = markdown.TruncateRunes(cardOneLine(n), cardMaxNoticeRunes)
		if n == "" {
			continue
		}
		e := cardNoteElement("⚠️ " + n)
		size := cardSize(e)
		if noticeBytes+size > cardMaxNoticesBytes {
			break
		}
		notices = append(notices, e)
		noticeBytes += size
	}
	used += noticeBytes

	var sources []any
	if s := cardSources(r.Citations, w, r.Lang); len(s) > 0 {
		used += cardRuleBytes
		for _, c := range s {
			sources = append(sources, cardMarkdownElement(c))
			used += cardMarkdownSize(c)
		}
	}

	var table any
	if t := cardTableElement(r.Table, MaxCardBytes/2); t != nil {
		table = t
		used += cardSize(t)
	}
	var image any
	if r.Image != nil && r.Image.Key != "" {
		image = cardImage{Tag: "img", ImgKey: r.Image.Key, Alt: cardText{Tag: "plain_text", Content: markdown.TruncateRunes(cardOneLine(r.Image.Alt), 100)}}
		used += cardSize(image)
	}

	var feedback any
	if answerID != "" && len(answerID) <= cardMaxAnswerID && utf8.ValidString(answerID) {
		button := func(text string, vote int) cardButton {
			return cardButton{Tag: "button", Text: cardText{Tag: "plain_text", Content: text}, Type: "default",
				Value: cardVoteValue{Marketbot: "feedback", Answer: answerID, Vote: vote}}
		}
		feedback = cardAction{Tag: "action", Actions: []cardButton{button(w.up, 1), button(w.down, -1)}}
		used += cardSize(feedback)
	}

	// The answer gets what is left: whole elements, then the next one cut
	// at a break; a note says it was cut.
	chunks := cardSplit(cardMarkdown(r.Text), cardMaxMarkdownRunes)
	free := MaxCardBytes - used
	need := 0
	for _, c := range chunks {
		need += cardMarkdownSize(c)
	}
	truncNote := cardNoteElement(w.truncated)
	truncated := need > free
	if truncated {
		free -= cardSize(truncNote) + len("…") // the answer then ends with an ellipsis
	}
	var answer []any
	for _, c := range chunks {
		if size := cardMarkdownSize(c); size <= free {
			answer = append(answer, cardMarkdownElement(c))
			free -= size
			continue
		}
		if p := cardCutToFit(c, free-cardMarkdownBytes); p != "" {
			answer = append(answer, cardMarkdownElement(p+"…"))
		} else if n := len(answer); n > 0 {
			last := answer[n-1].(cardText)
			answer[n-1] = cardMarkdownElement(last.Content + "…")
		}
		break
	}

	for {
		var out []any
		out = append(out, notices...)
		out = append(out, answer...)
		if truncated {
			out = append(out, truncNote)
		}
		if table != nil {
			out = append(out, table)
		}
		if image != nil {
			out = append(out, image)
		}
		if len(sources) > 0 {
			if len(out) > 0 {
				out = append(out, cardRule)
			}
			out = append(out, sources...)
		}
		if len(out) == 0 {
			out = append(out, cardMarkdownElement("…")) // Feishu rejects an empty markdown
		}
		if feedback != nil {
			out = append(out, feedback)
		}
		card := cardMarshal(out)
		if len(card) <= MaxCardBytes || len(answer) == 0 {
			return card
		}
		// Not expected: the budget above is exact or errs on the safe side.
		answer = answer[:len(answer)-1]
		truncated = true
	}
}

// cardCutToFit is the longest beginning of s, cut at a break, whose JSON
// weighs at most maxBytes and that leaves room for one more rune (an
// ellipsis) in a markdown element; "" when too little would be left.
func cardCutToFit(s string, maxBytes int) string {
	if maxBytes < cardMinCutBytes {
		return ""
	}
	lim := cardLimit(s, cardMaxMarkdownRunes-1, maxBytes)
	if lim >= len(s) {
		return s
	}
	cut, _ := cardCutter.Cut(s, lim)
	return strings.TrimRightFunc(s[:cut], unicode.IsSpace)
}

// ProgressCard renders an answer still being written: the text so far and a note that it is being written.
// With no text yet, the model is thinking: a placeholder card says so.
func ProgressCard(text, lang string) string {
	w := cardWordsFor(lang)
	if strings.TrimSpace(text) == "" { // the model thinks; its thinking is never shown
		return PlaceholderCard(w.thinking)
	}
	note := cardNoteElement(w.writing)
	free := MaxCardBytes - cardSkeletonBytes - cardSize(note)
	chunks := cardSplit(cardMarkdown(text), cardMaxMarkdownRunes)
	// Keep the end: the newest part is what the reader is waiting for.
	start := len(chunks)
	for start > 0 {
		size := cardMarkdownSize(chunks[start-1])
		if size > free {
			break
		}
		free -= size
		start--
	}
	var out []any
	if start > 0 && cardMarkdownSize("…") <= free {
		out = append(out, cardMarkdownElement("…")) // the beginning was left out
	}
	for _, c := range chunks[start:] {
		out = append(out, cardMarkdownElement(c))
	}
	return cardMarshal(append(out, note))
}

// PlaceholderCard renders the card shown at once while searching, e.g. "Searching 1,234 articles…".
func PlaceholderCard(text string) string {
	t := markdown.TruncateRunes(strings.TrimSpace(cardClean(text)), cardMaxNoteRunes)
	if t == "" {
		t = "…"
	}
	return cardMarshal([]any{cardNoteElement(t)})
}

// FeedbackVote reads a card callback's action value, as sent by the buttons Card renders:
// the answer id and +1 or -1; ok is false for anything else.
func FeedbackVote(value map[string]any) (answerID string, vote int, ok bool) {
	if m, _ := value["marketbot"].(string); m != "feedback" {
		return "", 0, false
	}
	id, _ := value["answer"].(string)
	if id == "" {
		return "", 0, false
	}
	var f float64
	switch v := value["vote"].(type) {
	case float64:
		f = v
	case int:
		f = float64(v)
	case int64:
		f = float64(v)
	case json.Number:
		f, _ = v.Float64()
	case string:
		f, _ = strconv.ParseFloat(strings.TrimSpace(v), 64)
	}
	switch f {
	case 1:
		return id, 1, true
	case -1:
		return id, -1, true
	}
	return "", 0, false
}

// cardSources is the contents of the sources' markdown elements: a
// heading, then a line per citation, packed into elements of at most
// cardMaxMarkdownRunes and cardMaxSourcesBytes in all (with the rule
// above them). Citations that do not fit are counted in a last line.
func cardSources(cs []answer.Citation, w cardWords, lang string) []string {
	if len(cs) == 0 {
		return nil
	}
	budget := cardMaxSourcesBytes - cardRuleBytes
	var out []string
	cur := w.sources
	curRunes := utf8.RuneCountInString(cur)
	used := cardMarkdownSize(cur)
	add := func(line string) {
		if n := utf8.RuneCountInString(line); curRunes+1+n <= cardMaxMarkdownRunes {
			cur += "\n" + line
			curRunes += 1 + n
		} else {
			out = append(out, cur)
			cur, curRunes = line, n
		}
	}
	// cost is what adding line weighs, in the current element or a new one.
	cost := func(line string) int {
		if curRunes+1+utf8.RuneCountInString(line) <= cardMaxMarkdownRunes {
			return cardEncLen("\n" + line)
		}
		return cardMarkdownSize(line)
	}
	// Room is kept for the "… and N more" line until the last citation;
	// it weighs at most this, wherever it goes.
	reserve := cardMarkdownSize("\n" + fmt.Sprintf(w.more, len(cs)))
	for i, c := range cs {
		line := cardSourceLine(c, i, lang)
		r := reserve
		if i == len(cs)-1 {
			r = 0
		}
		n := cost(line)
		if used+n+r > budget {
			add(fmt.Sprintf(w.more, len(cs)-i))
			break
		}
		add(line)
		used += n
	}
	return append(out, cur)
}

// cardSourceLine is "[n] [title](url) · source · date", leaving out what is empty.
func cardSourceLine(c answer.Citation, i int, lang string) string {
	n := c.N
	if n <= 0 {
		n = i + 1
	}
	var parts []string
	title := cardPlain(markdown.TruncateRunes(cardOneLine(c.Title), cardMaxTitleRunes))
	u, ok := cardLinkURL(c.URL)
	switch {
	case ok && title != "":
		parts = append(parts, "["+title+"]("+u+")")
	case ok:
		parts = append(parts, "["+cardPlain(markdown.TruncateRunes(u, cardMaxSourceRunes))+"]("+u+")")
	case title != "":
		parts = append(parts, title)
	}
	if s := cardPlain(markdown.TruncateRunes(cardOneLine(c.Attribution(lang)), cardMaxSourceRunes)); s != "" {
		parts = append(parts, s)
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

// cardPlain makes text safe in card markdown where it must make no link
// and no tag: brackets and parentheses become their full-width forms, and
// "<" ">" entities.
func cardPlain(s string) string { return cardPlainReplacer.Replace(s) }

var cardPlainReplacer = strings.NewReplacer("[", "［", "]", "］", "(", "（", ")", "）", "<", "&lt;", ">", "&gt;")

// cardLinkURL returns u ready to go in a [text](url) link, and whether it
// can: only absolute http and https URLs of reasonable length qualify, in
// valid UTF-8 and with no IP literal host ([::1]).
func cardLinkURL(u string) (string, bool) {
	u, p, ok := markdown.LinkURL(u, cardMaxLinkBytes, "http", "https")
	if !ok || !utf8.ValidString(u) || strings.ContainsAny(p.Host, "[]") {
		return "", false
	}
	return cardURLReplacer.Replace(u), true
}

// cardURLReplacer escapes what would end a link's URL early or make a tag.
var cardURLReplacer = strings.NewReplacer("(", "%28", ")", "%29", "<", "%3C", ">", "%3E", "[", "%5B", "]", "%5D", `"`, "%22")

// cardClean makes text valid UTF-8 without control characters but line
// breaks; tabs become spaces.
func cardClean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\t", "    ")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\r' || r == '\u2028' || r == '\u2029':
			return '\n'
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}

// cardOneLine is s on one line, trimmed, without control characters.
func cardOneLine(s string) string { return markdown.OneLine(cardClean(s)) }

// cardMarkdown converts the light Markdown of an answer to Feishu card
// markdown (JSON 1.0), which has no headings and no quotes: headings
// become bold lines, "> " quotes "▎" lines, and "<" ">" entities so that
// no text makes a tag (<at id=all>, <font>). Bold, italics, lists, [n]
// markers and http(s) links are kept; other links are left as text, made
// unable to link.
func cardMarkdown(md string) string {
	lines := strings.Split(cardClean(md), "\n")
	out := make([]string, 0, len(lines))
	for _, line := range lines {
		out = append(out, cardLine(line))
	}
	return markdown.JoinLines(out)
}

// cardQuote starts the lines of a quote.
const cardQuote = "▎"

// cardLine converts a line. Nested quotes are one quote.
func cardLine(line string) string {
	l := markdown.ParseLine(line, true)
	prefix := ""
	if l.Quote {
		prefix = cardQuote
	}
	switch l.Kind {
	case markdown.Rule:
		return l.Indent + prefix + "──────────"
	case markdown.Heading:
		if l.Text == "" {
			return prefix
		}
		return l.Indent + prefix + "**" + cardInline(l.Text) + "**"
	case markdown.Item:
		return l.Indent + prefix + "- " + cardInline(l.Text)
	}
	return l.Indent + prefix + cardInline(l.Text)
}

// cardInline converts the inline Markdown of a line: http(s) links
// ([text](url), ![alt](url), <url>) are kept as [text](url) links, any
// other "](" is parted so it cannot link, and "<" ">" become entities.
func cardInline(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		switch c := s[i]; c {
		case '!', '[':
			// An image becomes a link: card markdown images need an image key.
			if l, ok := markdown.ParseLink(s, i, cardLinkURL, cardMaxLinkBytes); ok {
				label := cardPlain(l.Label())
				if label == "" {
					label = cardPlain(markdown.TruncateRunes(l.URL, cardMaxSourceRunes))
				}
				b.WriteString("[" + label + "](" + l.URL + ")")
				i = l.End
				continue
			}
		case ']':
			if strings.HasPrefix(s[i+1:], "(") {
				b.WriteString("] ") // not a link we keep: it must not become one
				i++
				continue
			}
		case '<':
			if j := strings.IndexByte(s[i+1:], '>'); j > 0 {
				if u, ok := cardLinkURL(s[i+1 : i+1+j]); ok { // <https://…>
					b.WriteString("[" + cardPlain(markdown.TruncateRunes(u, cardMaxSourceRunes)) + "](" + u + ")")
					i += j + 2
					continue
				}
			}
			b.WriteString("&lt;")
			i++
			continue
		case '>':
			b.WriteString("&gt;")
			i++
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// cardCutter cuts card markdown: a piece is an element, not worth making
// for a few words, and never blank.
var cardCutter = markdown.Cutter{Links: cardLinks, Quote: cardQuote}

// cardLinkRe matches the links card markdown makes of the text: labels
// have no brackets and URLs no parentheses or spaces (cardInline sees to it).
var cardLinkRe = regexp.MustCompile(`\[[^\[\]\n]*\]\([^()\s]*\)`)

// cardLinks is where the [text](url) links of card markdown stand.
func cardLinks(s string, _ int) [][]int { return cardLinkRe.FindAllStringIndex(s, -1) }

// cardSplit splits card markdown into pieces of at most maxRunes runes,
// none of them blank. It splits at paragraph breaks, else line breaks,
// else sentence ends, else spaces, and never inside a rune, an entity or
// a [text](url) link. A quote line split in two stays a quote.
func cardSplit(s string, maxRunes int) []string {
	return cardCutter.Split(s, func(s string) int { return cardLimit(s, maxRunes, math.MaxInt) })
}

// cardLimit is the largest i such that s[:i] is whole runes, at most
// maxRunes of them, weighing at most maxBytes in JSON.
func cardLimit(s string, maxRunes, maxBytes int) int {
	n, size := 0, 0
	for i, r := range s {
		e := cardRuneEncLen(r)
		if n == maxRunes || size+e > maxBytes {
			return i
		}
		n++
		size += e
	}
	return len(s)
}
