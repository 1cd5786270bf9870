package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/term"

	"github.com/marketbot/marketbot/bot"
	"github.com/marketbot/marketbot/bot/feishubot"
	"github.com/marketbot/marketbot/bot/logctx"
	"github.com/marketbot/marketbot/bot/slackbot"
	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/answer"
	"github.com/marketbot/marketbot/rag/brief"
	"github.com/marketbot/marketbot/rag/feeds"
	"github.com/marketbot/marketbot/rag/fetch"
	"github.com/marketbot/marketbot/rag/llm"
	"github.com/marketbot/marketbot/rag/prices"
	"github.com/marketbot/marketbot/rag/prom"
	"github.com/marketbot/marketbot/rag/search"
	"github.com/marketbot/marketbot/rag/store"
)

// logger writes JSON when stderr is not a terminal, text otherwise, with
// the request or event ids of each line's context.
func (e *environment) logger() *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if e.getenv("MARKETBOT_LOG_LEVEL") == "debug" {
		opts.Level = slog.LevelDebug
	}
	var h slog.Handler = slog.NewJSONHandler(e.stderr, opts)
	if f, ok := e.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		h = slog.NewTextHandler(e.stderr, opts)
	}
	return slog.New(logctx.Handler(h))
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

// engine is marketbot over one store: its search, its answers and its
// briefings.
type engine struct {
	search  *search.Searcher
	answers *answer.Answerer
	briefs  *brief.Writer
	prices  *prices.Tables
}

// wire builds the engine over st; model may be nil (extractive answers),
// and so may m.
func (e *environment) wire(st *store.Store, model answer.ChatModel, log *slog.Logger, m *answer.Metrics) (*engine, error) {
	aliases, err := corpus.DefaultAliases()
	if err != nil {
		return nil, err
	}
	s, err := search.New(st, search.Config{Now: e.now, Aliases: aliases})
	if err != nil {
		return nil, err
	}
	w, err := brief.New(st, st.Ledger(), s, model, brief.Config{Now: e.now, Logger: log, Aliases: aliases})
	if err != nil {
		return nil, err
	}
	tables := prices.New(st, aliases)
	return &engine{search: s, answers: answer.New(s, model, answer.Options{Logger: log, Metrics: m, Prices: tables}), briefs: w,
		prices: tables}, nil
}

func (e *environment) serve(ctx context.Context, args []string) error {
	fs, dataDir := e.flags("serve")
	addr := fs.String("addr", "", "listen address (default $MARKETBOT_ADDR, else :8080)")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageError{"serve takes no arguments"}
	}
	svc, err := e.service(*addr, *dataDir)
	if err != nil {
		return err
	}
	cfg, model := svc.file, svc.model
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	log := e.logger()
	// Listen first: a port in use stops serve before anything connects.
	ln, err := net.Listen("tcp", svc.addr)
	if err != nil {
		return fmt.Errorf("serve: listen on %s: %w", svc.addr, err)
	}
	defer ln.Close()
	st, err := e.openStore(ctx, svc.dataDir, true)
	if err != nil {
		return err
	}
	defer st.Close()

	reg := prom.NewRegistry()
	reg.MustRegister(prom.NewRuntime())
	metrics := bot.NewMetrics(reg)
	if m, ok := model.(*llm.Client); ok {
		m.SetMetrics(llm.NewMetrics(reg))
	}
	store.RegisterMetrics(reg, st)
	eng, err := e.wire(st, model, log, answer.NewMetrics(reg))
	if err != nil {
		return err
	}
	if err := eng.search.Warm(ctx); err != nil {
		log.Warn("warming the search up failed", "err", err)
	}
	core := bot.New(eng.answers, st, bot.Options{Logger: log, Ledger: st.Ledger(), Threads: st.Ledger(), Briefer: eng.briefs, Prices: eng.prices, Now: e.now, Metrics: metrics,
		Channels: cfg.Channels, AllowChannels: splitList(e.getenv("MARKETBOT_ALLOW_CHANNELS")), AllowUsers: splitList(e.getenv("MARKETBOT_ALLOW_USERS"))})
	pool := bot.NewPool(core, svc.workers, svc.queue)
	// Shared by the platforms: what follows an acknowledgement gives way
	// to the acknowledgements of a burst (profiled: it took their cores).
	intake := bot.NewIntake(intakeSlots)
	reg.MustRegister(prom.NewGaugeFunc(prom.Opts{Name: "marketbot_queue_depth", Help: "Questions waiting for a worker."},
		func() float64 { return float64(pool.Depth()) }))

	mux := http.NewServeMux()
	var slackAdapter *slackbot.Adapter
	var feishuAdapter *feishubot.Adapter
	var links []*bot.Link
	posters := map[string]bot.Poster{}
	if svc.slack {
		slackAdapter, err = slackbot.Open(slackbot.Config{
			BotToken: e.getenv("SLACK_BOT_TOKEN"), SigningSecret: e.getenv("SLACK_SIGNING_SECRET"),
			AppToken: e.getenv("SLACK_APP_TOKEN"), APIURL: e.getenv("SLACK_API_URL"), Logger: log,
			Placeholder: placeholder(st), Metrics: metrics, Intake: intake,
		}, core, pool)
		if err != nil {
			return err
		}
		posters["slack"] = slackAdapter
		link := &bot.Link{Name: "slack", Connect: slackAdapter.Connect, Receiving: slackAdapter.Ready, Logger: log}
		if svc.slackSocket {
			log.Info("slack: socket mode")
			link.Receive = slackAdapter.RunSocketMode
		} else {
			log.Info("slack: HTTP events API at /slack/events, /slack/commands, /slack/interactions")
			if err := slackAdapter.Routes(mux); err != nil {
				return err
			}
		}
		links = append(links, link)
	}
	if svc.feishu {
		feishuAdapter, err = feishubot.Open(feishubot.Config{
			AppID: e.getenv("FEISHU_APP_ID"), AppSecret: e.getenv("FEISHU_APP_SECRET"),
			VerificationToken: e.getenv("FEISHU_VERIFICATION_TOKEN"), EncryptKey: e.getenv("FEISHU_ENCRYPT_KEY"),
			BaseURL: e.getenv("FEISHU_BASE_URL"), Logger: log, Placeholder: placeholder(st), Metrics: metrics, Intake: intake,
		}, core, pool)
		if err != nil {
			return err
		}
		posters["feishu"] = feishuAdapter
		link := &bot.Link{Name: "feishu", Connect: feishuAdapter.Connect, Receiving: feishuAdapter.Ready, Logger: log}
		if svc.feishuWebhook {
			log.Info("feishu: webhook at /feishu/events and /feishu/cards")
			if err := feishuAdapter.Routes(mux); err != nil {
				return err
			}
		} else {
			log.Info("feishu: long connection")
			link.Receive = feishuAdapter.RunLongConnection
		}
		links = append(links, link)
	}
	if len(links) == 0 {
		log.Warn("no chat platform configured: set SLACK_BOT_TOKEN (with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN) or FEISHU_APP_ID and FEISHU_APP_SECRET")
	}
	// A first try of each platform: credentials it refuses stop serve here;
	// one that cannot be reached is retried in the background.
	for _, l := range links {
		first, cancel := context.WithTimeout(ctx, firstConnectTimeout)
		err := l.Check(first)
		cancel()
		if bot.IsRefused(err) {
			return err
		}
	}

	// Ready once started, while the database answers and every platform
	// can receive events; the 503 names what is missing.
	var started atomic.Bool
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		var missing []string
		if !started.Load() {
			missing = append(missing, "starting")
		}
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := st.Ping(ctx); err != nil {
			missing = append(missing, "store: "+err.Error())
		}
		for _, l := range links {
			if ok, why := l.Ready(); !ok {
				missing = append(missing, l.Name+" not connected: "+why)
			}
		}
		if len(missing) > 0 {
			http.Error(w, "not ready\n"+strings.Join(missing, "\n"), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", reg.Handler())

	srv := &http.Server{Handler: requestIDs(recoverPanics(log, mux)), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 90 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	log.Info("serving", "addr", ln.Addr().String())
	fmt.Fprintf(e.stderr, "marketbot: serving on %s\n", ln.Addr())
	runErr := make(chan error, 1+len(links))
	go func() { runErr <- srv.Serve(ln) }()
	for _, l := range links {
		go func() {
			if err := l.Run(ctx); err != nil {
				runErr <- err // refused credentials
			}
		}()
	}
	// Feeds and briefings run until ctx ends; they own their goroutines.
	var background sync.WaitGroup
	// With PostgreSQL, passages other replicas add reach this one's vectors.
	background.Go(func() { st.Follow(ctx, time.Second, log) })
	if len(cfg.Feeds) > 0 {
		loop := &feeds.Loop{Store: st, Ledger: st.Ledger(), Fetcher: fetch.New(fetch.Options{AllowPrivate: cfg.AllowPrivate}), Feeds: cfg.Feeds, Logger: log, Clock: e.clock, Metrics: feeds.NewMetrics(reg)}
		background.Go(func() { loop.Run(ctx) })
		log.Info("feeds: syncing", "feeds", len(cfg.Feeds))
	}
	if len(cfg.Briefings) > 0 {
		sched := &bot.Scheduler{Targets: cfg.Briefings, Ledger: st.Ledger(), Briefer: eng.briefs, Charts: eng.prices, Posters: posters, Bot: core, Logger: log, Clock: e.clock, Metrics: metrics}
		background.Go(func() { sched.Run(ctx) })
		log.Info("briefings: scheduled", "targets", len(cfg.Briefings))
	}
	started.Store(true)

	// Until a signal (ctx) or a connection that cannot go on; then stop
	// taking events, finish the answers in flight, and close the store.
	var failed error
	select {
	case <-ctx.Done():
	case err := <-runErr:
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("stopping", "err", err)
			failed = err
		}
	}
	log.Info("shutting down", "deadline", shutdownDeadline.String())
	started.Store(false)
	cancel() // stops the feeds, the briefings and the long connections
	shutdown, cancel := context.WithTimeout(context.Background(), shutdownDeadline)
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
	log.Info("stopped")
	return failed
}

// intakeSlots is how many answers start at once (a claim in the store, a
// placeholder posted): two make hundreds a second, more only take cores.
const intakeSlots = 2

// firstConnectTimeout bounds serve's first try of each platform before it
// starts; a platform slower than that is retried in the background.
const firstConnectTimeout = 10 * time.Second

// shutdownDeadline bounds a graceful stop, within the 30 s that Docker
// and Kubernetes wait after SIGTERM.
const shutdownDeadline = 25 * time.Second

// recoverPanics turns a panic in a handler into a 500 and a log line,
// and the process goes on.
func recoverPanics(log *slog.Logger, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.ErrorContext(r.Context(), "handler panicked", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		h.ServeHTTP(w, r)
	})
}

// requestIDs gives every request an id, the load balancer's X-Request-Id
// when it sends one: returned in the response, and on every line logged
// for it.
func requestIDs(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			var b [8]byte
			rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		h.ServeHTTP(w, r.WithContext(logctx.With(r.Context(), "request", id)))
	})
}

// placeholder says how many articles the bot is searching, counted at
// most every ten seconds: a burst of questions does not count them each.
func placeholder(st *store.Store) func(ctx context.Context, lang string) string {
	var mu sync.Mutex
	var n int
	var counted time.Time
	articles := func(ctx context.Context) int {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(counted) > 10*time.Second {
			if s, err := st.Stats(ctx); err == nil {
				n, counted = s.Articles, time.Now()
			}
		}
		return n
	}
	return func(ctx context.Context, lang string) string {
		n := articles(ctx)
		switch lang {
		case "zh":
			return fmt.Sprintf("正在检索 %d 篇文章…", n)
		case "zh-Hant":
			return fmt.Sprintf("正在檢索 %d 篇文章…", n)
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
