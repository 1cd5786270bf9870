package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestIngestDryRun: --dry-run shows, per article of files, a page and a
// feed, what ingest would store — one JSON object per line with --json —
// and stores nothing: no database is even created.
func TestIngestDryRun(t *testing.T) {
	var srvURL string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/feed.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>AI Wire</title>
<item><title>Ark adds DeepSeek-R1</title><link>%[1]s/ark</link><pubDate>Thu, 13 Feb 2025 08:00:00 +0800</pubDate><description>Volcano Engine added DeepSeek-R1 to Ark.</description></item>
<item><title>Kimi k1.5 ships</title><link>%[1]s/kimi</link><pubDate>Mon, 20 Jan 2025 10:00:00 +0800</pubDate><description>Moonshot AI released Kimi k1.5.</description></item>
</channel></rss>`, srvURL)
		default:
			http.ServeFile(w, r, filepath.Join("..", "..", "corpus", "testdata", "page.html"))
		}
	}))
	defer srv.Close()
	srvURL = srv.URL
	dir := t.TempDir()
	config := filepath.Join(dir, "marketbot.yaml")
	os.WriteFile(config, []byte("allow_private_networks: true\n"), 0o644)
	data := filepath.Join(dir, "data")
	env := map[string]string{"MARKETBOT_DATA_DIR": data, "MARKETBOT_CONFIG": config}
	stdout, stderr, err := runWithEnv(t, env, "", "ingest", "--dry-run", "--json",
		filepath.Join("..", "..", "corpus", "testdata", "plain.txt"), srv.URL+"/page", srv.URL+"/feed.xml")
	if err != nil {
		t.Fatal(err, stderr)
	}
	var got []map[string]any
	sc := bufio.NewScanner(strings.NewReader(stdout))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q is not JSON: %v", sc.Text(), err)
		}
		got = append(got, m)
	}
	if len(got) != 4 {
		t.Fatalf("%d articles, want the file, the page and two feed items:\n%s", len(got), stdout)
	}
	for _, m := range got {
		var keys []string
		for k := range m {
			keys = append(keys, k)
		}
		if d := cmp.Diff([]string{"lang", "path", "published", "source", "text", "title", "url"}, keys, cmpopts.SortSlices(func(a, b string) bool { return a < b })); d != "" {
			t.Errorf("keys (-want +got):\n%s", d)
		}
	}
	if got[1]["path"] != srv.URL+"/page" || got[1]["source"] != "Example Tech News" || got[1]["published"] != "2024-07-18T17:00:00+08:00" ||
		!strings.Contains(got[1]["text"].(string), "128K tokens") {
		t.Errorf("page = %v", got[1])
	}
	if got[2]["title"] != "Ark adds DeepSeek-R1" || got[2]["source"] != "AI Wire" || got[2]["url"] != srv.URL+"/ark" {
		t.Errorf("feed item = %v", got[2])
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("the dry run touched the data directory: %v", err)
	}
	// Without --json: readable, one block per article.
	stdout, _, err = runWithEnv(t, env, "", "ingest", "--dry-run", srv.URL+"/page")
	if err != nil || !strings.Contains(stdout, "  title:     OpenAI launches GPT-4o mini") || !strings.Contains(stdout, "  source:    Example Tech News") {
		t.Errorf("dry run: %v\n%s", err, stdout)
	}
	if _, _, err := runWithEnv(t, env, "", "ingest", "--json", "x.md"); err == nil || !strings.Contains(err.Error(), "--dry-run") {
		t.Errorf("--json without --dry-run: %v", err)
	}
}
