// Package feishubot is the Feishu/Lark adapter: it receives messages
// (group @mentions and direct messages), bot-menu clicks and card button
// callbacks over the long connection or an encrypted, signed webhook,
// hands questions to the bot core's queue without delaying the SDK's
// acknowledgement, and replies to the asking message with an interactive
// card that is updated as the answer streams.
package feishubot

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	larkcore "github.com/larksuite/oapi-sdk-go/v3/core"
	"github.com/larksuite/oapi-sdk-go/v3/event/dispatcher/callback"
	larkapplication "github.com/larksuite/oapi-sdk-go/v3/service/application/v6"
	larkim "github.com/larksuite/oapi-sdk-go/v3/service/im/v1"

	"github.com/marketbot/marketbot/bot"
	"github.com/marketbot/marketbot/corpus"
)

// Config configures the adapter. Secrets come from the environment (see
// cmd/marketbot) and are never logged.
type Config struct {
	AppID, AppSecret  string
	VerificationToken string // checked on every webhook event and challenge when set
	EncryptKey        string // required for the webhook: events are encrypted and signed with it
	BaseURL           string // https://open.feishu.cn (default) or https://open.larksuite.com
	Logger            *slog.Logger
	// Placeholder is the text of the card shown at once, e.g. "正在检索 53 篇文章…".
	Placeholder func(ctx context.Context, lang string) string
	// UpdateEvery is the least time between two updates of a streaming
	// card (Feishu allows 5 a second per message); default 1s.
	UpdateEvery time.Duration
	Metrics     *bot.Metrics // default: none
	// Intake is where deliveries are noted and answers started, shared
	// with the other platforms; default: every answer starts at once.
	Intake *bot.Intake
}

// Core is what the adapter needs from the bot core.
type Core interface {
	Claim(ctx context.Context, q bot.Question) bool
	Feedback(ctx context.Context, answerID, user string, vote int) error
}

// Queue takes questions to answer.
type Queue interface {
	Submit(j bot.Job) error
}

// Adapter connects one Feishu/Lark app to the bot.
type Adapter struct {
	sdk       *larkcore.Config // the open platform's address, credentials, token cache and HTTP client
	im        *larkim.V1
	cfg       Config
	core      Core
	queue     Queue
	log       *slog.Logger
	botOpenID atomic.Pointer[string] // once connected
	wg        sync.WaitGroup
	ctx       context.Context
	cancel    context.CancelFunc
	longConn  atomic.Bool // events arrive over the long connection
	connected atomic.Bool // the long connection is up
}

// Ready reports whether the adapter can receive events: always as a
// webhook, while connected over the long connection.
func (a *Adapter) Ready() bool { return !a.longConn.Load() || a.connected.Load() }

// delivered counts a delivery over the long connection, which the SDK
// acknowledges when the handler returns; call the result then.
func (a *Adapter) delivered() (acked func()) {
	if !a.longConn.Load() {
		return func() {} // the webhook's HTTP handler counts
	}
	start := time.Now()
	a.cfg.Metrics.Received("feishu")
	return func() { a.cfg.Metrics.Acked("feishu", time.Since(start)) }
}

// New checks the app's credentials by asking who the bot is
// (/open-apis/bot/v3/info) and returns an adapter.
func New(ctx context.Context, cfg Config, core Core, queue Queue) (*Adapter, error) {
	a, err := Open(cfg, core, queue)
	if err != nil {
		return nil, err
	}
	if err := a.Connect(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

// Open returns an adapter that has not talked to the open platform yet:
// Connect checks the credentials; until then its webhook answers events
// with 503, which Feishu delivers again later.
func Open(cfg Config, core Core, queue Queue) (*Adapter, error) {
	if cfg.AppID == "" || cfg.AppSecret == "" {
		return nil, errors.New("feishu: FEISHU_APP_ID and FEISHU_APP_SECRET must both be set")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = FeishuBaseURL
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.UpdateEvery <= 0 {
		cfg.UpdateEvery = time.Second
	}
	sdk := newSDKConfig(cfg)
	actx, cancel := context.WithCancel(context.Background())
	a := &Adapter{sdk: sdk, im: larkim.New(sdk), cfg: cfg, core: core, queue: queue, log: cfg.Logger.With("platform", "feishu"), ctx: actx, cancel: cancel}
	return a, nil
}

// Connect asks who the bot is (/open-apis/bot/v3/info), which checks the
// app's credentials. Credentials the open platform refuses are a
// *bot.RefusedError; an unreachable platform is any other error.
func (a *Adapter) Connect(ctx context.Context) error {
	id, err := a.botInfo(ctx)
	if err != nil {
		return err
	}
	a.botOpenID.Store(&id)
	return nil
}

// BotOpenID is the bot's open_id, as the open platform reported it; ""
// until connected.
func (a *Adapter) BotOpenID() string {
	if id := a.botOpenID.Load(); id != nil {
		return *id
	}
	return ""
}

// codeRateLimited is the open platform's "too many requests" code: the
// only code that means "later" rather than "no".
const codeRateLimited = 99991400

// botInfo returns the bot's open_id, to recognise mentions of it.
func (a *Adapter) botInfo(ctx context.Context) (string, error) {
	resp, err := larkcore.Request(ctx, &larkcore.ApiReq{HttpMethod: http.MethodGet, ApiPath: "/open-apis/bot/v3/info",
		SupportedAccessTokenTypes: []larkcore.AccessTokenType{larkcore.AccessTokenTypeTenant}}, a.sdk)
	if err != nil {
		if ce, ok := errors.AsType[larkcore.CodeError](err); ok && ce.Code != codeRateLimited {
			// The tenant token was refused: the app id or secret is wrong.
			return "", &bot.RefusedError{Err: fmt.Errorf("feishu: check the app credentials (tenant token): %w", err)}
		}
		return "", fmt.Errorf("feishu: open platform not available (bot info): %w", err)
	}
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
		return "", fmt.Errorf("feishu: open platform not available (bot info): HTTP %d (request %s)", resp.StatusCode, resp.RequestId())
	}
	var body struct {
		Code int    `json:"code"`
		Msg  string `json:"msg"`
		Bot  struct {
			OpenID string `json:"open_id"`
		} `json:"bot"`
	}
	if err := json.Unmarshal(resp.RawBody, &body); err != nil {
		return "", fmt.Errorf("feishu: bot info: unexpected answer (HTTP %d)", resp.StatusCode)
	}
	if body.Code == codeRateLimited {
		return "", fmt.Errorf("feishu: open platform not available (bot info): rate limited (request %s)", resp.RequestId())
	}
	if body.Code != 0 || body.Bot.OpenID == "" {
		return "", &bot.RefusedError{Err: fmt.Errorf("feishu: bot info refused: code %d: %s (request %s)", body.Code, body.Msg, resp.RequestId())}
	}
	return body.Bot.OpenID, nil
}

// Close waits for replies being sent, up to ctx's deadline.
func (a *Adapter) Close(ctx context.Context) error {
	done := make(chan struct{})
	go func() { a.wg.Wait(); close(done) }()
	select {
	case <-done:
		a.cancel()
		return nil
	case <-ctx.Done():
		a.cancel()
		return ctx.Err()
	}
}

// onMessage takes an im.message.receive_v1 event. It only decides and
// enqueues: the SDK acknowledges the event once it returns, and Feishu
// re-delivers what is not acknowledged within 3 s.
func (a *Adapter) onMessage(_ context.Context, ev *larkim.P2MessageReceiveV1) error {
	defer a.delivered()()
	if ev == nil || ev.Event == nil || ev.Event.Message == nil || ev.Event.Sender == nil {
		return nil
	}
	m, s := ev.Event.Message, ev.Event.Sender
	if str(s.SenderType) != "user" { // bots, itself included
		return nil
	}
	mentioned := false
	for _, men := range m.Mentions {
		if men.Id != nil && str(men.Id.OpenId) == a.BotOpenID() {
			mentioned = true
		}
	}
	if str(m.ChatType) != "p2p" && !mentioned {
		return nil // groups deliver only @bot messages, but be sure
	}
	text := messageText(str(m.MessageType), str(m.Content))
	if text == "" {
		return nil
	}
	user := ""
	if s.SenderId != nil {
		user = str(s.SenderId.OpenId)
	}
	thread := str(m.RootId)
	if thread == "" {
		thread = str(m.ThreadId)
	}
	eventID := ""
	if ev.EventV2Base != nil && ev.EventV2Base.Header != nil {
		eventID = ev.EventV2Base.Header.EventID
	}
	q := bot.Question{Platform: "feishu", Conversation: str(m.ChatId), Thread: thread, MessageID: str(m.MessageId),
		EventID: eventID, User: user, Text: text}
	a.goAnswer(q, target{replyTo: str(m.MessageId), inThread: str(m.ThreadId) != ""})
	return nil
}

// onMenu maps a bot-menu click (application.bot.menu_v6) to the command
// of the same name: ask, brief, sources or help.
func (a *Adapter) onMenu(_ context.Context, ev *larkapplication.P2BotMenuV6) error {
	defer a.delivered()()
	if ev == nil || ev.Event == nil || ev.Event.Operator == nil || ev.Event.Operator.OperatorId == nil {
		return nil
	}
	key := strings.ToLower(strings.TrimPrefix(str(ev.Event.EventKey), "/"))
	openID := str(ev.Event.Operator.OperatorId.OpenId)
	eventID := ""
	if ev.EventV2Base != nil && ev.EventV2Base.Header != nil {
		eventID = ev.EventV2Base.Header.EventID
	}
	q := bot.Question{Platform: "feishu", Conversation: "p2p:" + openID, MessageID: "menu:" + eventID, EventID: eventID, User: openID, Text: "/" + key}
	a.goAnswer(q, target{openID: openID})
	return nil
}

// onCard records 👍/👎 clicks on answer cards.
func (a *Adapter) onCard(ctx context.Context, ev *callback.CardActionTriggerEvent) (*callback.CardActionTriggerResponse, error) {
	defer a.delivered()()
	if ev == nil || ev.Event == nil || ev.Event.Action == nil {
		return &callback.CardActionTriggerResponse{}, nil
	}
	answerID, vote, ok := FeedbackVote(ev.Event.Action.Value)
	if !ok {
		return &callback.CardActionTriggerResponse{}, nil
	}
	user := ""
	if ev.Event.Operator != nil {
		user = ev.Event.Operator.OpenID
	}
	if err := a.core.Feedback(ctx, answerID, user, vote); err != nil {
		a.log.Error("could not record feedback", "answer", answerID, "err", err)
		return &callback.CardActionTriggerResponse{Toast: &callback.Toast{Type: "error", Content: "Sorry, the feedback was not recorded."}}, nil
	}
	return &callback.CardActionTriggerResponse{Toast: &callback.Toast{Type: "success", Content: "Thanks — feedback recorded. 感谢反馈！"}}, nil
}

// target is where a reply goes: a reply to the asking message, or a new
// message to a user (for bot-menu clicks).
type target struct {
	replyTo  string
	inThread bool
	openID   string
}

func (a *Adapter) goAnswer(q bot.Question, t target) {
	a.wg.Go(func() { a.cfg.Intake.Run(a.ctx, func() { a.answer(q, t) }) })
}

// answer claims a question, shows a placeholder card and queues it.
func (a *Adapter) answer(q bot.Question, t target) {
	ctx := a.ctx
	if !a.core.Claim(ctx, q) {
		return
	}
	c := newCard(a, a.log.With("chat", q.Conversation, "message", q.MessageID, "event", q.EventID), t, q.EventID, corpus.DetectLang(q.Text))
	c.start(ctx)
	err := a.queue.Submit(bot.Job{Question: q, Stream: c.live.Write, Deliver: func(r bot.Reply) { c.finish(ctx, r) }})
	if err != nil {
		c.log.Warn("queue full; told the user", "err", err)
		c.finish(ctx, bot.Reply{Text: bot.Busy(q.Text), Lang: c.lang})
	}
}

// card is one answer's message: a placeholder card, updated as the answer
// streams, then replaced by the final card.
type card struct {
	a    *Adapter
	log  *slog.Logger
	t    target
	uuid string
	lang string
	live *bot.LiveMessage

	mu sync.Mutex
	id string // the placeholder message's id; "" if none
}

func newCard(a *Adapter, log *slog.Logger, t target, uuid, lang string) *card {
	c := &card{a: a, log: log, t: t, uuid: uuid, lang: lang}
	c.live = bot.NewLiveMessage(a.cfg.UpdateEvery, c.progress)
	return c
}

func (c *card) start(ctx context.Context) {
	text := "…"
	if c.a.cfg.Placeholder != nil {
		text = c.a.cfg.Placeholder(ctx, c.lang)
	}
	id, err := c.a.send(ctx, c.t, PlaceholderCard(text), c.uuid)
	if err != nil {
		c.log.Warn("could not send the placeholder card", "err", err)
		return
	}
	c.mu.Lock()
	c.id = id
	c.mu.Unlock()
}

// progress shows the answer written so far in the placeholder card.
func (c *card) progress(text string) {
	c.mu.Lock()
	id := c.id
	c.mu.Unlock()
	if id == "" {
		return
	}
	if err := c.a.patch(c.a.ctx, id, ProgressCard(text, c.lang)); err != nil {
		c.log.Warn("could not update the streaming card", "err", err)
	}
}

func (c *card) finish(ctx context.Context, r bot.Reply) {
	c.live.Stop() // an update in flight lands first: it cannot overwrite the answer
	c.mu.Lock()
	id := c.id
	c.mu.Unlock()
	content := Card(r, r.ID)
	var err error
	if id != "" {
		err = c.a.patch(ctx, id, content)
	} else {
		_, err = c.a.send(ctx, c.t, content, c.uuid+":answer")
	}
	if err != nil {
		c.log.Error("could not deliver the answer", "err", err)
	}
}

// apiError is an error Feishu reported in a response body.
type apiError struct {
	op, requestID string
	code          int
	msg           string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("feishu %s: code %d: %s (request %s)", e.op, e.code, e.msg, e.requestID)
}

// send posts an interactive card: a reply to a message, or a new message
// to a user. uuid makes a retried send post once.
func (a *Adapter) send(ctx context.Context, t target, content, uuid string) (string, error) {
	if t.replyTo != "" {
		body := larkim.NewReplyMessageReqBodyBuilder().MsgType(larkim.MsgTypeInteractive).Content(content).ReplyInThread(t.inThread)
		if uuid != "" {
			body.Uuid(uuid)
		}
		resp, err := a.im.Message.Reply(ctx, larkim.NewReplyMessageReqBuilder().MessageId(t.replyTo).Body(body.Build()).Build())
		if err != nil {
			return "", fmt.Errorf("feishu reply: %w", err)
		}
		if !resp.Success() {
			return "", &apiError{"reply", resp.RequestId(), resp.Code, resp.Msg}
		}
		return str(resp.Data.MessageId), nil
	}
	body := larkim.NewCreateMessageReqBodyBuilder().ReceiveId(t.openID).MsgType(larkim.MsgTypeInteractive).Content(content)
	if uuid != "" {
		body.Uuid(uuid)
	}
	resp, err := a.im.Message.Create(ctx, larkim.NewCreateMessageReqBuilder().ReceiveIdType("open_id").Body(body.Build()).Build())
	if err != nil {
		return "", fmt.Errorf("feishu send: %w", err)
	}
	if !resp.Success() {
		return "", &apiError{"send", resp.RequestId(), resp.Code, resp.Msg}
	}
	return str(resp.Data.MessageId), nil
}

// uploadImage uploads a picture for messages and returns its image_key.
func (a *Adapter) uploadImage(ctx context.Context, png []byte) (string, error) {
	body := larkim.NewCreateImageReqBodyBuilder().ImageType("message").Image(bytes.NewReader(png)).Build()
	resp, err := a.im.Image.Create(ctx, larkim.NewCreateImageReqBuilder().Body(body).Build())
	if err != nil {
		return "", fmt.Errorf("feishu image upload: %w", err)
	}
	if !resp.Success() {
		return "", &apiError{"image upload", resp.RequestId(), resp.Code, resp.Msg}
	}
	return str(resp.Data.ImageKey), nil
}

// patch replaces a card (the card must have config.update_multi).
func (a *Adapter) patch(ctx context.Context, messageID, content string) error {
	resp, err := a.im.Message.Patch(ctx, larkim.NewPatchMessageReqBuilder().MessageId(messageID).
		Body(larkim.NewPatchMessageReqBodyBuilder().Content(content).Build()).Build())
	if err != nil {
		return fmt.Errorf("feishu update: %w", err)
	}
	if !resp.Success() {
		return &apiError{"update", resp.RequestId(), resp.Code, resp.Msg}
	}
	return nil
}

var atPlaceholder = regexp.MustCompile(`@_user_\d+|@_all`)

// messageText extracts what a user wrote from a message's content: text,
// or the text runs of a rich-text post, without @ placeholders.
func messageText(msgType, content string) string {
	var text string
	switch msgType {
	case "text":
		var c struct {
			Text string `json:"text"`
		}
		if json.Unmarshal([]byte(content), &c) != nil {
			return ""
		}
		text = c.Text
	case "post":
		text = postText(content)
	default:
		return ""
	}
	return strings.Join(strings.Fields(atPlaceholder.ReplaceAllString(text, " ")), " ")
}

// postText reads a rich-text post, with or without a language wrapper
// ({"zh_cn": {...}}).
func postText(content string) string {
	type post struct {
		Title   string `json:"title"`
		Content [][]struct {
			Tag  string `json:"tag"`
			Text string `json:"text"`
		} `json:"content"`
	}
	var p post
	if json.Unmarshal([]byte(content), &p) != nil || (p.Title == "" && len(p.Content) == 0) {
		var wrapped map[string]post
		if json.Unmarshal([]byte(content), &wrapped) != nil {
			return ""
		}
		for _, lang := range []string{"zh_cn", "en_us", "ja_jp"} {
			if w, ok := wrapped[lang]; ok {
				p = w
				break
			}
		}
		if p.Title == "" && len(p.Content) == 0 {
			for _, w := range wrapped {
				p = w
				break
			}
		}
	}
	var b strings.Builder
	if p.Title != "" {
		b.WriteString(p.Title + "\n")
	}
	for _, line := range p.Content {
		for _, el := range line {
			if el.Tag == "text" || el.Tag == "a" {
				b.WriteString(el.Text)
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// Post sends a message (a briefing) to a chat and returns its message id:
// replies to it are the thread where readers can ask about it. Its uuid is
// derived from the chat and the text, so a retried post sends once.
func (a *Adapter) Post(ctx context.Context, chatID string, r bot.Reply) (string, error) {
	if r.Image != nil {
		// Uploaded first, then shown in the card by its key; the card goes
		// without it if the upload fails.
		img := *r.Image
		var err error
		if img.Key, err = a.uploadImage(ctx, img.PNG); err != nil {
			a.log.Warn("could not upload the image; posting without it", "chat", chatID, "err", err)
		}
		r.Image = &img
	}
	sum := sha256.Sum256([]byte(chatID + "\x00" + r.Text))
	uuid := hex.EncodeToString(sum[:16])
	body := larkim.NewCreateMessageReqBodyBuilder().ReceiveId(chatID).MsgType(larkim.MsgTypeInteractive).Content(Card(r, r.ID)).Uuid(uuid)
	resp, err := a.im.Message.Create(ctx, larkim.NewCreateMessageReqBuilder().ReceiveIdType("chat_id").Body(body.Build()).Build())
	if err != nil {
		return "", fmt.Errorf("feishu post to %s: %w", chatID, err)
	}
	if !resp.Success() {
		return "", &apiError{"post", resp.RequestId(), resp.Code, resp.Msg}
	}
	return str(resp.Data.MessageId), nil
}
