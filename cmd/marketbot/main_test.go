package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// runCmd runs the program with a private data directory and returns its
// output.
func runCmd(t *testing.T, dataDir string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string {
		if k == "MARKETBOT_DATA_DIR" {
			return dataDir
		}
		return ""
	}
	err = run(context.Background(), args, getenv, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestSearchJSONFollowsTheContract(t *testing.T) {
	dir := t.TempDir()
	stdout, stderr, err := runCmd(t, dir, "search", "--json", "--top", "3", "火山方舟接入了哪些模型")
	if err != nil {
		t.Fatal(err, stderr)
	}
	if !strings.Contains(stderr, "built-in knowledge pack") {
		t.Errorf("stderr does not say the built-in pack was indexed: %q", stderr)
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(stdout), &raw); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	if raw["query"] != "火山方舟接入了哪些模型" {
		t.Errorf("query = %v", raw["query"])
	}
	passages, _ := raw["passages"].([]any)
	if len(passages) != 3 {
		t.Fatalf("got %d passages, want 3", len(passages))
	}
	wantKeys := []string{"article_id", "path", "published", "rank", "score", "source", "summary", "text", "title", "url"}
	for i, p := range passages {
		m := p.(map[string]any)
		var keys []string
		for k := range m {
			keys = append(keys, k)
		}
		if d := cmp.Diff(wantKeys, keys, cmpopts.SortSlices(func(a, b string) bool { return a < b })); d != "" {
			t.Errorf("passage %d keys (-want +got):\n%s", i, d)
		}
		if m["summary"] != true {
			t.Errorf("passage %d of the built-in pack: summary = %v, want true", i, m["summary"])
		}
		if m["rank"] != float64(i+1) {
			t.Errorf("passage %d rank = %v", i, m["rank"])
		}
		if !strings.HasPrefix(m["path"].(string), "builtin:articles/") || !strings.HasPrefix(m["url"].(string), "https://") {
			t.Errorf("passage %d path, url = %v, %v", i, m["path"], m["url"])
		}
	}
	first := passages[0].(map[string]any)
	if !strings.Contains(first["title"].(string)+first["text"].(string), "火山方舟") {
		t.Errorf("first passage is not about 火山方舟: %v", first["title"])
	}

	// Second run: the store is no longer empty, so nothing is re-indexed.
	_, stderr, err = runCmd(t, dir, "search", "火山方舟", "--top", "1")
	if err != nil || strings.Contains(stderr, "built-in") {
		t.Errorf("second search: err %v, stderr %q", err, stderr)
	}
}

func TestIngestCommand(t *testing.T) {
	dataDir, src := t.TempDir(), t.TempDir()
	good := filepath.Join(src, "good.md")
	bad := filepath.Join(src, "nested", "bad.md")
	os.MkdirAll(filepath.Dir(bad), 0o755)
	os.WriteFile(good, []byte("---\ntitle: GLM-4\npublished: 2024-01-16\n---\n\nZhipu AI released GLM-4 on January 16, 2024.\n"), 0o644)
	os.WriteFile(bad, []byte("---\ntitle: broken\n"), 0o644)
	// Stored, with a warning: it knows what happened a year after its date.
	hindsight := filepath.Join(src, "hindsight.md")
	os.WriteFile(hindsight, []byte("---\ntitle: Baichuan 2\npublished: 2023-09-06\n---\n\nBaichuan released Baichuan 2 on September 6, 2023. In May 2024 it cut prices.\n"), 0o644)

	stdout, stderr, err := runCmd(t, dataDir, "ingest", src)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2 added", "1 failed", bad, "never closed", "warning: " + hindsight + `: hindsight: "May 2024"`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "skipped") || !strings.Contains(stderr, bad) {
		t.Errorf("stderr does not report the bad file as it happens: %q", stderr)
	}
	// Your articles are added to the built-in pack, as ask and search give
	// it to an empty store, not put in its place.
	if !strings.Contains(stderr, "indexing the built-in knowledge pack first") {
		t.Errorf("an ingest into an empty store did not index the pack first: %q", stderr)
	}
	if stdout, _, err := runCmd(t, dataDir, "search", "--json", "火山方舟接入了哪些模型？"); err != nil || !strings.Contains(stdout, "builtin:") {
		t.Errorf("the pack is not searchable after the first ingest: %v\n%.300s", err, stdout)
	}
	stdout, _, err = runCmd(t, dataDir, "ingest", src)
	if err != nil || !strings.Contains(stdout, "2 unchanged") {
		t.Errorf("re-ingest: %v\n%s", err, stdout)
	}
	stdout, _, err = runCmd(t, dataDir, "search", "--json", "GLM-4")
	if err != nil || !strings.Contains(stdout, good) || !strings.Contains(stdout, `"summary": false`) {
		t.Errorf("ingested article not searchable with its path, or said to be a summary: %v\n%s", err, stdout)
	}
	if _, _, err := runCmd(t, dataDir, "ingest", filepath.Join(src, "missing")); err == nil {
		t.Error("ingest of only a missing path succeeded")
	}
}

func TestIngestBuiltin(t *testing.T) {
	dataDir := t.TempDir()
	stdout, _, err := runCmd(t, dataDir, "ingest", "--builtin")
	if err != nil || !strings.Contains(stdout, " added") || strings.Contains(stdout, " 0 added") {
		t.Fatalf("ingest --builtin: %v\n%s", err, stdout)
	}
	stdout, _, err = runCmd(t, dataDir, "ingest", "--builtin")
	if err != nil || !strings.Contains(stdout, " 0 added") {
		t.Errorf("second ingest --builtin: %v\n%s", err, stdout)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		nil,
		{"frobnicate"},
		{"search"},
		{"search", "--top", "0", "x"},
		{"search", "--bogus", "x"},
		{"ingest"},
	} {
		_, _, err := runCmd(t, t.TempDir(), args...)
		if err == nil || exitCode(err) != 2 {
			t.Errorf("run(%q) = %v (exit %d), want a usage error", args, err, exitCode(err))
		}
	}
}

func TestSearchDateFlags(t *testing.T) {
	dir := t.TempDir()
	stdout, _, err := runCmd(t, dir, "search", "--json", "--since", "2025-01-01", "--until", "2025-06-30", "--top", "10", "DeepSeek")
	if err != nil {
		t.Fatal(err)
	}
	var out searchJSON
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Passages) == 0 {
		t.Fatal("nothing about DeepSeek in the first half of 2025")
	}
	for _, p := range out.Passages {
		if p.Published == nil || p.Published.Year() != 2025 || p.Published.Month() > 6 {
			t.Errorf("passage from %v outside --since/--until", p.Published)
		}
	}
	if _, _, err := runCmd(t, dir, "search", "--since", "someday", "DeepSeek"); err == nil || exitCode(err) != 2 {
		t.Errorf("bad --since: %v", err)
	}
	stdout, _, err = runCmd(t, dir, "search", "What is the current price of Bitcoin?")
	if err != nil || !strings.Contains(stdout, "Nothing in the corpus answers") {
		t.Errorf("unanswerable search: %v\n%s", err, stdout)
	}
}

func TestEvalCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the dev set three times")
	}
	stdout, _, err := runCmd(t, t.TempDir(), "eval")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"bm25", "vectors", "fusion", "zh", "en-zh", "trad-en", "none", "nothing", "ask"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("eval output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestReindexCommand(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := runCmd(t, dir, "ingest", "--builtin"); err != nil {
		t.Fatal(err)
	}
	stdout, _, err := runCmd(t, dir, "reindex")
	if err != nil || !strings.Contains(stdout, "re-embedded 0 passages") {
		t.Errorf("reindex of an up-to-date store: %v\n%s", err, stdout)
	}
	var out, errOut bytes.Buffer
	env := map[string]string{"MARKETBOT_DATA_DIR": dir, "MARKETBOT_EMBEDDER": "openai"}
	err = run(context.Background(), []string{"search", "豆包"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "OPENAI_API_KEY") {
		t.Errorf("openai embedder without a key: %v", err)
	}
	env["MARKETBOT_EMBEDDER"] = "word2vec"
	err = run(context.Background(), []string{"search", "豆包"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "unknown MARKETBOT_EMBEDDER") {
		t.Errorf("unknown embedder: %v", err)
	}
}
