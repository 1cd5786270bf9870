package slackbot

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
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
	return fmt.Errorf("slack: socket mode: %w", err)
}

func (a *Adapter) socketEvent(sm *socketmode.Client, ev socketmode.Event) {
	switch ev.Type {
	case socketmode.EventTypeEventsAPI:
		sm.Ack(*ev.Request)
		api, ok := ev.Data.(slackevents.EventsAPIEvent)
		if !ok {
			return
		}
		var envelope struct {
			EventID string `json:"event_id"`
		}
		json.Unmarshal(ev.Request.Payload, &envelope)
		if ev.Request.RetryAttempt > 0 {
			a.log.Info("Slack retried a delivery", "event", envelope.EventID, "retry", ev.Request.RetryAttempt)
		}
		a.event(envelope.EventID, api.InnerEvent.Data)
	case socketmode.EventTypeSlashCommand:
		cmd, ok := ev.Data.(slack.SlashCommand)
		if !ok {
			sm.Ack(*ev.Request)
			return
		}
		sm.Ack(*ev.Request, a.command(cmd))
	case socketmode.EventTypeInteractive:
		sm.Ack(*ev.Request)
		if cb, ok := ev.Data.(slack.InteractionCallback); ok {
			a.interaction(cb)
		}
	}
}
