package feishubot

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/marketbot/marketbot/bot"
	"github.com/marketbot/marketbot/rag/answer"
)

var updateCards = flag.Bool("update-cards", false, "rewrite the card golden files in testdata")

func cardTestDate(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestCardGolden(t *testing.T) {
	cases := []struct {
		name string
		card func() string
	}{
		{"zh_answer", func() string {
			return Card(bot.Reply{
				Lang: "zh",
				Text: "## 结论\n\n美联储在 3 月会议上维持利率不变[1]，但**下调了**今年的增长预期[2]。\n\n- 通胀仍高于 2% 的目标[1]\n- 市场预期年内降息两次[3]",
				Citations: []answer.Citation{
					{N: 1, Title: "美联储维持利率不变", URL: "https://example.com/fed?id=1&lang=zh", Source: "财新", Published: cardTestDate("2025-03-20")},
					{N: 2, Title: "Fed [SEP] (经济预测摘要)", URL: "https://example.com/sep_(2025)", Source: "Reuters", Published: cardTestDate("2025-03-19")},
					{N: 3, Title: "市场押注降息", URL: "", Source: "华尔街见闻"},
				},
			}, "r-123")
		}},
		// Citations of the built-in pack say they are our summaries; an
		// article a user ingested names its source alone.
		{"summary_zh_hant", func() string {
			return Card(bot.Reply{
				Lang: "zh-Hant",
				Text: "輝達2025財年營收創新高[1]，OpenAI完成新一輪融資[2]。",
				Citations: []answer.Citation{
					{N: 1, Title: "輝達公布2025財年財報", URL: "https://nvidianews.nvidia.com/fy2025", Source: "輝達", Published: cardTestDate("2025-02-26"), Summary: true, SourceKind: "filing"},
					{N: 2, Title: "OpenAI raises $6.6 billion", URL: "https://openai.com/index/scale-the-benefits-of-ai/", Source: "OpenAI", Published: cardTestDate("2024-10-02"), Summary: true, SourceKind: "announcement"},
					{N: 3, Title: "內部簡報", Source: "研究部", Published: cardTestDate("2025-02-27")},
				},
			}, "r-987")
		}},
		// A price table: monospace on Slack, the table component on Feishu.
		{"prices_zh", func() string {
			return Card(bot.Reply{
				Lang: "zh",
				Text: "各模型的API价格（每百万tokens，按来源所述币种，不作换算；每个模型最新的输入与输出价格）：",
				Table: &answer.Table{Header: []string{"模型", "厂商", "类型", "每百万tokens", "日期", "来源"}, Rows: [][]string{
					{"DeepSeek-V2", "DeepSeek", "输入", "1 CNY", "2024-05-06", "[1]"},
					{"Doubao Pro", "ByteDance", "输入", "0.8 CNY", "2024-05-15", "[2]"},
				}},
				Citations: []answer.Citation{
					{N: 1, Title: "DeepSeek-V2发布", URL: "https://example.com/v2", Source: "DeepSeek", Published: cardTestDate("2024-05-06"), Summary: true, SourceKind: "announcement"},
					{N: 2, Title: "豆包大模型发布", URL: "https://example.com/doubao", Source: "火山引擎", Published: cardTestDate("2024-05-15")},
				},
			}, "")
		}},
		{"summary_en", func() string {
			return Card(bot.Reply{
				Lang: "en",
				Text: "Volcano Ark added DeepSeek-R1 [1].",
				Citations: []answer.Citation{
					{N: 1, Title: "火山方舟上线DeepSeek-R1", URL: "https://www.volcengine.com/ark", Source: "火山引擎", Published: cardTestDate("2025-02-13"), Summary: true, SourceKind: "announcement"},
				},
			}, "r-988")
		}},
		{"en_fallback", func() string {
			return Card(bot.Reply{
				Lang:     "en",
				Fallback: true,
				Notices:  []string{"No language model is configured: these are the most relevant passages.", "Results older than 30 days"},
				Text:     "From the articles:\n\n> Oil prices rose 3% on Monday after OPEC+ said it would extend cuts. [1]\n\n> Analysts at Goldman Sachs expect Brent to average $85 & \"more\". [2]",
				Citations: []answer.Citation{
					{N: 1, Title: "Oil jumps as OPEC+ extends cuts", URL: "https://example.com/oil", Source: "Reuters", Published: cardTestDate("2025-06-02")},
					{N: 2, Title: "Goldman <raises> Brent forecast", URL: "ftp://example.com/gs", Published: cardTestDate("2025-06-01")},
				},
			}, "r-456")
		}},
		{"not_found", func() string {
			return Card(bot.Reply{Lang: "en", NotFound: true, Text: "I found nothing about that in the articles I have."}, "")
		}},
		{"escaping", func() string {
			return Card(bot.Reply{
				Lang: "zh-Hant",
				Text: "<at id=all></at> 注意 <font color=red>紅字</font>：見 [報告](https://example.com/r?a=1&b=2) 或 [bad](javascript:alert(1))。\n1 < 2 > 0 [1](not a url) ![chart](https://example.com/c.png) <https://example.com/raw>",
				Citations: []answer.Citation{
					{N: 1, Title: "<at id=all></at>[點我](https://evil.example)", URL: "https://example.com/a", Source: "<font color=red>x</font>"},
				},
			}, "r-789")
		}},
		{"progress", func() string {
			return ProgressCard("美联储在 3 月会议上**维持**利率不变[1]，\n> 引述 <a>", "zh-Hant")
		}},
		{"placeholder", func() string {
			return PlaceholderCard("Searching 1,234 articles…")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := c.card()
			cardCheck(t, s)
			var b bytes.Buffer
			if err := json.Indent(&b, []byte(s), "", "  "); err != nil {
				t.Fatal(err)
			}
			b.WriteByte('\n')
			got := b.String()
			path := filepath.Join("testdata", "card_"+c.name+".golden.json")
			if *updateCards {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update-cards to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
			}
		})
	}
}

// cardTestCard is a card as decoded for the checks.
type cardTestCard struct {
	Config struct {
		WideScreenMode *bool `json:"wide_screen_mode"`
		UpdateMulti    *bool `json:"update_multi"`
	} `json:"config"`
	Elements []struct {
		Tag      string `json:"tag"`
		Content  string `json:"content"`
		Elements []struct {
			Tag     string `json:"tag"`
			Content string `json:"content"`
		} `json:"elements"`
		Actions []struct {
			Tag  string `json:"tag"`
			Text struct {
				Tag     string `json:"tag"`
				Content string `json:"content"`
			} `json:"text"`
			Type  string         `json:"type"`
			Value map[string]any `json:"value"`
		} `json:"actions"`
		ImgKey string `json:"img_key"`
		Alt    struct {
			Tag     string `json:"tag"`
			Content string `json:"content"`
		} `json:"alt"`
		PageSize int `json:"page_size"`
		Columns  []struct {
			Name        string `json:"name"`
			DisplayName string `json:"display_name"`
			DataType    string `json:"data_type"`
		} `json:"columns"`
		Rows []map[string]any `json:"rows"`
	} `json:"elements"`
}

var cardTestLink = regexp.MustCompile(`\[[^\[\]\n]*\]\(([^()\s]*)\)`)

// cardCheck checks what Feishu would refuse, and returns the card decoded.
func cardCheck(t *testing.T, s string) cardTestCard {
	t.Helper()
	if len(s) > MaxCardBytes {
		t.Errorf("card of %d bytes, more than %d", len(s), MaxCardBytes)
	}
	if !utf8.ValidString(s) || !json.Valid([]byte(s)) {
		t.Fatalf("not valid UTF-8 JSON: %.200q", s)
	}
	var c cardTestCard
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		t.Fatal(err)
	}
	if c.Config.UpdateMulti == nil || !*c.Config.UpdateMulti {
		t.Errorf("update_multi is not true")
	}
	if c.Config.WideScreenMode == nil || !*c.Config.WideScreenMode {
		t.Errorf("wide_screen_mode is not true")
	}
	if len(c.Elements) == 0 {
		t.Errorf("no elements")
	}
	for i, e := range c.Elements {
		switch e.Tag {
		case "markdown":
			if strings.TrimSpace(e.Content) == "" {
				t.Errorf("element %d: empty markdown", i)
			}
			if n := utf8.RuneCountInString(e.Content); n > cardMaxMarkdownRunes {
				t.Errorf("element %d: markdown of %d runes", i, n)
			}
			if strings.ContainsAny(e.Content, "<>") {
				t.Errorf("element %d: a raw < or > could make a tag: %.200q", i, e.Content)
			}
			links := cardTestLink.FindAllStringSubmatch(e.Content, -1)
			if n := strings.Count(e.Content, "]("); n != len(links) {
				t.Errorf("element %d: %d \"](\" but %d whole links: %q", i, n, len(links), e.Content)
			}
			for _, l := range links {
				if !strings.HasPrefix(l[1], "http://") && !strings.HasPrefix(l[1], "https://") {
					t.Errorf("element %d: link to %q", i, l[1])
				}
			}
		case "note":
			if len(e.Elements) == 0 {
				t.Errorf("element %d: empty note", i)
			}
			for _, x := range e.Elements {
				if x.Tag != "plain_text" || strings.TrimSpace(x.Content) == "" {
					t.Errorf("element %d: bad note text %+v", i, x)
				}
			}
		case "table": // the table component's documented shape (JSON 1.0)
			if e.PageSize < 1 || e.PageSize > 10 || len(e.Columns) == 0 || len(e.Columns) > 50 || len(e.Rows) == 0 {
				t.Errorf("element %d: bad table: page_size %d, %d columns, %d rows", i, e.PageSize, len(e.Columns), len(e.Rows))
			}
			names := map[string]bool{}
			for _, col := range e.Columns {
				names[col.Name] = col.Name != "" && col.DataType == "text"
			}
			for _, row := range e.Rows {
				for k := range row {
					if !names[k] {
						t.Errorf("element %d: a row's cell %q is in no text column", i, k)
					}
				}
			}
		case "img":
			if e.ImgKey == "" || e.Alt.Tag != "plain_text" {
				t.Errorf("element %d: bad image %+v", i, e)
			}
		case "hr":
		case "action":
			if len(e.Actions) == 0 {
				t.Errorf("element %d: action without buttons", i)
			}
			for _, a := range e.Actions {
				if a.Tag != "button" || a.Text.Tag != "plain_text" || a.Text.Content == "" || a.Value == nil {
					t.Errorf("element %d: bad button %+v", i, a)
				}
			}
		default:
			t.Errorf("element %d: unexpected tag %q", i, e.Tag)
		}
	}
	return c
}

// cardTestMarkdowns are the contents of the markdown elements.
func cardTestMarkdowns(c cardTestCard) []string {
	var out []string
	for _, e := range c.Elements {
		if e.Tag == "markdown" {
			out = append(out, e.Content)
		}
	}
	return out
}

// cardTestNotes are the texts of the notes.
func cardTestNotes(c cardTestCard) []string {
	var out []string
	for _, e := range c.Elements {
		for _, x := range e.Elements {
			out = append(out, x.Content)
		}
	}
	return out
}

// cardTestVotes are the values of the buttons.
func cardTestVotes(c cardTestCard) []map[string]any {
	var out []map[string]any
	for _, e := range c.Elements {
		for _, a := range e.Actions {
			out = append(out, a.Value)
		}
	}
	return out
}

// cardTestSources is the sources' lines, and whether a heading started them.
func cardTestSources(c cardTestCard, heading string) (lines []string, ok bool) {
	in := false
	for _, e := range c.Elements {
		if e.Tag != "markdown" {
			continue
		}
		if strings.HasPrefix(e.Content, heading+"\n") {
			in, ok = true, true
			lines = append(lines, strings.Split(e.Content, "\n")[1:]...)
			continue
		}
		if in {
			lines = append(lines, strings.Split(e.Content, "\n")...)
		}
	}
	return lines, ok
}

func cardTestCitations(n int) []answer.Citation {
	cs := make([]answer.Citation, n)
	for i := range cs {
		cs[i] = answer.Citation{
			N:         i + 1,
			Title:     fmt.Sprintf("第 %d 篇：美联储维持利率不变，市场押注年内降息两次（%s）", i+1, strings.Repeat("长标题", 10)),
			URL:       fmt.Sprintf("https://example.com/articles/2025/03/%d/fed-holds-rates-steady-and-markets-bet-on-two-cuts?utm_source=feed&id=%d", i, i),
			Source:    "Reuters",
			Published: cardTestDate("2025-03-20"),
		}
	}
	return cs
}

func cardTestLongTexts() map[string]string {
	var en strings.Builder
	for i := 0; en.Len() < 60000; i++ {
		fmt.Fprintf(&en, "Paragraph %d: oil prices rose [1] as **OPEC+** extended cuts; see [the report](https://example.com/r/%d) for details. Analysts expect <more> volatility & \"quotes\" \\ too.\n\n", i, i)
	}
	return map[string]string{
		"en_paragraphs": en.String(),
		"zh_no_breaks":  strings.Repeat("美联储维持利率不变但下调增长预期", 60000/16),
		"angles":        strings.Repeat("<", 60000),
		"json_escapes":  strings.Repeat("\"\\", 30000),
		"links":         strings.Repeat("see [a long link label](https://example.com/path/to/article) now ", 60000/65),
		"quote":         "> " + strings.Repeat("quoted word ", 5000),
	}
}

func TestCardLongAnswer(t *testing.T) {
	for name, text := range cardTestLongTexts() {
		for _, lang := range []string{"en", "zh", "zh-Hant"} {
			t.Run(name+"_"+lang, func(t *testing.T) {
				w := cardWordsFor(lang)
				s := Card(bot.Reply{Lang: lang, Text: text, Citations: cardTestCitations(3), Notices: []string{"A notice."}}, "ans-1")
				c := cardCheck(t, s)
				if len(s) < MaxCardBytes*3/4 {
					t.Errorf("card of %d bytes: the answer should fill it", len(s))
				}
				if cardTestNotes(c)[0] != "⚠️ A notice." {
					t.Errorf("notice not first: %q", cardTestNotes(c))
				}
				if !strings.Contains(strings.Join(cardTestNotes(c), "\n"), w.truncated) {
					t.Errorf("no truncation note")
				}
				lines, ok := cardTestSources(c, w.sources)
				if !ok || len(lines) != 3 {
					t.Errorf("sources: %v %q", ok, lines)
				}
				if len(cardTestVotes(c)) != 2 {
					t.Errorf("no feedback buttons")
				}
				md := cardTestMarkdowns(c)
				if name == "quote" {
					for _, m := range md[:len(md)-1] {
						if !strings.HasPrefix(m, cardQuote) {
							t.Errorf("a piece of the quote is not a quote: %.40q", m)
						}
					}
				}
				if last := md[len(md)-2]; !strings.HasSuffix(last, "…") && name != "en_paragraphs" {
					t.Errorf("the cut piece does not end with an ellipsis: %q", last[max(0, len(last)-40):])
				}
			})
		}
	}
}

func TestCardSplit(t *testing.T) {
	for name, text := range cardTestLongTexts() {
		t.Run(name, func(t *testing.T) {
			md := cardMarkdown(text)
			pieces := cardSplit(md, cardMaxMarkdownRunes)
			if len(pieces) < 2 {
				t.Fatalf("%d pieces", len(pieces))
			}
			for _, p := range pieces {
				if strings.TrimSpace(p) == "" || utf8.RuneCountInString(p) > cardMaxMarkdownRunes || !utf8.ValidString(p) {
					t.Errorf("bad piece of %d runes: %.40q", utf8.RuneCountInString(p), p)
				}
				if strings.Count(p, "](") != len(cardTestLink.FindAllString(p, -1)) {
					t.Errorf("a link is cut: %q…%q", p[:min(len(p), 80)], p[max(0, len(p)-80):])
				}
				for _, e := range []string{"&", "&l", "&lt", "&g", "&gt"} {
					if strings.HasSuffix(p, e) {
						t.Errorf("an entity is cut: %q", p[max(0, len(p)-10):])
					}
				}
			}
			// Nothing is lost but the spaces at the cuts (and the quote marks carried over).
			squash := func(s string) string {
				return strings.Join(strings.Fields(strings.ReplaceAll(s, cardQuote, "")), "")
			}
			if got, want := squash(strings.Join(pieces, "")), squash(md); got != want {
				t.Errorf("the pieces do not add up to the text")
			}
		})
	}
}

func TestCardCutsAtBreaks(t *testing.T) {
	para := strings.Repeat("Oil rose. ", 150) // 1,500 runes
	pieces := cardSplit(cardMarkdown(para+"\n\n"+para), cardMaxMarkdownRunes)
	if len(pieces) != 2 || pieces[0] != strings.TrimSpace(para) {
		t.Errorf("not split at the paragraph break: %d pieces", len(pieces))
	}
	pieces = cardSplit(cardMarkdown(para+para), cardMaxMarkdownRunes)
	if len(pieces) != 2 || !strings.HasSuffix(pieces[0], "rose.") {
		t.Errorf("not split at a sentence end: %q", pieces[0][max(0, len(pieces[0])-20):])
	}
	zh := strings.Repeat("美联储维持利率不变。", 150)
	pieces = cardSplit(zh+zh, cardMaxMarkdownRunes)
	if len(pieces) != 2 || !strings.HasSuffix(pieces[0], "。") {
		t.Errorf("not split at a Chinese full stop")
	}
}

func TestCardManySources(t *testing.T) {
	for _, lang := range []string{"en", "zh", "zh-Hant"} {
		t.Run(lang, func(t *testing.T) {
			w := cardWordsFor(lang)
			s := Card(bot.Reply{Lang: lang, Text: "Rates were held [1]. " + strings.Repeat("More text here. ", 3000), Citations: cardTestCitations(200)}, "ans-2")
			c := cardCheck(t, s)
			lines, ok := cardTestSources(c, w.sources)
			if !ok || len(lines) < 10 {
				t.Fatalf("sources: %v, %d lines", ok, len(lines))
			}
			more := lines[len(lines)-1]
			re := regexp.MustCompile("^" + strings.Replace(regexp.QuoteMeta(w.more), "%d", `(\d+)`, 1) + "$")
			m := re.FindStringSubmatch(more)
			if m == nil {
				t.Fatalf("last line %q is not %q", more, w.more)
			}
			n, _ := strconv.Atoi(m[1])
			if listed := len(lines) - 1; listed+n != 200 {
				t.Errorf("%d listed and %d more, not 200", listed, n)
			}
			for i, l := range lines[:len(lines)-1] {
				if !strings.HasPrefix(l, fmt.Sprintf("[%d] [第 %d 篇", i+1, i+1)) || !strings.HasSuffix(l, " · Reuters · 2025-03-20") {
					t.Errorf("line %d: %q", i, l)
				}
			}
			if len(cardTestVotes(c)) != 2 {
				t.Errorf("no feedback buttons")
			}
			if md := cardTestMarkdowns(c); !strings.HasPrefix(md[0], "Rates were held [1].") {
				t.Errorf("the answer is missing")
			}
		})
	}
}

func TestCardFeedbackVoteRoundTrip(t *testing.T) {
	for _, lang := range []string{"en", "zh", "zh-Hant"} {
		id := "0123456789abcdef01234567"
		c := cardCheck(t, Card(bot.Reply{Lang: lang, Text: "x"}, id))
		votes := cardTestVotes(c)
		if len(votes) != 2 {
			t.Fatalf("%s: %d buttons", lang, len(votes))
		}
		for i, want := range []int{1, -1} {
			got, vote, ok := FeedbackVote(votes[i])
			if !ok || got != id || vote != want {
				t.Errorf("%s: button %d gives %q %d %v", lang, i, got, vote, ok)
			}
		}
	}
	w := cardWordsFor("zh-Hant")
	c := cardCheck(t, Card(bot.Reply{Lang: "zh-Hant", Text: "x"}, "a"))
	if b := c.Elements[len(c.Elements)-1].Actions; b[0].Text.Content != w.up || b[1].Text.Content != w.down || w.up != "👍 有幫助" {
		t.Errorf("zh-Hant buttons: %+v", b)
	}
	if v := cardTestVotes(cardCheck(t, Card(bot.Reply{Lang: "en", Text: "x"}, ""))); len(v) != 0 {
		t.Errorf("buttons without an answer id")
	}
}

func TestCardFeedbackVoteValues(t *testing.T) {
	good := []struct {
		value map[string]any
		vote  int
	}{
		{map[string]any{"marketbot": "feedback", "answer": "a1", "vote": float64(1)}, 1},
		{map[string]any{"marketbot": "feedback", "answer": "a1", "vote": float64(-1)}, -1},
		{map[string]any{"marketbot": "feedback", "answer": "a1", "vote": "1"}, 1},
		{map[string]any{"marketbot": "feedback", "answer": "a1", "vote": "-1"}, -1},
		{map[string]any{"marketbot": "feedback", "answer": "a1", "vote": 1}, 1},
		{map[string]any{"marketbot": "feedback", "answer": "a1", "vote": json.Number("-1")}, -1},
	}
	for _, g := range good {
		id, vote, ok := FeedbackVote(g.value)
		if !ok || id != "a1" || vote != g.vote {
			t.Errorf("FeedbackVote(%v) = %q, %d, %v", g.value, id, vote, ok)
		}
	}
	bad := []map[string]any{
		nil,
		{},
		{"answer": "a1", "vote": float64(1)},
		{"marketbot": "other", "answer": "a1", "vote": float64(1)},
		{"marketbot": "feedback", "vote": float64(1)},
		{"marketbot": "feedback", "answer": "", "vote": float64(1)},
		{"marketbot": "feedback", "answer": float64(7), "vote": float64(1)},
		{"marketbot": "feedback", "answer": "a1"},
		{"marketbot": "feedback", "answer": "a1", "vote": float64(0)},
		{"marketbot": "feedback", "answer": "a1", "vote": float64(2)},
		{"marketbot": "feedback", "answer": "a1", "vote": 0.5},
		{"marketbot": "feedback", "answer": "a1", "vote": "yes"},
		{"marketbot": "feedback", "answer": "a1", "vote": true},
		{"marketbot": "feedback", "answer": "a1", "vote": nil},
	}
	for _, b := range bad {
		if id, vote, ok := FeedbackVote(b); ok || id != "" || vote != 0 {
			t.Errorf("FeedbackVote(%v) = %q, %d, %v; want it refused", b, id, vote, ok)
		}
	}
}

func TestCardProgress(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < 60000; i++ {
		fmt.Fprintf(&b, "段落 %d：美联储维持利率不变[1]，市场押注年内降息两次。\n\n", i)
	}
	b.WriteString("THE END")
	s := ProgressCard(b.String(), "zh")
	c := cardCheck(t, s)
	md := cardTestMarkdowns(c)
	if md[0] != "…" || !strings.HasSuffix(md[len(md)-1], "THE END") {
		t.Errorf("the end is not kept: first %.20q, last %.20q", md[0], md[len(md)-1])
	}
	if len(s) < MaxCardBytes*3/4 {
		t.Errorf("card of %d bytes: the text should fill it", len(s))
	}
	if notes := cardTestNotes(c); len(notes) != 1 || notes[0] != "✍️ 正在撰写…" || c.Elements[len(c.Elements)-1].Tag != "note" {
		t.Errorf("notes %q", notes)
	}
	// No text yet: the model is thinking, and the card says so.
	if got, want := ProgressCard(" \n ", "en"), PlaceholderCard("💭 Thinking…"); got != want {
		t.Errorf("empty progress = %s, want the thinking placeholder %s", got, want)
	}
	c = cardCheck(t, ProgressCard("short", "zh-Hant"))
	if md := cardTestMarkdowns(c); len(md) != 1 || md[0] != "short" || cardTestNotes(c)[0] != "✍️ 正在撰寫…" {
		t.Errorf("short progress: %+v", c.Elements)
	}
}

func TestCardEmptyAndInvalid(t *testing.T) {
	c := cardCheck(t, Card(bot.Reply{}, ""))
	if md := cardTestMarkdowns(c); len(md) != 1 || md[0] != "…" {
		t.Errorf("empty reply: %+v", c.Elements)
	}
	c = cardCheck(t, Card(bot.Reply{Text: " \n\n "}, "id"))
	if md := cardTestMarkdowns(c); len(md) != 1 || md[0] != "…" || len(cardTestVotes(c)) != 2 {
		t.Errorf("blank reply: %+v", c.Elements)
	}
	c = cardCheck(t, Card(bot.Reply{Text: "#\n>\n---", Notices: []string{" ", "\x00"}}, ""))
	for _, m := range cardTestMarkdowns(c) {
		if strings.TrimSpace(m) == "" {
			t.Errorf("blank markdown")
		}
	}
	s := Card(bot.Reply{
		Lang:      "en",
		Text:      "bad \xff\xfe bytes\x00 and \x1b[31mcolour\r\nnext \u2028 line",
		Notices:   []string{"notice \xff"},
		Citations: []answer.Citation{{N: 1, Title: "title \xff", URL: "https://example.com/\xff", Source: "src\xc3"}},
	}, "id\xff")
	c = cardCheck(t, s)
	if md := cardTestMarkdowns(c); !strings.Contains(md[0], "bad \uFFFD") || strings.Contains(md[0], "\x1b") {
		t.Errorf("invalid input: %q", md[0])
	}
	c = cardCheck(t, PlaceholderCard(""))
	if cardTestNotes(c)[0] != "…" {
		t.Errorf("empty placeholder: %+v", c.Elements)
	}
	cardCheck(t, PlaceholderCard(strings.Repeat("长", 50000)))
}

func TestCardMarkdown(t *testing.T) {
	cases := []struct{ in, want string }{
		{"> quoted [1]", "▎quoted [1]"},
		{">> nested", "▎nested"},
		{"  > indented quote", "▎indented quote"},
		{"# Title", "**Title**"},
		{"### **Bold** title ###", "**Bold title**"},
		{"* item\n+ item\n- item", "- item\n- item\n- item"},
		{"<at id=all></at>", "&lt;at id=all&gt;&lt;/at&gt;"},
		{"<font color=red>x</font>", "&lt;font color=red&gt;x&lt;/font&gt;"},
		{"[text](https://a.example/b_(c))", "[text](https://a.example/b_%28c%29)"},
		{"[[1] nested](https://a.example)", "[［1］ nested](https://a.example)"},
		{"[bad](javascript:alert(1))", "[bad] (javascript:alert(1))"},
		{"[1](2)", "[1] (2)"},
		{"![img](https://a.example/i.png)", "[img](https://a.example/i.png)"},
		{"<https://a.example/x>", "[https://a.example/x](https://a.example/x)"},
		{"a < b & c > d", "a &lt; b & c &gt; d"},
		{"***", "──────────"},
		{"\n\n  text  \n\n", "  text"},
	}
	for _, c := range cases {
		if got := cardMarkdown(c.in); got != c.want {
			t.Errorf("cardMarkdown(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
