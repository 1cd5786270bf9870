package zhen

import (
	"bytes"
	"compress/gzip"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestEnglish(t *testing.T) {
	for word, want := range map[string]string{
		"财年":  "fiscal year",
		"上下文": "context",
		"营收":  "revenue",
		"英伟达": "nvidia", // a proper noun's name, without its description
		"推理":  "reasoning",
		"发布":  "release", // "to release": verbs lose their "to"
	} {
		if got := English(word); !slices.Contains(got, want) {
			t.Errorf("English(%q) = %q, want it to hold %q", word, got, want)
		}
	}
	if got := English("不是一个词"); got != nil {
		t.Errorf("English of a non-word = %q", got)
	}
	// Senses that only point elsewhere are left out.
	for _, g := range English("发佈") {
		if strings.Contains(g, "variant") {
			t.Errorf("English(发佈) keeps a pointer sense %q", g)
		}
	}
}

func TestChinese(t *testing.T) {
	for phrase, want := range map[string]string{
		"fiscal year":       "财年",
		"context":           "上下文",
		"users":             "用户", // plural → base form
		"subscription":      "订阅",
		"market share":      "市场份额",
		"valuation":         "估值",
		"consecutively":     "连续", // adverb → adjective
		"anhui":             "安徽", // a place without "Province", through "see 安徽省"
		"hsinchu":           "新竹", // "Xinzhu or Hsinchu city in northern Taiwan"
		"centre":            "中心", // British spellings: the glosses are American
		"licences":          "许可证",
		"organisation":      "组织",
		"labour":            "劳工",
		"south chungcheong": "忠清南道", // a place in another romanisation, without "Province"
	} {
		if got := Chinese(phrase); !slices.Contains(got, want) {
			t.Errorf("Chinese(%q) = %q, want it to hold %q", phrase, got, want)
		}
	}
	// Words whose main sense the gloss is come before those it is a side sense of.
	got := Chinese("price")
	if len(got) == 0 || got[0] != "价格" && got[0] != "价钱" {
		t.Errorf("Chinese(price) = %q, want a word whose main sense is price first", got)
	}
	// Only a place in pinyin or another romanisation loses its
	// administrative word: "Forbidden City" is no "forbidden", nor a
	// "besieged city" "besieged".
	for word, not := range map[string]string{"forbidden": "紫禁城", "besieged": "围城", "red-light": "黄泛区"} {
		if got := Chinese(word); slices.Contains(got, not) {
			t.Errorf("Chinese(%s) = %q, want no %s", word, got, not)
		}
	}
	if got := Chinese("xyzzy"); got != nil {
		t.Errorf("Chinese(xyzzy) = %q", got)
	}
}

func TestForms(t *testing.T) {
	for gloss, want := range map[string][]string{
		"release":     {"release", "releases", "released", "releasing"},
		"fiscal year": {"fiscal year", "fiscal years", "fiscal yeared", "fiscal yearing"},
		"subsidy":     {"subsidy", "subsidies", "subsidied", "subsidying"},
		"gpt":         {"gpt", "gpts", "gpted", "gpting"},
		"personal":    {"personal", "personals", "personaled", "personaling", "personally"},
		"automatic":   {"automatic", "automatics", "automaticed", "automaticing", "automatically"},
		"refactoring": {"refactoring", "refactorings", "refactoringed", "refactoringing", "refactored"},
		"possible":    {"possible", "possibles", "possibled", "possibling", "possibly"},
		"4o":          {"4o"},
		"lead":        {"lead", "leads", "leaded", "leading", "led"}, // news is written in the past
		"take part":   {"take part", "take parts", "take parted", "take parting"},
		"rise":        {"rise", "rises", "rised", "rising", "rose", "risen"},
		"ban":         {"ban", "bans", "banned", "banning"},
		"plan":        {"plan", "plans", "planned", "planning"},
		"rank":        {"rank", "ranks", "ranked", "ranking"},
	} {
		if d := cmp.Diff(want, Forms(gloss)); d != "" {
			t.Errorf("Forms(%q) (-want +got):\n%s", gloss, d)
		}
	}
}

func TestTableIsWellFormed(t *testing.T) {
	zr, err := gzip.NewReader(bytes.NewReader(tableGz))
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) < 50000 {
		t.Fatalf("the table has %d words; the generator keeps about 88,000", len(lines))
	}
	for _, l := range lines {
		f := strings.Split(l, "\t")
		if len(f) < 2 {
			t.Fatalf("line %q has no gloss", l)
		}
		for _, g := range f[1:] {
			if g == "" || g != strings.ToLower(g) || len(strings.Fields(g)) > MaxWords {
				t.Fatalf("line %q: gloss %q is not a short lower-case phrase", l, g)
			}
		}
	}
}

// BenchmarkLoad measures the table's start-up cost: decompressing and
// indexing it in both directions, once per process.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		load = onceTable()
		load()
	}
}

func BenchmarkLoadReadings(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		readings = onceReadings()
		readings()
	}
}

// TestInflections: an English word's other forms, through every base it
// may be an inflection of.
func TestInflections(t *testing.T) {
	for w, want := range map[string][]string{
		"draw":     {"draws", "drawing"},
		"clusters": {"cluster"},
		"reported": {"report", "reports", "reporting"},
	} {
		got := Inflections(w)
		for _, f := range want {
			if !slices.Contains(got, f) {
				t.Errorf("Inflections(%q) = %q, want %q among them", w, got, f)
			}
		}
		if slices.Contains(got, w) {
			t.Errorf("Inflections(%q) = %q holds the word itself", w, got)
		}
	}
}

func TestSyllables(t *testing.T) {
	for word, want := range map[string][][]string{
		"hongleng":  {{"hong", "leng"}},
		"zuoyebang": {{"zuo", "ye", "bang"}},
		"xian":      {{"xian"}, {"xi", "an"}},
		"klarna":    nil, // no pinyin
	} {
		if got := Syllables(word); !cmp.Equal(got, want, cmpopts.EquateEmpty()) {
			t.Errorf("Syllables(%q) = %q, want %q", word, got, want)
		}
	}
	if got := Characters("hong"); !slices.Contains(got, "宏") || !slices.Contains(got, "红") {
		t.Errorf("Characters(hong) = %q, want 宏 and 红 among them", got)
	}
}
