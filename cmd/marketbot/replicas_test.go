package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/marketbot/marketbot/rag/store/pgtest"
)

// deliver sends a delivery and requires a 200.
func deliver(t *testing.T, lr *loadRequest) {
	t.Helper()
	req, _ := http.NewRequest(lr.req.Method, lr.req.URL.String(), bytes.NewReader(lr.body))
	req.Header = lr.req.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%s delivery: %v %v", lr.platform, resp, err)
	}
	resp.Body.Close()
}

// retarget is the same delivery sent to another replica.
func retarget(lr *loadRequest, addr string) *loadRequest {
	out := *lr
	out.req = lr.req.Clone(context.Background())
	out.req.URL.Host = addr
	out.req.Host = addr
	return &out
}

// TestReplicasShareOneDatabase runs three "marketbot serve" replicas on
// loopback sharing one PostgreSQL database, with Slack (HTTP) and Feishu
// (webhook) faked at their HTTP boundary: one Slack event sent to all
// three gets one answer; one Feishu event sent to two gets one reply; the
// briefing scheduled every minute is posted once per run; an article
// ingested from the command line is found through another replica within
// 5 s, and a follow-up in its thread is answered by yet another; with one
// replica killed, the others keep answering.
func TestReplicasShareOneDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three serve processes and waits for a scheduled minute")
	}
	dbURL := pgtest.Shared(t)
	rec := &loadRecorder{}
	slack := httptest.NewServer(rec.slackAPI())
	defer slack.Close()
	feishu := httptest.NewServer(rec.feishuAPI())
	defer feishu.Close()
	const signingSecret, encryptKey = "replica-signing-secret", "replica-encrypt-key"
	config := filepath.Join(t.TempDir(), "marketbot.yaml")
	os.WriteFile(config, []byte(`briefings:
  - name: every-minute
    platform: slack
    channel: CBRIEF
    schedule: "* * * * *"
    timezone: UTC
    language: en
    post_when_empty: true
`), 0o644)
	env := []string{"MARKETBOT_DATABASE_URL=" + dbURL, "MARKETBOT_CONFIG=" + config,
		"SLACK_BOT_TOKEN=xoxb-replicas", "SLACK_SIGNING_SECRET=" + signingSecret, "SLACK_API_URL=" + slack.URL + "/api",
		"FEISHU_APP_ID=cli_replicas", "FEISHU_APP_SECRET=replicas-secret", "FEISHU_MODE=webhook",
		"FEISHU_ENCRYPT_KEY=" + encryptKey, "FEISHU_BASE_URL=" + feishu.URL}
	replicas := []*process{startProcess(t, env), startProcess(t, env), startProcess(t, env)}

	finals := func(question string) int {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		n := 0
		for _, c := range rec.calls {
			if c.question == question && c.final {
				n++
			}
		}
		return n
	}
	waitFinal := func(question string) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); finals(question) == 0; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s was not answered", question)
			}
		}
		time.Sleep(500 * time.Millisecond) // time for a wrong second answer to show
	}

	// One Slack event to all three replicas, one Feishu event to two.
	ev := slackLoadRequest(replicas[0].addr, signingSecret, 1, false)
	for _, r := range replicas {
		deliver(t, retarget(ev, r.addr))
	}
	fe := feishuLoadRequest(replicas[1].addr, encryptKey, 2)
	for _, r := range replicas[1:] {
		deliver(t, retarget(fe, r.addr))
	}
	waitFinal("CLOAD001")
	waitFinal("om_load_002")
	if n := finals("CLOAD001"); n != 1 {
		t.Errorf("the Slack event sent to three replicas was answered %d times", n)
	}
	if n := finals("om_load_002"); n != 1 {
		t.Errorf("the Feishu event sent to two replicas was answered %d times", n)
	}

	// An article ingested from the command line, asked about through a replica.
	article := filepath.Join(t.TempDir(), "zephyr.md")
	os.WriteFile(article, []byte("---\ntitle: Zephyrine-9 launches\npublished: 2026-11-28\nsource: Test Wire\n---\nZephyrine Labs launched the Zephyrine-9 model, priced at 0.42 yuan per million tokens.\n"), 0o644)
	var out, errOut bytes.Buffer
	getenv := func(k string) string {
		for _, kv := range env {
			if name, v, _ := strings.Cut(kv, "="); name == k {
				return v
			}
		}
		return ""
	}
	ingested := time.Now()
	if err := run(context.Background(), []string{"ingest", article}, getenv, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("ingest: %v\n%s", err, errOut.String())
	}
	ask := slackLoadRequest(replicas[2].addr, signingSecret, 3, false)
	ask.body = bytes.Replace(ask.body, []byte(`question 3 about 豆包 price`), []byte(`what does Zephyrine-9 cost?`), 1)
	deliver(t, resign(ask, signingSecret))
	waitFinal("CLOAD003")
	if !strings.Contains(lastFinal(rec, "CLOAD003"), "Zephyrine") {
		t.Errorf("the article ingested through the command line was not found by a replica: %.300s", lastFinal(rec, "CLOAD003"))
	}
	t.Logf("article ingested and answered about through another replica in %v", time.Since(ingested).Round(time.Millisecond))

	// A reply in that thread, without a mention, reaching another replica:
	// the thread is known there, and answered.
	follow := slackLoadRequest(replicas[1].addr, signingSecret, 3, false)
	follow.body = []byte(`{"type":"event_callback","team_id":"T1","event_id":"EvFollow","event":{"type":"message","channel_type":"channel",` +
		`"user":"ULOAD003","channel":"CLOAD003","ts":"1750000000.100003","thread_ts":"1750000000.000003","text":"and who launched it?"}}`)
	deliver(t, resign(follow, signingSecret))
	for deadline := time.Now().Add(20 * time.Second); finals("CLOAD003") < 2; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("a follow-up in a thread answered by another replica was not answered")
		}
	}

	// One replica dies; the others go on answering.
	replicas[0].cmd.Process.Kill()
	<-replicas[0].exited
	for i, r := range replicas[1:] {
		deliver(t, slackLoadRequest(r.addr, signingSecret, 10+i, false))
		waitFinal([]string{"CLOAD010", "CLOAD011"}[i])
	}

	// The briefing: every slot seen is posted exactly once, the catch-up
	// at start and the next minute's.
	slots := func() map[string]int {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		posts := map[string]int{}
		for _, c := range rec.calls {
			if c.question == "CBRIEF" && c.kind == "placeholder" {
				posts[c.at.UTC().Truncate(time.Minute).Format("15:04")]++
			}
		}
		return posts
	}
	start := time.Now()
	for deadline := start.Add(75 * time.Second); len(slots()) < 2 && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
	}
	time.Sleep(2 * time.Second)
	posts := slots()
	if len(posts) < 2 {
		t.Errorf("briefings posted in %d minutes, want the catch-up and the next run: %v", len(posts), posts)
	}
	for minute, n := range posts {
		if n != 1 {
			t.Errorf("the briefing of %s was posted %d times, want once", minute, n)
		}
	}
}

// lastFinal is the last final answer shown for a question.
func lastFinal(rec *loadRecorder, question string) string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for i := len(rec.calls) - 1; i >= 0; i-- {
		if c := rec.calls[i]; c.question == question && c.final {
			return c.content
		}
	}
	return ""
}

// resign signs a Slack delivery whose body was changed.
func resign(lr *loadRequest, secret string) *loadRequest {
	ts := lr.req.Header.Get("X-Slack-Request-Timestamp")
	lr.req.Header.Set("X-Slack-Signature", slackSign(secret, ts, lr.body))
	return lr
}
