package slackbot

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// maxBody bounds what Slack may send in one request.
const maxBody = 1 << 20

// Routes registers the HTTP Events API endpoints on mux: /slack/events,
// /slack/commands and /slack/interactions. Every request must carry a
// valid signature less than five minutes old; anything else gets 401.
func (a *Adapter) Routes(mux *http.ServeMux) error {
	if a.cfg.SigningSecret == "" {
		return errors.New("slack: set SLACK_SIGNING_SECRET (HTTP Events API) or SLACK_APP_TOKEN (Socket Mode)")
	}
	m := a.cfg.Metrics
	mux.Handle("POST /slack/events", m.HTTP("slack", http.HandlerFunc(a.handleEvents)))
	mux.Handle("POST /slack/commands", m.HTTP("slack", http.HandlerFunc(a.handleCommand)))
	mux.Handle("POST /slack/interactions", m.HTTP("slack", http.HandlerFunc(a.handleInteraction)))
	return nil
}

// verified reads a request's body and checks its signature, answering
// 401 (forged, stale or unsigned) or 413 (too large) itself when it fails.
func (a *Adapter) verified(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
		} else {
			http.Error(w, "cannot read request", http.StatusBadRequest)
		}
		return nil, false
	}
	// NewSecretsVerifier itself refuses timestamps more than five minutes off.
	sv, err := slack.NewSecretsVerifier(r.Header, a.cfg.SigningSecret)
	if err == nil {
		sv.Write(body)
		err = sv.Ensure()
	}
	if err != nil {
		a.log.WarnContext(r.Context(), "refused a request with a bad signature", "path", r.URL.Path, "err", err)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return nil, false
	}
	a.cfg.Intake.Arrived()
	return body, true
}

func (a *Adapter) handleEvents(w http.ResponseWriter, r *http.Request) {
	body, ok := a.verified(w, r)
	if !ok {
		return
	}
	// Only what the acknowledgement needs is read here; the event itself
	// is decoded after it. Signatures are checked above, so the deprecated
	// token is not.
	var outer struct {
		Type      string `json:"type"`
		Challenge string `json:"challenge"`
	}
	if err := json.Unmarshal(body, &outer); err != nil {
		http.Error(w, "cannot parse event", http.StatusBadRequest)
		return
	}
	switch outer.Type {
	case slackevents.URLVerification:
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, outer.Challenge)
	case slackevents.CallbackEvent:
		if a.botUserID() == "" {
			notConnected(w)
			return
		}
		// Ack first: Slack retries what is not acknowledged within 3 s.
		w.WriteHeader(http.StatusOK)
		retry, reason := r.Header.Get("X-Slack-Retry-Num"), r.Header.Get("X-Slack-Retry-Reason")
		a.later(func() { a.callback(body, retry, reason) })
	default:
		w.WriteHeader(http.StatusOK)
	}
}

// callback decodes an acknowledged event_callback delivery and takes its
// event.
func (a *Adapter) callback(body []byte, retry, reason string) {
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		a.log.Warn("cannot parse an event", "err", err)
		return
	}
	eventID := ""
	if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok {
		eventID = cb.EventID
	}
	if n, _ := strconv.Atoi(retry); n > 0 {
		a.log.Info("Slack retried a delivery", "event", eventID, "retry", n, "reason", reason)
	}
	a.event(eventID, ev.InnerEvent.Data)
}

func (a *Adapter) handleCommand(w http.ResponseWriter, r *http.Request) {
	body, ok := a.verified(w, r)
	if !ok {
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "cannot parse command", http.StatusBadRequest)
		return
	}
	cmd := slack.SlashCommand{
		Command: form.Get("command"), Text: form.Get("text"), ResponseURL: form.Get("response_url"),
		TriggerID: form.Get("trigger_id"), UserID: form.Get("user_id"), ChannelID: form.Get("channel_id"),
	}
	if a.botUserID() == "" {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(slack.Msg{ResponseType: slack.ResponseTypeEphemeral, Text: notConnectedText})
		return
	}
	ack := a.command(cmd)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(ack)
}

func (a *Adapter) handleInteraction(w http.ResponseWriter, r *http.Request) {
	body, ok := a.verified(w, r)
	if !ok {
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "cannot parse interaction", http.StatusBadRequest)
		return
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
		http.Error(w, "cannot parse interaction payload", http.StatusBadRequest)
		return
	}
	if a.botUserID() == "" {
		notConnected(w)
		return
	}
	w.WriteHeader(http.StatusOK)
	a.interaction(cb)
}

// notConnectedText answers a slash command that arrives before the
// adapter could reach Slack's Web API, where the answer would go.
const notConnectedText = "marketbot cannot reach Slack's Web API yet, so it cannot post answers; please try again in a minute. marketbot 暂时连不上 Slack，请稍后再试。"

// notConnected answers a delivery that arrives before the adapter could
// reach Slack's Web API: 503, and Slack delivers it again later.
func notConnected(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "60")
	http.Error(w, "slack: not connected to the Web API yet", http.StatusServiceUnavailable)
}
