package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/feeds"
	"github.com/marketbot/marketbot/rag/fetch"
	"github.com/marketbot/marketbot/rag/store"
)

func (e *environment) ingest(ctx context.Context, args []string) error {
	fs, dataDir := e.flags("ingest")
	prune := fs.Bool("prune", false, "remove stored articles whose files under the given paths are gone")
	builtin := fs.Bool("builtin", false, "add the built-in knowledge pack")
	dryRun := fs.Bool("dry-run", false, "show what would be stored, and store nothing")
	asJSON := fs.Bool("json", false, "with --dry-run: one JSON object per article per line")
	paths, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 && !*builtin {
		return usageError{"ingest needs a PATH or --builtin"}
	}
	if *asJSON && !*dryRun {
		return usageError{"--json goes with --dry-run"}
	}
	if *dryRun {
		return e.dryRun(ctx, paths, *builtin, *asJSON)
	}
	// An empty store gets the built-in pack first, as ask and search give
	// it: your articles are added to the pack, not put in its place.
	st, err := e.openStore(ctx, *dataDir, !*builtin)
	if err != nil {
		return err
	}
	defer st.Close()

	var local, urls []string
	for _, p := range paths {
		if strings.Contains(p, "://") {
			urls = append(urls, p)
		} else {
			local = append(local, p)
		}
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}

	var total store.IngestSummary
	add := func(s store.IngestSummary) {
		total.Added += s.Added
		total.Updated += s.Updated
		total.Unchanged += s.Unchanged
		total.Pruned += s.Pruned
		total.Chunks += s.Chunks
		total.Bytes += s.Bytes
		total.Duration += s.Duration
		total.Failed = append(total.Failed, s.Failed...)
		total.Warnings = append(total.Warnings, s.Warnings...)
	}
	bar := newProgress(e.stderr)
	opt := store.IngestOptions{Prune: *prune, Progress: bar.update}
	if *builtin {
		pack, err := corpus.Builtin()
		if err != nil {
			return err
		}
		sum, err := store.IngestArticles(ctx, st, pack, opt)
		add(sum)
		if err != nil {
			return err
		}
	}
	if len(local) > 0 {
		sum, err := store.Ingest(ctx, st, local, opt)
		add(sum)
		if err != nil {
			bar.finish()
			return err
		}
	}
	// A URL is a feed (every item) or a page; allow_private_networks in
	// the configuration lets it reach loopback and private addresses.
	fetcher := fetch.New(fetch.Options{AllowPrivate: cfg.AllowPrivate})
	for _, u := range urls {
		sum, err := feeds.IngestURL(ctx, st, st.Ledger(), fetcher, u)
		add(sum)
		for _, f := range sum.Failed {
			bar.fail(f.Err)
		}
		if err != nil {
			bar.finish()
			return err
		}
	}
	bar.finish()
	printSummary(e.stdout, total)
	if n := total.Added + total.Updated + total.Unchanged; n == 0 && len(total.Failed) > 0 {
		if len(total.Failed) == 1 {
			return fmt.Errorf("nothing ingested: %w", total.Failed[0].Err)
		}
		return fmt.Errorf("nothing ingested: all %d items failed, the first: %w", len(total.Failed), total.Failed[0].Err)
	}
	return nil
}

func printSummary(w io.Writer, s store.IngestSummary) {
	n := s.Added + s.Updated + s.Unchanged + len(s.Failed)
	secs := max(s.Duration.Seconds(), 1e-9)
	fmt.Fprintf(w, "ingested %d items in %s: %d added, %d updated, %d unchanged, %d failed, %d pruned; %d passages written (%.0f articles/s, %.2f MB/s)\n",
		n, s.Duration.Round(time.Millisecond), s.Added, s.Updated, s.Unchanged, len(s.Failed), s.Pruned, s.Chunks,
		float64(n)/secs, float64(s.Bytes)/1e6/secs)
	for _, f := range s.Failed {
		fmt.Fprintf(w, "  failed: %v\n", f.Err)
	}
	for _, p := range s.Warnings {
		fmt.Fprintf(w, "  warning: %s (stored all the same)\n", p)
	}
}

// progress shows a long job's progress: a bar redrawn in place on a
// terminal, otherwise a plain line every few seconds. Failures are always
// printed as they happen.
type progress struct {
	w        io.Writer
	terminal bool
	last     time.Time
	drawn    bool
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, terminal: ok && term.IsTerminal(int(f.Fd()))}
}

func (p *progress) update(pr store.Progress) {
	if pr.Err != nil {
		p.fail(pr.Err)
	}
	p.set(pr.Done, pr.Total)
}

// fail reports an item that could not be ingested.
func (p *progress) fail(err error) {
	p.clear()
	fmt.Fprintf(p.w, "marketbot: skipped: %v\n", err)
}

// set shows that done of total items are through.
func (p *progress) set(done, total int) {
	now := time.Now()
	if p.terminal {
		if done < total && now.Sub(p.last) < 100*time.Millisecond {
			return
		}
		const width = 30
		filled := width * done / max(total, 1)
		fmt.Fprintf(p.w, "\r[%s%s] %d/%d", strings.Repeat("#", filled), strings.Repeat(" ", width-filled), done, total)
		p.drawn, p.last = true, now
		return
	}
	if done == total || now.Sub(p.last) >= 2*time.Second {
		fmt.Fprintf(p.w, "marketbot: %d/%d done\n", done, total)
		p.last = now
	}
}

func (p *progress) clear() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
		p.drawn = false
	}
}

func (p *progress) finish() {
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}
