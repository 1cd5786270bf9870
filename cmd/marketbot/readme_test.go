package main

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReadmeExampleIsTheOutput: the README's example answer is what
// "marketbot ask" prints offline on the built-in pack, word for word.
func TestReadmeExampleIsTheOutput(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(readme), "<!-- ask-example -->\n```text\n")
	example, _, closed := strings.Cut(after, "```\n")
	if !ok || !closed {
		t.Fatal("the README has no example answer after <!-- ask-example -->")
	}
	stdout, stderr, err := runCmd(t, t.TempDir(), "ask", "火山方舟接入了哪些模型？")
	if err != nil {
		t.Fatal(err, stderr)
	}
	if d := cmp.Diff(example, stdout); d != "" {
		t.Errorf("README example (-want) and ask's output (+got) differ:\n%s", d)
	}
}
