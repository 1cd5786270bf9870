package bridge

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/marketbot/marketbot/corpus"
)

// Amounts across languages: "$40B" is 400亿 in a Chinese article, "66亿美元"
// is $6.6 billion in an English one.

var (
	// amountEn matches an amount with an English unit, not part of a name
	// (the 7B of TAIDE-LX-7B): $40B, 6.6 billion, 600 million.
	amountEn = regexp.MustCompile(`(?:^|[^a-z0-9.\-])\$?(\d+(?:\.\d+)?)\s*(trillion|billion|million|bn|b|m)\b`)
	// amountZh matches an amount with a Chinese unit: 66亿, 1.5万亿, 3000万.
	amountZh = regexp.MustCompile(`(\d+(?:\.\d+)?)\s*(万亿|亿|万)`)
)

var unitValue = map[string]float64{
	"trillion": 1e12, "billion": 1e9, "bn": 1e9, "b": 1e9, "million": 1e6, "m": 1e6,
	"万亿": 1e12, "亿": 1e8, "万": 1e4,
}

// OtherUnits returns, for each number of an amount in a normalised
// question, the same amount as the other language writes it: for "40b",
// the 400 of 400亿; for "66亿", 6.6 billion. They become alternatives of
// the number's concept, which the question's own words keep.
func OtherUnits(text string) map[string][]Word {
	out := map[string][]Word{}
	for _, re := range []*regexp.Regexp{amountEn, amountZh} {
		for _, m := range re.FindAllStringSubmatch(text, -1) {
			n, err := strconv.ParseFloat(m[1], 64)
			if err != nil {
				continue
			}
			en, zh := amountForms(n * unitValue[m[2]])
			forms := zh
			if re == amountZh {
				forms = en
			}
			for _, f := range forms {
				out[m[1]] = append(out[m[1]], Word{Toks: corpus.Tokens(f)})
			}
		}
	}
	return out
}

// amountForms writes a value as English and Chinese text would: 4e10 is
// "40 billion", "40bn", "40b", and the 400 of 400亿 (the unit joins the
// next character in a bigram: 400亿美元 is 400, 亿美, 美元).
func amountForms(v float64) (en, zh []string) {
	num := func(x float64) string { return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64) }
	for _, u := range []struct {
		value float64
		words []string
	}{{1e12, []string{"trillion"}}, {1e9, []string{"billion", "bn", "b"}}, {1e6, []string{"million", "m"}}} {
		if v >= u.value {
			for _, w := range u.words {
				en = append(en, num(v/u.value)+" "+w)
			}
			break
		}
	}
	for _, u := range []float64{1e12, 1e8, 1e4} {
		if v >= u {
			zh = append(zh, num(v/u))
			break
		}
	}
	return en, zh
}

// units are units of measure by their names in both languages, as
// normalised (Taiwan's 奈米 is 纳米): a process node of 2nm is 2纳米, a
// power plant of 350MW is 350兆瓦 (Taiwan also writes 百萬瓦), a power
// system of 800V 800伏特.
var units = [][]string{
	{"nm", "纳米", "nanometer", "nanometre", "nanometers", "nanometres"},
	{"kw", "千瓦", "kilowatt", "kilowatts"},
	{"mw", "兆瓦", "百万瓦", "megawatt", "megawatts"},
	{"gw", "吉瓦", "gigawatt", "gigawatts"},
	{"v", "伏特", "volt", "volts"},
	{"kv", "千伏", "kilovolt", "kilovolts"},
}

// ChineseMeasure matches a number with a Chinese unit of units: 2纳米,
// 350兆瓦.
var ChineseMeasure = regexp.MustCompile(`\d+(?:\.\d+)?\s*(?:` + strings.Join(hanUnits(), "|") + `)`)

func hanUnits() []string {
	var out []string
	for _, names := range units {
		for _, n := range names {
			if n[0] >= 0x80 {
				out = append(out, n)
			}
		}
	}
	return out
}

// UnitNames returns the other names of a unit of measure (normalised:
// "nm", "纳米", "megawatts"), as candidate translations.
func UnitNames(unit string) []Word {
	for _, names := range units {
		if slices.Contains(names, unit) {
			var out []Word
			for _, n := range names {
				if n != unit {
					out = append(out, Word{Toks: corpus.Tokens(n)})
				}
			}
			return out
		}
	}
	return nil
}
