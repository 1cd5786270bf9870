package pricefact

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/marketbot/marketbot/corpus"
)

func aliases(t *testing.T) *corpus.Aliases {
	t.Helper()
	a, err := corpus.DefaultAliases()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func day(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }

// brief is a fact without its quote, for comparing.
type brief struct {
	Model, Kind, Currency string
	PerMillion            float64
	Date                  string
}

func briefs(fs []Fact) []brief {
	var out []brief
	for _, f := range fs {
		out = append(out, brief{f.Model, f.Kind, f.Currency, f.PerMillion, f.Date.Format(time.DateOnly)})
	}
	return out
}

// TestExtractRealSentences reads sentences as the pack and the news write
// them, in both languages.
func TestExtractRealSentences(t *testing.T) {
	a := aliases(t)
	pub := day("2024-06-01")
	for _, tc := range []struct {
		title, text string
		want        []brief
	}{
		{"DeepSeek releases open-weight DeepSeek-V2 and prices its API at 1 yuan per million input tokens",
			"The company put the API price at 1 yuan per million input tokens, roughly $0.14, and twice that for output tokens.",
			[]brief{{"deepseek-v2", Input, "CNY", 1, "2024-06-01"}}},
		{"字节跳动豆包大模型正式发布，主力模型定价0.0008元/千Tokens",
			"火山引擎总裁谭待宣布，豆包通用模型pro的32k版本推理输入定价为0.0008元/千Tokens，即每千Tokens 0.8厘，火山引擎称比行业价格低99.3%。",
			[]brief{{"doubao-pro", Input, "CNY", 0.8, "2024-06-01"}}},
		{"OpenAI launches GPT-4o mini at $0.15 per million input tokens",
			"It costs $0.15 per million input tokens and $0.60 per million output tokens, which OpenAI said was more than 60% cheaper than GPT-3.5 Turbo.",
			[]brief{{"gpt-4o-mini", Input, "USD", 0.15, "2024-06-01"}, {"gpt-4o-mini", Output, "USD", 0.6, "2024-06-01"}}},
		{"OpenAI launches GPT-5",
			"GPT-5 costs $1.25 per million input tokens and $10 per million output tokens, with cached input at $0.125; GPT-5 mini costs $0.25 and $2.",
			[]brief{{"gpt-5", Input, "USD", 1.25, "2024-06-01"}, {"gpt-5", Output, "USD", 10, "2024-06-01"}}},
		{"OpenAI launches GPT-4o mini",
			"GPT-4 had launched in March 2023 at $30 per million input tokens for its 8K version, and GPT-4o came out in May 2024 at $5.",
			[]brief{{"gpt-4", Input, "USD", 30, "2023-03-01"}}},
		{"DeepSeek-R1 发布",
			"R1在DeepSeek官方平台的标价为每百万输入tokens 4元、每百万输出tokens 16元。",
			nil}, // "R1" alone names no model the table knows
		{"DeepSeek-R1 发布",
			"DeepSeek-R1在官方平台的标价为每百万输入tokens 4元、每百万输出tokens 16元。",
			[]brief{{"deepseek-r1", Input, "CNY", 4, "2024-06-01"}, {"deepseek-r1", Output, "CNY", 16, "2024-06-01"}}},
		{"Anthropic releases Claude 3.5 Sonnet",
			"On June 20, 2024, Claude 3.5 Sonnet was priced at $3 per million input tokens and $15 per million output tokens.",
			[]brief{{"claude-3-5-sonnet", Input, "USD", 3, "2024-06-20"}, {"claude-3-5-sonnet", Output, "USD", 15, "2024-06-20"}}},
		{"GPT-4o", "OpenAI priced gpt-4o output at $10 per 1M tokens.",
			[]brief{{"gpt-4o", Output, "USD", 10, "2024-06-01"}}},
		{"DeepSeek", "DeepSeek-V3 costs 0.5 yuan per million input tokens on cache hits.",
			[]brief{{"deepseek-v3", CachedInput, "CNY", 0.5, "2024-06-01"}}},
		// The kind said after the price; a date without its year.
		{"", "2024年5月15日，火山引擎公布豆包主力模型0.0008元/千Tokens的输入价格。",
			[]brief{{"doubao", Input, "CNY", 0.8, "2024-05-15"}}},
		{"", "这距离豆包大模型在5月15日发布、主力模型以0.0008元/千Tokens定价不到一周。",
			[]brief{{"doubao", Unspecified, "CNY", 0.8, "2024-05-15"}}},
		// A date after the price is not when it took effect.
		{"OpenAI o3-mini", "In the API, o3-mini costs $1.10 per million input tokens and has a knowledge cutoff of October 2023.",
			[]brief{{"openai-o3", Input, "USD", 1.1, "2024-06-01"}}},
		// A price qualifies the model it comes before ("…的豆包视觉理解模型"),
		// not the product named before it; one the table does not name
		// exactly is no one's.
		{"", "2024年12月18日，火山引擎升级豆包Pro，并推出输入价格为每千tokens 3厘的豆包视觉理解模型。",
			[]brief{{"doubao-vision", Input, "CNY", 3, "2024-12-18"}}},
		{"", "2024年12月18日，火山引擎升级豆包Pro，并推出输入价格为每千tokens 3厘的豆包图像新模型。", nil},
		// The market's price, compared with the title's model, is not
		// the model's.
		{"字节跳动豆包大模型正式发布", "而当时市面上同规格模型的价格一般在0.12元/千Tokens左右，是豆包的150倍。", nil},
	} {
		got := briefs(Extract(tc.text, tc.title, pub, a))
		if d := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.text, d)
		}
	}
}

// TestNoPriceWithoutTokens: amounts that are not API prices per tokens —
// market sizes, funding, revenue, storage and per-image fees, counts of
// tokens, an old price cut from — yield nothing.
func TestNoPriceWithoutTokens(t *testing.T) {
	a := aliases(t)
	for _, text := range []string{
		"OpenAI raised $6.6 billion at a $157 billion valuation.",
		"阿里云2024财年营收为1063亿元。",
		"中国大模型市场规模预计达到200亿元。",
		"Anthropic raised $3.5 billion in its Series E.",
		"Kimi的Cache存储费用由每百万tokens每分钟10元降至5元。",
		"创建Cache时按其中的tokens计费，每百万tokens 24元。",
		"1元钱可以买到主力模型的125万Tokens。",
		"DeepSeek-V2 supports a context window of 128,000 tokens and was trained on 8.1 trillion tokens.",
		"字节、阿里和百度在一周之内先后给出了每百万tokens输入0.8元、0.5元和免费的报价。",
	} {
		if got := Extract(text, "DeepSeek releases DeepSeek-V2", day("2024-06-01"), a); len(got) != 0 {
			t.Errorf("%s: %v, want no price", text, briefs(got))
		}
	}
}

func TestOldPriceIsNotThePrice(t *testing.T) {
	got := briefs(Extract("阿里云称对标GPT-4级别的主力模型Qwen，API输入价格由0.02元/千tokens降至0.0005元/千tokens，降幅达97%，折合每百万tokens 0.5元。",
		"", day("2024-05-21"), aliases(t)))
	want := []brief{{"qwen", Input, "CNY", 0.5, "2024-05-21"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestQuoteIsTheSentence(t *testing.T) {
	text := "GPT-4o mini launched in July.  It costs $0.15 per million\ninput tokens. It reads images."
	fs := Extract(text, "OpenAI launches GPT-4o mini", day("2024-07-18"), aliases(t))
	if len(fs) != 1 || fs[0].Quote != "It costs $0.15 per million input tokens." {
		t.Fatalf("facts %+v, want one quoting its sentence", fs)
	}
}
