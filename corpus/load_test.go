package corpus

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

func TestLoadTraditionalScrapedMarkdown(t *testing.T) {
	a, err := LoadFile("testdata/traditional-scraped.md")
	if err != nil {
		t.Fatal(err)
	}
	if want := "字節跳動旗下火山引擎降價，豆包大模型進入「釐時代」"; a.Title != want {
		t.Errorf("Title = %q, want %q (Traditional kept for display)", a.Title, want)
	}
	if want := time.Date(2024, 5, 15, 0, 0, 0, 0, time.UTC); !a.Published.Equal(want) {
		t.Errorf("Published = %v, want %v", a.Published, want)
	}
	got := map[string]string{"url": a.URL, "source": a.Source, "lang": a.Lang, "path": a.Path}
	want := map[string]string{"url": "https://example.com/news/2024/05/doubao-price", "source": "科技新報", "lang": "zh-Hant", "path": "testdata/traditional-scraped.md"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("fields (-want +got):\n%s", d)
	}
	if d := cmp.Diff(map[string]string{"author": "王小明", "section": "雲端"}, a.Meta); d != "" {
		t.Errorf("Meta keeps unknown keys (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"字節跳動", "豆包"}, a.Tags); d != "" {
		t.Errorf("Tags (-want +got):\n%s", d)
	}
	for _, keep := range []string{
		"豆包主力模型在企業市場的定價為0.0008元/千Tokens", // gloss and broken tags gone, number whole
		"加速調整業務流程",   // gloss inside a word
		"新的商业模型與此同時", // mojibake repaired, no space between CJK
		"同一個軟體介面",    // Traditional kept
	} {
		if !strings.Contains(a.Text, keep) {
			t.Errorf("text lacks %q:\n%s", keep, a.Text)
		}
	}
	for _, gone := range []string{"chǎng", "diào", "strong>", "<p>", "圖源", "抖音", "如對本稿件", "責任編輯", "æ", "tougao"} {
		if strings.Contains(a.Text, gone) {
			t.Errorf("text still has %q:\n%s", gone, a.Text)
		}
	}
	if n := strings.Count(a.Text, "\n\n") + 1; n != 3 {
		t.Errorf("text has %d paragraphs, want 3:\n%s", n, a.Text)
	}
}

func TestLoadHTML(t *testing.T) {
	a, err := LoadFile("testdata/page.html")
	if err != nil {
		t.Fatal(err)
	}
	if want := "OpenAI launches GPT-4o mini at $0.15 per million input tokens"; a.Title != want {
		t.Errorf("Title = %q, want %q", a.Title, want)
	}
	if a.URL != "https://example.com/tech/gpt-4o-mini" || a.Source != "Example Tech News" || a.Lang != "en" {
		t.Errorf("URL, Source, Lang = %q, %q, %q", a.URL, a.Source, a.Lang)
	}
	if got := a.Published.Format(time.RFC3339); got != "2024-07-18T17:00:00+08:00" {
		t.Errorf("Published = %s, want the zone kept", got)
	}
	if a.Meta["author"] != "Jane Doe" {
		t.Errorf("Meta = %v", a.Meta)
	}
	for _, keep := range []string{
		"OpenAI on Thursday released GPT-4o mini, a small model priced at 15 cents per million input tokens",
		"It supports a context window of 128K tokens.",
	} {
		if !strings.Contains(a.Text, keep) {
			t.Errorf("text lacks %q:\n%s", keep, a.Text)
		}
	}
	for _, gone := range []string{"cookies", "Share on", "Related articles", "Something else", "Subscribe", "tracking code",
		"inline script", "Copyright", "Photo:", "Home", "font-family", "Cloud"} {
		if strings.Contains(a.Text, gone) {
			t.Errorf("text still has %q:\n%s", gone, a.Text)
		}
	}
}

func TestLoadHTMLWithoutArticleUsesBodyAndH1(t *testing.T) {
	page := `<html><head><title>Site name</title></head><body><nav>Menu</nav>
		<h1>Zhipu raises funds</h1><time datetime="2024-12-20">Dec 20</time><p>Zhipu AI raised 3 billion yuan.</p></body></html>`
	a, err := Parse("x.html", []byte(page))
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Site name" {
		t.Errorf("Title = %q: <title> comes first when it does not repeat the h1", a.Title)
	}
	if !strings.Contains(a.Text, "Zhipu AI raised 3 billion yuan.") || strings.Contains(a.Text, "Menu") {
		t.Errorf("Text = %q", a.Text)
	}
	if a.Published.Format(time.DateOnly) != "2024-12-20" {
		t.Errorf("Published = %v, want the <time> date", a.Published)
	}
}

func TestLoadPlainText(t *testing.T) {
	a, err := LoadFile("testdata/plain.txt")
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Moonshot AI raises over $1 billion in round led by Alibaba" {
		t.Errorf("Title = %q", a.Title)
	}
	want := "Moonshot AI, the Beijing start-up behind the Kimi chatbot, raised more than $1 billion in a round led by Alibaba, valuing it at about $2.5 billion.\n\n" +
		"The company said Kimi would support context windows of two million Chinese characters."
	if d := cmp.Diff(want, a.Text); d != "" {
		t.Errorf("Text (-want +got):\n%s", d)
	}
	if a.Lang != "en" || !a.Published.IsZero() {
		t.Errorf("Lang, Published = %q, %v", a.Lang, a.Published)
	}
}

func TestLoadGB18030Text(t *testing.T) {
	src := "月之暗面发布Kimi\n\n月之暗面的Kimi智能助手支持200万字上下文。\n"
	enc, err := simplifiedchinese.GB18030.NewEncoder().String(src)
	if err != nil {
		t.Fatal(err)
	}
	a, err := Parse("gbk.txt", []byte(enc))
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "月之暗面发布Kimi" || a.Text != "月之暗面的Kimi智能助手支持200万字上下文。" || a.Lang != "zh" {
		t.Errorf("got %q / %q / %q", a.Title, a.Text, a.Lang)
	}
}

func TestLoadErrorsNameThePathAndReason(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.md")
	if err := os.WriteFile(empty, []byte("---\ntitle: Nothing\n---\n\n<p></p>\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, reason string }{
		{"testdata/malformed.md", "never closed"},
		{"testdata/bad-date.md", `unrecognised date "the day after tomorrow"`},
		{"testdata/binary.md", "binary"},
		{empty, "no text"},
		{filepath.Join(dir, "missing.md"), "no such file"},
		{"load_test.go", "unsupported format"},
	} {
		_, err := LoadFile(tc.path)
		if err == nil {
			t.Errorf("LoadFile(%s) succeeded", tc.path)
			continue
		}
		if !strings.Contains(err.Error(), tc.path) || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("LoadFile(%s) = %q, want the path and %q", tc.path, err, tc.reason)
		}
	}
	if _, err := LoadFile("load_test.go"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("unsupported file: %v, want ErrUnsupported", err)
	}
}

func TestFrontMatterYAMLErrorHasLine(t *testing.T) {
	_, err := Parse("x.md", []byte("---\ntitle: ok\nurl: [unclosed\n---\nbody\n"))
	if err == nil || !strings.Contains(err.Error(), "line") {
		t.Errorf("err = %v, want a YAML error with its line", err)
	}
}

func TestMarkdownSyntaxRemoved(t *testing.T) {
	src := "---\nlang: en\n---\n# Qwen2.5 released\n\nAlibaba released **Qwen2.5** with [open weights](https://qwenlm.github.io/blog/qwen2.5/).\n\n" +
		"![chart](chart.png)\n\n> Sizes range from 0.5B to 72B.\n\n| Model | Size |\n|---|---|\n| Qwen2.5-72B | 72B |\n\n- item one\n- item two\n"
	a, err := Parse("x.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Qwen2.5 released" {
		t.Errorf("Title = %q, want the first heading", a.Title)
	}
	want := "Alibaba released Qwen2.5 with open weights.\n\nSizes range from 0.5B to 72B.\n\n| Model | Size |\n| Qwen2.5-72B | 72B |\n\n- item one\n- item two"
	if d := cmp.Diff(want, a.Text); d != "" {
		t.Errorf("Text (-want +got):\n%s", d)
	}
}

func TestListFiles(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a.md", "sub/b.txt", "sub/deeper/c.html", ".hidden/d.md", "sub/.e.md", "sub/notes.pdf"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ListFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "a.md"), filepath.Join(dir, "sub/b.txt"), filepath.Join(dir, "sub/deeper/c.html")}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ListFiles (-want +got):\n%s", d)
	}
	if _, err := ListFiles(filepath.Join(dir, "nope")); err == nil {
		t.Error("ListFiles of a missing path succeeded")
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"2025-01-27":                      "2025-01-27T00:00:00Z",
		"2024-07-18T17:00:00+08:00":       "2024-07-18T17:00:00+08:00",
		"Mon, 13 May 2024 17:00:00 +0000": "2024-05-13T17:00:00Z",
		"2025年1月27日":                      "2025-01-27T00:00:00Z",
		"Jan 20, 2025":                    "2025-01-20T00:00:00Z",
		"2023/06/28":                      "2023-06-28T00:00:00Z",
		"2018-04-05T06:00":                "2018-04-05T06:00:00Z",
		"2018-04-05T06:00+08:00":          "2018-04-05T06:00:00+08:00",
	} {
		got, err := ParseDate(in)
		if err != nil || got.Format(time.RFC3339) != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %s", in, got.Format(time.RFC3339), err, want)
		}
	}
	if _, err := ParseDate("2025年13月40日"); err == nil {
		t.Error("impossible date accepted")
	}
}

// TestPublishedFromPageMeta: the date other page metadata carries.
func TestPublishedFromPageMeta(t *testing.T) {
	for _, meta := range []string{
		`<meta name="parsely-pub-date" content="2024-04-20T04:20:00.000Z">`,
		`<meta name="dcterms.date" content="2024-04-20T04:20:00Z">`,
		`<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2024-04-20T04:20"}</script>`,
	} {
		page := `<html><head><title>t</title>` + meta + `</head><body><article><p>The model launched with a price cut of half for every tier.</p></article></body></html>`
		a, err := Parse("p.html", []byte(page))
		if err != nil || a.Published.Format("2006-01-02T15:04") != "2024-04-20T04:20" {
			t.Errorf("%s: published %v, %v", meta, a.Published, err)
		}
	}
}

func TestDetectLang(t *testing.T) {
	for text, want := range map[string]string{
		"DeepSeek released R1 under the MIT license.": "en",
		"深度求索发布DeepSeek-R1推理模型，采用MIT许可证。":             "zh",
		"輝達股價在DeepSeek發布後大跌，市值蒸發數千億美元。":               "zh-Hant",
		"": "en",
	} {
		if got := DetectLang(text); got != want {
			t.Errorf("DetectLang(%q) = %q, want %q", text, got, want)
		}
	}
}

// TestHTMLCharsetWithoutDeclaration: pages in GBK, GB18030 or Big5 that
// declare no charset are read in the encoding their bytes show; UTF-8
// without a declaration too.
func TestHTMLCharsetWithoutDeclaration(t *testing.T) {
	body := strings.Repeat("<p>火山引擎旗下的大模型服务平台火山方舟于二〇二三年六月上线，首批接入多家模型厂商，企业客户可以在同一平台上调用并比较不同的模型。</p>\n", 6)
	trad := strings.Repeat("<p>輝達公布2025財年第四季財報，資料中心營收創下歷史新高，管理層對下一季的展望也優於市場預期。</p>\n", 6)
	for name, tc := range map[string]struct {
		enc  encoding.Encoding
		page string
	}{
		"gbk":     {simplifiedchinese.GBK, body},
		"gb18030": {simplifiedchinese.GB18030, body},
		"big5":    {traditionalchinese.Big5, trad},
		"utf-8":   {nil, body},
	} {
		page := "<html><head><title>t</title></head><body><article>" + tc.page + "</article></body></html>"
		data := []byte(page)
		if tc.enc != nil {
			var err error
			if data, err = tc.enc.NewEncoder().Bytes(data); err != nil {
				t.Fatal(err)
			}
		}
		a, err := Parse(name+".html", data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := "火山方舟于二〇二三年六月上线"
		if tc.page == trad {
			want = "資料中心營收創下歷史新高"
		}
		if !strings.Contains(a.Text, want) {
			t.Errorf("%s without a charset read as:\n%.200s", name, a.Text)
		}
	}
}

// TestPageCharsetFromHTTP: a fetched page is read in the charset its
// Content-Type names, even when its bytes would suggest another.
func TestPageCharsetFromHTTP(t *testing.T) {
	page, err := traditionalchinese.Big5.NewEncoder().Bytes([]byte("<html><body><p>輝達財報優於預期。</p></body></html>"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := ParsePage("https://example.com/tw", page, "text/html; charset=big5")
	if err != nil || !strings.Contains(a.Text, "輝達財報優於預期") || a.Path != "https://example.com/tw" {
		t.Errorf("page = %+v, %v", a, err)
	}
}

// TestMislabelledUTF8: a page whose bytes are UTF-8 is read as UTF-8
// even when its <meta> or HTTP header says gb2312 (saved pages keep the
// site's label), GBK labelled UTF-8 as what its bytes show; a page that
// is not UTF-8 otherwise follows its label.
func TestMislabelledUTF8(t *testing.T) {
	const text = "谷歌在2014年收购的人工智能公司DeepMind开发出一款能够用自己的记忆学习新知识的计算机。"
	page := `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>t</title></head><body><p>` + text + `</p></body></html>`
	for name, contentType := range map[string]string{"meta": "", "header": "text/html; charset=GBK"} {
		a, err := ParsePage("https://example.com/"+name, []byte(page), contentType)
		if err != nil || !strings.Contains(a.Text, text) {
			t.Errorf("%s label gb2312 on UTF-8: %q, %v", name, a.Text, err)
		}
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(strings.ReplaceAll(page, "gb2312", "utf-8")))
	if err != nil {
		t.Fatal(err)
	}
	if a, err := ParsePage("https://example.com/gbk", gbk, "text/html; charset=utf-8"); err != nil || !strings.Contains(a.Text, text) {
		t.Errorf("GBK labelled UTF-8 read as %q, %v", a.Text, err)
	}
	latin, err := charmap.Windows1252.NewEncoder().Bytes([]byte(`<html><head><meta charset="windows-1252"></head><body><p>Café société à Zürich.</p></body></html>`))
	if err != nil {
		t.Fatal(err)
	}
	if a, err := Parse("latin.html", latin); err != nil || !strings.Contains(a.Text, "Café société à Zürich.") {
		t.Errorf("windows-1252 page read as %q, %v", a.Text, err)
	}
}

// TestTitleFromHeadline: the <h1> is the title when it is most of the
// page's <title>, not when it is the site's logo.
func TestTitleFromHeadline(t *testing.T) {
	for _, tc := range []struct{ title, h1, want string }{
		{"DeepMind新电脑已可利用记忆自学_科技_腾讯网", "DeepMind新电脑已可利用记忆自学", "DeepMind新电脑已可利用记忆自学"},
		{"新竹尖石_美樹營地賞楓 (2) @ 史蒂文的家_藍天 :: 痞客邦 PIXNET ::", "痞客邦 PIXNET", "新竹尖石_美樹營地賞楓 (2) @ 史蒂文的家_藍天 :: 痞客邦 PIXNET ::"},
		{"", "Only a headline", "Only a headline"},
	} {
		page := `<html><head><title>` + tc.title + `</title></head><body><h1>` + tc.h1 + `</h1><article><p>The model launched with a price cut of half for every tier.</p></article></body></html>`
		if a, err := Parse("p.html", []byte(page)); err != nil || a.Title != tc.want {
			t.Errorf("title %q, h1 %q: got %q, %v; want %q", tc.title, tc.h1, a.Title, err, tc.want)
		}
	}
}
