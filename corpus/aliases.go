package corpus

import (
	"crypto/sha256"
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

//go:embed aliases.yaml
var aliasesYAML []byte

// Entity is an LLM-market entity (a company, product, model, person,
// organisation or place) or a word of the trade ("term"), with its names
// in Chinese and English.
type Entity struct {
	ID    string   `yaml:"id"`
	Type  string   `yaml:"type"`
	Names []string `yaml:"names"`
	// Vendor is the id of the company or org that makes a model or
	// product; empty where the maker is unknown.
	Vendor string `yaml:"vendor"`
	// Measure marks a term that figures are stated for: "figure" (revenue,
	// a valuation), "count" (a figure that is a number of things: monthly
	// users, parameters) or "money" (a price: an amount of money states it
	// without the word); asked how much or how many of it, only a sentence
	// that states one answers. "unit" marks the unit such a figure is
	// stated in (tokens): asked in it, the sentence must state it too.
	Measure string `yaml:"measure"`
	// Short holds forms of a company's name too common as words to name it
	// anywhere (神达 of 精神达到, 创意 "creativity"): they name it only where
	// a title begins with one, as Taiwan's press titles a company's results
	// ("神達第三季EPS 1.56元創新高").
	Short []string `yaml:"short"`
	// Answered holds words a passage may write for a term that do not name
	// it in a question, too common or too broad: a passage's "a 49.2%
	// share" states a market share (份额), but "what share of companies"
	// asks none; "custom silicon… generated $920 million" states revenue;
	// a chip division is a semiconductor one (半导体部门), but a question
	// about semiconductors asks no chips.
	Answered []string `yaml:"answered"`
}

// Aliases finds entities named in text, in either language or script.
type Aliases struct {
	entities []Entity
	names    []aliasName    // longest first
	byRune   map[rune][]int // the names' indexes, by their first rune
	short    map[string]int // normalised short forms, to their entity
	digest   string
}

type aliasName struct {
	norm   string // normalised name
	entity int
	latin  bool // matched on word boundaries
	firm   bool // a company's name (see Match)
}

var (
	defaultOnce    sync.Once
	defaultAliases *Aliases
	defaultErr     error
)

// Digest identifies the table's text: what was found with one table is
// found again when the digest changes.
func (a *Aliases) Digest() string { return a.digest }

// DefaultAliases returns the built-in table (corpus/aliases.yaml).
func DefaultAliases() (*Aliases, error) {
	defaultOnce.Do(func() { defaultAliases, defaultErr = ParseAliases(aliasesYAML) })
	return defaultAliases, defaultErr
}

// ParseAliases reads a YAML list of entities with id, type, names and,
// for a model or product, an optional vendor; for a term, an optional
// measure; for any, optional short forms. A name or short form may belong
// to one entity only; a vendor must be the id of a company or org in the
// table.
func ParseAliases(data []byte) (*Aliases, error) {
	var entities []Entity
	if err := yaml.Unmarshal(data, &entities); err != nil {
		return nil, fmt.Errorf("aliases: %w", err)
	}
	a := &Aliases{entities: entities, digest: fmt.Sprintf("%x", sha256.Sum256(data))[:16]}
	owner := map[string]string{}
	for i, e := range entities {
		if e.ID == "" || len(e.Names) == 0 {
			return nil, fmt.Errorf("aliases: entry %d needs an id and names", i+1)
		}
		if e.Measure != "" && (e.Type != "term" || !slices.Contains([]string{"figure", "count", "money", "unit"}, e.Measure)) {
			return nil, fmt.Errorf("aliases: %s: measure %q: only a term is a measure: a figure, a count, money or a unit", e.ID, e.Measure)
		}
		for _, name := range e.Names {
			n := Normalize(strings.TrimSpace(name))
			if utf8.RuneCountInString(n) < 2 {
				return nil, fmt.Errorf("aliases: %s: name %q is too short", e.ID, name)
			}
			if prev, ok := owner[n]; ok && prev != e.ID {
				return nil, fmt.Errorf("aliases: name %q belongs to both %s and %s", name, prev, e.ID)
			}
			if _, ok := owner[n]; ok {
				continue
			}
			owner[n] = e.ID
			a.names = append(a.names, aliasName{norm: n, entity: i, latin: !HasHan(n), firm: e.Type == "company"})
		}
	}
	a.short = map[string]int{}
	for i, e := range entities {
		for _, name := range e.Short {
			n := Normalize(strings.TrimSpace(name))
			if prev, ok := owner[n]; ok && prev != e.ID || utf8.RuneCountInString(n) < 2 {
				return nil, fmt.Errorf("aliases: %s: short form %q is too short or another entity's name", e.ID, name)
			}
			owner[n] = e.ID
			a.short[n] = i
		}
	}
	if err := checkVendors(entities); err != nil {
		return nil, err
	}
	slices.SortStableFunc(a.names, func(x, y aliasName) int { return len(y.norm) - len(x.norm) })
	a.byRune = map[rune][]int{}
	for i, name := range a.names {
		r, _ := utf8.DecodeRuneInString(name.norm)
		a.byRune[r] = append(a.byRune[r], i)
	}
	return a, nil
}

// checkVendors reports the first vendor that is set on an entity other
// than a model or product, or that is not the id of a company or org in
// the table.
func checkVendors(entities []Entity) error {
	typeOf := map[string]string{}
	for _, e := range entities {
		typeOf[e.ID] = e.Type
	}
	for _, e := range entities {
		if e.Vendor == "" {
			continue
		}
		if e.Type != "model" && e.Type != "product" {
			return fmt.Errorf("aliases: %s is a %s; only a model or product has a vendor (%s)", e.ID, e.Type, e.Vendor)
		}
		switch t, ok := typeOf[e.Vendor]; {
		case !ok:
			return fmt.Errorf("aliases: %s: vendor %s is not an entity of the table", e.ID, e.Vendor)
		case t != "company" && t != "org":
			return fmt.Errorf("aliases: %s: vendor %s is a %s, not a company or org", e.ID, e.Vendor, t)
		}
	}
	return nil
}

// Entities returns every entity in the table.
func (a *Aliases) Entities() []Entity { return a.entities }

// Match returns the entities named in text, each once, in table order.
// Latin names match whole words only ("Ark" is not in "market"), and a
// company's name inside another's is none (思科, Cisco, in 迪思科, Disco;
// 超微, AMD, in 超微电脑, Supermicro) unless the rest names a unit of it
// (阿里云 names Alibaba too).
func (a *Aliases) Match(text string) []Entity {
	n := Normalize(text)
	found := make([]bool, len(a.entities))
	firmStart, firmEnd := 0, 0 // the company's name found last
	for i, r := range n {
		ks := a.byRune[r]
		if len(ks) == 0 {
			continue
		}
		boundary := IsNameBoundary(n, i, true) // a Latin name starts no word midway
		for _, k := range ks {
			name := a.names[k]
			if found[name.entity] && !name.firm || name.latin && !boundary || !strings.HasPrefix(n[i:], name.norm) ||
				name.latin && !IsNameBoundary(n, i+len(name.norm), false) {
				continue
			}
			if !name.firm {
				found[name.entity] = true
			} else if i >= firmEnd || i == firmStart && unitOf[n[i+len(name.norm):firmEnd]] {
				found[name.entity] = true
				if end := i + len(name.norm); end > firmEnd {
					firmStart, firmEnd = i, end
				}
			}
		}
	}
	var out []Entity
	for i, e := range a.entities {
		if found[i] {
			out = append(out, e)
		}
	}
	return out
}

// unitOf are the words after a company's name that name a unit of it
// (阿里云, 百度智能云, 三星电子), normalised.
var unitOf = map[string]bool{"云": true, "智能云": true, "集团": true, "控股": true, "电子": true, "科技": true, "汽车": true, "资本": true, "投资": true, "国际": true, "中国": true, "研究院": true}

// Begun returns the one entity, not a word of the trade, whose English
// name begins with a name's words: "Gigabyte" (left out alone, as a unit
// of storage) is Gigabyte Technology, "Delta" Delta Electronics; none when
// several begin so (Kunlun: Kunlun Tech, Kunlunxin).
func (a *Aliases) Begun(name string) (Entity, bool) {
	prefix := Normalize(strings.TrimSpace(name)) + " "
	found := -1
	for _, n := range a.names {
		if !n.latin || !strings.HasPrefix(n.norm, prefix) || a.entities[n.entity].Type == "term" || n.entity == found {
			continue
		}
		if found >= 0 {
			return Entity{}, false
		}
		found = n.entity
	}
	if found < 0 || len(prefix) < 4 {
		return Entity{}, false
	}
	return a.entities[found], true
}

// TitledBy returns the entity whose short form begins a title, if any,
// unless a longer name begins it ("金山云…" is Kingsoft Cloud's, not
// Kingsoft's by 金山).
func (a *Aliases) TitledBy(title string) (Entity, bool) {
	n := strings.TrimLeft(Normalize(title), " 「『“\"")
	r := []rune(n)
	var starts []string // the forms that may begin it: a Latin word whole ("Disco posts…", no "Boeing…" for BOE), else two to four characters
	if w := leadingWord.FindString(n); w != "" {
		starts = []string{w}
	} else {
		for k := 2; k <= min(4, len(r)); k++ {
			starts = append(starts, string(r[:k]))
		}
	}
	for _, start := range starts {
		i, ok := a.short[start]
		if !ok {
			continue
		}
		for _, j := range a.byRune[r[0]] {
			if name := a.names[j].norm; len(name) > len(start) && strings.HasPrefix(n, name) {
				return Entity{}, false
			}
		}
		return a.entities[i], true
	}
	return Entity{}, false
}

// leadingWord matches the Latin word a normalised title begins with.
var leadingWord = regexp.MustCompile(`^[a-z][a-z0-9]*`)

// Shortened reports whether a title begins with the first characters (two
// or more, not all) of one of e's names in characters, and those name no
// entity themselves: the press shortens a firm's name so ("華虹第三季收入…"
// is 華虹半導體's; "中国…" names China, not 中国移动).
func (a *Aliases) Shortened(title string, e Entity) bool {
	t := []rune(strings.TrimLeft(Normalize(title), " 「『“\""))
	for _, name := range e.Names {
		r := []rune(Normalize(name))
		k := 0
		for k < len(r) && k < len(t) && r[k] == t[k] && unicode.Is(unicode.Han, r[k]) {
			k++
		}
		if k >= 2 && k < len(r) && len(a.Match(string(t[:k]))) == 0 {
			return true
		}
	}
	return false
}

// IsNameBoundary reports whether position i of s is not inside a Latin word:
// the rune before (or after) it is not a letter or digit, or is Han. A
// decimal point before a digit is inside: "GPT-4" is not in "GPT-4.5".
func IsNameBoundary(s string, i int, before bool) bool {
	var r rune
	if before {
		if i == 0 {
			return true
		}
		r, _ = utf8.DecodeLastRuneInString(s[:i])
	} else {
		if i == len(s) {
			return true
		}
		r, _ = utf8.DecodeRuneInString(s[i:])
		if r == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
			return false
		}
	}
	return unicode.Is(unicode.Han, r) || !(unicode.IsLetter(r) || unicode.IsDigit(r))
}

// HasHan reports whether s holds a Chinese character.
func HasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
