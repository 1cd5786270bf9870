package feishubot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	larkevent "github.com/larksuite/oapi-sdk-go/v3/event"

	"github.com/marketbot/marketbot/bot"
	"github.com/marketbot/marketbot/rag/llm"
	"github.com/marketbot/marketbot/rag/llm/llmtest"
)

func TestChallenge(t *testing.T) {
	h := newHarness(t, nil)
	resp := h.post(t, "/feishu/events", map[string]any{"type": "url_verification", "challenge": "ajls384kdjx98XX", "token": testToken}, nil)
	var body map[string]string
	json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode != 200 || body["challenge"] != "ajls384kdjx98XX" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Errorf("challenge: %d %v %q", resp.StatusCode, body, resp.Header.Get("Content-Type"))
	}
	resp = h.post(t, "/feishu/events", map[string]any{"type": "url_verification", "challenge": "x", "token": "wrong"}, nil)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("challenge with a wrong token: %d, want 401", resp.StatusCode)
	}
}

func TestGroupMentionIsAnsweredWithACard(t *testing.T) {
	h := newHarness(t, nil)
	start := time.Now()
	resp := h.post(t, "/feishu/events", messageEvent("ev_1", "om_q1", "group", "@_user_1 火山方舟接入了哪些模型？", true, nil), nil)
	if resp.StatusCode != 200 || time.Since(start) > 3*time.Second {
		t.Fatalf("ack: %d after %v", resp.StatusCode, time.Since(start))
	}
	waitFor(t, "the answer card", func() bool { return h.lark.answered("om_q1") })
	calls := h.lark.snapshot()
	first := calls[0]
	if first.Method != "reply" || first.Path != "/open-apis/im/v1/messages/om_q1/reply" || first.MsgType != "interactive" ||
		first.UUID != "ev_1" || !strings.Contains(first.Content, "正在检索") {
		t.Errorf("first call = %+v, want the placeholder card replying to the question with uuid = event id", first)
	}
	final, _ := h.lark.finalCard("om_q1")
	var card map[string]any
	if err := json.Unmarshal([]byte(final), &card); err != nil {
		t.Fatalf("final card is not JSON: %v", err)
	}
	if !strings.Contains(final, "火山方舟") || !strings.Contains(final, `"update_multi":true`) || !strings.Contains(final, "[1]") {
		t.Errorf("final card: %.400s", final)
	}
}

func TestGroupWithoutMentionAndBotsAreIgnored(t *testing.T) {
	h := newHarness(t, nil)
	h.post(t, "/feishu/events", messageEvent("ev_2", "om_q2", "group", "火山方舟接入了哪些模型？", false, nil), nil)
	bot := messageEvent("ev_3", "om_q3", "p2p", "豆包的价格", false, nil)
	bot["event"].(map[string]any)["sender"].(map[string]any)["sender_type"] = "app"
	h.post(t, "/feishu/events", bot, nil)
	time.Sleep(400 * time.Millisecond)
	if calls := h.lark.snapshot(); len(calls) != 0 {
		t.Errorf("ignored messages caused calls: %+v", calls)
	}
}

func TestDirectMessageRichTextAndThreads(t *testing.T) {
	h := newHarness(t, nil)
	post, _ := json.Marshal(map[string]any{"zh_cn": map[string]any{"title": "", "content": [][]map[string]any{
		{{"tag": "text", "text": "豆包大模型的"}, {"tag": "text", "text": "价格是多少？"}}}}})
	ev := messageEvent("ev_4", "om_q4", "p2p", "", false, map[string]any{"message_type": "post", "content": string(post), "thread_id": "omt_1", "root_id": "om_root"})
	h.post(t, "/feishu/events", ev, nil)
	waitFor(t, "the DM answer", func() bool { return h.lark.answered("om_q4") })
	final, _ := h.lark.finalCard("om_q4")
	if !strings.Contains(final, "0.0008") {
		t.Errorf("rich-text question not understood: %.300s", final)
	}
	if c := h.lark.snapshot()[0]; !c.InThread {
		t.Error("a message in a topic was not answered in the topic")
	}
}

func TestDuplicateEventsAreAnsweredOnce(t *testing.T) {
	h := newHarness(t, nil)
	ev := messageEvent("ev_5", "om_q5", "p2p", "Kimi支持多长的上下文？", false, nil)
	h.post(t, "/feishu/events", ev, nil)
	waitFor(t, "the answer", func() bool { return h.lark.answered("om_q5") })
	h.post(t, "/feishu/events", ev, nil) // Feishu's retry
	h.post(t, "/feishu/events", messageEvent("ev_5b", "om_q5", "p2p", "Kimi支持多长的上下文？", false, nil), nil)
	if _, err := h.adapter.dispatch(context.Background(), mustJSON(ev)); err != nil { // and over the long connection
		t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond)
	replies := 0
	for _, c := range h.lark.snapshot() {
		if c.Method == "reply" {
			replies++
		}
	}
	if replies != 1 {
		t.Errorf("%d replies for one message delivered four times, want 1", replies)
	}
}

func mustJSON(v any) []byte { b, _ := json.Marshal(v); return b }

func TestForgedRequestsAreRefused(t *testing.T) {
	h := newHarness(t, nil)
	ev := messageEvent("ev_6", "om_q6", "p2p", "豆包的价格", false, nil)
	for name, mutate := range map[string]func(r *http.Request, body []byte){
		"bad signature":   func(r *http.Request, _ []byte) { r.Header.Set(larkevent.EventSignature, strings.Repeat("0", 64)) },
		"unsigned":        func(r *http.Request, _ []byte) { r.Header.Del(larkevent.EventSignature) },
		"other nonce":     func(r *http.Request, _ []byte) { r.Header.Set(larkevent.EventRequestNonce, "nonce-2") },
		"plaintext event": func(r *http.Request, _ []byte) { r.Body, r.ContentLength = http.NoBody, 0 },
	} {
		resp := h.post(t, "/feishu/events", ev, mutate)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, resp.StatusCode)
		}
	}
	wrongToken := messageEvent("ev_7", "om_q7", "p2p", "豆包的价格", false, nil)
	wrongToken["header"].(map[string]any)["token"] = "someone-else"
	if resp := h.post(t, "/feishu/events", wrongToken, nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong verification token: %d, want 401", resp.StatusCode)
	}
	// Encrypted with other keys: the SDK's decryption panics on some of
	// these garbage plaintexts; each must still be a plain 401.
	plain, _ := json.Marshal(ev)
	for i := range 40 {
		body, _ := json.Marshal(map[string]string{"encrypt": encrypt(t, fmt.Sprintf("another-key-%d", i), plain)})
		resp, err := http.Post(h.app.URL+"/feishu/events", "application/json", strings.NewReader(string(body)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("other key %d: %d, want 401", i, resp.StatusCode)
		}
	}
	time.Sleep(300 * time.Millisecond)
	if calls := h.lark.snapshot(); len(calls) != 0 {
		t.Errorf("refused requests caused calls: %+v", calls)
	}
}

func TestWebhookNeedsEncryptKey(t *testing.T) {
	a := &Adapter{cfg: Config{}}
	if err := a.Routes(http.NewServeMux()); err == nil || !strings.Contains(err.Error(), "FEISHU_ENCRYPT_KEY") {
		t.Errorf("webhook without an encrypt key: %v", err)
	}
}

func TestAPIErrorsAreSurfaced(t *testing.T) {
	h := newHarness(t, nil)
	h.lark.mu.Lock()
	h.lark.failCode = 230002
	h.lark.mu.Unlock()
	h.post(t, "/feishu/events", messageEvent("ev_8", "om_q8", "p2p", "豆包的价格是多少？", false, nil), nil)
	waitFor(t, "the error in the logs", func() bool {
		return strings.Contains(h.logs.String(), "code 230002") && strings.Contains(h.logs.String(), "log-20250101-abc")
	})
	var e *apiError
	_, err := h.adapter.send(context.Background(), target{replyTo: "om_x"}, PlaceholderCard("x"), "u")
	if !errors.As(err, &e) || e.code != 230002 {
		t.Errorf("send error = %v, want the API code", err)
	}
}

func TestModelFailureStillReplies(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":{"message":"down"}}`, http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	h := newHarness(t, llm.New(llm.Config{BaseURL: srv.URL + "/v1", Model: "m", MaxRetries: -1}))
	h.post(t, "/feishu/events", messageEvent("ev_9", "om_q9", "group", "@_user_1 火山方舟接入了哪些模型？", true, nil), nil)
	waitFor(t, "the fallback card", func() bool { return h.lark.answered("om_q9") })
	final, _ := h.lark.finalCard("om_q9")
	if !strings.Contains(final, "503") || !strings.Contains(final, "火山方舟") {
		t.Errorf("fallback card: %.400s", final)
	}
}

func TestLongConnectionHandlers(t *testing.T) {
	h := newHarness(t, nil)
	// The long connection hands plaintext payloads to dispatch.
	if _, err := h.adapter.dispatch(context.Background(), mustJSON(messageEvent("ev_10", "om_q10", "group", "@_user_1 Kimi支持多长的上下文？", true, nil))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the answer", func() bool { return h.lark.answered("om_q10") })

	menu := map[string]any{"schema": "2.0",
		"header": map[string]any{"event_id": "ev_menu", "token": testToken, "event_type": "application.bot.menu_v6", "app_id": "cli_x"},
		"event":  map[string]any{"operator": map[string]any{"operator_id": map[string]any{"open_id": "ou_user9"}}, "event_key": "sources", "timestamp": 1735689600}}
	if _, err := h.adapter.dispatch(context.Background(), mustJSON(menu)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the menu answer", func() bool {
		for _, c := range h.lark.snapshot() {
			if c.Method == "send" && c.UUID == "ev_menu" {
				return true
			}
		}
		return false
	})
	stats, err := h.store.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the sources card", func() bool {
		for _, c := range h.lark.snapshot() {
			if c.Method == "update" && strings.Contains(c.Content, strconv.Itoa(stats.Articles)) {
				return true
			}
		}
		return false
	})
}

func TestCardFeedbackIsRecorded(t *testing.T) {
	h := newHarness(t, nil)
	h.post(t, "/feishu/events", messageEvent("ev_11", "om_q11", "p2p", "DeepSeek-V3的训练成本是多少？", false, nil), nil)
	waitFor(t, "the answer", func() bool { return h.lark.answered("om_q11") })
	final, _ := h.lark.finalCard("om_q11")
	var card struct {
		Elements []struct {
			Tag     string `json:"tag"`
			Actions []struct {
				Value map[string]any `json:"value"`
			} `json:"actions"`
		} `json:"elements"`
	}
	json.Unmarshal([]byte(final), &card)
	var value map[string]any
	for _, el := range card.Elements {
		if el.Tag == "action" {
			value = el.Actions[0].Value
		}
	}
	answerID, _, ok := FeedbackVote(value)
	if !ok {
		t.Fatalf("no feedback buttons in %.300s", final)
	}
	cb := map[string]any{"schema": "2.0",
		"header": map[string]any{"event_id": "ev_card", "token": testToken, "event_type": "card.action.trigger", "app_id": "cli_x"},
		"event": map[string]any{"operator": map[string]any{"open_id": "ou_user1"}, "token": "c-token",
			"action": map[string]any{"tag": "button", "value": value}, "host": "im_message",
			"context": map[string]any{"open_message_id": "om_bot_2", "open_chat_id": "oc_chat1"}}}
	resp := h.post(t, "/feishu/cards", cb, nil)
	var body map[string]any
	json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode != 200 || body["toast"] == nil {
		t.Errorf("card callback: %d %v", resp.StatusCode, body)
	}
	up, down, _ := h.store.Ledger().FeedbackTally(context.Background(), answerID)
	if up != 1 || down != 0 {
		t.Errorf("votes = %d up, %d down; want the click recorded", up, down)
	}
}

func TestMessageText(t *testing.T) {
	for _, tc := range []struct{ typ, content, want string }{
		{"text", `{"text":"@_user_1 火山方舟接入了哪些模型？"}`, "火山方舟接入了哪些模型？"},
		{"text", `{"text":"/ask @_user_1 Kimi"}`, "/ask Kimi"},
		{"post", `{"title":"问题","content":[[{"tag":"at","user_id":"@_user_1"},{"tag":"text","text":"豆包价格"}]]}`, "问题 豆包价格"},
		{"image", `{"image_key":"img"}`, ""},
		{"text", `not json`, ""},
	} {
		if got := messageText(tc.typ, tc.content); got != tc.want {
			t.Errorf("messageText(%s, %s) = %q, want %q", tc.typ, tc.content, got, tc.want)
		}
	}
}

// TestCardSaysHowCurrentTheSourcesAre: a question about a period after
// the newest article gets a card that says so, naming its date; one for
// the latest gets the answer under a notice naming it.
func TestCardSaysHowCurrentTheSourcesAre(t *testing.T) {
	h := newHarness(t, nil)
	h.post(t, "/feishu/events", messageEvent("ev_t1", "om_t1", "group", "@_user_1 最近一个月大模型市场有什么新闻？", true, nil), nil)
	h.post(t, "/feishu/events", messageEvent("ev_t2", "om_t2", "group", "@_user_1 目前火山方舟有哪些模型？", true, nil), nil)
	waitFor(t, "the first card", func() bool { return h.lark.answered("om_t1") })
	waitFor(t, "the second card", func() bool { return h.lark.answered("om_t2") })
	stats, err := h.store.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	newest := stats.Newest.Format(time.DateOnly)
	beyond, _ := h.lark.finalCard("om_t1")
	if !strings.Contains(beyond, "最新的一篇文章发表于"+newest) || strings.Contains(beyond, "[1]") {
		t.Errorf("card for a period after the sources: %.600s", beyond)
	}
	latest, _ := h.lark.finalCard("om_t2")
	if !strings.Contains(latest, "资料中最新的文章发表于"+newest) || !strings.Contains(latest, "[1]") {
		t.Errorf("card for the latest: %.600s", latest)
	}
}

// TestReasoningNeverShowsInFeishu: with a model that reasons before it
// answers (streamed; its reasoning in tags, or opened by the chat template
// and closed by a lone </think>), the card says the model is thinking,
// then shows the answer, and never the reasoning; the final card is golden.
func TestReasoningNeverShowsInFeishu(t *testing.T) {
	for _, model := range []string{"qwq", "deepseek-r1-distill-qwen-32b"} {
		t.Run(model, func(t *testing.T) { reasoningNeverShowsInFeishu(t, model) })
	}
}

func reasoningNeverShowsInFeishu(t *testing.T, model string) {
	srv := llmtest.ReasoningServer(t, llmtest.QuotingAnswer)
	h := newHarness(t, llm.New(llm.Config{BaseURL: srv.URL + "/v1", Model: model}))
	h.post(t, "/feishu/events", messageEvent("ev_think", "om_think", "group", "@_user_1 火山方舟接入了哪些模型？", true, nil), nil)
	waitFor(t, "the answer card", func() bool { return h.lark.answered("om_think") })
	thinking := false
	for _, c := range h.lark.snapshot() {
		if strings.Contains(c.Content, "think>") || strings.Contains(c.Content, "step by step") || strings.Contains(c.Content, "The user asks") {
			t.Errorf("%s shows the reasoning: %.300s", c.Method, c.Content)
		}
		thinking = thinking || strings.Contains(c.Content, "思考中")
	}
	if !thinking {
		t.Error("the card never said the model was thinking")
	}
	final, _ := h.lark.finalCard("om_think")
	var card any
	if err := json.Unmarshal([]byte(final), &card); err != nil {
		t.Fatal(err)
	}
	got, _ := json.MarshalIndent(card, "", "  ")
	got = regexp.MustCompile(`"(answer|reply_id|id)": "[0-9a-f]{16,}"`).ReplaceAll(got, []byte(`"$1": "ANSWER-ID"`)) // random per answer
	path := filepath.Join("testdata", "card_reasoning_final.golden.json")
	if *updateCards {
		os.WriteFile(path, got, 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update-cards)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("final card differs from %s (-want +got):\n%s", path, d)
	}
}

// TestPostShowsTheImage: a briefing's chart is uploaded as a message
// image, then shown in the card by its key.
func TestPostShowsTheImage(t *testing.T) {
	h := newHarness(t, nil)
	img := []byte("\x89PNG\r\n\x1a\n fake chart")
	if _, err := h.adapter.Post(context.Background(), "oc_chat", bot.Reply{Text: "**简报**", Lang: "zh",
		Image: &bot.Image{Name: "prices.png", PNG: img, Alt: "价格走势"}}); err != nil {
		t.Fatal(err)
	}
	h.lark.mu.Lock()
	images := h.lark.images
	h.lark.mu.Unlock()
	if len(images) != 1 || !bytes.Equal(images[0], img) {
		t.Fatalf("uploaded %q, want the chart", images)
	}
	calls := h.lark.snapshot()
	if len(calls) != 1 || calls[0].Method != "send" {
		t.Fatalf("calls %+v, want one message sent", calls)
	}
	card := cardCheck(t, calls[0].Content)
	found := false
	for _, e := range card.Elements {
		found = found || e.Tag == "img" && e.ImgKey == "img_v2_test" && e.Alt.Content == "价格走势"
	}
	if !found {
		t.Errorf("card %s: no image of key img_v2_test", calls[0].Content)
	}
}
