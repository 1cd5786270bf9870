package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/term"

	"github.com/marketbot/marketbot/bot"
	"github.com/marketbot/marketbot/bot/feishubot"
	"github.com/marketbot/marketbot/bot/slackbot"
	"github.com/marketbot/marketbot/rag"
	"github.com/marketbot/marketbot/rag/fetch"
)

// logger writes JSON when stderr is not a terminal, text otherwise.
func (e *environment) logger() *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if e.getenv("MARKETBOT_LOG_LEVEL") == "debug" {
		opts.Level = slog.LevelDebug
	}
	if f, ok := e.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return slog.New(slog.NewTextHandler(e.stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(e.stderr, opts))
}

// intEnv reads a positive integer setting.
func (e *environment) intEnv(name string, def int) (int, error) {
	v := e.getenv(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s=%q: want a positive number", name, v)
	}
	return n, nil
}

func (e *environment) serve(ctx context.Context, args []string) error {
	fs, dataDir := e.flags("serve")
	addr := fs.String("addr", "", "listen address (default $MARKETBOT_ADDR, else :8080)")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageError{"serve takes no arguments"}
	}
	if *addr == "" {
		*addr = e.getenv("MARKETBOT_ADDR")
	}
	if *addr == "" {
		*addr = ":8080"
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	log := e.logger()
	workers, err := e.intEnv("MARKETBOT_WORKERS", 4)
	if err != nil {
		return err
	}
	depth, err := e.intEnv("MARKETBOT_QUEUE", 100)
	if err != nil {
		return err
	}
	model, err := e.chatModel()
	if err != nil {
		return err
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	slackOn := e.getenv("SLACK_BOT_TOKEN") != ""
	if slackOn && e.getenv("SLACK_SIGNING_SECRET") == "" && e.getenv("SLACK_APP_TOKEN") == "" {
		return errors.New("slack: set SLACK_SIGNING_SECRET (HTTP Events API) or SLACK_APP_TOKEN (Socket Mode)")
	}
	feishuOn := e.getenv("FEISHU_APP_ID") != "" || e.getenv("FEISHU_APP_SECRET") != ""
	for _, t := range cfg.Briefings {
		if (t.Platform == "slack" && !slackOn) || (t.Platform == "feishu" && !feishuOn) {
			return fmt.Errorf("briefing %q posts to %s, which is not configured (set SLACK_BOT_TOKEN, or FEISHU_APP_ID and FEISHU_APP_SECRET)", t.Name, t.Platform)
		}
	}
	st, err := e.openStore(ctx, *dataDir, true)
	if err != nil {
		return err
	}
	defer st.Close()

	answerer := rag.NewAnswerer(st, model, rag.AnswerOptions{Logger: log})
	core := bot.New(answerer, st, bot.Options{Logger: log, Ledger: st, Briefer: answerer, Now: e.now,
		Channels: cfg.Channels, AllowChannels: splitList(e.getenv("MARKETBOT_ALLOW_CHANNELS")), AllowUsers: splitList(e.getenv("MARKETBOT_ALLOW_USERS"))})
	pool := bot.NewPool(core, workers, depth)

	mux := http.NewServeMux()
	var ready atomic.Bool
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if !ready.Load() {
			http.Error(w, "starting", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})

	var slackAdapter *slackbot.Adapter
	posters := map[string]bot.Poster{}
	runErr := make(chan error, 3)
	if slackOn {
		slackAdapter, err = slackbot.New(ctx, slackbot.Config{
			BotToken: e.getenv("SLACK_BOT_TOKEN"), SigningSecret: e.getenv("SLACK_SIGNING_SECRET"),
			AppToken: e.getenv("SLACK_APP_TOKEN"), APIURL: e.getenv("SLACK_API_URL"), Logger: log,
			Placeholder: placeholder(st),
		}, core, pool)
		if err != nil {
			return err
		}
		posters["slack"] = slackAdapter
		if e.getenv("SLACK_APP_TOKEN") != "" {
			log.Info("slack: socket mode")
			go func() { runErr <- slackAdapter.RunSocketMode(ctx) }()
		} else {
			log.Info("slack: HTTP events API at /slack/events, /slack/commands, /slack/interactions")
			if err := slackAdapter.Routes(mux); err != nil {
				return err
			}
		}
	}
	var feishuAdapter *feishubot.Adapter
	if feishuOn {
		mode := e.getenv("FEISHU_MODE")
		if mode != "" && mode != "ws" && mode != "webhook" {
			return fmt.Errorf("FEISHU_MODE=%q: use ws (long connection, the default) or webhook", mode)
		}
		if mode == "webhook" && e.getenv("FEISHU_ENCRYPT_KEY") == "" {
			return errors.New("feishu: webhook mode needs FEISHU_ENCRYPT_KEY (without it the SDK accepts forged events)")
		}
		feishuAdapter, err = feishubot.New(ctx, feishubot.Config{
			AppID: e.getenv("FEISHU_APP_ID"), AppSecret: e.getenv("FEISHU_APP_SECRET"),
			VerificationToken: e.getenv("FEISHU_VERIFICATION_TOKEN"), EncryptKey: e.getenv("FEISHU_ENCRYPT_KEY"),
			BaseURL: e.getenv("FEISHU_BASE_URL"), Logger: log, Placeholder: placeholder(st),
		}, core, pool)
		if err != nil {
			return err
		}
		posters["feishu"] = feishuAdapter
		if mode == "webhook" {
			log.Info("feishu: webhook at /feishu/events and /feishu/cards")
			if err := feishuAdapter.Routes(mux); err != nil {
				return err
			}
		} else {
			log.Info("feishu: long connection")
			go func() { runErr <- feishuAdapter.RunLongConnection(ctx) }()
		}
	}
	if slackAdapter == nil && feishuAdapter == nil {
		log.Warn("no chat platform configured: set SLACK_BOT_TOKEN (with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN) or FEISHU_APP_ID and FEISHU_APP_SECRET")
	}

	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 90 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("serve: listen on %s: %w", *addr, err)
	}
	log.Info("serving", "addr", ln.Addr().String())
	fmt.Fprintf(e.stderr, "marketbot: serving on %s\n", ln.Addr())
	go func() { runErr <- srv.Serve(ln) }()
	// Feeds and briefings run until ctx ends; they own their goroutines.
	var background sync.WaitGroup
	if len(cfg.Feeds) > 0 {
		loop := &rag.FeedLoop{Store: st, Fetcher: fetch.New(fetch.Options{AllowPrivate: cfg.AllowPrivate}), Feeds: cfg.Feeds, Logger: log, Clock: e.clock}
		background.Go(func() { loop.Run(ctx) })
		log.Info("feeds: syncing", "feeds", len(cfg.Feeds))
	}
	if len(cfg.Briefings) > 0 {
		sched := &bot.Scheduler{Targets: cfg.Briefings, Ledger: st, Briefer: answerer, Posters: posters, Bot: core, Logger: log, Clock: e.clock}
		background.Go(func() { sched.Run(ctx) })
		log.Info("briefings: scheduled", "targets", len(cfg.Briefings))
	}
	ready.Store(true)

	select {
	case <-ctx.Done():
	case err := <-runErr:
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("stopping", "err", err)
		}
	}
	log.Info("shutting down")
	ready.Store(false)
	cancel() // stops the feeds, the briefings and the long connections
	shutdown, cancel := context.WithTimeout(context.Background(), 25*time.Second)
	defer cancel()
	srv.Shutdown(shutdown)
	if err := pool.Shutdown(shutdown); err != nil {
		log.Warn("answers still running at the deadline were cancelled", "err", err)
	}
	if slackAdapter != nil {
		slackAdapter.Close(shutdown)
	}
	if feishuAdapter != nil {
		feishuAdapter.Close(shutdown)
	}
	background.Wait()
	return nil
}

// placeholder says how many articles the bot is searching.
func placeholder(st *rag.Store) func(ctx context.Context, lang string) string {
	return func(ctx context.Context, lang string) string {
		n := 0
		if s, err := st.Stats(ctx); err == nil {
			n = s.Articles
		}
		if lang == "zh" || lang == "zh-Hant" {
			return fmt.Sprintf("正在检索 %d 篇文章…", n)
		}
		return fmt.Sprintf("Searching %s articles…", thousands(n))
	}
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func (e *environment) slackManifest(_ context.Context, args []string) error {
	fs, _ := e.flags("slack-manifest")
	base := fs.String("url", "", "public https URL of marketbot serve (HTTP Events API)")
	socket := fs.Bool("socket", e.getenv("SLACK_APP_TOKEN") != "", "Socket Mode: no request URLs")
	command := fs.String("command", "/llm", "slash command name")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageError{"slack-manifest takes no arguments"}
	}
	m, err := slackbot.Manifest(*base, *socket, *command)
	if err != nil {
		return usageError{err.Error()}
	}
	fmt.Fprint(e.stdout, m)
	return nil
}
