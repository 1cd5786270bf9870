package search

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/corpus/zhen"
	"github.com/marketbot/marketbot/corpus/zhseg"
	"github.com/marketbot/marketbot/rag/search/bridge"
	"github.com/marketbot/marketbot/rag/search/when"
)

// The relevance floor. A question is a set of concepts: each entity or
// trade word it names (matched by any of its names, in any language or
// script), each Chinese content word, each model-and-version compound
// ("GPT-6"), and each other informative English word or dictionary phrase,
// with the translations of plain words the bilingual bridge finds in the
// corpus (bridge.go). A concept weighs its inverse document frequency, so
// words the corpus never saw weigh the most and a question about something
// absent ("Tesla FSD", "房地产") covers little anywhere. A passage's
// coverage is the share of the weight it holds; below the floor it is not
// an answer.

// concept is one thing a question asks about: covered when a passage holds
// the tokens of any one of its alternatives, in order.
type concept struct {
	weight   float64
	alts     [][]string    // its names as asked and, for entities, in every language and script; then trans
	asked    [][]string    // the alternatives the question itself uses
	trans    []bridge.Word // the bridge's translations of a plain word that the corpus holds, most used first
	cands    []bridge.Word // the bridge's candidates, before the corpus is consulted
	forms    []string      // a plain English word's other inflections, or a name's last word in the other number (otherNumber), before the corpus is consulted
	alias    bool          // an entity or trade word of the alias table
	entity   bool          // a named entity (not a trade word)
	typ      string        // an entity's type in the alias table: company, model, product…
	id       string        // an entity's id in the alias table; for an unlisted version, its family's
	short    [][]string    // a company's short forms, which name it only where a title begins with one (corpus.Entity.Short)
	measure  string        // for a trade word figures are stated for: corpus.Entity.Measure
	lang     string        // "zh" or "en" for plain words of one language; "" for names, numbers and versions
	known    bool          // the corpus has seen it
	wording  bool          // a lower-case English word or a Chinese verb, adjective or adverb: when unknown, the asker's own wording, not a name
	name     bool          // a name written capitalised (not one of the alias table): weighs nothing, but…
	coined   bool          // a capitalised name with a version (GPT-6)…
	variant  bool          // a version of a family with a variant's words (Gemini 3 Flash-Lite): what a figure is of
	required bool          // …when no passage's text holds it, only a passage whose title does can answer
	rendered bool          // a name the dictionary translates as a whole (Bitcoin: 比特币), not one it may lack
	apart    bool          // a name of several words no passage holds together, each of which some passage holds
	product  bool          // a name in pinyin before a word for a product ("Jiutian model"), which may be a word of the dictionary (九天)
	glossing bool          // an acronym in brackets after the words in characters it stands for (晶圆厂设备（WFE）): required or not, they may answer
	pinyin   string        // a capitalised Latin word, alone or before a version, that may be a Chinese name in pinyin (Zuoyebang: 作业帮)
	parts    []concept     // a phrase's words, should the corpus hold it in no language
	share    int           // a phrase's word, one of share: together they weigh as one concept
	source   bool          // an entity named as the source of the figure asked ("according to IDC"): no subject of it (see measureOf)
}

// verbal are jieba's parts of speech of verbs, adjectives and adverbs,
// not their nominal uses (进展 "progress" is vn).
var verbal = map[string]bool{"v": true, "vd": true, "a": true, "ad": true, "d": true}

// crossWeight scales a plain word of one language that a passage in the
// other lacks: the bridge's translations are candidates, and the passage
// may say it otherwise ("public debut" is 公开亮相), so the miss should
// not sink a passage that names what was asked. Names and words the
// corpus never saw weigh more: they may mark what is absent.
const crossWeight = 0.25

// unknownCrossWeight scales a Chinese word that neither the corpus nor its
// translations hold, missing from a passage in the other language:
// perhaps the asker's wording (律师资格考试 is a "bar exam"), perhaps a
// name the passage writes in Latin letters (伊维尔德罗拉 for Iberdrola),
// perhaps a mark of what is absent (房地产). The same holds for an English
// word the dictionary translates into nothing the corpus holds.
const unknownCrossWeight = 0.5

var (
	// productCode matches a code that begins with digits: 910C, 5090D.
	productCode = regexp.MustCompile(`\b\d+[a-z][a-z0-9]*\b`)
	// magnitude matches a number with a unit or an ordinal: 1m, 128k, 70b, 10x, 3rd.
	magnitude = regexp.MustCompile(`^\d+(?:[kmbtxgwsp]|bn|mn|tn|gb|tb|mb|ms|st|nd|rd|th)$`)
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
		"day": true, "days": true, "happened": true, "happen": true, "new": true, "actually": true,
		"really": true, "just": true, "ever": true, "even": true, "still": true, "already": true,
		"if": true, "whether": true, "each": true, "but": true, "because": true, "while": true,
		"reportedly": true, "allegedly": true, "supposedly": true, "apparently": true, "roughly": true, "approximately": true,
		// pronouns and what is left of contractions ("I'm", "we've"): the asker's, not what is asked about
		"i": true, "m": true, "ve": true, "ll": true, "re": true, "my": true, "we": true, "our": true, "you": true,
		"your": true, "he": true, "him": true, "his": true, "she": true, "her": true, "them": true,
		"bn": true, "mn": true, // of "$40bn": the number's concept carries its unit
	}
	// howDimension is "how big", "how long", "the number of"…: an amount
	// or count asked for, as 多大 and 多长 are, not what about.
	howDimension = regexp.MustCompile(`\bhow\s+(?:big|large|small|long|high|fast|old|often|soon|far|tall|wide|deep|heavy)\b|\bnumber\s+of\b`)
	// chineseQuestionWords are content words by their part of speech that
	// only frame a Chinese question.
	chineseQuestionWords = map[string]bool{
		"还有": true, "是否": true, "有没有": true, "怎么样": true, "如何": true, "为什么": true, "可以": true,
		"能够": true, "需要": true, "应该": true, "一下": true, "告诉": true, "请问": true, "介绍": true,
		"情况": true, "问题": true, "怎样": true, "具体": true, "主要": true, "有关": true, "关于": true,
		"分别": true, "大概": true, "左右": true, "之后": true, "之前": true, "时候": true, "叫做": true,
		"名字": true, "哪家": true, "哪个": true, "一些": true, "回事": true, "有多": true, "多大": true,
		"多长": true, "多久": true, "多快": true, "多高": true, "几成": true, "多少": true, "什么": true,
	}
	// currencyCode matches the code of a currency the alias table does not
	// list (it has RMB): an amount's unit, not a name.
	currencyCode = regexp.MustCompile(`\b(?:EUR|USD|HKD|JPY|KRW|GBP|INR|TWD|NTD|SGD|AUD|CAD|CHF)\b`)
	capitalised  = regexp.MustCompile(`\b[A-ZÀ-ÖØ-Þ][A-Za-z0-9À-ÖØ-öø-ɏ]*`) // Latin letters with their accents: Sabiá, Øresund
	// dateUnit follows the number of a date: 3月, 2025年, 15日.
	dateUnit = regexp.MustCompile(`^\s*(?:月|年|日|号|季)`)
)

// phraseFreq reports in how many of the corpus's passages a sequence of
// tokens occurs.
type phraseFreq func(toks []string) int

// analyse reads the question as concepts, before consulting the corpus:
// the entities and trade words it names, its Chinese content words, its
// model-and-version compounds and its other informative English words
// (phrases of the bridge's dictionary, such as "fiscal year", as one),
// with the bridge's candidate translations of its plain words.
func (q query) analyse() []concept {
	// Capitalised words unknown to the corpus are names of what it lacks
	// ("Tesla", "HBM"); lower-case unknown words are more likely the asker's
	// own wording ("spoken") and weigh like an average concept.
	asked := glossedAcronyms(currencyCode.ReplaceAllString(q.text, " "), q.entities) // "EUR 600 million" names no EUR; "GCE (Gold Circuit)" no GCE
	names := map[string]bool{}
	for _, w := range capitalised.FindAllString(asked, -1) {
		names[strings.ToLower(w)] = true
	}
	text := howDimension.ReplaceAllString(when.Strip(corpus.Normalize(asked)), " ")
	var out []concept
	for _, run := range nameRuns(asked, q.entities) {
		if toks := corpus.Tokens(run); len(toks) > 0 && !namesEntity(q.entities, corpus.Normalize(run)) { // "A" of "A-share" is no token
			whole := bridge.ToChinese(strings.Join(toks, " "))
			c := concept{alts: [][]string{toks}, asked: [][]string{toks}, name: true, rendered: len(whole) > 0, cands: append(whole, bridge.Composed(toks)...)}
			if bridge.IsLetters(toks[0]) {
				c.pinyin = toks[0] // Zuoyebang; Siyuan 690; Kaiwu-VLA 2.0
				// A person: Chen Tianshi, 陈天石; not "Huisi AI".
				if whole := strings.Join(toks, ""); len(toks) > 1 && bridge.IsPinyin(whole) && !slices.ContainsFunc(strings.Fields(run), acronym.MatchString) {
					c.pinyin = whole
				}
			}
			c.glossing = glossesHan(asked, run)
			c.product = c.pinyin != "" && productAfter(asked, run)
			if n := len(toks); n > 1 && toks[n-1] == "s" { // H100s are H100
				c.alts = append(c.alts, toks[:n-1])
			}
			if f := otherNumber(toks[len(toks)-1]); f != "" {
				c.forms = []string{f} // A.S. Watson's store is Watsons
			}
			out = append(out, c)
		}
	}
	out = append(out, unlistedVersions(text, q.entities)...)
	entities, text := askedEntities(text, q.entities)
	out = append(out, entities...)
	for _, m := range bridge.ChineseMeasure.FindAllString(text, -1) { // 350兆瓦
		if c, ok := measured(corpus.Tokens(m)); ok {
			out = append(out, c)
			text = strings.Replace(text, m, " ", 1)
		}
	}
	zhWords := bridge.ChineseWords(text)
	for i, w := range zhWords {
		if i > 0 && firmName(text, zhWords[i-1], w) {
			continue // read with the word before
		}
		if i+1 < len(zhWords) && firmName(text, w, zhWords[i+1]) {
			// A word before 科技, 集团… names a firm the table lacks
			// (焦点科技): the name, not "focus" and "technology", is asked.
			toks := corpus.Tokens(w.Text + zhWords[i+1].Text)
			out = append(out, concept{alts: [][]string{toks}, asked: [][]string{toks}, lang: "zh", entity: true, typ: "company"})
			continue
		}
		if w.Content() && !chineseQuestionWords[w.Text] {
			toks := corpus.Tokens(w.Text)
			// A verb, adjective or adverb of the dictionary is how the asker
			// puts it (卸任, 出台, 审批); a noun may be what the corpus lacks
			// (房地产, 量子).
			cands := bridge.ToEnglish(w.Text)
			wording := len(cands) > 0 && verbal[w.POS]
			out = append(out, concept{alts: [][]string{toks}, asked: [][]string{toks}, lang: "zh", cands: cands, wording: wording})
		}
	}
	first := "" // an English question's first word, when it is capitalised only as the sentence begins
	if w, _, _ := strings.Cut(strings.TrimLeft(asked, " \t\"'“"), " "); !corpus.HasHan(asked) && plainWord(w) {
		first = strings.ToLower(w)
	}
	for _, m := range compounds(text) {
		toks := corpus.Tokens(m)
		plain := (!names[toks[0]] || toks[0] == first) && len(bridge.ToChinese(toks[0])) > 0 // a word of the language, not a name ("Besides R1…")
		if plain && magnitude.MatchString(strings.Join(toks[1:], "")) {
			continue // "government-backed 7B": a word and an amount, no name
		}
		if plain && len(toks) > 2 {
			if _, ok := measured(toks[1:]); ok || bridge.IsLetters(toks[1]) {
				toks = toks[1:] // "previous-generation V3.2", "single 2MW": a plain word before a lettered version or a measure is no part of it
			}
		}
		if c, ok := measured(toks); ok { // "of 2nm"
			out = append(out, c)
			text = strings.Replace(text, m, " ", 1)
			continue
		}
		if len(toks) > 1 && !questionWords[toks[0]] && !isYear(toks[len(toks)-1]) { // "GPT 4", not "year 2025" or "fiscal 2026"
			c := concept{alts: [][]string{toks}, asked: [][]string{toks}, coined: names[toks[0]], cands: bridge.Composed(toks)}
			if c.coined && bridge.IsLetters(toks[0]) {
				c.pinyin = toks[0] // "Siyuan 690": 思元690
			}
			out = append(out, c)
			text = strings.Replace(text, m, " ", 1)
		}
	}
	units := bridge.OtherUnits(text)
	for _, m := range productCode.FindAllString(text, -1) { // 910C, 5090D: one name, not a number and a letter
		if magnitude.MatchString(m) {
			continue // 1M tokens, 128K, 70B, 10x: an amount, not a name
		}
		toks := corpus.Tokens(m)
		if c, ok := measured(toks); ok {
			out = append(out, c)
			text = strings.Replace(text, m, " ", 1)
			continue
		}
		out = append(out, concept{alts: [][]string{toks}, asked: [][]string{toks}, coined: true})
		text = strings.Replace(text, m, " ", 1)
	}
	words := corpus.Tokens(latinOnly(text))
	for i := 0; i < len(words); {
		if phrase, cands := bridge.EnglishPhrase(words[i:], func(w string) bool { return questionWords[w] }); phrase > 0 {
			toks := words[i : i+phrase]
			c := concept{alts: [][]string{toks}, asked: [][]string{toks}, lang: "en", cands: cands, wording: !names[toks[0]]}
			for _, t := range toks {
				if !questionWords[t] {
					c.parts = append(c.parts, wordConcept(t, names, units))
				}
			}
			out = append(out, c)
			i += phrase
			continue
		}
		t := words[i]
		i++
		if !questionWords[t] {
			out = append(out, wordConcept(t, names, units))
		}
	}
	q.quarterForms(out)
	return out
}

// quarterForms adds to the word "quarter" (季度), when the question names
// which, the ways passages write that quarter: 第三季 and 三季报 hold no
// 季度, "Q3" no "quarter".
func (q query) quarterForms(cs []concept) {
	if q.frame.Quarter == 0 {
		return
	}
	for i := range cs {
		if cs[i].id == "term-quarter" {
			n := strconv.Itoa(q.frame.Quarter)
			cs[i].alts = append(cs[i].alts, []string{string([]rune("一二三四")[q.frame.Quarter-1]) + "季"}, []string{"q", n})
		}
	}
}

// firmSuffixes end the Chinese names of firms; genericFirmWords before
// them name a trade, not a firm (金融科技 is fintech).
var (
	firmSuffixes     = map[string]bool{"科技": true, "集团": true, "股份": true, "控股": true, "电子": true}
	genericFirmWords = map[string]bool{"金融": true, "人工": true, "人工智能": true, "数字": true, "信息": true, "网络": true, "互联网": true,
		"生物": true, "高新": true, "中国": true, "国产": true, "全球": true, "国内": true, "海外": true, "前沿": true, "医疗": true,
		"教育": true, "农业": true, "汽车": true, "能源": true, "消费": true, "半导体": true, "未来": true}
)

// firmName reports whether a Chinese word and the one after it in text
// are a firm's name: a content word of two or more characters, no verb,
// right before a word that ends firms' names (not 越南 of "越南FPT集团", nor
// 引发 of 引发科技股抛售).
func firmName(text string, w, next zhseg.Word) bool {
	return firmSuffixes[next.Text] && w.Content() && !verbal[w.POS] && utf8.RuneCountInString(w.Text) >= 2 && !genericFirmWords[w.Text] && !chineseQuestionWords[w.Text] &&
		strings.Contains(text, w.Text+next.Text)
}

// wordConcept is the concept of one English word or number of a question
// (names: its capitalised words; units: the other units of its numbers).
func wordConcept(t string, names map[string]bool, units map[string][]bridge.Word) concept {
	c := concept{alts: [][]string{{t}}, asked: [][]string{{t}}, lang: "en", wording: !names[t]}
	if t[0] >= '0' && t[0] <= '9' {
		c.lang, c.wording, c.cands = "", false, units[t]
	} else {
		c.cands, c.forms = bridge.ToChinese(t), zhen.Inflections(t)
		if names[t] {
			c.pinyin = t
		}
	}
	return c
}

// otherNumber returns a name's last word in the other grammatical number
// (Watson, Watsons), as a passage may write the name; "" for a word not of
// Latin letters.
func otherNumber(t string) string {
	switch {
	case !bridge.IsLetters(t) || len(t) < 3:
		return ""
	case strings.HasSuffix(t, "s") && !strings.HasSuffix(t, "ss"):
		return t[:len(t)-1]
	}
	return t + "s"
}

// measured is the concept of a number and its unit of measure (2nm),
// written as either language writes it (2纳米), if toks are one.
func measured(toks []string) (concept, bool) {
	if len(toks) != 2 || toks[0][0] < '0' || toks[0][0] > '9' {
		return concept{}, false
	}
	c := concept{alts: [][]string{toks}, asked: [][]string{toks}}
	for _, o := range bridge.UnitNames(toks[1]) {
		w := append([]string{toks[0]}, o.Toks...)
		c.alts = append(c.alts, w) // held in a title too ("800MW AI campus")
		c.cands = append(c.cands, bridge.Word{Toks: w})
	}
	return c, len(c.cands) > 0
}

// splitUnheld replaces a phrase of the dictionary that the corpus holds
// neither as asked nor in any translation by its words: "customer base"
// (客户群) is then customer (客户) and base, which weigh as one concept.
func splitUnheld(cs []concept, freq phraseFreq) []concept {
	var out []concept
	for _, c := range cs {
		if len(c.parts) > 0 && freq(c.asked[0]) == 0 && len(bridge.Present(c.cands, freq)) == 0 {
			for _, p := range c.parts {
				p.share = len(c.parts)
				out = append(out, p)
			}
			continue
		}
		out = append(out, c)
	}
	return out
}

// compounds returns the model-and-version compounds of normalised text,
// but not a name before a date's number ("Kimi 3月份": March).
func compounds(text string) []string {
	var out []string
	for _, at := range compoundSpans(text) {
		out = append(out, text[at[0]:at[1]])
	}
	return out
}

// compoundSpans returns the spans of the compounds that compounds returns.
func compoundSpans(text string) [][]int {
	var out [][]int
	for _, at := range compound.FindAllStringIndex(text, -1) {
		if !dateUnit.MatchString(text[at[1]:]) {
			out = append(out, at)
		}
	}
	return out
}

// variantTail matches the words of a model's variant after its version,
// in normalised text: "-flash-lite" of "gemini 3 flash-lite", " pro".
var variantTail = regexp.MustCompile(`^(?:[- ](?:flash|lite|pro|max|mini|turbo|air|nano|plus|ultra|long|thinking|instant)\b)+`)

// descriptive reports whether a name is made of English words only, each
// one the dictionary translates ("Asia Vital Components", "Productivity
// Council"): Chinese articles may call it by a name of its own (奇鋐,
// 生產力促進局), so that no passage's lacking it marks it absent.
func descriptive(toks []string) bool {
	return len(toks) > 1 && !slices.ContainsFunc(toks, func(t string) bool { return len(bridge.ToChinese(t)) == 0 })
}

// descriptiveTail reports whether the words after a name's first are
// words a company's name adds to it, which its Chinese name may write
// otherwise or not at all: "Hengyu Appliances" (恒屿电器), "Huisi AI"
// (汇思智能), "Kaiwu Labs" — not a version (Kaiwu-VLA 2.0).
func descriptiveTail(toks []string) bool {
	return len(toks) > 0 && !slices.ContainsFunc(toks, func(t string) bool { return !nameSuffixes[t] && len(bridge.ToChinese(t)) == 0 })
}

// nameSuffixes are words of companies' names the dictionary lacks.
var nameSuffixes = map[string]bool{"ai": true, "tech": true, "lab": true, "labs": true, "holdings": true, "inc": true, "ltd": true, "corp": true, "co": true}

// longName reports whether the concept is a name written capitalised of
// three letters or more: two (UI, PR, EV) abbreviate a common word more
// often than they name something.
func (c concept) longName() bool { return c.name && len(strings.Join(c.asked[0], "")) > 2 }

// isYear reports whether a token is a year such as 2025.
func isYear(t string) bool {
	return len(t) == 4 && (strings.HasPrefix(t, "19") || strings.HasPrefix(t, "20")) && strings.Trim(t, "0123456789") == ""
}

// vocabulary lists the tokens whose corpus frequencies weigh the concepts.
func vocabulary(cs []concept) []string {
	var out []string
	for _, c := range cs {
		for _, a := range c.alts {
			out = append(out, a...)
		}
		for _, b := range c.cands {
			out = append(out, b.Toks...)
		}
		out = append(out, c.forms...)
		out = append(out, vocabulary(c.parts)...)
	}
	return out
}

// weigh completes the concepts with corpus statistics (freq; n passages):
// the translations the corpus holds, and each concept's weight — for a
// plain word, the inverse document frequency of all its alternatives
// together: one concept, however many words translate it (a structured
// query); for an entity, of the names the question uses.
func weigh(cs []concept, freq phraseFreq, n int) {
	idf := func(df int) float64 { return math.Log(1 + float64(n)/math.Max(float64(df), 0.5)) }
	var sum float64
	var known int
	companies := map[string]bool{} // pinyin that begins a company's name ("Nanya Technology"), which may be a word (南亚)
	for _, c := range cs {
		if c.name && c.pinyin == c.asked[0][0] && descriptiveTail(c.asked[0][1:]) {
			companies[c.pinyin] = true
		}
	}
	for i := range cs {
		c := &cs[i]
		if c.pinyin != "" && freq(c.asked[0]) == 0 { // pinyin bigrams were looked up: see spelledBigrams
			rest := c.asked[0][1:]
			// A versioned product's name may be a word: 从容 of "CongRong 4.0".
			for _, w := range bridge.FromPinyin(c.pinyin, companies[c.pinyin] || c.pinyinModel() || c.product, func(b string) bool { return freq([]string{b}) > 0 }) {
				if c.pinyinModel() { // or after the word for a model: 从容大模型4.0
					c.cands = append(c.cands, bridge.Word{Toks: append(corpus.Tokens(bigramsWord(w.Toks)+"大模型"), rest...)})
				}
				if c.pinyin == c.asked[0][0] && !descriptiveTail(rest) {
					w.Toks = append(w.Toks, rest...) // a version goes with the name; words the dictionary translates ("Hengyu Appliances": 恒屿电器) may be written otherwise
				}
				c.cands = append(c.cands, w)
			}
		}
		if c.name {
			c.trans = bridge.Present(c.cands, freq)
			if toks := c.asked[0]; len(c.forms) > 0 && freq(toks) == 0 {
				if f := append(slices.Clone(toks[:len(toks)-1]), c.forms[0]); freq(f) > 0 {
					c.trans = append(c.trans, bridge.Word{Toks: f}) // the name as the corpus writes it
				}
			}
			c.required = c.longName() && !heldAnywhere(c.alts, freq) && len(c.trans) == 0
			for _, t := range c.trans { // 宏冷 for Hongleng names what was asked
				c.alts = append(c.alts, t.Toks)
			}
			if c.required && descriptive(c.asked[0]) {
				c.required, c.wording = false, true // weighs as the asker's unknown wording does
			}
			unheld := func(t string) bool { // in no language: "Irish" is held as 爱尔兰
				return freq([]string{t}) == 0 && len(bridge.Present(bridge.ToChinese(t), freq)) == 0
			}
			if toks := c.asked[0]; c.required && len(toks) > 1 && !slices.ContainsFunc(toks, unheld) {
				c.required, c.apart = false, true // "Khazna Ajban园区": a name and a place the passages name apart; "Irish DPC": 爱尔兰…DPC; its words weigh
			}
			if toks := c.asked[0]; c.required && len(toks) > 1 && toks[len(toks)-1] == "ai" && freq(toks[:len(toks)-1]) > 0 {
				// "Johor AI data-centre": AI qualifies what follows; the name is Johor.
				c.alts, c.asked, c.required = [][]string{toks[:len(toks)-1]}, [][]string{toks[:len(toks)-1]}, false
			}
			continue
		}
		if c.alias {
			for _, a := range c.asked {
				c.weight = math.Max(c.weight, idf(freq(a)))
			}
			c.known = true
			// A family a passage names only by a version of it (天工5.0 Mini
			// for Skywork) is named.
			for _, v := range cs[:i] {
				if v.coined && v.id == c.id && c.id != "" {
					for _, t := range v.trans {
						c.alts = append(c.alts, t.Toks)
					}
				}
			}
			// An entity or trade word the corpus never names (Grok 4, Series
			// C, a company it lacks) marks what is absent.
			c.required = !heldAnywhere(c.alts, freq) && !heldAnywhere(c.short, freq)
		} else {
			c.trans = bridge.Present(c.cands, freq)
			df := freq(c.asked[0])
			for _, f := range c.forms { // "draws" for "draw": one word
				if n := freq([]string{f}); n > 0 {
					c.alts = append(c.alts, []string{f})
					df += n
				}
			}
			for _, t := range c.trans {
				c.alts = append(c.alts, t.Toks)
				df += t.DF
			}
			c.known = df > 0
			c.weight = idf(min(df, n))
			c.required = c.coined && !c.known
		}
		if c.known {
			sum, known = sum+c.weight, known+1
		}
	}
	for i := range cs {
		if !cs[i].known && cs[i].wording && known > 0 {
			cs[i].weight = sum / float64(known)
		}
		if cs[i].share > 1 {
			cs[i].weight /= float64(cs[i].share)
		}
	}
}

// spelledBigrams returns the Han bigrams of the pinyin readings of the
// capitalised words that no passage holds (df: their frequencies), for
// the corpus to say which names in characters they may be.
func spelledBigrams(cs []concept, df map[string]int) []string {
	var out []string
	for _, c := range cs {
		if c.pinyin != "" && df[c.pinyin] == 0 {
			out = append(out, bridge.PinyinBigrams(c.pinyin)...)
			if c.pinyinModel() { // and those of 从容大模型
				for _, b := range bridge.PinyinBigrams(c.pinyin + "da") {
					if strings.HasSuffix(b, "大") {
						out = append(out, b)
					}
				}
				out = append(out, corpus.Tokens("大模型")...)
			}
		}
	}
	return out
}

// pinyinModel reports whether the concept is a name in pinyin with a
// version after it: a model's ("CongRong 4.0").
func (c concept) pinyinModel() bool {
	toks := c.asked[0]
	return c.pinyin == toks[0] && len(toks) > 1 && versionNumber.MatchString(toks[1])
}

// spelledPinyin adds to each Chinese word of the concepts that no passage
// holds (df: their tokens' frequencies) its spellings in pinyin, as an
// English article may write a Chinese name (青云: Qingyun), and returns
// them for the corpus to say which it holds.
func spelledPinyin(cs []concept, df map[string]int) []string {
	var out []string
	for i := range cs {
		c := &cs[i]
		if c.lang != "zh" || !slices.ContainsFunc(c.asked[0], func(t string) bool { return df[t] == 0 }) {
			continue
		}
		for _, w := range bridge.ToPinyin(bigramsWord(c.asked[0])) {
			if !slices.ContainsFunc(c.cands, func(d bridge.Word) bool { return slices.Equal(d.Toks, w.Toks) }) { // 贵州: guizhou already
				c.cands = append(c.cands, w)
				out = append(out, w.Toks...)
			}
		}
	}
	return out
}

// bigramsWord is the Chinese word whose index tokens (overlapping bigrams)
// toks are: [星衡 衡云] is 星衡云.
func bigramsWord(toks []string) string {
	var b strings.Builder
	for i, t := range toks {
		if i == 0 {
			b.WriteString(t)
			continue
		}
		_, size := utf8.DecodeLastRuneInString(t)
		b.WriteString(t[len(t)-size:])
	}
	return b.String()
}

// heldAnywhere reports whether any passage holds one of the alternatives.
func heldAnywhere(alts [][]string, freq phraseFreq) bool {
	return slices.ContainsFunc(alts, func(a []string) bool { return freq(a) > 0 })
}

// nameRegexp matches a normalised name in normalised text, on word
// boundaries where the name starts or ends with a Latin letter or digit.
// Its group matches a decimal that goes on from the name's end: a match
// with it ("gpt 4" in "gpt 4.5") is another name; nameSpans drops those.
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
	return regexp.MustCompile(n + `(\.\d)?`)
}

// nameSpans returns where a name occurs in normalised text.
func nameSpans(name, text string) [][]int {
	var out [][]int
	for _, m := range nameRegexp(name).FindAllStringSubmatchIndex(text, -1) {
		if m[2] < 0 {
			out = append(out, m[:2])
		}
	}
	return out
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
// latest model" is not answered by a passage about OpenAI's; nor does one
// that lacks a name no passage holds, unless its title names something no
// dictionary renders (unglossed: 東昇銀行, which may be the Tung Shing Bank asked).
func coverage(concepts []concept, norm, lang string, unglossed bool) float64 {
	toks := corpus.NormalizedTokens(norm)
	at := indexTokens(toks)
	passageLang := "en"
	if strings.HasPrefix(lang, "zh") {
		passageLang = "zh"
	}
	var total, covered float64
	entities, entityHit := false, false
	placesOnly := !slices.ContainsFunc(concepts, func(c concept) bool { return c.entity && c.typ != "place" })
	for _, c := range concepts {
		hit := holdsAny(toks, at, c.alts)
		if c.required && !hit && !c.glossing && !(c.name && !c.rendered && unglossed) {
			return 0
		}
		w := c.weight
		switch {
		case hit:
			covered += w
		case c.lang == "" || c.lang == passageLang:
		case c.lang == "en" && !c.wording && len(c.trans) > 0:
			// A capitalised word whose translation the corpus holds is a
			// name the passage could write (Berlin: 柏林): missing, it
			// weighs fully.
		case c.lang == "en" && len(c.cands) > 0 && len(c.trans) == 0:
			// The dictionary translates it, but into nothing the corpus
			// holds: the passage's language has no word for it here.
			w *= unknownCrossWeight
		case c.known || c.wording:
			w *= crossWeight
		case c.lang == "zh" || unglossed:
			// A capitalised word no passage holds may be the name the
			// passage writes in characters no dictionary renders.
			w *= unknownCrossWeight
		}
		total += w
		entities = entities || c.entity
		// A name the dictionary translates one way (Toyota: 丰田) names what
		// was asked too, and so does a name the passage writes as asked
		// when the question's entities are places ("Starvine Technology's
		// Hong Kong IPO" is answered by 港元 and 港交所).
		entityHit = entityHit || hit && (c.entity || c.name && len(c.cands) == 1 && len(c.trans) == 1 ||
			placesOnly && c.longName() && containsSeq(toks, at, c.asked[0]))
	}
	if total == 0 || (entities && !entityHit) {
		return 0
	}
	return covered / total
}

// titleNamesEntity reports whether a title names one of the question's
// entities, or whether the question names none.
func titleNamesEntity(concepts []concept, title string) bool {
	named := false
	for i, in := range entitiesIn(concepts, title) {
		if in {
			return true
		}
		named = named || concepts[i].entity
	}
	return !named
}

// best returns the tokens of a concept's most used translation, all its
// forms: what a one-best translation of the question uses for it.
func (c concept) best() []string {
	var out []string
	for _, t := range c.trans {
		if t.Sense != c.trans[0].Sense {
			break
		}
		out = append(out, t.Toks...)
	}
	return out
}

// unglossedName reports whether a Chinese title names something in
// characters that neither dictionary nor the alias table knows: a name a
// question may write in Latin letters that no passage holds (東昇銀行 for
// Tung Shing Bank, 信騰 for a made-up Vantrix). A title that names a company,
// organisation or product the question does not ask (asked: the ids of
// those it names) is about that one.
func unglossedName(title string, aliases *corpus.Aliases, asked map[string]bool) bool {
	norm := corpus.Normalize(title)
	for _, e := range aliases.Match(norm) {
		if e.Type != "term" && e.Type != "place" && !asked[e.ID] {
			return false
		}
		for _, name := range e.Names {
			norm = blankName(norm, name)
		}
	}
	for _, w := range bridge.ChineseWords(norm) {
		if utf8.RuneCountInString(w.Text) >= 2 && (w.POS == "" || strings.HasPrefix(w.POS, "nr") || w.POS == "nz" || w.POS == "nt") && len(zhen.English(w.Text)) == 0 {
			return true
		}
	}
	return false
}
