package markdown

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTruncateRunes(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"", 3, ""},
		{"short", 5, "short"},
		{"longer", 5, "long…"},
		{"中文标题很长", 4, "中文标…"},
		{"ab   cd", 4, "ab…"}, // no space before the ellipsis
		{"abc", 1, "…"},
		{"e\u0301x", 2, "e…"}, // runes, not characters
	} {
		if got := TruncateRunes(c.in, c.n); got != c.want {
			t.Errorf("TruncateRunes(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

func TestOneLine(t *testing.T) {
	for in, want := range map[string]string{
		"":                   "",
		"  a  b\t\nc \r\n ":  "a b c",
		"one\u2028two\u00a0": "one two",
		"bad \xff byte":      "bad \uFFFD byte",
	} {
		if got := OneLine(in); got != want {
			t.Errorf("OneLine(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLinkURL(t *testing.T) {
	web := []string{"http", "https"}
	all := []string{"http", "https", "mailto"}
	for _, c := range []struct {
		in      string
		schemes []string
		want    string // "" when refused
	}{
		{"https://e.com/a?b=1&c=2", web, "https://e.com/a?b=1&c=2"},
		{"  http://e.com  ", web, "http://e.com"},
		{"HTTPS://E.com/x", web, "HTTPS://E.com/x"},
		{"mailto:a@e.com", all, "mailto:a@e.com"},
		{"mailto:a@e.com", web, ""},
		{"mailto:", all, ""},
		{"https:///path", web, ""}, // no host
		{"/relative", web, ""},
		{"e.com/x", web, ""},
		{"javascript:alert(1)", all, ""},
		{"ftp://e.com/f", web, ""},
		{"https://e.com/a b", web, ""},
		{"https://e.com/\x00", web, ""},
		{"https://e.com/%zz", web, ""}, // does not parse
		{"", web, ""},
		{"https://e.com/" + strings.Repeat("p", 100), web, ""}, // over maxBytes
	} {
		u, p, ok := LinkURL(c.in, 100, c.schemes...)
		if ok != (c.want != "") || u != c.want {
			t.Errorf("LinkURL(%q, %q) = %q, %v, want %q", c.in, c.schemes, u, ok, c.want)
		}
		if ok && p.String() == "" {
			t.Errorf("LinkURL(%q): no parsed URL", c.in)
		}
	}
	if _, p, _ := LinkURL("https://[::1]:8080/x", 100, "https"); p == nil || p.Host != "[::1]:8080" {
		t.Errorf("LinkURL did not return the parsed URL: %v", p)
	}
}

// webURL is a URL check for the tests: absolute http(s) URLs, with "|"
// escaped as a renderer would.
func webURL(u string) (string, bool) {
	u, _, ok := LinkURL(u, 1000, "http", "https")
	return strings.ReplaceAll(u, "|", "%7C"), ok
}

func TestParseLink(t *testing.T) {
	type result struct {
		Link  Link
		OK    bool
		Label string
	}
	for _, c := range []struct {
		name string
		in   string
		i    int
		want result
	}{
		{"plain", "[text](https://e.com)", 0,
			result{Link{"text", "https://e.com", 21}, true, "text"}},
		{"inside a line", "see [a](http://e.com) too", 4,
			result{Link{"a", "http://e.com", 21}, true, "a"}},
		{"nested brackets", "[a [b] c](https://e.com) x", 0,
			result{Link{"a [b] c", "https://e.com", 24}, true, "a [b] c"}},
		{"parentheses in the URL", "[wiki](https://e.org/Go_(game)).", 0,
			result{Link{"wiki", "https://e.org/Go_(game)", 31}, true, "wiki"}},
		{"title", `[t](https://e.com "The title")`, 0,
			result{Link{"t", "https://e.com", 30}, true, "t"}},
		{"angle brackets", "[t](<https://e.com>)", 0,
			result{Link{"t", "https://e.com", 20}, true, "t"}},
		{"spaces around", "[t](  https://e.com  )", 0,
			result{Link{"t", "https://e.com", 22}, true, "t"}},
		{"image", "![chart](https://e.com/c.png)", 0,
			result{Link{"chart", "https://e.com/c.png", 29}, true, "chart"}},
		{"label markers", "[ **bold** `code` ](https://e.com)", 0,
			result{Link{" **bold** `code` ", "https://e.com", 34}, true, "bold code"}},
		{"empty label", "[](https://e.com)", 0,
			result{Link{"", "https://e.com", 17}, true, ""}},
		{"URL as the check made it", "[t](https://e.com/a|b)", 0,
			result{Link{"t", "https://e.com/a%7Cb", 22}, true, "t"}},

		{"not at a bracket", "x[t](https://e.com)", 0, result{}},
		{"a lone bang", "!x", 0, result{}},
		{"at the end", "[", 1, result{}},
		{"past the end", "[t](https://e.com)", 40, result{}},
		{"no destination", "[t] (https://e.com)", 0, result{}},
		{"reference marker", "[1][2]", 0, result{}},
		{"unclosed text", "[t(https://e.com)", 0, result{}},
		{"unclosed destination", "[t](https://e.com", 0, result{}},
		{"refused URL", "[t](javascript:alert(1))", 0, result{}},
		{"relative URL", "[t](/relative)", 0, result{}},
		{"empty URL", "[t]()", 0, result{}},
		{"too long", "[" + strings.Repeat("t", 990) + "](https://e.com/xx)", 0, result{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			l, ok := ParseLink(c.in, c.i, webURL, 1000)
			got := result{l, ok, l.Label()}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("ParseLink(%q, %d) (-want +got):\n%s", c.in, c.i, diff)
			}
		})
	}
}

func TestParseLineQuotes(t *testing.T) {
	for _, c := range []struct {
		in     string
		nested bool
		want   Line
	}{
		{"plain", false, Line{Text: "plain"}},
		{"  \tindented", false, Line{Indent: "  \t", Text: "indented"}},
		{"> quoted", false, Line{Quote: true, Text: "quoted"}},
		{">no space", false, Line{Quote: true, Text: "no space"}},
		{">  two spaces", false, Line{Quote: true, Text: " two spaces"}},
		{"  > indented quote", false, Line{Quote: true, Text: "indented quote"}},
		{"> > nested", false, Line{Quote: true, Text: "> nested"}},
		{"> > nested", true, Line{Quote: true, Text: "nested"}},
		{">>  >nested", true, Line{Quote: true, Text: "nested"}},
		{">  two spaces", true, Line{Quote: true, Text: "two spaces"}},
		{"> - quoted item", false, Line{Quote: true, Kind: Item, Text: "quoted item"}},
		{"> # quoted heading", true, Line{Quote: true, Kind: Heading, Text: "quoted heading"}},
		{">", false, Line{Quote: true}},
	} {
		if got := ParseLine(c.in, c.nested); !cmp.Equal(got, c.want) {
			t.Errorf("ParseLine(%q, %v) (-want +got):\n%s", c.in, c.nested, cmp.Diff(c.want, got))
		}
	}
}

func TestParseLineKinds(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Line
	}{
		{"---", Line{Kind: Rule, Text: "---"}},
		{"* * *", Line{Kind: Rule, Text: "* * *"}},
		{"___", Line{Kind: Rule, Text: "___"}},
		{"  ----- ", Line{Indent: "  ", Kind: Rule, Text: "----- "}},
		{"--", Line{Text: "--"}},
		{"-*-", Line{Text: "-*-"}},
		{"===", Line{Text: "==="}},

		{"# Heading", Line{Kind: Heading, Text: "Heading"}},
		{"###### Six", Line{Kind: Heading, Text: "Six"}},
		{"####### Seven", Line{Text: "####### Seven"}},
		{"#\tTab", Line{Kind: Heading, Text: "Tab"}},
		{"### **Bold** heading ###", Line{Kind: Heading, Text: "Bold heading"}},
		{"## ** spaced ** ", Line{Kind: Heading, Text: " spaced "}}, // "**" goes after the trim
		{"#", Line{Kind: Heading}},
		{"## ##", Line{Kind: Heading}},
		{"#hashtag", Line{Text: "#hashtag"}},

		{"- item", Line{Kind: Item, Text: "item"}},
		{"* star", Line{Kind: Item, Text: "star"}},
		{"+ plus", Line{Kind: Item, Text: "plus"}},
		{"  - nested", Line{Indent: "  ", Kind: Item, Text: "nested"}},
		{"- ", Line{Kind: Item}},
		{"-item", Line{Text: "-item"}},
		{"*italic*", Line{Text: "*italic*"}},
		{"1. first", Line{Text: "1. first"}},
		{"", Line{}},
	} {
		if got := ParseLine(c.in, false); !cmp.Equal(got, c.want) {
			t.Errorf("ParseLine(%q) (-want +got):\n%s", c.in, cmp.Diff(c.want, got))
		}
	}
}

func TestJoinLines(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"", "  ", "a", "", "b  ", " ", ""}, "a\n\nb"},
		{[]string{"  indented", "x"}, "  indented\nx"},
		{[]string{" ", "\t"}, ""},
	} {
		if got := JoinLines(c.in); got != c.want {
			t.Errorf("JoinLines(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
