package rag

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/marketbot/marketbot/corpus"
)

var testPassages = []Passage{
	{ArticleID: 10, Title: "Doubao launch", Source: "Volcano Engine", Published: time.Date(2024, 5, 15, 0, 0, 0, 0, time.UTC),
		Text: "ByteDance priced Doubao-pro-32k at 0.0008 yuan per thousand tokens, 99.3% below the industry."},
	{ArticleID: 20, Title: "DeepSeek-V2", Source: "DeepSeek", Published: time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC),
		Text: "DeepSeek-V2 cost 1 yuan per million input tokens and 2 yuan per million output tokens."},
	{ArticleID: 10, Title: "Doubao launch", Source: "Volcano Engine", Published: time.Date(2024, 5, 15, 0, 0, 0, 0, time.UTC),
		Text: "Volcano Engine's president Tan Dai announced the price."},
}

func TestCheckCitations(t *testing.T) {
	aliases, err := corpus.DefaultAliases()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, in, want string
		cited          []int
		removed        int
	}{
		{"renumbered in order of use", "DeepSeek-V2 cost 1 yuan per million input tokens [2]. Doubao cost 0.0008 yuan [1].",
			"DeepSeek-V2 cost 1 yuan per million input tokens.[1] Doubao cost 0.0008 yuan.[2]", []int{1, 0}, 0},
		{"invented marker removed", "Doubao cost 0.0008 yuan [9][1].", "Doubao cost 0.0008 yuan.[1]", []int{0}, 0},
		{"one number per article", "Doubao cost 0.0008 yuan [1]. Tan Dai announced it [3].",
			"Doubao cost 0.0008 yuan.[1] Tan Dai announced it.[1]", []int{0}, 0},
		{"unsupported number dropped", "Doubao cost 0.0008 yuan [1]. Doubao had 50 million users [1].",
			"Doubao cost 0.0008 yuan.[1]", []int{0}, 1},
		{"miscited fact re-cited", "DeepSeek-V2 cost 2 yuan per million output tokens [1].",
			"DeepSeek-V2 cost 2 yuan per million output tokens.[1]", []int{1}, 0},
		{"uncited fact cited", "Doubao was priced at 0.0008 yuan.", "Doubao was priced at 0.0008 yuan.[1]", []int{0}, 0},
		{"unsupported entity dropped", "Kimi matched the price [1]. Doubao cost 0.0008 yuan [1].", "Doubao cost 0.0008 yuan.[1]", []int{0}, 1},
		{"date from metadata", "As of May 15, 2024, Doubao cost 0.0008 yuan [1].", "As of May 15, 2024, Doubao cost 0.0008 yuan.[1]", []int{0}, 0},
		{"plain sentences kept", "The passages do not say.", "The passages do not say.", nil, 0},
		{"Chinese", "豆包的价格为0.0008元【1】。比行业低99.3%。[1]", "豆包的价格为0.0008元。[1]比行业低99.3%。[1]", []int{0}, 0},
		{"list", "Prices:\n1. Doubao: 0.0008 yuan [1]\n2. DeepSeek-V2: 1 yuan [2]",
			"Prices:\n1. Doubao: 0.0008 yuan[1]\n2. DeepSeek-V2: 1 yuan[2]", []int{0, 1}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := checkCitations(tc.in, testPassages, aliases)
			if d := cmp.Diff(tc.want, got.text); d != "" {
				t.Errorf("text (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.cited, got.cited); d != "" {
				t.Errorf("cited passages (-want +got):\n%s", d)
			}
			if len(got.removed) != tc.removed {
				t.Errorf("removed %q, want %d sentence(s)", got.removed, tc.removed)
			}
		})
	}
}

var markerNumber = regexp.MustCompile(`\[(\d+)\]`)

// FuzzCitations checks that whatever a model writes, the checked answer
// only has markers 1..k, numbered in order of first use, each matching a
// citation, and that checking never panics.
func FuzzCitations(f *testing.F) {
	for _, s := range []string{
		"Doubao cost 0.0008 yuan [1][9]. DeepSeek-V2 cost 1 yuan [2].",
		"豆包【1】价格0.0008元。[3]\n\n[2]",
		"[1,2,3] [0] [] [99999999999] [1",
		"list:\n1. a [2]\n2. b [1]",
	} {
		f.Add(s)
	}
	aliases, _ := corpus.DefaultAliases()
	f.Fuzz(func(t *testing.T, s string) {
		got := checkCitations(s, testPassages, aliases)
		next := 1
		seen := map[int]bool{}
		for _, m := range markerNumber.FindAllStringSubmatch(got.text, -1) {
			n, _ := strconv.Atoi(m[1])
			if n < 1 || n > len(got.cited) {
				t.Fatalf("marker [%d] with %d citations in %q", n, len(got.cited), got.text)
			}
			if !seen[n] {
				if n != next {
					t.Fatalf("marker [%d] first used before [%d] in %q", n, next, got.text)
				}
				seen[n] = true
				next++
			}
		}
		if len(seen) != len(got.cited) && !strings.Contains(s, "[") {
			t.Fatalf("%d citations but %d used in %q", len(got.cited), len(seen), got.text)
		}
	})
}
