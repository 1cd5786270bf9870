package slackbot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Diagnosis is what Slack says about an app's credentials.
type Diagnosis struct {
	Team, TeamID   string // the workspace
	Bot, BotUserID string // the bot user
	// Missing are the BotScopes the bot token lacks, going by the scopes
	// Slack lists for it (none are missing when it lists none).
	Missing []string
	// Socket is set when the app token opened a Socket Mode connection URL.
	Socket bool
}

// Diagnose checks cfg's tokens with Slack without connecting anything:
// the bot token and its scopes with auth.test, and the app token, when
// set, with apps.connections.open.
func Diagnose(ctx context.Context, cfg Config) (Diagnosis, error) {
	if cfg.BotToken == "" {
		return Diagnosis{}, errors.New("SLACK_BOT_TOKEN is not set")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	api := newClient(cfg)
	auth, err := api.AuthTestContext(ctx)
	if err != nil {
		return Diagnosis{}, authError(err)
	}
	d := Diagnosis{Team: auth.Team, TeamID: auth.TeamID, Bot: auth.User, BotUserID: auth.UserID}
	if listed := auth.Header.Get("X-OAuth-Scopes"); listed != "" {
		granted := strings.Split(strings.ReplaceAll(listed, " ", ""), ",")
		for _, s := range BotScopes {
			if !slices.Contains(granted, s) {
				d.Missing = append(d.Missing, s)
			}
		}
	}
	if cfg.AppToken != "" {
		if _, _, err := api.StartSocketModeContext(ctx); err != nil {
			return d, fmt.Errorf("app token (apps.connections.open): %w", err)
		}
		d.Socket = true
	}
	return d, nil
}
