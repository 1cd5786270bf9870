package corpus

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestClean(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"tags and entities", "<p>价格&nbsp;下降&amp;上涨</p><br/>第二段", "价格下降&上涨\n\n第二段"},
		{"escaped markup", "&lt;strong&gt;豆包&lt;/strong&gt;发布", "豆包发布"},
		{"broken tags", "?strong>重要/strong>消息 /p>", "重要消息"},
		{"comparison kept", "price a < b and c > d", "price a < b and c > d"},
		{"pinyin gloss", "市場(chǎng)調(diào)整了(le)", "市場調整了"},
		{"full-width gloss", "銀行（háng）", "銀行"},
		{"english in brackets kept", "模型(model)和字节(long)", "模型(model)和字节(long)"},
		{"image credits", "发布会现场(圖源:抖音)。图（图片来源：网络）文 (Photo: Reuters)", "发布会现场。图文"},
		{"mojibake repaired", "å¤§æ¨¡åž‹ price war", "大模型 price war"},
		{"accents kept", "café in Zürich, Ångström", "café in Zürich, Ångström"},
		{"junk removed", "锟斤拷锟斤拷价格\uFFFD\uFFFD战", "价格战"},
		{"zero width", "Deep\u200bSeek\ufeff", "DeepSeek"},
		{"boilerplate lines", "正文第一句。\n责任编辑：张三\n如對本稿件有異議或投訴，請聯繫我們\n© 2024 Example", "正文第一句。"},
		{"long line mentioning subscription kept", "ChatGPT Plus的订阅价格为每月20美元，企业版另行定价，订阅用户可优先使用新模型。",
			"ChatGPT Plus的订阅价格为每月20美元，企业版另行定价，订阅用户可优先使用新模型。"},
		{"short fact mentioning subscription kept", "订阅价格为每月20美元", "订阅价格为每月20美元"},
		{"hard-wrapped lines joined", "大模型价格\n战开始了。\nThe price\nwar began.", "大模型价格战开始了。 The price war began."},
		{"lists keep lines", "三家公司：\n- 百度\n- 阿里", "三家公司：\n- 百度\n- 阿里"},
		{"spaces between CJK dropped", "大模型  价格   战", "大模型价格战"},
		{"breadcrumb", "首页 > 科技 > 正文\n正文。", "正文。"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, Clean(tc.in)); d != "" {
				t.Errorf("Clean(%q) (-want +got):\n%s", tc.in, d)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"軟體公司", "软件公司"},
		{"市場(chǎng)", "市场"},
		{"ＧＰＴ－４ｏ", "gpt-4o"},
		{"字節跳動", "字节跳动"},
		{"DeepSeek", "deepseek"},
		{"América Móvil", "america movil"}, // typed without accents
		{"Itaú Unibanco", "itau unibanco"},
	} {
		if Normalize(tc.a) != Normalize(tc.b) {
			t.Errorf("Normalize(%q) = %q, Normalize(%q) = %q; want equal", tc.a, Normalize(tc.a), tc.b, Normalize(tc.b))
		}
	}
}

func TestNormalizeKeepsOtherScriptsMarks(t *testing.T) {
	for _, s := range []string{"ガバナンス", "ソフトバンク", "Høyanger"} {
		if got := Normalize(s); got != strings.ToLower(s) {
			t.Errorf("Normalize(%q) = %q", s, got)
		}
	}
}

func TestTokens(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"火山方舟", []string{"火山", "山方", "方舟"}},
		{"字節跳動的豆包", []string{"字节", "节跳", "跳动", "动的", "的豆", "豆包"}},
		{"GPT-4o and GPT4o", []string{"gpt", "4", "o", "gpt", "4", "o"}},
		{"Qwen2.5 costs 0.0008元", []string{"qwen", "2.5", "costs", "0.0008", "元"}},
		{"What is the price of Kimi?", []string{"price", "kimi"}},
		{"「豆」包", []string{"豆", "包"}},
		{"a Series A round, a pre-A one", []string{"series", "a", "round", "pre", "a", "one"}},
		{"A轮融资 and A100, not B轮", []string{"a", "轮融", "融资", "a", "100", "not", "b", "轮"}},
	} {
		if d := cmp.Diff(tc.want, Tokens(tc.in)); d != "" {
			t.Errorf("Tokens(%q) (-want +got):\n%s", tc.in, d)
		}
	}
}

// FuzzClean checks that cleaning never panics, always yields valid UTF-8
// and is idempotent, and that normalising and tokenising any input (as
// questions are) never panics.
func FuzzClean(f *testing.F) {
	for _, s := range []string{
		"市場(chǎng)調(diào)整", "?strong>价格/strong>", "å¤§æ¨¡åž‹", "<p>a</p>\n\nb", "(圖源:抖音)",
		"责任编辑：张三", "\xff\xfe bad bytes", "Ã", "&lt;b&gt;", "- a\n- b", "<!-- x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		Tokens(s)
		out := Clean(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Clean(%q) = %q: invalid UTF-8", s, out)
		}
		if again := Clean(out); again != out {
			t.Fatalf("Clean is not idempotent:\n in: %q\nout: %q\nagain: %q", s, out, again)
		}
		if strings.Contains(out, "\n\n\n") || strings.TrimSpace(out) != out {
			t.Fatalf("Clean(%q) = %q: stray blank lines or spaces", s, out)
		}
	})
}

// TestShortParagraphsAreNoBoilerplate: a short paragraph that mentions a
// QR code or a source is the article's; the label lines are not.
func TestShortParagraphsAreNoBoilerplate(t *testing.T) {
	for line, want := range map[string]bool{
		"市民可扫描二维码在线登记，无需现场排队。": false,
		"该报告来源：国家统计局。":         false,
		"来源：新华社":               true,
		"（来源：人民网）":             true,
		"责任编辑：张三":              true,
		"扫描二维码":                true,
		"分享到：微信 微博":            true,
	} {
		if got := isBoilerplate(line); got != want {
			t.Errorf("isBoilerplate(%q) = %v, want %v", line, got, want)
		}
	}
}
