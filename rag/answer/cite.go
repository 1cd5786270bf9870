package answer

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/search/bridge"
	"github.com/marketbot/marketbot/rag/store"
)

// Citation checking. The model is asked to cite passages as [n]; what it
// writes is then held to that: markers that point at no passage go,
// a sentence stating a number or naming an entity must find it in a
// passage it cites (it is re-cited to a passage that has it, or dropped),
// and citations are renumbered in order of first use.

// marker matches citation markers: [1], [1, 2], [1][2], 【1】.
var marker = regexp.MustCompile(`\[(\d{1,3}(?:\s*[,，、;]\s*\d{1,3})*)\]|【(\d{1,3})】`)

// number matches numbers as written: 0.0008, 1,305, 99.3, 2024.
var number = regexp.MustCompile(`\d+(?:[.,]\d+)*`)

// listNumber matches the numbering of a list item, which states nothing.
var listNumber = regexp.MustCompile(`(?m)^\s*\d{1,2}[.)、]\s`)

// sentence is a claim of the answer with the passages it cites (0-based).
type sentence struct {
	text  string // without markers
	cites []int
	sep   string // what followed it: a space or line breaks
}

// Checked is the result of checking an answer's citations.
type Checked struct {
	Text    string   // with markers renumbered 1..k in order of use
	Cited   []int    // for each citation, the first passage (0-based) of its article
	Removed []string // sentences dropped as unsupported
}

// CheckCitations holds a model's answer to the passages it was given.
func CheckCitations(answer string, passages []store.Passage, aliases *corpus.Aliases) Checked {
	support := make([]string, len(passages))
	for i, p := range passages {
		support[i] = supportText(p)
	}
	var out Checked
	var kept []sentence
	for _, s := range splitClaims(answer, len(passages)) {
		facts := claimFacts(s.text, aliases)
		if len(facts.numbers)+len(facts.entities) == 0 {
			kept = append(kept, s)
			continue
		}
		if len(s.cites) > 0 && supportedBy(facts, support, s.cites) {
			kept = append(kept, s)
			continue
		}
		// Re-cite to the passages that hold the facts, if any do.
		if best := bestSupport(facts, support); best >= 0 {
			s.cites = []int{best}
			kept = append(kept, s)
			continue
		}
		out.Removed = append(out.Removed, strings.TrimSpace(s.text))
	}
	// Renumber in order of first use, one number per article.
	newNum := map[int64]int{}
	var b strings.Builder
	for i, s := range kept {
		b.WriteString(s.text)
		var nums []int
		for _, c := range s.cites {
			art := passages[c].ArticleID
			if _, ok := newNum[art]; !ok {
				newNum[art] = len(out.Cited) + 1
				out.Cited = append(out.Cited, c)
			}
			nums = appendUnique(nums, newNum[art])
		}
		slices.Sort(nums)
		for _, n := range nums {
			fmt.Fprintf(&b, "[%d]", n)
		}
		if i < len(kept)-1 {
			b.WriteString(s.sep)
		}
	}
	out.Text = strings.TrimSpace(b.String())
	return out
}

// splitClaims splits an answer into sentences, each with the valid
// passages (0-based) it cites. A marker belongs to the sentence it follows
// or sits in ("…。[1]", "…[1]。"); markers pointing at no passage are
// dropped.
func splitClaims(answer string, passages int) []sentence {
	var out []sentence
	var cur strings.Builder
	var cites []int
	closeSentence := func(sep string) {
		if text := strings.TrimSpace(cur.String()); text != "" {
			out = append(out, sentence{text: text, cites: cites, sep: sep})
		} else if len(out) > 0 && len(sep) > len(out[len(out)-1].sep) {
			out[len(out)-1].sep = sep
		}
		cur.Reset()
		cites = nil
	}
	// text splits plain text (between markers) into sentences.
	text := func(s string) {
		rs := []rune(s)
		for i := 0; i < len(rs); i++ {
			r := rs[i]
			switch {
			case r == '\n':
				j := i
				for j+1 < len(rs) && unicode.IsSpace(rs[j+1]) {
					j++
				}
				sep := "\n"
				if strings.Count(string(rs[i:j+1]), "\n") > 1 {
					sep = "\n\n"
				}
				closeSentence(sep)
				i = j
			case strings.ContainsRune("。！？!?；", r) || (r == '.' && (i+1 == len(rs) || unicode.IsSpace(rs[i+1])) && !abbreviation(cur.String())):
				cur.WriteRune(r)
				for i+1 < len(rs) && strings.ContainsRune(`"'”’」』）)`, rs[i+1]) {
					i++
					cur.WriteRune(rs[i])
				}
				sep := ""
				for i+1 < len(rs) && rs[i+1] == ' ' {
					i++
					sep = " "
				}
				if i+1 < len(rs) && rs[i+1] == '\n' {
					continue // the line break closes it
				}
				closeSentence(sep)
			default:
				cur.WriteRune(r)
			}
		}
	}
	pos := 0
	for _, loc := range marker.FindAllStringSubmatchIndex(answer, -1) {
		text(answer[pos:loc[0]])
		var nums string
		if loc[2] >= 0 {
			nums = answer[loc[2]:loc[3]]
		} else {
			nums = answer[loc[4]:loc[5]]
		}
		var valid []int
		for f := range strings.FieldsFuncSeq(nums, func(r rune) bool { return r < '0' || r > '9' }) {
			if n, err := strconv.Atoi(f); err == nil && n >= 1 && n <= passages {
				valid = append(valid, n-1)
			}
		}
		if open := strings.TrimRight(cur.String(), " "); strings.TrimSpace(open) != "" || len(out) == 0 {
			// A marker inside a sentence moves to its end: "tokens [1]." → "tokens.[1]".
			cur.Reset()
			cur.WriteString(open)
			cites = appendUnique(cites, valid...)
		} else {
			out[len(out)-1].cites = appendUnique(out[len(out)-1].cites, valid...)
		}
		pos = loc[1]
	}
	text(answer[pos:])
	closeSentence("")
	return out
}

// abbreviation reports whether a full stop after text does not end a
// sentence: after a list number ("1.") or an initial ("U.S.").
func abbreviation(text string) bool {
	word := text[strings.LastIndexAny(text, " \n")+1:]
	if strings.Trim(word, "0123456789") == "" {
		return true
	}
	return len(strings.ReplaceAll(word, ".", "")) <= 2 && strings.ToUpper(word) == word
}

func appendUnique(s []int, vs ...int) []int {
	for _, v := range vs {
		if !slices.Contains(s, v) {
			s = append(s, v)
		}
	}
	return s
}

// facts are what a claim states that a passage must hold.
type facts struct {
	numbers  []string
	entities []corpus.Entity
}

func claimFacts(text string, aliases *corpus.Aliases) facts {
	var f facts
	for _, n := range number.FindAllString(listNumber.ReplaceAllString(text, ""), -1) {
		f.numbers = append(f.numbers, canonicalNumber(n))
	}
	if aliases != nil {
		for _, e := range aliases.Match(text) {
			if e.Type != "term" {
				f.entities = append(f.entities, e)
			}
		}
	}
	return f
}

// canonicalNumber writes a number one way: 1,305 → 1305, 05 → 5, 0.50 → 0.5.
func canonicalNumber(s string) string {
	s = strings.ReplaceAll(s, ",", "")
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return s
}

// supportText is what a passage vouches for: its text, title and source,
// and its date in the forms an answer may write it.
func supportText(p store.Passage) string {
	parts := []string{p.Title, p.Source, p.Text}
	if !p.Published.IsZero() {
		d := p.Published
		parts = append(parts, d.Format(time.DateOnly), d.Format("January 2, 2006"),
			fmt.Sprintf("%d年%d月%d日", d.Year(), d.Month(), d.Day()))
	}
	return corpus.Normalize(strings.Join(parts, "\n"))
}

// holds reports whether support text holds all the facts. An amount
// counts in either language's units: "32 billion" is held by 320亿,
// "180亿" by "$18 billion".
func holds(f facts, support string) bool {
	nums := map[string]bool{}
	for _, n := range number.FindAllString(support, -1) {
		nums[canonicalNumber(n)] = true
	}
	for _, forms := range bridge.OtherUnits(support) {
		for _, w := range forms {
			for _, t := range w.Toks {
				if t[0] >= '0' && t[0] <= '9' {
					nums[canonicalNumber(t)] = true
				}
			}
		}
	}
	for _, n := range f.numbers {
		if !nums[n] {
			return false
		}
	}
	for _, e := range f.entities {
		named := false
		for _, name := range e.Names {
			if strings.Contains(support, corpus.Normalize(name)) {
				named = true
				break
			}
		}
		if !named {
			return false
		}
	}
	return true
}

func supportedBy(f facts, support []string, cites []int) bool {
	var joined []string
	for _, c := range cites {
		joined = append(joined, support[c])
	}
	return holds(f, strings.Join(joined, "\n"))
}

// bestSupport is the first passage that holds all the facts, or -1.
func bestSupport(f facts, support []string) int {
	for i, s := range support {
		if holds(f, s) {
			return i
		}
	}
	return -1
}
