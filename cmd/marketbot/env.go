package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/marketbot/marketbot/bot"
	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/embed"
	"github.com/marketbot/marketbot/rag/store"
)

// environment is what every command reads configuration from and writes to.
type environment struct {
	getenv         func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer
	configPath     string    // --config
	clock          bot.Clock // nil: the system clock; tests set a fake one
}

// now is the environment's time.
func (e *environment) now() time.Time {
	if e.clock == nil {
		return time.Now()
	}
	return e.clock.Now()
}

// flags starts a command's flag set with the flags every command takes:
// --data-dir, and --config, which is remembered in e.
func (e *environment) flags(name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dataDir := fs.String("data-dir", "", "data directory (default $MARKETBOT_DATA_DIR, else the user's data directory)")
	fs.StringVar(&e.configPath, "config", "", "configuration file: feeds, briefings (default $MARKETBOT_CONFIG)")
	return fs, dataDir
}

// config reads the configuration file named by --config or
// MARKETBOT_CONFIG; without one, the configuration is empty.
func (e *environment) config() (config, error) {
	path := e.configPath
	if path == "" {
		path = e.getenv("MARKETBOT_CONFIG")
	}
	if path == "" {
		return config{}, nil
	}
	return loadConfig(path)
}

// parse parses flags that may come before, between or after the
// positional arguments, which it returns. "--" ends the flags.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, usageError{"help requested"}
			}
			return nil, usageError{err.Error()}
		}
		rest := fs.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// dataDir is the flag's value, else $MARKETBOT_DATA_DIR, else the user's
// data directory.
func (e *environment) dataDir(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if d := e.getenv("MARKETBOT_DATA_DIR"); d != "" {
		return d, nil
	}
	if d := e.getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "marketbot"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no data directory: set MARKETBOT_DATA_DIR or --data-dir (%w)", err)
	}
	switch runtime.GOOS {
	case "darwin":
		return filepath.Join(home, "Library", "Application Support", "marketbot"), nil
	case "windows":
		if d := e.getenv("LOCALAPPDATA"); d != "" {
			return filepath.Join(d, "marketbot"), nil
		}
	}
	return filepath.Join(home, ".local", "share", "marketbot"), nil
}

// embedder is the embedder MARKETBOT_EMBEDDER selects: "local" (the
// default, offline) or "openai" (any OpenAI-compatible endpoint).
func (e *environment) embedder() (store.Embedder, error) {
	switch name := e.getenv("MARKETBOT_EMBEDDER"); name {
	case "", "local":
		return embed.NewLocal(store.DefaultLocalDims), nil
	case "openai":
		ep, err := e.endpoint()
		if err != nil {
			return nil, err
		}
		if !ep.on {
			return nil, errors.New("MARKETBOT_EMBEDDER=openai needs OPENAI_API_KEY (and OPENAI_BASE_URL or MARKETBOT_LLM_PROVIDER for providers other than OpenAI)")
		}
		model, err := ep.embedModel(e.getenv("MARKETBOT_EMBED_MODEL"))
		if err != nil {
			return nil, err
		}
		return embed.NewOpenAI(embed.OpenAIConfig{BaseURL: ep.baseURL, APIKey: ep.key, Model: model}), nil
	default:
		return nil, fmt.Errorf("unknown MARKETBOT_EMBEDDER %q: use local or openai", name)
	}
}

// storeOptions are the store's settings: the embedder, and the PostgreSQL
// database and its pool when MARKETBOT_DATABASE_URL is set.
func (e *environment) storeOptions() (store.Options, error) {
	emb, err := e.embedder()
	if err != nil {
		return store.Options{}, err
	}
	opt := store.Options{Embedder: emb, Now: e.now, DatabaseURL: e.getenv("MARKETBOT_DATABASE_URL"), Log: e.logger()}
	if opt.Pool.MaxConns, err = e.intEnv("MARKETBOT_DB_MAX_CONNS", 10); err != nil {
		return opt, err
	}
	if v := e.getenv("MARKETBOT_DB_CONNECT_TIMEOUT"); v != "" {
		if opt.Pool.ConnectTimeout, err = time.ParseDuration(v); err != nil || opt.Pool.ConnectTimeout <= 0 {
			return opt, fmt.Errorf("MARKETBOT_DB_CONNECT_TIMEOUT=%q: want a duration such as 10s", v)
		}
	}
	if opt.DatabaseURL != "" && !strings.HasPrefix(opt.DatabaseURL, "postgres://") && !strings.HasPrefix(opt.DatabaseURL, "postgresql://") {
		return opt, errors.New("MARKETBOT_DATABASE_URL must be a postgres:// URL (postgres://user:password@host:5432/dbname)")
	}
	return opt, nil
}

// openStore opens the store in the data directory, or the PostgreSQL
// database of MARKETBOT_DATABASE_URL. With seed set, an empty
// store is first filled with the built-in knowledge pack, and stderr says so.
func (e *environment) openStore(ctx context.Context, dataDirFlag string, seed bool) (*store.Store, error) {
	return e.openStoreWith(ctx, dataDirFlag, seed, false)
}

func (e *environment) openStoreWith(ctx context.Context, dataDirFlag string, seed, reindex bool) (*store.Store, error) {
	opt, err := e.storeOptions()
	if err != nil {
		return nil, err
	}
	opt.Reindex = reindex
	dir := ""
	if opt.DatabaseURL == "" {
		if dir, err = e.dataDir(dataDirFlag); err != nil {
			return nil, err
		}
	}
	st, err := store.Open(ctx, dir, opt)
	if err != nil {
		return nil, err
	}
	if !seed {
		return st, nil
	}
	stats, err := st.Stats(ctx)
	if err != nil {
		st.Close()
		return nil, err
	}
	if stats.Articles == 0 {
		fmt.Fprintln(e.stderr, "marketbot: the store is empty; indexing the built-in knowledge pack first…")
	}
	sum, refreshed, err := e.ingestBuiltin(ctx, st, store.IngestOptions{})
	switch {
	case err != nil:
		st.Close()
		return nil, err
	case stats.Articles == 0:
		fmt.Fprintf(e.stderr, "marketbot: indexed %d built-in articles (%d passages) in %s into %s\n",
			sum.Added, sum.Chunks, sum.Duration.Round(time.Millisecond), st.Path())
	case refreshed:
		fmt.Fprintf(e.stderr, "marketbot: the built-in knowledge pack changed: %d articles added, %d updated, %d withdrawn\n",
			sum.Added, sum.Updated, sum.Pruned)
	}
	return st, nil
}

// ingestBuiltin brings the store's built-in pack up to the binary's (see
// store.RefreshBuiltin).
func (e *environment) ingestBuiltin(ctx context.Context, st *store.Store, opt store.IngestOptions) (store.IngestSummary, bool, error) {
	return store.RefreshBuiltin(ctx, st, corpus.BuiltinVersion(), corpus.Builtin, opt)
}

// question joins positional arguments into one question.
func question(args []string) (string, error) {
	q := strings.TrimSpace(strings.Join(args, " "))
	if q == "" {
		return "", usageError{"no question given"}
	}
	return q, nil
}

// splitList reads a comma-separated setting.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
