package corpus

import (
	"regexp"
	"strings"
)

// A bad converter glosses polyphonic characters with their pinyin:
// 市場(chǎng), 調(diào)整. The gloss is removed when it is shaped like pinyin
// and carries a tone mark (or is a toneless particle), so that English in
// brackets after a character — 模型(model), 字节(long) — stays.
var (
	pinyinGloss    = regexp.MustCompile(`(\p{Han})[(（]([a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü ]{1,30})[)）]`)
	pinyinSyllable = regexp.MustCompile(`^(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?[aeiouüvāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]{1,4}(?:ng|n|r)?$`)
	toneMarks      = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
)

// neutralParticles are toneless syllables that glosses use for particles.
var neutralParticles = map[string]bool{"de": true, "le": true, "ne": true, "ma": true, "ba": true, "zhe": true}

func stripPinyin(s string) string {
	// A gloss has a tone mark somewhere (neutral particles come with others).
	if !strings.ContainsAny(s, "(（") || !strings.ContainsAny(s, "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ") {
		return s
	}
	// Repeat: a character may carry two glosses, 場(chǎng)(cháng).
	for range 4 {
		out := pinyinGloss.ReplaceAllStringFunc(s, func(m string) string {
			sub := pinyinGloss.FindStringSubmatch(m)
			if isPinyin(sub[2]) {
				return sub[1]
			}
			return m
		})
		if out == s {
			break
		}
		s = out
	}
	return s
}

// isPinyin reports whether s is one or more pinyin syllables, each with a
// tone mark or a neutral-tone particle.
func isPinyin(s string) bool {
	words := strings.Fields(s) // glosses are lower case
	if len(words) == 0 {
		return false
	}
	for _, w := range words {
		if !pinyinSyllable.MatchString(w) {
			return false
		}
		if !strings.ContainsAny(w, toneMarks) && !neutralParticles[w] {
			return false
		}
	}
	return true
}
