package slackbot

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/marketbot/marketbot/bot"
)

// RunSocketMode receives events over Socket Mode (SLACK_APP_TOKEN) until
// ctx ends. Every envelope is acknowledged before any work.
func (a *Adapter) RunSocketMode(ctx context.Context) error {
	if a.cfg.AppToken == "" {
		return fmt.Errorf("slack: Socket Mode needs SLACK_APP_TOKEN")
	}
	sm := socketmode.New(a.api)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-sm.Events:
				if !ok {
					return
				}
				a.socketEvent(sm, ev)
			}
		}
	}()
	err := sm.RunContext(ctx)
	if ctx.Err() != nil {
		return nil
	}
	// Socket Mode retries everything but a refused app token (its error
	// code, or 404 from apps.connections.open).
	err = fmt.Errorf("slack: socket mode (check SLACK_APP_TOKEN): %w", err)
	return &bot.RefusedError{Err: err}
}

func (a *Adapter) socketEvent(sm *socketmode.Client, ev socketmode.Event) {
	switch ev.Type {
	case socketmode.EventTypeConnected, socketmode.EventTypeHello:
		a.connected.Store(true)
		return
	case socketmode.EventTypeConnecting, socketmode.EventTypeConnectionError, socketmode.EventTypeDisconnect, socketmode.EventTypeIncomingError:
		a.connected.Store(false)
		return
	}
	if ev.Request == nil {
		return
	}
	a.cfg.Intake.Arrived()
	start := time.Now()
	a.cfg.Metrics.Received("slack")
	ack := func(payload ...any) {
		sm.Ack(*ev.Request, payload...)
		a.cfg.Metrics.Acked("slack", time.Since(start))
	}
	switch ev.Type {
	case socketmode.EventTypeEventsAPI:
		ack()
		api, ok := ev.Data.(slackevents.EventsAPIEvent)
		if !ok {
			return
		}
		payload, retry := ev.Request.Payload, ev.Request.RetryAttempt
		a.later(func() {
			var envelope struct {
				EventID string `json:"event_id"`
			}
			json.Unmarshal(payload, &envelope)
			if retry > 0 {
				a.log.Info("Slack retried a delivery", "event", envelope.EventID, "retry", retry)
			}
			a.event(envelope.EventID, api.InnerEvent.Data)
		})
	case socketmode.EventTypeSlashCommand:
		cmd, ok := ev.Data.(slack.SlashCommand)
		if !ok {
			ack()
			return
		}
		ack(a.command(cmd))
	case socketmode.EventTypeInteractive:
		ack()
		if cb, ok := ev.Data.(slack.InteractionCallback); ok {
			a.interaction(cb)
		}
	default:
		ack()
	}
}
