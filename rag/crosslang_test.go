package rag

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/llm"
	"github.com/marketbot/marketbot/rag/llm/llmtest"
)

// Tests of answers across languages and of time honesty (the bridge, the
// relative periods, the newest-article notices, extractive answers that
// answer).

func TestRelativePeriods(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC) // a Sunday
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	end := now.Add(time.Second)
	for q, want := range map[string]timeFrame{
		"最近一个月大模型市场有什么新闻？":                  {since: d("2026-11-06").Add(10 * time.Hour), until: end, recent: true},
		"近一周有哪些新模型发布？":                      {since: d("2026-11-29").Add(10 * time.Hour), until: end},
		"近一週有哪些新模型發布？":                      {since: d("2026-11-29").Add(10 * time.Hour), until: end},
		"過去三個月的融資":                          {since: d("2026-09-06").Add(10 * time.Hour), until: end},
		"近30天的降价":                           {since: d("2026-11-06").Add(10 * time.Hour), until: end},
		"本周的新闻":                             {since: d("2026-11-30"), until: d("2026-12-07")},
		"今年发布了哪些模型":                         {since: d("2026-01-01"), until: d("2027-01-01")},
		"近期DeepSeek有什么动作":                   {since: d("2026-09-06").Add(10 * time.Hour), until: end, recent: true},
		"上个季度的财报":                           {since: d("2026-07-01"), until: d("2026-10-01")},
		"What happened this week?":          {since: d("2026-11-30"), until: d("2026-12-07")},
		"funding news from the past month":  {since: d("2026-11-06").Add(10 * time.Hour), until: end},
		"What has Zhipu released recently?": {since: d("2026-09-06").Add(10 * time.Hour), until: end, recent: true},
		"Which models launched this year?":  {since: d("2026-01-01"), until: d("2027-01-01")},
		"price cuts in the past 3 months":   {since: d("2026-09-06").Add(10 * time.Hour), until: end},
		"Nvidia revenue in Q4 2024":         {since: d("2024-10-01"), until: d("2025-01-01").Add(monthMargin), year: 2024},
		"2024年第四季度营收":                       {since: d("2024-10-01"), until: d("2025-01-01").Add(monthMargin), year: 2024},
		// 最近 alone asks for the newest, not for a period; 月 and 周 in
		// names are not periods.
		"最近月之暗面发布了什么？": {recent: true},
		"最近周鸿祎说了什么？":   {recent: true},
		"目前火山方舟有哪些模型？": {recent: true, latest: true},
	} {
		if got := parseTimeFrame(q, now); got != want {
			t.Errorf("parseTimeFrame(%q) =\n %+v, want\n %+v", q, got, want)
		}
	}
}

func TestTimeHonesty(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	st := builtinStore(t, Options{Now: func() time.Time { return now }})
	a := NewAnswerer(st, nil, AnswerOptions{})
	ctx := context.Background()
	stats, err := st.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	newest := stats.Newest.Format(time.DateOnly)
	for q, want := range map[string]string{
		"最近一个月大模型市场有什么新闻？":                           "最新的一篇文章发表于" + newest,
		"近一週有哪些新模型發布？":                               "最新的一篇文章發表於" + newest,
		"What happened in the LLM market this week?": "the newest article I have is from " + newest,
		"Which models launched this year?":           "the newest article I have is from " + newest,
		"What has Zhipu released recently?":          "the newest article I have is from " + newest,
	} {
		ans, err := a.Answer(ctx, q, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !ans.NotFound || !strings.Contains(ans.Text, want) || len(ans.Citations) != 0 || !strings.Contains(ans.Text, "marketbot ingest") {
			t.Errorf("%q → %+v; want not found, naming the newest article's date (%q), suggesting ingest, citing nothing", q, ans, want)
		}
	}

	// "Latest" questions are answered, with how current the sources are.
	for q, want := range map[string]string{
		"What is OpenAI's latest model?": "My newest source is from " + newest,
		"目前火山方舟有哪些模型？":                   "资料中最新的文章发表于" + newest,
	} {
		ans, err := a.Answer(ctx, q, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if ans.NotFound || len(ans.Notices) == 0 || !strings.Contains(ans.Notices[0], want) || len(ans.Citations) == 0 {
			t.Errorf("%q → notices %q, %d citations; want an answer with the notice %q first", q, ans.Notices, len(ans.Citations), want)
		}
	}
	// A question that asks for no period gets no notice, and within 30
	// days of the newest article neither does a "latest" one.
	ans, _ := a.Answer(ctx, "豆包大模型的价格是多少？", nil, nil)
	if len(ans.Notices) != 1 { // the no-model notice alone
		t.Errorf("plain question: notices %q", ans.Notices)
	}
	now = stats.Newest.AddDate(0, 0, 13)
	ans, _ = a.Answer(ctx, "What is OpenAI's latest model?", nil, nil)
	if len(ans.Notices) != 1 || strings.Contains(ans.Notices[0], newest) {
		t.Errorf("13 days after the newest article: notices %q, want none about it", ans.Notices)
	}
	// An empty store says nothing about dates.
	empty, err := OpenStore(ctx, t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	if tc, err := empty.CheckTime(ctx, "最近一个月的新闻", SearchOptions{}); err != nil || tc != (TimeCheck{}) {
		t.Errorf("empty store: %+v, %v", tc, err)
	}
}

func TestBridgeCrossesLanguages(t *testing.T) {
	st := builtinStore(t, Options{})
	for q, want := range map[string]string{
		// English asks a Traditional article, with a dictionary phrase.
		"What was Nvidia's total revenue for fiscal year 2025?": "2025-02-26-nvidia-fy2025-results.md",
		// English asks a Simplified one, through words no alias names.
		"Which models did StepFun show at its public debut?": "2024-03-23-stepfun-step-models-debut.md",
		// Chinese asks an English one.
		"GPT-4o mini每百万输入token收费多少？": "2024-07-18-openai-gpt-4o-mini.md",
	} {
		ps, err := st.Search(context.Background(), q, SearchOptions{})
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
		if got := firstArticle(t, st, q, SearchOptions{}); got != "" {
			t.Errorf("unanswerable %q found %s", q, got)
		}
	}
}

func TestAnalyseBridges(t *testing.T) {
	st := builtinStore(t, Options{})
	qs := []query{st.parseQuery("What was the fiscal year revenue and the context window?", SearchOptions{})}
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
	// A translation is kept only where the corpus holds it.
	for _, c := range qs[0].concepts {
		for _, tr := range c.trans {
			if tr.df == 0 {
				t.Errorf("%v: translation %v that no passage holds", c.asked, tr.toks)
			}
		}
	}
}

func TestChineseWordsJoinWhatTheDictionaryKnows(t *testing.T) {
	for text, want := range map[string]string{
		"比特币现在多少钱": "比特币",    // jieba splits 比特 and 币
		"哪家华尔街投行":  "投行",     // 投 is a verbal noun, 行 a morpheme
		"美光的营收是多少": "美光",     // a name neither dictionary has
		"史嘉蕾·乔韩森":  "史嘉蕾乔韩森", // a transliterated name is one
	} {
		var got []string
		for _, w := range chineseWords(text) {
			got = append(got, w.Text)
		}
		if !slices.Contains(got, want) {
			t.Errorf("chineseWords(%q) = %v, want %q among them", text, got, want)
		}
	}
	// Characters on either side of a Latin name are not one word.
	for _, w := range chineseWords("个人往xAI投了多少") {
		if w.Text == "往投" {
			t.Errorf("chineseWords joined 往 and 投 across xAI")
		}
	}
}

// TestModelAndFamilyAreBothAsked: "Kimi K2" asks the model and its
// family, and leaves no stray "k" and "2" to be read as words.
func TestModelAndFamilyAreBothAsked(t *testing.T) {
	st := builtinStore(t, Options{})
	askedIn := func(q string) []string {
		qs := []query{st.parseQuery(q, SearchOptions{})}
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
}

// TestAVersionIsNotItsFamily: the alias table lists Grok 2, 3 and 4 as
// names of Grok; a question about the one the corpus never saw finds
// nothing, one about a version it holds finds that version.
func TestAVersionIsNotItsFamily(t *testing.T) {
	st := builtinStore(t, Options{})
	if got := firstArticle(t, st, "Which company built Grok 4, and how was it released?", SearchOptions{}); got != "" {
		t.Errorf("Grok 4 (not in the pack) found %s", got)
	}
	if got := firstArticle(t, st, "Which company built Grok 3, and how was it released?", SearchOptions{}); !strings.Contains(got, "grok-3") {
		t.Errorf("Grok 3 found %q, want the Grok 3 article", got)
	}
	// A version the table does not list is a name too: DeepSeek-R2 is not
	// DeepSeek-R1.
	if got := firstArticle(t, st, "Has DeepSeek released DeepSeek-R2 yet?", SearchOptions{}); got != "" {
		t.Errorf("DeepSeek-R2 (not in the pack) found %s", got)
	}
	if got := firstArticle(t, st, "Has DeepSeek released DeepSeek-R1 yet?", SearchOptions{}); !strings.Contains(got, "deepseek-r1") {
		t.Errorf("DeepSeek-R1 found %q, want an article about it", got)
	}
	// A trade word the corpus never names marks what is absent too: the
	// pack has Anthropic's Series E, no Series F.
	if got := firstArticle(t, st, "How much did Anthropic raise in its Series F?", SearchOptions{}); got != "" {
		t.Errorf("Series F (not in the pack) found %s", got)
	}
	if got := firstArticle(t, st, "How much did Anthropic raise in its Series E?", SearchOptions{}); !strings.Contains(got, "anthropic-series-e") {
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

func TestExtractiveAnswersAnswer(t *testing.T) {
	st := builtinStore(t, Options{})
	a := NewAnswerer(st, nil, AnswerOptions{})
	for q, want := range map[string]string{
		"What did ByteDance charge for Doubao at launch?":   "0.0008", // a price, in either language
		"豆包主力模型的输入价格是多少？":                                   "0.0008元/千Tokens",
		"When did China's generative AI rules take effect?": "8月15日起施行", // a date
		"How many experts does Kimi K2 have?":               "384",      // a count of what was asked
	} {
		ans, err := a.Answer(context.Background(), q, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		first, _, _ := strings.Cut(ans.Text, "\n")
		if !strings.Contains(first, want) {
			t.Errorf("%q: the first quote is\n  %s\nwant it to hold %q (the whole answer:\n%s)", q, first, want, ans.Text)
		}
	}
}

func TestAskedFor(t *testing.T) {
	for q, want := range map[string]factKind{
		"豆包多少钱？":                     amountFact,
		"How much did OpenAI raise?": amountFact,
		"火山方舟接入了多少个模型？":              countFact,
		"How many experts?":          countFact,
		"什么时候发布的？":                   dateFact,
		"When did it launch?":        dateFact,
		"Who led the round?":         nameFact,
		"哪些厂商降价了？":                   nameFact,
		"介绍一下豆包":                     anyFact,
	} {
		if got := askedFor(q); got != want {
			t.Errorf("askedFor(%q) = %v, want %v", q, got, want)
		}
	}
}

func TestModelTranslationReachesTheOtherLanguage(t *testing.T) {
	st := builtinStore(t, Options{})
	var mu sync.Mutex
	var prompts []string
	f, model := newFakeChat(t, func(system, user string) (int, string) {
		mu.Lock()
		defer mu.Unlock()
		prompts = append(prompts, user)
		return 200, fmt.Sprintf("As of 2023-06-28, Ark launched with models from seven vendors [%d].", passageNumber(user, "七家"))
	})
	translated := map[string]string{"Which vendors' models could you use on Ark on day one?": "火山方舟上线首日可以使用哪些厂商的模型？"}
	f.translate = func(q string) string { return translated[q] }
	a := NewAnswerer(st, model, AnswerOptions{})
	q := "Which vendors' models could you use on Ark on day one?"
	ans, err := a.Answer(context.Background(), q, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if ans.NotFound || len(prompts) != 1 || !strings.Contains(prompts[0], "火山方舟") || !strings.Contains(prompts[0], "七家") {
		t.Fatalf("answer %+v; the model was asked %d times, want once with the Chinese launch passage", ans, len(prompts))
	}
	// The translation is remembered: asking again does not translate again.
	calls := f.calls.Load()
	if _, err := a.Answer(context.Background(), q, nil, nil); err != nil {
		t.Fatal(err)
	}
	if got := f.calls.Load() - calls; got != 1 {
		t.Errorf("the second asking made %d calls, want 1 (the answer; the translation cached)", got)
	}
}

func TestModelTranslationNeverDelaysTheAnswer(t *testing.T) {
	st := builtinStore(t, Options{})
	f, model := newFakeChat(t, func(system, user string) (int, string) {
		return 200, fmt.Sprintf("豆包主力模型的输入价格为0.0008元/千Tokens[%d]。", passageNumber(user, "0.0008"))
	})
	f.translate = func(string) string { return "never used" }
	f.translateDelay = 10 * time.Second
	start := time.Now()
	ans, err := NewAnswerer(st, model, AnswerOptions{}).Answer(context.Background(), "豆包大模型的价格是多少？", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed > translateTimeout+2*time.Second {
		t.Errorf("the answer took %v with a hanging translation; want the 3 s budget at most, then the bridge alone", elapsed)
	}
	if ans.Fallback || !strings.Contains(ans.Text, "0.0008") {
		t.Errorf("answer %+v, want the model's", ans)
	}
}

func TestTranslationReply(t *testing.T) {
	for _, tc := range []struct{ reply, question, from, want string }{
		{"Which models does Volcano Ark host?\n", "火山方舟接入了哪些模型？", "zh", "Which models does Volcano Ark host?"},
		{"\n“火山方舟接入了哪些模型？”", "Which models does Ark host?", "en", "火山方舟接入了哪些模型？"},
		{"火山方舟接入了哪些模型？", "火山方舟接入了哪些模型？", "zh", ""},         // an echo
		{"豆包的价格是0.0008元[1]。", "豆包多少钱？", "zh", ""},          // same language: not a translation
		{strings.Repeat("word ", 100), "豆包多少钱？", "zh", ""}, // too long
	} {
		if got := translation(tc.reply, tc.question, tc.from); got != tc.want {
			t.Errorf("translation(%q) = %q, want %q", tc.reply, got, tc.want)
		}
	}
}

// TestShortCallsNeverThink: with thinking on, the answer is asked to think,
// but the follow-up rewrite and the translation are not; and none of the
// model's reasoning reaches the answer, streamed or not.
func TestShortCallsNeverThink(t *testing.T) {
	st := builtinStore(t, Options{})
	var mu sync.Mutex
	thinking := map[string]string{} // kind of call → the switch it carried
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Thinking struct{ Type string }      `json:"thinking"`
			Messages []struct{ Content string } `json:"messages"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		system, user := req.Messages[0].Content, req.Messages[len(req.Messages)-1].Content
		kind, reply := "answer", llmtest.QuotingAnswer(system, user)
		switch {
		case strings.HasPrefix(system, "You translate"):
			kind = "translate"
		case strings.HasPrefix(system, "You turn the last message"):
			kind, reply = "rewrite", "豆包大模型的价格是多少？"
		}
		mu.Lock()
		thinking[kind] = req.Thinking.Type
		mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{"choices": []any{map[string]any{"message": map[string]any{"role": "assistant",
			"content": "<think>" + llmtest.Reasoning + "</think>" + reply}}}})
	}))
	defer srv.Close()
	model := llm.New(llm.Config{BaseURL: srv.URL + "/v1", Model: "doubao-seed-1-6-250615", Provider: "ark", Thinking: llm.ThinkingOn})
	ans, err := NewAnswerer(st, model, AnswerOptions{}).Answer(context.Background(), "那价格呢？",
		[]Turn{{Question: "豆包大模型是什么时候发布的？", Answer: "2024年5月15日。[1]"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]string{"rewrite": "disabled", "translate": "disabled", "answer": "enabled"}, thinking); d != "" {
		t.Errorf("thinking switch by call (-want +got):\n%s", d)
	}
	if ans.Standalone != "豆包大模型的价格是多少？" || strings.Contains(ans.Text, "think>") || strings.Contains(ans.Text, "step by step") || len(ans.Removed) > 0 {
		t.Errorf("answer %+v: want the rewrite used and no reasoning, nothing removed", ans)
	}
}

func TestNameRuns(t *testing.T) {
	for q, want := range map[string][]string{
		"How much did Safe Superintelligence raise?":            {"Safe Superintelligence"},
		"What did Google pay to license Character.AI's models?": {"Google", "Character.AI"},
		"Which HBM suppliers did Nvidia pick in January 2025?":  {"HBM", "Nvidia"},
		"Doubao 1.5 Pro: what does it cost per million tokens?": {"Pro"},
		"What was xAI's valuation in Q4?":                       nil,
		"When do the new US AI chip rules take effect?":         {"US", "AI"},
		"Is Scale AI part of the AMD MI300X deal?":              {"Scale AI", "AMD", "MI300X"},
		"智元机器人最新一轮融资估值多少？":                                      nil,
	} {
		if d := cmp.Diff(want, nameRuns(q)); d != "" {
			t.Errorf("nameRuns(%q) (-want +got):\n%s", q, d)
		}
	}
	// A funding round is trade vocabulary, not a name: Series E is E轮.
	if got := firstArticle(t, builtinStore(t, Options{}), "Who led Anthropic's Series E round?", SearchOptions{}); !strings.Contains(got, "anthropic-series-e") {
		t.Errorf("Series E question found %q, want Anthropic's Series E article", got)
	}
	// A name the corpus has never seen makes the question unanswerable.
	st := builtinStore(t, Options{})
	for _, q := range []string{"What did Google pay to license Character.AI's technology?", "How much did Safe Superintelligence raise in its first round?"} {
		if got := firstArticle(t, st, q, SearchOptions{}); got != "" {
			t.Errorf("%q found %s", q, got)
		}
	}
}

// TestWhichIsAnsweredByAList: for "which" questions, of two sentences that
// hold the question's words, the one that names more of what was asked
// for ranks first.
func TestWhichIsAnsweredByAList(t *testing.T) {
	st := builtinStore(t, Options{})
	r, err := st.quoteRanker(context.Background(), "火山方舟接入了哪些模型？")
	if err != nil {
		t.Fatal(err)
	}
	one := "火山方舟接入了智谱AI的模型。"
	list := "火山方舟首批接入的模型来自百川智能、MiniMax和智谱AI。"
	if a, b := r.score(list, nil), r.score(one, nil); a <= b {
		t.Errorf("a list of three vendors scores %.2f, a sentence naming one %.2f: want the list first", a, b)
	}
}

// TestUntranslatedWordsMarkAbsence: an English word whose every
// translation is missing from the corpus cannot be in a Chinese passage in
// any words the bridge knows, so a Chinese article that names only the
// question's entity does not answer it.
func TestUntranslatedWordsMarkAbsence(t *testing.T) {
	st := builtinStore(t, Options{})
	if got := firstArticle(t, st, "How many employees does Anthropic have?", SearchOptions{}); got != "" {
		t.Errorf("found %s; no article says how many people Anthropic employs", got)
	}
	if got := firstArticle(t, st, "What was Anthropic valued at in March 2025?", SearchOptions{}); got != "2025-03-03-anthropic-series-e-61-5-billion.md" {
		t.Errorf("a question the Chinese Series E article answers found %q", got)
	}
}

// TestProductCodesAreNames: a code that begins with digits (5090D) is one
// name, which the corpus must hold for a passage to answer; an amount with
// its unit (1M tokens) is not a name.
func TestProductCodesAreNames(t *testing.T) {
	st := builtinStore(t, Options{})
	if got := firstArticle(t, st, "英伟达5090D显卡的算力是多少？", SearchOptions{}); got != "" {
		t.Errorf("found %s; no article names the 5090D", got)
	}
	if got := firstArticle(t, st, "How big is Gemini 1.5 Pro's 1M-token context window?", SearchOptions{}); got == "" {
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
	st := builtinStore(f, Options{})
	f.Fuzz(func(t *testing.T, q string) {
		if _, err := st.Search(context.Background(), q, SearchOptions{}); err != nil {
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
	for _, b := range composed([]string{"spark", "v", "4.0"}) {
		got = append(got, b.toks)
	}
	if !slices.ContainsFunc(got, func(toks []string) bool { return slices.Equal(toks, []string{"星火", "v", "4.0"}) }) {
		t.Errorf("composed(spark v 4.0) = %v, want 星火 v 4.0 among them", got)
	}
	if c := composed([]string{"gpt", "6"}); c != nil {
		t.Errorf("composed(gpt 6) = %v, want nothing: no word translates", c)
	}
	st := builtinStore(t, Options{})
	if got := firstArticle(t, st, "What did iFlytek say about Spark V4.0's training?", SearchOptions{}); !strings.Contains(got, "iflytek-spark-4-0") {
		t.Errorf("Spark V4.0 question found %q, want the iFlytek Spark 4.0 article", got)
	}
}
