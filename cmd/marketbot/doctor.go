package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/marketbot/marketbot/bot"
	"github.com/marketbot/marketbot/bot/feishubot"
	"github.com/marketbot/marketbot/bot/slackbot"
	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/answer"
	"github.com/marketbot/marketbot/rag/fetch"
	"github.com/marketbot/marketbot/rag/llm"
)

// doctorTimeout bounds each reachability check.
const doctorTimeout = 30 * time.Second

// checkup prints one line per check, ✓ or ✗, with how to fix what failed.
type checkup struct {
	out      io.Writer
	problems int
}

func (c *checkup) ok(name, format string, args ...any) {
	fmt.Fprintf(c.out, "✓ %s: %s\n", name, fmt.Sprintf(format, args...))
}

func (c *checkup) fail(name string, err error, fix string) {
	c.problems++
	fmt.Fprintf(c.out, "✗ %s: %s\n", name, strings.TrimPrefix(err.Error(), name+": "))
	if fix != "" {
		fmt.Fprintf(c.out, "    fix: %s\n", fix)
	}
}

// doctor checks serve's configuration and reaches every endpoint it would
// use: the store, the language model, the embeddings endpoint, Slack,
// Feishu and each feed. It connects no bot and changes nothing but what
// opening the store does; it fails when any check does.
func (e *environment) doctor(ctx context.Context, args []string) error {
	fs, dataDirFlag := e.flags("doctor")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageError{"doctor takes no arguments"}
	}
	c := &checkup{out: e.stdout}
	svc, err := e.service("", *dataDirFlag)
	if err != nil {
		for line := range strings.SplitSeq(err.Error(), "\n") {
			c.fail("configuration", errors.New(line), "")
		}
	} else {
		where := "data directory " + svc.dataDir
		if svc.store.DatabaseURL != "" {
			where = "PostgreSQL (MARKETBOT_DATABASE_URL)"
		}
		c.ok("configuration", "%s, %s, %d feeds, %d briefings", where, platforms(svc), len(svc.file.Feeds), len(svc.file.Briefings))
	}
	if svc.dataDir != "" || svc.store.DatabaseURL != "" {
		e.checkStore(ctx, c, svc.dataDir)
	}
	e.checkModel(ctx, c, svc.model)
	e.checkEmbeddings(ctx, c)
	if svc.slack {
		e.checkSlack(ctx, c)
	}
	if svc.feishu {
		e.checkFeishu(ctx, c)
	}
	checkFeeds(ctx, c, svc.file)
	if c.problems > 0 {
		fmt.Fprintf(e.stdout, "%d problem(s) found\n", c.problems)
		return errReported
	}
	fmt.Fprintln(e.stdout, "everything checked is fine")
	return nil
}

// platforms names the configured chat platforms and how they connect.
func platforms(s service) string {
	var p []string
	switch {
	case s.slack && s.slackSocket:
		p = append(p, "Slack (Socket Mode)")
	case s.slack:
		p = append(p, "Slack (HTTP Events API)")
	}
	switch {
	case s.feishu && s.feishuWebhook:
		p = append(p, "Feishu (webhook)")
	case s.feishu:
		p = append(p, "Feishu (long connection)")
	}
	if len(p) == 0 {
		return "no chat platform"
	}
	return strings.Join(p, " and ")
}

func (e *environment) checkStore(ctx context.Context, c *checkup, dataDir string) {
	st, err := e.openStore(ctx, dataDir, false)
	if err != nil {
		c.fail("store", err, "")
		return
	}
	defer st.Close()
	stats, err := st.Stats(ctx)
	switch {
	case err != nil:
		c.fail("store", err, "")
	case stats.Articles == 0:
		c.ok("store", "%s is empty; serve indexes the built-in knowledge pack into it at start", st.Path())
	default:
		c.ok("store", "%s: %d articles, %d passages", st.Path(), stats.Articles, stats.Chunks)
	}
}

func (e *environment) checkModel(ctx context.Context, c *checkup, model answer.ChatModel) {
	m, ok := model.(*llm.Client)
	if !ok {
		c.ok("language model", "none configured: answers quote passages (set OPENAI_API_KEY or OPENAI_BASE_URL for written answers)")
		return
	}
	ctx, cancel := context.WithTimeout(ctx, doctorTimeout)
	defer cancel()
	provider := m.Provider()
	if provider == "" {
		provider = "OpenAI-compatible"
	}
	which := fmt.Sprintf("%s (%s, %s) at %s", m.Model(), provider, m.ThinkingState(), e.baseURL())
	start := time.Now()
	_, err := m.Chat(ctx, []llm.Message{{Role: "user", Content: "Reply with the single word OK."}}, nil)
	if err != nil {
		c.fail("language model", fmt.Errorf("%s: %w", which, err), endpointFix(err, "MARKETBOT_CHAT_MODEL", m.Model()))
		return
	}
	c.ok("language model", "%s answers in %v", which, time.Since(start).Round(time.Millisecond))
}

func (e *environment) checkEmbeddings(ctx context.Context, c *checkup) {
	emb, err := e.embedder()
	if err != nil {
		return // reported with the configuration
	}
	info := emb.Info()
	if info.Name != "openai" {
		c.ok("embeddings", "%s (offline)", info)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, doctorTimeout)
	defer cancel()
	v, err := emb.Embed(ctx, []string{"doctor"})
	if err != nil {
		c.fail("embeddings", err, endpointFix(err, "MARKETBOT_EMBED_MODEL", info.Model))
		return
	}
	c.ok("embeddings", "%s at %s answers with %d dimensions", info.Model, e.baseURL(), len(v[0]))
}

// baseURL is the OpenAI-compatible endpoint configured.
func (e *environment) baseURL() string {
	ep, _ := e.endpoint()
	return ep.baseURL
}

// endpointFix says what to change when an OpenAI-compatible endpoint
// refuses or cannot be reached; modelVar names the model's setting.
func endpointFix(err error, modelVar, model string) string {
	code := llm.HTTPStatus(err)
	switch {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return "the endpoint refused the key: set OPENAI_API_KEY to a valid key for OPENAI_BASE_URL"
	case code == http.StatusNotFound:
		return fmt.Sprintf("no model %q at this endpoint, or a wrong path: check %s and OPENAI_BASE_URL (e.g. https://api.openai.com/v1, https://ark.cn-beijing.volces.com/api/v3)", model, modelVar)
	case code == http.StatusTooManyRequests:
		return "rate limited or out of quota: check the account's limits and balance"
	case code >= 500:
		return "the provider is failing; try again later"
	case code >= 400:
		return fmt.Sprintf("the endpoint rejected the request: check %s and OPENAI_BASE_URL", modelVar)
	case errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "timeout"):
		return "no answer in time: check OPENAI_BASE_URL and the network, or raise MARKETBOT_LLM_TIMEOUT"
	}
	return "cannot reach the endpoint: check OPENAI_BASE_URL and the network (proxies, firewalls)"
}

func (e *environment) checkSlack(ctx context.Context, c *checkup) {
	ctx, cancel := context.WithTimeout(ctx, doctorTimeout)
	defer cancel()
	d, err := slackbot.Diagnose(ctx, slackbot.Config{BotToken: e.getenv("SLACK_BOT_TOKEN"),
		AppToken: e.getenv("SLACK_APP_TOKEN"), APIURL: e.getenv("SLACK_API_URL")})
	switch {
	case d.BotUserID == "" && bot.IsRefused(err):
		c.fail("slack", err, "set SLACK_BOT_TOKEN to the app's Bot User OAuth Token (xoxb-…, OAuth & Permissions), and install the app in the workspace")
		return
	case d.BotUserID == "":
		c.fail("slack", fmt.Errorf("%w; serve would start anyway and retry in the background", err), "check the network, proxies and SLACK_API_URL")
		return
	}
	c.ok("slack", "bot @%s (%s) in workspace %s (%s)", d.Bot, d.BotUserID, d.Team, d.TeamID)
	if len(d.Missing) > 0 {
		c.fail("slack scopes", fmt.Errorf("the bot token lacks %s", strings.Join(d.Missing, ", ")),
			"add them under OAuth & Permissions (or create the app from \"marketbot slack-manifest\") and reinstall the app")
	}
	switch {
	case err != nil:
		c.fail("slack socket mode", err, "set SLACK_APP_TOKEN to an app-level token (xapp-…) with connections:write, and turn Socket Mode on")
	case d.Socket:
		c.ok("slack socket mode", "the app token opens connections")
	default:
		c.ok("slack events", "Slack must reach https://YOUR-HOST/slack/events, /slack/commands and /slack/interactions (the signing secret is checked on each request)")
	}
}

func (e *environment) checkFeishu(ctx context.Context, c *checkup) {
	ctx, cancel := context.WithTimeout(ctx, doctorTimeout)
	defer cancel()
	a, err := feishubot.New(ctx, feishubot.Config{AppID: e.getenv("FEISHU_APP_ID"), AppSecret: e.getenv("FEISHU_APP_SECRET"),
		EncryptKey: e.getenv("FEISHU_ENCRYPT_KEY"), BaseURL: e.getenv("FEISHU_BASE_URL")}, nil, nil)
	switch {
	case bot.IsRefused(err):
		c.fail("feishu", err, "check FEISHU_APP_ID and FEISHU_APP_SECRET (Credentials & Basic Info), that the app has the bot capability and is published, and FEISHU_BASE_URL for Lark (https://open.larksuite.com)")
		return
	case err != nil:
		c.fail("feishu", fmt.Errorf("%w; serve would start anyway and retry in the background", err), "check the network, proxies and FEISHU_BASE_URL")
		return
	}
	a.Close(ctx)
	c.ok("feishu", "app %s: credentials accepted, bot %s", e.getenv("FEISHU_APP_ID"), a.BotOpenID())
}

// checkFeeds fetches and parses every feed, several at a time.
func checkFeeds(ctx context.Context, c *checkup, cfg config) {
	ctx, cancel := context.WithTimeout(ctx, doctorTimeout)
	defer cancel()
	f := fetch.New(fetch.Options{AllowPrivate: cfg.AllowPrivate})
	results := make([]string, len(cfg.Feeds))
	errs := make([]error, len(cfg.Feeds))
	var wg sync.WaitGroup
	for i, feed := range cfg.Feeds {
		wg.Go(func() {
			resp, err := f.Get(ctx, feed.URL, fetch.Validators{})
			if err != nil {
				errs[i] = err
				return
			}
			title, items, err := corpus.ParseFeed(resp.Body, resp.URL)
			if err != nil {
				errs[i] = err
				return
			}
			results[i] = fmt.Sprintf("%q, %d items", title, len(items))
		})
	}
	wg.Wait()
	for i, feed := range cfg.Feeds {
		if errs[i] != nil {
			c.fail("feed "+feed.URL, errors.New(strings.TrimPrefix(errs[i].Error(), "fetch "+feed.URL+": ")), "check the feed's URL in the configuration file; private addresses need allow_private_networks: true")
			continue
		}
		c.ok("feed "+feed.URL, "%s", results[i])
	}
}
