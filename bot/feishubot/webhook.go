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
	result, err := a.dispatcher.Do(context.Background(), plain)
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
