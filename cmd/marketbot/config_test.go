package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const exampleConfig = `allow_private_networks: false
feeds:
  - url: https://example.com/ai/feed.xml
    every: 30m
    full_text: false
briefings:
  - name: morning-cn
    platform: slack
    channel: C0123456
    schedule: "0 9 * * 1-5"
    timezone: Asia/Shanghai
    language: zh
    topics: [字节跳动, DeepSeek]
    lookback: 24h
    max_items: 8
    post_when_empty: false
channels:
  - id: C0123456
    per_minute: 10
    burst: 5
    topics: [火山方舟]
`

func writeConfig(t *testing.T, s string) string {
	p := filepath.Join(t.TempDir(), "marketbot.yaml")
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadConfig(t *testing.T) {
	cfg, err := loadConfig(writeConfig(t, exampleConfig))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Feeds) != 1 || cfg.Feeds[0].Every != 30*time.Minute || len(cfg.Briefings) != 1 {
		t.Fatalf("config = %+v", cfg)
	}
	b := cfg.Briefings[0]
	monday := time.Date(2025, 1, 6, 0, 30, 0, 0, time.UTC) // 08:30 in Shanghai
	if next := b.Schedule.Next(monday.In(b.Location)); !next.Equal(time.Date(2025, 1, 6, 1, 0, 0, 0, time.UTC)) {
		t.Errorf("next run after %v = %v, want 09:00 Shanghai", monday, next.UTC())
	}
	if b.Lang != "zh" || b.MaxItems != 8 || b.Lookback != 24*time.Hour || strings.Join(b.Topics, ",") != "字节跳动,DeepSeek" {
		t.Errorf("briefing = %+v", b)
	}
	if c := cfg.Channels["C0123456"]; c.PerMinute != 10 || c.Burst != 5 || strings.Join(c.Topics, ",") != "火山方舟" {
		t.Errorf("channel settings = %+v", cfg.Channels)
	}
	if _, err := loadConfig(writeConfig(t, "")); err != nil {
		t.Errorf("an empty config: %v", err)
	}
}

func TestConfigErrorsNameFileLineAndField(t *testing.T) {
	for _, tc := range []struct{ find, replace, want string }{
		{`schedule: "0 9 * * 1-5"`, `schedule: "0 25 * * *"`, `:10: briefings[0].schedule:`},
		{`timezone: Asia/Shanghai`, `timezone: Mars/Olympus`, `:11: briefings[0].timezone: unknown time zone`},
		{`platform: slack`, `platform: teams`, `:8: briefings[0].platform: want slack or feishu`},
		{`every: 30m`, `every: soon`, `:4: feeds[0].every:`},
		{`url: https://example.com/ai/feed.xml`, `url: ftp://example.com/feed`, `:3: feeds[0].url:`},
		{`max_items: 8`, `max_items: eight`, `line 15`},
		{`lookback: 24h`, `lookback: 24 hours`, `:14: briefings[0].lookback:`},
		{`post_when_empty: false`, "post_when_empty: false\n    colour: blue", `field colour not found`},
		{`name: morning-cn`, `name: ""`, `briefings[0].name: every briefing needs a name`},
		{`burst: 5`, `burst: -1`, `:20: channels[0].burst: want a positive burst`},
		{`topics: [火山方舟]`, "topics: [火山方舟]\n  - id: C0123456", `:22: channels[1].id: "C0123456" is listed twice`},
	} {
		path := writeConfig(t, strings.Replace(exampleConfig, tc.find, tc.replace, 1))
		_, err := loadConfig(path)
		if err == nil || !strings.HasPrefix(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q after the file name", tc.replace, err, tc.want)
		}
	}
}

// TestLoadConfigChart: a target may ask for the week's price chart
// (design.md §8's "chart").
func TestLoadConfigChart(t *testing.T) {
	cfg, err := loadConfig(writeConfig(t, strings.Replace(exampleConfig, "    post_when_empty: false\n", "    post_when_empty: false\n    chart: true\n", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Briefings[0].Chart {
		t.Errorf("briefing = %+v, want the chart", cfg.Briefings[0])
	}
}
