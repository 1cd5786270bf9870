package corpus

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDefaultAliases(t *testing.T) {
	a, err := DefaultAliases()
	if err != nil {
		t.Fatal(err)
	}
	entities := 0
	for _, e := range a.Entities() {
		if e.Type != "term" {
			entities++
		}
		switch e.Type {
		case "company", "product", "model", "person", "org", "place", "term":
		default:
			t.Errorf("%s has unknown type %q", e.ID, e.Type)
		}
		if (e.Type == "model" || e.Type == "product") && e.Vendor == "" {
			t.Errorf("%s has no vendor", e.ID) // every maker in the table is known
		}
	}
	if entities < 80 {
		t.Errorf("%d entities, want at least 80", entities)
	}
}

func ids(es []Entity) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func TestAliasesMatch(t *testing.T) {
	a, err := DefaultAliases()
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string][]string{
		"What did ByteDance charge for Doubao?":             {"bytedance", "doubao", "term-price"},
		"字節跳動的豆包":                                           {"bytedance", "doubao"},
		"輝達股價":                                              {"nvidia", "term-share-price"},
		"the LLM market in 2024":                            {"term-model"}, // "Ark" is not inside "market"
		"Moonshot AI 的 Kimi":                                {"moonshot-ai", "kimi"},
		"GPT-4.5 vs GPT-4.":                                 {"gpt-4", "gpt-4-5"}, // a decimal goes on from GPT-4; a full stop does not
		"Claude 3.5 Sonnet":                                 {"claude", "claude-3-5", "claude-3-5-sonnet"},
		"Qwen-Long降至0.0005元/千tokens":                        {"qwen", "qwen-long", "term-tokens-thousand", "term-tokens"},
		"GPT-5 mini costs $0.25":                            {"gpt-5", "gpt-5-mini", "term-price"},
		"Range Intelligent Computing":                       {"range-intelligent"}, // the gazetteer: 润泽科技, which no dictionary renders
		"滬電股份":                                              {"wus-printed-circuit"},
		"营收增长和利润率":                                          {"term-revenue", "term-growth"}, // 长和 (CK Hutchison) is no name inside 增长和
		"这个说法有道理":                                           nil,                             // nor 有道 (Youdao) inside 有道理
		"德國電信第三季AI收入":                                       {"term-revenue", "deutsche-telekom"},
		"阿联酋电信在阿联酋的数据中心":                                    {"term-data-center", "uae", "etisalat"},
		"美国银行业的AI支出":                                        {"term-united-states"},              // 美国, not Bank of America (美国银行)
		"a Series F round that values the company at $14bn": {"term-series-f", "term-valuation"}, // as the press writes a valuation
		"富邦媒第三季每股稅後盈餘3.62元":                                 {"term-eps", "fubon-media"},         // Taiwan's reports say after tax
		"the Dutch DPA's fine":                              {"term-data-protection-authority"},
		"荷兰数据保护局罚款":                                         {"term-data-protection-authority"},
		"Data centres in Guizhou's Gui'an New Area":         {"term-data-center", "guian"}, // places the English press romanises
		"MEGA IDC Tseung Kwan O phase 1":                    {"term-phase-1", "idc", "tseung-kwan-o"},
		"在平台中调用":                                            {"term-platform"},                                              // 台中 is left out: no Taichung
		"迪思科季度营业利润":                                         {"term-quarter", "term-operating-profit", "disco-corporation"}, // no Cisco (思科) inside Disco
		"Tigress Financial給出的目標價":                           {"term-price-target", "tigress-financial"},
		"Volcano Engine's market share of token calls":      {"volcengine", "term-market-share", "term-tokens"},
		"Ibiden holds about 70% of the market":              {"term-market-share", "ibiden"},
		"Nvidia's share price":                              {"nvidia", "term-price", "term-share-price"},
		"超微电脑毛利率":                                           {"term-gross-margin", "supermicro"},          // no AMD (超微) in Supermicro
		"阿里云第三季度":                                           {"alibaba", "alibaba-cloud", "term-quarter"}, // a company's name begins its unit's
		"貿聯-KY主動式電纜出貨":                                      {"term-shipments", "bizlink"},
		"汽车CIS收入":                                           {"term-revenue", "term-image-sensor", "term-automotive"}, // 汽车 is automotive, as in 汽车电子
		"automotive CMOS image sensors":                     {"term-image-sensor", "term-automotive"},
		"海外收入占比":                                            {"term-revenue", "term-overseas", "term-proportion"}, // the dictionary lacks 占比
		"Coherent's Datacenter and Communications segment":  {"term-communications", "term-data-center", "coherent"},
		"高意数据中心与通信部门":                                       {"term-communications", "term-data-center", "coherent"},
		"GDS's net debt to adjusted EBITDA":                 {"term-ebitda", "gds"},
		"秘塔个人付费用户数":                                         {"term-users", "term-paying-users", "metaso"},
		"its paid subscriber base passed 2.5 million":       {"term-paying-users"},
		"將軍澳MEGA IDC首期的租用率":                                 {"term-phase-1", "term-utilization-rate", "idc", "tseung-kwan-o"},
		"DBS cost-to-income ratio and free cash flow":       {"term-price", "term-free-cash-flow", "term-cost-to-income-ratio", "dbs"},
		"经营活动产生的现金流量净额":                                     {"term-operating-cash-flow"},
	} {
		got := ids(a.Match(q))
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("Match(%q) (-want +got):\n%s", q, d)
		}
	}
}

func TestAliasesTitledBy(t *testing.T) {
	a, err := DefaultAliases()
	if err != nil {
		t.Fatal(err)
	}
	for title, want := range map[string]string{
		"神達第三季EPS 1.56元創新高":                   "mitac", // a short form names a firm at a title's start
		"「創意」第三季營收創新高":                        "global-unichip",
		"精神达到新高度":                             "", // not inside a word
		"公司表示神達第三季EPS 1.56元":                  "", // nor after the start
		"金山云第三季度营收":                           "", // a longer name begins it: Kingsoft Cloud, which Match finds
		"金山第三季度营收":                            "kingsoft",
		"Disco posts record quarterly profit": "disco-corporation", // a Latin short form, as a word
		"Boeing's AI factory":                 "",                  // not BOE's
		"BOE Q3 profit":                       "boe",
	} {
		e, ok := a.TitledBy(title)
		if got := e.ID; got != want || ok != (want != "") {
			t.Errorf("TitledBy(%q) = %q, %v; want %q", title, got, ok, want)
		}
	}
	if _, err := ParseAliases([]byte("- id: a\n  type: company\n  names: [Acme Corp]\n  short: [acme corp]\n- id: b\n  type: company\n  names: [Bee]\n")); err != nil {
		t.Errorf("a short form the same as its own name: %v", err)
	}
	if _, err := ParseAliases([]byte("- id: a\n  type: company\n  names: [Acme]\n- id: b\n  type: company\n  names: [Bee]\n  short: [acme]\n")); err == nil {
		t.Error("a short form that is another entity's name was accepted")
	}
}

func TestAliasesBegun(t *testing.T) {
	a, err := DefaultAliases()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"Gigabyte": "gigabyte", // Gigabyte Technology: bare, a unit of storage, no name of the table
		"Delta":    "delta-electronics",
		"Kunlun":   "", // Kunlun Tech and Kunlun Chip
		"Gigabyt":  "", // a whole word
		"AI":       "", // too short to be a name's start
		"Series":   "", // words of the trade are no firm's
	} {
		e, ok := a.Begun(name)
		if e.ID != want || ok != (want != "") {
			t.Errorf("Begun(%q) = %q, %v; want %q", name, e.ID, ok, want)
		}
	}
}

func TestParseAliasesRejectsSharedNames(t *testing.T) {
	_, err := ParseAliases([]byte("- id: a\n  type: company\n  names: [Same Name]\n- id: b\n  type: company\n  names: [same name]\n"))
	if err == nil || !strings.Contains(err.Error(), "both") {
		t.Errorf("err = %v, want a shared-name error", err)
	}
}

func TestParseAliasesVendorsAndMeasures(t *testing.T) {
	const table = `
- id: acme
  type: company
  names: [Acme]
- id: lab
  type: org
  names: [Acme Lab]
- id: widget
  type: product
  names: [Widget]
  vendor: acme
- id: gizmo
  type: model
  names: [Gizmo]
  vendor: lab
- id: doohickey
  type: model
  names: [Doohickey]
- id: jane
  type: person
  names: [Jane Doe]
`
	for _, tc := range []struct {
		name, extra string
		want        []string // in the error, all of them; none: no error
	}{
		{"good table", "", nil},
		{"vendor declared after its model", "- id: later\n  type: model\n  names: [Later]\n  vendor: zeta\n- id: zeta\n  type: company\n  names: [Zeta]\n", nil},
		{"unknown vendor", "- id: sprocket\n  type: model\n  names: [Sprocket]\n  vendor: nobody\n", []string{"sprocket", "nobody"}},
		{"vendor is a product", "- id: sprocket\n  type: model\n  names: [Sprocket]\n  vendor: widget\n", []string{"sprocket", "widget", "not a company or org"}},
		{"vendor is a person", "- id: sprocket\n  type: product\n  names: [Sprocket]\n  vendor: jane\n", []string{"sprocket", "jane", "not a company or org"}},
		{"vendor on a company", "- id: subsidiary\n  type: company\n  names: [Subsidiary]\n  vendor: acme\n", []string{"subsidiary", "acme", "only a model or product"}},
		{"vendor on a term", "- id: term-x\n  type: term\n  names: [widgets]\n  vendor: acme\n", []string{"term-x", "only a model or product"}},
		{"a measure", "- id: term-y\n  type: term\n  names: [yield]\n  measure: figure\n- id: term-z\n  type: term\n  names: [fee]\n  measure: money\n", nil},
		{"measure on a company", "- id: bigco\n  type: company\n  names: [BigCo]\n  measure: figure\n", []string{"bigco", "only a term is a measure"}},
		{"unknown measure", "- id: term-y\n  type: term\n  names: [yield]\n  measure: yes\n", []string{"term-y", `"yes"`}},
	} {
		a, err := ParseAliases([]byte(table + tc.extra))
		if tc.want == nil {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: no error, want one naming %q", tc.name, tc.want)
			continue
		}
		if a != nil {
			t.Errorf("%s: a table came back with the error", tc.name)
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: err = %v, want it to name %q", tc.name, err, w)
			}
		}
	}

	a, err := ParseAliases([]byte(table))
	if err != nil {
		t.Fatal(err)
	}
	vendors := map[string]string{}
	for _, e := range a.Entities() {
		vendors[e.ID] = e.Vendor
	}
	if d := cmp.Diff(map[string]string{"acme": "", "lab": "", "widget": "acme", "gizmo": "lab", "doohickey": "", "jane": ""}, vendors); d != "" {
		t.Errorf("vendors (-want +got):\n%s", d)
	}
}

// BenchmarkMatch: the alias table read in a passage of news text, as
// search does for each candidate of a "which" question.
func BenchmarkMatch(b *testing.B) {
	a, err := DefaultAliases()
	if err != nil {
		b.Fatal(err)
	}
	text := strings.Repeat("On January 27, 2025, Nvidia shares fell about 17%, while Broadcom dropped about 17% and Oracle lost 14%. "+
		"字节跳动旗下火山引擎发布豆包大模型，主力模型的输入价格为0.0008元/千Tokens。", 4)
	for b.Loop() {
		a.Match(text)
	}
}
