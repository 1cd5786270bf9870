package feishubot

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	larkevent "github.com/larksuite/oapi-sdk-go/v3/event"
	"github.com/larksuite/oapi-sdk-go/v3/event/dispatcher/callback"
	larkapplication "github.com/larksuite/oapi-sdk-go/v3/service/application/v6"
	larkim "github.com/larksuite/oapi-sdk-go/v3/service/im/v1"
)

// maxBody bounds what Feishu may send in one request.
const maxBody = 1 << 20

// Routes registers the webhook endpoints on mux: /feishu/events for
// events and /feishu/cards for card callbacks. Both need the encrypt key:
// the SDK alone would accept events with a wrong verification token when
// none is set, and answers failed checks with a 500 and no content type.
// Here a request must decrypt with the key, carry a valid X-Lark-Signature
// and, when a verification token is configured, that token; otherwise it
// gets 401 and nothing else happens.
func (a *Adapter) Routes(mux *http.ServeMux) error {
	if a.cfg.EncryptKey == "" {
		return errors.New("feishu: webhook mode needs FEISHU_ENCRYPT_KEY (set an Encrypt Key under Events & Callbacks → Encryption Strategy)")
	}
	h := a.cfg.Metrics.HTTP("feishu", http.HandlerFunc(a.handleWebhook))
	mux.Handle("POST /feishu/events", h)
	mux.Handle("POST /feishu/cards", h)
	return nil
}

func (a *Adapter) handleWebhook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"msg": "request too large"})
		} else {
			writeJSON(w, http.StatusBadRequest, map[string]string{"msg": "cannot read request"})
		}
		return
	}
	plain, challenge, err := a.open(r.Header, body)
	if err != nil {
		a.log.WarnContext(r.Context(), "refused a webhook request", "path", r.URL.Path, "err", err)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"msg": "unauthorized"})
		return
	}
	if challenge != "" {
		writeJSON(w, http.StatusOK, map[string]string{"challenge": challenge})
		return
	}
	if a.BotOpenID() == "" {
		// Not connected to the open platform yet, where the answer would
		// go: Feishu delivers the event again later.
		w.Header().Set("Retry-After", "60")
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"msg": "feishu: not connected to the open platform yet"})
		return
	}
	// The handlers only enqueue, so this returns well within Feishu's 3 s.
	result, err := a.dispatch(context.Background(), plain)
	if err != nil {
		a.log.WarnContext(r.Context(), "webhook event not handled", "err", err)
		writeJSON(w, http.StatusOK, map[string]string{"msg": "ignored"})
		return
	}
	if result == nil {
		result = map[string]string{"msg": "ok"}
	}
	writeJSON(w, http.StatusOK, result)
}

// open decrypts a webhook body and checks it: the signature (for events
// and callbacks) and the verification token. It returns the plaintext, or
// the challenge of a url_verification request.
func (a *Adapter) open(h http.Header, body []byte) (plain []byte, challenge string, err error) {
	var enc struct {
		Encrypt string `json:"encrypt"`
	}
	if err := json.Unmarshal(body, &enc); err != nil || enc.Encrypt == "" {
		return nil, "", errors.New("not an encrypted request")
	}
	plain, err = decrypt(enc.Encrypt, a.cfg.EncryptKey)
	if err != nil {
		return nil, "", err
	}
	var msg struct {
		Type      string `json:"type"`
		Challenge string `json:"challenge"`
		Token     string `json:"token"`
		Header    *struct {
			Token string `json:"token"`
		} `json:"header"`
	}
	if err := json.Unmarshal(plain, &msg); err != nil {
		return nil, "", fmt.Errorf("decrypted body is not JSON: %w", err)
	}
	token := msg.Token
	if msg.Header != nil {
		token = msg.Header.Token
	}
	if a.cfg.VerificationToken != "" && subtle.ConstantTimeCompare([]byte(token), []byte(a.cfg.VerificationToken)) != 1 {
		return nil, "", errors.New("wrong verification token")
	}
	if msg.Type == "url_verification" {
		// Challenges are not signed; decrypting with the key proves them.
		return nil, msg.Challenge, nil
	}
	want := larkevent.Signature(h.Get(larkevent.EventRequestTimestamp), h.Get(larkevent.EventRequestNonce), a.cfg.EncryptKey, string(body))
	if subtle.ConstantTimeCompare([]byte(h.Get(larkevent.EventSignature)), []byte(want)) != 1 {
		return nil, "", errors.New("bad signature")
	}
	return plain, "", nil
}

// decrypt opens an encrypted body. The SDK's EventDecrypt panics on some
// bodies encrypted with another key (it slices between the first "{" and
// the last "}" of the garbage); that is a forged request, not a crash.
func decrypt(cipherText, key string) (plain []byte, err error) {
	defer func() {
		if recover() != nil {
			plain, err = nil, errors.New("cannot decrypt: wrong key or corrupt body")
		}
	}()
	plain, err = larkevent.EventDecrypt(cipherText, key)
	if err != nil {
		return nil, fmt.Errorf("cannot decrypt: %w", err)
	}
	return plain, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// dispatch hands a plaintext event (schema 2.0, from the webhook or the
// long connection) to its handler, as the SDK's dispatcher would without
// linking the 28 service packages it registers: messages, bot-menu clicks
// and card callbacks, whose result is the callback's answer.
func (a *Adapter) dispatch(ctx context.Context, payload []byte) (any, error) {
	a.cfg.Intake.Arrived()
	var env struct {
		Header *struct {
			EventType string `json:"event_type"`
		} `json:"header"`
	}
	if err := json.Unmarshal(payload, &env); err != nil {
		return nil, fmt.Errorf("event is not JSON: %w", err)
	}
	if env.Header == nil {
		return nil, errors.New("not a schema 2.0 event")
	}
	switch t := env.Header.EventType; t {
	case "im.message.receive_v1":
		ev, err := decode[larkim.P2MessageReceiveV1](t, payload)
		if err != nil {
			return nil, err
		}
		return nil, a.onMessage(ctx, ev)
	case "application.bot.menu_v6":
		ev, err := decode[larkapplication.P2BotMenuV6](t, payload)
		if err != nil {
			return nil, err
		}
		return nil, a.onMenu(ctx, ev)
	case "card.action.trigger":
		ev, err := decode[callback.CardActionTriggerEvent](t, payload)
		if err != nil {
			return nil, err
		}
		return a.onCard(ctx, ev)
	default:
		return nil, fmt.Errorf("no handler for event type %q", t)
	}
}

// decode reads an event of type t into the SDK's type for it.
func decode[E any](t string, payload []byte) (*E, error) {
	ev := new(E)
	if err := json.Unmarshal(payload, ev); err != nil {
		return nil, fmt.Errorf("%s: %w", t, err)
	}
	return ev, nil
}
