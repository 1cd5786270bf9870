package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIngestURLAndBrief ingests a feed and a page from a local server
// (refused until the configuration allows private networks), then prints
// an on-demand briefing and asks for one in the terminal.
func TestIngestURLAndBrief(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/feed.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>AI Wire</title>`+
				feedItem("https://wire.example/ark", "火山方舟上线DeepSeek-R1", "2026年3月3日，火山引擎火山方舟上线DeepSeek-R1满血版，R1每百万输入tokens 4元。", "Tue, 03 Mar 2026 08:00:00 +0800")+
				feedItem("https://wire.example/kimi", "Moonshot AI ships Kimi k1.6", "Moonshot AI shipped Kimi k1.6 with a longer context window on March 2, 2026.", "Mon, 02 Mar 2026 09:00:00 +0800")+
				`</channel></rss>`)
		case "/page.html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<html><head><title>Zhipu opens GLM-4-Flash for free</title><meta property="article:published_time" content="2026-03-01T10:00:00+08:00"></head>`+
				`<body><nav>Home | News</nav><article><p>Zhipu AI made GLM-4-Flash free to call through its open platform on March 1, 2026.</p></article></body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	env := map[string]string{"MARKETBOT_DATA_DIR": dir}

	_, _, err := runWithEnv(t, env, "", "ingest", srv.URL+"/feed.xml")
	if err == nil || !strings.Contains(err.Error(), "private") {
		t.Fatalf("ingest from a loopback address without allow_private_networks: err = %v, want a refusal", err)
	}
	cfg := filepath.Join(dir, "marketbot.yaml")
	os.WriteFile(cfg, []byte("allow_private_networks: true\n"), 0o644)
	env["MARKETBOT_CONFIG"] = cfg
	stdout, stderr, err := runWithEnv(t, env, "", "ingest", srv.URL+"/feed.xml", srv.URL+"/page.html", srv.URL+"/gone.xml")
	if err != nil {
		t.Fatalf("ingest: %v\n%s", err, stderr)
	}
	for _, want := range []string{"3 added", "1 failed", "/gone.xml"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
	delete(env, "MARKETBOT_CONFIG") // the flag instead
	stdout, _, err = runWithEnv(t, env, "", "ingest", "--config", cfg, srv.URL+"/feed.xml")
	if err != nil || !strings.Contains(stdout, "2 unchanged") {
		t.Errorf("re-ingesting the feed: %v\n%s", err, stdout)
	}
	stdout, _, err = runWithEnv(t, env, "", "search", "--json", "GLM-4-Flash")
	if err != nil || !strings.Contains(stdout, srv.URL+"/page.html") || strings.Contains(stdout, "Home | News") {
		t.Errorf("the page is not searchable by its URL, or kept its navigation: %v\n%s", err, stdout)
	}

	stdout, _, err = runWithEnv(t, env, "", "brief", "--dry-run")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"DeepSeek-R1", "Kimi k1.6", "GLM-4-Flash", "2026-03-03", "https://wire.example/ark"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("briefing lacks %q:\n%s", want, stdout)
		}
	}
	stdout, _, err = runWithEnv(t, env, "/brief DeepSeek\nexit\n", "chat")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "DeepSeek-R1") || strings.Contains(stdout, "Kimi k1.6") {
		t.Errorf("/brief DeepSeek should hold the DeepSeek story and not the Kimi one:\n%s", stdout)
	}
}
