// Command marketbot answers questions about the LLM market from its corpus
// of articles, in chat or on the command line. Run "marketbot help".
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	// The first SIGINT or SIGTERM asks for a graceful stop; once it has
	// arrived, signals act as usual again, so a second one ends the
	// process at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	context.AfterFunc(ctx, stop)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, errReported) {
			for line := range strings.SplitSeq(err.Error(), "\n") { // joined errors: one line each
				fmt.Fprintln(os.Stderr, "marketbot:", line)
			}
		}
		os.Exit(exitCode(err))
	}
}

// errReported is an error already explained to the user.
var errReported = errors.New("reported")

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg + " (run \"marketbot help\")" }

func exitCode(err error) int {
	if _, ok := errors.AsType[usageError](err); ok {
		return 2
	}
	return 1
}

const usage = `marketbot answers questions about the LLM market from its corpus of articles.

Usage:
  marketbot ingest [--prune] [--builtin] [--dry-run [--json]] PATH|URL...
                                                   add articles (Markdown, text, HTML files, directories
                                                   recursively; a feed's items or a page by URL);
                                                   --dry-run shows what would be stored, storing nothing
  marketbot ask [--json] QUESTION                  answer QUESTION from the corpus, with numbered sources
  marketbot chat                                   a conversation in the terminal (follow-ups, /help, /sources)
  marketbot search [--json] [--top N] [--since DATE] [--until DATE] QUESTION
                                                   show the passages that best answer QUESTION
  marketbot prices [--json] [--history] [--since DATE] [--currency CNY|USD] [--chart FILE] [MODEL...]
                                                   API prices per million tokens the corpus states: each model's
                                                   latest input and output price with its date and source
  marketbot eval [--set FILE] [--json] [-v]        measure retrieval on a question set (default: the dev set)
  marketbot reindex                                re-embed every passage with the configured embedder
  marketbot brief [--target NAME] [--since 24h] [--dry-run] [TOPIC]
                                                   print a briefing, or post one to a configured target
  marketbot serve [--addr :8080]                   run the chat bots, feed syncing and scheduled briefings
  marketbot migrate [--from DIR]                   bring the store's schema up to date; with --from, copy the
                                                   SQLite store in DIR into MARKETBOT_DATABASE_URL's database
  marketbot doctor                                 check serve's configuration and reach every endpoint it uses
  marketbot healthcheck [--url URL]                exit 0 when a running serve answers /healthz (for Docker)
  marketbot slack-manifest [--url URL] [--socket] [--command /llm]
                                                   print the Slack app manifest
  marketbot help                                   this text

Every command takes --data-dir DIR (default $MARKETBOT_DATA_DIR, else the user's data directory)
and --config FILE (default $MARKETBOT_CONFIG: feeds and briefings, see the README).
When the store is empty, ask, chat, search, eval and ingest index the built-in knowledge pack first.
Answers come from a language model when OPENAI_API_KEY, OPENAI_BASE_URL or MARKETBOT_LLM_PROVIDER
(openai, ark, deepseek, qwen, moonshot, zhipu, ollama) is set (MARKETBOT_CHAT_MODEL; default the
provider's, else gpt-4o-mini; MARKETBOT_LLM_THINKING=off|on|auto, default off), and are extractive
(quoted passages) otherwise.
MARKETBOT_EMBEDDER=openai (with OPENAI_API_KEY, OPENAI_BASE_URL, MARKETBOT_EMBED_MODEL) uses an
OpenAI-compatible /embeddings endpoint instead of the offline local embedder.
MARKETBOT_DATABASE_URL=postgres://… keeps the store in PostgreSQL, shared by several replicas.
`

// run is the whole program: main only wires it to the process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"no command given"}
	}
	env := &environment{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "ingest":
		return env.ingest(ctx, rest)
	case "prices":
		return env.prices(ctx, rest)
	case "search":
		return env.search(ctx, rest)
	case "ask":
		return env.ask(ctx, rest)
	case "chat":
		return env.chat(ctx, rest)
	case "serve":
		return env.serve(ctx, rest)
	case "brief":
		return env.brief(ctx, rest)
	case "slack-manifest":
		return env.slackManifest(ctx, rest)
	case "eval":
		return env.eval(ctx, rest)
	case "reindex":
		return env.reindex(ctx, rest)
	case "migrate":
		return env.migrate(ctx, rest)
	case "doctor":
		return env.doctor(ctx, rest)
	case "healthcheck":
		return env.healthcheck(ctx, rest)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageError{fmt.Sprintf("unknown command %q", cmd)}
}
