package pricefact

import (
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/marketbot/marketbot/corpus"
)

// Which model a price is for: the model (or product) named nearest before
// it in the sentence, else the one named after it in its clause; a
// product's model when the words between name it ("豆包通用模型pro" is
// Doubao Pro).

// mention is an entity named in a normalised sentence.
type mention struct {
	id, typ    string
	start, end int
}

// nameIndex holds the alias table's names, normalised, longest first, and
// each model's more specific models.
type nameIndex struct {
	names    []indexedName
	byFirst  map[rune][]indexedName // the names, longest first, by their first rune
	children map[string][]child
}

type indexedName struct {
	norm, id, typ string
	latin         bool
}

// child is a model whose name is its parent's and more: the tokens it
// adds ("pro" of 豆包Pro after 豆包).
type child struct {
	id    string
	extra []string
}

var indexes sync.Map // *corpus.Aliases → *nameIndex

// namesOf returns the index of an alias table, built once.
func namesOf(a *corpus.Aliases) *nameIndex {
	if x, ok := indexes.Load(a); ok {
		return x.(*nameIndex)
	}
	x := &nameIndex{byFirst: map[rune][]indexedName{}, children: map[string][]child{}}
	for _, e := range a.Entities() {
		if e.Type == "term" || e.Type == "person" {
			continue
		}
		for _, n := range e.Names {
			norm := corpus.Normalize(n)
			x.names = append(x.names, indexedName{norm, e.ID, e.Type, !corpus.HasHan(norm)})
		}
	}
	slices.SortStableFunc(x.names, func(a, b indexedName) int { return len(b.norm) - len(a.norm) })
	for _, n := range x.names {
		r, _ := utf8.DecodeRuneInString(n.norm)
		x.byFirst[r] = append(x.byFirst[r], n)
	}
	for _, p := range x.names {
		for _, c := range x.names {
			if c.id != p.id && c.typ == "model" && isModel(p.typ) && len(c.norm) > len(p.norm) && strings.HasPrefix(c.norm, p.norm) && !newVersion(p.norm, c.norm[len(p.norm):]) {
				if extra := corpus.NormalizedTokens(c.norm[len(p.norm):]); len(extra) > 0 {
					x.children[p.id] = append(x.children[p.id], child{c.id, extra})
				}
			}
		}
	}
	stored, _ := indexes.LoadOrStore(a, x)
	return stored.(*nameIndex)
}

// newVersion reports whether rest, after name, makes another version
// rather than a variant: GPT-4.1 and GPT-4o are not kinds of GPT-4.
func newVersion(name, rest string) bool {
	last, _ := utf8.DecodeLastRuneInString(name)
	first, _ := utf8.DecodeRuneInString(rest)
	return first == '.' || unicode.IsDigit(last) && (unicode.IsDigit(first) || unicode.IsLetter(first) && first < 0x80)
}

func isModel(typ string) bool { return typ == "model" || typ == "product" }

// find returns the entities s names, leftmost first, the longest name
// where names overlap.
func (x *nameIndex) find(s string) []mention {
	var out []mention
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		next := i + size
		for _, n := range x.byFirst[r] {
			end := i + len(n.norm)
			if strings.HasPrefix(s[i:], n.norm) && (!n.latin || corpus.IsNameBoundary(s, i, true) && corpus.IsNameBoundary(s, end, false)) {
				out = append(out, mention{n.id, n.typ, i, end})
				next = end
				break
			}
		}
		i = next
	}
	return out
}

// modelsIn returns the distinct models and products mentioned.
func modelsIn(ms []mention) []string {
	var out []string
	for _, m := range ms {
		if isModel(m.typ) && !slices.Contains(out, m.id) {
			out = append(out, m.id)
		}
	}
	return out
}

// modelFor returns the model a price in s is for: the model named nearest
// before it, else the first named after it in its clause; refined to a
// more specific model the words between name; "" when none is named. A
// price that qualifies what follows it ("输入价格为每千tokens 3厘的豆包视觉
// 理解模型") is for that, if it is a model the table names exactly; else ok
// is false.
func modelFor(s string, p price, ms []mention, x *nameIndex) (model string, ok bool) {
	if rest := s[p.end:]; attributive.MatchString(rest) && !kindAfter.MatchString(rest) {
		start := p.end + len(attributive.FindString(rest))
		for _, m := range ms {
			if m.start == start && isModel(m.typ) && modelEnd.MatchString(s[m.end:]) {
				return m.id, true
			}
		}
		return "", false
	}
	var at *mention
	for i := range ms {
		if isModel(ms[i].typ) && ms[i].end <= p.start {
			at = &ms[i]
		}
	}
	if at == nil {
		clauseEnd := len(s)
		if j := strings.IndexAny(s[p.end:], "，,；;。"); j >= 0 {
			clauseEnd = p.end + j
		}
		for i := range ms {
			if isModel(ms[i].typ) && ms[i].start >= p.end && ms[i].end <= clauseEnd {
				return ms[i].id, true
			}
		}
		return "", true
	}
	return x.refine(at.id, s[at.end:p.start]), true
}

// attributive begins what a price qualifies: "…3厘的豆包视觉理解模型";
// modelEnd ends a model's name said in full.
var (
	attributive = regexp.MustCompile(`^\s*(?:左右)?\s*的\s*`)
	modelEnd    = regexp.MustCompile(`^\s*(?:大?模型)?\s*(?:$|[，,；;。、])`)
)

// refine returns the most specific model of id whose added tokens the
// words between all hold.
func (x *nameIndex) refine(id, between string) string {
	toks := corpus.NormalizedTokens(between)
	best, n := id, 0
	for _, c := range x.children[id] {
		if len(c.extra) > n && !slices.ContainsFunc(c.extra, func(t string) bool { return !slices.Contains(toks, t) }) {
			best, n = c.id, len(c.extra)
		}
	}
	return best
}
