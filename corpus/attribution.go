package corpus

import "strings"

// IsSummary reports whether the article was written for marketbot from a
// public source (front matter `summary: true`, as in every article of the
// built-in pack), so that its words are ours, not its source's.
func (a Article) IsSummary() bool { return isTrue(a.Meta["summary"]) }

// SourceKind is what the article's source published (front matter
// `kind`): one of SourceKinds, or "" when not said; Retrospective for a
// retrospective (front matter `retrospective: true`), which recounts
// many sources.
func (a Article) SourceKind() string {
	if isTrue(a.Meta["retrospective"]) {
		return Retrospective
	}
	return strings.ToLower(a.Meta["kind"])
}

// Retrospective is the SourceKind of an article that looks back over
// several sources' reports, each fact with its own date.
const Retrospective = "retrospective"

func isTrue(v string) bool {
	switch strings.ToLower(v) {
	case "true", "yes":
		return true
	}
	return false
}

// SourceKinds are the kinds of original a summary may be written from,
// with their names in English, Simplified and Traditional Chinese.
var SourceKinds = map[string][3]string{
	"announcement": {"announcement", "公告", "公告"},
	"report":       {"report", "报道", "報導"},
	"filing":       {"filing", "披露文件", "揭露文件"},
	"paper":        {"paper", "论文", "論文"},
}

// Attribution names who said a cited article's words, in lang ("en",
// "zh" or "zh-Hant"): its source, or, for a summary, that it is our
// summary of that source — "summary of OpenAI's announcement",
// "据火山引擎公告整理", "據輝達揭露文件整理" — or our retrospective.
func Attribution(lang, source, kind string, summary bool) string {
	if !summary {
		return source
	}
	i := map[string]int{"zh": 1, "zh-Hant": 2}[normaliseLang(lang)] // 0: English
	if kind == Retrospective {
		return [3]string{"marketbot's retrospective of public reports", "marketbot据公开报道回顾整理", "marketbot據公開報導回顧整理"}[i]
	}
	if source == "" {
		return [3]string{"marketbot's summary", "marketbot整理", "marketbot整理"}[i]
	}
	name := SourceKinds[kind][i] // "" for a kind not named
	switch {
	case i > 0:
		return [3]string{"", "据", "據"}[i] + source + name + "整理"
	case name != "":
		return "summary of " + possessive(source) + " " + name
	}
	return "summary after " + source
}

// possessive is "OpenAI's", or "Reuters'" for a name ending in s.
func possessive(name string) string {
	if strings.HasSuffix(name, "s") {
		return name + "'"
	}
	return name + "'s"
}
