package rag

import (
	"regexp"
	"slices"
	"strings"

	"github.com/marketbot/marketbot/corpus"
)

// Extractive answers quote the sentences that answer: those that hold the
// kind of fact the question asks for — an amount for "how much", a count
// for "how many", a date for "when", names for "who" and "which" — and
// share the most of its concepts, in either language.

// factKind is the kind of fact a question asks for.
type factKind int

const (
	anyFact factKind = iota
	countFact
	amountFact
	dateFact
	nameFact
)

// What a (normalised) question asks for, tried in this order: "多少个" is a
// count before "多少" is an amount.
var asks = []struct {
	kind factKind
	re   *regexp.Regexp
}{
	{countFact, regexp.MustCompile(`\bhow many\b|\bnumber of\b|几个|几家|几款|几种|几位|几名|几次|多少个|多少家|多少款|多少种|多少位|多少名|多少人|多少张|多少块|数量`)},
	{dateFact, regexp.MustCompile(`\bwhen\b|\bwhat (?:date|day|year|month|time)\b|\bwhich (?:date|day|year|month)\b|什么时候|何时|哪天|哪一天|哪年|哪一年|几月|几号|什么时间|日期`)},
	{amountFact, regexp.MustCompile(`\bhow (?:much|big|large|fast|long)\b|\bprice[sd]?\b|\bpricing\b|\bcosts?\b|\bcharge[sd]?\b|\bvalu(?:ed|ation)\b|\brevenue\b|\bhow much\b|\braised?\b|\bshare\b|多少|多大|多快|多长|多高|价格|定价|价钱|售价|收费|费用|估值|营收|收入|融资|金额|份额|几块|多少钱`)},
	{nameFact, regexp.MustCompile(`\bwho\b|\bwhich\b|\bwhat (?:company|companies|model|models|firm|firms|products?|partners?)\b|\bname\b|哪些|哪家|哪个|哪款|哪几|谁|什么模型|什么公司|什么产品|叫什么`)},
}

// askedFor reads the kind of fact a question asks for.
func askedFor(question string) factKind {
	q := corpus.Normalize(question)
	for _, a := range asks {
		if a.re.MatchString(q) {
			return a.kind
		}
	}
	return anyFact
}

// What each kind of fact looks like in a sentence (normalised).
var (
	amountRe = regexp.MustCompile(`[$¥€£]\s?\d|\d[\d.,]*\s*(?:%|元|美元|港元|欧元|亿|万|千|百万|倍|tokens?\b|billion\b|million\b|trillion\b|thousand\b|percent\b|yuan\b|dollars?\b|usd\b|rmb\b|cny\b|bn\b|[kmb]\b)`)
	countRe  = regexp.MustCompile(`\d+\s*(?:个|家|款|种|位|名|项|张|次|块|台|款|场|人)|[一二两三四五六七八九十百千]+\s*(?:个|家|款|种|位|名|项)|\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?)\s+[a-z-]+s\b`)
	dateRe   = regexp.MustCompile(`\d{4}\s*年(?:\s*\d{1,2}\s*月)?|\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|\b\d{4}-\d{2}-\d{2}\b|\b(?:in|since|by|on)\s+(?:\d{4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*)\b`)
	latinRe  = regexp.MustCompile(`[A-Z][A-Za-z0-9]+(?:[- .][A-Z0-9][A-Za-z0-9.]*)*`)
)

// statesFact reports whether a sentence (as written) states the kind of fact;
// for names, one the question does not already name.
func statesFact(kind factKind, sentence string, asked map[string]bool, aliases *corpus.Aliases) bool {
	norm := corpus.Normalize(sentence)
	switch kind {
	case amountFact:
		return amountRe.MatchString(norm)
	case countFact:
		return countRe.MatchString(norm)
	case dateFact:
		return dateRe.MatchString(norm)
	case nameFact:
		for _, e := range aliases.Match(sentence) {
			if !asked[e.ID] && e.Type != "term" {
				return true
			}
		}
		if corpus.DetectLang(sentence) == "en" {
			return false // capitals begin English sentences: only known names count
		}
		for _, m := range latinRe.FindAllString(sentence, -1) {
			if len(aliases.Match(m)) == 0 {
				return true
			}
		}
	}
	return false
}

// quoteRanker scores a passage's sentences for a question.
type quoteRanker struct {
	concepts []concept
	kind     factKind
	asked    map[string]bool // ids of the entities the question names
	aliases  *corpus.Aliases
}

func newQuoteRanker(question string, aliases *corpus.Aliases) quoteRanker {
	q := query{text: question, entities: aliases.Match(question)}
	r := quoteRanker{concepts: q.analyse(), kind: askedFor(question), asked: map[string]bool{}, aliases: aliases}
	for _, e := range q.entities {
		r.asked[e.ID] = true
	}
	return r
}

// score counts the question's concepts a sentence holds (in any of their
// names or translations), with a bonus for the kind of fact asked for and
// a point for stating a number.
func (r quoteRanker) score(sentence string) int {
	toks := corpus.Tokens(sentence)
	at := map[string][]int{}
	for i, t := range toks {
		at[t] = append(at[t], i)
	}
	score := 0
	for _, c := range r.concepts {
		alts := slices.Clone(c.alts)
		for _, b := range c.cands {
			alts = append(alts, b.toks)
		}
		for _, alt := range alts {
			if len(alt) > 0 && containsSeq(toks, at, alt) {
				score += 2
				break
			}
		}
	}
	if r.kind != anyFact && statesFact(r.kind, sentence, r.asked, r.aliases) {
		score += 3
	}
	if number.MatchString(sentence) {
		score++
	}
	return score
}

// best returns up to n sentences of text: the one that best answers
// first, then the next best, with "…" where they are not adjacent; and
// the best sentence's score.
func (r quoteRanker) best(text string, n int) (string, int) {
	spans := corpus.Split(text, corpus.ChunkOptions{Target: 1, Max: 400})
	if len(spans) == 0 {
		return strings.Join(strings.Fields(text), " "), 0
	}
	type scored struct{ i, score int }
	ss := make([]scored, len(spans))
	for i, sp := range spans {
		ss[i] = scored{i, r.score(text[sp.Start:sp.End])}
	}
	slices.SortStableFunc(ss, func(x, y scored) int { return y.score - x.score })
	ss = ss[:min(n, len(ss))]
	var b strings.Builder
	for k, s := range ss {
		if k > 0 {
			if s.i == ss[k-1].i+1 {
				b.WriteString(" ")
			} else {
				b.WriteString(" … ")
			}
		}
		b.WriteString(strings.Join(strings.Fields(text[spans[s.i].Start:spans[s.i].End]), " "))
	}
	return b.String(), ss[0].score
}
