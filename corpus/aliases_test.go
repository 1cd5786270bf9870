package corpus

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDefaultAliases(t *testing.T) {
	a, err := DefaultAliases()
	if err != nil {
		t.Fatal(err)
	}
	entities := 0
	for _, e := range a.Entities() {
		if e.Type != "term" {
			entities++
		}
		switch e.Type {
		case "company", "product", "model", "person", "org", "term":
		default:
			t.Errorf("%s has unknown type %q", e.ID, e.Type)
		}
	}
	if entities < 80 {
		t.Errorf("%d entities, want at least 80", entities)
	}
}

func ids(es []Entity) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func TestAliasesMatch(t *testing.T) {
	a, err := DefaultAliases()
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string][]string{
		"What did ByteDance charge for Doubao?": {"bytedance", "doubao", "term-price"},
		"字節跳動的豆包":                               {"bytedance", "doubao"},
		"輝達股價":                                  {"nvidia", "term-share-price"},
		"the LLM market in 2024":                {"term-model"}, // "Ark" is not inside "market"
		"Moonshot AI 的 Kimi":                    {"moonshot-ai", "kimi"},
		"GPT-4.5 vs GPT-4.":                     {"gpt-4", "gpt-4-5"}, // a decimal goes on from GPT-4; a full stop does not
		"Claude 3.5 Sonnet":                     {"claude", "claude-3-5"},
	} {
		got := ids(a.Match(q))
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("Match(%q) (-want +got):\n%s", q, d)
		}
	}
}

func TestParseAliasesRejectsSharedNames(t *testing.T) {
	_, err := ParseAliases([]byte("- id: a\n  type: company\n  names: [Same Name]\n- id: b\n  type: company\n  names: [same name]\n"))
	if err == nil || !strings.Contains(err.Error(), "both") {
		t.Errorf("err = %v, want a shared-name error", err)
	}
}
