// Package when reads what a question says about time, in Chinese and
// English, Simplified and Traditional (after normalisation): absolute dates
// (2024年5月, May 2024, Q3 2024), relative periods (近一个月, 上个季度, this
// week, past 3 months, recently) against a clock, and whether it asks for
// the latest news or the current state; fiscal periods are companies' own
// and name no calendar dates. It also tells whether a text names a
// frame's year and month.
package when

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/store/sqldb"
)

// Frame is what a question says about time: a date range to keep (zero
// ends are open) and whether it asks for the latest news.
type Frame struct {
	Since, Until time.Time // Until is exclusive
	Recent       bool      // it asks for recent news: the newest passages are favoured
	Latest       bool      // it asks for the latest or current state of things
	Year, Month  int       // the year and month of a date it names; 0 for none, or a relative period (a month of no year: 廣達11月營收)
	Quarter      int       // the quarter it names (1–4), of Year or, when Year is 0, of a company's fiscal year; 0 for none
	Half         int       // the half of Year it names (1–2); 0 for none
	FullYear     bool      // it asks for a whole year's figure (全年, full-year, annual), no part of it
	MonthEnd     bool      // its month ends a period or is a point in time ("the quarter ending April 2025", 截至6月底): the quarter or half ending then may state its figure
	Run          [2]int    // the first and last months of the run of months it names ("2026年7-9月"), which a company's fiscal quarter may be
}

// Period is the frame's dates, for the store's reads.
func (f Frame) Period() sqldb.Period { return sqldb.Period{Since: f.Since, Until: f.Until} }

// Mentioned reports whether normalised text, published at the given
// time, names the frame's year and, if it has one, its month: "2024年5月",
// "May 2024", "2024-05" — or, in a text of that year, the month alone ("in
// March", "3月": an article of 2025 that says "in March" means March 2025).
func (f Frame) Mentioned(norm string, published time.Time) bool {
	y := strconv.Itoa(f.Year)
	sameYear := f.Year != 0 && published.Year() == f.Year
	if f.Year == 0 || !strings.Contains(norm, y) && !sameYear {
		return false
	}
	if f.Month == 0 {
		return true
	}
	m := monthForms(time.Month(f.Month))
	withYear := y + `\s*年\s*0?` + strconv.Itoa(f.Month) + `\s*月|` + m + `\.?\s+(?:\d{1,2},?\s+)?` + y + `|` + y + `-` + fmt.Sprintf("%02d", f.Month)
	if sameYear {
		withYear += `|(?:^|[^\d.])0?` + strconv.Itoa(f.Month) + `\s*月|\b(?:in|on|since|by|from|until|through|of|early|late|mid|end of)\s+` + m + `\b|\b` + m + `\.?\s+\d{1,2}(?:st|nd|rd|th)?\b`
	}
	return regexp.MustCompile(withYear).MatchString(norm)
}

// The patterns read normalised text (corpus.Normalize): Simplified
// characters, half-width digits, lower case.
var (
	ymdZh = regexp.MustCompile(`(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]`)
	ymZh  = regexp.MustCompile(`(\d{4})\s*年\s*(\d{1,2})\s*月`)
	yqZh  = regexp.MustCompile(`(\d{4})\s*(?:年|财年)?\s*(?:第)?\s*([一二三四1-4])\s*季(?:度)?`)
	yZh   = regexp.MustCompile(`(\d{4})\s*年`)
	ymEn  = regexp.MustCompile(`\b(` + MonthName + `)\.?\s+(\d{4})\b`)
	// Halves and seasons (of the northern hemisphere): 2026年上半年,
	// 2025年冬季, H2 2025, the first half of 2026, spring 2026.
	partZh = regexp.MustCompile(`(\d{4})\s*年?\s*(上半年|下半年|春季|春天|夏季|夏天|秋季|秋天|冬季|冬天)`)
	partEn = regexp.MustCompile(`\b(?:(first|second)[\s-]half(?: of)?|h([12])|(spring|summer|autumn|fall|winter)(?: of)?)\s+(\d{4})\b|\b(\d{4})\s*h([12])\b`)
	// partYear reads the year of a half or season written before it: "H1
	// 2026", "spring 2026" (partEn's years).
	partYear  = regexp.MustCompile(`\b(?:h[12]|(?:first|second)[\s-]half|spring|summer|autumn|fall|winter)\s+(\d{4})\b|\b(\d{4})\s*h[12]\b`)
	yqEn      = regexp.MustCompile(`\bq([1-4])\s*(?:of\s+)?(\d{4})\b|\b(\d{4})\s*q([1-4])\b`)
	yqEnWords = regexp.MustCompile(`\b(first|second|third|fourth)[\s-]quarter\s+(?:of\s+)?(\d{4})\b`)
	yEn       = regexp.MustCompile(`\b(?:in|during|of|throughout)\s+(\d{4})\b`)
	// yFor names the year a plan or a forecast is for ("capex guided to
	// for 2026"): a frame, but its year stays in the question's words, as
	// the passages that answer (written before it) name it.
	yFor = regexp.MustCompile(`\bfor\s+(\d{4})\b`)
	// yFull names a whole calendar year: "full-year 2025", "2025 full year".
	yFull     = regexp.MustCompile(`\bfull[\s-]year\s+(?:of\s+)?(\d{4})\b|\b(\d{4})\s+full[\s-]year\b`)
	ymISO     = regexp.MustCompile(`\b(\d{4})-(\d{2})\b`)
	recentish = regexp.MustCompile(`最新|最近|近期|近来|目前|当前|现在|如今|\blatest\b|\bmost recent\b|\brecent(ly)?\b|\bnewest\b|\bcurrent(ly)?\b|\bnow\b|\bnowadays\b|\bthese days\b|\bat the moment\b|眼下|当下`)
	// latestish asks for the newest state of things, which a stale corpus
	// can only give as of its newest article.
	// fiscal periods are companies' own ("fiscal 2026" is Nvidia's year to
	// January 2026), not calendar dates.
	// fiscalQuarter reads the quarter of a fiscal year: "the third quarter
	// of fiscal 2026", "Q3 FY2026", "2026财年第三季度".
	fiscalQuarter = regexp.MustCompile(`\b(first|second|third|fourth)\s+quarter\s+of\s+fiscal(?: year)?\s+\d{4}\b|\bq([1-4])\s+(?:of\s+)?fiscal(?: year)?\s+\d{4}\b|\bfiscal(?: year)?\s+(?:\d{4}\s+)?q([1-4])\b|\bq([1-4])\s*fy\s?\d{2,4}\b|\d{4}\s*财年\s*第?\s*([一二三四1-4])\s*财?季`)
	fiscal        = regexp.MustCompile(`\b(?:(?:first|second|third|fourth|last|final)\s+quarter\s+of\s+)?fiscal(?: year)?\s+(?:q[1-4]\s+)?\d{4}\b|\b(?:fiscal\s+)?q[1-4]\s+(?:of\s+)?fiscal(?: year)?\s+\d{4}\b|\bfiscal\s+q[1-4]\s+\d{4}\b|\bfy\s?\d{2,4}\b|\d{4}\s*财年(?:\s*第?\s*[一二三四1-4]\s*财?季度?)?` +
		`|\b(?:fiscal|financial) year (?:ending|ended|to) ` + MonthName + `\.?\s+(?:\d{1,2},?\s+)?\d{4}\b|截至\s*\d{4}\s*年\s*\d{1,2}\s*月[底末]?止?的?\s*(?:财年|财政年度|会计年度)`)
	latestish = regexp.MustCompile(`最新|最近(?:[^一二两三四五六七八九十半几\d个]|$)|目前|当前|现在|如今|眼下|当下|\blatest\b|\bnewest\b|\bcurrent(ly)?\b|\bnow\b|\bnowadays\b|\bthese days\b|\bat the moment\b|\bmost recent\b`)
)

// MonthName matches a month's name or its abbreviation, in lower case:
// "mar", "march", not "market" or "margin".
const MonthName = `(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`

// monthForms matches one month's name or abbreviation, in lower case.
func monthForms(m time.Month) string {
	full := strings.ToLower(m.String())
	if m == time.September {
		return `(?:sept?|september)`
	}
	return `(?:` + full[:3] + `|` + full + `)`
}

var months = map[string]time.Month{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}

// span is a range of time relative to now.
type span func(now time.Time) (since, until time.Time)

// back is the rolling period up to now: the last n days, months or years.
func back(years, months, days int) span {
	return func(n time.Time) (time.Time, time.Time) { return n.AddDate(-years, -months, -days), n.Add(time.Second) }
}

// relative time words, with the range they name relative to now: rolling
// periods ("past week", "recently") and calendar ones ("本周", "last
// month"). Numbered rolling periods ("近一个月", "past 3 months")
// are read by rollingSpan.
var relative = []struct {
	re    *regexp.Regexp
	frame span
}{
	{regexp.MustCompile(`今天|今日|\btoday\b`), func(n time.Time) (time.Time, time.Time) { d := day(n); return d, d.AddDate(0, 0, 1) }},
	{regexp.MustCompile(`昨天|昨日|\byesterday\b`), func(n time.Time) (time.Time, time.Time) { d := day(n); return d.AddDate(0, 0, -1), d }},
	{regexp.MustCompile(`近日|这几天|这两天|最近几天|近几天|前几天|前两天|\b(?:past|last) (?:few|couple of) days\b`), back(0, 0, 7)},
	{regexp.MustCompile(`\bpast week\b`), back(0, 0, 7)},
	{regexp.MustCompile(`本周|这周|这一周|这星期|这个星期|\bthis week\b`), func(n time.Time) (time.Time, time.Time) { d := week(n); return d, d.AddDate(0, 0, 7) }},
	{regexp.MustCompile(`上周|上一周|上星期|上个星期|\blast week\b`), func(n time.Time) (time.Time, time.Time) { d := week(n); return d.AddDate(0, 0, -7), d }},
	{regexp.MustCompile(`\bpast month\b`), back(0, 1, 0)},
	{regexp.MustCompile(`本月|这个月|这一个月|\bthis month\b`), func(n time.Time) (time.Time, time.Time) { m := month(n); return m, m.AddDate(0, 1, 0) }},
	{regexp.MustCompile(`上个月|上一个月|上月|\blast month\b`), func(n time.Time) (time.Time, time.Time) { m := month(n); return m.AddDate(0, -1, 0), m }},
	{regexp.MustCompile(`本季度|这个季度|这一季度|本季|\bthis quarter\b`), func(n time.Time) (time.Time, time.Time) { q := quarter(n); return q, q.AddDate(0, 3, 0) }},
	{regexp.MustCompile(`近期|近来|最近几个月|近几个月|\brecently\b|\blately\b|\bof late\b|\bin recent (?:weeks|months)\b|\b(?:past|last) (?:few|couple of) (?:weeks|months)\b`), back(0, 3, 0)},
	{regexp.MustCompile(`\bpast year\b`), back(1, 0, 0)},
}

// lastQuarter names the calendar quarter before now's, and what has been
// published since it began: "上个季度的毛利率", asked in December, was
// reported in November. It stays a relative period (no Year): over a
// corpus that ends before it, nothing covers it. ("上一季" is a company's
// last reported quarter, of its own fiscal year.)
var lastQuarter = regexp.MustCompile(`上个季度|上一个?季度|上季度|\blast quarter\b`)

// relativeYears name a calendar year relative to now; a question naming
// one is read as naming that year ("今年" in 2026 is "2026年": plans for
// it that earlier articles state answer).
var relativeYears = []struct {
	re     *regexp.Regexp
	offset int
}{
	{regexp.MustCompile(`今年|本年|\bthis year\b`), 0},
	{regexp.MustCompile(`去年|\blast year\b`), -1},
	{regexp.MustCompile(`明年|\bnext year\b`), 1},
}

// Numbered rolling periods: "近一个月", "近30天", "过去三个月", "最近两周",
// "past 3 months", "last 7 days".
var (
	rollingZh = regexp.MustCompile(`(?:过去|最近|近)\s*(\d+|[一二两三四五六七八九十半]+)\s*(?:个)?\s*(天|日|周|星期|礼拜|月|季度|年)`)
	rollingEn = regexp.MustCompile(`\b(?:past|last|previous)\s+(\d+|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+(day|week|month|quarter|year)s?\b`)
	numerals  = map[string]int{"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
		"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12}
	units = map[string][3]int{"天": {0, 0, 1}, "日": {0, 0, 1}, "周": {0, 0, 7}, "星期": {0, 0, 7}, "礼拜": {0, 0, 7}, "月": {0, 1, 0}, "季度": {0, 3, 0}, "年": {1, 0, 0},
		"day": {0, 0, 1}, "week": {0, 0, 7}, "month": {0, 1, 0}, "quarter": {0, 3, 0}, "year": {1, 0, 0}}
)

// rollingSpan returns the span of a numbered rolling period in text.
func rollingSpan(text string) (span, bool) {
	for _, re := range []*regexp.Regexp{rollingZh, rollingEn} {
		m := re.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		if m[1] == "半" { // 半年, 半个月
			switch m[2] {
			case "年":
				return back(0, 6, 0), true
			case "月":
				return back(0, 0, 15), true
			}
			continue
		}
		u, k := units[m[2]], count(m[1])
		if k < 1 || k > 100 {
			continue
		}
		return back(u[0]*k, u[1]*k, u[2]*k), true
	}
	return nil, false
}

// count reads a small number: digits, an English word, or Chinese
// numerals up to 99 ("三", "十二", "二十").
func count(s string) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	if n, ok := numerals[s]; ok {
		return n
	}
	tens, ones, ok := strings.Cut(s, "十")
	if !ok {
		return 0
	}
	t := 1
	if tens != "" {
		t = numerals[tens]
	}
	return t*10 + numerals[ones]
}

func day(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}
func month(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location()) }
func year(y int) time.Time        { return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC) }
func quarter(t time.Time) time.Time {
	return time.Date(t.Year(), (t.Month()-1)/3*3+1, 1, 0, 0, 0, 0, t.Location())
}
func week(t time.Time) time.Time {
	d := day(t)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7)) // weeks start on Monday
}

// Reports of a period come out after it: a question about "2024年四季度"
// is answered by the earnings article of January or February (quarterly
// reports are due within 40–45 days in the US and Japan, two months in
// Hong Kong; B站 reported its third quarter on 13 November), one about a
// month by the next month's (Taiwan's monthly sales, by the 10th), one
// about a year by the annual results, which listed companies publish
// within four months of the year's end (by 30 April in China). Periods
// named in a question are widened by these margins.
const (
	yearMargin    = 120 * 24 * time.Hour
	quarterMargin = 62 * 24 * time.Hour
	monthMargin   = 31 * 24 * time.Hour
)

// Parse reads dates and recency from a question: "2024年5月",
// "May 2024", "in 2024", "2025-01", "2024年第四季度", "Q4 2024", "the
// third quarter of 2026", "上个月", "近一个月", "this week", "今年",
// "recently", "最新", "latest"; a company's fiscal quarter gives the
// quarter without dates. The most specific absolute date wins; relative
// words are taken relative to now.
func Parse(question string, now time.Time) Frame {
	norm := analystWritten(calendarHalves(corpus.Normalize(question)))
	q := fiscal.ReplaceAllString(norm, " ")
	f := Frame{Recent: recentish.MatchString(q), Latest: latestish.MatchString(q), FullYear: fullYear.MatchString(q)}
	if m := fiscalQuarter.FindStringSubmatch(norm); m != nil {
		// A company's own quarter: no calendar dates, but sentences of its
		// other quarters do not state this one's figures.
		f.Quarter = periodNumber(strings.Join(m[1:], ""))
		return f
	}
	validYear := func(y int) bool { return y >= 1990 && y <= 2100 }
	monthFrom := func(y, mo int) bool {
		if !validYear(y) || mo < 1 || mo > 12 {
			return false
		}
		f.Year, f.Month, f.MonthEnd = y, mo, monthEnd.MatchString(q)
		f.Since = time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, time.UTC)
		f.Until = f.Since.AddDate(0, 1, 0).Add(monthMargin)
		if f.MonthEnd {
			f.Until = f.Since.AddDate(0, 1, 0).Add(quarterMargin) // a quarter's figures come as late as a quarter's do
		}
		return true
	}
	quarterFrom := func(y, qn int) bool {
		if !validYear(y) || qn < 1 || qn > 4 {
			return false
		}
		f.Year, f.Quarter = y, qn
		f.Since = time.Date(y, time.Month(3*qn-2), 1, 0, 0, 0, 0, time.UTC)
		f.Until = f.Since.AddDate(0, 3, 0).Add(quarterMargin)
		return true
	}
	if m := quarterEnded.FindStringSubmatch(q); m != nil && monthFrom(quarterEnd(m)) {
		return f // "截至2026年9月30日的季度": the quarter to the end of that month, not a day
	}
	if m := ymdZh.FindStringSubmatch(q); m != nil {
		y, mo, d := atoi(m[1]), atoi(m[2]), atoi(m[3])
		if validYear(y) && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 {
			// Reports come after the event.
			t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
			f.Since, f.Until, f.Year, f.Month = t.AddDate(0, 0, -1), t.AddDate(0, 0, 8), y, mo
			return f
		}
	}
	if y, from, to, ok := monthRange(q); ok {
		// A run of months ("Jan-Sep 2026", "2026年7-9月") is its quarter
		// or half when it is one, else its year.
		f.Run = [2]int{from, to}
		if from%3 == 1 && to == from+2 {
			quarterFrom(y, to/3)
			return f
		}
		f.Since, f.Until, f.Year = year(y), year(y+1).Add(yearMargin), y
		if from == 1 && to == 6 || from == 7 && to == 12 {
			f.Half = to / 6
		}
		return f
	}
	if m := ymZh.FindStringSubmatch(q); m != nil && monthFrom(atoi(m[1]), atoi(m[2])) {
		return f
	}
	if m := ymEn.FindStringSubmatch(q); m != nil && monthFrom(atoi(m[2]), int(months[m[1][:3]])) {
		return f
	}
	if m := ymISO.FindStringSubmatch(q); m != nil && monthFrom(atoi(m[1]), atoi(m[2])) {
		return f
	}
	if m := yqZh.FindStringSubmatch(q); m != nil {
		qn := atoi(m[2])
		if qn == 0 {
			qn = numerals[m[2]]
		}
		if quarterFrom(atoi(m[1]), qn) {
			return f
		}
	}
	if m := yqEn.FindStringSubmatch(q); m != nil {
		if (m[1] != "" && quarterFrom(atoi(m[2]), atoi(m[1]))) || (m[3] != "" && quarterFrom(atoi(m[3]), atoi(m[4]))) {
			return f
		}
	}
	if m := yqEnWords.FindStringSubmatch(q); m != nil && quarterFrom(atoi(m[2]), periodNumber(m[1])) {
		return f
	}
	for _, re := range []*regexp.Regexp{yZh, yFull, yEn, yFor, partYear} {
		if m := re.FindStringSubmatch(q); m != nil {
			if y := atoi(strings.Join(m[1:], "")); validYear(y) { // (one group matches)
				f.Since, f.Until, f.Year = year(y), year(y+1).Add(yearMargin), y
				f.Half = halfOf(q, y)
				return f
			}
		}
	}
	if sp, ok := rollingSpan(q); ok {
		f.Since, f.Until = sp(now)
		return f
	}
	if lastQuarter.MatchString(q) {
		f.Since, f.Until = quarter(now).AddDate(0, -3, 0), now.Add(time.Second)
		return f
	}
	for _, r := range relative {
		if r.re.MatchString(q) {
			f.Since, f.Until = r.frame(now)
			return f
		}
	}
	// A month named without its year ("廣達11月合併營收", "今年10月"): no
	// dates of its own, but sentences of other months do not state its
	// figures. Not months that bound a quarter ("October–December", "the
	// quarter to end-April"), nor a month beside a year, which dates an
	// event rather than a figure ("at the October investor conference,
	// its 2026 capex").
	if ms := monthsNamed(q); len(ms) > 0 && !slices.ContainsFunc(ms, func(m int) bool { return m != ms[0] }) &&
		!yearsIn.MatchString(q) && !partWords.MatchString(q) {
		f.Month, f.MonthEnd = ms[0], monthEnd.MatchString(q)
	}
	for _, r := range relativeYears {
		if r.re.MatchString(q) {
			// "今年第三季度" is that year's quarter, "今年上半年" its half.
			y := now.Year() + r.offset
			if quarterFrom(y, quarterNamed(q)) {
				return f
			}
			f.Since, f.Until, f.Year = year(y), year(y+1).Add(yearMargin), y
			if m := halvesIn.FindStringSubmatch(q); m != nil {
				f.Half = periodNumber(strings.Join(m[1:], ""))
			}
			return f
		}
	}
	if f.Month == 0 {
		// A quarter of no year ("奇鋐第二季的毛利率"): no dates, but
		// sentences of other quarters do not state its figures.
		f.Quarter = quarterNamed(q)
	}
	return f
}

// quarterNamed returns the quarter normalised text names, 0 for none: not
// the last of a run ("前三季度" is three quarters).
func quarterNamed(q string) int {
	for _, m := range quartersIn.FindAllStringSubmatchIndex(q, -1) {
		if strings.HasSuffix(q[:m[0]], "前") {
			continue
		}
		var n []string
		for g := 2; g < len(m); g += 2 {
			if m[g] >= 0 {
				n = append(n, q[m[g]:m[g+1]])
			}
		}
		return periodNumber(strings.Join(n, ""))
	}
	return 0
}

// Runs of months of a year: "jan-sep 2026", "july to september 2026",
// "2026年1-9月".
var (
	rangeEn = regexp.MustCompile(`\b(` + MonthName + `)\.?\s*(?:-|–|—|to|through)\s*(` + MonthName + `)\.?,?\s+(\d{4})\b`)
	rangeZh = regexp.MustCompile(`(\d{4})\s*年\s*(\d{1,2})\s*月?\s*(?:-|–|—|~|至|到)\s*(\d{1,2})\s*月`)
	// monthRun is a run of months of any year, as a question writes it:
	// "7-9月", "July-September".
	monthRun = regexp.MustCompile(`(\d{1,2})\s*月?\s*(?:-|–|—|~|至|到)\s*(\d{1,2})\s*月份?|\b(` + MonthName + `)\.?\s*(?:-|–|—|to|through)\s*(` + MonthName + `)\b(?:\.?,?\s+\d{4}\b)?`)
)

// runsNamed returns the first and last months of each run of months
// normalised text names: "7-9月", "july-september".
func runsNamed(norm string) [][2]int {
	var out [][2]int
	for _, m := range monthRun.FindAllStringSubmatch(norm, -1) {
		from, to := atoi(m[1]), atoi(m[2])
		if m[3] != "" {
			from, to = int(months[m[3][:3]]), int(months[m[4][:3]])
		}
		out = append(out, [2]int{from, to})
	}
	return out
}

// monthRange returns the year and the first and last months of a run of
// months normalised text names; ok is false for none.
func monthRange(q string) (y, from, to int, ok bool) {
	if m := rangeEn.FindStringSubmatch(q); m != nil {
		y, from, to = atoi(m[3]), int(months[m[1][:3]]), int(months[m[2][:3]])
	} else if m := rangeZh.FindStringSubmatch(q); m != nil {
		y, from, to = atoi(m[1]), atoi(m[2]), atoi(m[3])
	}
	return y, from, to, y >= 1990 && y <= 2100 && from >= 1 && from < to && to <= 12
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// Quarters, halves and month names, in normalised text.
var (
	periods = regexp.MustCompile(`\b(?:q[1-4]|h[12]|fy\d*)\b`) // quarters and halves, in normalised text
	// nineMonths is the first nine months of a year as analysts write it
	// ("9M 2026"), in normalised text.
	nineMonths = regexp.MustCompile(`\b9m(\s+(?:19|20)\d{2})\b`)
	// analystPeriod is a quarter or half as analysts write it, number
	// first ("1h 2026", "3q 2025"): read as "h1", "q3".
	analystPeriod = regexp.MustCompile(`\b([1-4])([qh])\b`)
	monthNames    = regexp.MustCompile(`(?i)\b` + MonthName + `\b`)
)

// Strip blanks out what a normalised question says about time,
// which is the date filter's business.
func Strip(text string) string {
	text, _ = cut(text)
	return text
}

// analystWritten reads the periods of normalised text as analysts write
// them, number first: "1h 2026" as "h1 2026", "3q" as "q3", "9m 2026" as
// "first nine months 2026".
func analystWritten(text string) string {
	return nineMonths.ReplaceAllString(analystPeriod.ReplaceAllString(text, "$2$1"), "first nine months$1")
}

// Phrases returns what a question says about time, normalised, in the
// order read: "最新", "2024年5月", "last month". A follow-up that says
// nothing of time asks about the period its conversation does.
func Phrases(question string) []string {
	_, phrases := cut(corpus.Normalize(question))
	return phrases
}

// cut blanks out the time phrases of normalised text and returns them.
func cut(text string) (string, []string) {
	text = analystWritten(text)
	var phrases []string
	blank := func(re *regexp.Regexp) {
		text = re.ReplaceAllStringFunc(text, func(m string) string {
			if m = strings.TrimSpace(m); m != "" {
				phrases = append(phrases, m)
			}
			return " "
		})
	}
	for _, re := range []*regexp.Regexp{rollingZh, rollingEn, recentish, fiscal, monthRun, partZh, partEn, ymdZh, ymZh, yqZh, yZh, ymEn, yqEn, yqEnWords, yFull, yEn, ymISO, monthNames, periods, lastQuarter} {
		blank(re)
	}
	for _, r := range relative {
		blank(r.re)
	}
	for _, r := range relativeYears {
		blank(r.re)
	}
	// "the third quarter" without a year: the ordinal is the frame's, the
	// quarter a word passages write (季度, quarter).
	text = ordinalQuarter.ReplaceAllStringFunc(text, func(m string) string {
		phrases = append(phrases, m)
		return " quarter"
	})
	return text, phrases
}

// monthEnd matches, in normalised text, a month named as the end of a
// period or a point in time: its figures are the period's or stand at
// that time ("the quarter ending April 2025", "at the end of June 2026",
// "截至2026年6月底"), not the month's own.
var monthEnd = regexp.MustCompile(`\b(?:quarters?|period|months?|year)\s+(?:(?:that|which)\s+)?(?:end(?:ing|ed|s)|to)\s+(?:in\s+)?(?:` + MonthName + `)|\b` + MonthName + `\s+(?:\d{4}\s+)?quarter\b|\b(?:end of|end-|as of|at end of|at the end of|by the end of)\s*(?:` + MonthName + `)|截至\s*(?:\d{4}\s*年)?\s*\d{1,2}\s*月|\d{1,2}\s*月(?:底|末)`)

// ordinalQuarter is a quarter named by its ordinal, in normalised text.
var ordinalQuarter = regexp.MustCompile(`\b(?:first|second|third|fourth)[\s-]quarter\b`)

// halfOf returns the half of year y a normalised question names (1 or 2),
// 0 for none: "2024, before it rose in the first half of 2025" names no
// half of 2024.
func halfOf(q string, y int) int {
	if m := partZh.FindStringSubmatch(q); m != nil && strings.HasSuffix(m[2], "半年") && atoi(m[1]) == y {
		return periodNumber(strings.TrimSuffix(m[2], "半年"))
	}
	if m := partEn.FindStringSubmatch(q); m != nil && atoi(m[4]+m[5]) == y {
		return periodNumber(m[1] + m[2] + m[6])
	}
	return 0
}

// periodNumbers number quarters and halves as questions and sentences
// write them.
var periodNumbers = map[string]int{"一": 1, "二": 2, "三": 3, "四": 4, "上": 1, "下": 2, "first": 1, "second": 2, "third": 3, "fourth": 4}

// periodNumber reads a quarter's or half's number, or digits (a year).
func periodNumber(s string) int {
	if n, ok := periodNumbers[s]; ok {
		return n
	}
	n, _ := strconv.Atoi(s)
	return n
}

// What sentences say of periods (normalised).
var (
	// fullYear marks a whole year's figure, asked or stated.
	fullYear = regexp.MustCompile(`全年|年度|\bfull[\s-]year\b|\bwhole year\b|\bentire year\b|\bannual\b|\bfor the year\b`)
	// partOfYear names months of a year, not all of it: 前三季度, "the
	// first nine months".
	partOfYear = regexp.MustCompile(`前[两三]季|前\s*\d{1,2}\s*个?月|\b(?:first )?(?:three|six|nine|\d{1,2}|ten|eleven) months\b`)
	quartersIn = regexp.MustCompile(`第\s*([一二三四1-4])\s*财?季|([一二三四1-4])\s*季度|\bq([1-4])\b|\b(first|second|third|fourth)[\s-]quarter\b`)
	// partWords name a quarter or a half, numbered or not ("the quarter
	// to end-April").
	partWords = regexp.MustCompile(`季|半年|\bquarters?\b|\bhalf\b|\bq[1-4]\b|\bh[12]\b`)
	halvesIn  = regexp.MustCompile(`([上下])半年|\b(first|second)[\s-]half\b|\bh([12])\b`)
	yearsIn   = regexp.MustCompile(`\b((?:19|20)\d{2})\b(?:$|[^万亿元%台家个名人款颗片辆套吨块张])`) // not an amount: 2000万美元, 1960元, 2000台
	// compared matches a year a sentence measures a change from ("较2025年
	// 全年的94.6%", "up from 2023", "compared with 8.6% in the same period
	// of 2025") or a level against ("well below the levels above 15% the
	// company reported in 2023"): the base of the comparison, not the
	// period its figure is of.
	// founded matches the year a company was founded in ("who co-founded
	// the company in 2023", "成立于2019年"): no period of a figure.
	founded  = regexp.MustCompile(`(?:\bfounded|\bestablished|成立|创立|创办)[^,.;，。；]{0,40}?(?:19|20)\d{2}\b`)
	compared = regexp.MustCompile(`(?:较|比|相比|同比|环比|\bfrom|\bthan|\bcompared (?:with|to)|\bversus|\bvs\.?)\s*(?:the\s+|in\s+)?(?:19|20)\d{2}\b|(?:\bfrom|\bthan|\bcompared (?:with|to)|\bversus|\bvs\.?|\bbelow|\babove)[^,;]{0,40}?\b(?:in|of) (?:19|20)\d{2}\b`)
	// comparedPart matches a quarter, half or month a figure changed from
	// ("narrowed to 0.6 trillion won from 1.9 trillion won in the first
	// quarter", "712 million euros against 582 million euros in the third
	// quarter of 2025", "较一季度", "由第二季的22.8%跳升至41.3%", "较9月", "up 5%
	// from September", "up from $100mn in August 2025", "three months
	// earlier"): the base, not the sentence's period.
	comparedPart = regexp.MustCompile(`(?:\bfrom|\bthan|\bcompared (?:with|to)|\bversus|\bvs\.?|\bagainst)[^,;]{0,40}?\bin (?:the )?(?:fiscal )?(?:(?:first|second|third|fourth)[\s-]quarter|q[1-4]|(?:first|second) half|h[12]|` + MonthName + `)(?:,?\s+(?:of\s+)?(?:19|20)\d{2})?\b|(?:较|相比|环比|比|由)(?:第?[一二三四1-4上]季度?|[上下]半年|\d{1,2}\s*月)|(?:\bfrom|\bthan|\bcompared (?:with|to)|\bversus|\bvs\.?)\s+(?:in\s+)?` + MonthName + `\b|\b(?:three|six|nine|twelve|\d{1,2}) months (?:earlier|ago|before|prior)\b`)
)

// Months named in normalised text: "11月", "10月份", "october", "in may"
// (the modal verb "may" is no month).
var (
	monthZh = regexp.MustCompile(`(\d{1,2})\s*月`)
	monthEn = regexp.MustCompile(`\b(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b|\b(?:in|since|by|of|early|late|mid|end of)\s+(may)\b|\b(may)\s+\d{1,2}\b`)
)

// monthsNamed returns the months normalised text names, of whatever year,
// but not the end of a run of months ("前10月", "1-10月": a part of a
// year).
func monthsNamed(norm string) []int {
	var ms []int
	for _, m := range monthZh.FindAllStringSubmatchIndex(norm, -1) {
		if r, _ := utf8.DecodeLastRuneInString(norm[:m[0]]); strings.ContainsRune("前至到-~0123456789", r) && !strings.HasSuffix(strings.TrimSpace(norm[:m[0]]), "截至") {
			continue // a run's end (not 截至9月底, a point in time), or part of a longer number
		}
		if n, _ := strconv.Atoi(norm[m[2]:m[3]]); n >= 1 && n <= 12 {
			ms = append(ms, n)
		}
	}
	for _, m := range monthEn.FindAllStringSubmatch(norm, -1) {
		ms = append(ms, int(months[strings.Join(m[1:], "")[:3]]))
	}
	return ms
}

// OtherPeriod reports whether a normalised sentence speaks of another
// period than the month, quarter or half the frame names: of another
// month and not its own; of another quarter or half and not its own, of
// another year and not its own, or of a year without a quarter or half
// (the year's figure). "2025年营收" does not state 2026年上半年's revenue,
// nor "second-quarter revenue" the third quarter's, nor October's
// revenue November's. A frame that names no period has none other.
func (f Frame) OtherPeriod(norm string) bool {
	norm = founded.ReplaceAllString(compared.ReplaceAllString(comparedPart.ReplaceAllString(norm, " "), " "), " ")
	if f.Year != 0 {
		if f.MonthEnd && slices.Contains(quarterEnds(norm, f.Year), f.Month) {
			return false // "截至2024年12月31日的季度" is the quarter ending December 2024
		}
		norm = calendarQuarters(calendarHalves(norm))
		if f.Quarter != 0 {
			norm = quarterEndDates(norm)
		}
	}
	if runs := runsNamed(norm); f.Run != [2]int{} && len(runs) > 0 {
		// Asked a run of months, a sentence of the same run states its
		// figure, whatever the company calls it ("the July-September
		// quarter, the second quarter of its fiscal year").
		return !slices.Contains(runs, f.Run)
	}
	if f.Month != 0 {
		// A month asked: a sentence of other months states theirs, one
		// of a quarter or a half that period's ("第三季合併營收" is no
		// October's) unless the month ends the period asked, and, when no
		// year is asked, one of a year that year's ("單季合併營收" is no
		// month's).
		if ms := monthsNamed(norm); len(ms) > 0 {
			return !slices.Contains(ms, f.Month) || f.Year != 0 && otherYearsOnly(norm, f.Year)
		}
		if f.Year == 0 || !f.MonthEnd && (NamesPart(norm) || partOfYear.MatchString(norm)) {
			return NamesPart(norm) || yearsIn.MatchString(norm) || partOfYear.MatchString(norm)
		}
	}
	if f.Quarter == 0 && f.Half == 0 {
		// A calendar year asked: a sentence naming only other calendar
		// years states theirs ("In 2023 revenue was…"); a fiscal year is
		// the company's own and is not compared. Asked a whole year's
		// figure, one of a part of a year that names neither the whole
		// nor the year states the part's ("前三季度净利润…").
		if f.FullYear && f.Month == 0 && (quartersIn.MatchString(norm) || halvesIn.MatchString(norm) || partOfYear.MatchString(norm)) &&
			!fullYear.MatchString(norm) && (f.Year == 0 || !strings.Contains(norm, strconv.Itoa(f.Year))) {
			return true
		}
		return f.Year != 0 && !fiscal.MatchString(norm) && otherYearsOnly(norm, f.Year)
	}
	if f.Quarter != 0 {
		// A run of quarters or months (前三季度, the first nine months) is
		// no quarter of it.
		if rest := partOfYear.ReplaceAllString(norm, " "); rest != norm {
			if !NamesPart(rest) {
				return true
			}
			norm = rest
		}
	}
	// A half is no quarter, nor a quarter a half: H1's revenue is not Q3's.
	if f.Quarter != 0 && !quartersIn.MatchString(norm) && halvesIn.MatchString(norm) || f.Half != 0 && !halvesIn.MatchString(norm) && quartersIn.MatchString(norm) {
		return true
	}
	other := func(re *regexp.Regexp, own int) bool {
		named := false
		for _, m := range re.FindAllStringSubmatch(norm, -1) {
			if periodNumber(strings.Join(m[1:], "")) == own { // one group matches
				return false
			}
			named = true
		}
		return named
	}
	if f.Quarter != 0 && other(quartersIn, f.Quarter) || f.Half != 0 && other(halvesIn, f.Half) {
		return true
	}
	if f.Year != 0 && other(yearsIn, f.Year) { // (a fiscal quarter's year is the company's: not compared)
		return true
	}
	// A sentence that names a year but no quarter or half states the
	// year's figure ("2026年资本开支预计…"), not the quarter's.
	return yearsIn.MatchString(norm) && !quartersIn.MatchString(norm) && !halvesIn.MatchString(norm)
}

// otherYearsOnly reports whether normalised text names years, none of
// them year.
func otherYearsOnly(norm string, year int) bool {
	ys := yearsIn.FindAllStringSubmatch(norm, -1)
	return len(ys) > 0 && !slices.ContainsFunc(ys, func(m []string) bool { return m[1] == strconv.Itoa(year) })
}

// Periodic reports whether the frame names a year, a month, a quarter or a half, or
// asks a whole year's figure: only then may a sentence speak of another
// period than the asked one (OtherPeriod).
func (f Frame) Periodic() bool {
	return f.Year != 0 || f.Month != 0 || f.Quarter != 0 || f.Half != 0 || f.FullYear
}

// OtherPeriodIn is OtherPeriod of a normalised sentence that, naming no
// period itself, speaks of its article's: of the period its title names
// ("快手二季度可灵AI收入达4.3亿元" over "可灵收入同比增长…"; title is "" when
// it names none), else of the quarter or half named last before it in its
// paragraph (context, "" for none: "公布2026财年第三财季业绩" before
// "本季度收入为438亿元"; a year named before is more often background:
// "首次公开…自2019年"). A title of a run of quarters (前三季度) sums up the
// quarters its text tells apart: then the context tells ("其中第三季度单季
// 营收…" before "单季归母净利润…"); so it does, asked a quarter or half,
// under a title that names only a year ("…lifts 2026 target" over
// "reported third-quarter 2026 revenue… Adjusted earnings per share were
// $2.03"). A sentence whose first clause states a
// figure of no period named, before the sum of a run of quarters, speaks
// first of the period of its title or context ("第三季度，…" before "工业机器人
// 出货6,850台，前三季度累计出货1.92万台").
func (f Frame) OtherPeriodIn(sentence, title, context string) bool {
	switch {
	case f.NamesPeriod(sentence):
		if first := clause.Split(sentence, 2)[0]; (title != "" || context != "") && partOfYear.MatchString(sentence) && strings.ContainsAny(first, "0123456789") && !f.NamesPeriod(first) {
			return f.OtherPeriodIn(first, title, context)
		}
		return f.OtherPeriod(sentence)
	case f.Quarter == 0 && f.Half == 0 && f.Month == 0 && relativeYears[0].re.MatchString(sentence):
		// Asked a year alone, "公司今年资本支出上调至约120亿元" states its
		// article's year's figure: the asked year's (the articles are of
		// that year).
		return false
	case title != "" && (context == "" || !partOfYear.MatchString(title) && (f.Quarter == 0 && f.Half == 0 || f.NamesPart(title))):
		return f.OtherPeriod(title)
	case context != "":
		return f.OtherPeriod(context)
	}
	return false // no period named: of the asked one, for all we know
}

// clause separates the clauses of a normalised sentence.
var clause = regexp.MustCompile(`[,;，；]`)

// OtherPart reports whether normalised text names a part of a year (a
// quarter, a half, a run of months, the full year) but not the quarter or
// half asked, and is of another period: "its full-year 2026 outlook" in
// answer to the fourth quarter's; not "泰国厂于第三季正式量产，…预计2027年
// 第二季再扩增" to the third's.
func (f Frame) OtherPart(text string) bool {
	if f.Quarter == 0 && f.Half == 0 || !f.NamesPart(text) && !partOfYear.MatchString(text) && !fullYear.MatchString(text) {
		return false
	}
	asked := func(re *regexp.Regexp, own int) bool {
		return slices.ContainsFunc(re.FindAllStringSubmatch(text, -1), func(m []string) bool { return periodNumber(strings.Join(m[1:], "")) == own })
	}
	return !(f.Quarter != 0 && asked(quartersIn, f.Quarter) || f.Half != 0 && asked(halvesIn, f.Half)) && f.OtherPeriod(text)
}

// NamesPeriod reports whether normalised text names a quarter, a half or
// a year, or, when the frame names a month, a month, or, when it asks a
// whole year's figure, the whole year ("its full-year guidance", in a
// third-quarter report).
func (f Frame) NamesPeriod(text string) bool {
	return f.NamesPart(text) || yearsIn.MatchString(text) || f.Month != 0 && len(monthsNamed(text)) > 0 ||
		f.FullYear && fullYear.MatchString(text)
}

// NamesPart reports whether normalised text names a quarter or a half.
func NamesPart(text string) bool { return quartersIn.MatchString(text) || halvesIn.MatchString(text) }

// NamesPart reports whether normalised text names a quarter or a half
// the frame can place: one numbered, or, when a calendar year is asked,
// a quarter named by its last day ("截至2024年12月31日的季度", which may
// be a company's fiscal quarter of another number).
func (f Frame) NamesPart(text string) bool {
	return NamesPart(text) || f.Year != 0 && (quarterEnded.MatchString(text) || halfEnded.MatchString(text))
}

// quarterEnded matches a quarter named by its last day, in normalised
// text: "截至2024年12月31日的季度", "截至2026年9月30日止三个月", "the
// quarter ended December 31, 2024".
var quarterEnded = regexp.MustCompile(`截至\s*(\d{4})\s*年\s*(3|6|9|12)\s*月\s*3[01]\s*日\s*止?\s*的?\s*(?:三个月|季度|财季)|\b(?:quarter|three months) ended (march|june|september|december) 3[01],? (\d{4})\b`)

// quarterEnd returns the year and the last month of a match of
// quarterEnded or halfEnded.
func quarterEnd(m []string) (year, month int) {
	if m[3] != "" {
		return atoi(m[4]), int(months[m[3][:3]])
	}
	return atoi(m[1]), atoi(m[2])
}

// quarterEnds returns the last months of the quarters of year that
// normalised text names by their last days.
func quarterEnds(norm string, year int) []int {
	var out []int
	for _, m := range quarterEnded.FindAllStringSubmatch(norm, -1) {
		if y, mo := quarterEnd(m); y == year {
			out = append(out, mo)
		}
	}
	return out
}

// calendarQuarters writes the quarters normalised text names by their
// last days as calendar quarters: "截至2024年12月31日的季度" as "q4 2024".
func calendarQuarters(norm string) string {
	return quarterEnded.ReplaceAllStringFunc(norm, func(s string) string {
		y, mo := quarterEnd(quarterEnded.FindStringSubmatch(s))
		return " q" + strconv.Itoa(mo/3) + " " + strconv.Itoa(y) + " "
	})
}

// quarterEndDate matches, in normalised text, a date that ends a
// calendar quarter, as balances are stated: "截至9月30日", "9月末" after
// 截至, "at the end of September".
var quarterEndDate = regexp.MustCompile(`截至\s*(?:(\d{4})\s*年)?\s*(3|6|9|12)\s*月\s*(?:3[01]\s*日|底|末)|\b(?:as of|at the end of|end of)\s+(march|june|september|december)(?:\s+3[01])?(?:,?\s+(\d{4}))?\b`)

// quarterEndDates writes the dates normalised text names that end a
// calendar quarter as that quarter: "截至9月30日" as "q3"; asked a calendar
// quarter, a balance at another quarter's end is that quarter's ("截至9月
// 30日…上架率为78.6%" is no second quarter's).
func quarterEndDates(norm string) string {
	return quarterEndDate.ReplaceAllStringFunc(norm, func(s string) string {
		m := quarterEndDate.FindStringSubmatch(s)
		mo, y := atoi(m[2]), m[1]
		if m[3] != "" {
			mo, y = int(months[m[3][:3]]), m[4]
		}
		return " q" + strconv.Itoa(mo/3) + " " + y + " "
	})
}

// halfEnded matches a half named by its last day, in normalised text:
// "截至2026年6月30日止六个月", "the six months ended June 30, 2026".
var halfEnded = regexp.MustCompile(`截至\s*(\d{4})\s*年\s*(6|12)\s*月\s*3[01]\s*日\s*止?\s*的?\s*(?:六个月|6个月)|\b(?:six|6) months ended (june|december) 3[01],? (\d{4})\b`)

// calendarHalves writes the halves normalised text names by their last
// days as calendar halves: "截至2026年6月30日止六个月" as "2026年上半年".
func calendarHalves(norm string) string {
	return halfEnded.ReplaceAllStringFunc(norm, func(s string) string {
		y, mo := quarterEnd(halfEnded.FindStringSubmatch(s))
		half := "上"
		if mo == 12 {
			half = "下"
		}
		return " " + strconv.Itoa(y) + "年" + half + "半年 "
	})
}

// partStarts are the first months of the halves and seasons of a year
// (winter begins in December).
var partStarts = map[string]time.Month{
	"上半年": 1, "下半年": 7, "first": 1, "second": 7, "1": 1, "2": 7,
	"春季": 3, "春天": 3, "spring": 3, "夏季": 6, "夏天": 6, "summer": 6,
	"秋季": 9, "秋天": 9, "autumn": 9, "fall": 9, "冬季": 12, "冬天": 12, "winter": 12,
}

// PartStart returns when the half or season of a year a question names
// begins ("2026年上半年", "spring 2026", "H2 2025"); ok is false for none.
// Such a period is mostly what figures report on ("IDC's H1 2025
// numbers", told months later), so it never filters what answers; it
// only tells a question about a time after the corpus.
func PartStart(question string) (start time.Time, ok bool) {
	q := analystWritten(corpus.Normalize(question))
	var y int
	var part string
	if m := partZh.FindStringSubmatch(q); m != nil {
		y, part = atoi(m[1]), m[2]
	} else if m := partEn.FindStringSubmatch(q); m != nil {
		y, part = atoi(m[4]), m[1]+m[2]+m[3]
		if m[5] != "" {
			y, part = atoi(m[5]), m[6]
		}
	}
	if y < 1990 || y > 2100 {
		return time.Time{}, false
	}
	return time.Date(y, partStarts[part], 1, 0, 0, 0, 0, time.UTC), true
}
