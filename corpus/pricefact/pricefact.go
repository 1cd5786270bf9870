// Package pricefact finds the API prices a text states — "每百万tokens
// 1元", "输入价格0.0008元/千tokens", "$0.15 per million input tokens",
// "output at $10 per 1M tokens" — as facts: which model, which kind of
// tokens, how much per million tokens in the currency stated (never
// converted), from when, and the sentence that says so. It prefers
// precision to recall: a price it cannot tie to one model, an old price a
// sentence cuts from, a storage or creation fee, and anything not priced
// per tokens (market sizes, funding, revenue) yield nothing.
package pricefact

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/marketbot/marketbot/corpus"
)

// Version changes whenever Extract finds other facts in the same text: a
// store re-extracts what it holds when its facts are of another version.
const Version = 1

// Kinds of tokens a price is for.
const (
	Input       = "input"
	Output      = "output"
	CachedInput = "cached_input"
	Unspecified = "unspecified"
)

// Fact is one price a text states.
type Fact struct {
	Model      string    // the alias table's id of the model (or product) priced
	Kind       string    // Input, Output, CachedInput or Unspecified
	PerMillion float64   // the price per million tokens
	Currency   string    // "CNY" or "USD", as stated
	Date       time.Time // when it took effect: a date the sentence states, else the publication date
	Quote      string    // the sentence, as written
}

// Extract returns the prices text states. title is its article's title
// (a sentence that names no model, company or product — "It costs…",
// "The company put the API price at…" — speaks of the one model the title
// names, if it names exactly one), published its publication date.
func Extract(text, title string, published time.Time, aliases *corpus.Aliases) []Fact {
	if !mentionsTokens(text) {
		return nil // most passages: no price per tokens, nothing to read
	}
	names := namesOf(aliases)
	var titleModel string
	if ms := names.find(corpus.Normalize(title)); len(ms) > 0 {
		if models := modelsIn(ms); len(models) == 1 {
			titleModel = models[0]
		}
	}
	var out []Fact
	for _, sp := range corpus.Split(text, corpus.ChunkOptions{Target: 1, Max: 1000}) {
		if sentence := text[sp.Start:sp.End]; mentionsTokens(sentence) {
			quote := strings.Join(strings.Fields(sentence), " ")
			out = append(out, sentenceFacts(quote, titleModel, published, names)...)
		}
	}
	return out
}

// mentionsTokens reports whether s says "tokens", as every price per
// tokens does.
func mentionsTokens(s string) bool {
	return strings.Contains(s, "oken") || strings.Contains(s, "OKEN")
}

// sentenceFacts reads one sentence.
func sentenceFacts(quote, titleModel string, published time.Time, names *nameIndex) []Fact {
	s := corpus.Normalize(quote)
	prices := findPrices(s)
	if len(prices) == 0 {
		return nil
	}
	mentions := names.find(s)
	var out []Fact
	for _, p := range prices {
		model, ok := modelFor(s, p, mentions, names)
		if !ok {
			continue
		}
		if model == "" && anaphor.MatchString(s) && !slices.ContainsFunc(mentions, func(m mention) bool { return m.start < p.start }) {
			model = titleModel // "It costs…", "The company put the API price at…"
		}
		if model == "" {
			continue
		}
		date := statedDate(s[:p.start], published)
		if date.IsZero() {
			date = published
		}
		f := Fact{Model: model, Kind: p.kind, PerMillion: p.perMillion, Currency: p.currency, Date: date, Quote: quote}
		out = mergeFact(out, f)
	}
	return out
}

// mergeFact adds f unless the sentence states the same price of the same
// model again ("0.0008元/千tokens，即每千tokens 0.8厘", "折合每百万tokens
// 0.5元"): then the more specific kind stays.
func mergeFact(out []Fact, f Fact) []Fact {
	for i, g := range out {
		if g.Model == f.Model && g.Currency == f.Currency && sameAmount(g.PerMillion, f.PerMillion) {
			if g.Kind == Unspecified {
				out[i].Kind = f.Kind
			}
			return out
		}
	}
	return append(out, f)
}

func sameAmount(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b)) }

// price is one price found in a normalised sentence.
type price struct {
	start, end int // its span
	perMillion float64
	currency   string
	kind       string
}

// The two shapes of a price per tokens, in normalised text (lower case,
// Simplified, half-width):
//   - an amount, then its unit of tokens: "0.0008元/千tokens",
//     "$0.15 per million input tokens", "1 yuan per million input tokens",
//     "$10 per 1m tokens", "$15 output per million tokens";
//   - the unit of tokens, then the amount: "每百万tokens 1元",
//     "每百万输入tokens 4元", "每千tokens 3厘".
var (
	amountFirst = regexp.MustCompile(`(us\$|\$|¥|￥)?\s*(\d+(?:\.\d+)?)\s*(美元|美分|元|厘|分|dollars?|cents?|yuan|rmb)?\s*(input|output)?\s*(?:/|per|每)\s*(1m|1k|m|k|million|a million|one million|1 million|thousand|1,000|1000|百万|千|万)\s*(?:个)?\s*(cached input|input|output|输入|输出)?\s*tokens?\b`)
	unitFirst   = regexp.MustCompile(`每\s*(百万|千|万|1m)\s*(?:个)?\s*(输入|输出)?\s*tokens?\s*(输入|输出)?\s*(?:的)?\s*(?:价格|定价|收费|费用)?\s*(?:为|是|仅为|仅|降至|降到|至)?\s*(\d+(?:\.\d+)?)\s*(美元|元|厘|分)`)
	// A price per token and minute, per image or for creating a cache is
	// not an API price per tokens.
	notPerTokens = regexp.MustCompile(`^\s*(?:/\s*(?:min|分钟|h|hour|小时)|每分钟|每小时|per (?:minute|hour))`)
	// A cache hit makes an input price the cached one.
	cacheHit = regexp.MustCompile(`cache hits?|缓存命中|命中缓存`)
	// A sentence that begins so speaks of its article's subject.
	anaphor = regexp.MustCompile(`^(?:it|its|the (?:company|model|price|api|new model)|prices?|pricing|它|其|该模型|该公司|价格|定价)\b`)
	// "…的输入价格": the kind said after the price.
	kindAfter = regexp.MustCompile(`^\s*的?\s*(输入|输出)\s*(?:价格|定价|价)`)
)

// findPrices returns the sentence's prices per tokens, in order.
func findPrices(s string) []price {
	var out []price
	prev := 0 // where the text about the next price begins
	for _, m := range amountFirst.FindAllStringSubmatchIndex(s, -1) {
		sym, num, unit, kindBefore, mult, kindAfter := group(s, m, 1), group(s, m, 2), group(s, m, 3), group(s, m, 4), group(s, m, 5), group(s, m, 6)
		if slashPair(s[:m[0]]) || strings.HasPrefix(s[m[1]:], "/") && sym != "" {
			continue
		}
		p, ok := makePrice(s, prev, m[0], m[1], sym, num, unit, mult, kindBefore+kindAfter)
		if ok {
			out = append(out, p)
		}
		prev = m[1]
	}
	prev = 0
	if !strings.Contains(s, "每") {
		return out // no unit said first
	}
	for _, m := range unitFirst.FindAllStringSubmatchIndex(s, -1) {
		mult, k1, k2, num, unit := group(s, m, 1), group(s, m, 2), group(s, m, 3), group(s, m, 4), group(s, m, 5)
		p, ok := makePrice(s, prev, m[0], m[1], "", num, unit, mult, k1+k2)
		if ok && !overlaps(out, p) {
			out = append(out, p)
		}
		prev = m[1]
	}
	slices.SortFunc(out, func(a, b price) int { return a.start - b.start })
	return out
}

// cutFrom reports whether the text before a price says it is the one a
// sentence lowers or raises from ("由0.02元/千tokens降至…", "from $10
// to…"): the old one.
func cutFrom(before string) bool {
	before = strings.TrimRight(before, " ")
	return strings.HasSuffix(before, "由") || strings.HasSuffix(before, "从") || strings.HasSuffix(before, "from")
}

// slashPair reports whether a price ends a slash pair ("$3/$15 per million
// tokens"), which leaves its kinds unsaid.
func slashPair(before string) bool {
	before = strings.TrimRight(before, " ")
	if !strings.HasSuffix(before, "/") {
		return false
	}
	before = strings.TrimRight(strings.TrimSuffix(before, "/"), " ")
	return before != "" && before[len(before)-1] >= '0' && before[len(before)-1] <= '9'
}

// feeWords say a fee for creating or storing a cache, or for training,
// which is not a price of tokens read or written.
var feeWords = []string{"创建", "存储", "存活", "训练", "微调", "storage", "storing", "creat", "training", "fine-tun"}

func isFee(words string) bool {
	return slices.ContainsFunc(feeWords, func(w string) bool { return strings.Contains(words, w) })
}

func group(s string, m []int, i int) string {
	if m[2*i] < 0 {
		return ""
	}
	return s[m[2*i]:m[2*i+1]]
}

func overlaps(ps []price, p price) bool {
	return slices.ContainsFunc(ps, func(q price) bool { return p.start < q.end && q.start < p.end })
}

// makePrice reads a match at [start, end): an amount with its currency (a
// symbol or a word), the tokens it buys, and a kind if the match says one;
// the text from since (the end of the previous price) says what it is for.
func makePrice(s string, since, start, end int, sym, num, unit, mult, kind string) (price, bool) {
	if cutFrom(s[:start]) || notPerTokens.MatchString(s[end:]) || isFee(s[min(since, start):start]) {
		return price{}, false
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return price{}, false
	}
	var currency string
	switch {
	case sym == "$" || sym == "us$" || unit == "美元" || strings.HasPrefix(unit, "dollar"):
		currency = "USD"
	case unit == "美分" || strings.HasPrefix(unit, "cent"):
		currency, v = "USD", v/100
	case unit == "厘":
		currency, v = "CNY", v/1000
	case unit == "分":
		currency, v = "CNY", v/100
	case sym == "¥" || sym == "￥" || unit == "元" || unit == "yuan" || unit == "rmb":
		currency = "CNY"
	default:
		return price{}, false // a count of tokens, not a price
	}
	switch mult {
	case "1k", "k", "thousand", "1,000", "1000", "千":
		v *= 1000
	case "万":
		v *= 100
	}
	p := price{start: start, end: end, perMillion: round(v), currency: currency, kind: kindOf(kind)}
	if p.kind == Unspecified {
		p.kind = kindOf(clauseBefore(s, start))
	}
	if m := kindAfter.FindStringSubmatch(s[end:]); p.kind == Unspecified && m != nil {
		p.kind = kindOf(m[1])
	}
	if after := clauseAfter(s, end); p.kind != Output && cacheHit.MatchString(after) {
		p.kind = CachedInput // "…per million input tokens on cache hits"
	}
	return p, true
}

// round keeps a price's significant digits, dropping the floating-point
// noise of scaling (0.0008×1000).
func round(v float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 10, 64), 64)
	return r
}

// clauseAfter returns the words of s's clause after position i.
func clauseAfter(s string, i int) string {
	c := s[i:]
	if j := strings.IndexAny(c, "，,；;：:。"); j >= 0 {
		c = c[:j]
	}
	return c
}

// clauseBefore returns the words of s's clause before position i: what
// a price's kind is said in ("API输入价格由…", "output at $10…").
func clauseBefore(s string, i int) string {
	c := s[:i]
	if j := strings.LastIndexAny(c, "，,；;：:。"); j >= 0 {
		c = c[j:]
	}
	return c
}

// kindWords name the kinds of tokens.
var kindWords = []struct{ word, kind string }{
	{"输入", Input}, {"input", Input}, {"输出", Output}, {"output", Output},
	{"缓存命中", CachedInput}, {"命中缓存", CachedInput}, {"cache hit", CachedInput}, {"cached input", CachedInput},
	{"缓存未命中", Input}, {"cache miss", Input},
}

// kindOf reads the kind of tokens words name: the one said last, nearest
// the price (the longer of two ending together: "cached input", not
// "input").
func kindOf(words string) string {
	kind, end, length := Unspecified, -1, 0
	for _, k := range kindWords {
		i := strings.LastIndex(words, k.word)
		if i < 0 {
			continue
		}
		if e := i + len(k.word); e > end || e == end && len(k.word) > length {
			kind, end, length = k.kind, e, len(k.word)
		}
	}
	return kind
}

// datePatterns read a date a sentence states, in normalised text.
var (
	dateZh  = regexp.MustCompile(`(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?`)
	dateEn  = regexp.MustCompile(`\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?:(\d{1,2}),?\s+)?(\d{4})\b`)
	dateISO = regexp.MustCompile(`(?:^|[^\w-])(\d{4})-(\d{2})-(\d{2})\b`) // not a snapshot's name: gpt-4o-2024-05-13
	months  = map[string]time.Month{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}
)

// statedDate returns the last date s states — the words before a price,
// so the date nearest it (a month alone is its first day; a Chinese month
// and day without a year are of the year of published, or the one before
// if that would be after it); zero for none.
func statedDate(s string, published time.Time) time.Time {
	var last time.Time
	lastAt := -1
	take := func(at, y int, m time.Month, d int) {
		if y < 1990 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31 || at < lastAt {
			return
		}
		last, lastAt = time.Date(y, m, d, 0, 0, 0, 0, time.UTC), at
	}
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	for _, m := range dateZh.FindAllStringSubmatchIndex(s, -1) {
		d := 1
		if m[6] >= 0 {
			d = atoi(s[m[6]:m[7]])
		} else if m[2] < 0 {
			continue // a month alone, without its year: 3个月, 5月份 are no dates
		}
		y := published.Year()
		if m[2] >= 0 {
			y = atoi(s[m[2]:m[3]])
		} else if time.Date(y, time.Month(atoi(s[m[4]:m[5]])), d, 0, 0, 0, 0, time.UTC).After(published) {
			y--
		}
		take(m[0], y, time.Month(atoi(s[m[4]:m[5]])), d)
	}
	for _, m := range dateEn.FindAllStringSubmatchIndex(s, -1) {
		d := 1
		if m[4] >= 0 {
			d = atoi(s[m[4]:m[5]])
		}
		take(m[0], atoi(s[m[6]:m[7]]), months[s[m[2]:m[3]]], d)
	}
	for _, m := range dateISO.FindAllStringSubmatchIndex(s, -1) {
		take(m[0], atoi(s[m[2]:m[3]]), time.Month(atoi(s[m[4]:m[5]])), atoi(s[m[6]:m[7]]))
	}
	return last
}
