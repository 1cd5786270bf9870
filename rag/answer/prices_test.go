package answer

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/marketbot/marketbot/rag/llm/llmtest"
	"github.com/marketbot/marketbot/rag/prices"
	"github.com/marketbot/marketbot/rag/store"
)

func TestComparesPrices(t *testing.T) {
	for q, want := range map[string]bool{
		"DeepSeek和豆包哪个便宜？":                                     true,
		"What is the cheapest model per million input tokens?": true,
		"GPT-4o mini vs GPT-5 pricing":                         true,
		"What did ByteDance charge for Doubao at launch?":      false,
		"哪些公司发布了大模型？":                                          false,
	} {
		if got := comparesPrices(q); got != want {
			t.Errorf("comparesPrices(%q) = %v, want %v", q, got, want)
		}
	}
}

// TestPriceQuestionsGetTheTable: offline, a question comparing prices is
// answered with the table of the models it names; a model's answer cites
// the same sources the table numbers.
func TestPriceQuestionsGetTheTable(t *testing.T) {
	st := builtinStore(t, store.Options{})
	tables := prices.New(st.Store, st.Aliases())
	ctx := context.Background()
	ans, err := New(st, nil, Options{Prices: tables}).Answer(ctx, "DeepSeek-V2和豆包哪个便宜？", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ans.Table == nil || !strings.Contains(ans.Table.String(), "DeepSeek-V2") || !strings.Contains(ans.Table.String(), "0.8 CNY") {
		t.Fatalf("table = %v, want DeepSeek-V2's and Doubao's prices", ans.Table)
	}
	for _, row := range ans.Table.Rows {
		if strings.HasPrefix(row[0], "GPT") {
			t.Errorf("row %q: a model the question did not name", row)
		}
	}
	if len(ans.Citations) == 0 || ans.NotFound {
		t.Errorf("answer %+v: want the table's sources", ans)
	}

	_, model := llmtest.NewChat(t, func(system, user string) (int, string) {
		return 200, fmt.Sprintf("豆包的输入价格为0.0008元/千Tokens[%d]。DeepSeek-V2为每百万输入tokens 1元[%d]。",
			llmtest.PassageNumber(user, "0.0008"), llmtest.PassageNumber(user, "1 yuan"))
	})
	ans, err = New(st, model, Options{Prices: tables}).Answer(ctx, "DeepSeek-V2和豆包哪个便宜？", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ans.Fallback || ans.Table == nil || !strings.Contains(ans.Text, "[1]") || !strings.Contains(ans.Text, "[2]") {
		t.Fatalf("answer %+v: want the model's cited answer and the table", ans)
	}
	// The table's source column numbers the sources as the answer does.
	for _, row := range ans.Table.Rows {
		var n int
		fmt.Sscanf(row[len(row)-1], "[%d]", &n)
		if n < 1 || n > len(ans.Citations) {
			t.Fatalf("row %q cites %d of %d sources", row, n, len(ans.Citations))
		}
		if c := ans.Citations[n-1]; row[0] == "DeepSeek-V2" && !strings.Contains(c.Title, "DeepSeek-V2") {
			t.Errorf("row %q cites %q", row, c.Title)
		}
	}
}
