package search

import (
	"cmp"
	"context"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/search/when"
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
	durationFact
)

// What a (normalised) question asks for, tried in this order: "多少个" is a
// count before "多少" is an amount.
var asks = []struct {
	kind factKind
	re   *regexp.Regexp
}{
	{durationFact, regexp.MustCompile(`多久|多长时间|多少天|多少年|几天|几周|几个月|几年|\bhow long (?:did|does|do|will|would|has|have|had|is|was|are|were)\b[^?]*\b(?:take|last|run|work|spend|wait|stay|keep)|\bhow many (?:days|weeks|months|years|hours)\b|\bfor how long\b`)},
	{countFact, regexp.MustCompile(`\bhow many\b|\bnumber of\b|(?:几|多少)(?:个|家|款|种|位|名|次|人|张|块|台|颗|辆|座|套|片|架|艘|枚|项|条|所|间)|数量`)},
	{dateFact, regexp.MustCompile(`\bwhat (?:date|day|year|month|time)\b|\bwhich (?:date|day|year|month)\b|什么时候|何时|哪天|哪一天|哪年|哪一年|几月|几号|什么时间|日期`)},
	{amountFact, regexp.MustCompile(`\bhow (?:much|big|large|fast|long)\b|\bprice[sd]?\b|\bpricing\b|\bcosts?\b|\bcharge[sd]?\b|\bvalu(?:ed|ation)\b|\brevenue\b|\bhow much\b|\braised?\b|\bshare\b|多少|多大|多快|多长|多高|价格|定价|价钱|售价|收费|费用|估值|营收|收入|融资|金额|份额|几块|多少钱`)},
	{nameFact, regexp.MustCompile(`\bwho\b|\bwhich\b|\bwhat (?:company|companies|model|models|firm|firms|products?|partners?)\b|\bname\b|哪些|哪家|哪个|哪款|哪几|谁|什么模型|什么公司|什么产品|叫什么`)},
}

// firstWh finds a question's first question word: "when" asks a date
// only if it is that word ("What did Anthropic disclose when it closed
// its Series E?" asks what) and an auxiliary follows it ("When Meta
// reported its results, what…" asks what).
var firstWh = regexp.MustCompile(`\b(?:what|how|which|who|whom|whose|where|when (?:did|does|do|is|was|are|were|will|would|has|have|had|can|could|should|might)|why)\b`)

// askedFor reads the kind of fact a question asks for.
func askedFor(question string) factKind {
	q := corpus.Normalize(question)
	wh := firstWh.FindString(q)
	who := strings.HasPrefix(wh, "who") || strings.Contains(q, "谁") && !strings.Contains(q, "多少")
	if strings.Contains(q, "哪几") {
		return nameFact // "哪几位创办人" asks which, though it counts them
	}
	for _, a := range asks {
		if a.kind == amountFact && who {
			return nameFact // "Who led the $3.5bn raise?" asks who, though it names the amount
		}
		if a.re.MatchString(q) || a.kind == dateFact && strings.HasPrefix(wh, "when") {
			return a.kind
		}
	}
	return anyFact
}

// What each kind of fact looks like in a sentence (normalised).
var (
	amountRe = regexp.MustCompile(`[$¥€£₩₹]\s?\d|[一二两三四五六七八九十百千]+\s*(?:倍|亿|兆)|\d[\d.,]*[\s-]*(?:%|元|美元|港元|欧元|日元|日圆|韩元|美分|仙|亿|兆|万|千|百万|倍|个百分点|百分点|毫秒|秒|分钟|小时|tokens?\b|percentage points?\b|points?\b|pts\b|billion\b|million\b|trillion\b|thousand\b|percent\b|yuan\b|dollars?\b|usd\b|rmb\b|cny\b|bn\b|[kmb]\b|milliseconds?\b|ms\b|seconds?\b|minutes?\b|hours?\b|times\b|x\b|crores?\b|rupees?\b|rand\b|ringgit\b|baht\b|rupiah\b|dirhams?\b|riyals?\b|reais\b|pesos?\b|francs?\b|pounds?\b)|\brm\s?\d`)
	countRe  = regexp.MustCompile(`\d[\d.,]*\s*(?:万|萬|千|百)?多?\s*(?:个|家|款|种|位|名|项|张|次|块|台|场|人|条|章|辆|輛|座|颗|顆|套|片|间|間|所|架|单|單|户|戶|枚|艘|栋|棟)|[一二两三四五六七八九十百千]+\s*(?:个|家|款|种|位|名|项|条|章)|(?:^|[^\w.])(?:\d[\d,]*|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?)\s+(?:[a-z-]+\s+)?[a-z-]+s\b|\b(?:one|a|two|three|four|five|six|seven|eight|nine|ten|several|tens of|hundreds of)\s+(?:hundred|thousand|million|billion)\b`)
	dateRe   = regexp.MustCompile(`\d{4}\s*年(?:\s*\d{1,2}\s*月)?|\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\b` + when.MonthName + `\.?\s+\d{1,2}\b|\b\d{4}-\d{2}-\d{2}\b|\b(?:in|since|by|on)\s+(?:\d{4}|` + when.MonthName + `)\b`)
	moneyRe  = regexp.MustCompile(`[$¥€£₩₹]\s?\d|\d[\d.,]*\s*(?:亿|万|千|百万|兆|trillion|billion|million|thousand|crore)?\s*(?:元|美元|港元|欧元|韩元|日元|日圆|卢比|美分|厘|仙|yuan\b|dollars?\b|usd\b|rmb\b|cny\b|cents?\b|euros?\b|won\b|yen\b|krw\b|rupees?\b|inr\b|rand\b|ringgit\b|baht\b|rupiah\b|dirhams?\b|riyals?\b|reais\b|pesos?\b|francs?\b|pounds?\b)|\brm\s?\d`)
	// durationRe matches a span of time, also spelled: "six months", "122 days", 七个小时.
	durationRe = regexp.MustCompile(`\b(?:\d[\d.,]*|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|a few)[\s-]+(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b|(?:^|[^\d.])\d{1,3}\s*(?:个小时|小时|天|周|个星期|个月|年|分钟|秒)|[一二两三四五六七八九十几半]+\s*(?:个小时|小时|天|周|个星期|个月|年|分钟|秒)`)
	latinRe    = regexp.MustCompile(`[A-Z][A-Za-z0-9]+(?:[- .][A-Z0-9][A-Za-z0-9.]*)*`)
)

// statesFact reports whether a sentence (as written) states the kind of fact;
// for names, one the question does not already name.
func statesFact(kind factKind, sentence string, asked map[string]bool, aliases *corpus.Aliases) bool {
	norm := corpus.Normalize(sentence)
	switch kind {
	case amountFact:
		return amountRe.MatchString(norm)
	case countFact: // "384个专家", "125万tokens", "seven vendors"
		return countRe.MatchString(norm) || amountRe.MatchString(norm)
	case dateFact:
		return dateRe.MatchString(norm)
	case durationFact:
		return durationRe.MatchString(norm)
	case nameFact:
		return namesStated(sentence, asked, aliases) > 0
	}
	return false
}

// asksMeasure reports whether a question of that kind asks how much of a
// measure (a price, revenue, parameters…) its concepts name, or how many
// of one that counts things: "how many H200 chips … if sales to China
// were approved" asks no revenue.
func asksMeasure(kind factKind, concepts []concept) bool {
	switch kind {
	case amountFact:
		return slices.ContainsFunc(concepts, concept.figure)
	case countFact:
		return slices.ContainsFunc(concepts, func(c concept) bool { return c.measure == "count" })
	}
	return false
}

// figure reports whether the concept is a measure figures are stated for
// (not their unit).
func (c concept) figure() bool {
	return c.measure == "figure" || c.measure == "count" || c.measure == "money"
}

// measureAsked is what a question asks of a measure: its concepts, the
// kind of fact, its period, whether it asks the amount in a currency, and
// whether it asks the actual figure, not a forecast, or asks in the past
// tense.
type measureAsked struct {
	concepts []concept
	kind     factKind
	frame    when.Frame
	money    bool
	actual   bool      // asked in so many words: no sentence with a forecast answers
	past     bool      // asked in the past tense: no sentence with only a forecast of the measure answers
	change   bool      // asked by how much it changed: a rate of change answers for money too
	bound    bool      // asked a threshold or what would be: a condition's figure answers (see condition)
	segments []concept // the words that name the business a figure is asked of (汽车电子业务, "the notebook business"): the sentence that states it, or the one before, names one
}

// measureOf reads what a question asks of a measure, with one reading of
// it (q, the question or its translation): a question that asks for no
// other kind of fact asks an amount ("What net loss did Mistral
// report?"); a measure named only in a subordinate clause is not asked
// ("How large a charge did AMD warn of because MI308 shipments need a
// licence?").
func measureOf(question string, q query, frame when.Frame) measureAsked {
	kind := askedFor(question)
	if kind == anyFact {
		kind = amountFact
	}
	concepts := q.concepts
	norm := corpus.Normalize(q.text)
	if at := subordinate.FindStringIndex(norm); at != nil {
		main := corpus.Tokens(norm[:at[0]])
		index := indexTokens(main)
		concepts = slices.Clone(concepts)
		for i, c := range concepts {
			if c.figure() && !holdsAny(main, index, c.asked) {
				concepts[i].measure = ""
			}
		}
	}
	if sources := sourcesNamed(norm, q.entities); len(sources) > 0 {
		concepts = slices.Clone(concepts)
		for i, c := range concepts {
			concepts[i].source = sources[c.id]
		}
	}
	normQ := corpus.Normalize(question)
	past := pastTense.MatchString(normQ) && !forecastAsked.MatchString(normQ)
	return measureAsked{concepts, kind, frame, currency.MatchString(normQ), actual.MatchString(normQ), past, changeAsked.MatchString(normQ), boundAsked.MatchString(normQ),
		segmentsAsked(norm, concepts)}
}

// businessOf matches, in normalised text, the words before a word for a
// business or segment and the acronym in brackets beside it: "汽车电子业务",
// "硬件平台解决方案(hps)业务", "the notebook business", "its Datacenter and
// Communications segment", "packaging and test business (leap)".
var businessOf = regexp.MustCompile(`(\p{Han}*)\s*(?:\(([a-z0-9&.-]+)\)\s*)?(?:业务|板块|事业部|事业群|部门)(?:\s*\(([a-z0-9&.-]+)\))?|((?:[a-z0-9&-]+\s+){1,3})(?:business|segment|division)\b(?:\s*\(([a-z0-9&.-]+)\))?`)

// periodBefore matches the characters of a question up to the last word
// of a period, which names no business: "长电科技三季度" of "长电科技三季度汽车电子".
var periodBefore = regexp.MustCompile(`^.*(?:季度|季|半年|年度|年|月)`)

// commonWeight is the weight below which a word is too common to tell a
// business by: AI of "AI content licensing".
const commonWeight = 2

// periodTerms are the trade words of periods, which name no business.
var periodTerms = map[string]bool{"term-quarter": true, "term-fourth-quarter": true, "term-year-over-year": true}

// segmentsAsked returns the concepts that name the business a normalised
// question asks a figure of: words or trade words just before a word for
// a business, or an acronym in brackets beside it; not an entity, a
// measure, a period, a name of two letters or a word too common to tell
// a business by.
func segmentsAsked(norm string, concepts []concept) []concept {
	var out []concept
	for _, m := range businessOf.FindAllStringSubmatch(norm, -1) {
		window := corpus.Tokens(strings.Join([]string{periodBefore.ReplaceAllString(m[1], ""), m[2], m[3], m[4], m[5]}, " "))
		at := indexTokens(window)
		for _, c := range concepts {
			if c.entity || c.name && !c.longName() || c.weight < commonWeight || c.measure != "" || periodTerms[c.id] ||
				!slices.ContainsFunc(c.asked, func(a []string) bool { return containsSeq(window, at, a) }) {
				continue
			}
			out = append(out, c)
		}
	}
	return out
}

// outlookYear matches a year named as one forecast, in normalised text.
var outlookYear = regexp.MustCompile(`\b(?:fiscal\s+)?(?:19|20)\d{2}\s*(?:年|财年)?\s*(?:outlook|guidance|forecast|展望|指引|预测|财测)|\b(?:outlook|guidance|forecast)s?\s+for\s+(?:fiscal\s+)?(?:19|20)\d{2}\b`)

// sourcesNamed returns the ids of the entities a normalised question
// names as the source of its figure ("按IDC统计", "IDC统计的…", "according
// to IDC", "per IDC"): what the figure is of is another.
func sourcesNamed(norm string, es []corpus.Entity) map[string]bool {
	out := map[string]bool{}
	for _, e := range es {
		for _, name := range e.Names {
			if !strings.Contains(norm, corpus.Normalize(name)) {
				continue // (nameSpans compiles a pattern)
			}
			for _, sp := range nameSpans(name, norm) {
				if sourceBefore.MatchString(norm[:sp[0]]) || sourceAfter.MatchString(norm[sp[1]:]) {
					out[e.ID] = true
				}
			}
		}
	}
	return out
}

var (
	sourceBefore = regexp.MustCompile(`(?:按照?|据|根据|依据|\baccording to|\bper|\bcited by|\bestimated by)\s*$`)
	sourceAfter  = regexp.MustCompile(`^\s*(?:的)?\s*(?:统计|数据(?:$|[^中库])|报告|调查|调研|测算|估算|估计|预测|显示)|^(?:'s)?\s+(?:data|survey|estimates?|figures|statistics|numbers|tally)\b|^'s\s+report\b`) // "did Baichuan report", 铠侠数据中心 name no source
)

// condition matches a (normalised) sentence that gives a figure only as a
// condition's threshold, no figure reported: "若…月活跃用户超过1亿，或月收入
// 超过2000万美元，需在产品界面上标注", "if its monthly revenue exceeds".
var condition = regexp.MustCompile(`(?:若|如果|假如|倘若|一旦)[^,.;，。；]*?(?:超过|超出|达到|高于|低于|不足)|\bif\b[^,.;]*?\b(?:exceeds?|exceeding|tops?|reach(?:es)?|surpass(?:es)?|above|below|more than|over)\b`)

// boundAsked matches a (normalised) question that asks a threshold or what
// would be: "above what monthly revenue must…", "what revenue level
// triggers the requirement", "If H200 sales are allowed, how many would
// ByteDance buy?", "门槛是多少".
var boundAsked = regexp.MustCompile(`\b(?:above|below|over|under|at) what\b|\bthresholds?\b|\btrigger\w*|\bforces?\b|\brequire\w*|\bmust\b|\b(?:have|has|had|need|needs) to\b|\bif\b|\bwould\b|门槛|门坎|触发|需要|必须|要求|超过多少|如果|若|假如|倘若`)

// pastTense matches a (normalised) English question asked in the past
// tense: "What was Nvidia's revenue in Q2?" asks what was reported.
var pastTense = regexp.MustCompile(`^(?:what|how much|how many|which)\b[^?]*?\b(?:was|were|did)\b`)

// forecastAsked matches a (normalised) question that asks a figure to
// come, in any tense: "What revenue did Nvidia expect for Q2?"
var forecastAsked = regexp.MustCompile(`预计|预期|预估|指引|展望|目标|计划|\bguid(?:e|es|ed|ing|ance)\b|\boutlook\b|\bexpect(?:s|ed|ing|ation|ations)?\b|\bforecast(?:s|ed|ing)?\b|\bproject(?:s|ed|ing|ion|ions)\b|\btarget(?:s|ed|ing)?\b|\bplan(?:s|ned|ning)?\b|\bestimat(?:e|es|ed|ing|ion|ions)\b|\banticipat\w*|\bwill\b|\bwould\b`)

// changeAsked matches a (normalised) question that asks by how much a
// measure changed: "By how much did DDR5 contract prices rise?", "涨幅多少"
// are answered by a percentage as well as by an amount of money.
var changeAsked = regexp.MustCompile(`\bby how much\b|\bhow much (?:did|does|do|has|have|had|will|would)\b[^?]*\b(?:rise|rose|risen|increase[sd]?|grow|grew|grown|fall|fell|fallen|drop(?:ped)?|decline[sd]?|jump(?:ed)?|climb(?:ed)?|surge[sd]?|gain(?:ed)?)\b|涨幅|增幅|降幅|跌幅|(?:涨|增长|上涨|下降|下跌|下调|上调|提高|降低)了?多少`)

// actual matches a (normalised) question that asks the figure as reported,
// not as forecast: "实际公布的营收", "the actual revenue", "what did it
// actually book".
var actual = regexp.MustCompile(`实际|\bactual(?:ly)?\b`)

// forecast matches a (normalised) sentence that gives a figure to come:
// guidance, an outlook, an expectation.
var forecast = regexp.MustCompile(`预计|预期|预估|指引|财测|展望|\bguidance\b|\boutlook\b|\bexpects?\b|\bexpected\b|\bforecasts?\b|\bprojects?\b|\bprojected\b|\bguided\b`)

// beatExpectations matches a (normalised) comparison with what was
// expected, which gives no figure to come: "优于市场预期", "above
// expectations", "than expected".
var beatExpectations = regexp.MustCompile(`(?:优于|好于|高于|低于|超出|超过|超乎|不及|符合|逊于)(?:市场|法人|分析师|华尔街)?(?:的)?预期|\b(?:above|below|beat|beating|beats|missed|miss|topped|exceeded|ahead of|in line with)\s+(?:\w+\s+){0,2}?(?:expectations|estimates|forecasts)\b|\bthan\s+(?:\w+\s+)?expected\b`)

// forecastOf reports whether a sentence gives the figure of a measure
// asked (alts: its names) only as one to come: a forecast word in every clause
// that names the measure ("展望第二季，輝達預估營收約為450億美元"), not
// only in another ("2024年的資本支出為297.6億美元，2025年預估提高至…",
// "第四季GAAP毛利率為73%，…並預期毛利率…回升") nor in a comparison with
// expectations ("毛利率為47.8%…優於市場預期"). A sentence that names no
// measure's word is judged whole.
func forecastOf(sentence string, alts [][]string) bool {
	clauses := clauseBreak.Split(sentence, -1)
	var named []string
	for _, c := range clauses {
		toks := corpus.Tokens(c)
		if holdsAny(toks, indexTokens(toks), alts) {
			named = append(named, c)
		}
	}
	if len(named) == 0 {
		named = clauses
	}
	return !slices.ContainsFunc(named, func(c string) bool {
		return !forecast.MatchString(beatExpectations.ReplaceAllString(corpus.Normalize(c), " "))
	})
}

// subordinate matches the word that opens a (normalised) question's
// subordinate clause.
var subordinate = regexp.MustCompile(`\s(?:because|if|unless|although|though|whereas|before|after)\s|因为|由于|如果|假如|若是`)

// currency matches a (normalised) question that asks an amount of money
// in so many words: "多少韩元", "新台币多少", "多少亿元", "in dollars".
var currency = regexp.MustCompile(`美元|人民币|新台币|港元|港币|韩元|日元|欧元|多少钱|多少[万亿千百]*元|几[万亿千百]+元|\bdollars?\b|\byuan\b|\beuros?\b|\bwon\b|\byen\b|\busd\b|\brmb\b`)

// statesMeasure reports whether a passage states the figure a question
// asks for. One of its sentences must state it — the measure's word with
// the kind of fact asked (an amount, a count), or for a price or funding
// an amount of money unless another measure is named beside it; an
// amount of money whatever the measure when the question names a
// currency — and hold what the figure is of (subjects) unless the
// article's title names it (all the names, when the question names no
// entity, as a sentence must hold them all); asked per token, the passage
// must speak of tokens. The sentence must be of the asked period
// (when.Frame's OtherPeriodIn; opening, the text of the article's first
// passage, tells the article's quarter when its title names none) and of
// the asked side of a price (input,
// output, cached). "How many parameters does GPT-4o have?" is not answered by
// Llama 4's parameters in an article that compares it with GPT-4o, nor
// "寒武纪营收" by an article that names Cambricon but no revenue, nor
// Gemini 2.5 Pro's price by the "compute cost of the full 1-million-token
// window" of Gemini 1.5 Pro.
func statesMeasure(m measureAsked, title, opening, text string) bool {
	concepts, kind, frame := m.concepts, m.kind, m.frame
	of, all := subjects(concepts)
	inTitle := heldIn(of, title)
	if slices.Contains(inTitle, false) {
		glossedIn(of, inTitle, title, text)
	}
	titled := len(of) == 0 || slices.Contains(inTitle, true) && (!all || !slices.Contains(inTitle, false))
	if slices.ContainsFunc(concepts, func(c concept) bool { return c.measure == "unit" }) && !tokenUnit.MatchString(corpus.Normalize(text)) {
		return false // the unit may be another sentence's: "…$1.25 per million input tokens; GPT-5 mini costs $0.25"
	}
	// A figure named beside money (a funding round's valuation) is what is
	// asked: any amount of money no longer states it.
	named := slices.ContainsFunc(concepts, func(c concept) bool { return c.figure() && c.measure != "money" })
	side, cached := askedSide(concepts), slices.ContainsFunc(concepts, func(c concept) bool { return slices.ContainsFunc(c.asked[0], isCached) })
	periods := frame.Periodic() // else no sentence speaks of another period: its regexps need not run
	periodTitle := ""           // the title, when it names a period
	if periods {
		normTitle := corpus.Normalize(title)
		if frame.Year == 0 {
			// Asked a quarter of no calendar year (a company's own: 第四财季),
			// a year its title looks ahead to ("memory costs cloud 2027
			// outlook") is no period of its figures.
			normTitle = outlookYear.ReplaceAllString(normTitle, " ")
		}
		if frame.NamesPeriod(normTitle) {
			periodTitle = normTitle
		}
		if lead := leadOf(opening); frame.Month == 0 && !frame.NamesPart(normTitle) && frame.NamesPart(lead) {
			// A title of no quarter or half ("…lifts 2026 target") tells
			// less than the lead ("reported third-quarter 2026 revenue…"):
			// the article reports on the lead's quarter. (A month asked
			// may end it: then the context tells.)
			periodTitle = lead
		}
	}
	var figures [][]string // the names of the measures asked
	for _, c := range concepts {
		if c.figure() {
			figures = append(figures, c.alts...)
		}
	}
	context := "" // the last sentence before, in the paragraph, that names a quarter or half
	var previous, sentence string
	end := 0
	for _, sp := range corpus.Split(text, corpus.ChunkOptions{Target: 1, Max: 400}) {
		previous, sentence = sentence, text[sp.Start:sp.End]
		norm := corpus.Normalize(sentence)
		newParagraph := strings.Contains(text[min(end, sp.Start):sp.Start], "\n")
		if newParagraph {
			context = "" // a new paragraph: "…2025年第一季營收…" is no period of "祖克柏表示，Meta AI的月活…"
		}
		end = sp.End
		if periods {
			before := context
			if frame.NamesPart(norm) {
				context = norm
			}
			if frame.OtherPeriodIn(norm, periodTitle, before) {
				continue // "2025年营收" is not 2026年上半年's
			}
		}
		if m.actual && forecast.MatchString(norm) || m.past && forecastOf(sentence, figures) {
			continue // asked what was reported, a guidance is no answer
		}
		if !m.bound && condition.MatchString(norm) {
			continue // nor a condition's threshold
		}
		toks := corpus.Tokens(sentence)
		if side != "" && (otherSideOnly(toks, side) || !perToken(toks, norm) && !(moneyRe.MatchString(norm) && perToken(corpus.Tokens(previous), corpus.Normalize(previous)))) ||
			cached && !slices.ContainsFunc(toks, isCached) {
			continue // asked the output (or cached) price, a sentence of the input price alone, or of no price per token (nor an amount after one)
		}
		at := indexTokens(toks)
		held := func(c concept) bool { return holdsAny(toks, at, c.alts) }
		missing := func(c concept) bool { return !held(c) }
		about := slices.ContainsFunc(of, held)
		if all {
			about = !slices.ContainsFunc(of, missing)
		}
		if !about && previous != "" && (anaphora.MatchString(norm) || slices.ContainsFunc(concepts, func(c concept) bool {
			return (c.entity || c.longName()) && held(c) || c.longName() && len(c.asked[0]) > 1 && at[c.asked[0][0]] != nil
		})) {
			// The sentence before may name what the figure is of, when this
			// one names something the question asks by name, or the first
			// word of such a name ("The campus, called JB7, will… Teraco put
			// the total investment at…"; "…Tempus One… Tempus charges…
			// for its premium version") or begins by pointing back to it
			// ("…发布从容大模型4.0。据公司官网披露，旗舰版输出价格为…").
			before := corpus.Tokens(previous)
			at := indexTokens(before)
			near := func(c concept) bool { return held(c) || holdsAny(before, at, c.alts) }
			about = slices.ContainsFunc(of, near)
			if all {
				about = !slices.ContainsFunc(of, func(c concept) bool { return !near(c) })
			}
		}
		if !titled && !about {
			continue
		}
		if len(m.segments) > 0 && !slices.ContainsFunc(m.segments, held) {
			var before []string // the sentence before, in the paragraph, may name the business
			if !newParagraph {
				before = corpus.Tokens(previous)
			}
			beforeAt := indexTokens(before)
			if !slices.ContainsFunc(m.segments, func(c concept) bool { return holdsAny(before, beforeAt, c.alts) }) {
				continue // "服务器业务收入" states no 汽车电子业务's
			}
		}
		money := moneyRe.MatchString(norm)
		if m.money && !money {
			continue // asked in won or dollars, a growth rate is no answer
		}
		if slices.ContainsFunc(concepts, func(c concept) bool {
			k := kind
			if c.measure == "count" && k == amountFact {
				k = countFact // "A. Pro付費用戶數" is answered by "820,000 paying users"
			}
			return c.measure == "money" && (money || m.change && amountRe.MatchString(norm)) && !named || c.figure() && held(c) && statesFact(k, nearMeasure(sentence, c.alts), nil, nil) ||
				c.measure == "count" && numberBeside(toks, at, c.alts)
		}) {
			return true
		}
	}
	return false
}

// leadOf returns the first sentence of an article's first passage,
// normalised; an abbreviation's full stop ends none ("Celestica Inc.
// (NYSE: CLS) reported third-quarter 2026 revenue…").
func leadOf(opening string) string {
	spans := corpus.Split(opening, corpus.ChunkOptions{Target: 1, Max: 400})
	if len(spans) == 0 {
		return ""
	}
	end := spans[0].End
	for i := 1; i < len(spans) && abbreviation.MatchString(opening[:end]); i++ {
		end = spans[i].End
	}
	return corpus.Normalize(opening[spans[0].Start:end])
}

// abbreviation matches text that ends with an abbreviation's full stop:
// "Inc.", "Corp.", "Oct.".
var abbreviation = regexp.MustCompile(`\b[A-Z][a-z]{0,3}\.$`)

// glossedIn marks in inTitle the subjects (of) that a passage's text
// glosses, in brackets after a name in characters that its title holds
// (titleHolds), or that the name holds: "樱花互联网（Sakura Internet，3778.T）" under
// "樱花互联网上半财年营收增78%", "好未来教育集团（NYSE: TAL）" under
// "好未来二季度营收…" (TAL Education). The article is about it.
func glossedIn(of []concept, inTitle []bool, title, text string) {
	normTitle := corpus.Normalize(title)
	for _, m := range gloss.FindAllStringSubmatch(corpus.Normalize(text), -1) {
		if !titleHolds(normTitle, m[1]) {
			continue
		}
		inner, name := corpus.Tokens(m[2]), corpus.Tokens(m[1])
		innerAt, nameAt := indexTokens(inner), indexTokens(name)
		if !slices.ContainsFunc(of, func(c concept) bool { return holdsAny(inner, innerAt, c.alts) }) {
			continue
		}
		for i, c := range of {
			inTitle[i] = inTitle[i] || holdsAny(inner, innerAt, c.alts) || holdsAny(name, nameAt, c.alts)
		}
	}
}

// gloss matches a name in characters and what brackets after it say
// (normalised): "樱花互联网(sakura internet,3778.t)".
var gloss = regexp.MustCompile(`(\p{Han}{2,})\s*\(([^()]{1,60})\)`)

// titleHolds reports whether a normalised title names what a run of
// characters before a gloss names: it holds the run, or the run's first
// three characters ("好未来" of "好未来教育集团") or its last three, after
// what describes the firm ("互联网" of "日本云服务商樱花互联网").
func titleHolds(title, run string) bool {
	r := []rune(run)
	if len(r) <= 3 {
		return strings.Contains(title, run)
	}
	return strings.Contains(title, string(r[:3])) || strings.Contains(title, string(r[len(r)-3:]))
}

// anaphora matches a (normalised) sentence that begins by pointing back
// to what was named before: the company, the API, it, its.
var anaphora = regexp.MustCompile(`^(?:据|另外|此外|同时|其中)?(?:该公司|公司|本公司|该集团|集团|该模型|该产品|该平台|该服务|该芯片|其|它|(?:the|this) (?:company|firm|group|model|api|service|platform|app|product|chip|segment|unit|division|business)\b|it\b|its\b)`)

// clauseBreak ends a Chinese clause: an English sentence's commas also
// part dates and relative clauses ("Revenue for the fiscal year ended June
// 30, 2026, was $86 million"), which Chinese punctuation does not.
var clauseBreak = regexp.MustCompile(`[，；]`)

// nearMeasure returns the Chinese clauses of a sentence that hold one of a
// measure's alternatives, each with the clause after it: the figure stated
// for the measure is there ("营收约2.3亿元，…，目前仍处于亏损状态" states no
// loss). An English sentence is one clause.
func nearMeasure(sentence string, alts [][]string) string {
	clauses := clauseBreak.Split(sentence, -1)
	if len(clauses) == 1 {
		return sentence
	}
	var out []string
	for i, c := range clauses {
		toks := corpus.Tokens(c)
		if holdsAny(toks, indexTokens(toks), alts) {
			out = append(out, clauses[i:min(i+2, len(clauses))]...)
		}
	}
	return strings.Join(out, "; ")
}

// numberBeside reports whether a number comes right after one of the
// alternatives, or a few words on ("headcount fell to 2,850", "expanding
// headcount from 190 to 400"): a count is stated without a unit.
func numberBeside(toks []string, at map[string][]int, alts [][]string) bool {
	const within = 4
	for _, alt := range alts {
		for _, i := range seqStarts(toks, at, alt) {
			for _, t := range toks[i+len(alt) : min(len(toks), i+len(alt)+within)] {
				if t[0] >= '0' && t[0] <= '9' && !isYear(t) {
					return true
				}
			}
		}
	}
	return false
}

// The two sides of a price per token: a question asks one when it names
// it and not the other, and a sentence that names only the other side
// does not state it.
var sides = map[string]string{
	"input": "input", "inputs": "input", "prompt": "input", "输入": "input",
	"output": "output", "outputs": "output", "completion": "output", "输出": "output",
}

// isCached reports whether a token names the cached-input price, a
// third side: cached, cache, 缓存.
func isCached(t string) bool { return t == "cached" || t == "cache" || t == "缓存" }

// askedSide returns the side of a price the question's concepts ask
// ("input" or "output"), "" for neither or both.
func askedSide(concepts []concept) string {
	side := ""
	for _, c := range concepts {
		for _, t := range c.asked[0] {
			switch s := sides[t]; {
			case s == "":
			case side == "":
				side = s
			case side != s:
				return ""
			}
		}
	}
	return side
}

// otherSideOnly reports whether tokens name a side of a price, none of
// them the asked one.
func otherSideOnly(toks []string, asked string) bool {
	other := false
	for _, t := range toks {
		switch sides[t] {
		case asked:
			return false
		case "":
		default:
			other = true
		}
	}
	return other
}

// perToken reports whether a sentence (its tokens, and normalised) speaks
// of a price per token: it names a side of one or tokens ("投入超过3800亿元
// 建设云和AI硬件" states no input price). An amount of money after such a
// sentence is one too ("GPT-5 costs $1.25 per million input tokens; GPT-5
// mini costs $0.25"), not a cut in percent ("调用价格平均下调约40%").
func perToken(toks []string, norm string) bool {
	return slices.ContainsFunc(toks, func(t string) bool { return sides[t] != "" }) || tokenUnit.MatchString(norm)
}

// tokenUnit matches a figure stated per token (normalised).
var tokenUnit = regexp.MustCompile(`\btokens?\b|词元`)

// subjects returns what a question asks a figure of: the entities it
// names, any of which a sentence must hold — its models and products if
// it names any, listed or a versioned name the table lacks (asked Claude
// 3.5 Haiku's or Ling-3-Lite's price, Anthropic or Ant Group is not what
// the figure must be about), and a version rather than its family (asked
// "Gemini 2.5 Pro", not Gemini); without entities of the alias table, the
// names it writes capitalised, all of which it must hold ("Cursor's Pro
// plan"); only without either, the places it names (asked "Starvine
// Technology's Hong Kong IPO", the sentence may say 港元 and 港交所).
func subjects(concepts []concept) (out []concept, all bool) {
	var names, places []concept
	made := slices.ContainsFunc(concepts, func(c concept) bool { return c.made() || c.versioned() || c.variant })
	for _, c := range concepts {
		switch {
		case c.entity && c.typ == "place":
			places = append(places, c)
		case c.source: // the figure's source, not what it is of
		case c.entity && (c.made() || !made) && !slices.ContainsFunc(concepts, func(o concept) bool { return (o.entity || o.variant) && narrows(o.asked, c.asked) }):
			out = append(out, c)
		case c.versioned() || c.variant:
			out = append(out, c)
		case c.longName() && !c.wording && !c.required && !c.apart: // a name no passage holds (External Trade Development Council; Tung Shing Bank, which a passage may write 東昇銀行) is no subject a sentence must name
			names = append(names, c)
		}
	}
	switch {
	case len(out) > 0:
		return out, false
	case len(names) > 0:
		return names, true
	}
	return places, false
}

// made reports whether the concept is a model or a product.
func (c concept) made() bool { return c.typ == "model" || c.typ == "product" }

// versioned reports whether the concept is a name with a version that the
// alias table lacks, a model's or a product's: "Ling-3-Lite".
func (c concept) versioned() bool {
	return c.longName() && versionNumber.MatchString(strings.Join(c.asked[0], " "))
}

// narrows reports whether every name of b begins a versioned name of a:
// "Gemini" and "Claude 3.5" of "Gemini 2.5 Pro" and "Claude 3.5 Sonnet",
// not "Alibaba" of "Alibaba Cloud" or "Doubao" of "Doubao Pro".
func narrows(a, b [][]string) bool {
	return len(b) > 0 && !slices.ContainsFunc(b, func(short []string) bool {
		return !slices.ContainsFunc(a, func(long []string) bool {
			return len(long) > len(short) && slices.Equal(long[:len(short)], short) && versionNumber.MatchString(strings.Join(long, " "))
		})
	})
}

// namesStated counts the names a sentence states that the question does
// not: entities of the alias table, and other capitalised names.
func namesStated(sentence string, asked map[string]bool, aliases *corpus.Aliases) int {
	seen := map[string]bool{}
	for _, e := range aliases.Match(sentence) {
		if !asked[e.ID] && e.Type != "term" {
			seen[e.ID] = true
		}
	}
	for _, m := range latinRe.FindAllStringIndex(sentence, -1) {
		if m[0] > 0 && len(aliases.Match(sentence[m[0]:m[1]])) == 0 { // not the capital that begins a sentence
			seen[sentence[m[0]:m[1]]] = true
		}
	}
	return len(seen)
}

// QuoteRanker scores a passage's sentences for a question.
type QuoteRanker struct {
	concepts []concept // weighed on the corpus, with their translations
	kind     factKind
	asked    map[string]bool // ids of the entities the question names
	aliases  *corpus.Aliases
	person   bool       // the question asks who: a person's name answers it best
	frame    when.Frame // the question's period: a sentence of another part of the year answers worse
}

// titledPerson matches a person named after a title, as the press writes
// people the alias table does not list: "公共云事业部总裁刘伟光", "chief
// executive Michael Truell".
var titledPerson = regexp.MustCompile(`(?:总裁|總裁|董事长|董事長|首席执行官|首席執行官|执行长|執行長|总经理|總經理|创始人|創始人|负责人|負責人|主席|CEO)\p{Han}{2,3}(?:在|表示|称|稱|说|說|宣布|指出|，|、)|(?:[Cc]hief [Ee]xecutive|CEO|[Cc]hairman|[Pp]resident|[Ff]ounder|[Cc]hief [A-Za-z]+ [Oo]fficer) [A-Z][a-z]+ [A-Z][a-z]+`)

// asksWho matches a (normalised) question that asks for a person.
var asksWho = regexp.MustCompile(`\bwho(?:m)?\b|谁|\bwhich\b[^?]{0,40}?\b(?:executive|person|official|founder|chief|chairman|president)s?\b|哪位`)

// QuoteRanker reads a question for ranking the sentences that answer it.
func (s *Searcher) QuoteRanker(ctx context.Context, question string) (QuoteRanker, error) {
	qs := []query{s.parseQuery(question, Options{})}
	if _, _, err := s.weighConcepts(ctx, qs); err != nil {
		return QuoteRanker{}, err
	}
	r := QuoteRanker{concepts: qs[0].concepts, kind: askedFor(question), asked: map[string]bool{}, aliases: s.aliases,
		person: asksWho.MatchString(corpus.Normalize(question)), frame: qs[0].frame}
	for _, e := range qs[0].entities {
		r.asked[e.ID] = true
	}
	return r, nil
}

// Weights of a sentence's score.
const (
	conceptsScore = 10 // all of the question's concepts (by weight)
	factScore     = 3  // the kind of fact asked for
	numberScore   = 1  // a number
	countedScore  = 2  // a count of the very thing asked about ("384个专家" for "how many experts")
	// otherPeriodScore is taken from a sentence that names another part
	// of the year than the quarter or half asked (when.Frame's OtherPart).
	otherPeriodScore = 3
)

// countsAsked reports whether a number in the sentence (its tokens) counts
// one of the question's plain words: the word follows it within
// countReach tokens, a classifier or an adjective between ("384个专家",
// "61 layers", "10 open models").
func (r QuoteRanker) countsAsked(toks []string) bool {
	for _, c := range r.concepts {
		if c.alias || c.name || c.lang == "" {
			continue // an entity or a version is what has the count, not what is counted
		}
		for _, alt := range c.alts {
			for j := range toks {
				if !slices.Equal(toks[j:min(j+len(alt), len(toks))], alt) {
					continue
				}
				after := j
				if han(alt[0]) || j+len(alt) < len(toks) && han(toks[j+len(alt)]) { // Chinese also counts after, in bigrams: 客户数量超过1.2万家, BMC出货量约为1150万颗
					after = j + len(alt) + 2*countReach
				}
				for i := max(j-countReach, 0); i < min(after, len(toks)); i++ {
					if (i < j || i >= j+len(alt)) && digits.MatchString(toks[i]) {
						return true
					}
				}
			}
		}
	}
	return false
}

// han reports whether a token begins with a Han character.
func han(t string) bool {
	r, _ := utf8.DecodeRuneInString(t)
	return r >= 0x2E80
}

// carried is the share of a concept's weight that a sentence gets when
// the sentence before holds the concept.
const carried = 0.5

// countReach is how many tokens may stand between a number and what it
// counts (twice as many after a Chinese word, whose tokens are bigrams).
const countReach = 3

// number matches a number: 42, 1,000, 3.5.
var number = regexp.MustCompile(`\d+(?:[.,]\d+)*`)

var digits = regexp.MustCompile(`^\d+(?:[.,]\d+)?$`)

// score rates how well a sentence answers: the share of the question's
// concepts (by weight) it holds, in any of their names or translations,
// or that its context gives (given[i], a share of concept i: the sentences
// of an article about Kimi K2 are about Kimi K2) — and whether it states
// the kind of fact asked for, or a number.
func (r QuoteRanker) score(sentence string, given []float64) float64 {
	toks := corpus.Tokens(sentence)
	at := indexTokens(toks)
	var total, covered float64
	for i, c := range r.concepts {
		total += c.weight
		credit := 0.0
		if i < len(given) {
			credit = given[i]
		}
		if holdsAny(toks, at, c.alts) {
			credit = 1
		}
		covered += c.weight * credit
	}
	var score float64
	if total > 0 {
		score = conceptsScore * covered / total
	}
	switch {
	case r.kind == nameFact: // "which" is answered by a list: a point for each further name, up to two
		if n := namesStated(sentence, r.asked, r.aliases); n > 0 {
			score += factScore + float64(min(n-1, 2))
		}
		if r.person && (titledPerson.MatchString(sentence) || slices.ContainsFunc(r.aliases.Match(sentence), func(e corpus.Entity) bool { return e.Type == "person" && !r.asked[e.ID] })) {
			score += factScore // "who" is answered by a person
		}
	case r.kind != anyFact && statesFact(r.kind, sentence, r.asked, r.aliases):
		score += factScore
	}
	if r.kind == countFact && r.countsAsked(toks) {
		score += countedScore
	}
	if number.MatchString(sentence) {
		score += numberScore
	}
	if r.frame.OtherPart(corpus.Normalize(sentence)) {
		score -= otherPeriodScore // "full-year 2026 outlook" answers no fourth quarter's
	}
	return score
}

// Best returns up to n sentences of text (of an article with that title):
// the one that best answers first, then the next best, with "…" where they
// are not adjacent; and the best sentence's score. The entities the title
// names count as held by every sentence, and half of what a sentence holds
// by the next: it may go on about it ("SenseChat Lite…。在高阶旗舰手机上…
// 每秒78.3字").
func (r QuoteRanker) Best(title, text string, n int) (string, float64) {
	spans := corpus.Split(text, corpus.ChunkOptions{Target: 1, Max: 400})
	if len(spans) == 0 {
		return strings.Join(strings.Fields(text), " "), 0
	}
	type scored struct {
		i     int
		score float64
	}
	ss := make([]scored, len(spans))
	titled := entitiesIn(r.concepts, title)
	var prev []bool // what the sentence before holds
	for i, sp := range spans {
		sentence := text[sp.Start:sp.End]
		given := make([]float64, len(r.concepts))
		for k := range given {
			switch {
			case titled[k]:
				given[k] = 1
			case prev != nil && prev[k]:
				given[k] = carried
			}
		}
		ss[i] = scored{i, r.score(sentence, given)}
		prev = heldIn(r.concepts, sentence)
	}
	slices.SortStableFunc(ss, func(x, y scored) int { return cmp.Compare(y.score, x.score) })
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
