package search

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/search/bridge"
	"github.com/marketbot/marketbot/rag/search/when"
)

// What a question names: capitalised runs, the alias table's entities, and
// versions of their families. A name is precise: "Grok 4" is not Grok 3,
// "Safe Superintelligence" is not safety.

// unlistedVersions returns, for each version of a known family that the
// alias table does not list (DeepSeek-R2), a name the corpus must hold in
// one of the family's names: the family's other versions do not answer
// for it.
//
// A version, listed or not, with a variant's words after it (Gemini 3
// Flash-Lite, Step-4-Flash) is a variant: what a figure is of, not the
// family nor the version without them.
func unlistedVersions(text string, es []corpus.Entity) []concept {
	var out []concept
	for _, at := range compoundSpans(text) {
		toks := corpus.Tokens(text[at[0]:at[1]])
		tail := corpus.Tokens(variantTail.FindString(text[at[1]:]))
		if isEntityName(es, strings.Join(append(slices.Clone(toks), tail...), " ")) {
			tail = nil // the table lists the variant: Gemini 1.5 Pro
		}
		e, n := versionOf(es, toks)
		if n == 0 && len(tail) > 0 && isEntityName(es, strings.Join(toks, " ")) {
			asked := append(slices.Clone(toks), tail...) // a listed version's variant
			out = append(out, concept{alts: [][]string{asked}, asked: [][]string{asked}, coined: true, variant: true})
			continue
		}
		v := version(toks[n:])
		if n == 0 || len(v) == 0 || len(v) == 1 && isYear(v[0]) { // "ByteDance 2026" is a year of ByteDance's
			continue
		}
		if len(v) < len(toks)-n {
			tail = nil // "GPT 5 mini": the compound goes on after its version
		}
		ver := append(slices.Clone(v), tail...)
		asked := append(slices.Clone(toks[:n]), ver...)
		c := concept{alts: [][]string{asked}, asked: [][]string{asked}, coined: true, variant: len(tail) > 0, id: e.ID}
		family := familyNames(e.Names)
		for _, ver := range versionForms(ver) {
			if other := append(slices.Clone(toks[:n]), ver...); !slices.Equal(other, asked) {
				c.alts = append(c.alts, other)
			}
			for _, name := range family {
				if nt := corpus.Tokens(name); len(nt) > 0 && !versionNumber.MatchString(name) && !slices.Equal(nt, toks[:n]) {
					c.cands = append(c.cands, bridge.Word{Toks: append(slices.Clone(nt), ver...)})
				}
			}
		}
		out = append(out, c)
	}
	return out
}

// askedEntities returns a concept for each entity or trade word the text
// names, and the text with their names blanked out. Every entity named is
// asked, the family in "Kimi K2" as well as the model; the names are
// blanked out after, longest first, so that no stray "K2" is left for the
// words.
func askedEntities(text string, es []corpus.Entity) ([]concept, string) {
	type entityName struct {
		entity int
		name   string
	}
	var byLength []entityName
	entities := make([]concept, len(es))
	for i, e := range es {
		entities[i] = concept{alias: true, entity: e.Type != "term", typ: e.Type, measure: e.Measure, id: e.ID}
		for _, name := range e.Short {
			entities[i].short = append(entities[i].short, corpus.Tokens(name))
		}
		for _, name := range e.Names {
			if toks := corpus.Tokens(name); len(toks) > 0 {
				entities[i].alts = append(entities[i].alts, toks)
				byLength = append(byLength, entityName{i, name})
			}
		}
		for _, word := range e.Answered {
			entities[i].alts = append(entities[i].alts, corpus.Tokens(word))
		}
	}
	slices.SortStableFunc(byLength, func(a, b entityName) int { return len(corpus.Normalize(b.name)) - len(corpus.Normalize(a.name)) })
	asked := text
	for _, n := range byLength {
		// A model's family is asked with it (Qwen2.5-Max is Qwen's), but a
		// measure within a longer name is not ("亏损" of "净亏损", "价格" of
		// "价格战").
		in := asked
		if entities[n.entity].measure != "" {
			in = text
		}
		if len(nameSpans(n.name, in)) > 0 {
			entities[n.entity].asked = append(entities[n.entity].asked, corpus.Tokens(n.name))
			text = blankName(text, n.name)
		}
	}
	var out []concept
	for i, c := range entities {
		for _, c := range splitVersion(c, es[i].Names) {
			if len(c.asked) > 0 {
				out = append(out, c)
			}
		}
	}
	return out, text
}

// blankName returns normalised text with each occurrence of a name
// blanked out.
func blankName(text, name string) string {
	spans := nameSpans(name, text)
	for i := len(spans) - 1; i >= 0; i-- {
		text = text[:spans[i][0]] + " " + text[spans[i][1]:]
	}
	return text
}

// nameRun matches names written capitalised: "Safe Superintelligence",
// "HBM", "Scale AI", "Character.AI".
var nameRun = regexp.MustCompile(`\b[A-ZÀ-ÖØ-Þ][A-Za-z0-9À-ÖØ-öø-ɏ]*(?:(?:[ -]|\.\b)[A-Z0-9À-ÖØ-Þ][A-Za-z0-9À-ÖØ-öø-ɏ]*)*`)

// ampersand matches a pair of letters joined by "&": R&D, M&A, P&L, a
// word of their own.
var ampersand = regexp.MustCompile(`\b[A-Z]&[A-Z]\b`)

// calendarWords are capitalised without being names.
var calendarWords = regexp.MustCompile(`\b(?:(?i:` + when.MonthName + `)\.?|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|Q[1-4]|H[12]|FY\s?\d+|9M\s+(?:19|20)\d{2})\b`)

// nameRuns returns the capitalised runs of a question, without the first
// word of an English one, which is capitalised as the sentence begins (a
// Chinese question capitalises only names: "Reddit 2026年…"), unless it
// reads as pinyin and names no entity of the table (entities: those the
// question names): "Chengguan Medical …" is one name. A letter before
// Chinese is no part of a name: "Kestrel Dynamics C轮".
func nameRuns(question string, entities []corpus.Entity) []string {
	question = ampersand.ReplaceAllString(calendarWords.ReplaceAllString(question, " "), " ")
	var out []string
	start := len(question) - len(strings.TrimLeft(question, " \t\"'“"))
	chinese := corpus.HasHan(question)
	for _, m := range nameRun.FindAllStringIndex(question, -1) {
		run := question[m[0]:m[1]]
		if first, rest, _ := strings.Cut(run, " "); m[0] == start && !chinese && !isEntityName(entities, corpus.Normalize(run)) && (plainWord(first) || namesEntity(entities, corpus.Normalize(first))) {
			run = rest
			if n := entityPrefix(entities, first, run); n > 0 {
				run = strings.TrimSpace(run[n:]) // the rest of the entity's name goes too: "Chunghwa Telecom AI-related revenue" asks no "Telecom AI"
			}
		}
		// A name begins with a capital letter: "Doubao 1.5 Pro" asks no name "1".
		for run != "" && (run[0] < 'A' || run[0] > 'Z') {
			_, run, _ = strings.Cut(run, " ")
		}
		if f := strings.Fields(run); len(f) > 1 && isYear(f[len(f)-1]) { // "Reddit 2026年": a year, no version
			run = strings.Join(f[:len(f)-1], " ")
		}
		if f := strings.Fields(run); len(f) > 1 && chipKinds[strings.ToLower(f[len(f)-1])] { // "RK3688 SoC": the kind of chip, which a passage may write 芯片
			run = strings.Join(f[:len(f)-1], " ")
		}
		if f := strings.Fields(run); len(f) > 1 && len(f[len(f)-1]) == 1 && corpus.HasHan(question[m[1]:min(len(question), m[1]+3)]) {
			run = strings.Join(f[:len(f)-1], " ") // "Kestrel Dynamics C轮": a grade of the round, no part of the name
		}
		out = append(out, splitAcronyms(run)...)
	}
	if chinese {
		// A Chinese question writes Latin letters only for names, lower
		// case or not: "stc集团" names stc.
		for _, at := range lowerWord.FindAllStringIndex(question, -1) {
			before, _ := utf8.DecodeLastRuneInString(question[:at[0]])
			after, _ := utf8.DecodeRuneInString(question[at[1]:])
			if unicode.Is(unicode.Latin, before) || unicode.Is(unicode.Latin, after) {
				continue // part of a word with an accent: "Høyanger", "América"
			}
			if w := question[at[0]:at[1]]; !questionWords[w] && len(bridge.ToChinese(w)) == 0 && !namesEntity(entities, w) {
				out = append(out, w)
			}
		}
	}
	return out
}

// chipKinds are the kinds of chip written after a chip's name.
var chipKinds = map[string]bool{"soc": true, "socs": true, "gpu": true, "gpus": true, "cpu": true, "cpus": true, "npu": true, "npus": true, "tpu": true, "tpus": true, "asic": true, "asics": true, "fpga": true, "fpgas": true}

// glossed matches an acronym with a name in brackets after it, or a name
// with an acronym in brackets: "GCE (Gold Circuit Electronics)", "Asia
// Vital Components (AVC)".
var glossed = regexp.MustCompile(`\b([A-Z][A-Z0-9&]{1,7})\s*[(（]([^()（）]{3,60})[)）]|([^()（）\s][^()（）]{2,60}?)\s*[(（]([A-Z][A-Z0-9&]{1,7})[)）]`)

// glossedAcronyms blanks the acronyms the alias table lacks that gloss
// the name of an entity of the question beside them: the acronym is that
// entity's, no name of something absent.
func glossedAcronyms(question string, entities []corpus.Entity) string {
	return glossed.ReplaceAllStringFunc(question, func(m string) string {
		g := glossed.FindStringSubmatch(m)
		acronym, glosses := g[1], isEntityName(entities, corpus.Normalize(strings.TrimSpace(g[2])))
		if acronym == "" {
			acronym, glosses = g[4], endsWithName(entities, corpus.Normalize(strings.TrimSpace(g[3])))
		}
		if !glosses || namesEntity(entities, corpus.Normalize(acronym)) {
			return m // no entity's gloss (美光…高带宽内存（HBM）), or one the table knows
		}
		return strings.Replace(m, acronym, strings.Repeat(" ", len(acronym)), 1)
	})
}

// hanGlossed matches an acronym in brackets after characters: the words
// it stands for, which the question gives (晶圆厂设备（WFE）).
var hanGlossed = regexp.MustCompile(`\p{Han}\s*[(（]([A-Z][A-Z0-9&]{1,7})[)）]`)

// glossesHan reports whether the question glosses words in characters
// with the acronym.
func glossesHan(question, acronym string) bool {
	return slices.ContainsFunc(hanGlossed.FindAllStringSubmatch(question, -1), func(m []string) bool { return m[1] == acronym })
}

// glossesOf returns the names in characters that normalised texts pair a
// Latin name with in brackets, either way round: "「奇智孔明」（ainnogpt）",
// "ainnogpt（奇智孔明）". Unquoted before the brackets, a run of characters
// may begin with other words ("旗下奇智孔明（…）"): each of its last two to
// six characters is a candidate, for the corpus to choose.
func glossesOf(name string, texts []string) []string {
	q := regexp.QuoteMeta(name)
	before := regexp.MustCompile(`([「『“"]?)(\p{Han}{2,12})[」』”"]?\s*[(（]\s*` + q + `\s*[)）,，;；]`)
	after := regexp.MustCompile(`\b` + q + `\s*[(（]\s*[「『“"]?(\p{Han}{2,12})[」』”"]?\s*[)）,，;；]`)
	var out []string
	add := func(n string) {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	for _, t := range texts {
		for _, m := range before.FindAllStringSubmatch(t, -1) {
			if m[1] != "" {
				add(m[2]) // quoted: the whole name
				continue
			}
			r := []rune(m[2])
			for k := 2; k <= min(6, len(r)); k++ {
				add(string(r[len(r)-k:]))
			}
		}
		for _, m := range after.FindAllStringSubmatch(t, -1) {
			add(m[1])
		}
	}
	return out
}

// productWord matches the start of what follows a name when it is a
// product's: a word for one, after up to two others ("Jiutian
// professional model").
var productWord = regexp.MustCompile(`^\s+(?:[a-z]+\s+){0,2}?(?:models?|llms?|platforms?|chips?|apps?|assistants?|agents?|series)\b`)

// productAfter reports whether the question names a product by the name:
// a word for one follows it.
func productAfter(question, name string) bool {
	i := strings.Index(question, name)
	return i >= 0 && productWord.MatchString(question[i+len(name):])
}

// endsWithName reports whether normalised text ends with the name of one
// of the entities, not a word of the trade.
func endsWithName(es []corpus.Entity, text string) bool {
	return slices.ContainsFunc(es, func(e corpus.Entity) bool {
		return e.Type != "term" && slices.ContainsFunc(e.Names, func(name string) bool { return strings.HasSuffix(text, corpus.Normalize(name)) })
	})
}

// lowerWord matches a word of three or more lower-case Latin letters.
var lowerWord = regexp.MustCompile(`\b[a-z][a-z0-9]{2,}\b`)

// plainWord reports whether a question's first word, capitalised as the
// sentence begins, is a word of the language ("What", "Tencent") and not
// a name in pinyin ("Chengguan Medical …", which the dictionary knows
// only as a place, 城关), nor one with capitals after its first letter,
// which no sentence's start explains ("AInnovation", "TAL").
func plainWord(w string) bool {
	if len(w) > 1 && strings.ToLower(w[1:]) != w[1:] {
		return false
	}
	w = strings.ToLower(w)
	return questionWords[w] || len(corpus.Tokens(w)) == 0 || !bridge.IsPinyin(w)
}

// acronym matches a word of capitals: US, AI, AMD.
var acronym = regexp.MustCompile(`^[A-Z]{2,5}$`)

// splitAcronyms parts a run of capitalised words that begins with an
// acronym at its acronyms, which are names of their own: "US AI" is the US
// and AI, not one name; "Scale AI" stays one.
func splitAcronyms(run string) []string {
	words := strings.Fields(run)
	if len(words) == 0 {
		return nil
	}
	if !acronym.MatchString(words[0]) {
		return []string{run}
	}
	var out []string
	for i := 0; i < len(words); {
		j := i + 1
		if !acronym.MatchString(words[i]) {
			for j < len(words) && !acronym.MatchString(words[j]) {
				j++
			}
		}
		out = append(out, strings.Join(words[i:j], " "))
		i = j
	}
	return out
}

// namesEntity reports whether a normalised run holds a name of one of the
// entities the question names, or is part of one ("Cyberspace
// Administration" of "the Cyberspace Administration of China": capitalised
// runs stop at "of").
func namesEntity(es []corpus.Entity, run string) bool {
	for _, e := range es {
		for _, name := range e.Names {
			if len(nameSpans(name, run)) > 0 {
				return true
			}
			if n := corpus.Normalize(name); strings.Contains(n, run) && len(nameSpans(run, n)) > 0 {
				return true
			}
		}
	}
	return false
}

// entityPrefix returns the length of the words at the start of run that
// go on an entity's name from its first word ("Telecom" of "Telecom AI",
// after "Chunghwa"); 0 for none.
func entityPrefix(es []corpus.Entity, first, run string) int {
	best := 0
	words := strings.Fields(run)
	for k := 1; k <= len(words); k++ {
		part := strings.Join(words[:k], " ")
		begun := corpus.Normalize(first + " " + part)
		if slices.ContainsFunc(es, func(e corpus.Entity) bool {
			return slices.ContainsFunc(e.Names, func(name string) bool {
				n := corpus.Normalize(name)
				return strings.HasPrefix(n, begun) && (len(n) == len(begun) || n[len(begun)] == ' ')
			})
		}) {
			best = len(part)
		}
	}
	return best
}

// isEntityName reports whether a normalised run is a name of one of the
// entities: "Moore Threads", as a whole.
func isEntityName(es []corpus.Entity, run string) bool {
	return slices.ContainsFunc(es, func(e corpus.Entity) bool {
		return slices.ContainsFunc(e.Names, func(name string) bool { return corpus.Normalize(name) == run })
	})
}

// versionNumber matches the numbers of a version: 4 of Grok 4, 910 of
// Ascend 910B, 6.5 of abab6.5.
var versionNumber = regexp.MustCompile(`\d+(?:\.\d+)?`)

// splitVersion parts an entity asked by a versioned name of its family
// ("Grok 4", "Mistral Large 2": the family's name and a number) into two
// concepts: the version, held only by the entity's names with the same
// numbers (Ascend 910B and 昇腾910B), and the family, by its names without
// numbers. Grok 3 is no answer about Grok 4. Other entities stay whole.
func splitVersion(c concept, names []string) []concept {
	version := map[string]bool{}
	for _, a := range c.asked {
		if sig := numbers(a); sig != "" && familyPrefix(a, names) > 0 {
			version[sig] = true
		}
	}
	if len(version) == 0 {
		return []concept{c}
	}
	v, f := c, c
	v.alts, v.asked, f.alts, f.asked = nil, nil, nil, nil
	for _, name := range names {
		toks := corpus.Tokens(name)
		switch sig := numbers(toks); {
		case version[sig]:
			v.alts = append(v.alts, toks)
		case sig == "":
			f.alts = append(f.alts, toks)
		}
	}
	for _, a := range c.asked {
		if version[numbers(a)] {
			v.asked = append(v.asked, a)
		} else if slices.ContainsFunc(f.alts, func(alt []string) bool { return slices.Equal(alt, a) }) {
			f.asked = append(f.asked, a)
		}
	}
	return []concept{v, f}
}

// numbers returns the numbers in a name's tokens: "4" of "grok 4".
func numbers(toks []string) string {
	return strings.Join(versionNumber.FindAllString(strings.Join(toks, " "), -1), " ")
}

// familyPrefix returns the length in tokens of the longest name, without
// numbers, that toks begin with and go on after: 1 for "grok 4" with
// "grok"; 0 when none does.
func familyPrefix(toks []string, names []string) int {
	k := 0
	for _, name := range names {
		n := corpus.Tokens(name)
		if len(n) > k && len(n) < len(toks) && slices.Equal(toks[:len(n)], n) && !versionNumber.MatchString(name) {
			k = len(n)
		}
	}
	return k
}

// versionOf returns the entity one of whose names, without numbers, toks
// begin with, and that name's length in tokens: "deepseek r 2" of
// DeepSeek. It returns 0 when toks are themselves an entity's name (ERNIE
// 4.5, Kimi K2): the alias table knows that version.
func versionOf(es []corpus.Entity, toks []string) (corpus.Entity, int) {
	var found corpus.Entity
	var k int
	for _, e := range es {
		if e.Type == "term" {
			continue
		}
		if slices.ContainsFunc(e.Names, func(name string) bool { return slices.Equal(corpus.Tokens(name), toks) }) {
			return corpus.Entity{}, 0
		}
		if n := familyPrefix(toks, e.Names); n > k {
			found, k = e, n
		}
	}
	return found, k
}

// version returns the tokens of the version toks begin with: a letter, a
// number, a letter ("r 2", "4 o"; "3.1" of "3.1 405 b"; not the plural s
// of "h 100 s").
func version(toks []string) []string {
	i := 0
	if i < len(toks) && len(toks[i]) == 1 && bridge.IsLetters(toks[i]) {
		i++
	}
	if i == len(toks) || !digits.MatchString(toks[i]) {
		return nil
	}
	if i+1 < len(toks) && len(bridge.UnitNames(toks[i+1])) > 0 {
		return nil // "TSMC 3nm": a process node, no version of TSMC
	}
	i++
	if i < len(toks) && len(toks[i]) == 1 && bridge.IsLetters(toks[i]) && toks[i] != "s" {
		i++
	}
	if i > 1 && bridge.IsLetters(toks[i-1]) && strings.Contains(toks[i-2], ".") && magnitude.MatchString(strings.ReplaceAll(toks[i-2], ".", "")+toks[i-1]) {
		return nil // "Eoptolink 1.6T": a rate, no version (but Qwen-7B is a model)
	}
	return toks[:i]
}

// familyNames returns a family's names and, for those that end in a word
// for what it is ("Skywork AI", "天工AI", "天工大模型"), the name before it,
// which a version follows: 天工5.0 (not "Open" of OpenAI).
func familyNames(names []string) []string {
	out := slices.Clone(names)
	for _, name := range names {
		for _, suffix := range []string{" AI", "AI", "大模型"} {
			stem, ok := strings.CutSuffix(name, suffix)
			if last, _ := utf8.DecodeLastRuneInString(stem); ok && stem != "" && (suffix == " AI" || unicode.Is(unicode.Han, last)) && !slices.Contains(out, stem) {
				out = append(out, stem)
			}
		}
	}
	return out
}

// versionForms returns a version's tokens (ver: its number first, or a
// letter and its number) and the same version as a whole number is also
// written: "5" and "5.0" (Skywork 5 Mini: 天工5.0 Mini).
func versionForms(ver []string) [][]string {
	forms := [][]string{ver}
	i := slices.IndexFunc(ver, func(t string) bool { return digits.MatchString(t) })
	if i < 0 {
		return forms
	}
	other := slices.Clone(ver)
	if whole, ok := strings.CutSuffix(ver[i], ".0"); ok {
		other[i] = whole
	} else if !strings.ContainsAny(ver[i], ".,") {
		other[i] += ".0"
	} else {
		return forms
	}
	return append(forms, other)
}

// spelledOut matches a name of capitalised words, with the small word
// that may join two of them: "National Institute of Standards and
// Technology"; a word may have humps, each an initial: "PlayStation
// Network" (PSN).
var spelledOut = regexp.MustCompile(`\b[A-Z][a-z]+(?:[A-Z][a-z]+)*(?:(?:\s+(?:of|and|for|on|in|&))?\s+[A-Z][a-z]+(?:[A-Z][a-z]+)*)+`)

// hyphenated matches a compound of three or four words: "over-the-air"
// (OTA), "state-of-the-art" (SOTA).
var hyphenated = regexp.MustCompile(`\b[A-Za-z]+(?:-[A-Za-z]+){2,3}\b`)

// acronymsOf returns, one per line, the acronyms of the names a text
// spells out (NIST, IMO, BIS, PSN) and of its compounds of three or four
// words (OTA): a question may ask by either.
func acronymsOf(text string) string {
	var b strings.Builder
	for _, compound := range hyphenated.FindAllString(text, -1) {
		for w := range strings.SplitSeq(compound, "-") {
			b.WriteByte(w[0])
		}
		b.WriteByte('\n')
	}
	for _, name := range spelledOut.FindAllString(text, -1) {
		var initials []byte
		for i, w := range strings.Fields(name) {
			if i == 0 && w == "The" {
				continue
			}
			for _, c := range []byte(w) {
				if c >= 'A' && c <= 'Z' {
					initials = append(initials, c)
				}
			}
		}
		if len(initials) <= 6 {
			b.Write(initials)
			b.WriteByte('\n')
		}
	}
	return b.String()
}
