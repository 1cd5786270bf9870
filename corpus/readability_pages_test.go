package corpus

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// Mozilla's reference pages: the real pages Readability is tested on
// (CNN, the New York Times, the BBC, Yahoo, Engadget, qq.com, gmw.cn,
// youth.cn, pixnet, Wikipedia, blogs… and a few made-up edge cases),
// each with the text Readability's authors expect. They ship in
// go-readability's module, so the test reads them from the module cache:
// pages we did not write, scored as our own set is.

// referencePages returns the directory of go-readability's test pages,
// or skips the test when the module cache lacks them.
func referencePages(t *testing.T) string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "codeberg.org/readeck/go-readability/v2").Output()
	if err != nil {
		t.Skipf("go list go-readability: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "test-pages")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no reference pages: %v", err)
	}
	return dir
}

// expectedText is all the text of an expected extraction.
func expectedText(t *testing.T, data []byte) string {
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return textOf(doc)
}

// TestReferencePages: on Mozilla's reference pages the article text
// scores a mean token F1 of at least 0.95 against the expected text, and
// no page under 0.5.
func TestReferencePages(t *testing.T) {
	root := referencePages(t)
	dirs, err := filepath.Glob(filepath.Join(root, "*", "source.html"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 100 {
		t.Fatalf("%d reference pages, want over 100", len(dirs))
	}
	var sum float64
	var report []string
	for _, source := range dirs {
		dir := filepath.Dir(source)
		src, err := os.ReadFile(source)
		if err != nil {
			t.Fatal(err)
		}
		expected, err := os.ReadFile(filepath.Join(dir, "expected.html"))
		if err != nil {
			continue
		}
		want := expectedText(t, expected)
		a, err := Parse(filepath.Base(dir)+".html", src)
		f1 := 0.0
		if err == nil {
			f1 = tokenF1(want, a.Text)
		}
		sum += f1
		report = append(report, fmt.Sprintf("%.3f %s", f1, filepath.Base(dir)))
		if f1 < 0.5 {
			t.Errorf("%s: F1 %.3f (err %v); extracted:\n%.600s", filepath.Base(dir), f1, err, a.Text)
		}
	}
	sort.Strings(report)
	mean := sum / float64(len(report))
	t.Logf("mean token F1 %.3f over %d reference pages:\n%s", mean, len(report), strings.Join(report, "\n"))
	if mean < 0.95 {
		t.Errorf("mean token F1 %.3f, want ≥ 0.95", mean)
	}
}
