package main

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	larkevent "github.com/larksuite/oapi-sdk-go/v3/event"
)

// fakeFeishu is a fake open platform: it hands out tenant tokens and bot
// info, and records the cards sent.
type fakeFeishu struct {
	*httptest.Server
	mu    sync.Mutex
	cards []string
}

func newFakeFeishu(t *testing.T) *fakeFeishu {
	f := &fakeFeishu{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/tenant_access_token/internal"):
			fmt.Fprint(w, `{"code":0,"msg":"ok","tenant_access_token":"t-serve","expire":7200}`)
		case r.URL.Path == "/open-apis/bot/v3/info":
			fmt.Fprint(w, `{"code":0,"msg":"ok","bot":{"open_id":"ou_bot"}}`)
		default:
			var body struct {
				Content string `json:"content"`
			}
			json.NewDecoder(r.Body).Decode(&body)
			f.mu.Lock()
			f.cards = append(f.cards, r.Method+" "+r.URL.Path+" "+body.Content)
			f.mu.Unlock()
			fmt.Fprint(w, `{"code":0,"msg":"success","data":{"message_id":"om_answer"}}`)
		}
	}))
	t.Cleanup(f.Close)
	return f
}

// answered reports whether the reply to a message was updated with a
// card that holds want.
func (f *fakeFeishu) answered(messageID, want string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	sawReply := false
	for _, c := range f.cards {
		sawReply = sawReply || strings.HasPrefix(c, "POST /open-apis/im/v1/messages/"+messageID+"/reply")
		if sawReply && strings.HasPrefix(c, "PATCH") && strings.Contains(c, want) {
			return true
		}
	}
	return false
}

// sendFeishu posts an event to serve's webhook, encrypted and signed with
// key, and returns the HTTP status.
func sendFeishu(t *testing.T, addr, key string, payload map[string]any) int {
	t.Helper()
	plain, _ := json.Marshal(payload)
	body, _ := json.Marshal(map[string]string{"encrypt": feishuEncrypt(key, plain)})
	req, _ := http.NewRequest("POST", "http://"+addr+"/feishu/events", bytes.NewReader(body))
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set(larkevent.EventRequestTimestamp, ts)
	req.Header.Set(larkevent.EventRequestNonce, "n")
	req.Header.Set(larkevent.EventSignature, larkevent.Signature(ts, "n", key, string(body)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("event: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// feishuMessage is an im.message.receive_v1 event.
func feishuMessage(id, msgID, chatType, text string, mention bool) map[string]any {
	content, _ := json.Marshal(map[string]string{"text": text})
	msg := map[string]any{"message_id": msgID, "chat_id": "oc_1", "chat_type": chatType, "message_type": "text", "content": string(content)}
	if mention {
		msg["mentions"] = []any{map[string]any{"key": "@_user_1", "id": map[string]any{"open_id": "ou_bot"}}}
	}
	return map[string]any{"schema": "2.0", "header": map[string]any{"event_id": id, "event_type": "im.message.receive_v1"},
		"event": map[string]any{"sender": map[string]any{"sender_id": map[string]any{"open_id": "ou_u"}, "sender_type": "user"}, "message": msg}}
}

// waitUntil polls cond for up to d.
func waitUntil(d time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// TestServeFeishuWebhook runs "marketbot serve" with Feishu in webhook
// mode against a fake open platform and sends it an encrypted, signed
// group @mention and a direct message.
func TestServeFeishuWebhook(t *testing.T) {
	fake := newFakeFeishu(t)
	const key = "serve-encrypt-key"
	env := map[string]string{"MARKETBOT_DATA_DIR": t.TempDir(), "MARKETBOT_ADDR": "127.0.0.1:0", "FEISHU_APP_ID": "cli_serve_test",
		"FEISHU_APP_SECRET": "s3cret", "FEISHU_MODE": "webhook", "FEISHU_ENCRYPT_KEY": key, "FEISHU_BASE_URL": fake.URL}
	addr, stderr, stop := startServe(t, env)
	for _, ev := range []map[string]any{feishuMessage("ev_s1", "om_group", "group", "@_user_1 火山方舟接入了哪些模型？", true),
		feishuMessage("ev_s2", "om_dm", "p2p", "豆包大模型的价格是多少？", false)} {
		if code := sendFeishu(t, addr, key, ev); code != 200 {
			t.Fatalf("event answered %d", code)
		}
	}
	for path, want := range map[string]string{"om_group": "火山方舟", "om_dm": "0.0008"} {
		if !waitUntil(10*time.Second, func() bool { return fake.answered(path, want) }) {
			t.Errorf("%s not answered with %s", path, want)
		}
	}
	stop()
	if strings.Contains(stderr.String(), "s3cret") || strings.Contains(stderr.String(), key) {
		t.Error("a secret reached the logs")
	}
}

func TestServeFeishuWebhookNeedsEncryptKey(t *testing.T) {
	env := map[string]string{"MARKETBOT_DATA_DIR": t.TempDir(), "FEISHU_APP_ID": "cli_x", "FEISHU_APP_SECRET": "s", "FEISHU_MODE": "webhook"}
	if _, _, err := runWithEnv(t, env, "", "serve"); err == nil || !strings.Contains(err.Error(), "FEISHU_ENCRYPT_KEY") {
		t.Errorf("webhook without an encrypt key: %v", err)
	}
}

func feishuEncrypt(key string, plain []byte) string {
	k := sha256.Sum256([]byte(key))
	block, _ := aes.NewCipher(k[:])
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	plain = append(plain, bytes.Repeat([]byte{byte(pad)}, pad)...)
	out := make([]byte, aes.BlockSize+len(plain))
	rand.Read(out[:aes.BlockSize])
	cipher.NewCBCEncrypter(block, out[:aes.BlockSize]).CryptBlocks(out[aes.BlockSize:], plain)
	return base64.StdEncoding.EncodeToString(out)
}
