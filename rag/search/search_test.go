package search

import (
	"context"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/store"
	"github.com/marketbot/marketbot/rag/store/sqldb"
	"github.com/marketbot/marketbot/rag/store/storetest"
)

// testStore is a store with a searcher over it.
type testStore struct {
	*store.Store
	*Searcher
}

// builtinStore is the built-in pack's store and a searcher over it, on the
// store's clock.
func builtinStore(t testing.TB, opt store.Options) testStore {
	t.Helper()
	return over(t, storetest.Builtin(t, opt), opt.Now)
}

// over is st with a searcher on the clock now (nil: the system's).
func over(t testing.TB, st *store.Store, now func() time.Time) testStore {
	t.Helper()
	s, err := New(st, Config{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return testStore{st, s}
}

func firstArticle(t *testing.T, st testStore, q string, opt Options) string {
	t.Helper()
	ps, err := st.Search(context.Background(), q, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) == 0 {
		return ""
	}
	return path.Base(ps[0].Path)
}

func TestFuse(t *testing.T) {
	bm := []sqldb.Candidate{{Chunk: 1}, {Chunk: 2}, {Chunk: 3}}
	vec := []sqldb.Candidate{{Chunk: 3}, {Chunk: 4}, {Chunk: 1}}
	got := fuse(10, []float64{1, 1}, bm, vec)
	var order []int64
	for _, c := range got {
		order = append(order, c.Chunk)
	}
	// 1: 1/61+1/63, 3: 1/63+1/61, tie kept in first-seen order; then 2, 4.
	if d := cmp.Diff([]int64{1, 3, 2, 4}, order); d != "" {
		t.Errorf("fused order (-want +got):\n%s", d)
	}
	// With the vector leg weighted down, its second passage (4) falls behind
	// BM25's second (2); the limit keeps the first two: 1, then 3.
	got = fuse(4, []float64{1, 0.1}, bm, vec)
	order = order[:0]
	for _, c := range got {
		order = append(order, c.Chunk)
	}
	if d := cmp.Diff([]int64{1, 3, 2, 4}, order); d != "" {
		t.Errorf("weighted fusion (-want +got):\n%s", d)
	}
	if got := fuse(2, []float64{1, 1}, bm, vec); len(got) != 2 {
		t.Errorf("fuse kept %d candidates, want the limit of 2", len(got))
	}
}

func TestSearchFloorAndAliases(t *testing.T) {
	st := builtinStore(t, store.Options{})
	for _, q := range []string{
		"What is the current price of Bitcoin?",
		"How much does Tesla charge for Full Self-Driving?",
		"When will OpenAI release GPT-6?",
	} {
		if got := firstArticle(t, st, q, Options{}); got != "" {
			t.Errorf("unanswerable %q found %s", q, got)
		}
	}
	for _, q := range []string{
		"火山方舟接入了哪些模型？",
		"Which models did Volcano Engine's Ark host at launch?", // English asks Chinese
		"火山方舟上線了哪些模型？",                                          // Traditional asks Simplified
	} {
		if got := firstArticle(t, st, q, Options{}); !strings.Contains(got, "volcano") {
			t.Errorf("%q → %q, want an article about Volcano Engine's Ark", q, got)
		}
	}
}

func TestSearchDates(t *testing.T) {
	st := builtinStore(t, store.Options{})
	ctx := context.Background()
	ps, err := st.Search(ctx, "Qwen", Options{Top: 10, Since: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) == 0 {
		t.Fatal("nothing about Qwen since 2025")
	}
	for _, p := range ps {
		if p.Published.Before(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("--since 2025 returned %s of %s", p.Title, p.Published.Format(time.DateOnly))
		}
	}
	ps, err = st.Search(ctx, "2024年5月有哪些大模型降价？", Options{Top: 10})
	if err != nil {
		t.Fatal(err)
	}
	// Articles of the period first; then, filling up, articles of any date
	// that name the period (an event retold later).
	inPeriod := true
	for _, p := range ps {
		in := !p.Published.Before(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)) && p.Published.Before(time.Date(2024, 7, 2, 0, 0, 0, 0, time.UTC))
		if in && !inPeriod {
			t.Errorf("%s of %s, of the period, ranks after passages from other dates", p.Title, p.Published.Format(time.DateOnly))
		}
		inPeriod = inPeriod && in
		if !in && !strings.Contains(p.Text, "2024年5月") && !strings.Contains(p.Text, "May 2024") && !regexp.MustCompile(`May \d{1,2}, 2024`).MatchString(p.Text) {
			t.Errorf("a question about May 2024 returned %s of %s, which does not name May 2024:\n%s", p.Title, p.Published.Format(time.DateOnly), p.Text)
		}
	}
	if got := firstArticle(t, st, "最新开源的Qwen模型是哪个？", Options{}); got != "2025-04-29-alibaba-qwen3-open-source.md" {
		t.Errorf("latest Qwen → %s, want the Qwen3 article", got)
	}
	if got := firstArticle(t, st, "last month's model launches", Options{}); got != "" {
		t.Errorf("nothing in the pack is from last month, but got %s", got)
	}
}

func TestSearchAcrossScripts(t *testing.T) {
	ctx := context.Background()
	st := openTestStore(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "trad.md"), article("輝達股價重挫", "2025-01-27", "受DeepSeek衝擊，輝達股價單日下跌約17%，市值蒸發約5890億美元，資料中心業務前景引發市場(chǎng)疑慮。"))
	writeFile(t, filepath.Join(dir, "simp.md"), article("火山方舟接入DeepSeek", "2025-02-13", "火山方舟上线DeepSeek-R1满血版，提供每分钟500万tokens的初始额度，软件开发者可直接调用。"))
	writeFile(t, filepath.Join(dir, "en.md"), article("Llama 3", "2024-04-18", "Meta released Llama 3 in 8B and 70B sizes."))
	if _, err := store.Ingest(ctx, st.Store, []string{dir}, store.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	for q, wantTitle := range map[string]string{
		"辉达股价下跌多少":      "輝達股價重挫",         // Simplified asks, Traditional answers
		"数据中心市场":        "輝達股價重挫",         // Taiwan 資料 is mainland 数据
		"火山方舟上線了哪些模型":   "火山方舟接入DeepSeek", // Traditional asks, Simplified answers
		"軟體開發者":         "火山方舟接入DeepSeek", // Taiwan vocabulary asks
		"ＬＬＡＭＡ　３ sizes": "Llama 3",        // full width
	} {
		ps, err := st.Search(ctx, q, Options{Top: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) == 0 || ps[0].Title != wantTitle {
			t.Errorf("Search(%q) = %v, want %q first", q, titles(ps), wantTitle)
		}
	}
}

func TestSearchReturnsDistinctArticles(t *testing.T) {
	ctx := context.Background()
	st := openTestStore(t)
	dir := t.TempDir()
	long := strings.Repeat("DeepSeek-V3 is a mixture-of-experts model with 671B parameters and 37B active. ", 40)
	writeFile(t, filepath.Join(dir, "long.md"), article("DeepSeek-V3 deep dive", "2024-12-26", long))
	writeFile(t, filepath.Join(dir, "other.md"), article("DeepSeek-R1", "2025-01-20", "DeepSeek-R1 builds on DeepSeek-V3 and was released under the MIT license."))
	writeFile(t, filepath.Join(dir, "copy.md"), article("DeepSeek-V3 deep dive (syndicated)", "2024-12-27", long))
	if _, err := store.Ingest(ctx, st.Store, []string{dir}, store.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	ps, err := st.Search(ctx, "DeepSeek-V3 model", Options{Top: 5, PerArticle: 2})
	if err != nil {
		t.Fatal(err)
	}
	perArticle := map[int64]int{}
	seen := map[string]bool{}
	for _, p := range ps {
		perArticle[p.ArticleID]++
		if perArticle[p.ArticleID] > 2 {
			t.Errorf("more than 2 passages from article %q", p.Title)
		}
		if seen[p.Text] {
			t.Errorf("passage repeated: %.60q", p.Text)
		}
		seen[p.Text] = true
	}
	if len(perArticle) < 2 {
		t.Errorf("results come from %d article(s), want several: %v", len(perArticle), titles(ps))
	}
}

func TestDiversifyFillsWhatOtherArticlesCannot(t *testing.T) {
	p := func(article int64, text string) store.Passage { return store.Passage{ArticleID: article, Text: text} }
	texts := func(ps []store.Passage) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Text)
		}
		return out
	}
	opt := Options{Top: 5, PerArticle: 2}
	// Only two articles qualify: the third and fourth passages of the first
	// fill the slots, in their order, after the second article's.
	few := []store.Passage{p(1, "a1"), p(1, "a2"), p(1, "a3"), p(2, "b1"), p(1, "a4"), p(1, "a5")}
	if diff := cmp.Diff([]string{"a1", "a2", "a3", "b1", "a4"}, texts(diversify(few, opt))); diff != "" {
		t.Errorf("two articles (-want +got):\n%s", diff)
	}
	// Enough articles: the cap holds, and repeated text is dropped.
	many := []store.Passage{p(1, "a1"), p(1, "a2"), p(1, "a3"), p(2, "b1"), p(3, "b1"), p(3, "c1"), p(4, "d1"), p(5, "e1")}
	if diff := cmp.Diff([]string{"a1", "a2", "b1", "c1", "d1"}, texts(diversify(many, opt))); diff != "" {
		t.Errorf("many articles (-want +got):\n%s", diff)
	}
}

// storeWith returns a test store holding the given Markdown files (name →
// content).
func storeWith(t *testing.T, files map[string]string) testStore {
	t.Helper()
	st := openTestStore(t)
	dir := t.TempDir()
	for name, md := range files {
		writeFile(t, filepath.Join(dir, name), md)
	}
	if _, err := store.Ingest(context.Background(), st.Store, []string{dir}, store.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestNamesAsTheArticleGivesThem: an acronym a question asks by counts as
// held by a passage whose article's tags hold it, or whose text spells the
// name out; and a plural product code (H100s) by one that holds the code.
func TestNamesAsTheArticleGivesThem(t *testing.T) {
	spelled := "The order directs the National Institute of Standards and Technology to set red-team testing standards within 270 days."
	agency := "The order directs the standards agency to set red-team testing standards within 270 days."
	for _, tc := range []struct {
		body, tags string
		want       int
	}{{agency, "", 0}, {agency, "tags: [NIST, executive order]\n", 1}, {spelled, "", 1}} {
		md := strings.Replace(article("White House issues AI executive order", "2023-10-30", tc.body), "source: Example\n", "source: Example\n"+tc.tags, 1)
		st := storeWith(t, map[string]string{"eo.md": md})
		ps, err := st.Search(context.Background(), "How long does NIST have to set red-team testing standards?", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != tc.want {
			t.Errorf("%.30q, tags %q: %d passages, want %d", tc.body, tc.tags, len(ps), tc.want)
		}
	}
	st := storeWith(t, map[string]string{"llama.md": article("Meta releases Llama 3.1", "2024-07-23",
		"Meta trained Llama 3.1 405B on more than 16,000 Nvidia H100 GPUs.")})
	if ps, err := st.Search(context.Background(), "How many H100s did Meta train Llama 3.1 on?", Options{}); err != nil || len(ps) == 0 {
		t.Errorf("H100s: %d passages, %v; want the Llama 3.1 article", len(ps), err)
	}
	if got, want := acronymsOf("The Bureau of Industry and Security and the International Mathematical Olympiad; Nvidia said. PlayStation Network counted 124 million users."), "BIS\nIMO\nPSN\n"; got != want {
		t.Errorf("acronymsOf = %q, want %q", got, want)
	}
}

// TestAmountsCrossLanguages: 66亿 in a Chinese question is the $6.6
// billion of an English article, and "$40B" the 400 of 400亿.
func TestAmountsCrossLanguages(t *testing.T) {
	st := storeWith(t, map[string]string{
		"a.md": article("OpenAI closes a new round", "2024-10-02", "OpenAI raised $6.6 billion at a $157 billion valuation."),
		"b.md": article("OpenAI closes a bigger round", "2025-03-31", "OpenAI raised $40 billion at a $300 billion valuation."),
	})
	for q, want := range map[string]string{
		"OpenAI那轮66亿美元融资的估值是多少？":  "OpenAI closes a new round",
		"OpenAI那轮400亿美元融资的估值是多少？": "OpenAI closes a bigger round",
	} {
		ps, err := st.Search(context.Background(), q, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) == 0 || ps[0].Title != want {
			t.Errorf("%s: %v, want %q first", q, titles(ps), want)
		}
	}
}

// TestUnknownChineseWordsAcrossLanguages: a Chinese word neither the
// corpus nor the dictionary knows (美光, a name an English article writes
// "Micron") weighs less against an English passage, as the dictionary's
// words it cannot translate do; against a Chinese one it keeps its weight.
func TestUnknownChineseWordsAcrossLanguages(t *testing.T) {
	st := builtinStore(t, store.Options{})
	for name, md := range map[string]string{
		"a.md": article("Micron posts record quarter", "2026-09-24",
			"Micron Technology reported revenue of $15.2 billion for its fiscal fourth quarter, up 46% from a year earlier."),
		"b.md": article("存储芯片厂商营收创新高", "2026-09-25", "另一家存储芯片厂商第四季度营收达到120亿美元，同比增长30%。"),
	} {
		if _, err := st.Put(context.Background(), mustArticle(t, name, md)); err != nil {
			t.Fatal(err)
		}
	}
	ps, err := st.Search(context.Background(), "美光2026财年第四季度的营收是多少？", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) == 0 || ps[0].Title != "Micron posts record quarter" {
		t.Errorf("got %v, want the English article first", titles(ps))
	}
	if slices.Contains(titles(ps), "存储芯片厂商营收创新高") {
		t.Errorf("got %v: the Chinese article lacks 美光", titles(ps))
	}
}

// TestADescriptiveNameMayBeTranslated: a capitalised name made of
// dictionary words ("External Trade Development Council") that no passage
// holds may be one a Chinese article calls by its own name (外貿協會): it
// weighs as unknown wording, and vetoes nothing; a coined name does.
func TestADescriptiveNameMayBeTranslated(t *testing.T) {
	st := builtinStore(t, store.Options{})
	md := article("外貿協會：台灣AI伺服器出口前三季成長35%", "2026-10-20", "外貿協會表示，2026年前三季台灣AI伺服器出口金額達新台幣1.2兆元，年增35%。")
	if _, err := st.Put(context.Background(), mustArticle(t, "taitra.md", md)); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]bool{
		"By how much did Taiwan's AI server exports grow in 2026, according to the External Trade Development Council?": true,
		"By how much did Taiwan's AI server exports grow in 2026, according to Taitronix?":                              false,
	} {
		ps, err := st.Search(context.Background(), q, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := slices.Contains(titles(ps), "外貿協會：台灣AI伺服器出口前三季成長35%"); got != want {
			t.Errorf("%q found the article: %v, want %v (%v)", q, got, want, titles(ps))
		}
	}
}

// TestEnglishWordsMatchTheirInflections: the index does not stem, so a
// question's "draw" and "clusters" are held by a passage's "draws" and
// "cluster" — forms the corpus holds.
func TestEnglishWordsMatchTheirInflections(t *testing.T) {
	st := builtinStore(t, store.Options{})
	text := "The Finnish cluster draws roughly 400 megawatts."
	if _, err := st.Put(context.Background(), mustArticle(t, "nordic.md", article("Nordic operator expands", "2026-10-01", text))); err != nil {
		t.Fatal(err)
	}
	qs := []query{st.parseQuery("How much power do the Finnish clusters draw?", Options{})}
	if _, _, err := st.weighConcepts(context.Background(), qs); err != nil {
		t.Fatal(err)
	}
	toks := corpus.Tokens(text)
	at := indexTokens(toks)
	for _, c := range qs[0].concepts {
		if w := c.asked[0][0]; (w == "draw" || w == "clusters") && !holdsAny(toks, at, c.alts) {
			t.Errorf("%q is not held by %q: alternatives %q", w, text, c.alts)
		}
	}
}

// TestAITrailsAName: "AI" after a name the corpus holds qualifies what
// follows ("Johor AI data-centre"): the name is Johor, not "Johor AI".
func TestAITrailsAName(t *testing.T) {
	st := builtinStore(t, store.Options{})
	md := article("Penang utility signs data-centre lease", "2026-07-22", "The utility leased 300 megawatts at its Johor campus to a cloud provider for 15 years.")
	if _, err := st.Put(context.Background(), mustArticle(t, "lease.md", md)); err != nil {
		t.Fatal(err)
	}
	q := "How long does the Johor AI data-centre lease run?"
	if got := firstArticle(t, st, q, Options{}); got != "lease.md" {
		t.Errorf("%q: first %q, want lease.md", q, got)
	}
}

// TestTwoLettersAreNoName: a capitalised name no passage holds vetoes
// every passage, but two capital letters (UI) abbreviate a common word.
func TestTwoLettersAreNoName(t *testing.T) {
	ctx := context.Background()
	st := storeWith(t, map[string]string{"k2.md": article("Moonshot open-sources Kimi K2", "2025-07-11",
		"Products with more than 20 million dollars of monthly revenue must show the Kimi K2 name in their user interface.")})
	for q, want := range map[string]int{
		"Which products must show the Kimi K2 name in their UI?":  1,
		"Which products must show the Kimi K2 name in their HUD?": 0,
	} {
		ps, err := st.Search(ctx, q, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != want {
			t.Errorf("%q: %d passages, want %d", q, len(ps), want)
		}
	}
}

// TestArticlesAboutTheEntityRankFirst: of two passages that hold the
// question's words, the one from an article whose title names the entity
// asked about ranks above one that mentions it in passing.
func TestArticlesAboutTheEntityRankFirst(t *testing.T) {
	st := storeWith(t, map[string]string{
		"a.md": article("OpenAI unveils GPT-4o", "2024-05-13", "The company released GPT-4o, a new model that reasons across text, audio and images."),
		"b.md": article("DeepSeek-V2 arrives with a low price", "2024-05-06",
			"DeepSeek released DeepSeek-V2, a new model, and its API serves the new model as OpenAI's API serves a model."),
	})
	ps, err := st.Search(context.Background(), "Which new model did OpenAI release?", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) == 0 || ps[0].Title != "OpenAI unveils GPT-4o" {
		t.Errorf("Search = %v, want the article about OpenAI first", titles(ps))
	}
}

func TestSearchWithoutTermsFindsNothing(t *testing.T) {
	st := openTestStore(t)
	for _, q := range []string{"", "???", "the of and", `"OR" NEAR(`} {
		ps, err := st.Search(context.Background(), q, Options{})
		if err != nil || len(ps) != 0 {
			t.Errorf("Search(%q) = %v, %v; want nothing and no error", q, ps, err)
		}
	}
}

// TestAskedFigureMustBeStated: asked how much or how many of a measure (a
// price, revenue, parameters, employees…), only a passage with a sentence
// stating it answers — with the entity asked about, unless its title
// names it (a version's family is not the version, nor a model's maker
// the model), or, without entities, every name asked; a price may be
// stated by an amount of money alone; asked per token, the passage must
// speak of tokens, in any sentence.
func TestAskedFigureMustBeStated(t *testing.T) {
	st := storeWith(t, map[string]string{
		"capex.md": article("ByteDance plans a bigger AI budget", "2025-01-23",
			"The main beneficiaries were named as the chipmakers Huawei and Cambricon. ByteDance's revenue rose 29% to $155 billion in 2024."),
		"llama.md": article("Meta releases Llama 4", "2025-04-05",
			"Meta said Llama 4 Maverick beats GPT-4o on coding benchmarks. Maverick has 400 billion parameters in total."),
		"step.md": article("阶跃星辰发布Step 3", "2025-07-31",
			"Step 3总参数量3210亿，每个token激活参数380亿。"),
		"ark.md": article("Volcano Engine cuts Doubao prices", "2024-05-15",
			"Doubao Pro is offered at 0.0008 yuan per thousand tokens."),
		"gemini.md": article("Google unveils Gemini 1.5 Pro", "2024-02-15",
			"Gemini 1.5 Pro is priced at $7 per million tokens. Google said Gemini 2.5 Pro would follow."),
		"gpt5.md": article("OpenAI releases GPT-5", "2025-08-07",
			"GPT-5 costs $1.25 per million input tokens; GPT-5 mini costs $0.25."),
		"haiku.md": article("Claude 3 Haiku capacity", "2024-03-13",
			"Provisioned capacity for Claude 3 Haiku costs $2,000 a month."),
		"sonnet.md": article("Anthropic releases Claude 3.5 Sonnet", "2024-06-20",
			"Claude 3.5 Sonnet costs $3 per million input tokens. Claude 3.5 Haiku will follow later this year."),
		"pro.md": article("OpenAI launches a new subscription", "2024-12-05",
			"OpenAI introduced a $200-per-month Pro plan. Developers can also reach its models from Cursor."),
	})
	for q, want := range map[string]string{
		"寒武纪2024年全年营收是多少？":                                                          "", // Cambricon is named, but no revenue of its own
		"How much revenue did ByteDance make in 2024?":                              "ByteDance plans a bigger AI budget",
		"How many parameters does GPT-4o have?":                                     "", // a sentence names GPT-4o, another Maverick's parameters
		"How many parameters does Llama 4 Maverick have?":                           "Meta releases Llama 4",
		"Step 3有多少参数？":                                                              "阶跃星辰发布Step 3",
		"How much does Doubao Pro cost?":                                            "Volcano Engine cuts Doubao prices", // the amount is the price
		"What does Gemini 2.5 Pro cost per million tokens?":                         "",
		"What does GPT-5 mini cost per million input tokens?":                       "OpenAI releases GPT-5",
		"What does Claude 3 Haiku cost per million input tokens?":                   "",
		"How much does Claude 3 Haiku capacity cost a month?":                       "Claude 3 Haiku capacity",
		"What does Anthropic charge for Claude 3.5 Haiku per million input tokens?": "", // the model, not its maker
		"How many employees does ByteDance have?":                                   "", // employees are a measure too
		"What does Cursor's Pro plan cost per month?":                               "", // names, not entities: all of them
		"What does OpenAI's Pro plan cost per month?":                               "OpenAI launches a new subscription",
	} {
		ps, err := st.Search(context.Background(), q, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := titles(ps); want == "" && len(got) > 0 || want != "" && (len(got) == 0 || got[0] != want) {
			t.Errorf("%s: %q, want %q", q, got, want)
		}
	}
}

// TestRoundLettersCrossLanguages: "Series C" is C轮, which Chinese news
// writes "C轮融资" — index tokens c, 轮融, 融资, with no 轮 alone.
func TestRoundLettersCrossLanguages(t *testing.T) {
	st := storeWith(t, map[string]string{"round.md": article("芯片初创公司完成新一轮融资", "2026-11-02",
		"这家芯片初创公司去年完成2600亿韩元C轮融资，由韩国产业银行领投。")})
	if got := firstArticle(t, st, "Who led the chip start-up's Series C?", Options{}); got != "round.md" {
		t.Errorf("first %q, want round.md", got)
	}
}

// TestPinyinNamesCrossLanguages: a Latin name the corpus lacks may be
// pinyin for one a Chinese article writes in characters no dictionary
// lists (Ruixiang: 瑞翔; a person, Chen Tianshi: 陈天石); one whose readings
// the corpus holds in no characters (Ruixin: 瑞新…) still finds nothing.
func TestPinyinNamesCrossLanguages(t *testing.T) {
	st := storeWith(t, map[string]string{
		"rx.md":   article("液冷模组厂8月营收创新高", "2026-09-06", "液冷模组厂瑞翔科技5日公布8月营收为新台币30.2亿元，同比增长85%。"),
		"card.md": article("新一代加速卡发布", "2026-10-12", "新发布的思元690加速卡单卡配备96GB高带宽内存。"),
		"ceo.md":  article("芯片公司发布一季报", "2026-04-28", "公司董事长陈天石在业绩说明会上表示，2026年全年营收预计为80亿至95亿元。"),
		"vla.md":  article("创新中心开源具身模型", "2026-05-17", "创新中心开源开物-VLA 2.0模型，同时发布含120万条轨迹的真机数据集。"),
	})
	for q, want := range map[string]string{
		"What was Ruixiang's revenue in August 2026?":                           "rx.md",
		"What was Ruixin's revenue in August 2026?":                             "",
		"Siyuan 690单卡配备多少内存？":                                                   "card.md", // a version goes with the name
		"What revenue range did chairman Chen Tianshi guide to for 2026?":       "ceo.md",  // a person's name in two words
		"What revenue range did chairman Chen Tiansheng guide to for 2026?":     "",
		"How many trajectories are in the dataset released with Kaiwu-VLA 2.0?": "vla.md", // a lettered name after it
	} {
		if got := firstArticle(t, st, q, Options{}); got != want {
			t.Errorf("%q: first %q, want %q", q, got, want)
		}
	}
}

// TestAccentedNamesAreWhole: a name with an accented letter (Sabiá-4) is
// read whole, not cut at the accent into a name no passage holds.
func TestAccentedNamesAreWhole(t *testing.T) {
	st := storeWith(t, map[string]string{"sabia.md": article("Maritaca launches a new model", "2026-06-10",
		"Maritaca launched its Sabiá-4 model in June, with 87.3% on Brazil's bar examination.")})
	if got := firstArticle(t, st, "Sabiá-4在巴西律师考试中得了多少分？", Options{}); got != "sabia.md" {
		t.Errorf("first %q, want sabia.md", got)
	}
}

// TestCurrencyCodeIsNoName: "RMB" is the currency a Chinese passage
// writes as 人民币 or 元, not a name the corpus lacks.
func TestCurrencyCodeIsNoName(t *testing.T) {
	st := storeWith(t, map[string]string{
		"vision.md": article("视觉理解模型降价", "2024-12-20", "火山引擎宣布，视觉理解模型1元钱可以处理284张720P的图片。"),
		"yuan.md":   article("人民币汇率", "2024-12-20", "人民币兑美元汇率小幅走高。"),
	})
	if got := firstArticle(t, st, "How many 720p pictures can the image-understanding model process for one RMB?", Options{}); got != "vision.md" {
		t.Errorf("first %q, want vision.md", got)
	}
}

// TestGrowthIsAFigure: asked how much something grew, a sentence that
// states the growth answers, though the question also names a measure
// ("sales" use cases) that the sentence does not state.
func TestGrowthIsAFigure(t *testing.T) {
	st := builtinStore(t, store.Options{})
	if _, err := st.Put(context.Background(), mustArticle(t, "calls.md", article("豆包调用量", "2024-12-20", "过去三个月，豆包大模型在客服与销售场景的调用量增长了16倍。"))); err != nil {
		t.Fatal(err)
	}
	if got := firstArticle(t, st, "How much did Doubao call volume grow in customer service and sales use cases?", Options{}); got != "calls.md" {
		t.Errorf("first %q, want calls.md", got)
	}
}
