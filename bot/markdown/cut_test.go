package markdown

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// angleLinks finds <url|text> links, as in Slack's mrkdwn.
func angleLinks(s string, _ int) [][]int { return angleLinkRe.FindAllStringIndex(s, -1) }

var angleLinkRe = regexp.MustCompile(`<[^<>]*>`)

// cutResult is a cut shown as the piece and the rest.
type cutResult struct{ Piece, Rest string }

func cut(c Cutter, s string, lim int) cutResult {
	i, j := c.Cut(s, lim)
	return cutResult{s[:i], s[j:]}
}

func TestCutPrefers(t *testing.T) {
	x := strings.Repeat("x", 60)
	for _, c := range []struct {
		name string
		in   string
		want cutResult
	}{
		{"paragraph over line, sentence, space",
			"First para here.\n\nSecond line\nthird. More words",
			cutResult{"First para here.", "\n\nSecond line\nthird. More words"}},
		{"the last paragraph break that fits",
			"One.\n\nTwo, longer.\n\nThree is past the limit",
			cutResult{"One.\n\nTwo, longer.", "\n\nThree is past the limit"}},
		{"line over sentence and space",
			"First line is here\nSecond. Then more words go here",
			cutResult{"First line is here", "\nSecond. Then more words go here"}},
		{"sentence over space",
			"One sentence. Then words words words words words",
			cutResult{"One sentence.", " Then words words words words words"}},
		{"question",
			"Is it one? Then words words words words words words",
			cutResult{"Is it one?", " Then words words words words words words"}},
		{"not a decimal point",
			"Costs 3.5 dollars then words words words words",
			cutResult{"Costs 3.5 dollars then words words words", "words"}},
		{"chinese sentence",
			"中文句子。后面还有很多很多很多字没有标点符号的",
			cutResult{"中文句子。", "后面还有很多很多很多字没有标点符号的"}},
		{"space",
			"alpha beta gamma delta epsilon zeta eta theta iota",
			cutResult{"alpha beta gamma delta epsilon zeta eta", "theta iota"}},
		{"hard cut",
			x, cutResult{x[:40], x[40:]}},
		{"hard cut at a rune boundary",
			strings.Repeat("中", 30), cutResult{strings.Repeat("中", 13), strings.Repeat("中", 17)}},
		{"not inside a link",
			"xxxxxxxx <https://e.com/" + x + "|label> tail",
			cutResult{"xxxxxxxx ", "<https://e.com/" + x + "|label> tail"}},
		{"not inside an entity",
			strings.Repeat("a", 37) + "&amp;bbbb",
			cutResult{strings.Repeat("a", 37), "&amp;bbbb"}},
		{"inside a link longer than the limit",
			"<" + x + ">", cutResult{"<" + x[:39], x[39:] + ">"}},
		{"a short line break over a hard cut",
			"short\n" + x, cutResult{"short", "\n" + x}},
		{"no blank piece",
			strings.Repeat(" ", 20) + x, cutResult{strings.Repeat(" ", 20) + x[:20], x[20:]}},
		{"a short piece only when nothing else will do",
			"short\nalpha beta gamma delta epsilon zeta eta theta",
			cutResult{"short\nalpha beta gamma delta epsilon", "zeta eta theta"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := cut(Cutter{Links: angleLinks}, c.in, 40)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("Cut(%q, 40) (-want +got):\n%s", c.in, diff)
			}
		})
	}
}

func TestCutOptions(t *testing.T) {
	x := strings.Repeat("x", 60)
	for _, c := range []struct {
		name string
		c    Cutter
		in   string
		want cutResult
	}{
		{"short breaks", Cutter{ShortBreaks: true},
			"short\nalpha beta gamma delta epsilon zeta eta theta",
			cutResult{"short", "\nalpha beta gamma delta epsilon zeta eta theta"}},
		{"short paragraph", Cutter{ShortBreaks: true},
			"short\n\nalpha beta gamma delta epsilon\nzeta eta theta",
			cutResult{"short", "\n\nalpha beta gamma delta epsilon\nzeta eta theta"}},
		{"without short breaks", Cutter{},
			"short\n\nalpha beta gamma delta epsilon\nzeta eta theta",
			cutResult{"short\n\nalpha beta gamma delta epsilon", "\nzeta eta theta"}},
		{"blank cuts", Cutter{BlankCuts: true},
			strings.Repeat(" ", 20) + x, cutResult{strings.Repeat(" ", 19), x}},
		{"no links known", Cutter{},
			"<https://e.com/" + x + ">", cutResult{("<https://e.com/" + x)[:40], ("https://e.com/" + x)[39:] + ">"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := cut(c.c, c.in, 40)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("Cut(%q, 40) (-want +got):\n%s", c.in, diff)
			}
		})
	}
}

func TestHardCut(t *testing.T) {
	c := Cutter{Links: angleLinks}
	for _, tc := range []struct {
		in   string
		lim  int
		want int
	}{
		{"short", 10, 5},
		{"short", 5, 5},
		{"abcdef", 3, 3},
		{"中文字", 4, 3},
		{"a&amp;b", 3, 1},
		{"a&amp;b", 6, 6},
		{"ab <https://e.com> c", 10, 3},
		{"<https://e.com/long>", 10, 10}, // a link longer than lim
		{"中", 2, 0},
		{"abc", 0, 0},
	} {
		if got := c.HardCut(tc.in, tc.lim); got != tc.want {
			t.Errorf("HardCut(%q, %d) = %d, want %d", tc.in, tc.lim, got, tc.want)
		}
	}
}

func TestSplit(t *testing.T) {
	para := strings.Repeat("a", 30)
	bytes := func(n int) func(string) int { return func(string) int { return n } }
	runes := func(n int) func(string) int {
		return func(s string) int {
			k := 0
			for i := range s {
				if k == n {
					return i
				}
				k++
			}
			return len(s)
		}
	}
	for _, tc := range []struct {
		name  string
		c     Cutter
		in    string
		limit func(string) int
		want  []string
	}{
		{"empty", Cutter{}, "", bytes(10), nil},
		{"blank", Cutter{}, " \n\n \t", bytes(10), nil},
		{"fits", Cutter{}, "\n\n  indented  \n\n", bytes(100), []string{"  indented"}},
		{"paragraphs", Cutter{}, para + "\n\n" + para + "\n\n" + para, bytes(70),
			[]string{para + "\n\n" + para, para}},
		{"spaces dropped at the cut", Cutter{}, para + "   " + para, bytes(40),
			[]string{para, para}},
		{"quote carried over", Cutter{Quote: "> "}, "> " + para + " " + para, bytes(40),
			[]string{"> " + para, "> " + para}},
		{"quote ends with its line", Cutter{Quote: "> "}, "> " + para + "\n" + para, bytes(40),
			[]string{"> " + para, para}},
		{"no quote without a marker", Cutter{Quote: "> "}, para + " " + para, bytes(40),
			[]string{para, para}},
		{"runes", Cutter{}, strings.Repeat("中文 ", 10), runes(12),
			[]string{"中文 中文 中文 中文", "中文 中文 中文 中文", "中文 中文"}},
		{"blank pieces left out", Cutter{BlankCuts: true}, strings.Repeat(" ", 20) + para + para, bytes(40),
			[]string{strings.Repeat("a", 40), strings.Repeat("a", 20)}},
		{"a quoted link longer than a piece", Cutter{Links: angleLinks, Quote: "> "}, "> <" + para + ">", bytes(20),
			[]string{"<" + para[:19], para[19:] + ">"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.c.Split(tc.in, tc.limit)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Split(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

// TestSplitRandom checks what holds of every split: pieces within the
// limit, not blank, valid UTF-8, with whole links and entities, and no
// text lost but white space.
func TestSplitRandom(t *testing.T) {
	atoms := []string{"a", "word", "中文", "。", ". ", "! ", " ", "  ", "\n", "\n\n", "&amp;", "&lt;", "&",
		"<https://e.com/" + strings.Repeat("p", 30) + "|a link>", "<https://e.com>", "> "}
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range []Cutter{
		{Links: angleLinks},
		{Links: angleLinks, Quote: "> "},
		{Links: angleLinks, Quote: "> ", ShortBreaks: true, BlankCuts: true},
	} {
		for range 1000 {
			var b strings.Builder
			for range r.IntN(200) {
				b.WriteString(atoms[r.IntN(len(atoms))])
			}
			s := b.String()
			lim := 60 + r.IntN(200) // longer than any link
			pieces := c.Split(s, func(string) int { return lim })
			links, ents := 0, 0
			for _, p := range pieces {
				if len(p) > lim || strings.TrimSpace(p) == "" || !utf8.ValidString(p) {
					t.Fatalf("Split(%q, %d): bad piece %q", s, lim, p)
				}
				if strings.Contains(angleLinkRe.ReplaceAllString(p, ""), "<") {
					t.Fatalf("Split(%q, %d): link cut in %q", s, lim, p)
				}
				links += len(angleLinks(p, 0))
				ents += entityCount(p)
			}
			if want := len(angleLinks(s, 0)); links != want {
				t.Fatalf("Split(%q, %d): %d whole links, want %d", s, lim, links, want)
			}
			if want := entityCount(s); ents != want {
				t.Fatalf("Split(%q, %d): %d whole entities, want %d", s, lim, ents, want)
			}
			if c.Quote == "" {
				if got, want := squeeze(strings.Join(pieces, "")), squeeze(s); got != want {
					t.Fatalf("Split(%q, %d) lost text:\n got %q\nwant %q", s, lim, got, want)
				}
			}
		}
	}
}

func entityCount(s string) int {
	return strings.Count(s, "&amp;") + strings.Count(s, "&lt;") + strings.Count(s, "&gt;")
}

// squeeze is s without white space.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func TestSentenceEnd(t *testing.T) {
	for _, c := range []struct {
		r     rune
		after string
		want  bool
	}{
		{'.', "", true},
		{'.', " next", true},
		{'.', "\nnext", true},
		{'.', "5", false},
		{'!', " x", true},
		{'?', "", true},
		{'。', "后", true},
		{'！', "x", true},
		{'？', "", true},
		{',', " x", false},
		{'a', "", false},
	} {
		if got := sentenceEnd(c.r, c.after); got != c.want {
			t.Errorf("sentenceEnd(%q, %q) = %v, want %v", c.r, c.after, got, c.want)
		}
	}
}
