package rag

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func openTestStore(t testing.TB) *Store {
	t.Helper()
	s, err := OpenStore(context.Background(), t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func article(title, date, body string) string {
	return fmt.Sprintf("---\ntitle: %s\nurl: https://example.com/%s\npublished: %s\nsource: Example\n---\n\n%s\n", title, date, date, body)
}

func summaryCounts(s IngestSummary) [5]int {
	return [5]int{s.Added, s.Updated, s.Unchanged, len(s.Failed), s.Pruned}
}

func TestIngestIsIdempotentAndDetectsChanges(t *testing.T) {
	ctx := context.Background()
	st := openTestStore(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.md"), article("Doubao price cut", "2024-05-15", "ByteDance priced Doubao at 0.0008 yuan per thousand tokens."))
	writeFile(t, filepath.Join(dir, "sub/b.md"), article("Qwen price cut", "2024-05-21", "Alibaba Cloud cut Qwen-Long prices by 97 percent."))
	writeFile(t, filepath.Join(dir, "sub/c.txt"), "Kimi context\n\nMoonshot's Kimi reads two million characters.")

	sum, err := Ingest(ctx, st, []string{dir}, IngestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := summaryCounts(sum), [5]int{3, 0, 0, 0, 0}; got != want {
		t.Fatalf("first ingest (added, updated, unchanged, failed, pruned) = %v, want %v", got, want)
	}
	before := searchIDs(t, st, "Doubao")

	sum, err = Ingest(ctx, st, []string{dir}, IngestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := summaryCounts(sum), [5]int{0, 0, 3, 0, 0}; got != want || sum.Chunks != 0 {
		t.Fatalf("re-ingest = %v with %d passages written, want %v and none", got, sum.Chunks, want)
	}

	writeFile(t, filepath.Join(dir, "a.md"), article("Doubao price cut", "2024-05-15", "ByteDance later priced Doubao 1.5 Pro at 0.8 yuan per million tokens."))
	sum, err = Ingest(ctx, st, []string{dir}, IngestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := summaryCounts(sum), [5]int{0, 1, 2, 0, 0}; got != want {
		t.Fatalf("ingest after a change = %v, want %v", got, want)
	}
	if got := searchTexts(t, st, "0.0008"); len(got) != 0 {
		t.Errorf("old text still found after the change: %q", got)
	}
	if got := searchTexts(t, st, "Doubao 1.5 Pro million"); len(got) == 0 || !strings.Contains(got[0], "0.8 yuan per million") {
		t.Errorf("new text not found: %q", got)
	}
	if after := searchIDs(t, st, "Doubao"); after[0] != before[0] {
		t.Errorf("article id changed from %d to %d on update", before[0], after[0])
	}
	stats, err := st.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Articles != 3 || stats.Chunks != 3 {
		t.Errorf("stats = %+v, want 3 articles in 3 passages", stats)
	}
}

func TestIngestReportsBadFilesAndGoesOn(t *testing.T) {
	ctx := context.Background()
	st := openTestStore(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "good.md"), article("Good", "2024-01-01", "DeepSeek released V3 in December 2024."))
	writeFile(t, filepath.Join(dir, "broken.md"), "---\ntitle: never closed\n\nbody")
	writeFile(t, filepath.Join(dir, "binary.txt"), "\x00\x01\x02PNG")
	var progress []string
	sum, err := Ingest(ctx, st, []string{dir, filepath.Join(dir, "missing")}, IngestOptions{
		Progress: func(p Progress) { progress = append(progress, fmt.Sprintf("%d/%d", p.Done, p.Total)) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Added != 1 || len(sum.Failed) != 3 {
		t.Fatalf("added %d, failed %v; want 1 added, 3 failed", sum.Added, sum.Failed)
	}
	reasons := map[string]string{}
	for _, f := range sum.Failed {
		reasons[filepath.Base(f.Path)] = f.Err.Error()
	}
	for name, reason := range map[string]string{"broken.md": "never closed", "binary.txt": "binary", "missing": "no such file"} {
		if !strings.Contains(reasons[name], reason) {
			t.Errorf("failure for %s = %q, want it to say %q", name, reasons[name], reason)
		}
	}
	if d := cmp.Diff([]string{"1/3", "2/3", "3/3"}, progress); d != "" {
		t.Errorf("progress (-want +got):\n%s", d)
	}
}

func TestIngestPrune(t *testing.T) {
	ctx := context.Background()
	st := openTestStore(t)
	dir, other := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(dir, "keep.md"), article("Keep", "2024-01-01", "Zhipu AI released GLM-4."))
	writeFile(t, filepath.Join(dir, "gone.md"), article("Gone", "2024-01-02", "Baichuan released Baichuan 4."))
	writeFile(t, filepath.Join(other, "elsewhere.md"), article("Elsewhere", "2024-01-03", "MiniMax released abab 6.5."))
	if _, err := Ingest(ctx, st, []string{dir, other}, IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "gone.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(other, "elsewhere.md")); err != nil {
		t.Fatal(err)
	}
	sum, err := Ingest(ctx, st, []string{dir}, IngestOptions{})
	if err != nil || sum.Pruned != 0 {
		t.Fatalf("without --prune: pruned %d, err %v", sum.Pruned, err)
	}
	sum, err = Ingest(ctx, st, []string{dir}, IngestOptions{Prune: true})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Pruned != 1 {
		t.Errorf("pruned %d, want 1 (only under the given path)", sum.Pruned)
	}
	paths, err := st.Paths(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "keep.md"), filepath.Join(other, "elsewhere.md")}
	if d := cmp.Diff(want, paths, sortStrings); d != "" {
		t.Errorf("paths after prune (-want +got):\n%s", d)
	}
	if got := searchTexts(t, st, "Baichuan"); len(got) != 0 {
		t.Errorf("pruned article still found: %q", got)
	}
}

func TestSearchAcrossScripts(t *testing.T) {
	ctx := context.Background()
	st := openTestStore(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "trad.md"), article("輝達股價重挫", "2025-01-27", "受DeepSeek衝擊，輝達股價單日下跌約17%，市值蒸發約5890億美元，資料中心業務前景引發市場(chǎng)疑慮。"))
	writeFile(t, filepath.Join(dir, "simp.md"), article("火山方舟接入DeepSeek", "2025-02-13", "火山方舟上线DeepSeek-R1满血版，提供每分钟500万tokens的初始额度，软件开发者可直接调用。"))
	writeFile(t, filepath.Join(dir, "en.md"), article("Llama 3", "2024-04-18", "Meta released Llama 3 in 8B and 70B sizes."))
	if _, err := Ingest(ctx, st, []string{dir}, IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	for q, wantTitle := range map[string]string{
		"辉达股价下跌多少":      "輝達股價重挫",         // Simplified asks, Traditional answers
		"数据中心市场":        "輝達股價重挫",         // Taiwan 資料 is mainland 数据
		"火山方舟上線了哪些模型":   "火山方舟接入DeepSeek", // Traditional asks, Simplified answers
		"軟體開發者":         "火山方舟接入DeepSeek", // Taiwan vocabulary asks
		"ＬＬＡＭＡ　３ sizes": "Llama 3",        // full width
	} {
		ps, err := st.Search(ctx, q, SearchOptions{Top: 1})
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
	if _, err := Ingest(ctx, st, []string{dir}, IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	ps, err := st.Search(ctx, "DeepSeek-V3 parameters", SearchOptions{Top: 5, PerArticle: 2})
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
	p := func(article int64, text string) Passage { return Passage{ArticleID: article, Text: text} }
	texts := func(ps []Passage) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Text)
		}
		return out
	}
	opt := SearchOptions{Top: 5, PerArticle: 2}
	// Only two articles qualify: the third and fourth passages of the first
	// fill the slots, in their order, after the second article's.
	few := []Passage{p(1, "a1"), p(1, "a2"), p(1, "a3"), p(2, "b1"), p(1, "a4"), p(1, "a5")}
	if diff := cmp.Diff([]string{"a1", "a2", "a3", "b1", "a4"}, texts(diversify(few, opt))); diff != "" {
		t.Errorf("two articles (-want +got):\n%s", diff)
	}
	// Enough articles: the cap holds, and repeated text is dropped.
	many := []Passage{p(1, "a1"), p(1, "a2"), p(1, "a3"), p(2, "b1"), p(3, "b1"), p(3, "c1"), p(4, "d1"), p(5, "e1")}
	if diff := cmp.Diff([]string{"a1", "a2", "b1", "c1", "d1"}, texts(diversify(many, opt))); diff != "" {
		t.Errorf("many articles (-want +got):\n%s", diff)
	}
}

// storeWith returns a test store holding the given Markdown files (name →
// content).
func storeWith(t *testing.T, files map[string]string) *Store {
	t.Helper()
	st := openTestStore(t)
	dir := t.TempDir()
	for name, md := range files {
		writeFile(t, filepath.Join(dir, name), md)
	}
	if _, err := Ingest(context.Background(), st, []string{dir}, IngestOptions{}); err != nil {
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
		ps, err := st.Search(context.Background(), "How long does NIST have to set red-team testing standards?", SearchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != tc.want {
			t.Errorf("%.30q, tags %q: %d passages, want %d", tc.body, tc.tags, len(ps), tc.want)
		}
	}
	st := storeWith(t, map[string]string{"llama.md": article("Meta releases Llama 3.1", "2024-07-23",
		"Meta trained Llama 3.1 405B on more than 16,000 Nvidia H100 GPUs.")})
	if ps, err := st.Search(context.Background(), "How many H100s did Meta train Llama 3.1 on?", SearchOptions{}); err != nil || len(ps) == 0 {
		t.Errorf("H100s: %d passages, %v; want the Llama 3.1 article", len(ps), err)
	}
	if got, want := acronymsOf("The Bureau of Industry and Security and the International Mathematical Olympiad; Nvidia said."), "BIS\nIMO\n"; got != want {
		t.Errorf("acronymsOf = %q, want %q", got, want)
	}
}

// TestAmountsCrossLanguages: 66亿 in a Chinese question is the $6.6
// billion of an English article, and "$40B" the 400 of 400亿.
func TestAmountsCrossLanguages(t *testing.T) {
	en, zh := amountForms(4e10)
	if d := cmp.Diff([]string{"40 billion", "40 bn", "40 b"}, en); d != "" {
		t.Errorf("amountForms(4e10) English (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"400"}, zh); d != "" {
		t.Errorf("amountForms(4e10) Chinese (-want +got):\n%s", d)
	}
	st := storeWith(t, map[string]string{
		"a.md": article("OpenAI closes a new round", "2024-10-02", "OpenAI raised $6.6 billion at a $157 billion valuation."),
		"b.md": article("OpenAI closes a bigger round", "2025-03-31", "OpenAI raised $40 billion at a $300 billion valuation."),
	})
	for q, want := range map[string]string{
		"OpenAI那轮66亿美元融资的估值是多少？":  "OpenAI closes a new round",
		"OpenAI那轮400亿美元融资的估值是多少？": "OpenAI closes a bigger round",
	} {
		ps, err := st.Search(context.Background(), q, SearchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) == 0 || ps[0].Title != want {
			t.Errorf("%s: %v, want %q first", q, titles(ps), want)
		}
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
		ps, err := st.Search(ctx, q, SearchOptions{})
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
	ps, err := st.Search(context.Background(), "Which new model did OpenAI release?", SearchOptions{})
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
		ps, err := st.Search(context.Background(), q, SearchOptions{})
		if err != nil || len(ps) != 0 {
			t.Errorf("Search(%q) = %v, %v; want nothing and no error", q, ps, err)
		}
	}
}

func TestOpenStoreIsReopenable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for range 2 {
		st, err := OpenStore(ctx, dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Put(ctx, mustArticle(t, "x.md", article("T", "2024-01-01", "Text."))); err != nil {
			t.Fatal(err)
		}
		stats, err := st.Stats(ctx)
		st.Close()
		if err != nil || stats.Articles != 1 {
			t.Fatalf("stats after reopening = %+v, %v; want 1 article", stats, err)
		}
	}
}

func TestOpenStoreRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := OpenStore(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.db.ExecContext(ctx, `PRAGMA user_version = 99`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, err := OpenStore(ctx, dir, Options{}); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("OpenStore on a newer schema: %v", err)
	}
}

// TestTurns: a thread's last turns, oldest first, forgotten after its
// silence outlasts the ttl.
func TestTurns(t *testing.T) {
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	st, err := OpenStore(context.Background(), t.TempDir(), Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	testTurns(t, st, &now)
}

func testTurns(t *testing.T, st *Store, now *time.Time) {
	ctx := context.Background()
	for i := range 7 {
		if err := st.AddTurn(ctx, "slack:C1:1.1", Turn{Question: fmt.Sprint("q", i), Answer: fmt.Sprint("a", i)}); err != nil {
			t.Fatal(err)
		}
	}
	st.AddTurn(ctx, "slack:C2:2.2", Turn{Question: "other"})
	turns, err := st.Turns(ctx, "slack:C1:1.1", 5, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var qs []string
	for _, tu := range turns {
		qs = append(qs, tu.Question)
	}
	if diff := cmp.Diff([]string{"q2", "q3", "q4", "q5", "q6"}, qs); diff != "" {
		t.Errorf("turns (-want +got):\n%s", diff)
	}
	*now = now.Add(25 * time.Hour)
	if turns, _ := st.Turns(ctx, "slack:C1:1.1", 5, 24*time.Hour); turns != nil {
		t.Errorf("a thread silent for a day still has turns: %v", turns)
	}
}
