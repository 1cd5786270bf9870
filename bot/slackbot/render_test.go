package slackbot

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/marketbot/marketbot/bot"
	"github.com/marketbot/marketbot/rag/answer"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestRenderGolden(t *testing.T) {
	cases := []struct {
		name string
		msg  func() Message
	}{
		{"zh_answer", func() Message {
			return Render(bot.Reply{
				Lang: "zh",
				Text: "## 结论\n\n美联储在 3 月会议上维持利率不变[1]，但**下调了**今年的增长预期[2]。\n\n- 通胀仍高于 2% 的目标[1]\n- 市场预期年内降息两次[3]",
				Citations: []answer.Citation{
					{N: 1, Title: "美联储维持利率不变", URL: "https://example.com/fed?id=1&lang=zh", Source: "财新", Published: date("2025-03-20")},
					{N: 2, Title: "Fed | 经济预测摘要", URL: "https://example.com/sep", Source: "Reuters", Published: date("2025-03-19")},
					{N: 3, Title: "市场押注降息", URL: "", Source: "华尔街见闻"},
				},
			}, "r-123")
		}},
		{"en_fallback", func() Message {
			return Render(bot.Reply{
				Lang:     "en",
				Fallback: true,
				Notices:  []string{"No language model is configured: these are the most relevant passages.", "Results older than 30 days"},
				Text:     "From the articles:\n\n> Oil prices rose 3% on Monday after OPEC+ said it would extend cuts. [1]\n\n> Analysts at Goldman Sachs expect Brent to average $85 & more. [2]",
				Citations: []answer.Citation{
					{N: 1, Title: "Oil jumps as OPEC+ extends cuts", URL: "https://example.com/oil", Source: "Reuters", Published: date("2025-06-02")},
					{N: 2, Title: "Goldman <raises> Brent forecast", URL: "https://example.com/gs", Published: date("2025-06-01")},
				},
			}, "r-456")
		}},
		// Citations of the built-in pack say they are our summaries; an
		// article a user ingested names its source alone.
		{"summary_zh", func() Message {
			return Render(bot.Reply{
				Lang: "zh",
				Text: "火山方舟于2023年6月28日上线[1]，2025年2月接入DeepSeek-R1[2]。",
				Citations: []answer.Citation{
					{N: 1, Title: "火山方舟上线", URL: "https://www.volcengine.com/ark", Source: "火山引擎", Published: date("2023-06-28"), Summary: true, SourceKind: "announcement"},
					{N: 2, Title: "火山方舟上线DeepSeek-R1", URL: "https://example.com/r1", Source: "36氪", Published: date("2025-02-13"), Summary: true, SourceKind: "report"},
					{N: 3, Title: "内部纪要", Source: "我们的研究部", Published: date("2025-02-14")},
				},
			}, "r-321")
		}},
		// A price table: monospace on Slack, the table component on Feishu.
		{"prices_zh", func() Message {
			return Render(bot.Reply{
				Lang: "zh",
				Text: "各模型的API价格（每百万tokens，按来源所述币种，不作换算；每个模型最新的输入与输出价格）：",
				Table: &answer.Table{Header: []string{"模型", "厂商", "类型", "每百万tokens", "日期", "来源"}, Rows: [][]string{
					{"DeepSeek-V2", "DeepSeek", "输入", "1 CNY", "2024-05-06", "[1]"},
					{"Doubao Pro", "ByteDance", "输入", "0.8 CNY", "2024-05-15", "[2]"},
				}},
				Citations: []answer.Citation{
					{N: 1, Title: "DeepSeek-V2发布", URL: "https://example.com/v2", Source: "DeepSeek", Published: date("2024-05-06"), Summary: true, SourceKind: "announcement"},
					{N: 2, Title: "豆包大模型发布", URL: "https://example.com/doubao", Source: "火山引擎", Published: date("2024-05-15")},
				},
			}, "")
		}},
		{"summary_en", func() Message {
			return Render(bot.Reply{
				Lang: "en",
				Text: "OpenAI raised $6.6 billion [1].",
				Citations: []answer.Citation{
					{N: 1, Title: "OpenAI raises $6.6 billion", URL: "https://openai.com/index/scale-the-benefits-of-ai/", Source: "OpenAI", Published: date("2024-10-02"), Summary: true, SourceKind: "announcement"},
				},
			}, "r-654")
		}},
		{"not_found", func() Message {
			return Render(bot.Reply{Lang: "en", NotFound: true, Text: "I found nothing about that in the articles I have."}, "")
		}},
		{"escaping", func() Message {
			return Render(bot.Reply{
				Lang: "en",
				Text: "AT&T says 1 < 2 and 3 > 2. **Important:** see [the report](https://example.com/r?a=1&b=2) or [bad](javascript:alert(1)).\n<script>alert('x')</script> <!channel> <https://evil.example|click>",
			}, "r-789")
		}},
		{"progress", func() Message {
			return RenderProgress("美联储在 3 月会议上**维持**利率不变[1]，\n> 引述 <a>", "zh-Hant")
		}},
		{"placeholder", func() Message {
			return RenderPlaceholder("Searching 1,234 articles…")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := c.msg()
			checkValid(t, m)
			got, err := json.MarshalIndent(map[string]any{"text": m.Text, "blocks": m.Blocks}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "render_"+c.name+".golden.json")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
			}
		})
	}
}

// texts returns every text object of the blocks.
func texts(t *testing.T, blocks []slack.Block) []*slack.TextBlockObject {
	t.Helper()
	var out []*slack.TextBlockObject
	for _, b := range blocks {
		switch b := b.(type) {
		case *slack.SectionBlock:
			if b.Text == nil {
				t.Errorf("section without text")
				continue
			}
			out = append(out, b.Text)
		case *slack.ContextBlock:
			for _, e := range b.ContextElements.Elements {
				tx, ok := e.(*slack.TextBlockObject)
				if !ok {
					t.Errorf("context element %T", e)
					continue
				}
				out = append(out, tx)
			}
		case *slack.ActionBlock:
			for _, e := range b.Elements.ElementSet {
				btn, ok := e.(*slack.ButtonBlockElement)
				if !ok {
					t.Errorf("action element %T", e)
					continue
				}
				out = append(out, btn.Text)
			}
		default:
			t.Errorf("unexpected block %T", b)
		}
	}
	return out
}

// checkValid checks what Slack would reject, and returns the total runes.
func checkValid(t *testing.T, m Message) int {
	t.Helper()
	if len(m.Blocks) == 0 || len(m.Blocks) > maxBlocks {
		t.Errorf("%d blocks", len(m.Blocks))
	}
	if m.Text == "" || !utf8.ValidString(m.Text) || utf8.RuneCountInString(m.Text) > maxFallbackRunes {
		t.Errorf("bad fallback text (%d runes, valid %v)", utf8.RuneCountInString(m.Text), utf8.ValidString(m.Text))
	}
	total := 0
	for _, tx := range texts(t, m.Blocks) {
		if err := tx.Validate(); err != nil {
			t.Errorf("text %.40q: %v", tx.Text, err)
		}
		if strings.TrimSpace(tx.Text) == "" {
			t.Errorf("blank text")
		}
		if !utf8.ValidString(tx.Text) {
			t.Errorf("invalid UTF-8: %.40q", tx.Text)
		}
		if len(tx.Text) >= 3000 {
			t.Errorf("text of %d bytes", len(tx.Text))
		}
		total += utf8.RuneCountInString(tx.Text)
	}
	if total > maxTotalRunes {
		t.Errorf("%d runes in all", total)
	}
	j, err := json.Marshal(map[string]any{"text": m.Text, "blocks": m.Blocks})
	if err != nil || !json.Valid(j) {
		t.Errorf("JSON: %v", err)
	}
	var back struct {
		Blocks slack.Blocks `json:"blocks"`
	}
	if err := json.Unmarshal(j, &back); err != nil || len(back.Blocks.BlockSet) != len(m.Blocks) {
		t.Errorf("JSON does not decode as blocks: %v", err)
	}
	return total
}

func hasText(t *testing.T, m Message, s string) bool {
	for _, tx := range texts(t, m.Blocks) {
		if strings.Contains(tx.Text, s) {
			return true
		}
	}
	return false
}

func hasFeedback(m Message, id string) bool {
	for _, b := range m.Blocks {
		if a, ok := b.(*slack.ActionBlock); ok && a.BlockID == "feedback" && len(a.Elements.ElementSet) == 2 {
			up, _ := a.Elements.ElementSet[0].(*slack.ButtonBlockElement)
			down, _ := a.Elements.ElementSet[1].(*slack.ButtonBlockElement)
			return up != nil && down != nil && up.ActionID == "feedback_up" && down.ActionID == "feedback_down" && up.Value == id && down.Value == id
		}
	}
	return false
}

func citations(n int) []answer.Citation {
	var cs []answer.Citation
	for i := 1; i <= n; i++ {
		cs = append(cs, answer.Citation{
			N:         i,
			Title:     fmt.Sprintf("Article number %d about markets | 市场新闻 %d with a rather long title to fill the line", i, i),
			URL:       fmt.Sprintf("https://news.example.com/2025/06/%02d/markets-article-%d?ref=bot&x=%d", i%28+1, i, i),
			Source:    "Example News",
			Published: date("2025-06-01"),
		})
	}
	return cs
}

func longAnswer() string {
	var b strings.Builder
	b.WriteString("## 概要\n\n市场概况如下[1]。\n\n")
	b.WriteString(strings.Repeat("無空格", 1700)) // 5,100 characters, no spaces or stops
	b.WriteString("\n\n")
	for b.Len() < 35000 {
		b.WriteString("市场在周一走高，投资者押注美联储将在年内降息[1]。Stocks rose on Monday as investors bet on rate cuts, while **bond yields** fell [2]. ")
		if b.Len()%7 == 0 {
			b.WriteString("\n\n")
		}
	}
	b.WriteString("\n\n> 长段引述：" + strings.Repeat("没有空格的长文本", 40) + "。\n\n")
	for utf8.RuneCountInString(b.String()) < 40000 {
		b.WriteString("- A list item with a [link](https://example.com/a?b=c&d=e) and text & symbols < > [3]\n")
		b.WriteString("Another long English paragraph line that keeps going with words and more words. ")
	}
	return b.String()
}

func TestRenderLongAnswer(t *testing.T) {
	text := longAnswer()
	if n := utf8.RuneCountInString(text); n < 40000 {
		t.Fatalf("answer of %d runes", n)
	}
	for _, lang := range []string{"en", "zh", "zh-Hant"} {
		t.Run(lang, func(t *testing.T) {
			m := Render(bot.Reply{Lang: lang, Text: text, Citations: citations(6), Notices: []string{"A notice"}}, "reply-1")
			checkValid(t, m)
			w := wordsFor(lang)
			if !hasText(t, m, w.truncated) {
				t.Errorf("no truncation note")
			}
			if !hasText(t, m, w.sources) || !hasText(t, m, "[6] <https://news.example.com/") {
				t.Errorf("sources missing")
			}
			if !hasFeedback(m, "reply-1") {
				t.Errorf("feedback buttons missing")
			}
			if got := texts(t, m.Blocks)[1].Text; got != "*概要*\n\n市场概况如下[1]。" {
				t.Errorf("first section %.60q, want the first paragraph alone", got)
			}
			if !hasText(t, m, strings.Repeat("無空格", 300)) {
				t.Errorf("the paragraph without spaces is not shown")
			}
			if !hasText(t, m, "⚠️ A notice") {
				t.Errorf("notice missing")
			}
		})
	}
}

func TestRenderManyCitations(t *testing.T) {
	m := Render(bot.Reply{Lang: "en", Text: longAnswer(), Citations: citations(60)}, "x")
	total := checkValid(t, m)
	if !hasText(t, m, "[1] <https://news.example.com/") || !hasText(t, m, "more") {
		t.Errorf("sources missing or not cut")
	}
	if !hasFeedback(m, "x") {
		t.Errorf("feedback buttons missing")
	}
	if !hasText(t, m, "*概要*\n\n市场概况如下[1]。") {
		t.Errorf("the sources left no room for the answer")
	}
	t.Logf("%d blocks, %d runes", len(m.Blocks), total)

	// Short answer: all it needs, and no truncation note.
	m = Render(bot.Reply{Lang: "zh", Text: "简短的回答[1]。", Citations: citations(60)}, "x")
	checkValid(t, m)
	if hasText(t, m, wordsFor("zh").truncated) {
		t.Errorf("short answer marked truncated")
	}
}

func TestRenderEdgeCases(t *testing.T) {
	for name, r := range map[string]bot.Reply{
		"empty":          {},
		"blank":          {Text: " \n\n  \n", Notices: []string{"  "}},
		"only citations": {Citations: []answer.Citation{{N: 1}}},
		"invalid utf8":   {Text: "bad \xff\xfe bytes " + strings.Repeat("\x80", 6000), Citations: []answer.Citation{{N: 1, Title: "t\xff"}}},
		"huge notice":    {Text: "x", Notices: []string{strings.Repeat("警告 & ", 3000)}},
		"huge title":     {Text: "x", Citations: []answer.Citation{{N: 1, Title: strings.Repeat("标题|>", 3000), URL: "https://e.com/" + strings.Repeat("a", 5000)}}},
		"entities":       {Text: strings.Repeat("&", 10000)},
		"quotes":         {Text: strings.Repeat("> "+strings.Repeat("引述", 2000)+"\n", 3)},
	} {
		t.Run(name, func(t *testing.T) {
			m := Render(r, "id")
			checkValid(t, m)
			m = RenderProgress(r.Text, "en")
			checkValid(t, m)
		})
	}
	checkValid(t, RenderPlaceholder(""))
	checkValid(t, RenderPlaceholder(strings.Repeat("长", 5000)))
	if m := Render(bot.Reply{Text: "hi"}, strings.Repeat("x", 3000)); hasFeedback(m, strings.Repeat("x", 3000)) {
		t.Errorf("button value over Slack's limit")
	}
}

func TestRenderProgressKeepsEnd(t *testing.T) {
	text := longAnswer() + "\n\nTHE NEWEST SENTENCE."
	m := RenderProgress(text, "zh")
	total := checkValid(t, m)
	if !hasText(t, m, "THE NEWEST SENTENCE.") {
		t.Errorf("end of the text dropped")
	}
	if hasText(t, m, "市场在周一走高") {
		t.Errorf("start of the text kept")
	}
	if total > maxProgressRunes+100 {
		t.Errorf("%d runes", total)
	}
	last := m.Blocks[len(m.Blocks)-1].(*slack.ContextBlock)
	if got := last.ContextElements.Elements[0].(*slack.TextBlockObject).Text; got != "✍️ 正在撰写…" {
		t.Errorf("context %q", got)
	}
	// No text yet: the model is thinking, and the placeholder says so.
	if m := RenderProgress("", "en"); len(m.Blocks) != 1 || m.Text != "💭 Thinking…" {
		t.Errorf("empty progress: %q in %d blocks", m.Text, len(m.Blocks))
	}
}

func TestMrkdwn(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain [1] text", "plain [1] text"},
		{"**bold** and **粗体**", "*bold* and *粗体*"},
		{"*italic* but 2 * 3 * 4", "_italic_ but 2 * 3 * 4"},
		{"~~gone~~", "~gone~"},
		{"[text](https://e.com/a?b=1&c=2)", "<https://e.com/a?b=1&amp;c=2|text>"},
		{"[a|b > c](https://e.com/x|y)", "<https://e.com/x%7Cy|a¦b &gt; c>"},
		{"[**bold** link](http://e.com)", "<http://e.com|bold link>"},
		{"[x](javascript:alert(1))", "[x](javascript:alert(1))"},
		{"[x](/relative)", "[x](/relative)"},
		{"[wiki](https://en.wikipedia.org/wiki/Go_(game))", "<https://en.wikipedia.org/wiki/Go_(game)|wiki>"},
		{"![chart](https://e.com/c.png)", "<https://e.com/c.png|chart>"},
		{"[1][2] markers", "[1][2] markers"},
		{"# Heading", "*Heading*"},
		{"### **Bold** heading ###", "*Bold heading*"},
		{"#hashtag", "#hashtag"},
		{"> quoted & <b>", "> quoted &amp; &lt;b&gt;"},
		{">no space", "> no space"},
		{"> > nested", "> &gt; nested"},
		{"> - quoted item", "> - quoted item"},
		{"- item\n* star item\n+ plus item", "- item\n- star item\n- plus item"},
		{"  - nested", "  - nested"},
		{"1. first", "1. first"},
		{"---", "──────────"},
		{"use `a < b && **c**`", "use `a &lt; b &amp;&amp; **c**`"},
		{"```go\nif a < b {}\n```", "```\nif a &lt; b {}\n```"},
		{"```\nunclosed", "```\nunclosed\n```"},
		{"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"<https://evil.example|click> <!here> <@U123>", "&lt;https://evil.example|click&gt; &lt;!here&gt; &lt;@U123&gt;"},
		{"a\r\nb", "a\nb"},
		{"unclosed **bold", "unclosed **bold"},
		{"AT&amp;T", "AT&amp;amp;T"},
	} {
		if got := mrkdwn(c.in); got != c.want {
			t.Errorf("mrkdwn(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

func TestSplitMrkdwn(t *testing.T) {
	link := "<https://example.com/" + strings.Repeat("p", 80) + "|a link title with words>"
	for name, s := range map[string]string{
		"links":     strings.Repeat("word "+link+" more words. ", 200),
		"links cjk": strings.Repeat("中文"+link+"。", 200),
		"no breaks": strings.Repeat(link, 100),
		"entities":  strings.Repeat("&amp;&lt;&gt;", 1000),
	} {
		t.Run(name, func(t *testing.T) {
			pieces := splitMrkdwn(s, 500)
			if len(pieces) < 2 {
				t.Fatalf("%d pieces", len(pieces))
			}
			for _, p := range pieces {
				if len(p) > 500 || strings.TrimSpace(p) == "" || !utf8.ValidString(p) {
					t.Errorf("bad piece %q", p)
				}
				if strings.Count(p, "<") != strings.Count(p, ">") || strings.Count(p, "<") != strings.Count(p, link) {
					t.Errorf("link broken in %q", p)
				}
				if strings.Count(p, "&") != strings.Count(p, "&amp;")+strings.Count(p, "&lt;")+strings.Count(p, "&gt;") {
					t.Errorf("entity broken in %q", p)
				}
			}
			if name == "links" || name == "no breaks" {
				if got, want := strings.Count(strings.Join(pieces, ""), link), strings.Count(s, link); got != want {
					t.Errorf("%d links, want %d", got, want)
				}
			}
		})
	}
}

func TestSplitMrkdwnBreaks(t *testing.T) {
	para := strings.Repeat("a", 300)
	for _, c := range []struct {
		name, in string
		want     []string
	}{
		{"paragraph", para + "\n" + para + "\n\n" + para, []string{para + "\n" + para, para}},
		{"line", para + " " + para + "\n" + para, []string{para + " " + para, para}},
		{"sentence", para + ". " + para + " " + para, []string{para + ".", para + " " + para}},
		{"chinese sentence", strings.Repeat("中", 100) + "。" + strings.Repeat("文", 100) + "，" + strings.Repeat("字", 100), []string{strings.Repeat("中", 100) + "。", strings.Repeat("文", 100) + "，" + strings.Repeat("字", 100)}},
		{"space", para + " " + para + " " + para, []string{para + " " + para, para}},
		{"quote", "> " + para + ". " + para + ". " + para, []string{"> " + para + ". " + para + ".", "> " + para}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := splitMrkdwn(c.in, 700)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
