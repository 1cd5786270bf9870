package corpus

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Problem is a defect found in an article: it breaks the promise that
// every claim is the source's, cited and dated.
type Problem struct {
	Path   string // the article
	Rule   string // one of the rules below
	Detail string // what was found, quoted
}

func (p Problem) String() string { return p.Path + ": " + p.Rule + ": " + p.Detail }

// The rules Check and CheckPack apply.
const (
	// RuleCoaching: a sentence that talks to the reader's question
	// ("若问…", "回答“…”可以按时间梳理", "if asked…") instead of reporting.
	RuleCoaching = "coaching"
	// RuleHindsight: a date more than a week after the article's own, in
	// a sentence that states no plan or forecast.
	RuleHindsight = "hindsight"
	// RuleTitleFigure: a figure in the title that the body never states.
	RuleTitleFigure = "title figure"
	// RuleFrontMatter: a pack article without url, published, source,
	// summary: true, a known kind, or checked.
	RuleFrontMatter = "front matter"
	// RuleSameEvent: two pack articles on the same event (within three
	// days, most tags shared) without an angle saying why both are kept.
	RuleSameEvent = "same event"
)

// hindsightSlack is how far after its own date an article may mention a
// date without stating a plan: announcements are often dated a few days
// before their news reports.
const hindsightSlack = 7 * 24 * time.Hour

// coaching matches sentences written to a question rather than about the
// news.
var coaching = regexp.MustCompile(`(?i)若问|如果(?:有人)?问|若被问|回答[“"「『]|可以按时间(?:顺序)?梳理|可以分.{1,6}(?:阶段|階段|步)回答|可以按時間梳理|答案是|\bif (?:you are |you're )?asked\b|\bto answer (?:the|this|that|a) question\b|\bthe answer is\b|\bwhen asked (?:what|which|how|who)\b`)

// planned marks a sentence about the future as its source stated it: a
// plan, a schedule, a target, guidance or a forecast.
var planned = regexp.MustCompile(`(?i)计划|計畫|計劃|预计|預計|预期|預期|预测|預測|将|將|拟|擬|有望|目标|目標|打算|承诺|承諾|指引|展望|到\d{4}年|至\d{4}年|起施行|起实施|起實施|起生效|\b(?:plans?|planned|planning|expects?|expected|expecting|will|aims?|aiming|forecasts?|outlook|guidance|projected|projects|scheduled|targets?|intends?|by \d{4}|effective|takes? effect|comes? into force|enters? into force)\b`)

// Dates in text: 2024年5月13日, 2024年5月, 2024年, 2025财年, 2024-05-13,
// May 13, 2024, May 2024, and bare years in English.
var (
	zhDate      = regexp.MustCompile(`(\d{4})\s*(?:年|财年|財年|會計年度)(?:\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号號])?)?`)
	isoDate     = regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`)
	enDate      = regexp.MustCompile(`\b(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?(?:\s+(\d{1,2}))?,?\s+(\d{4})\b`)
	bareYear    = regexp.MustCompile(`\b((?:19|20)\d{2})\b`)
	sentenceEnd = regexp.MustCompile(`[。！？!?\n]+|\.\s+`)
)

var months = map[string]time.Month{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}

// Check reviews one article against the rules that hold for any article:
// no coaching, no hindsight, no figure in the title the body lacks. A
// nil result means none was found. It is cheap enough to run on every
// ingested file.
func Check(a Article) []Problem {
	var out []Problem
	add := func(rule, format string, args ...any) {
		out = append(out, Problem{Path: a.Path, Rule: rule, Detail: fmt.Sprintf(format, args...)})
	}
	text := a.Title + "\n" + a.Text
	coached := coaching.MatchString(text) // unanchored: no sentence matches if the whole does not
	for _, s := range splitSentences(text) {
		if coached {
			if m := coaching.FindString(s); m != "" {
				add(RuleCoaching, "%q in %q", m, excerpt(s))
			}
		}
		if a.Published.IsZero() || !strings.ContainsAny(s, "0123456789") { // every date has a year's digits
			continue
		}
		var late []dated
		for _, d := range datesIn(s) {
			if d.start.Sub(a.Published) > hindsightSlack {
				late = append(late, d)
			}
		}
		if len(late) == 0 || planned.MatchString(s) {
			continue
		}
		for _, d := range late {
			add(RuleHindsight, "%q is after the article's date (%s) in %q", d.text, a.Published.Format(time.DateOnly), excerpt(s))
		}
	}
	if figures := titleFigure.FindAllString(a.Title, -1); len(figures) > 0 {
		body := figureForm(a.Text)
		for _, f := range figures {
			if !strings.Contains(body, figureForm(f)) {
				add(RuleTitleFigure, "%q in the title is not in the body", f)
			}
		}
	}
	return out
}

// CheckPack reviews the built-in pack: every article as Check does, its
// front matter (url, published, source, summary: true, a kind of
// SourceKinds, checked), and pairs of articles on the same event with no
// angle saying why both are there.
func CheckPack(articles []Article) []Problem {
	var out []Problem
	for _, a := range articles {
		out = append(out, Check(a)...)
		var missing []string
		for _, f := range []struct {
			name string
			ok   bool
		}{
			{"url", a.URL != ""}, {"published", !a.Published.IsZero()}, {"source", a.Source != ""},
			{"summary: true", a.IsSummary()}, {"kind", SourceKinds[strings.ToLower(a.Meta["kind"])] != [3]string{}},
			{"checked", a.Meta["checked"] != ""},
		} {
			if !f.ok {
				missing = append(missing, f.name)
			}
		}
		if len(missing) > 0 {
			out = append(out, Problem{Path: a.Path, Rule: RuleFrontMatter, Detail: "missing or wrong: " + strings.Join(missing, ", ")})
		}
	}
	for i, a := range articles {
		for _, b := range articles[i+1:] {
			if a.Meta["angle"] == "" && b.Meta["angle"] == "" && sameEvent(a, b) {
				out = append(out, Problem{Path: b.Path, Rule: RuleSameEvent,
					Detail: fmt.Sprintf("%s covers the same event; say why both are kept (front matter angle:) or merge them", a.Path)})
			}
		}
	}
	return out
}

// sameEvent: published within three days of each other, sharing at least
// two tags and most of the smaller article's.
func sameEvent(a, b Article) bool {
	if a.Published.IsZero() || b.Published.IsZero() {
		return false
	}
	if d := a.Published.Sub(b.Published); d > 72*time.Hour || d < -72*time.Hour {
		return false
	}
	tags := func(x Article) []string {
		var out []string
		for _, t := range x.Tags {
			out = append(out, Normalize(t))
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	ta, tb := tags(a), tags(b)
	shared := 0
	for _, t := range ta {
		if _, ok := slices.BinarySearch(tb, t); ok {
			shared++
		}
	}
	return shared >= 2 && 2*shared > min(len(ta), len(tb))
}

// titleFigure is a number in a title: digits with their decimals and
// thousands separators.
var titleFigure = regexp.MustCompile(`\d+(?:[.,]\d+)*`)

// figureForm writes figures one way: without thousands separators, and
// with full-width digits folded.
func figureForm(s string) string {
	s = Normalize(s)
	return thousands.ReplaceAllString(s, "$1$2")
}

var thousands = regexp.MustCompile(`(\d),(\d{3})`)

type dated struct {
	text  string
	start time.Time // the first day of the period the text names
}

// datesIn finds the dates a sentence names, each as the first day of its
// period (a year's 1 January, a month's first day).
func datesIn(s string) []dated {
	var out []dated
	taken := make([]bool, len(s))
	add := func(loc []int, y, m, d int) {
		if y < 1990 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31 {
			return
		}
		for i := loc[0]; i < loc[1]; i++ {
			taken[i] = true
		}
		out = append(out, dated{text: s[loc[0]:loc[1]], start: time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)})
	}
	num := func(s string, def int) int {
		if n, err := strconv.Atoi(s); err == nil {
			return n
		}
		return def
	}
	for _, loc := range zhDate.FindAllStringSubmatchIndex(s, -1) {
		add(loc, num(group(s, loc, 1), 0), num(group(s, loc, 2), 1), num(group(s, loc, 3), 1))
	}
	for _, loc := range isoDate.FindAllStringSubmatchIndex(s, -1) {
		add(loc, num(group(s, loc, 1), 0), num(group(s, loc, 2), 0), num(group(s, loc, 3), 0))
	}
	for _, loc := range enDate.FindAllStringSubmatchIndex(s, -1) {
		add(loc, num(group(s, loc, 3), 0), int(months[strings.ToLower(group(s, loc, 1))[:3]]), num(group(s, loc, 2), 1))
	}
	for _, loc := range bareYear.FindAllStringSubmatchIndex(s, -1) {
		if !taken[loc[0]] {
			add(loc, num(group(s, loc, 1), 0), 1, 1)
		}
	}
	return out
}

func group(s string, loc []int, i int) string {
	if loc[2*i] < 0 {
		return ""
	}
	return s[loc[2*i]:loc[2*i+1]]
}

func splitSentences(text string) []string {
	var out []string
	for _, s := range sentenceEnd.Split(text, -1) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// excerpt shortens a sentence for a message.
func excerpt(s string) string {
	if r := []rune(s); len(r) > 80 {
		return string(r[:77]) + "…"
	}
	return s
}
