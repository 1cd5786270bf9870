package feishubot

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	larkevent "github.com/larksuite/oapi-sdk-go/v3/event"

	"github.com/marketbot/marketbot/bot"
	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/answer"
	"github.com/marketbot/marketbot/rag/search"
	"github.com/marketbot/marketbot/rag/store"
)

const (
	testEncryptKey = "kudryavka-encrypt-key"
	testToken      = "v-token-123"
)

// larkCall is one call the adapter made to the fake open platform.
type larkCall struct {
	Method, Path, MsgType, Content, UUID string
	InThread                             bool
}

// fakeLark speaks the Feishu open platform's wire format for the calls the
// adapter makes: tenant token, bot info, reply, update (PATCH) and send.
type fakeLark struct {
	mu       sync.Mutex
	calls    []larkCall
	next     int
	failCode int      // answer replies with this error code when set
	images   [][]byte // pictures uploaded
	srv      *httptest.Server
}

var appCounter atomic.Int32

func newFakeLark(t *testing.T) *fakeLark {
	f := &fakeLark{}
	mux := http.NewServeMux()
	reply := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("X-Tt-Logid", "log-20250101-abc")
		json.NewEncoder(w).Encode(v)
	}
	mux.HandleFunc("POST /open-apis/auth/v3/tenant_access_token/internal", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			AppSecret string `json:"app_secret"`
		}
		json.NewDecoder(r.Body).Decode(&body)
		if body.AppSecret != "secret" {
			reply(w, map[string]any{"code": 10014, "msg": "app secret invalid"})
			return
		}
		reply(w, map[string]any{"code": 0, "msg": "ok", "tenant_access_token": "t-test", "expire": 7200})
	})
	mux.HandleFunc("GET /open-apis/bot/v3/info", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer t-test" {
			reply(w, map[string]any{"code": 99991663, "msg": "invalid tenant access token"})
			return
		}
		reply(w, map[string]any{"code": 0, "msg": "ok", "bot": map[string]any{"open_id": "ou_bot", "app_name": "marketbot"}})
	})
	record := func(method string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			var body struct {
				MsgType       string `json:"msg_type"`
				Content       string `json:"content"`
				UUID          string `json:"uuid"`
				ReplyInThread bool   `json:"reply_in_thread"`
			}
			json.NewDecoder(r.Body).Decode(&body)
			f.mu.Lock()
			f.calls = append(f.calls, larkCall{method, r.URL.Path, body.MsgType, body.Content, body.UUID, body.ReplyInThread})
			f.next++
			id := fmt.Sprintf("om_bot_%d", f.next)
			code := f.failCode
			f.mu.Unlock()
			if code != 0 && method != "update" {
				reply(w, map[string]any{"code": code, "msg": "Bot is not in the chat"})
				return
			}
			reply(w, map[string]any{"code": 0, "msg": "success", "data": map[string]any{"message_id": id}})
		}
	}
	mux.HandleFunc("POST /open-apis/im/v1/messages/{id}/reply", record("reply"))
	mux.HandleFunc("PATCH /open-apis/im/v1/messages/{id}", record("update"))
	mux.HandleFunc("POST /open-apis/im/v1/messages", record("send"))
	// Image upload: multipart, image_type "message", the picture in "image".
	mux.HandleFunc("POST /open-apis/im/v1/images", func(w http.ResponseWriter, r *http.Request) {
		file, _, err := r.FormFile("image")
		if err != nil || r.FormValue("image_type") != "message" || r.Header.Get("Authorization") != "Bearer t-test" {
			reply(w, map[string]any{"code": 234001, "msg": "Invalid request param."})
			return
		}
		data, _ := io.ReadAll(file)
		f.mu.Lock()
		f.images = append(f.images, data)
		f.mu.Unlock()
		reply(w, map[string]any{"code": 0, "msg": "success", "data": map[string]any{"image_key": "img_v2_test"}})
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeLark) snapshot() []larkCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]larkCall(nil), f.calls...)
}

// finalCard returns the last card shown for a reply to messageID: the
// last update of the placeholder, else the reply itself.
func (f *fakeLark) finalCard(messageID string) (string, bool) {
	calls := f.snapshot()
	var ids []string
	content, found := "", false
	for i, c := range calls {
		switch {
		case c.Method == "reply" && c.Path == "/open-apis/im/v1/messages/"+messageID+"/reply":
			ids = append(ids, fmt.Sprintf("om_bot_%d", i+1))
			content, found = c.Content, true
		case c.Method == "update":
			for _, id := range ids {
				if c.Path == "/open-apis/im/v1/messages/"+id {
					content, found = c.Content, true
				}
			}
		}
	}
	return content, found
}

func (f *fakeLark) answered(messageID string) bool {
	c, ok := f.finalCard(messageID)
	for _, final := range []string{"feedback", "没有找到", "found nothing", "没有覆盖", "covers that period"} {
		if ok && strings.Contains(c, final) {
			return true
		}
	}
	return false
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

type harness struct {
	lark    *fakeLark
	app     *httptest.Server
	adapter *Adapter
	store   *store.Store
	logs    *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  *bytes.Buffer
}

func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
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
	logs := &lockedBuffer{b: &bytes.Buffer{}}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	searcher, err := search.New(st, search.Config{})
	if err != nil {
		t.Fatal(err)
	}
	core := bot.New(answer.New(searcher, model, answer.Options{}), st, bot.Options{Ledger: st.Ledger(), UserPerMinute: -1, ChannelPerMinute: -1})
	pool := bot.NewPool(core, 4, 32)
	fl := newFakeLark(t)
	// The SDK caches tenant tokens per app id, process-wide: one app per test.
	appID := fmt.Sprintf("cli_test_%d", appCounter.Add(1))
	a, err := New(ctx, Config{AppID: appID, AppSecret: "secret", VerificationToken: testToken, EncryptKey: testEncryptKey,
		BaseURL: fl.srv.URL, Logger: log, UpdateEvery: 30 * time.Millisecond,
		Placeholder: func(context.Context, string) string { return "正在检索 53 篇文章…" }}, core, pool)
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
	return &harness{lark: fl, app: app, adapter: a, store: st, logs: logs}
}

// encrypt encrypts a payload as Feishu does: AES-256-CBC with the SHA-256
// of the encrypt key, a random IV in front, base64.
func encrypt(t *testing.T, key string, plain []byte) string {
	k := sha256.Sum256([]byte(key))
	block, err := aes.NewCipher(k[:])
	if err != nil {
		t.Fatal(err)
	}
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	plain = append(plain, bytes.Repeat([]byte{byte(pad)}, pad)...)
	out := make([]byte, aes.BlockSize+len(plain))
	rand.Read(out[:aes.BlockSize])
	cipher.NewCBCEncrypter(block, out[:aes.BlockSize]).CryptBlocks(out[aes.BlockSize:], plain)
	return base64.StdEncoding.EncodeToString(out)
}

// post sends an encrypted, signed webhook request.
func (h *harness) post(t *testing.T, path string, payload any, mutate func(r *http.Request, body []byte)) *http.Response {
	t.Helper()
	plain, _ := json.Marshal(payload)
	body, _ := json.Marshal(map[string]string{"encrypt": encrypt(t, testEncryptKey, plain)})
	req, _ := http.NewRequest("POST", h.app.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), "nonce-1"
	req.Header.Set(larkevent.EventRequestTimestamp, ts)
	req.Header.Set(larkevent.EventRequestNonce, nonce)
	req.Header.Set(larkevent.EventSignature, larkevent.Signature(ts, nonce, testEncryptKey, string(body)))
	if mutate != nil {
		mutate(req, body)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// messageEvent is an im.message.receive_v1 event as Feishu sends it.
func messageEvent(eventID, messageID, chatType, text string, mentionBot bool, extra map[string]any) map[string]any {
	content, _ := json.Marshal(map[string]string{"text": text})
	msg := map[string]any{"message_id": messageID, "chat_id": "oc_chat1", "chat_type": chatType, "message_type": "text",
		"content": string(content), "create_time": "1735689600000"}
	if mentionBot {
		msg["mentions"] = []any{map[string]any{"key": "@_user_1", "id": map[string]any{"open_id": "ou_bot"}, "name": "marketbot"}}
	}
	for k, v := range extra {
		msg[k] = v
	}
	return map[string]any{
		"schema": "2.0",
		"header": map[string]any{"event_id": eventID, "token": testToken, "create_time": "1735689600000",
			"event_type": "im.message.receive_v1", "tenant_key": "tk", "app_id": "cli_x"},
		"event": map[string]any{
			"sender":  map[string]any{"sender_id": map[string]any{"open_id": "ou_user1"}, "sender_type": "user", "tenant_key": "tk"},
			"message": msg,
		},
	}
}
