package rag

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/marketbot/marketbot/corpus"
)

// TestPackHoldsNoQuestionWording: the pack reports news; it never holds
// an evaluation question's wording (which would make it an answer key),
// and every question's key phrase is in the body of its first article.
func TestPackHoldsNoQuestionWording(t *testing.T) {
	pack, err := corpus.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	bodies := map[string]string{}
	for _, a := range pack {
		bodies[strings.TrimPrefix(a.Path, corpus.BuiltinPrefix+"articles/")] = bare(a.Title + "\n" + a.Text)
	}
	sets := map[string][]byte{"devset.yaml": devsetYAML}
	files, _ := filepath.Glob("testdata/unseen*.yaml")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sets[f] = data
	}
	for name, data := range sets {
		qs, err := ParseEvalSet(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, q := range qs {
			for file, body := range bodies {
				if strings.Contains(body, bare(q.Q)) {
					t.Errorf("%s: %s holds the question %q", name, file, q.Q)
				}
			}
			if len(q.Articles) == 0 {
				continue
			}
			body, ok := bodies[q.Articles[0]]
			if !ok {
				t.Errorf("%s: %q: no article %s in the pack", name, q.Q, q.Articles[0])
			} else if !strings.Contains(body, bare(q.Phrase)) {
				t.Errorf("%s: %q: %s does not hold the phrase %q", name, q.Q, q.Articles[0], q.Phrase)
			}
		}
	}
}

// bare is text normalised (script, width, case) without punctuation or
// spaces, so that wording is compared, not typography.
func bare(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsPunct(r) || unicode.IsSpace(r) || unicode.IsSymbol(r) {
			return -1
		}
		return r
	}, corpus.Normalize(s))
}
