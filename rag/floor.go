package rag

import (
	"math"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/corpus/zhseg"
)

// The relevance floor. A question is a set of concepts: each entity or
// trade word it names (matched by any of its names, in any language or
// script), each Chinese content word, each model-and-version compound
// ("GPT-6"), and each other informative English word. A concept weighs its
// inverse document frequency, so words the corpus never saw weigh the most
// and a question about something absent ("Tesla FSD", "房地产") covers
// little anywhere. A passage's coverage is the share of the weight it
// holds; below the floor it is not an answer.

// concept is one thing a question asks about: covered when a passage holds
// the tokens of any one of its alternatives, in order.
type concept struct {
	weight float64
	alts   [][]string
	entity bool   // a named entity (not a trade word)
	lang   string // "zh" or "en" for plain words of one language; "" for names, numbers and versions
	known  bool   // the corpus has seen it
}

// crossWeight scales a plain word of one language when judging a passage
// in the other: without a dictionary, "launched" cannot be matched in a
// Chinese passage, so it should not sink one that names what was asked.
// Words the corpus never saw keep their weight: they mark what is absent.
const crossWeight = 0.25

var (
	// compound matches a name with a version: GPT-6, DeepSeek-R2, Qwen 2.5.
	compound = regexp.MustCompile(`[a-z][a-z0-9]+(?:[- ]?[a-z]?\d+(?:\.\d+)?[a-z]*)+`)
	// questionWords say how something is asked, not what about.
	questionWords = map[string]bool{
		"how": true, "much": true, "many": true, "why": true, "where": true, "will": true, "would": true,
		"can": true, "could": true, "should": true, "get": true, "got": true, "had": true, "about": true,
		"their": true, "there": true, "these": true, "those": true, "they": true, "so": true, "far": true,
		"per": true, "into": true, "most": true, "more": true, "than": true, "exactly": true, "also": true,
		"any": true, "some": true, "tell": true, "me": true, "please": true, "s": true, "been": true,
		"one": true, "two": true, "first": true, "last": true, "year": true, "month": true, "week": true,
		"day": true, "days": true, "happened": true, "happen": true, "new": true,
	}
	monthNames = regexp.MustCompile(`(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b`)
	// chineseQuestionWords are content words by their part of speech that
	// only frame a Chinese question.
	chineseQuestionWords = map[string]bool{
		"还有": true, "是否": true, "有没有": true, "怎么样": true, "如何": true, "为什么": true, "可以": true,
		"能够": true, "需要": true, "应该": true, "一下": true, "告诉": true, "请问": true, "介绍": true,
		"情况": true, "问题": true, "怎样": true, "具体": true, "主要": true, "有关": true, "关于": true,
		"分别": true, "大概": true, "左右": true, "之后": true, "之前": true, "时候": true, "叫做": true,
		"名字": true, "哪家": true, "哪个": true, "一些": true, "回事": true, "有多": true, "多大": true,
	}
	capitalised = regexp.MustCompile(`\b[A-Z][A-Za-z0-9]*`)
)

// phraseFreq reports in how many of the corpus's passages a sequence of
// tokens occurs.
type phraseFreq func(toks []string) int

// concepts analyses the question; freq and n are corpus statistics.
func (q query) concepts(freq phraseFreq, n int) []concept {
	idf := func(toks []string) float64 { return math.Log(1 + float64(n)/math.Max(float64(freq(toks)), 0.5)) }
	word := func(toks []string, lang string) concept {
		return concept{weight: idf(toks), alts: [][]string{toks}, lang: lang, known: freq(toks) > 0}
	}
	// Capitalised words unknown to the corpus are names of what it lacks
	// ("Tesla", "HBM"); lower-case unknown words are more likely the asker's
	// own wording ("spoken") and weigh like an average concept.
	names := map[string]bool{}
	for _, w := range capitalised.FindAllString(q.text, -1) {
		names[strings.ToLower(w)] = true
	}
	text := corpus.Normalize(q.text)
	// Words about time are the date filter's business.
	for _, re := range []*regexp.Regexp{recentish, ymdZh, ymZh, yZh, ymEn, yEn, ymISO, monthNames} {
		text = re.ReplaceAllString(text, " ")
	}
	for _, r := range relative {
		text = r.re.ReplaceAllString(text, " ")
	}
	var out []concept
	for _, e := range q.entities {
		c := concept{entity: e.Type != "term", known: true}
		for _, name := range e.Names {
			toks := corpus.Tokens(name)
			if len(toks) == 0 {
				continue
			}
			c.alts = append(c.alts, toks)
			if re := nameRegexp(name); re.MatchString(text) {
				c.weight = math.Max(c.weight, idf(toks))
				text = re.ReplaceAllString(text, " ")
			}
		}
		if c.weight > 0 {
			out = append(out, c)
		}
	}
	for _, w := range zhseg.Segment(text) {
		if w.Content() && !chineseQuestionWords[w.Text] {
			out = append(out, word(corpus.Tokens(w.Text), "zh"))
		}
	}
	for _, m := range compound.FindAllString(text, -1) {
		if toks := corpus.Tokens(m); len(toks) > 1 {
			out = append(out, word(toks, ""))
			text = strings.Replace(text, m, " ", 1)
		}
	}
	for _, t := range corpus.Tokens(latinOnly(text)) {
		if questionWords[t] {
			continue
		}
		lang := "en"
		if t[0] >= '0' && t[0] <= '9' {
			lang = ""
		}
		c := word([]string{t}, lang)
		if !c.known && !names[t] {
			c.weight = 0 // set below, once the known concepts are weighed
		}
		out = append(out, c)
	}
	var sum float64
	var known int
	for _, c := range out {
		if c.known {
			sum, known = sum+c.weight, known+1
		}
	}
	for i := range out {
		if out[i].weight == 0 && known > 0 {
			out[i].weight = sum / float64(known)
		}
	}
	return out
}

// nameRegexp matches a normalised name in normalised text, on word
// boundaries where the name starts or ends with a Latin letter or digit.
func nameRegexp(name string) *regexp.Regexp {
	n := regexp.QuoteMeta(corpus.Normalize(name))
	r, _ := utf8.DecodeRuneInString(name)
	l, _ := utf8.DecodeLastRuneInString(name)
	if r < 0x2E80 {
		n = `\b` + n
	}
	if l < 0x2E80 {
		n += `\b`
	}
	return regexp.MustCompile(n)
}

// latinOnly blanks out Han characters, which Segment has dealt with.
func latinOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0x2E80 {
			return ' '
		}
		return r
	}, s)
}

// coverage is the share of the concepts' weight that a passage (its
// normalised title and text, in language lang) covers. A passage that
// names none of the question's entities covers nothing: "Anthropic's
// latest model" is not answered by a passage about OpenAI's.
func coverage(concepts []concept, norm, lang string) float64 {
	toks := corpus.NormalizedTokens(norm)
	at := map[string][]int{}
	for i, t := range toks {
		at[t] = append(at[t], i)
	}
	passageLang := "en"
	if strings.HasPrefix(lang, "zh") {
		passageLang = "zh"
	}
	var total, covered float64
	entities, entityHit := false, false
	for _, c := range concepts {
		w := c.weight
		if c.lang != "" && c.lang != passageLang && c.known {
			w *= crossWeight
		}
		total += w
		hit := false
		for _, alt := range c.alts {
			if containsSeq(toks, at, alt) {
				hit = true
				break
			}
		}
		if hit {
			covered += w
		}
		entities = entities || c.entity
		entityHit = entityHit || (c.entity && hit)
	}
	if total == 0 || (entities && !entityHit) {
		return 0
	}
	return covered / total
}

// containsSeq reports whether seq occurs contiguously in toks; at indexes
// toks by token.
func containsSeq(toks []string, at map[string][]int, seq []string) bool {
	for _, i := range at[seq[0]] {
		if i+len(seq) > len(toks) {
			break
		}
		match := true
		for k := 1; k < len(seq); k++ {
			if toks[i+k] != seq[k] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// titleNamesEntity reports whether a title names one of the question's
// entities, or whether the question names none.
func titleNamesEntity(concepts []concept, title string) bool {
	toks := corpus.Tokens(title)
	at := map[string][]int{}
	for i, t := range toks {
		at[t] = append(at[t], i)
	}
	named := false
	for _, c := range concepts {
		if !c.entity {
			continue
		}
		named = true
		for _, alt := range c.alts {
			if containsSeq(toks, at, alt) {
				return true
			}
		}
	}
	return !named
}
