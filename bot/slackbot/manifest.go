package slackbot

import (
	_ "embed"
	"fmt"
	"net/url"
	"strings"
	"text/template"
)

//go:embed manifest.yaml.tmpl
var manifestTemplate string

// BotScopes are the OAuth scopes marketbot's bot token needs.
var BotScopes = []string{"app_mentions:read", "chat:write", "commands", "im:history", "im:read", "im:write",
	"channels:history", "groups:history", "reactions:write"}

// Manifest returns the Slack app manifest marketbot needs: its scopes,
// events, slash command and interactivity. For Socket Mode (socket set)
// it has no request URLs; otherwise baseURL is where "marketbot serve" is
// reachable (https://bot.example.com). command is the slash command, e.g.
// "/llm".
func Manifest(baseURL string, socket bool, command string) (string, error) {
	if !socket {
		u, err := url.Parse(baseURL)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return "", fmt.Errorf("slack manifest: the HTTP Events API needs the public https URL of marketbot serve (got %q)", baseURL)
		}
	}
	if !strings.HasPrefix(command, "/") || len(command) < 2 {
		return "", fmt.Errorf("slack manifest: slash command %q must start with /", command)
	}
	t := template.Must(template.New("manifest").Parse(manifestTemplate))
	var b strings.Builder
	err := t.Execute(&b, struct {
		URL     string
		Socket  bool
		Command string
		Scopes  []string
	}{strings.TrimRight(baseURL, "/"), socket, command, BotScopes})
	return b.String(), err
}
