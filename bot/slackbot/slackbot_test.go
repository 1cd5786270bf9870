package slackbot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/marketbot/marketbot/bot"
	"github.com/marketbot/marketbot/rag/llm"
	"github.com/marketbot/marketbot/rag/llm/llmtest"
)

func TestMentionIsAnsweredInItsThread(t *testing.T) {
	h := newHarness(t, nil)
	start := time.Now()
	resp := h.event(t, "Ev1", mention("C1", "111.1", "", "火山方舟接入了哪些模型？"), nil)
	if resp.StatusCode != 200 || time.Since(start) > 3*time.Second {
		t.Fatalf("ack: %d after %v", resp.StatusCode, time.Since(start))
	}
	waitFor(t, "the answer in thread 111.1", func() bool { return h.slack.answered("C1", "111.1") })
	calls, _ := h.slack.snapshot()
	if calls[0].Method != "chat.postMessage" || calls[0].ThreadTS != "111.1" || !strings.Contains(calls[0].Text, "Searching") {
		t.Errorf("first call = %+v, want the placeholder in the thread", calls[0])
	}
	final, _ := h.slack.final("C1", "111.1")
	if !strings.Contains(final.Blocks, "火山方舟") || !strings.Contains(final.Blocks, "feedback_up") || !strings.Contains(final.Text, "[1]") {
		t.Errorf("final answer: text %q blocks %.300s", final.Text, final.Blocks)
	}
}

func TestSlackRateLimitsAreWaitedOut(t *testing.T) {
	h := newHarness(t, nil)
	h.slack.mu.Lock()
	h.slack.limited = 2
	h.slack.mu.Unlock()
	start := time.Now()
	h.event(t, "EvRL", mention("C1", "121.1", "", "火山方舟接入了哪些模型？"), nil)
	waitFor(t, "the answer despite 429s", func() bool { return h.slack.answered("C1", "121.1") })
	if time.Since(start) < 2*time.Second {
		t.Errorf("answered after %v: Retry-After was not honoured", time.Since(start))
	}
}

func TestRetriedDeliveryIsAnsweredOnce(t *testing.T) {
	h := newHarness(t, nil)
	ev := mention("C1", "222.2", "", "DeepSeek-V3的训练成本是多少？")
	h.event(t, "Ev2", ev, nil)
	waitFor(t, "the answer", func() bool { return h.slack.answered("C1", "222.2") })
	for i := 1; i <= 3; i++ {
		resp := h.event(t, "Ev2", ev, map[string]string{"X-Slack-Retry-Num": strconv.Itoa(i), "X-Slack-Retry-Reason": "http_timeout"})
		if resp.StatusCode != 200 {
			t.Errorf("retry %d not acked: %d", i, resp.StatusCode)
		}
	}
	// The same message also arrives as a message event: still one answer.
	h.event(t, "Ev3", map[string]any{"type": "message", "channel_type": "channel", "user": "U1", "text": "<@UBOT> DeepSeek-V3的训练成本是多少？", "ts": "222.2", "channel": "C1"}, nil)
	time.Sleep(500 * time.Millisecond)
	calls, _ := h.slack.snapshot()
	posts := 0
	for _, c := range calls {
		if c.Method == "chat.postMessage" {
			posts++
		}
	}
	if posts != 1 {
		t.Errorf("%d messages posted for one question and its retries, want 1", posts)
	}
}

func TestForgedAndStaleRequestsAreRefused(t *testing.T) {
	h := newHarness(t, nil)
	body := eventBody("Ev4", mention("C1", "333.3", "", "豆包的价格"))
	for name, mutate := range map[string]func(r *http.Request){
		"wrong signature": func(r *http.Request) { r.Header.Set("X-Slack-Signature", "v0="+strings.Repeat("ab", 32)) },
		"stale": func(r *http.Request) {
			ts := strconv.FormatInt(time.Now().Add(-6*time.Minute).Unix(), 10)
			r.Header.Set("X-Slack-Request-Timestamp", ts)
			r.Header.Set("X-Slack-Signature", sign(testSecret, ts, body))
		},
		"unsigned": func(r *http.Request) { r.Header.Del("X-Slack-Signature"); r.Header.Del("X-Slack-Request-Timestamp") },
		"other secret": func(r *http.Request) {
			ts := r.Header.Get("X-Slack-Request-Timestamp")
			r.Header.Set("X-Slack-Signature", sign("not-the-secret", ts, body))
		},
		"tampered body":   nil,
		"command forged":  nil,
		"interact forged": nil,
	} {
		path, payload := "/slack/events", body
		switch name {
		case "command forged":
			path = "/slack/commands"
		case "interact forged":
			path = "/slack/interactions"
		}
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		req, _ := http.NewRequest("POST", h.app.URL+path, strings.NewReader(string(payload)))
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", sign(testSecret, ts, payload))
		switch {
		case mutate != nil:
			mutate(req)
		case name == "tampered body":
			req.Body = http.NoBody
			req, _ = http.NewRequest("POST", h.app.URL+path, strings.NewReader(strings.Replace(string(payload), "豆包", "Kimi", 1)))
			req.Header.Set("X-Slack-Request-Timestamp", ts)
			req.Header.Set("X-Slack-Signature", sign(testSecret, ts, payload))
		default:
			req.Header.Set("X-Slack-Signature", "v0=00")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", name, resp.StatusCode)
		}
	}
	time.Sleep(300 * time.Millisecond)
	if calls, _ := h.slack.snapshot(); len(calls) != 0 {
		t.Errorf("refused requests caused Slack calls: %+v", calls)
	}
}

func TestURLVerificationAndOversizedBodies(t *testing.T) {
	h := newHarness(t, nil)
	resp := h.send(t, "/slack/events", "application/json", []byte(`{"type":"url_verification","token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}`), nil)
	if body := readAll(resp.Body); resp.StatusCode != 200 || body != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("challenge: %d %q", resp.StatusCode, body)
	}
	resp = h.send(t, "/slack/events", "application/json", []byte(`{"type":"event_callback","x":"`+strings.Repeat("a", 2<<20)+`"}`), nil)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: %d, want 413", resp.StatusCode)
	}
}

func TestBotsEditsAndStrangersAreIgnored(t *testing.T) {
	h := newHarness(t, nil)
	for i, ev := range []map[string]any{
		{"type": "message", "channel_type": "im", "bot_id": "B2", "user": "U2", "text": "豆包的价格", "ts": "1.1", "channel": "D1"},
		{"type": "message", "channel_type": "im", "user": "UBOT", "text": "豆包的价格", "ts": "1.2", "channel": "D1"},
		{"type": "message", "channel_type": "im", "subtype": "message_changed", "text": "", "ts": "1.3", "channel": "D1",
			"message": map[string]any{"user": "U1", "text": "豆包的价格", "ts": "1.0"}},
		{"type": "message", "channel_type": "channel", "user": "U1", "text": "just chatting about 豆包", "ts": "1.4", "channel": "C1"},
		{"type": "message", "channel_type": "channel", "user": "U1", "text": "a reply in someone else's thread", "ts": "1.6", "thread_ts": "1.5", "channel": "C1"},
		{"type": "app_mention", "bot_id": "B2", "user": "U2", "text": "<@UBOT> 豆包", "ts": "1.7", "channel": "C1"},
	} {
		h.event(t, fmt.Sprintf("EvI%d", i), ev, nil)
	}
	time.Sleep(500 * time.Millisecond)
	if calls, _ := h.slack.snapshot(); len(calls) != 0 {
		t.Errorf("ignored messages caused Slack calls: %+v", calls)
	}
}

func TestDirectMessageAndThreadFollowUp(t *testing.T) {
	h := newHarness(t, nil)
	h.event(t, "EvD1", map[string]any{"type": "message", "channel_type": "im", "user": "U1", "text": "豆包大模型是什么时候发布的？", "ts": "500.1", "channel": "D1"}, nil)
	waitFor(t, "the DM answer", func() bool { return h.slack.answered("D1", "500.1") })

	h.event(t, "EvF1", mention("C1", "600.1", "", "豆包大模型是什么时候发布的？"), nil)
	waitFor(t, "the channel answer", func() bool { return h.slack.answered("C1", "600.1") })
	// A follow-up in that thread, without mentioning the bot.
	h.event(t, "EvF2", map[string]any{"type": "message", "channel_type": "channel", "user": "U1", "text": "那价格呢？", "ts": "600.2", "thread_ts": "600.1", "channel": "C1"}, nil)
	waitFor(t, "the follow-up answer", func() bool {
		calls, _ := h.slack.snapshot()
		n := 0
		for _, c := range calls {
			if c.Method == "chat.postMessage" && c.ThreadTS == "600.1" {
				n++
			}
		}
		return n == 2 && h.slack.answered("C1", "600.1")
	})
	final, _ := h.slack.final("C1", "600.1")
	if !strings.Contains(final.Blocks, "0.0008") {
		t.Errorf("follow-up 那价格呢？ not answered with Doubao's price: %.400s", final.Blocks)
	}
}

func TestSlashCommand(t *testing.T) {
	h := newHarness(t, nil)
	for i, tc := range []struct {
		text, responseType, ack string
	}{
		{"What did OpenAI charge for GPT-4o mini?", "in_channel", "Working on it…"},
		{"火山方舟接入了哪些模型 --private", "ephemeral", "正在查找资料…"},
		{"輝達2025財年的營收是多少？", "in_channel", "正在查找資料…"}, // the acknowledgement in the question's script
	} {
		path := fmt.Sprintf("/response/%s/%d", tc.responseType, i)
		form := url.Values{"command": {"/llm"}, "text": {tc.text}, "response_url": {h.slack.srv.URL + path},
			"trigger_id": {fmt.Sprint("trig-", i)}, "user_id": {"U1"}, "channel_id": {"C9"}, "team_id": {"T1"}}
		start := time.Now()
		resp := h.send(t, "/slack/commands", "application/x-www-form-urlencoded", formBody(form), nil)
		elapsed := time.Since(start)
		var ack map[string]any
		json.NewDecoder(resp.Body).Decode(&ack)
		if resp.StatusCode != 200 || elapsed > 3*time.Second || ack["response_type"] != "ephemeral" || ack["text"] != tc.ack {
			t.Errorf("ack: %d %v after %v", resp.StatusCode, ack, elapsed)
		}
		waitFor(t, "the response_url answer to "+tc.text, func() bool {
			_, rs := h.slack.snapshot()
			for _, r := range rs {
				if r["path"] == path {
					return true
				}
			}
			return false
		})
		_, rs := h.slack.snapshot()
		r := rs[len(rs)-1]
		blocks, _ := json.Marshal(r["blocks"])
		if r["response_type"] != tc.responseType || !strings.Contains(string(blocks), "[1]") {
			t.Errorf("response: type %v, blocks %.300s", r["response_type"], blocks)
		}
	}
}

func TestFeedbackClicksAreRecorded(t *testing.T) {
	h := newHarness(t, nil)
	h.event(t, "EvFB", mention("C1", "700.1", "", "Kimi支持多长的上下文？"), nil)
	waitFor(t, "the answer", func() bool { return h.slack.answered("C1", "700.1") })
	final, _ := h.slack.final("C1", "700.1")
	var blocks []map[string]any
	json.Unmarshal([]byte(final.Blocks), &blocks)
	var answerID string
	for _, b := range blocks {
		if els, ok := b["elements"].([]any); ok && b["type"] == "actions" {
			answerID = els[0].(map[string]any)["value"].(string)
		}
	}
	if answerID == "" {
		t.Fatalf("no feedback buttons in %.300s", final.Blocks)
	}
	payload, _ := json.Marshal(map[string]any{"type": "block_actions", "user": map[string]any{"id": "U7"},
		"response_url": h.slack.srv.URL + "/response/thanks",
		"actions":      []any{map[string]any{"action_id": "feedback_down", "block_id": "feedback", "value": answerID, "type": "button"}}})
	resp := h.send(t, "/slack/interactions", "application/x-www-form-urlencoded", formBody(url.Values{"payload": {string(payload)}}), nil)
	if resp.StatusCode != 200 {
		t.Fatalf("interaction: %d", resp.StatusCode)
	}
	waitFor(t, "the vote", func() bool {
		up, down, _ := h.store.Ledger().FeedbackTally(context.Background(), answerID)
		return up == 0 && down == 1
	})
}

func TestModelFailureStillReplies(t *testing.T) {
	llmSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":{"message":"overloaded"}}`, http.StatusInternalServerError)
	}))
	defer llmSrv.Close()
	model := llm.New(llm.Config{BaseURL: llmSrv.URL + "/v1", Model: "m", MaxRetries: -1, Timeout: 2 * time.Second})
	h := newHarness(t, model)
	h.event(t, "EvLF", mention("C1", "800.1", "", "火山方舟接入了哪些模型？"), nil)
	waitFor(t, "the fallback answer", func() bool { return h.slack.answered("C1", "800.1") })
	final, _ := h.slack.final("C1", "800.1")
	if !strings.Contains(final.Blocks, "server error 500") || !strings.Contains(final.Blocks, "火山方舟") {
		t.Errorf("fallback: %.500s", final.Blocks)
	}
}

func TestStreamingAnswerAndLongAnswers(t *testing.T) {
	long := strings.Repeat("火山方舟于2023年6月28日上线，首批接入七家模型厂商。", 400) // far over Slack's limits
	llmSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for i := 0; i < len(long); {
			end := min(i+600, len(long))
			for end < len(long) && !utf8RuneStart(long[end]) {
				end++
			}
			chunk, _ := json.Marshal(map[string]any{"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"content": long[i:end] + "[1]"}}}})
			fmt.Fprintf(w, "data: %s\n\n", chunk)
			w.(http.Flusher).Flush()
			time.Sleep(15 * time.Millisecond)
			i = end
		}
		fmt.Fprint(w, "data: [DONE]\n\n")
	}))
	defer llmSrv.Close()
	h := newHarness(t, llm.New(llm.Config{BaseURL: llmSrv.URL + "/v1", Model: "m"}))
	h.event(t, "EvLong", mention("C1", "900.1", "", "火山方舟是什么时候上线的？"), nil)
	waitFor(t, "the long answer", func() bool { return h.slack.answered("C1", "900.1") })
	calls, _ := h.slack.snapshot()
	progress := 0
	for _, c := range calls {
		if c.Method == "chat.update" && strings.Contains(c.Blocks, "Writing") || strings.Contains(c.Blocks, "正在撰写") {
			progress++
		}
		if c.Blocks == "" {
			continue
		}
		var blocks []map[string]any
		if err := json.Unmarshal([]byte(c.Blocks), &blocks); err != nil {
			t.Fatalf("invalid blocks JSON: %v", err)
		}
		if len(blocks) > 50 {
			t.Errorf("%s with %d blocks", c.Method, len(blocks))
		}
		for _, b := range blocks {
			if txt, ok := b["text"].(map[string]any); ok && len([]rune(txt["text"].(string))) > 3000 {
				t.Errorf("%s: a section of %d characters", c.Method, len([]rune(txt["text"].(string))))
			}
		}
	}
	if progress == 0 {
		t.Error("the answer was not streamed into the placeholder")
	}
	final, _ := h.slack.final("C1", "900.1")
	if !strings.Contains(final.Blocks, "truncated") && !strings.Contains(final.Blocks, "截断") {
		t.Errorf("a too-long answer carries no truncation note: %.200s…", final.Blocks)
	}
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

func TestConcurrentMentionsStayInTheirThreads(t *testing.T) {
	h := newHarness(t, nil)
	questions := []string{"火山方舟接入了哪些模型？", "DeepSeek-V3的训练成本是多少？", "Kimi支持多长的上下文？", "What did OpenAI charge for GPT-4o mini?",
		"Qwen3有哪些型号？", "When did Meta release Llama 3?", "文心一言什么时候向公众开放？", "How much did Amazon invest in Anthropic?"}
	var wg sync.WaitGroup
	for i, q := range questions {
		wg.Go(func() { h.event(t, fmt.Sprintf("EvC%d", i), mention("C1", fmt.Sprintf("%d.5", 1000+i), "", q), nil) })
	}
	wg.Wait()
	for i := range questions {
		thread := fmt.Sprintf("%d.5", 1000+i)
		waitFor(t, "answer in "+thread, func() bool { return h.slack.answered("C1", thread) })
	}
	calls, _ := h.slack.snapshot()
	threadOf := map[string]string{}
	perThread := map[string]int{}
	for _, c := range calls {
		if c.Method == "chat.postMessage" {
			threadOf[c.TS] = c.ThreadTS
			perThread[c.ThreadTS]++
		}
	}
	for i, q := range questions {
		thread := fmt.Sprintf("%d.5", 1000+i)
		if perThread[thread] != 1 {
			t.Errorf("thread %s got %d messages, want 1", thread, perThread[thread])
		}
		final, _ := h.slack.final("C1", thread)
		if threadOf[final.TS] != thread {
			t.Errorf("answer to %q landed in thread %s", q, threadOf[final.TS])
		}
	}
	// Each answer names what its own question asked about.
	for i, topic := range []string{"火山方舟", "DeepSeek", "Kimi", "GPT-4o mini"} {
		final, _ := h.slack.final("C1", fmt.Sprintf("%d.5", 1000+i))
		if !strings.Contains(final.Blocks, topic) {
			t.Errorf("thread %d: answer does not mention %s", i, topic)
		}
	}
}

// TestAnswerSaysHowCurrentTheSourcesAre: in Slack too, a period after the
// newest article is said to be uncovered, naming its date.
func TestAnswerSaysHowCurrentTheSourcesAre(t *testing.T) {
	h := newHarness(t, nil)
	h.event(t, "EvTime", mention("C1", "900.1", "", "What happened in the LLM market this week?"), nil)
	waitFor(t, "the answer", func() bool { return h.slack.answered("C1", "900.1") })
	final, _ := h.slack.final("C1", "900.1")
	stats, err := h.store.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	newest := stats.Newest.Format(time.DateOnly)
	if !strings.Contains(final.Blocks, "the newest article I have is from "+newest) || strings.Contains(final.Blocks, "[1]") {
		t.Errorf("answer: %.600s", final.Blocks)
	}
}

// TestReasoningNeverShowsInSlack: with a model that reasons before it
// answers (streamed; its reasoning in tags, or opened by the chat template
// and closed by a lone </think>), the thread shows the placeholder, then
// "Thinking…", then the answer, and never the reasoning; the final message
// is golden.
func TestReasoningNeverShowsInSlack(t *testing.T) {
	for _, model := range []string{"qwq", "deepseek-r1-distill-qwen-32b"} {
		t.Run(model, func(t *testing.T) { reasoningNeverShowsInSlack(t, model) })
	}
}

func reasoningNeverShowsInSlack(t *testing.T, model string) {
	srv := llmtest.ReasoningServer(t, llmtest.QuotingAnswer)
	h := newHarness(t, llm.New(llm.Config{BaseURL: srv.URL + "/v1", Model: model}))
	h.event(t, "EvThink", mention("C1", "950.1", "", "火山方舟接入了哪些模型？"), nil)
	waitFor(t, "the answer", func() bool { return h.slack.answered("C1", "950.1") })
	calls, _ := h.slack.snapshot()
	thinking := false
	for _, c := range calls {
		if strings.Contains(c.Text+c.Blocks, "think>") || strings.Contains(c.Text+c.Blocks, "step by step") || strings.Contains(c.Text+c.Blocks, "The user asks") {
			t.Errorf("%s shows the reasoning: %.300s", c.Method, c.Blocks)
		}
		thinking = thinking || strings.Contains(c.Blocks, "思考中")
	}
	if !thinking {
		t.Error("the placeholder never said the model was thinking")
	}
	final, _ := h.slack.final("C1", "950.1")
	var blocks any
	if err := json.Unmarshal([]byte(final.Blocks), &blocks); err != nil {
		t.Fatal(err)
	}
	got, _ := json.MarshalIndent(map[string]any{"text": final.Text, "blocks": blocks}, "", "  ")
	got = regexp.MustCompile(`"value": "[0-9a-f]+"`).ReplaceAll(got, []byte(`"value": "ANSWER-ID"`)) // random per answer
	path := filepath.Join("testdata", "reasoning_final.golden.json")
	if *update {
		os.WriteFile(path, got, 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("final message differs from %s (-want +got):\n%s", path, d)
	}
}

// TestPostAttachesTheImage: a briefing with a chart is posted, then the
// chart uploaded into its thread through the files upload v2 API.
func TestPostAttachesTheImage(t *testing.T) {
	h := newHarness(t, nil)
	img := []byte("\x89PNG\r\n\x1a\n fake chart")
	ts, err := h.adapter.Post(context.Background(), "C1", bot.Reply{Text: "**Briefing**", Image: &bot.Image{Name: "prices.png", PNG: img, Alt: "API prices"}})
	if err != nil {
		t.Fatal(err)
	}
	calls, _ := h.slack.snapshot()
	var methods []string
	var complete slackCall
	for _, c := range calls {
		methods = append(methods, c.Method)
		if c.Method == "files.completeUploadExternal" {
			complete = c
		}
	}
	if d := cmp.Diff([]string{"chat.postMessage", "files.getUploadURLExternal", "files.completeUploadExternal"}, methods); d != "" {
		t.Fatalf("calls (-want +got):\n%s", d)
	}
	if complete.Channel != "C1" || complete.ThreadTS != ts || !strings.Contains(complete.Text, "F1") {
		t.Errorf("completed %+v, want file F1 shared in C1's thread %s", complete, ts)
	}
	h.slack.mu.Lock()
	defer h.slack.mu.Unlock()
	if len(h.slack.uploaded) != 1 || !bytes.Contains(h.slack.uploaded[0], img) {
		t.Errorf("uploaded %q, want the chart's bytes", h.slack.uploaded)
	}
}
