package rag

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// timeFrame is what a question says about time: a date range to keep
// (zero ends are open) and whether it asks for the latest news.
type timeFrame struct {
	since, until time.Time // until is exclusive
	recent       bool
}

var (
	ymdZh     = regexp.MustCompile(`(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]`)
	ymZh      = regexp.MustCompile(`(\d{4})\s*年\s*(\d{1,2})\s*月`)
	yZh       = regexp.MustCompile(`(\d{4})\s*年`)
	ymEn      = regexp.MustCompile(`(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{4})\b`)
	yEn       = regexp.MustCompile(`(?i)\b(?:in|during|of|throughout)\s+(\d{4})\b`)
	ymISO     = regexp.MustCompile(`\b(\d{4})-(\d{2})\b`)
	recentish = regexp.MustCompile(`(?i)最新|最近|近期|近来|目前|当前|現在|现在|如今|\blatest\b|\bmost recent\b|\brecent(ly)?\b|\bnewest\b|\bcurrent(ly)?\b|\bnow\b|\bthese days\b`)
)

var months = map[string]time.Month{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}

// relative time words, with the range they name relative to now.
var relative = []struct {
	re    *regexp.Regexp
	frame func(now time.Time) (time.Time, time.Time)
}{
	{regexp.MustCompile(`(?i)今天|今日|\btoday\b`), func(n time.Time) (time.Time, time.Time) { d := day(n); return d, d.AddDate(0, 0, 1) }},
	{regexp.MustCompile(`(?i)昨天|昨日|\byesterday\b`), func(n time.Time) (time.Time, time.Time) { d := day(n); return d.AddDate(0, 0, -1), d }},
	{regexp.MustCompile(`(?i)本周|这周|這週|本週|\bthis week\b`), func(n time.Time) (time.Time, time.Time) { d := week(n); return d, d.AddDate(0, 0, 7) }},
	{regexp.MustCompile(`(?i)上周|上週|\blast week\b`), func(n time.Time) (time.Time, time.Time) { d := week(n); return d.AddDate(0, 0, -7), d }},
	{regexp.MustCompile(`(?i)本月|这个月|這個月|\bthis month\b`), func(n time.Time) (time.Time, time.Time) { m := month(n); return m, m.AddDate(0, 1, 0) }},
	{regexp.MustCompile(`(?i)上个月|上個月|上月|\blast month\b`), func(n time.Time) (time.Time, time.Time) { m := month(n); return m.AddDate(0, -1, 0), m }},
	{regexp.MustCompile(`(?i)今年|\bthis year\b`), func(n time.Time) (time.Time, time.Time) { y := year(n.Year()); return y, y.AddDate(1, 0, 0) }},
	{regexp.MustCompile(`(?i)去年|\blast year\b`), func(n time.Time) (time.Time, time.Time) { y := year(n.Year() - 1); return y, y.AddDate(1, 0, 0) }},
	{regexp.MustCompile(`(?i)过去一周|過去一週|\bpast week\b|\blast 7 days\b`), func(n time.Time) (time.Time, time.Time) { return n.AddDate(0, 0, -7), n.Add(time.Second) }},
	{regexp.MustCompile(`(?i)过去一个月|過去一個月|\bpast month\b|\blast 30 days\b`), func(n time.Time) (time.Time, time.Time) { return n.AddDate(0, -1, 0), n.Add(time.Second) }},
}

func day(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}
func month(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location()) }
func year(y int) time.Time        { return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC) }
func week(t time.Time) time.Time {
	d := day(t)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7)) // weeks start on Monday
}

// Reports of a period come out after it: a question about "2024年四季度"
// is answered by January's earnings article. Periods named in a question
// are widened by these margins.
const (
	yearMargin  = 92 * 24 * time.Hour
	monthMargin = 31 * 24 * time.Hour
)

// parseTimeFrame reads dates and recency from a question: "2024年5月",
// "May 2024", "in 2024", "2025-01", "上个月", "this week", "最新", "latest".
// The most specific absolute date wins; relative words are taken relative
// to now.
func parseTimeFrame(q string, now time.Time) timeFrame {
	f := timeFrame{recent: recentish.MatchString(q)}
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	validYear := func(y int) bool { return y >= 1990 && y <= 2100 }
	switch {
	case ymdZh.MatchString(q):
		m := ymdZh.FindStringSubmatch(q)
		y, mo, d := atoi(m[1]), atoi(m[2]), atoi(m[3])
		if validYear(y) && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 {
			// Reports come after the event.
			t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
			f.since, f.until = t.AddDate(0, 0, -1), t.AddDate(0, 0, 8)
			return f
		}
	case ymZh.MatchString(q):
		m := ymZh.FindStringSubmatch(q)
		if y, mo := atoi(m[1]), atoi(m[2]); validYear(y) && mo >= 1 && mo <= 12 {
			f.since = time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, time.UTC)
			f.until = f.since.AddDate(0, 1, 0).Add(monthMargin)
			return f
		}
	case ymEn.MatchString(q):
		m := ymEn.FindStringSubmatch(q)
		if y := atoi(m[2]); validYear(y) {
			f.since = time.Date(y, months[strings.ToLower(m[1])[:3]], 1, 0, 0, 0, 0, time.UTC)
			f.until = f.since.AddDate(0, 1, 0).Add(monthMargin)
			return f
		}
	case ymISO.MatchString(q):
		m := ymISO.FindStringSubmatch(q)
		if y, mo := atoi(m[1]), atoi(m[2]); validYear(y) && mo >= 1 && mo <= 12 {
			f.since = time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, time.UTC)
			f.until = f.since.AddDate(0, 1, 0).Add(monthMargin)
			return f
		}
	}
	for _, re := range []*regexp.Regexp{yZh, yEn} {
		if m := re.FindStringSubmatch(q); m != nil {
			if y := atoi(m[1]); validYear(y) {
				f.since, f.until = year(y), year(y+1).Add(yearMargin)
				return f
			}
		}
	}
	for _, r := range relative {
		if r.re.MatchString(q) {
			f.since, f.until = r.frame(now)
			return f
		}
	}
	return f
}
