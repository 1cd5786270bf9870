package search

import (
	"context"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/search/bridge"
	"github.com/marketbot/marketbot/rag/store"
)

// Tests of answers across languages and of time honesty (the bridge, the
// relative periods, the newest-article notices, extractive answers that
// answer).

func TestBridgeCrossesLanguages(t *testing.T) {
	st := builtinStore(t, store.Options{})
	for q, want := range map[string]string{
		// English asks a Traditional article, with a dictionary phrase.
		"What was Nvidia's total revenue for fiscal year 2025?": "2025-02-26-nvidia-fy2025-results.md",
		// English asks a Simplified one, through words no alias names.
		"Which models did StepFun show at its public debut?": "2024-03-23-stepfun-step-models-debut.md",
		// Chinese asks an English one.
		"GPT-4o mini每百万输入token收费多少？": "2024-07-18-openai-gpt-4o-mini.md",
	} {
		ps, err := st.Search(context.Background(), q, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range ps {
			got = append(got, path.Base(p.Path))
		}
		if len(got) == 0 || !strings.Contains(strings.Join(got, " "), want) {
			t.Errorf("%q → %v, want %s among them", q, got, want)
		}
	}
	// A translation must not make an absent thing present: 比特币 is one
	// word (jieba splits it; CC-CEDICT joins it), which no passage holds.
	for _, q := range []string{"比特币现在多少钱？"} {
		if got := firstArticle(t, st, q, Options{}); got != "" {
			t.Errorf("unanswerable %q found %s", q, got)
		}
	}
}

func TestAnalyseBridges(t *testing.T) {
	st := builtinStore(t, store.Options{})
	qs := []query{st.parseQuery("What was the fiscal year revenue and the context window?", Options{})}
	if _, _, err := st.weighConcepts(context.Background(), qs); err != nil {
		t.Fatal(err)
	}
	asked := map[string]concept{}
	for _, c := range qs[0].concepts {
		asked[strings.Join(c.asked[0], " ")] = c
	}
	// Dictionary phrases are one concept each, not two words.
	if _, ok := asked["fiscal year"]; !ok {
		t.Errorf("concepts %v: want the phrase \"fiscal year\" as one", keys(asked))
	}
	if _, ok := asked["fiscal"]; ok {
		t.Errorf("concepts %v: \"fiscal\" read alone", keys(asked))
	}
	// The asker's pronouns are no concepts.
	for _, c := range st.parseQuery("I'm told they gave them to you: how many?", Options{}).analyse() {
		if w := strings.Join(c.asked[0], " "); w == "i" || w == "m" || w == "them" || w == "you" {
			t.Errorf("pronoun %q read as a concept", w)
		}
	}
	// A translation is kept only where the corpus holds it.
	for _, c := range qs[0].concepts {
		for _, tr := range c.trans {
			if tr.DF == 0 {
				t.Errorf("%v: translation %v that no passage holds", c.asked, tr.Toks)
			}
		}
	}
}

func TestChineseWordsJoinWhatTheDictionaryKnows(t *testing.T) {
	for text, want := range map[string]string{
		"比特币现在多少钱":     "比特币",    // jieba splits 比特 and 币
		"哪家华尔街投行":      "投行",     // 投 is a verbal noun, 行 a morpheme
		"美光的营收是多少":     "美光",     // a name neither dictionary has
		"史嘉蕾·乔韩森":      "史嘉蕾乔韩森", // a transliterated name is one
		"API单次最多能输入多少": "单次",     // a run of single characters stops before a word of the dictionary (最多)
	} {
		var got []string
		for _, w := range bridge.ChineseWords(text) {
			got = append(got, w.Text)
		}
		if !slices.Contains(got, want) {
			t.Errorf("bridge.ChineseWords(%q) = %v, want %q among them", text, got, want)
		}
	}
	// Characters on either side of a Latin name are not one word, nor are
	// 时 ("when") and 是 with their neighbours ("上线时有哪些").
	for text, never := range map[string]string{"个人往xAI投了多少": "往投", "刚上线时有哪些模型": "时有"} {
		for _, w := range bridge.ChineseWords(text) {
			if w.Text == never {
				t.Errorf("bridge.ChineseWords(%q) made a word of %q", text, never)
			}
		}
	}
}

// TestModelAndFamilyAreBothAsked: "Kimi K2" asks the model and its
// family, and leaves no stray "k" and "2" to be read as words.
func TestModelAndFamilyAreBothAsked(t *testing.T) {
	st := builtinStore(t, store.Options{})
	askedIn := func(q string) []string {
		qs := []query{st.parseQuery(q, Options{})}
		if _, _, err := st.weighConcepts(context.Background(), qs); err != nil {
			t.Fatal(err)
		}
		var asked []string
		for _, c := range qs[0].concepts {
			asked = append(asked, strings.Join(c.asked[0], " "))
		}
		return asked
	}
	asked := askedIn("How many experts does Kimi K2 have?")
	for _, want := range []string{"kimi", "kimi k 2"} {
		if !slices.Contains(asked, want) {
			t.Errorf("concepts %q: want %q", asked, want)
		}
	}
	for _, stray := range []string{"k", "2"} {
		if slices.Contains(asked, stray) {
			t.Errorf("concepts %q: stray %q", asked, stray)
		}
	}
	// A decimal version is not its integer sibling: Claude 3.5 Sonnet asks
	// Claude and Claude 3.5, not Claude 3.
	asked = askedIn("How many parameters does Claude 3.5 Sonnet have?")
	if slices.Contains(asked, "claude 3") || !slices.Contains(asked, "claude 3.5 sonnet") {
		t.Errorf("concepts %q: want claude 3.5 sonnet and no claude 3", asked)
	}
	// "$40bn" is an amount, no product code no passage holds.
	if asked = askedIn("How much did SoftBank put into OpenAI's $40bn round?"); slices.Contains(asked, "40 bn") || slices.Contains(asked, "bn") {
		t.Errorf("concepts %q: \"40bn\" read as a name or \"bn\" as a word", asked)
	}
	// A number before a date's unit is no version: "Kimi 3月份" is March.
	if asked = askedIn("Kimi 3月份月活多少"); slices.Contains(asked, "kimi 3") || !slices.Contains(asked, "kimi") {
		t.Errorf("concepts %q: want kimi and no \"kimi 3\"", asked)
	}
	// A plain word before an amount is no versioned name: "government-backed 7B".
	if asked = askedIn("How much compute did the government-backed 7B model use?"); slices.Contains(asked, "backed 7 b") {
		t.Errorf("concepts %q: \"backed 7B\" read as a name", asked)
	}
	// A year after a name is no version: "bytedance 2026" is a year of ByteDance's.
	if asked = askedIn("bytedance 2026 budget for AI processors"); slices.Contains(asked, "bytedance 2026") || !slices.Contains(asked, "bytedance") {
		t.Errorf("concepts %q: want bytedance and no \"bytedance 2026\"", asked)
	}
}

// TestAVersionIsNotItsFamily: the alias table lists Grok 2, 3 and 4 as
// names of Grok; a question about the one the corpus never saw finds
// nothing, one about a version it holds finds that version.
func TestAVersionIsNotItsFamily(t *testing.T) {
	st := builtinStore(t, store.Options{})
	if got := firstArticle(t, st, "Which company built Grok 4, and how was it released?", Options{}); got != "" {
		t.Errorf("Grok 4 (not in the pack) found %s", got)
	}
	if got := firstArticle(t, st, "Which company built Grok 3, and how was it released?", Options{}); !strings.Contains(got, "grok-3") {
		t.Errorf("Grok 3 found %q, want the Grok 3 article", got)
	}
	// A version the table does not list is a name too: DeepSeek-R2 is not
	// DeepSeek-R1.
	if got := firstArticle(t, st, "Has DeepSeek released DeepSeek-R2 yet?", Options{}); got != "" {
		t.Errorf("DeepSeek-R2 (not in the pack) found %s", got)
	}
	if got := firstArticle(t, st, "Has DeepSeek released DeepSeek-R1 yet?", Options{}); !strings.Contains(got, "deepseek-r1") {
		t.Errorf("DeepSeek-R1 found %q, want an article about it", got)
	}
	// A trade word the corpus never names marks what is absent too: the
	// pack has Anthropic's Series E, no Series F.
	if got := firstArticle(t, st, "How much did Anthropic raise in its Series F?", Options{}); got != "" {
		t.Errorf("Series F (not in the pack) found %s", got)
	}
	if got := firstArticle(t, st, "How much did Anthropic raise in its Series E?", Options{}); !strings.Contains(got, "anthropic-series-e") {
		t.Errorf("Series E found %q, want Anthropic's Series E article", got)
	}
	// A version keeps its names in every script, and only those.
	cs := splitVersion(concept{alias: true, entity: true, asked: [][]string{{"ascend", "910", "b"}, {"ascend"}}},
		[]string{"昇腾", "Huawei Ascend", "Ascend 910B", "昇腾910B", "Ascend", "Ascend 310"})
	if len(cs) != 2 {
		t.Fatalf("splitVersion: %d concepts, want the version and the family", len(cs))
	}
	if d := cmp.Diff([][]string{corpus.Tokens("Ascend 910B"), corpus.Tokens("昇腾910B")}, cs[0].alts); d != "" {
		t.Errorf("version's names (-want +got):\n%s", d)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestAskedFor(t *testing.T) {
	for q, want := range map[string]factKind{
		"豆包多少钱？":                                          amountFact,
		"How much did OpenAI raise?":                      amountFact,
		"火山方舟接入了多少个模型？":                                   countFact,
		"How many experts?":                               countFact,
		"什么时候发布的？":                                        dateFact,
		"When did it launch?":                             dateFact,
		"In 2024, when did it launch?":                    dateFact,
		"What did it disclose when it closed the round?":  anyFact, // "when" joins, it does not ask
		"When Meta reported, what range did it guide to?": anyFact,
		"When will GPT-6 ship?":                           dateFact,
		"How long did Opus 4 work on its own?":            durationFact,
		"它连续工作了多久？":                                       durationFact,
		"How long is Kimi's context window?":              amountFact, // a length, not a time
		"How long was the beta meant to run?":             durationFact,
		"Who led the round?":                              nameFact,
		"who led Anthropic's $3.5bn raise?":               nameFact, // asks who, though it names the amount
		"谁领投了这轮融资？":                                       nameFact,
		"谁的估值最高，多少？":                                      amountFact,
		"哪些厂商降价了？":                                        nameFact,
		"介绍一下豆包":                                          anyFact,
	} {
		if got := askedFor(q); got != want {
			t.Errorf("askedFor(%q) = %v, want %v", q, got, want)
		}
	}
}

// Sentences state the kind of fact asked for in either language: a
// regulation's articles are counted in 条, a duration may be spelled out.
func TestStatesFact(t *testing.T) {
	for _, tc := range []struct {
		kind     factKind
		sentence string
		want     bool
	}{
		{countFact, "正式文本共24条，分为总则、技术发展与治理等部分。", true},
		{countFact, "该办法由七个部门发布。", true},
		{countFact, "该办法自发布之日起施行。", false},
		{countFact, "其Robotaxi车队规模已突破2000辆。", true}, // vehicles, chips, orders… have classifiers of their own
		{countFact, "第三季BMC出貨量約為1,150萬顆。", true},
		{countFact, "第三季BMC营收同比增长35%，毛利率67.2%。", true}, // an amount, as before
		{durationFact, "In one reported case it refactored code for about seven hours straight.", true},
		{durationFact, "模型连续运行了七个小时。", true},
		{durationFact, "OpenAI spent 6 months making GPT-4 safer.", true},
		{durationFact, "It refactored code for hours.", false},
		{durationFact, "该办法于2023年8月15日施行。", false},                        // dates are no spans
		{amountFact, "The book was subscribed 38.6 times overall.", true}, // a multiple is an amount
		{amountFact, "Yotta priced its initial public offering at ₹612 per share.", true},
		{amountFact, "Yotta priced its initial public offering at the top of its range.", false},
		{amountFact, "董事會建議派末期息每股29仙。", true},  // Hong Kong cents
		{amountFact, "上修全年營收財測至485億日圓。", true}, // Taiwan writes the yen 日圓
		{amountFact, "董事會建議派末期息，全年派息比率維持。", false},
		{amountFact, `Yields on the 18A process had improved "by roughly 10 points since July".`, true}, // a change in points
		{amountFact, "毛利率同比提升4.6个百分点。", true},
	} {
		if got := statesFact(tc.kind, tc.sentence, nil, nil); got != tc.want {
			t.Errorf("statesFact(%v, %q) = %v, want %v", tc.kind, tc.sentence, got, tc.want)
		}
	}
}

func TestNameRuns(t *testing.T) {
	aliases, err := corpus.DefaultAliases()
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string][]string{
		"How much did Safe Superintelligence raise?":               {"Safe Superintelligence"},
		"What did Google pay to license Character.AI's models?":    {"Google", "Character.AI"},
		"Which HBM suppliers did Nvidia pick in January 2025?":     {"HBM", "Nvidia"},
		"Doubao 1.5 Pro: what does it cost per million tokens?":    {"Doubao 1.5 Pro"}, // the table's, as a whole
		"What was xAI's valuation in Q4?":                          nil,
		"When do the new US AI chip rules take effect?":            {"US", "AI"},
		"Is Scale AI part of the AMD MI300X deal?":                 {"Scale AI", "AMD", "MI300X"},
		"智元机器人最新一轮融资估值多少？":                                         nil,
		"Reddit 2026年第三季度的数据授权收入是多少？":                              {"Reddit"},
		"What did Upstage report for Solar 2026?":                  {"Upstage", "Solar"},
		"Kestrel Dynamics C轮融资后估值多少":                               {"Kestrel Dynamics"},
		"Chengguan Medical lung nodule detection sensitivity":      {"Chengguan Medical"},
		"Moore Threads R&D spend in the September quarter":         {"Moore Threads"},             // the table's, as a whole; R&D is no name
		"zentrix集团2026年第二季度净利润":                                    {"zentrix"},                   // a Chinese question writes Latin letters for names, lower case too
		"豆包每百万token价格":                                             nil,                           // a word of the dictionary
		"挪威那家在Høyanger建GPU园区的公司":                                   {"Høyanger", "GPU"},           // no "yanger" after the accent
		"AInnovation revenue H1 2026":                              {"AInnovation"},               // capitals inside: a name, though it begins the question
		"Chunghwa Telecom AI-related revenue Q3 2026":              {"AI"},                        // the firm's whole name, not "Telecom AI"
		"Lakala 9M 2026 net profit":                                {"Lakala"},                    // the first nine months, as analysts write them, are no version
		"What NPU performance does Rockchip's RK3688 SoC deliver?": {"NPU", "Rockchip", "RK3688"}, // the kind of chip is no part of its name
	} {
		if d := cmp.Diff(want, nameRuns(q, aliases.Match(q))); d != "" {
			t.Errorf("nameRuns(%q) (-want +got):\n%s", q, d)
		}
	}
	// A funding round is trade vocabulary, not a name: Series E is E轮.
	if got := firstArticle(t, builtinStore(t, store.Options{}), "Who led Anthropic's Series E round?", Options{}); !strings.Contains(got, "anthropic-series-e") {
		t.Errorf("Series E question found %q, want Anthropic's Series E article", got)
	}
	// A name the corpus has never seen makes the question unanswerable.
	st := builtinStore(t, store.Options{})
	for _, q := range []string{"What did Google pay to license Character.AI's technology?", "How much did Safe Superintelligence raise in its first round?"} {
		if got := firstArticle(t, st, q, Options{}); got != "" {
			t.Errorf("%q found %s", q, got)
		}
	}
}

// TestAQuarterIsReportedLater: a quarter's results come out up to two
// months after it ends; a question about the quarter finds them.
func TestAQuarterIsReportedLater(t *testing.T) {
	st := packWith(t, map[string]string{"bili.md": article("B站三季度营收83.6亿元", "2026-11-13", "分业务看，B站第三季度广告收入29.8亿元，同比增长24%。")})
	if got := firstArticle(t, st, "Bilibili Q3 2026 advertising revenue", Options{}); got != "bili.md" {
		t.Errorf("first %q, want bili.md", got)
	}
}

// TestGlossedAcronyms: an acronym beside an entity's name in brackets is
// that entity's, no name of something absent; one beside an unknown name
// stays.
func TestGlossedAcronyms(t *testing.T) {
	aliases, err := corpus.DefaultAliases()
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]string{
		"GCE (Gold Circuit Electronics) sales in October": "    (Gold Circuit Electronics) sales in October",
		"Asia Vital Components (AVC) EPS in Q3":           "Asia Vital Components (   ) EPS in Q3",
		"金像電（GCE）10月營收":                                   "金像電（   ）10月營收",
		"KVC (Kestrel Venture Capital) fund size":         "KVC (Kestrel Venture Capital) fund size",
		"美光第四季度高带宽内存（HBM）的销售额":                            "美光第四季度高带宽内存（HBM）的销售额", // HBM glosses memory, not Micron
	} {
		if got := glossedAcronyms(q, aliases.Match(corpus.Normalize(q))); got != want {
			t.Errorf("glossedAcronyms(%q) = %q, want %q", q, got, want)
		}
	}
}

// TestWhichIsAnsweredByAList: for "which" questions, of two sentences that
// hold the question's words, the one that names more of what was asked
// for ranks first.
func TestWhichIsAnsweredByAList(t *testing.T) {
	st := builtinStore(t, store.Options{})
	r, err := st.QuoteRanker(context.Background(), "火山方舟接入了哪些模型？")
	if err != nil {
		t.Fatal(err)
	}
	one := "火山方舟接入了智谱AI的模型。"
	list := "火山方舟首批接入的模型来自百川智能、MiniMax和智谱AI。"
	if a, b := r.score(list, nil), r.score(one, nil); a <= b {
		t.Errorf("a list of three vendors scores %.2f, a sentence naming one %.2f: want the list first", a, b)
	}
}

// TestTheCountedThingComesFirst: asked how many of something, the
// sentence that counts it beats one that counts something else, whether
// the number comes before the word or, in Chinese, after it.
func TestTheCountedThingComesFirst(t *testing.T) {
	st := builtinStore(t, store.Options{})
	r, err := st.QuoteRanker(context.Background(), "How many enterprise customers does Zhipu have?")
	if err != nil {
		t.Fatal(err)
	}
	other := "智谱为企业客户新增了多种工具，又招聘了80名员工。"
	for _, counts := range []string{"智谱的企业客户数量超过1.2万家。", "智谱的企业客户达1.2万家。"} {
		if a, b := r.score(counts, nil), r.score(other, nil); a <= b {
			t.Errorf("%q scores %.2f, %q %.2f: want the customers counted first", counts, a, other, b)
		}
	}
}

// TestACountAfterALatinWord: in a Chinese sentence, the count of a thing
// asked by its Latin name comes after it ("BMC出货量约为1150万颗").
func TestACountAfterALatinWord(t *testing.T) {
	st := builtinStore(t, store.Options{})
	r, err := st.QuoteRanker(context.Background(), "How many BMC chips did it ship?")
	if err != nil {
		t.Fatal(err)
	}
	counts, other := "公司第三季BMC出货量约为1150万颗。", "一台AI服务器通常搭载2至3台BMC，出货需求强劲。"
	if a, b := r.score(counts, nil), r.score(other, nil); a < b {
		t.Errorf("%q scores %.2f, %q %.2f: want the shipments counted first", counts, a, other, b)
	}
}

// TestWhoIsAnsweredByAPerson: asked who (or which executive), a sentence
// naming a person — of the alias table, or after a title — beats one that
// lists companies.
func TestWhoIsAnsweredByAPerson(t *testing.T) {
	st := builtinStore(t, store.Options{})
	r, err := st.QuoteRanker(context.Background(), "软银和OpenAI牵头的星际之门由谁出任董事长？")
	if err != nil {
		t.Fatal(err)
	}
	person := "SoftBank and OpenAI lead the venture, whose chairman is Masayoshi Son."
	list := "SoftBank and OpenAI lead the venture, whose chairman comes from Oracle, Arm or MGX."
	if a, b := r.score(person, nil), r.score(list, nil); a <= b {
		t.Errorf("%q scores %.2f, %q %.2f: want the person first", person, a, list, b)
	}
	// A person the alias table lacks, named after a title.
	r, err = st.QuoteRanker(context.Background(), "Which Alibaba Cloud executive announced the MCP service on Bailian?")
	if err != nil {
		t.Fatal(err)
	}
	person = "阿里云公共云事业部总裁刘伟光宣布，百炼上线MCP服务。"
	list = "阿里云宣布，百炼上线的MCP服务包括高德、无影、Fetch和Notion。"
	if a, b := r.score(person, nil), r.score(list, nil); a <= b {
		t.Errorf("%q scores %.2f, %q %.2f: want the person first", person, a, list, b)
	}
}

// TestTheNextSentenceGoesOn: a sentence that goes on about what the one
// before names ("它"…, or nothing at all in Chinese) may be the answer:
// half of what the sentence before holds counts for it.
func TestTheNextSentenceGoesOn(t *testing.T) {
	st := builtinStore(t, store.Options{})
	r, err := st.QuoteRanker(context.Background(), "How fast does SenseTime's SenseChat Lite generate text on a flagship phone?")
	if err != nil {
		t.Fatal(err)
	}
	text := "這次發表的重點之一是端側模型SenseChat Lite。SenseChat Lite採用端雲協同的MoE架構。在中階手機上推理速度可達每秒18.3字，在高階旗艦手機上則達每秒78.3字。商湯也展示了在手機上快速擴充圖片的能力。"
	if got, _ := r.Best("商湯發表日日新5.0", text, 1); !strings.Contains(got, "每秒78.3字") {
		t.Errorf("Best = %q, want the sentence with the speed", got)
	}
}

// TestUntranslatedWordsMarkAbsence: an English word whose every
// translation is missing from the corpus cannot be in a Chinese passage in
// any words the bridge knows, so a Chinese article that names only the
// question's entity does not answer it.
func TestUntranslatedWordsMarkAbsence(t *testing.T) {
	st := builtinStore(t, store.Options{})
	if got := firstArticle(t, st, "How many employees does Anthropic have?", Options{}); got != "" {
		t.Errorf("found %s; no article says how many people Anthropic employs", got)
	}
	if got := firstArticle(t, st, "What was Anthropic valued at in March 2025?", Options{}); got != "2025-03-03-anthropic-series-e-61-5-billion.md" {
		t.Errorf("a question the Chinese Series E article answers found %q", got)
	}
}

// TestProductCodesAreNames: a code that begins with digits (5090D) is one
// name, which the corpus must hold for a passage to answer; an amount with
// its unit (1M tokens) is not a name.
func TestProductCodesAreNames(t *testing.T) {
	st := builtinStore(t, store.Options{})
	if got := firstArticle(t, st, "英伟达5090D显卡的算力是多少？", Options{}); got != "" {
		t.Errorf("found %s; no article names the 5090D", got)
	}
	if got := firstArticle(t, st, "How big is Gemini 1.5 Pro's 1M-token context window?", Options{}); got == "" {
		t.Error("the 1M-token question found nothing: an amount was taken for a name")
	}
}

// FuzzSearch: no question makes the search fail or panic. A capitalised
// word that is no token ("A" of "A-share") once made a concept with no
// words, and the floor indexed it.
func FuzzSearch(f *testing.F) {
	for _, q := range []string{
		"Which A-share names hit limit-up after the Kimi launch?",
		"A", "I B C", "A-股 和 B-股", "What is A.I.?", "GPT-", "「」？", "2025年",
	} {
		f.Add(q)
	}
	st := builtinStore(f, store.Options{})
	f.Fuzz(func(t *testing.T, q string) {
		if _, err := st.Search(context.Background(), q, Options{}); err != nil {
			t.Errorf("Search(%q): %v", q, err)
		}
	})
}

// TestNamesTranslateWordByWord: a name the dictionary has no entry for
// reaches the other language word by word, when the corpus holds the
// result: "Spark V4.0" is 星火V4.0 in a Chinese article, and was a name no
// passage held, which vetoed every passage.
func TestNamesTranslateWordByWord(t *testing.T) {
	var got [][]string
	for _, b := range bridge.Composed([]string{"spark", "v", "4.0"}) {
		got = append(got, b.Toks)
	}
	if !slices.ContainsFunc(got, func(toks []string) bool { return slices.Equal(toks, []string{"星火", "v", "4.0"}) }) {
		t.Errorf("bridge.Composed(spark v 4.0) = %v, want 星火 v 4.0 among them", got)
	}
	got = nil
	for _, b := range bridge.Composed([]string{"ant", "group"}) { // 集团 is group's fifth sense
		got = append(got, b.Toks)
	}
	if !slices.ContainsFunc(got, func(toks []string) bool { return slices.Equal(toks, corpus.Tokens("蚂蚁集团")) }) {
		t.Errorf("bridge.Composed(ant group) = %v, want 蚂蚁集团 among them", got)
	}
	if c := bridge.Composed([]string{"gpt", "6"}); c != nil {
		t.Errorf("bridge.Composed(gpt 6) = %v, want nothing: no word translates", c)
	}
	st := builtinStore(t, store.Options{})
	if got := firstArticle(t, st, "What did iFlytek say about Spark V4.0's training?", Options{}); !strings.Contains(got, "iflytek-spark-4-0") {
		t.Errorf("Spark V4.0 question found %q, want the iFlytek Spark 4.0 article", got)
	}
}

// TestWhatFigureAsksHowMuch: "What <measure> did X report?" asks for an
// amount as "how much" does: a passage about X that states none of that
// measure does not answer.
func TestWhatFigureAsksHowMuch(t *testing.T) {
	st := builtinStore(t, store.Options{})
	for _, q := range []string{"What headcount did Mistral AI report?", "What monthly active users did Baichuan report?"} {
		if got := firstArticle(t, st, q, Options{}); got != "" {
			t.Errorf("%q: a figure the pack never states for it found %s", q, got)
		}
	}
	if got := firstArticle(t, st, "What capex does ByteDance plan for 2026?", Options{}); !strings.Contains(got, "capex") {
		t.Errorf("ByteDance's 2026 capex plan: first %q", got)
	}
}

// TestThePriceSideAsked: asked the output price, a sentence that states
// only the input price does not state it; one that states both does.
func TestThePriceSideAsked(t *testing.T) {
	aliases, err := corpus.DefaultAliases()
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]string{
		"What does DeepSeek charge per million output tokens?": "output",
		"DeepSeek-V3每百万输入tokens多少钱？":                           "input",
		"DeepSeek-V3的输入和输出价格是多少？":                              "",
		"How much does DeepSeek-V3 cost?":                      "",
	} {
		if got := askedSide((query{text: q, entities: aliases.Match(q)}).analyse()); got != want {
			t.Errorf("askedSide(%q) = %q, want %q", q, got, want)
		}
	}
	for sentence, want := range map[string]bool{
		"定价为每百万输入tokens 1元。":                       true,
		"定价为每百万输入tokens 1元、输出tokens 2元。":           false,
		"It costs $0.27 per million input tokens.": true,
		"It costs $0.27 per million tokens.":       false,
	} {
		if got := otherSideOnly(corpus.Tokens(sentence), "output"); got != want {
			t.Errorf("otherSideOnly(%q, output) = %v, want %v", sentence, got, want)
		}
	}
}

// TestAskedInACurrency: a figure asked in so many won or dollars is
// stated by an amount of money, not by a growth rate.
func TestAskedInACurrency(t *testing.T) {
	st := builtinStore(t, store.Options{})
	m := st.measure(t, "SK海力士2026年第一季度的营业利润是多少韩元？")
	title := "SK hynix posts record first-quarter profit"
	statesEach(t, m, title, map[string]bool{
		"SK hynix said first-quarter operating profit rose 97% from a year earlier.": false,
		"SK hynix said first-quarter operating profit rose to 14.6 trillion won.":    true,
		"SK hynix said second-quarter operating profit rose to 15.1 trillion won.":   false, // another quarter
		"SK hynix expects operating profit in 2026 to reach 60 trillion won.":        false, // the year's
	})
	statesEach(t, st.measure(t, "长电科技三季度汽车电子业务收入是多少亿元？"), "长电科技三季度净利增长", map[string]bool{
		"第三季度，汽车电子收入同比增长28%。":  false, // a rate, asked 亿元
		"第三季度，汽车电子业务收入18.6亿元。": true,
	})
}

// TestTheCachedPriceAsked: the cached-input price is a price of its own.
func TestTheCachedPriceAsked(t *testing.T) {
	st := builtinStore(t, store.Options{})
	m := st.measure(t, "GPT-4o mini的缓存输入价格是每百万tokens多少美元？")
	title := "OpenAI launches GPT-4o mini"
	statesEach(t, m, title, map[string]bool{
		"GPT-4o mini is priced at $0.15 per million input tokens.":           false,
		"GPT-4o mini's cached input is priced at $0.075 per million tokens.": true,
	})
}

// TestNamesInTheTitle: asked a figure of names the alias table lacks, a
// sentence of an article whose title holds them all speaks of them ("The
// company will raise…" under "Cursor … raises business prices"); asked a
// valuation beside a funding round, any amount of money is no answer.
func TestNamesInTheTitle(t *testing.T) {
	st := builtinStore(t, store.Options{})
	price := st.measure(t, "Cursor商业版（Business）每位用户每月收费多少？")
	text := "The company will raise the price of its plans to $48 per user per month."
	for title, want := range map[string]bool{
		"Cursor paid subscribers pass 2.5 million as Anysphere raises Business prices": true,
		"Cursor paid subscribers pass 2.5 million":                                     false, // Business named by neither
	} {
		if got := statesMeasure(price, title, "", text); got != want {
			t.Errorf("statesMeasure(%q under %q) = %v, want %v", text, title, got, want)
		}
	}
	valuation := st.measure(t, "Cursor最近一轮融资的投后估值是多少？")
	title := "Cursor paid subscribers pass 2.5 million"
	statesEach(t, valuation, title, map[string]bool{
		"Annualised recurring revenue reached $2.2 billion.": false,
		"The round valued the company at $29.3 billion.":     true,
	})
}

// TestAVersionedNameIsWhatAFigureIsOf: asked Ling-3-Lite's price, a name
// with a version the alias table lacks, Ant Group's other model's price
// does not answer, though the title names Ant Group.
func TestAVersionedNameIsWhatAFigureIsOf(t *testing.T) {
	st := builtinStore(t, store.Options{})
	m := st.measure(t, "蚂蚁集团Ling-3-Lite通过API调用时每百万输出tokens收费多少？")
	title := "蚂蚁集团发布百灵大模型Ling-3"
	statesEach(t, m, title, map[string]bool{
		"开发者可调用Ling-3-Max，API价格为每百万输出tokens 6元。":  false,
		"开发者可调用Ling-3-Lite，API价格为每百万输出tokens 2元。": true,
	})
	// A version's variant (Flash-Lite) is what the figure is of, whether
	// the question begins with it or not, and the table lists the version
	// or not.
	title = "Google Cloud cuts Gemini prices for India"
	for _, q := range []string{"Gemini 3 Flash-Lite price per million tokens in Mumbai", "What does Gemini 3 Flash-Lite cost per million tokens in Mumbai?"} {
		statesEach(t, st.measure(t, q), title, map[string]bool{
			"Gemini 3 Flash will cost $0.25 per million input tokens.":      false,
			"Gemini 3 Flash-Lite will cost $0.10 per million input tokens.": true,
		})
	}
	statesEach(t, st.measure(t, "What does Gemini 3 Flash cost per million tokens in Mumbai?"), title, map[string]bool{
		"Gemini 3 Pro costs $1.75 per million input tokens.":       false,
		"Gemini 3 Flash will cost $0.25 per million input tokens.": true,
	})
	statesEach(t, st.measure(t, "Gemini 1.5 Flash的输入价格是多少？"), "Google发布Gemini 1.5", map[string]bool{ // listed: Gemini 1.5's name
		"Gemini 1.5 Flash的输入价格为每百万tokens 0.35美元。": true,
	})
}

// TestCountsAskCountedMeasures: "how many" asks a measure that counts
// things (users, parameters), not the revenue of a clause around it; and
// no question asks a measure its subordinate clause names.
func TestCountsAskCountedMeasures(t *testing.T) {
	st := builtinStore(t, store.Options{})
	for q, want := range map[string]bool{
		"How many H200 chips did ByteDance plan to buy if sales to China were approved?": false,
		"How many monthly active users did Doubao have?":                                 true,
		"How much revenue did Nvidia report from sales to China?":                        true,
	} {
		m := st.measure(t, q)
		if got := asksMeasure(m.kind, m.concepts); got != want {
			t.Errorf("asksMeasure(%q) = %v, want %v", q, got, want)
		}
	}
	// A measure named only in a subordinate clause is not asked.
	for q, want := range map[string]bool{
		"How large a charge did AMD warn of because MI308 shipments to China need a licence?": false,
		"How many MI308 shipments did AMD make to China?":                                     true,
	} {
		m := st.measure(t, q)
		got := slices.ContainsFunc(m.concepts, func(c concept) bool { return c.measure == "count" })
		if got != want {
			t.Errorf("%q asks shipments: %v, want %v", q, got, want)
		}
	}
	// A count is stated by a number beside its measure, without a unit.
	statesEach(t, st.measure(t, "OpenAI员工总数是多少？"), "OpenAI trims its workforce", map[string]bool{
		"OpenAI's headcount fell to 2,850 at the end of September.": true,
		"OpenAI expects to expand headcount from 190 to 400.":       true,
		"OpenAI's headcount grew in 2025, the company said.":        false,
	})
}

// statesEach checks statesMeasure on each sentence under a title.
func statesEach(t *testing.T, m measureAsked, title string, want map[string]bool) {
	t.Helper()
	for text, w := range want {
		if got := statesMeasure(m, title, "", text); got != w {
			t.Errorf("statesMeasure(%q) = %v, want %v", text, got, w)
		}
	}
}

// measure is what the question asks of a measure, read as search reads it.
func (st testStore) measure(t *testing.T, question string) measureAsked {
	t.Helper()
	qs := []query{st.parseQuery(question, Options{})}
	if _, _, err := st.weighConcepts(context.Background(), qs); err != nil {
		t.Fatal(err)
	}
	return measureOf(question, qs[0], qs[0].frame)
}

// TestActualIsNoForecast: asked the figure as reported (实际, actual), a
// sentence giving guidance does not state it.
func TestActualIsNoForecast(t *testing.T) {
	st := builtinStore(t, store.Options{})
	statesEach(t, st.measure(t, "Meta 2025年第一季實際公布的營收是多少？"), "Meta公布业绩", map[string]bool{
		"Meta预计2025年第一季度营收为395亿至418亿美元。":   false,
		"Meta 2025年第一季度营收为423亿美元，同比增长16%。": true,
	})
	statesEach(t, st.measure(t, "What was Meta's actual revenue in the first quarter of 2025?"), "Meta reports results", map[string]bool{
		"Meta expects first-quarter 2025 revenue of $39.5 billion to $41.8 billion.": false,
		"Meta's first-quarter 2025 revenue was $42.3 billion, up 16%.":               true,
	})
	statesEach(t, st.measure(t, "What revenue did Meta actually book in the first quarter of 2025?"), "Meta reports results", map[string]bool{
		"Meta expects first-quarter 2025 revenue of $39.5 billion to $41.8 billion.": false,
		"Meta's first-quarter 2025 revenue was $42.3 billion, up 16%.":               true,
	})
	// Asked in the past tense, a figure given only as one to come is no
	// answer; a forecast in another clause, or beating expectations, does
	// not make the reported figure one.
	statesEach(t, st.measure(t, "What was Nvidia's revenue in the second quarter of fiscal 2026?"), "輝達公布財報", map[string]bool{
		"展望第二季，輝達預估營收約為450億美元。":                                                         false,
		"第二季營收為467億美元，優於市場預期。":                                                          true,
		"第二季營收為467億美元，公司預期第三季營收再成長。":                                                    true,
		"For the second quarter of fiscal 2026, Nvidia expects revenue of $45 billion.": false,
	})
	statesEach(t, st.measure(t, "What revenue did Nvidia expect for the second quarter of fiscal 2026?"), "輝達公布財報", map[string]bool{
		"展望第二季，輝達預估營收約為450億美元。": true, // a forecast asked
	})
}

// TestTranslatedNameNamesTheAsked: a passage that names what was asked
// only through the bridge's translation of a name (Toyota: 丰田), not the
// alias table's entity beside it (Hunyuan), still names what was asked.
func TestTranslatedNameNamesTheAsked(t *testing.T) {
	st := storeWith(t, map[string]string{"cockpit.md": article("座舱合作", "2026-08-25",
		"丰田与腾讯联合开发的混元大模型语音助手将于10月推送。\n\n丰田表示，用户可免费使用三年，此后每年订阅费为198元。")})
	qs := []query{st.parseQuery("What will Toyota owners pay per year for the Hunyuan voice assistant?", Options{})}
	if _, _, err := st.weighConcepts(context.Background(), qs); err != nil {
		t.Fatal(err)
	}
	if cov := coverage(qs[0].concepts, corpus.Normalize("丰田表示，用户可免费使用三年，此后每年订阅费为198元。"), "zh", false); cov == 0 {
		t.Error("a passage naming 丰田 (Toyota) but not 混元 covers nothing")
	}
	if cov := coverage(qs[0].concepts, corpus.Normalize("用户可免费使用三年，此后每年订阅费为198元。"), "zh", false); cov != 0 {
		t.Errorf("a passage naming neither covers %.2f, want 0", cov)
	}
}

// TestUnheldPhraseIsItsWords: a phrase of the dictionary that the corpus
// holds in no language ("customer base": 客户群) is asked as its words
// (customer: 客户), which it holds.
func TestUnheldPhraseIsItsWords(t *testing.T) {
	st := storeWith(t, map[string]string{"q1.md": article("一季报", "2026-04-28", "一季度前五大客户销售额合计占比为81.3%。")})
	qs := []query{st.parseQuery("How concentrated was the customer base?", Options{})}
	if _, _, err := st.weighConcepts(context.Background(), qs); err != nil {
		t.Fatal(err)
	}
	var asked []string
	for _, c := range qs[0].concepts {
		asked = append(asked, strings.Join(c.asked[0], " "))
	}
	if !slices.Contains(asked, "customer") || slices.Contains(asked, "customer base") {
		t.Errorf("concepts %q: want customer, not customer base", asked)
	}
}

// TestChineseVerbsAreWording: a Chinese verb the corpus never saw, in no
// translation either (卸任 "leave office", 审批 "approve"), is how the
// asker puts it and weighs as an average concept; a noun (房地产) may be
// what the corpus lacks and weighs as a rare word.
func TestChineseVerbsAreWording(t *testing.T) {
	st := builtinStore(t, store.Options{})
	qs := []query{st.parseQuery("拜登卸任前的房地产审批规则", Options{})}
	if _, _, err := st.weighConcepts(context.Background(), qs); err != nil {
		t.Fatal(err)
	}
	weight := map[string]float64{}
	for _, c := range qs[0].concepts {
		weight[strings.Join(c.asked[0], " ")] = c.weight
	}
	for _, w := range []string{"卸任", "审批"} {
		if weight[w] == 0 || weight[w] >= weight["房地 地产"] {
			t.Errorf("%s weighs %.2f, 房地产 %.2f: want the verb lighter", w, weight[w], weight["房地 地产"])
		}
	}
}

// TestWhoLedIsTheLeadInvestor: asked who led a round, the sentence naming
// its lead investor (领投) beats one that names its other investors.
func TestWhoLedIsTheLeadInvestor(t *testing.T) {
	st := builtinStore(t, store.Options{})
	r, err := st.QuoteRanker(context.Background(), "Who led Anthropic's $3.5bn round in March 2025?")
	if err != nil {
		t.Fatal(err)
	}
	lead := "本轮由Lightspeed Venture Partners领投，Bessemer和Cisco Investments参投。"
	others := "亚马逊已累计投资80亿美元，谷歌则在本轮公布前向Anthropic追加了10亿美元。"
	if a, b := r.score(lead, nil), r.score(others, nil); a <= b {
		t.Errorf("%q scores %.2f, %q %.2f: want the lead investor first", lead, a, others, b)
	}
}

// TestPhasesAndBritishSpellingsCross: a phase of a project (第一期, "first
// phase") and a "data centre" in British spelling are trade words that
// cross languages: a question in Traditional Chinese about a data centre's
// first phase finds both in an English article's sentences.
func TestPhasesAndBritishSpellingsCross(t *testing.T) {
	deal := "Microsoft will lease capacity from Norwegian data centre developer Nordhav Compute under a 10-year contract."
	phase := "The first phase of 60 megawatts is due to come online in March 2027."
	st := storeWith(t, map[string]string{"nordhav.md": article("Microsoft signs capacity deal with Nordhav Compute", "2026-09-15", deal+"\n\n"+phase)})
	question := "Nordhav Compute資料中心第一期何時啟用？"
	for asked, sentence := range map[string]string{"数据中心": deal, "第一期": phase} {
		if !st.holdsAsked(t, question, asked, sentence) {
			t.Errorf("no concept asked as %s is held by %q", asked, sentence)
		}
	}
}

// holdsAsked reports whether a concept of the question, asked as the
// word asked, is held by the sentence.
func (st testStore) holdsAsked(t *testing.T, question, asked, sentence string) bool {
	t.Helper()
	qs := []query{st.parseQuery(question, Options{})}
	if _, _, err := st.weighConcepts(context.Background(), qs); err != nil {
		t.Fatal(err)
	}
	toks := corpus.Tokens(sentence)
	at := indexTokens(toks)
	return slices.ContainsFunc(qs[0].concepts, func(c concept) bool {
		return slices.ContainsFunc(c.asked, func(a []string) bool { return slices.Equal(a, corpus.Tokens(asked)) }) && holdsAny(toks, at, c.alts)
	})
}

// packWith is the built-in pack's store with the articles (name →
// Markdown) put in it.
func packWith(t *testing.T, articles map[string]string) testStore {
	t.Helper()
	st := builtinStore(t, store.Options{})
	for name, md := range articles {
		if _, err := st.Put(context.Background(), mustArticle(t, name, md)); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// TestPinyinCompanyNames: a company asked by the pinyin of its Chinese
// name and a word its name adds is found in the Chinese article that
// writes it in characters: also when the name begins the question
// ("Chengguan", a place the dictionary knows as 城关), when the added
// word is an acronym ("Huisi AI": 汇思智能, not one pinyin word
// "huisiai") and when a syllable is written with a rarer character
// (屿 of 恒屿).
func TestPinyinCompanyNames(t *testing.T) {
	st := packWith(t, map[string]string{
		"chengguan.md": article("澄观医疗完成B轮融资", "2026-04-09", "澄观医疗的肺结节辅助诊断系统在临床试验中的检出敏感度达到97.3%。"),
		"huisi.md":     article("汇思智能完成A轮融资", "2026-10-28", "汇思智能与恒生银行合作开发的反洗钱模型把误报率降低43%。"),
		"hengyu.md":    article("恒屿电器引入财务智能体", "2026-10-14", "恒屿电器引入财务结账智能体后，月度结账周期从8天缩短到3天。"),
		"nanya.md":     article("南亞科第三季獲利大增", "2026-10-15", "南亞科第三季毛利率跳升至41.3%，營業利益58.7億元。"),
	})
	for q, want := range map[string]string{
		"Chengguan Medical lung nodule detection sensitivity in clinical trials": "chengguan.md",
		"How much did Huisi AI's anti-money-laundering model cut false alerts?":  "huisi.md",
		"How long does Hengyu Appliances' month-end close take now?":             "hengyu.md",
		"What was Nanya Technology's gross margin in Q3?":                        "nanya.md", // 南亚 is a word (South Asia), but a company's name may be one
	} {
		if got := firstArticle(t, st, q, Options{}); got != want {
			t.Errorf("%q: first %q, want %s", q, got, want)
		}
	}
}

// TestANameInTheOtherNumber: a name the corpus writes only in the other
// grammatical number ("A.S. Watson", whose stores are Watsons) names it.
func TestANameInTheOtherNumber(t *testing.T) {
	st := packWith(t, map[string]string{"watsons.md": article("屈臣氏推AI美容顧問", "2026-07-08", "屈臣氏集團宣布，AI美容顧問「Watsons Beauty AI」在香港門店推出，集團未來五年將在AI相關項目投資約12億港元。")})
	if got := firstArticle(t, st, "A.S. Watson five-year AI investment plan — how much?", Options{}); got != "watsons.md" {
		t.Errorf("first %q, want watsons.md", got)
	}
}

// TestAcronymOfACompound: an acronym a question asks by (OTA) is held by
// a compound the passage spells out (over-the-air).
func TestAcronymOfACompound(t *testing.T) {
	st := packWith(t, map[string]string{"ota.md": article("Xiaomi brings its assistant to older phones", "2026-03-03", "Xiaomi said an over-the-air update will bring a smaller version of the model to about 12 million older HyperOS devices.")})
	if got := firstArticle(t, st, "小米会通过OTA把精简版模型推送给多少台旧款HyperOS设备？", Options{}); got != "ota.md" {
		t.Errorf("first %q, want ota.md", got)
	}
}

// TestCapitalNamesItsCountry: a headline that names a government by its
// capital ("Seoul names…") names the country a question asks about (韩国).
func TestCapitalNamesItsCountry(t *testing.T) {
	st := packWith(t, map[string]string{"seoul.md": article("Seoul sets aside AI compliance money for small firms", "2026-06-30", "The government has set aside a budget of 45 billion won this year for AI compliance subsidies to small and medium-sized enterprises.")})
	if got := firstArticle(t, st, "韩国政府给中小企业的AI合规补助预算是多少？", Options{}); got != "seoul.md" {
		t.Errorf("first %q, want seoul.md", got)
	}
}

// TestInvestmentIsAnAmount: asked how much was invested, a sentence must
// state an investment in money, not only name it.
func TestInvestmentIsAnAmount(t *testing.T) {
	st := builtinStore(t, store.Options{})
	statesEach(t, st.measure(t, "台积电在亚利桑那的先进封装厂投资了多少钱？"), "TSMC's Arizona packaging plant", map[string]bool{
		"TSMC will invest $7.5 billion in an advanced packaging plant in Arizona.":                     true,
		"TSMC said the investment in Arizona would make it the largest foreign investor in the state.": false,
	})
}

// TestChineseNameInPinyin: a Chinese name the corpus holds only as an
// English article writes it, in pinyin (青云: Qingyun), is held there.
func TestChineseNameInPinyin(t *testing.T) {
	sentence := "Revenue more than doubled to 1.46 billion yuan in 2025, but Qingyun's net loss widened to 2.31 billion yuan."
	st := storeWith(t, map[string]string{"qingyun.md": article("Qingyun Intelligence files for Hong Kong listing", "2026-06-11", sentence)})
	if !st.holdsAsked(t, "青云智能2025年亏了多少钱？", "青云", sentence) {
		t.Errorf("no concept asked as 青云 is held by %q", sentence)
	}
}

// TestFigureInTheMeasuresClause: in a Chinese sentence, the figure of the
// measure asked is stated in the measure's clause or the next, not
// anywhere in the sentence; an English sentence's commas part no clauses.
func TestFigureInTheMeasuresClause(t *testing.T) {
	st := builtinStore(t, store.Options{})
	statesEach(t, st.measure(t, "澄观医疗2025年的净亏损是多少？"), "澄观医疗完成B轮融资", map[string]bool{
		"公司2025年营业收入约2.3亿元，同比增长65%，目前仍处于亏损状态，预计2027年实现盈亏平衡。": false,
		"公司2025年营业收入约2.3亿元，净亏损为1.1亿元。":                       true,
	})
	statesEach(t, st.measure(t, "What was Kestrel Silicon's revenue for fiscal 2026?"), "Kestrel Silicon raises $410 million", map[string]bool{
		"Revenue for the fiscal year ended June 30, 2026, was $86 million, compared with $19 million a year earlier.": true,
	})
}

// TestUnitsCross: a number with a unit of measure (2nm, 350MW, 800V) is
// held where the other language writes it (2纳米, 350兆瓦, 800伏特), and
// the other way; so is a rate per day (日均).
func TestUnitsCross(t *testing.T) {
	zh := "公司已将2纳米量产时间提前至2027年第二季度。"
	en := "The plant will draw up to 350 megawatts from the grid."
	st := storeWith(t, map[string]string{"rapidus.md": article("Rapidus的2纳米量产提前", "2026-02-17", zh), "grid.md": article("Grid deal for a data centre campus", "2026-05-02", en)})
	for _, tc := range []struct{ question, asked, sentence string }{
		{"When does Rapidus expect volume production of 2nm chips?", "2nm", zh},
		{"When does Rapidus expect volume production of 2nm chips?", "volume production", zh},
		{"那座园区最多能从电网获得350兆瓦电力吗？", "350兆瓦", en},
		{"台达电800V HVDC电源系统预计什么时候放量", "800 v", "明年在800伏特HVDC產品放量帶動下，獲利有望再成長兩成。"},
		{"Max cooling capacity of a single 2.5MW CDU?", "2.5 mw", "單台最大冷卻能力達2.5百萬瓦。"},
		{"How many tokens per day was JoyAI serving?", "per day", "JoyAI日均Token调用量已超过4500亿。"},
		{"豆包大模型的日均token调用量是多少？", "日均", "Doubao's average daily token usage had passed 30 trillion."},
	} {
		if !st.holdsAsked(t, tc.question, tc.asked, tc.sentence) {
			t.Errorf("%q: no concept asked as %s is held by %q", tc.question, tc.asked, tc.sentence)
		}
	}
}

// TestNameBesidePlace: a company asked by the name the passage writes,
// beside a place the passage names otherwise ("Hong Kong IPO": 港元,
// 港交所), is what a figure is stated of; a name does not stand in for an
// entity that is no place (GPT-5).
func TestNameBesidePlace(t *testing.T) {
	ipo := "深圳AI推理晶片設計商星衍科技（Starvine Technology）今日起至11月25日招股，計劃發行1.2億股H股，每股招股價介乎22.8港元至26港元，最多集資31.2億港元，預計12月1日以《上市規則》第18C章特專科技公司身份在港交所主板掛牌，股份代號3917。"
	st := packWith(t, map[string]string{"starvine.md": article("星衍科技今起招股最多集資31.2億港元 12月1日掛牌", "2026-11-20", ipo)})
	if got := firstArticle(t, st, "What is the price range for Starvine Technology's Hong Kong IPO?", Options{}); got != "starvine.md" {
		t.Errorf("Starvine: first %q, want starvine.md", got)
	}
	if got := firstArticle(t, st, "GPT-5在SWE-bench Verified上得了多少分？", Options{}); got != "" {
		t.Errorf("GPT-5 on SWE-bench Verified: first %q, want nothing", got)
	}
}

// TestConjunctionsAskNothing: "if", "whether" and "each" say how a
// question is put, not what it asks about.
func TestConjunctionsAskNothing(t *testing.T) {
	st := openTestStore(t)
	for _, question := range []string{"If H200 sales to China get approved, would ByteDance buy them, and at what price each?", "Did ByteDance say whether it would buy H200s?"} {
		for _, c := range st.parseQuery(question, Options{}).analyse() {
			if w := strings.Join(c.asked[0], " "); w == "if" || w == "whether" || w == "each" {
				t.Errorf("%q: a concept asked as %q", question, w)
			}
		}
	}
}

// TestUnglossedNameMayBeTheAsked: a Latin name no passage holds (Vantrix)
// may be the one a Chinese article writes in characters no dictionary
// renders (信騰; both made up); a title whose words are all known, or known to the alias
// table, names nothing that could be it.
func TestUnglossedNameMayBeTheAsked(t *testing.T) {
	st := packWith(t, map[string]string{"vantrix.md": article("信騰10月營收48.7億元創新高 AI伺服器帶動BMC晶片出貨", "2026-11-06",
		"伺服器遠端管理晶片（BMC）大廠信騰（5274）5日公布10月合併營收新台幣48.7億元，月增9.4%、年增52.3%，創單月歷史新高。")})
	if got := firstArticle(t, st, "What were Vantrix's consolidated sales for October 2026?", Options{}); got != "vantrix.md" {
		t.Errorf("Vantrix: first %q, want vantrix.md", got)
	}
	if got := firstArticle(t, st, "When did Amazon launch its Nova foundation models on Bedrock?", Options{}); got != "" {
		t.Errorf("Nova: first %q, want nothing", got)
	}
	// Asked of a company the question names, the unknown name is a metric's
	// or a product's, not the company's name in characters.
	telecom := packWith(t, map[string]string{"telecom.md": article("中国电信前三季度业绩稳健，天翼云智算业务成增长引擎", "2026-10-22",
		"用户规模方面，公司移动用户数达到4.34亿户，前三季度净增1,120万户。")})
	if got := firstArticle(t, telecom, "中国电信第三季度的移动用户ARPU是多少？", Options{}); got != "" {
		t.Errorf("China Telecom's ARPU: first %q, want nothing", got)
	}
	for title, want := range map[string]bool{
		"信騰10月營收48.7億元創新高":           true,
		"金管局罰款東昇銀行2,800萬元":           true,
		"完成35亿美元E轮融资，投后估值615亿美元":     false, // 投后 is the alias table's
		"DeepSeek推出夜间错峰优惠：R1降至原价25%": false, // DeepSeek's, not asked
		"阶跃星辰开源Step-4":               false, // StepFun's
	} {
		if got := unglossedName(title, st.aliases, map[string]bool{"hkma": true}); got != want {
			t.Errorf("unglossedName(%q) = %v, want %v", title, got, want)
		}
	}
}

// TestCurrencyCodesAreNoNames: "EUR 600 million" asks an amount in euros,
// not about something named EUR that no passage holds.
func TestCurrencyCodesAreNoNames(t *testing.T) {
	st := openTestStore(t)
	for _, c := range st.parseQuery("How much of Mistral AI's EUR 600 million round was debt?", Options{}).analyse() {
		if slices.Contains(c.asked[0], "eur") {
			t.Errorf("a concept asked as %v", c.asked[0])
		}
	}
}

// TestNameOfWordsHeldApart: a run of capitalised words no passage holds
// together, each of which some passage holds ("Khazna Ajban": a company
// and the place of its campus), weighs by its words instead of making the
// question unanswerable.
func TestNameOfWordsHeldApart(t *testing.T) {
	st := storeWith(t, map[string]string{"khazna.md": article("Khazna signs power agreement for Abu Dhabi AI campus", "2026-03-04",
		"Khazna Data Centers signed a 25-year power purchase agreement for a new AI campus at Ajban, north-east of Abu Dhabi.\n\n"+
			"The campus targets a power usage effectiveness (PUE) of 1.25, Khazna said.")})
	ps, err := st.Search(context.Background(), "Khazna Ajban园区的PUE目标是多少？", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) == 0 || !strings.Contains(ps[0].Text, "1.25") {
		t.Errorf("first passages %q, want the one that states the PUE", titles(ps))
	}
	// A word held only in translation is held: "Irish DPC" is 爱尔兰…DPC.
	st = storeWith(t, map[string]string{"dpc.md": article("爱尔兰数据保护委员会就Grok训练数据对X开出罚单", "2026-08-27",
		"8月26日，爱尔兰数据保护委员会（DPC）宣布对X处以2.4亿欧元罚款。")})
	if got := firstArticle(t, st, "How big was the Irish DPC's fine on X?", Options{}); got != "dpc.md" {
		t.Errorf("Irish DPC: first %q, want dpc.md", got)
	}
}

// TestSubjectInTheSentenceBefore: the figure asked of a campus (JB7) is
// stated in a sentence that names its owner (Teraco), the campus named in
// the sentence before; a sentence that names nothing the question asks by
// name does not state it so. In rand, it is an amount of money.
func TestSubjectInTheSentenceBefore(t *testing.T) {
	campus := "The campus, called JB7, will have 60 megawatts of critical IT load when fully built."
	st := storeWith(t, map[string]string{"teraco.md": article("Teraco signs solar deal to power Johannesburg AI campus", "2026-03-10",
		campus+" Teraco put the total investment at 9.8 billion rand.")})
	statesEach(t, st.measure(t, "Teraco的JB7資料中心園區總投資金額是多少？"), "Teraco signs solar deal to power Johannesburg AI campus", map[string]bool{
		campus + " Teraco put the total investment at 9.8 billion rand.":        true,
		campus + " A rival operator put its investment at 2 billion rand.":      false,
		"Teraco put the total investment at 9.8 billion rand for its new site.": false, // JB7 named nowhere near
	})
}

// TestProcessNodeIsNoVersion: "TSMC 3nm" asks TSMC's 3-nanometre process
// (3奈米), not a version "TSMC 3" no passage names.
func TestProcessNodeIsNoVersion(t *testing.T) {
	st := openTestStore(t)
	for _, c := range st.parseQuery("TSMC 3nm share of wafer revenue in Q4 2024", Options{}).analyse() {
		if slices.Equal(c.asked[0], []string{"tsmc", "3"}) {
			t.Errorf("a concept asked as %v", c.asked[0])
		}
	}
}

// TestALossOfItsKind: a net loss is no operating loss, nor R&D spending
// a quarter's revenue; a loss asked of neither kind is held by both.
func TestALossOfItsKind(t *testing.T) {
	st := builtinStore(t, store.Options{})
	statesEach(t, st.measure(t, "Rebellions 2026年上半年净亏损多少？"), "Rebellions files for IPO", map[string]bool{
		"Its operating loss widened to 138.6 billion won in the first half of 2026.": false,
		"Its net loss widened to 141.2 billion won in the first half of 2026.":       true,
	})
	statesEach(t, st.measure(t, "三星晶圆代工二季度合计亏了多少？"), "Samsung earnings", map[string]bool{
		"The foundry business narrowed its operating loss to 0.6 trillion won in the second quarter.": true,
	})
	statesEach(t, st.measure(t, "长鑫科技第三季度研发投入是多少？"), "长鑫科技三季报", map[string]bool{
		"第三季度单季营收238.7亿元，单季净利润48.9亿元。": false,
		"前三季度研发投入52.8亿元。":              false,
		"第三季度研发投入19.6亿元，同比增长41%。":      true,
	})
}

// TestAnInputPriceIsPerToken: asked a price per input or output token, a
// sentence that speaks of no side and no tokens does not state it, however
// much money it names.
func TestAnInputPriceIsPerToken(t *testing.T) {
	st := builtinStore(t, store.Options{})
	statesEach(t, st.measure(t, "Qwen3-235B-A22B 在阿里云百炼上的API输入价格是多少？"), "阿里巴巴开源Qwen3系列", map[string]bool{
		"阿里巴巴宣布未来三年投入超过3800亿元建设云和AI硬件基础设施。":    false,
		"Qwen3-235B-A22B在百炼上的价格为每百万tokens 2元。": true,
		"Qwen3-235B-A22B的输入价格为2元。":             true,
	})
	statesEach(t, st.measure(t, "Qwen3-235B-A22B 在阿里云百炼上的API输入价格是多少？"), "大模型API价格战", map[string]bool{
		"DeepSeek-V3每百万tokens输入1元。Qwen3-235B-A22B为2元。":     true,  // an amount after a price per token
		"DeepSeek-V3每百万tokens输入1元。Qwen3-235B-A22B价格下调40%。": false, // a cut in percent is no price
	})
}

// TestAShortFormTitlesItsCompany: Taiwan's press titles a company's
// results by a short form of its name (神達 of 神達控股, MiTAC) too common
// as a word to be a name elsewhere: the title names it, so the passage's
// figure answers.
func TestAShortFormTitlesItsCompany(t *testing.T) {
	st := packWith(t, map[string]string{"mitac.md": article("神達第三季EPS 1.56元創新高", "2026-11-13",
		"伺服器廠神達（3706）12日公布第三季財報。稅後純益18.6億元，每股純益（EPS）1.56元，改寫單季新高。")})
	if got := firstArticle(t, st, "MiTAC Q3 2026 EPS", Options{}); got != "mitac.md" {
		t.Errorf("MiTAC: first %q, want mitac.md", got)
	}
	if got := firstArticle(t, st, "HIWIN Technologies EPS Q3 2026", Options{}); got != "" {
		t.Errorf("HIWIN: first %q, want nothing", got) // another firm's short form (上銀) titles nothing here
	}
}

// TestAGlossNamesTheArticle: an article that glosses the asked name in
// brackets after a name in characters its title holds is about what was
// asked, though the sentence of the figure says only 公司.
func TestAGlossNamesTheArticle(t *testing.T) {
	lead := "日本云服务商樱花互联网（Sakura Internet，3778.T）11月6日公布上半年业绩。"
	figure := "期内公司实现营收214.6亿日元，同比增长78.3%。"
	st := packWith(t, map[string]string{"sakura.md": article("樱花互联网上半财年营收增78%", "2026-11-07", lead+figure)})
	m := st.measure(t, "How much revenue did Sakura Internet report for April–September 2026?")
	statesEach(t, m, "樱花互联网上半财年营收增78%", map[string]bool{
		lead + figure: true,
		"日本云服务商樱花互联网11月6日公布上半年业绩。" + figure: false, // no gloss: 樱花 is no name the bridge knows
		"KDDI（KDDI Corp）公布业绩。" + figure:     false, // another firm glossed
	})
	statesEach(t, m, "KDDI上半财年营收增长", map[string]bool{lead + figure: false}) // a title that holds no such name
	for run, want := range map[string]bool{
		"好未来教育集团":    true,  // 好未来 runs in the title
		"在线教育服务商好未来": true,  // and ends this run
		"网易":         false, // a short run, held whole or not at all
		"教育集团":       false, // no three characters that begin or end it
	} {
		if got := titleHolds(corpus.Normalize("好未来二季度营收7.81亿美元增26%"), run); got != want {
			t.Errorf("titleHolds(%q) = %v, want %v", run, got, want)
		}
	}
}

// TestAModelNamedInPinyin: a versioned name in pinyin is a model's, which
// Chinese writes with the word for a model before its version (CongRong
// 4.0: 从容大模型4.0), though 从容 is also a word of the dictionary.
func TestAModelNamedInPinyin(t *testing.T) {
	st := packWith(t, map[string]string{"congrong.md": article("云从科技发布从容大模型4.0", "2026-10-10",
		"云从科技正式发布从容大模型4.0，并同步开放API服务，输出价格为每百万tokens 8元。")})
	if got := firstArticle(t, st, "What does CongRong 4.0 cost per million output tokens?", Options{}); got != "congrong.md" {
		t.Errorf("CongRong 4.0: first %q, want congrong.md", got)
	}
	if got := firstArticle(t, st, "What does CongRong 5.0 cost per million output tokens?", Options{}); got != "" {
		t.Errorf("CongRong 5.0: first %q, want nothing", got)
	}
}

// TestAProductNamedInPinyin: a name in pinyin before a word for a product
// may be a word of the dictionary (Jiutian: 九天); without one it is not.
func TestAProductNamedInPinyin(t *testing.T) {
	st := packWith(t, map[string]string{"jiutian.md": article("中国移动下调九天大模型调用价格", "2026-10-21",
		"在价格上，移动云MaaS平台将九天-专业版的调用价格下调至每百万Token 2元。")})
	if got := firstArticle(t, st, "What does China Mobile charge per million tokens for its Jiutian professional model?", Options{}); got != "jiutian.md" {
		t.Errorf("Jiutian professional model: first %q, want jiutian.md", got)
	}
	for q, want := range map[string]bool{
		"China Mobile's Jiutian model price":     true,
		"China Mobile's Jiutian models":          true,
		"China Mobile's Jiutian price":           false, // no word for a product after it
		"What did Jiutian say about the market?": false,
	} {
		pq := st.parseQuery(q, Options{})
		c := pq.analyse()
		i := slices.IndexFunc(c, func(c concept) bool { return c.name && c.pinyin == "jiutian" })
		if i < 0 {
			t.Fatalf("%q: no name Jiutian in %+v", q, c)
		}
		if c[i].product != want {
			t.Errorf("%q: product %v, want %v", q, c[i].product, want)
		}
	}
}

// TestAVersionWrittenWhole: a version asked as a whole number is the same
// version written with ".0", and a family's name that ends in a word for
// what it is (天工大模型) takes a version without that word: "Skywork 5
// Mini" is 天工5.0 Mini; another version is not.
func TestAVersionWrittenWhole(t *testing.T) {
	st := packWith(t, map[string]string{"skywork.md": article("昆仑万维发布天工5.0大模型", "2026-07-09",
		"针对高并发场景推出的轻量版天工5.0 Mini，价格为每百万tokens输入0.3元、输出1.2元。")})
	if got := firstArticle(t, st, "What does Skywork 5 Mini cost per million input tokens?", Options{}); got != "skywork.md" {
		t.Errorf("Skywork 5 Mini: first %q, want skywork.md", got)
	}
	if got := firstArticle(t, st, "What does Skywork 6 Mini cost per million input tokens?", Options{}); got != "" {
		t.Errorf("Skywork 6 Mini: first %q, want nothing", got)
	}
	for ver, want := range map[string][][]string{
		"5":       {{"5"}, {"5.0"}},
		"5.0":     {{"5.0"}, {"5"}},
		"2.5":     {{"2.5"}},
		"r 1":     {{"r", "1"}, {"r", "1.0"}},
		"5 mini":  {{"5", "mini"}, {"5.0", "mini"}},
		"4 o":     {{"4", "o"}, {"4.0", "o"}},
		"v 3.2 x": {{"v", "3.2", "x"}},
	} {
		if d := cmp.Diff(want, versionForms(strings.Fields(ver))); d != "" {
			t.Errorf("versionForms(%q) (-want +got):\n%s", ver, d)
		}
	}
	for names, want := range map[string][]string{
		"天工AI|Skywork AI|天工大模型": {"天工AI", "Skywork AI", "天工大模型", "天工", "Skywork"},
		"OpenAI|xAI":            {"OpenAI", "xAI"}, // no "Open"
	} {
		if d := cmp.Diff(want, familyNames(strings.Split(names, "|"))); d != "" {
			t.Errorf("familyNames(%q) (-want +got):\n%s", names, d)
		}
	}
}

// TestARateIsNoVersion: a decimal with a unit's letter after a firm's name
// is a rate ("Eoptolink 1.6T"), no version the corpus must hold beside the
// name; a whole number with one may name a model (Qwen-7B).
func TestARateIsNoVersion(t *testing.T) {
	for toks, want := range map[string][]string{
		"1.6 t":     nil,
		"3.2 t":     nil,
		"7 b":       {"7", "b"},
		"4 o":       {"4", "o"},
		"2.5 pro":   {"2.5"},
		"r 2":       {"r", "2"},
		"1.6 tbps":  {"1.6"},
		"800 g":     {"800", "g"},
		"3.1 405 b": {"3.1"},
	} {
		if d := cmp.Diff(want, version(strings.Fields(toks))); d != "" {
			t.Errorf("version(%q) (-want +got):\n%s", toks, d)
		}
	}
	st := packWith(t, map[string]string{"eoptolink.md": article("新易盛前三季度净利润增87% 1.6T光模块出货占比升至38%", "2026-10-28",
		"新易盛前三季度实现净利润118.6亿元。三季度1.6T光模块出货量占公司高速光模块总出货量的比例升至38%。")})
	if got := firstArticle(t, st, "Eoptolink 1.6T share of its high-speed module shipments", Options{}); got != "eoptolink.md" {
		t.Errorf("Eoptolink 1.6T: first %q, want eoptolink.md", got)
	}
}

// TestAnAcronymGlossedInCharacters: an acronym the question glosses in
// brackets after the words in characters it stands for (晶圆厂设备（WFE）)
// need not be in the passage: the words are.
func TestAnAcronymGlossedInCharacters(t *testing.T) {
	st := packWith(t, map[string]string{"lam.md": article("Lam Research sales beat estimates on memory orders", "2026-10-22",
		"Lam Research said it now expects global wafer fab equipment spending of about $120 billion in 2026, up from its earlier view.")})
	if got := firstArticle(t, st, "科林研發預估2026年全球晶圓廠設備（WFE）支出規模有多大？", Options{}); got != "lam.md" {
		t.Errorf("glossed WFE: first %q, want lam.md", got)
	}
	for q, want := range map[string]bool{
		"晶圓廠設備（WFE）支出":       true,
		"晶圓廠設備 (WFE) 支出":     true,
		"Lam Research（WFE）":  false, // a gloss of Latin words
		"WFE（晶圓廠設備）支出":       false, // the acronym glossed, not glossing
		"晶圓廠設備（WFE）與WFE2的支出": true,
	} {
		if got := glossesHan(q, "WFE"); got != want {
			t.Errorf("glossesHan(%q, WFE) = %v, want %v", q, got, want)
		}
	}
}

// TestASentenceStartIsNoName: an English question's first word,
// capitalised only as the sentence begins, is no part of the version after
// it ("Besides R1…" asks R1), unless it is a name ("Qwen 2.5…").
func TestASentenceStartIsNoName(t *testing.T) {
	st := builtinStore(t, store.Options{})
	for q, want := range map[string][]string{
		"Besides R1 and R1-Zero, how many distilled models did DeepSeek release?": {"r", "1"},
		"Qwen 2.5 pricing per million tokens":                                     {"qwen", "2.5"},
		"Zuoyebang 3 subscribers":                                                 {"zuoyebang", "3"},
	} {
		cs := st.parseQuery(q, Options{}).analyse()
		if !slices.ContainsFunc(cs, func(c concept) bool { return slices.Equal(c.asked[0], want) }) {
			t.Errorf("%q: no concept %q", q, want)
		}
		if slices.ContainsFunc(cs, func(c concept) bool { return c.asked[0][0] == "besides" && len(c.asked[0]) > 1 }) {
			t.Errorf("%q: a version begins with Besides", q)
		}
	}
}

// TestAFirmTitledByItsShortForm: a firm whose articles write only its
// short form (台灣大 for Taiwan Mobile, a form that also runs inside 台灣大學)
// is asked all the same: an article whose title begins with it answers.
func TestAFirmTitledByItsShortForm(t *testing.T) {
	st := packWith(t, map[string]string{"twm.md": article("台灣大第三季EPS 1.2元 5G用戶續增", "2026-11-11",
		"台灣大（3045）昨日公布第三季財報，稅後純益41億元。截至9月底，台灣大5G用戶數達368萬戶，滲透率約49%。")})
	if got := firstArticle(t, st, "How many 5G users did Taiwan Mobile have at the end of September 2026?", Options{}); got != "twm.md" {
		t.Errorf("Taiwan Mobile: first %q, want twm.md", got)
	}
	if got := firstArticle(t, st, "How many 5G users did Far EasTone have at the end of September 2026?", Options{}); got == "twm.md" {
		t.Error("Far EasTone is answered by Taiwan Mobile's article")
	}
}

// TestAFirmNamedInCharacters: a word before 科技, 集团… is a firm's name the
// table lacks, asked whole: an English passage that says "focus" and
// "technology" does not answer 星衡科技; a trade (金融科技) is no firm.
func TestAFirmNamedInCharacters(t *testing.T) {
	st := packWith(t, map[string]string{
		"payments.md": article("Payments firm lifts quarterly revenue on AI tools", "2026-10-22",
			"The company said its focus on AI technology lifted second-quarter revenue 18% to 21 billion rupees."),
		"focus.md": article("焦点科技三季报：营收增长12%", "2026-10-24", "焦点科技第二季度单季营收5.1亿元，同比增长9%。"),
	})
	if got := firstArticle(t, st, "焦点科技第二季度收入是多少？", Options{}); got != "focus.md" {
		t.Errorf("焦点科技: first %q, want focus.md", got)
	}
	if got := firstArticle(t, st, "星衡科技第二季度收入是多少？", Options{}); got == "payments.md" {
		t.Error("星衡科技 is answered by an English passage that says focus and technology")
	}
	for q, want := range map[string]bool{
		"星衡科技第二季度收入": true,
		"引发科技股抛售":    false, // a verb before it
		"金融科技公司的收入":  false,
		"阿里巴巴集团的收入":  false, // the table's
		"人工智能科技的发展":  false,
	} {
		cs := st.parseQuery(q, Options{}).analyse()
		got := slices.ContainsFunc(cs, func(c concept) bool { return c.entity && !c.alias })
		if got != want {
			t.Errorf("%q: a firm's name %v, want %v", q, got, want)
		}
	}
}

// TestANameGlossedByItsArticle: a Latin name with a version that passages
// hold only without it (AInnoGPT) is also the name in characters an article
// pairs it with in brackets (「奇智孔明」（AInnoGPT）), the version after it:
// 奇智孔明4.0; another version is not.
func TestANameGlossedByItsArticle(t *testing.T) {
	st := packWith(t, map[string]string{"ainno.md": article("創新奇智中期收入增38%", "2026-08-28",
		"業績報告顯示，與「奇智孔明」（AInnoGPT）工業大模型相關的收入達4.31億元。\n\n集團於6月發布奇智孔明4.0，輸出價格為每百萬tokens 6元。")})
	if got := firstArticle(t, st, "What does AInnoGPT 4.0 cost per million output tokens?", Options{}); got != "ainno.md" {
		t.Errorf("AInnoGPT 4.0: first %q, want ainno.md", got)
	}
	if got := firstArticle(t, st, "What does AInnoGPT 5.0 cost per million output tokens?", Options{}); got != "" {
		t.Errorf("AInnoGPT 5.0: first %q, want nothing", got)
	}
	for text, want := range map[string][]string{
		"与“奇智孔明”(ainnogpt)工业大模型": {"奇智孔明"},                                 // quoted: the whole name
		"ainnogpt(奇智孔明),":        {"奇智孔明"},                                 // the other way round
		"旗下奇智孔明(ainnogpt)":       {"孔明", "智孔明", "奇智孔明", "下奇智孔明", "旗下奇智孔明"}, // a run's last characters
		"ainnogpt发布":             nil,
	} {
		if d := cmp.Diff(want, glossesOf("ainnogpt", []string{text})); d != "" {
			t.Errorf("glossesOf(%q) (-want +got):\n%s", text, d)
		}
	}
}

// TestANameThatBeginsAFirmsName: a name no passage holds that begins one
// firm's English name in the alias table asks that firm ("Gigabyte", left
// out alone as a unit of storage, is Gigabyte Technology: 技嘉).
func TestANameThatBeginsAFirmsName(t *testing.T) {
	st := packWith(t, map[string]string{"gigabyte.md": article("技嘉第三季EPS 7.28元創新高", "2026-11-07",
		"技嘉（2376）6日公布第三季財報，稅後純益46.3億元，每股純益（EPS）7.28元，改寫單季歷史新高。")})
	if got := firstArticle(t, st, "What was Gigabyte's earnings per share in the third quarter of 2026?", Options{}); got != "gigabyte.md" {
		t.Errorf("Gigabyte: first %q, want gigabyte.md", got)
	}
	for q, want := range map[string]bool{
		"What was Gigabyte's EPS?":                  true,
		"XPeng's robotaxi fleet in Guangzhou":       false, // a name in pinyin: the city, not Guangzhou Automobile
		"MTN MoMo monthly active users":             false, // a product after its maker's name, not Momo Inc
		"What is ASE's capex budget for 2026?":      true,  // an acronym, no pinyin (a se)
		"What does Cursor's Pro plan cost a month?": true,  // asked by the name as written (see weighConcepts)
	} {
		pq := st.parseQuery(q, Options{})
		if got := len(pq.begun) > 0; got != want {
			t.Errorf("%q: begun %v, want %v", q, pq.begun, want)
		}
	}
	// A name the corpus holds as written (the pack's "Cursor") is its own.
	qs := []query{st.parseQuery("What does Cursor's Pro plan cost a month?", Options{})}
	if _, _, err := st.weighConcepts(context.Background(), qs); err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(qs[0].entities, func(e corpus.Entity) bool { return e.ID == "cursor" }) {
		t.Error("Cursor, which passages hold, still asks the table's Cursor AI")
	}
}

// TestASentencePointingBack: a sentence that begins by pointing back (据公司,
// 其, "the company") may take what its figure is of from the sentence
// before; one that does not, may not.
func TestASentencePointingBack(t *testing.T) {
	st := packWith(t, map[string]string{"congrong.md": article("云从科技前三季度营收5.82亿元", "2026-10-30",
		"云从科技正式发布从容大模型4.0，并同步开放API服务。据公司官网披露，旗舰版输出价格为每百万tokens 8元。")})
	launch := "云从科技正式发布从容大模型4.0，并同步开放API服务。"
	statesEach(t, st.measure(t, "What does CongRong 4.0 cost per million output tokens?"), "云从科技前三季度营收5.82亿元", map[string]bool{
		launch + "据公司官网披露，旗舰版输出价格为每百万tokens 8元。": true,
		launch + "旗舰版输出价格为每百万tokens 8元。":         false, // names nothing asked, points back to nothing
	})
}

// TestAChangeAskedByHowMuch: asked by how much a price rose, a rate of
// change answers as an amount of money does; asked the price, it does not.
func TestAChangeAskedByHowMuch(t *testing.T) {
	st := builtinStore(t, store.Options{})
	rose := "三季度DDR5合约价环比上涨约28%，企业级SSD合约价环比上涨约22%。"
	statesEach(t, st.measure(t, "By how much did DDR5 contract prices rise quarter-on-quarter in Q3?"), "存储涨价周期下三季度扭亏", map[string]bool{rose: true})
	statesEach(t, st.measure(t, "What was the DDR5 contract price in Q3?"), "存储涨价周期下三季度扭亏", map[string]bool{rose: false})
	statesEach(t, st.measure(t, "三季度DDR5合约价格涨了多少？"), "存储涨价周期下三季度扭亏", map[string]bool{rose: true})
}

// TestATitleThatShortensTheName: a title that begins with the first
// characters of an asked firm's name (華虹 for 華虹半導體) names it; one that
// begins with a word that names something else (中国) does not.
func TestATitleThatShortensTheName(t *testing.T) {
	st := packWith(t, map[string]string{"huahong.md": article("華虹第三季收入增29%至6.48億美元", "2026-11-07",
		"按技術平台劃分，集團功率分立器件收入1.72億美元，按年增長33%。")})
	if got := firstArticle(t, st, "华虹半导体第三季度功率分立器件收入是多少？", Options{}); got != "huahong.md" {
		t.Errorf("華虹: first %q, want huahong.md", got)
	}
	for title, want := range map[string]bool{"華虹第三季收入增29%": true, "华虹半导体第三季收入": true, "中国第三季收入": false} {
		if _, got := st.titledBy(title, st.parseQuery("华虹半导体第三季度收入", Options{}).entities); got != want {
			t.Errorf("titledBy(%q) = %v, want %v", title, got, want)
		}
	}
	if _, got := st.titledBy("中国移动第三季收入", st.parseQuery("中国电信第三季度收入", Options{}).entities); got {
		t.Error("中国移动's title is taken for 中国电信's")
	}
}

// TestWhatAFirmEarnsFrom: what a firm earns or makes from a business is
// that business's revenue, not the firm's net profit.
func TestWhatAFirmEarnsFrom(t *testing.T) {
	st := builtinStore(t, store.Options{})
	for q, want := range map[string]string{
		"How much did Sunny Optical earn from AR/VR modules in H1 2026?": "term-revenue",
		"How much did Longsys make from enterprise storage in Q3?":       "term-revenue",
		"How much did Sunny Optical earn in H1 2026?":                    "term-net-profit",
	} {
		es := st.parseQuery(q, Options{}).entities
		if !slices.ContainsFunc(es, func(e corpus.Entity) bool { return e.ID == want }) {
			t.Errorf("%q asks %v, want %s", q, es, want)
		}
	}
}

// TestAFirmNamedByTheFirstWordOfItsProduct: a sentence naming the first
// word of an asked product's name ("Tempus" of Tempus One) may take what
// its figure is of from the sentence before; and "The API…" points back.
func TestAFirmNamedByTheFirstWordOfItsProduct(t *testing.T) {
	charges := "Tempus charges health systems a subscription for its premium version, priced at $1,500 per provider a year."
	st := packWith(t, map[string]string{"tempus.md": article("Tempus AI revenue rises 30%", "2026-11-05",
		"The company's assistant, Tempus One, is used by 16,000 providers. "+charges)})
	statesEach(t, st.measure(t, "What does Tempus One's premium version cost?"), "Tempus AI revenue rises 30%", map[string]bool{
		"The company's assistant, Tempus One, is used by 16,000 providers. " + charges: true,
		"The company's genomics unit grew 25%. " + charges:                             false,
	})
	statesEach(t, st.measure(t, "Sabiá-4的API输出价格是每百万tokens多少雷亚尔？"), "Maritaca raises Series B", map[string]bool{
		"Maritaca launched its Sabiá-4 model in June 2026. The API is priced at 5 reais per million input tokens and 15 reais per million output tokens.": true,
		"Maritaca raised money in June 2026. Prices are 5 reais per million input tokens and 15 reais per million output tokens.":                         false,
	})
}

// TestHowManyCountsWhatFollows: the measure word after 多少 or 几 counts
// what follows ("多少台风机": 风机, no typhoon); 哪几位 asks which.
func TestHowManyCountsWhatFollows(t *testing.T) {
	st := builtinStore(t, store.Options{})
	cs := st.parseQuery("风电场一共有多少台风机？", Options{}).analyse()
	if !slices.ContainsFunc(cs, func(c concept) bool { return slices.Equal(c.asked[0], []string{"风机"}) }) ||
		slices.ContainsFunc(cs, func(c concept) bool { return slices.Equal(c.asked[0], []string{"台风"}) }) {
		t.Errorf("多少台风机: concepts %v", cs)
	}
	for q, want := range map[string]factKind{
		"风电场一共有多少台风机？":          countFact,
		"Mistral AI是哪幾位創辦人成立的？": nameFact,
		"公司有几位创办人？":             countFact,
	} {
		if got := askedFor(q); got != want {
			t.Errorf("askedFor(%q) = %v, want %v", q, got, want)
		}
	}
	for sentence, want := range map[string]bool{
		"Meta used more than one million human annotations.":           true,
		"Orders below about 1,700 advanced GPUs need no license.":      true,
		"Maverick beats GPT-4o and Gemini 2.0 Flash across benchmarks": false,
	} {
		if got := statesFact(countFact, sentence, nil, nil); got != want {
			t.Errorf("statesFact(count, %q) = %v, want %v", sentence, got, want)
		}
	}
}

// TestTheQuarterAskedAsPassagesWriteIt: a quarter named in the question is
// held by 第三季 and "Q3" as by 季度 and "quarter".
func TestTheQuarterAskedAsPassagesWriteIt(t *testing.T) {
	st := builtinStore(t, store.Options{})
	cs := st.parseQuery("Appier net revenue retention in the third quarter", Options{}).analyse()
	i := slices.IndexFunc(cs, func(c concept) bool { return c.id == "term-quarter" })
	if i < 0 {
		t.Fatalf("no quarter among %v", cs)
	}
	for _, text := range []string{"沛星第三季營收年增31%", "Appier Q3 revenue", "the quarter's revenue"} {
		toks := corpus.Tokens(text)
		if !holdsAny(toks, indexTokens(toks), cs[i].alts) {
			t.Errorf("%q holds no quarter (%v)", text, cs[i].alts)
		}
	}
	if slices.ContainsFunc(cs, func(c concept) bool { return c.asked[0][0] == "third" }) {
		t.Error("the ordinal of the quarter is asked as a word")
	}
}

// TestAMarketShareAskedAcrossLanguages: a market share (份额, 市占率) is
// what a passage says a firm holds "of the market", which the dictionary
// does not give.
func TestAMarketShareAskedAcrossLanguages(t *testing.T) {
	st := packWith(t, map[string]string{"share.md": article("Alibaba Cloud widens its lead in China's public cloud", "2026-09-10",
		"Analysts at Canalys estimate that Alibaba Cloud holds about 35% of the market for public-cloud infrastructure services in China, ahead of Huawei Cloud.")})
	q := "阿里云在中国公有云基础设施服务市场的份额是多少？"
	if got := firstArticle(t, st, q, Options{}); got != "share.md" {
		t.Errorf("first %q, want share.md", got)
	}
	statesEach(t, st.measure(t, q), "Alibaba Cloud widens its lead in China's public cloud", map[string]bool{
		"Analysts estimate that Alibaba Cloud holds about 35% of the market for public-cloud infrastructure services in China.": true,
		"Alibaba Cloud's public-cloud infrastructure revenue in China grew 35%.":                                                false,
	})
}

// TestAConditionsThresholdIsNoFigure: a licence's "若…月收入超过2000万美元"
// states no revenue, unless the threshold is what is asked.
func TestAConditionsThresholdIsNoFigure(t *testing.T) {
	st := builtinStore(t, store.Options{})
	licence := "若基于该模型的商业产品或服务月活跃用户超过1亿，或月收入超过2000万美元，需在产品界面上显著标注。"
	reported := "该应用2025年6月的月活跃用户超过1亿。"
	statesEach(t, st.measure(t, "How many monthly active users did the app have in June 2025?"), "开源模型的许可证", map[string]bool{licence: false, reported: true})
	statesEach(t, st.measure(t, "Above what monthly revenue must a product built on the model show its name?"), "开源模型的许可证", map[string]bool{licence: true})
}

// TestTheSourceOfAFigureIsNoSubject: asked Alibaba Cloud's share "by
// IDC's count", a sentence that cites IDC for another firm's share does
// not answer; a firm that reports a figure is no source.
func TestTheSourceOfAFigureIsNoSubject(t *testing.T) {
	st := builtinStore(t, store.Options{})
	statesEach(t, st.measure(t, "按IDC统计，2025年上半年阿里云在中国公有云大模型调用量中占多少份额？"), "IDC：公有云大模型调用量", map[string]bool{
		"譚待引用IDC的報告指出，火山引擎的市占率已升至2025年上半年的49.2%。":                                 false,
		"IDC data show Alibaba Cloud held a 27% share in the first half of 2025.": true,
	})
	for q, want := range map[string][]string{
		"According to IDC, what was Volcano Engine's share of MaaS token calls?": {"idc"},
		"IDC统计的2025年上半年调用量里，阿里云占多少份额？":                                           {"idc"},
		"What monthly active users did Baichuan report?":                         nil,
		"铠侠数据中心SSD收入占总营收的比例是多少？":                                                 nil,
	} {
		pq := st.parseQuery(q, Options{})
		var got []string
		for id := range sourcesNamed(corpus.Normalize(pq.text), pq.entities) {
			got = append(got, id)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%q: sources (-want +got):\n%s", q, d)
		}
	}
}

// TestAnOutlookYearTitlesNoQuarter: asked a company's own quarter, a year
// the title looks ahead to ("2027 outlook") is no period of the article's
// figures; asked a calendar quarter, a title of another year still is.
func TestAnOutlookYearTitlesNoQuarter(t *testing.T) {
	st := builtinStore(t, store.Options{})
	title := "HP beats estimates as AI PCs reach 38% of shipments; memory costs cloud 2027 outlook"
	text := "Personal Systems revenue climbed 6.4% to $10.18 billion. The segment's operating margin was 6.1%, down from 6.8% in the prior quarter."
	statesEach(t, st.measure(t, "惠普个人系统业务第四财季营业利润率"), title, map[string]bool{text: true})
	statesEach(t, st.measure(t, "What was HP's Personal Systems operating margin in Q2 2026?"), title, map[string]bool{text: false})
}

// TestAQuoteOfTheAskedQuarter: asked a quarter's outlook, the sentence of
// that quarter comes before the one of the full year, though the latter
// names the outlook.
func TestAQuoteOfTheAskedQuarter(t *testing.T) {
	text := "For the fourth quarter, Celestica expects revenue of $4.10 billion to $4.40 billion and adjusted EPS of $2.10 to $2.26. It raised its full-year 2026 outlook to revenue of about $15.2 billion and adjusted EPS of $7.85."
	st := storeWith(t, map[string]string{"c.md": article("Celestica lifts 2026 target", "2026-10-29", text)})
	r, err := st.QuoteRanker(context.Background(), "Celestica 對2026年第四季的營收展望區間為何？")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := r.Best("Celestica lifts 2026 target", text, 1); !strings.Contains(got, "$4.10 billion") {
		t.Errorf("Best = %q, want the fourth quarter's", got)
	}
}

// TestACountBeforeWhatItCounts: a count of what is asked is stated before
// it too ("820,000 paying users"), though the question asks no "how many".
func TestACountBeforeWhatItCounts(t *testing.T) {
	st := builtinStore(t, store.Options{})
	statesEach(t, st.measure(t, "SK電信A. Pro付費用戶數"), "SK Telecom says A. Pro won paying users", map[string]bool{
		"The Pro tier of SK Telecom's A. had 820,000 paying users.":       true,
		"SK Telecom's paying users grew quickly after the A. Pro launch.": false,
	})
}

// TestTheBusinessAsked: asked the figure of a business (汽车电子业务, "the
// notebook business"), a sentence of another business does not state it;
// one that names it, or follows one that does, does.
func TestTheBusinessAsked(t *testing.T) {
	st := builtinStore(t, store.Options{})
	statesEach(t, st.measure(t, "长电科技三季度汽车电子业务收入是多少亿元？"), "长电科技三季度净利增长", map[string]bool{
		"第三季度，先进封装业务收入52.3亿元。":             false,
		"第三季度，汽车电子业务收入18.6亿元。":             true,
		"汽车电子业务表现突出。第三季度该业务收入18.6亿元。":      true,
		"汽车电子业务表现突出。\n\n第三季度先进封装收入52.3亿元。": false,
	})
	statesEach(t, st.measure(t, "戴爾上一財季基礎架構解決方案事業群（ISG）營收多少？"), "戴爾財報", map[string]bool{ // the period before is no business; the acronym names it
		"ISG revenue rose 16% to $16.2 billion.": true,
		"CSG revenue fell 2% to $12.1 billion.":  false,
		"上一財季總營收為290億美元，年增12%。":                  false,
	})
	statesEach(t, st.measure(t, "What revenue did Inventec's notebook business generate in Q3 2026?"), "Inventec third-quarter results", map[string]bool{
		"Server revenue rose 30% to NT$80 billion in the third quarter.":  false,
		"Notebook revenue fell 5% to NT$45 billion in the third quarter.": true,
	})
}

// TestTheLeadTellsTheQuarter: under a title that names no quarter
// ("…lifts 2026 target"), a sentence naming no period speaks of the
// quarter its article's lead reports on.
func TestTheLeadTellsTheQuarter(t *testing.T) {
	st := builtinStore(t, store.Options{})
	title := "Celestica posts 26% revenue growth on hyperscaler switch demand, lifts 2026 target"
	opening := "Celestica Inc. (NYSE, TSX: CLS) reported third-quarter 2026 revenue of $3.96 billion, up 26% from a year earlier. Adjusted earnings per share were $2.03."
	text := "Within CCS, hardware platform solutions (HPS) generated $1.62 billion, up 51%."
	for q, want := range map[string]bool{
		"Celestica 旗下硬件平台解决方案（HPS）业务2026年第三季度收入多少？": true,
		"Celestica 旗下硬件平台解决方案（HPS）业务2026年第二季度收入多少？": false,
	} {
		if got := statesMeasure(st.measure(t, q), title, opening, text); got != want {
			t.Errorf("%q: statesMeasure = %v, want %v", q, got, want)
		}
	}
	if statesMeasure(st.measure(t, "Celestica 旗下硬件平台解决方案（HPS）业务2026年第三季度收入多少？"), title, "", text) {
		t.Error("without its lead, the sentence is taken for the third quarter's under a title of the year")
	}
	// A month asked may end the lead's quarter: the lead does not tell.
	m := st.measure(t, "What share of Nvidia's data-centre revenue came from the five largest cloud providers in the quarter that ended in October 2026?")
	if !statesMeasure(m, "Nvidia quarterly sales reach $81.2 billion", "Nvidia on Wednesday reported revenue of $81.2 billion for the third quarter of fiscal 2027.",
		"Chief financial officer Colette Kress said the five largest cloud providers made up about 48% of data-centre revenue.") {
		t.Error("asked the quarter that ended in October, the fiscal third quarter's lead rules out its sentence")
	}
}
