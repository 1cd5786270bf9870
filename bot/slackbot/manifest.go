package slackbot

import (
	"fmt"
	"net/url"
	"strings"
)

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
	u := strings.TrimRight(baseURL, "/")
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	http := func(format string, args ...any) { // request URLs: not for Socket Mode
		if !socket {
			line(format, args...)
		}
	}
	line("# Slack app manifest for marketbot. Create the app at https://api.slack.com/apps")
	line(`# ("From an app manifest"), install it, then set SLACK_BOT_TOKEN (Bot User OAuth Token) and`)
	if socket {
		line("# SLACK_APP_TOKEN (an app-level token with connections:write) for Socket Mode.")
	} else {
		line("# SLACK_SIGNING_SECRET (Basic Information → Signing Secret) for the HTTP Events API.")
	}
	b.WriteString(manifestFeatures)
	line("  slash_commands:")
	line("    - command: %s", command)
	http("      url: %s/slack/commands", u)
	line("      description: Ask marketbot about the LLM market")
	line(`      usage_hint: "[question] [--private] | sources | help"`)
	line("      should_escape: false")
	line("oauth_config:\n  scopes:\n    bot:")
	for _, s := range BotScopes {
		line("      - %s", s)
	}
	line("settings:\n  event_subscriptions:")
	http("    request_url: %s/slack/events", u)
	line("    bot_events:\n      - app_mention\n      - message.im\n      - message.channels\n      - message.groups")
	line("  interactivity:\n    is_enabled: true")
	http("    request_url: %s/slack/interactions", u)
	line("  org_deploy_enabled: false\n  socket_mode_enabled: %t\n  token_rotation_enabled: false", socket)
	return b.String(), nil
}

// manifestFeatures is the part of the manifest that never changes.
const manifestFeatures = `display_information:
  name: marketbot
  description: Cited answers about the LLM market, in Chinese and English.
  background_color: "#1f2937"
features:
  app_home:
    messages_tab_enabled: true
    messages_tab_read_only_enabled: false
  bot_user:
    display_name: marketbot
    always_online: true
`
