package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/marketbot/marketbot/bot"
	"github.com/marketbot/marketbot/bot/feishubot"
	"github.com/marketbot/marketbot/bot/slackbot"
	"github.com/marketbot/marketbot/bot/terminal"
	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/brief"
)

// brief prints a briefing, or posts one to a configured target.
func (e *environment) brief(ctx context.Context, args []string) error {
	fs, dataDir := e.flags("brief")
	targetName := fs.String("target", "", "a briefing target of the configuration file: its channel, language and topics")
	sinceFlag := fs.String("since", "", "cover articles ingested in this last period, e.g. 24h (default: with --target, since its last briefing; without, the corpus's newest week)")
	dryRun := fs.Bool("dry-run", false, "print the briefing instead of posting it")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	model, err := e.chatModel()
	if err != nil {
		return err
	}
	st, err := e.openStore(ctx, *dataDir, true)
	if err != nil {
		return err
	}
	defer st.Close()
	eng, err := e.wire(st, model, e.logger(), nil)
	if err != nil {
		return err
	}
	now := e.now()
	// Without a target, a briefing of the whole corpus's week up to its
	// newest article (about the topic, if given): useful on any corpus.
	req := brief.Request{Until: now, Lang: "en", WithBuiltin: true}
	topic := strings.TrimSpace(strings.Join(pos, " "))
	if topic != "" {
		req.Topics, req.OnlyTopics, req.Lang = []string{topic}, true, corpus.DetectLang(topic)
	}
	newest, err := eng.briefs.NewestPublished(ctx, topic)
	if err != nil {
		return err
	}
	req.PublishedAfter = newest.AddDate(0, 0, -7)
	var target *bot.Target
	if *targetName != "" {
		for i := range cfg.Briefings {
			if cfg.Briefings[i].Name == *targetName {
				target = &cfg.Briefings[i]
			}
		}
		if target == nil {
			return usageError{fmt.Sprintf("--target %q: no such briefing in the configuration", *targetName)}
		}
		req.Lang, req.MaxItems, req.WithBuiltin, req.Target = target.Lang, target.MaxItems, false, target.Name
		req.Topics = append(req.Topics, target.Topics...)
		req.Since, req.PublishedAfter = now.Add(-target.Lookback), now.Add(-target.Lookback-7*24*time.Hour)
		if last, ok, err := st.Ledger().LastBriefing(ctx, target.Name); err != nil {
			return err
		} else if ok {
			req.Since = last.Until
		}
	}
	if *sinceFlag != "" {
		d, err := time.ParseDuration(*sinceFlag)
		if err != nil || d <= 0 {
			return usageError{fmt.Sprintf("--since %q: want a duration such as 24h", *sinceFlag)}
		}
		req.Since = now.Add(-d)
		req.PublishedAfter = req.Since.Add(-7 * 24 * time.Hour)
	}
	b, err := eng.briefs.Brief(ctx, req)
	if err != nil {
		return err
	}
	reply := bot.BriefingReply(b)
	if target != nil && target.Chart && !b.Empty() {
		if reply.Image, err = bot.WeekChart(ctx, eng.prices, now, target.Lang); err != nil {
			fmt.Fprintf(e.stderr, "marketbot: no price chart: %v\n", err)
		}
	}
	if target == nil || *dryRun {
		terminal.Render(e.stdout, reply)
		return nil
	}
	poster, err := e.poster(ctx, target.Platform)
	if err != nil {
		return err
	}
	thread, err := poster.Post(ctx, target.Channel, reply)
	if err != nil {
		return err
	}
	if err := st.Ledger().RecordBriefed(ctx, target.Name, b.Covered); err != nil {
		return fmt.Errorf("posted, but could not record what it covered (the next briefing may repeat it): %w", err)
	}
	fmt.Fprintf(e.stdout, "posted %q to %s %s (message %s)\n", b.Headline, target.Platform, target.Channel, thread)
	return nil
}

// poster connects to a platform to post messages.
func (e *environment) poster(ctx context.Context, platform string) (bot.Poster, error) {
	switch platform {
	case "slack":
		return slackbot.New(ctx, slackbot.Config{BotToken: e.getenv("SLACK_BOT_TOKEN"), SigningSecret: e.getenv("SLACK_SIGNING_SECRET"),
			AppToken: e.getenv("SLACK_APP_TOKEN"), APIURL: e.getenv("SLACK_API_URL"), Logger: e.logger()}, nil, nil)
	case "feishu":
		return feishubot.New(ctx, feishubot.Config{AppID: e.getenv("FEISHU_APP_ID"), AppSecret: e.getenv("FEISHU_APP_SECRET"),
			BaseURL: e.getenv("FEISHU_BASE_URL"), Logger: e.logger()}, nil, nil)
	}
	return nil, fmt.Errorf("unknown platform %q", platform)
}
