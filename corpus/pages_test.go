package corpus

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode"
)

// The real-page set: saved news pages of Chinese and English sites
// (testdata/pages/*.html, laid out as the sites lay them out: portals,
// blogs, wire copy, AMP, comments, related rails; some in GBK or Big5
// without a charset), each with the text a reader sees (*.txt). Pages are
// scored by token F1 against it, each Han character a token.

// pageTokens are text's tokens for scoring: Han characters one by one,
// other letters and digits as lower-case words.
func pageTokens(text string) []string {
	var out []string
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			out = append(out, strings.ToLower(word.String()))
			word.Reset()
		}
	}
	for _, r := range Normalize(text) {
		switch {
		case unicode.Is(unicode.Han, r):
			flush()
			out = append(out, string(r))
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			word.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	return out
}

// tokenF1 is the F1 of got's tokens against want's, as multisets.
func tokenF1(want, got string) float64 {
	w, g := pageTokens(want), pageTokens(got)
	if len(w) == 0 || len(g) == 0 {
		return 0
	}
	count := map[string]int{}
	for _, t := range w {
		count[t]++
	}
	common := 0
	for _, t := range g {
		if count[t] > 0 {
			count[t]--
			common++
		}
	}
	if common == 0 {
		return 0
	}
	p, r := float64(common)/float64(len(g)), float64(common)/float64(len(w))
	return 2 * p * r / (p + r)
}

// realPages returns the page set's HTML files, by name.
func realPages(t testing.TB) []string {
	pages, err := filepath.Glob(filepath.Join("testdata", "pages", "*.html"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(pages)
	return pages
}

func TestRealPages(t *testing.T) {
	pages := realPages(t)
	if len(pages) < 30 {
		t.Fatalf("%d real pages, want at least 30", len(pages))
	}
	var sum float64
	var report []string
	for _, path := range pages {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(strings.TrimSuffix(path, ".html") + ".txt")
		if err != nil {
			t.Fatal(err)
		}
		a, err := Parse(path, data)
		f1 := 0.0
		if err == nil {
			f1 = tokenF1(string(want), a.Text)
		}
		sum += f1
		report = append(report, fmt.Sprintf("%.3f %s", f1, filepath.Base(path)))
		if f1 < 0.8 {
			t.Errorf("%s: F1 %.3f (err %v); extracted:\n%.600s", filepath.Base(path), f1, err, a.Text)
		}
	}
	mean := sum / float64(len(pages))
	t.Logf("mean token F1 %.3f over %d pages:\n%s", mean, len(pages), strings.Join(report, "\n"))
	if mean < 0.95 {
		t.Errorf("mean token F1 %.3f, want ≥ 0.95", mean)
	}
}

// BenchmarkParseHTML parses every real page once per iteration; MB/s is
// of HTML read.
func BenchmarkParseHTML(b *testing.B) {
	var pages [][]byte
	var size int64
	for _, path := range realPages(b) {
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		pages, size = append(pages, data), size+int64(len(data))
	}
	b.SetBytes(size)
	for b.Loop() {
		for _, p := range pages {
			if _, err := Parse("page.html", p); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func TestTokenF1(t *testing.T) {
	for _, c := range []struct {
		want, got string
		f1        float64
	}{
		{"火山方舟上线", "火山方舟上线", 1},
		{"Ark launched today.", "ark  LAUNCHED today", 1},
		{"火山方舟", "火山", 2 * 1 * 0.5 / 1.5},
		{"abc", "", 0},
	} {
		if got := tokenF1(c.want, c.got); fmt.Sprintf("%.4f", got) != fmt.Sprintf("%.4f", c.f1) {
			t.Errorf("tokenF1(%q, %q) = %.4f, want %.4f", c.want, c.got, got, c.f1)
		}
	}
}

func TestNameWords(t *testing.T) {
	got := nameWords("o-article_header EmailSignup  jp-relatedposts")
	want := []string{"o", "article", "header", "email", "signup", "jp", "relatedposts"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("nameWords = %q, want %q", got, want)
	}
}
