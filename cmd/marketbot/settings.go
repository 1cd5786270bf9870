package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/marketbot/marketbot/rag/answer"
	"github.com/marketbot/marketbot/rag/store"
)

// service is what serve runs with, read from the flags, the environment and
// the configuration file, and checked before anything starts.
type service struct {
	addr, dataDir  string
	workers, queue int
	model          answer.ChatModel // nil: extractive answers
	store          store.Options    // embedder, database
	file           config
	slack          bool // SLACK_BOT_TOKEN is set (and a secret or app token)
	slackSocket    bool // Socket Mode rather than the HTTP Events API
	feishu         bool
	feishuWebhook  bool // webhook rather than the long connection
}

// service reads and checks serve's settings. Every problem is reported,
// one line each, so that one run shows all there is to fix.
func (e *environment) service(addrFlag, dataDirFlag string) (service, error) {
	var errs []error
	check := func(err error) {
		if err != nil && !slices.ContainsFunc(errs, func(e error) bool { return e.Error() == err.Error() }) {
			errs = append(errs, err) // once: the endpoint's settings serve answers and embeddings
		}
	}
	s := service{addr: addrFlag}
	if s.addr == "" {
		s.addr = e.getenv("MARKETBOT_ADDR")
	}
	if s.addr == "" {
		s.addr = ":8080"
	}
	var err error
	s.workers, err = e.intEnv("MARKETBOT_WORKERS", 4)
	check(err)
	s.queue, err = e.intEnv("MARKETBOT_QUEUE", 100)
	check(err)
	s.model, err = e.chatModel()
	check(err)
	s.store, err = e.storeOptions()
	check(err)
	s.file, err = e.config()
	check(err)
	if s.store.DatabaseURL == "" {
		if s.dataDir, err = e.dataDir(dataDirFlag); err == nil {
			err = writable(s.dataDir)
		}
		check(err)
	}

	s.slack = e.getenv("SLACK_BOT_TOKEN") != ""
	s.slackSocket = e.getenv("SLACK_APP_TOKEN") != ""
	switch {
	case s.slack && e.getenv("SLACK_SIGNING_SECRET") == "" && !s.slackSocket:
		check(errors.New("slack: set SLACK_SIGNING_SECRET (HTTP Events API) or SLACK_APP_TOKEN (Socket Mode)"))
	case !s.slack && (e.getenv("SLACK_SIGNING_SECRET") != "" || s.slackSocket):
		check(errors.New("slack: SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not"))
	}
	id, secret := e.getenv("FEISHU_APP_ID"), e.getenv("FEISHU_APP_SECRET")
	s.feishu = id != "" || secret != ""
	if s.feishu && (id == "" || secret == "") {
		check(errors.New("feishu: FEISHU_APP_ID and FEISHU_APP_SECRET must both be set"))
	}
	switch mode := e.getenv("FEISHU_MODE"); mode {
	case "", "ws":
	case "webhook":
		s.feishuWebhook = true
		if s.feishu && e.getenv("FEISHU_ENCRYPT_KEY") == "" {
			check(errors.New("feishu: webhook mode needs FEISHU_ENCRYPT_KEY (without it the SDK accepts forged events)"))
		}
	default:
		check(fmt.Errorf("FEISHU_MODE=%q: use ws (long connection, the default) or webhook", mode))
	}
	for _, t := range s.file.Briefings {
		if (t.Platform == "slack" && !s.slack) || (t.Platform == "feishu" && !s.feishu) {
			check(fmt.Errorf("briefing %q posts to %s, which is not configured (set SLACK_BOT_TOKEN, or FEISHU_APP_ID and FEISHU_APP_SECRET)", t.Name, t.Platform))
		}
	}
	return s, errors.Join(errs...)
}

// writable makes sure dir exists and files can be created in it.
func writable(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("data directory: %w (set MARKETBOT_DATA_DIR or --data-dir)", err)
	}
	f, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return fmt.Errorf("data directory %s is not writable: %w", dir, errors.Unwrap(err))
	}
	f.Close()
	return os.Remove(filepath.Clean(f.Name()))
}
