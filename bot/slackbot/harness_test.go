package slackbot

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marketbot/marketbot/bot"
	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/answer"
	"github.com/marketbot/marketbot/rag/search"
	"github.com/marketbot/marketbot/rag/store"
)

const testSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// slackCall is one call the adapter made to the fake Slack Web API.
type slackCall struct {
	Method, Channel, TS, ThreadTS, Text, Blocks string
}

// fakeSlack speaks the Slack Web API's wire format (form posts, JSON
// answers) for the methods the adapter uses, plus response_url webhooks.
type fakeSlack struct {
	mu        sync.Mutex
	calls     []slackCall
	responses []map[string]any
	uploaded  [][]byte // files' bytes, as uploaded
	nextTS    int
	limited   int // answer this many more posts with 429
	srv       *httptest.Server
}

func newFakeSlack(t *testing.T) *fakeSlack {
	f := &fakeSlack{nextTS: 1000}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/auth.test", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm() // Slack takes the token in the form or as a bearer token
		if r.Form.Get("token") != "xoxb-test" && r.Header.Get("Authorization") != "Bearer xoxb-test" {
			fmt.Fprint(w, `{"ok":false,"error":"invalid_auth"}`)
			return
		}
		fmt.Fprint(w, `{"ok":true,"url":"https://test.slack.com/","team":"t","user":"marketbot","team_id":"T1","user_id":"UBOT","bot_id":"BBOT"}`)
	})
	record := func(method string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			c := slackCall{Method: method, Channel: r.Form.Get("channel"), TS: r.Form.Get("ts"), ThreadTS: r.Form.Get("thread_ts"),
				Text: r.Form.Get("text"), Blocks: r.Form.Get("blocks")}
			f.mu.Lock()
			if f.limited > 0 {
				f.limited--
				f.mu.Unlock()
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusTooManyRequests)
				fmt.Fprint(w, `{"ok":false,"error":"ratelimited"}`)
				return
			}
			if method == "chat.postMessage" {
				f.nextTS++
				c.TS = fmt.Sprintf("%d.000100", f.nextTS)
			}
			f.calls = append(f.calls, c)
			f.mu.Unlock()
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": c.Channel, "ts": c.TS})
		}
	}
	mux.HandleFunc("/api/chat.postMessage", record("chat.postMessage"))
	// The files upload v2 API: an upload URL, the bytes, then completion.
	mux.HandleFunc("/api/files.getUploadURLExternal", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		f.mu.Lock()
		f.calls = append(f.calls, slackCall{Method: "files.getUploadURLExternal", Text: r.Form.Get("filename") + " " + r.Form.Get("length")})
		f.mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "upload_url": f.srv.URL + "/upload/F1", "file_id": "F1"})
	})
	mux.HandleFunc("/upload/F1", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.uploaded = append(f.uploaded, body)
		f.mu.Unlock()
		fmt.Fprint(w, "OK - 1")
	})
	mux.HandleFunc("/api/files.completeUploadExternal", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		f.mu.Lock()
		f.calls = append(f.calls, slackCall{Method: "files.completeUploadExternal", Channel: r.Form.Get("channel_id"), ThreadTS: r.Form.Get("thread_ts"), Text: r.Form.Get("files")})
		f.mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "files": []map[string]any{{"id": "F1", "title": "prices"}}})
	})
	mux.HandleFunc("/api/chat.update", record("chat.update"))
	mux.HandleFunc("/api/reactions.add", record("reactions.add"))
	mux.HandleFunc("/response/", func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		json.NewDecoder(r.Body).Decode(&m)
		m["path"] = r.URL.Path
		f.mu.Lock()
		f.responses = append(f.responses, m)
		f.mu.Unlock()
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSlack) snapshot() ([]slackCall, []map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]slackCall(nil), f.calls...), append([]map[string]any(nil), f.responses...)
}

// final returns the last text shown in a thread: the last update of its
// placeholder, or the last message posted in it.
func (f *fakeSlack) final(channel, thread string) (slackCall, bool) {
	calls, _ := f.snapshot()
	placeholders := map[string]bool{}
	var last slackCall
	found := false
	for _, c := range calls {
		switch {
		case c.Method == "chat.postMessage" && c.Channel == channel && c.ThreadTS == thread:
			placeholders[c.TS] = true
			last, found = c, true
		case c.Method == "chat.update" && c.Channel == channel && placeholders[c.TS]:
			last, found = c, true
		}
	}
	return last, found
}

// waitFor polls until cond holds or fails the test after 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// answered reports whether a thread holds a final answer (not the
// placeholder, not a progress message).
func (f *fakeSlack) answered(channel, thread string) bool {
	c, ok := f.final(channel, thread)
	return ok && c.Method == "chat.update" && !strings.Contains(c.Blocks, "Writing") && !strings.Contains(c.Blocks, "正在撰写") &&
		!strings.Contains(c.Blocks, "Thinking") && !strings.Contains(c.Blocks, "思考中")
}

// harness is the real adapter, bot core, answerer and store, with Slack
// and (optionally) the language model faked at their HTTP boundaries.
type harness struct {
	slack   *fakeSlack
	adapter *Adapter
	app     *httptest.Server
	store   *store.Store
	core    *bot.Bot
	pool    *bot.Pool
}

func newHarness(t *testing.T, model answer.ChatModel) *harness {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	articles, _ := corpus.Builtin()
	if _, err := store.IngestArticles(ctx, st, articles, store.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	searcher, err := search.New(st, search.Config{})
	if err != nil {
		t.Fatal(err)
	}
	core := bot.New(answer.New(searcher, model, answer.Options{}), st, bot.Options{Ledger: st.Ledger(), UserPerMinute: -1, ChannelPerMinute: -1})
	pool := bot.NewPool(core, 4, 32)
	fs := newFakeSlack(t)
	a, err := New(ctx, Config{BotToken: "xoxb-test", SigningSecret: testSecret, APIURL: fs.srv.URL + "/api",
		Placeholder: func(context.Context, string) string { return "Searching 53 articles…" }, UpdateEvery: 30 * time.Millisecond}, core, pool)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	if err := a.Routes(mux); err != nil {
		t.Fatal(err)
	}
	app := httptest.NewServer(mux)
	t.Cleanup(func() {
		app.Close()
		pool.Shutdown(ctx)
		a.Close(ctx)
		st.Close()
	})
	return &harness{slack: fs, adapter: a, app: app, store: st, core: core, pool: pool}
}

// sign returns Slack's v0 signature of body at ts.
func sign(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// send posts a signed request to the app and returns the response.
func (h *harness) send(t *testing.T, path, contentType string, body []byte, header map[string]string) *http.Response {
	t.Helper()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest("POST", h.app.URL+path, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sign(testSecret, ts, body))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func eventBody(eventID string, event map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{
		"token": "unused", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
		"event_id": eventID, "event_time": time.Now().Unix(), "event": event,
	})
	return b
}

func (h *harness) event(t *testing.T, eventID string, event map[string]any, header map[string]string) *http.Response {
	return h.send(t, "/slack/events", "application/json", eventBody(eventID, event), header)
}

func mention(channel, ts, thread, text string) map[string]any {
	ev := map[string]any{"type": "app_mention", "user": "U1", "text": "<@UBOT> " + text, "ts": ts, "channel": channel, "event_ts": ts}
	if thread != "" {
		ev["thread_ts"] = thread
	}
	return ev
}

func readAll(r io.Reader) string { b, _ := io.ReadAll(r); return string(b) }

func formBody(v url.Values) []byte { return []byte(v.Encode()) }
