package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"gopkg.in/yaml.v3"

	"github.com/marketbot/marketbot/bot"
	"github.com/marketbot/marketbot/rag/feeds"
)

// config is the configuration file (MARKETBOT_CONFIG or --config): what
// environment variables do not fit. Secrets stay in the environment.
type config struct {
	AllowPrivate bool
	Feeds        []feeds.Feed
	Briefings    []bot.Target
	Channels     map[string]bot.Channel
}

// fileConfig is the file's YAML, as written.
type fileConfig struct {
	AllowPrivateNetworks bool `yaml:"allow_private_networks"`
	Feeds                []struct {
		URL      string `yaml:"url"`
		Every    string `yaml:"every"`
		FullText bool   `yaml:"full_text"`
	} `yaml:"feeds"`
	Briefings []struct {
		Name          string   `yaml:"name"`
		Platform      string   `yaml:"platform"`
		Channel       string   `yaml:"channel"`
		Schedule      string   `yaml:"schedule"`
		Timezone      string   `yaml:"timezone"`
		Language      string   `yaml:"language"`
		Topics        []string `yaml:"topics"`
		Lookback      string   `yaml:"lookback"`
		MaxItems      int      `yaml:"max_items"`
		PostWhenEmpty bool     `yaml:"post_when_empty"`
		Chart         bool     `yaml:"chart"`
	} `yaml:"briefings"`
	Channels []struct {
		ID        string   `yaml:"id"`
		PerMinute float64  `yaml:"per_minute"`
		Burst     float64  `yaml:"burst"`
		Topics    []string `yaml:"topics"`
	} `yaml:"channels"`
}

// loadConfig reads and validates a configuration file. Errors name the
// file, the line and the field: "marketbot.yaml:12: briefings[0].schedule: …".
func loadConfig(path string) (config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return config{}, fmt.Errorf("config: %w", err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return config{}, fmt.Errorf("%s: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var fc fileConfig
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&fc); err != nil && !errors.Is(err, io.EOF) { // an empty file is fine
		return config{}, fmt.Errorf("%s: %s", path, strings.TrimPrefix(strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:\n  "), "yaml: "))
	}
	bad := func(field string, keys []any, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s: %s", path, lineOf(&root, keys...), field, fmt.Sprintf(format, args...))
	}
	cfg := config{AllowPrivate: fc.AllowPrivateNetworks}
	for i, f := range fc.Feeds {
		at := func(k string) []any { return []any{"feeds", i, k} }
		name := fmt.Sprintf("feeds[%d]", i)
		u, err := url.Parse(f.URL)
		if f.URL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return config{}, bad(name+".url", at("url"), "want an http(s) URL, got %q", f.URL)
		}
		every := 30 * time.Minute
		if f.Every != "" {
			if every, err = time.ParseDuration(f.Every); err != nil || every < time.Minute {
				return config{}, bad(name+".every", at("every"), "want a duration of at least 1m such as 30m, got %q", f.Every)
			}
		}
		cfg.Feeds = append(cfg.Feeds, feeds.Feed{URL: f.URL, Every: every, FullText: f.FullText})
	}
	names := map[string]bool{}
	for i, b := range fc.Briefings {
		at := func(k string) []any { return []any{"briefings", i, k} }
		name := fmt.Sprintf("briefings[%d]", i)
		t := bot.Target{Name: b.Name, Platform: b.Platform, Channel: b.Channel, Lang: b.Language, Topics: b.Topics,
			MaxItems: b.MaxItems, PostWhenEmpty: b.PostWhenEmpty, Chart: b.Chart, Lookback: 24 * time.Hour}
		switch {
		case b.Name == "":
			return config{}, bad(name+".name", []any{"briefings", i}, "every briefing needs a name")
		case names[b.Name]:
			return config{}, bad(name+".name", at("name"), "%q is used twice", b.Name)
		case b.Platform != "slack" && b.Platform != "feishu":
			return config{}, bad(name+".platform", at("platform"), "want slack or feishu, got %q", b.Platform)
		case b.Channel == "":
			return config{}, bad(name+".channel", []any{"briefings", i}, "want the Slack channel id or the Feishu chat_id")
		case b.Language != "" && b.Language != "zh" && b.Language != "en" && b.Language != "zh-Hant":
			return config{}, bad(name+".language", at("language"), "want zh, zh-Hant or en, got %q", b.Language)
		case b.MaxItems < 0 || b.MaxItems > 30:
			return config{}, bad(name+".max_items", at("max_items"), "want 1 to 30, got %d", b.MaxItems)
		}
		names[b.Name] = true
		if t.Lang == "" {
			t.Lang = "en"
		}
		sched, err := cron.ParseStandard(b.Schedule)
		if err != nil {
			return config{}, bad(name+".schedule", at("schedule"), "want a cron expression of 5 fields such as \"0 9 * * 1-5\", got %q (%v)", b.Schedule, err)
		}
		t.Schedule = sched
		t.Location = time.UTC
		if b.Timezone != "" {
			if t.Location, err = time.LoadLocation(b.Timezone); err != nil {
				return config{}, bad(name+".timezone", at("timezone"), "unknown time zone %q (want e.g. Asia/Shanghai)", b.Timezone)
			}
		}
		if b.Lookback != "" {
			if t.Lookback, err = time.ParseDuration(b.Lookback); err != nil || t.Lookback <= 0 {
				return config{}, bad(name+".lookback", at("lookback"), "want a duration such as 24h, got %q", b.Lookback)
			}
		}
		cfg.Briefings = append(cfg.Briefings, t)
	}
	for i, c := range fc.Channels {
		name := fmt.Sprintf("channels[%d]", i)
		switch {
		case c.ID == "":
			return config{}, bad(name+".id", []any{"channels", i}, "want the Slack channel id or the Feishu chat_id")
		case hasKey(cfg.Channels, c.ID):
			return config{}, bad(name+".id", []any{"channels", i, "id"}, "%q is listed twice", c.ID)
		case c.PerMinute < 0:
			return config{}, bad(name+".per_minute", []any{"channels", i, "per_minute"}, "want a positive rate, got %v", c.PerMinute)
		case c.Burst < 0:
			return config{}, bad(name+".burst", []any{"channels", i, "burst"}, "want a positive burst, got %v", c.Burst)
		}
		if cfg.Channels == nil {
			cfg.Channels = map[string]bot.Channel{}
		}
		cfg.Channels[c.ID] = bot.Channel{PerMinute: c.PerMinute, Burst: c.Burst, Topics: c.Topics}
	}
	return cfg, nil
}

func hasKey[V any](m map[string]V, k string) bool {
	_, ok := m[k]
	return ok
}

// lineOf finds the line of a value in a YAML tree by keys (map keys as
// strings, sequence indexes as ints); the deepest node found gives the line.
func lineOf(root *yaml.Node, keys ...any) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, k := range keys {
		var next *yaml.Node
		switch key := k.(type) {
		case string:
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == key {
						next = n.Content[i+1]
						line = n.Content[i].Line
					}
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && key < len(n.Content) {
				next = n.Content[key]
				line = next.Line
			}
		}
		if next == nil {
			return line
		}
		n = next
	}
	return line
}
