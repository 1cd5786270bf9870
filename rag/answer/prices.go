package answer

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/corpus/pricefact"
	"github.com/marketbot/marketbot/rag/prices"
	"github.com/marketbot/marketbot/rag/store"
	"golang.org/x/text/width"
)

// Prices compared: a question that compares API prices ("DeepSeek和豆包哪个
// 便宜？", "cheapest model per million input tokens?") is answered with the
// table of the models it names (all, when it names none): offline the
// table is the answer; a language model gets it as the passages it must
// cite, and the table follows its answer.

// PriceTables builds price tables; *prices.Tables is one.
type PriceTables interface {
	Table(ctx context.Context, q prices.Query) (prices.Table, error)
}

// comparing says a question compares prices: which is cheaper, the
// cheapest, prices compared or set against each other.
var comparing = regexp.MustCompile(`(?i)(?:哪个|哪個|哪家|哪款|谁|誰)[^？?。]{0,8}(?:更|最)?(?:便宜|贵|貴|划算|劃算)|(?:便宜|贵|貴)[^？?。]{0,4}(?:哪个|哪個|哪家)|最便宜的(?:是|模型)|(?:价格|價格)(?:对比|對比|比较|比較|排行)|(?:比较|比較|对比|對比)[^？?。]{0,12}(?:价格|價格)|\bwhich\b[^?]*\b(?:cheaper|pricier|(?:more|less) expensive)\b|\b(?:cheaper|pricier|(?:more|less) expensive) than\b|\bcheapest\b|\bcompar\w*\b[^?]{0,40}\bpric|\bpric\w*\b[^?]{0,30}\bcompar|\bvs\.?\b[^?]*\bpric|\bpric\w*\b[^?]*\bvs\.?\b`)

// comparesPrices reports whether a question compares prices.
func comparesPrices(question string) bool { return comparing.MatchString(question) }

// answerPrices answers a question comparing prices with the table, if the
// store states any price of the models it names; ok is false otherwise.
func (a *Answerer) answerPrices(ctx context.Context, ans Answer) (_ Answer, ok bool, err error) {
	q := prices.Query{Models: comparedModels(a.search.Aliases().Match(ans.Standalone))}
	t, err := a.opt.Prices.Table(ctx, q)
	if err != nil || len(t.Rows) == 0 {
		return ans, false, err
	}
	text, table, cites := PriceTable(t, ans.Lang)
	ans.Table = table
	if a.model == nil {
		ans.Text, ans.Citations, ans.Fallback = text, cites, true
		return ans, true, nil
	}
	passages := make([]store.Passage, len(t.Sources))
	for i, s := range t.Sources {
		var quotes []string
		for _, r := range t.Rows {
			if r.Source == i+1 && !strings.Contains(strings.Join(quotes, "\n"), r.Quote) {
				quotes = append(quotes, r.Quote)
			}
		}
		passages[i] = store.Passage{ArticleID: s.ArticleID, Title: s.Title, URL: s.URL, Path: s.Path, Source: s.Source,
			Published: s.Published, Summary: s.Summary, SourceKind: s.SourceKind, Text: strings.Join(quotes, "\n")}
	}
	reply, err := a.model.Chat(ctx, answerPrompt(ans.Standalone, ans.Lang, passages), nil)
	c := CheckCitations(reply, passages, a.search.Aliases())
	if err != nil || c.Text == "" {
		ans.Text, ans.Citations, ans.Fallback = text, cites, true
		return ans, true, nil
	}
	// Number the sources as the answer cites them, then the others; the
	// table's source column follows.
	order := append([]int(nil), c.Cited...)
	for i := range passages {
		if !slices.Contains(order, i) {
			order = append(order, i)
		}
	}
	renumber := map[string]string{}
	ans.Citations = nil
	for n, i := range order {
		ans.Citations = append(ans.Citations, Cite(passages[i], n+1))
		renumber[fmt.Sprintf("[%d]", i+1)] = fmt.Sprintf("[%d]", n+1)
	}
	last := len(table.Header) - 1
	for _, row := range table.Rows {
		row[last] = renumber[row[last]]
	}
	ans.Text, ans.Removed = c.Text, c.Removed
	return ans, true, nil
}

// comparedModels names what a question compares: the models and products
// it names, and the companies whose models it does not (DeepSeek in
// "DeepSeek和豆包哪个便宜？"); none for all.
func comparedModels(named []corpus.Entity) []string {
	var out []string
	for _, e := range named {
		switch e.Type {
		case "model", "product":
			out = append(out, e.Names[0])
		case "company":
			if !slices.ContainsFunc(named, func(m corpus.Entity) bool { return m.Vendor == e.ID }) {
				out = append(out, e.Names[0])
			}
		}
	}
	return out
}

// PriceTable renders a price table for a reader in lang: a line saying
// what it shows, the table (its last column the source's number), and the
// sources numbered as cited.
func PriceTable(t prices.Table, lang string) (text string, table *Table, cites []Citation) {
	zh := strings.HasPrefix(lang, "zh")
	var lines []string
	for _, name := range t.Unknown {
		if zh {
			lines = append(lines, fmt.Sprintf("资料里没有名为“%s”的模型。", name))
		} else {
			lines = append(lines, fmt.Sprintf("My sources name no model %q.", name))
		}
	}
	switch {
	case len(t.Rows) == 0 && zh:
		lines = append(lines, "资料里没有找到相关的API价格。")
	case len(t.Rows) == 0:
		lines = append(lines, "I found no API prices for that in my sources.")
	case zh:
		lines = append(lines, "各模型的API价格（每百万tokens，按来源所述币种，不作换算；每个模型最新的输入与输出价格）：")
	default:
		lines = append(lines, "API prices per million tokens, in the currency each source states (never converted): each model's latest input and output price.")
	}
	text = strings.Join(lines, "\n")
	if len(t.Rows) == 0 {
		return text, nil, nil
	}
	table = &Table{Header: []string{"Model", "Vendor", "Kind", "Per 1M tokens", "Date", "Source"}}
	if zh {
		table.Header = []string{"模型", "厂商", "类型", "每百万tokens", "日期", "来源"}
	}
	for _, r := range t.Rows {
		table.Rows = append(table.Rows, []string{r.Model, r.Vendor, kindName(r.Kind, zh), r.String(), r.Date.Format(time.DateOnly), fmt.Sprintf("[%d]", r.Source)})
	}
	for i, s := range t.Sources {
		cites = append(cites, Citation{N: i + 1, Title: s.Title, URL: s.URL, Source: s.Source, Path: s.Path,
			Published: s.Published, Summary: s.Summary, SourceKind: s.SourceKind})
	}
	return text, table, cites
}

// kindName names a kind of tokens for the reader.
func kindName(kind string, zh bool) string {
	if !zh {
		return strings.ReplaceAll(kind, "_", " ")
	}
	return map[string]string{pricefact.Input: "输入", pricefact.Output: "输出", pricefact.CachedInput: "缓存输入", pricefact.Unspecified: "未注明"}[kind]
}

// String renders the table in aligned columns of plain text, for a
// terminal or a text field.
func (t Table) String() string {
	width := make([]int, len(t.Header))
	for _, row := range append([][]string{t.Header}, t.Rows...) {
		for i, c := range row {
			width[i] = max(width[i], displayWidth(c))
		}
	}
	var b strings.Builder
	for _, row := range append([][]string{t.Header}, t.Rows...) {
		for i, c := range row {
			b.WriteString(c)
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", width[i]-displayWidth(c)+2))
			}
		}
		b.WriteString("\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// displayWidth is how many columns s takes in a monospace font: two for a
// wide (Chinese) character.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
