package corpus

import "strings"

// IsSummary reports whether the article was written for marketbot from a
// public source (front matter `summary: true`, as in every article of the
// built-in pack), so that its words are ours, not its source's.
func (a Article) IsSummary() bool {
	switch strings.ToLower(a.Meta["summary"]) {
	case "true", "yes":
		return true
	}
	return false
}

// SourceKind is what the article's source published (front matter
// `kind`): one of SourceKinds, or "" when not said.
func (a Article) SourceKind() string { return strings.ToLower(a.Meta["kind"]) }

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
// "据火山引擎公告整理", "據輝達揭露文件整理".
func Attribution(lang, source, kind string, summary bool) string {
	if !summary {
		return source
	}
	names, known := SourceKinds[kind]
	switch lang = normaliseLang(lang); lang {
	case "zh", "zh-Hant":
		i := 1
		if lang == "zh-Hant" {
			i = 2
		}
		if source == "" {
			return [...]string{"", "marketbot整理", "marketbot整理"}[i]
		}
		if !known {
			names[i] = ""
		}
		return [...]string{"", "据", "據"}[i] + source + names[i] + "整理"
	default:
		switch {
		case source == "":
			return "marketbot's summary"
		case known:
			return "summary of " + possessive(source) + " " + names[0]
		}
		return "summary after " + source
	}
}

// possessive is "OpenAI's", or "Reuters'" for a name ending in s.
func possessive(name string) string {
	if strings.HasSuffix(name, "s") {
		return name + "'"
	}
	return name + "'s"
}
