package corpus

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestPack: the shipped pack has no coaching, no hindsight, no title
// figure its body lacks, complete front matter and no unexplained
// duplicate events.
func TestPack(t *testing.T) {
	pack, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range CheckPack(pack) {
		t.Error(p)
	}
}

// packArticle is a clean pack article: each test breaks one rule of it.
func packArticle() Article {
	return Article{
		Title: "火山方舟上线，首批接入7家模型", URL: "https://www.volcengine.com/news/ark", Source: "火山引擎", Lang: "zh",
		Published: time.Date(2023, 6, 28, 0, 0, 0, 0, time.UTC), Path: "builtin:articles/2023-06-28-ark.md",
		Tags: []string{"火山引擎", "火山方舟", "大模型平台"},
		Text: "2023年6月28日，火山引擎发布大模型服务平台火山方舟，首批接入7家机构的模型。\n\n火山引擎表示，平台计划于2024年扩展更多模型。",
		Meta: map[string]string{"summary": "true", "kind": "announcement", "checked": "https://www.volcengine.com/news/ark (launch, 7 models)"},
	}
}

func rules(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Rule)
	}
	return out
}

func TestCheckPassesACleanArticle(t *testing.T) {
	if ps := CheckPack([]Article{packArticle()}); len(ps) != 0 {
		t.Errorf("a clean article: %v", ps)
	}
}

func TestCheckFindsCoaching(t *testing.T) {
	for _, s := range []string{
		"若问火山方舟接入过哪些模型，可以分三个阶段回答。",
		"回答“火山方舟接入了哪些模型”，可以按时间梳理。",
		"If asked which models Ark hosts, list three stages.",
		"To answer the question, start with the launch.",
	} {
		a := packArticle()
		a.Text += "\n\n" + s
		if got := rules(Check(a)); !cmp.Equal(got, []string{RuleCoaching}) {
			t.Errorf("%q: rules %v, want coaching", s, got)
		}
	}
	a := packArticle()
	a.Text += "\n\n谭待在回答记者提问时表示，价格还有下降空间。"
	if ps := Check(a); len(ps) != 0 {
		t.Errorf("reporting an answer to a journalist is not coaching: %v", ps)
	}
}

func TestCheckFindsHindsight(t *testing.T) {
	for s, want := range map[string]bool{
		"2024年5月15日，豆包大模型在火山方舟上线。":                        true,
		"Doubao launched on Ark in May 2024.":             true,
		"On 2025-02-13 the platform also added R1.":       true,
		"The share rose again in 2025.":                   true,
		"2023年7月3日，平台公布了首批客户。":                            false, // within the week
		"火山引擎预计2024年推出自研模型。":                              false, // a forecast
		"The company plans to open the platform in 2024.": false,
		"办法自2023年8月15日起施行。":                               false, // a date set in advance
		"2023年6月28日的发布会上，谭待介绍了平台。":                        false,
	} {
		a := packArticle()
		a.Text += "\n\n" + s
		if got := slices.Contains(rules(Check(a)), RuleHindsight); got != want {
			t.Errorf("%q: hindsight found %v, want %v", s, got, want)
		}
	}
}

func TestCheckFindsTitleFiguresMissingFromTheBody(t *testing.T) {
	a := packArticle()
	a.Published = time.Date(2024, 10, 2, 0, 0, 0, 0, time.UTC)
	a.Title = "OpenAI raises $6.6 billion at a $157 billion valuation"
	a.Text = "OpenAI said on October 2, 2024 that it raised $6.6 billion, valuing it at $157 billion."
	if ps := Check(a); len(ps) != 0 {
		t.Errorf("figures stated: %v", ps)
	}
	a.Text = strings.ReplaceAll(a.Text, "$157 billion", "about $150 billion")
	if got := Check(a); len(got) != 1 || got[0].Rule != RuleTitleFigure || !strings.Contains(got[0].Detail, "157") {
		t.Errorf("a figure only in the title: %v", got)
	}
	a.Title, a.Text = "Shipments reach 1,000 units", "Shipments reached 1000 units."
	if ps := Check(a); len(ps) != 0 {
		t.Errorf("1,000 and 1000 are the same figure: %v", ps)
	}
}

func TestCheckPackFindsMissingFrontMatter(t *testing.T) {
	for field, breakIt := range map[string]func(*Article){
		"url":           func(a *Article) { a.URL = "" },
		"published":     func(a *Article) { a.Published = time.Time{} },
		"source":        func(a *Article) { a.Source = "" },
		"summary: true": func(a *Article) { delete(a.Meta, "summary") },
		"kind":          func(a *Article) { a.Meta["kind"] = "rumour" },
		"checked":       func(a *Article) { delete(a.Meta, "checked") },
	} {
		a := packArticle()
		breakIt(&a)
		got := CheckPack([]Article{a})
		if len(got) != 1 || got[0].Rule != RuleFrontMatter || !strings.Contains(got[0].Detail, field) {
			t.Errorf("without %s: %v", field, got)
		}
	}
}

func TestCheckPackFindsTheSameEventTwice(t *testing.T) {
	a, b := packArticle(), packArticle()
	b.Path, b.Published = "builtin:articles/2023-06-29-ark-again.md", a.Published.AddDate(0, 0, 1)
	b.Tags = []string{"火山方舟", "火山引擎", "字节跳动"}
	if got := rules(CheckPack([]Article{a, b})); !cmp.Equal(got, []string{RuleSameEvent}) {
		t.Errorf("two articles on one launch: %v", got)
	}
	b.Meta = map[string]string{"summary": "true", "kind": "report", "checked": "x", "angle": "a Traditional report of the launch for Taiwanese readers"}
	if ps := CheckPack([]Article{a, b}); len(ps) != 0 {
		t.Errorf("with an angle: %v", ps)
	}
	b.Meta["angle"] = ""
	b.Published = a.Published.AddDate(0, 0, 10)
	if ps := CheckPack([]Article{a, b}); len(ps) != 0 {
		t.Errorf("ten days apart: %v", ps)
	}
}

func TestAttribution(t *testing.T) {
	for _, c := range []struct {
		lang, source, kind string
		summary            bool
		want               string
	}{
		{"en", "OpenAI", "announcement", true, "summary of OpenAI's announcement"},
		{"en", "Reuters", "report", true, "summary of Reuters' report"},
		{"en", "Caixin", "", true, "summary after Caixin"},
		{"zh", "火山引擎", "announcement", true, "据火山引擎公告整理"},
		{"zh-TW", "工商時報", "report", true, "據工商時報報導整理"},
		{"zh", "鉅亨網", Retrospective, true, "marketbot据公开报道回顾整理"},
		{"zh", "", "", true, "marketbot整理"},
		{"en", "Reuters", "report", false, "Reuters"}, // an article the user ingested
	} {
		if got := Attribution(c.lang, c.source, c.kind, c.summary); got != c.want {
			t.Errorf("Attribution(%q, %q, %q, %v) = %q, want %q", c.lang, c.source, c.kind, c.summary, got, c.want)
		}
	}
}
