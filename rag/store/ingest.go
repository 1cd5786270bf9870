package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/marketbot/marketbot/corpus"
)

// IngestOptions control an ingest.
type IngestOptions struct {
	// Prune removes stored articles whose files under the given paths are
	// gone (and, for IngestArticles, stored built-in articles not given).
	Prune bool
	// Workers load and prepare files in parallel (and write them, on
	// PostgreSQL); default: the CPU count (at least 8 on PostgreSQL).
	Workers int
	// Progress, if set, is called after each item, from one goroutine.
	Progress func(Progress)
}

// Progress reports one ingested item.
type Progress struct {
	Done, Total int
	Path        string
	Outcome     Outcome
	Err         error // the item failed; the ingest goes on
}

// Failure is an item that could not be ingested, and why.
type Failure struct {
	Path string
	Err  error
}

// IngestSummary counts what an ingest did.
type IngestSummary struct {
	Added, Updated, Unchanged, Pruned int
	Failed                            []Failure
	Chunks                            int   // passages written
	Bytes                             int64 // text bytes of the articles read
	Duration                          time.Duration
	// Warnings are the defects corpus.Check finds in the articles read
	// (coaching, hindsight, a title's figure the body lacks): stored all
	// the same, shown to the user.
	Warnings []corpus.Problem
}

// Ingest loads every supported file under paths (files or directories,
// walked recursively) and stores each article in its own transaction. Files
// that cannot be read or parsed are reported in the summary by path with
// the reason, and the rest goes on. The error is for failures of the store
// itself, or cancellation; the summary counts what was done until then.
func Ingest(ctx context.Context, s *Store, paths []string, opt IngestOptions) (IngestSummary, error) {
	start := time.Now()
	var sum IngestSummary
	var items []item
	var roots []string
	var mu sync.Mutex // loads run in parallel
	load := func(f string) (corpus.Article, error) {
		a, err := corpus.LoadFile(f)
		if ps := corpus.Check(a); err == nil && len(ps) > 0 {
			mu.Lock()
			sum.Warnings = append(sum.Warnings, ps...)
			mu.Unlock()
		}
		return a, err
	}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			sum.Failed = append(sum.Failed, Failure{p, err})
			continue
		}
		files, err := corpus.ListFiles(abs)
		if err != nil {
			sum.Failed = append(sum.Failed, Failure{p, err})
			continue
		}
		roots = append(roots, abs)
		for _, f := range files {
			items = append(items, item{f, func() (corpus.Article, error) { return load(f) }})
		}
	}
	err := ingestItems(ctx, s, items, opt, &sum)
	if err == nil && opt.Prune {
		err = pruneFiles(ctx, s, roots, &sum)
	}
	slices.SortFunc(sum.Warnings, func(a, b corpus.Problem) int { return strings.Compare(a.Path, b.Path) })
	sum.Duration = time.Since(start)
	return sum, err
}

// IngestArticles stores already loaded articles, such as the built-in pack.
func IngestArticles(ctx context.Context, s *Store, articles []corpus.Article, opt IngestOptions) (IngestSummary, error) {
	start := time.Now()
	var sum IngestSummary
	items := make([]item, len(articles))
	keep := map[string]bool{}
	for i, a := range articles {
		items[i] = item{a.Path, func() (corpus.Article, error) { return a, nil }}
		keep[a.Path] = true
	}
	err := ingestItems(ctx, s, items, opt, &sum)
	if err == nil && opt.Prune {
		err = prune(ctx, s, &sum, func(path string) bool {
			return strings.HasPrefix(path, corpus.BuiltinPrefix) && !keep[path]
		})
	}
	sum.Duration = time.Since(start)
	return sum, err
}

// item is one article to ingest, loaded when its turn comes.
type item struct {
	path string
	load func() (corpus.Article, error)
}

// result is one item after loading and preparing.
type result struct {
	path    string
	doc     prepared
	changed bool // false: the stored copy has the same hash
	err     error

	written  bool // by the worker, where the backend takes parallel writes
	out      Outcome
	writeErr error
}

// ingestItems loads, prepares and stores the items with opt's workers,
// counting into sum and reporting progress; it stops at the first write
// that fails, an item that fails to load being only counted.
func ingestItems(ctx context.Context, s *Store, items []item, opt IngestOptions, sum *IngestSummary) error {
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
		if s.b.ParallelWrites() {
			// Writers wait on the database's round trips more than they work.
			workers = max(workers, 8)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := loadAll(ctx, s, items, workers)
	done := 0
	for r := range results {
		done++
		pr := Progress{Done: done, Total: len(items), Path: r.path, Err: r.err}
		switch {
		case r.err != nil:
			sum.Failed = append(sum.Failed, Failure{Path: r.path, Err: r.err})
		case !r.changed:
			sum.Unchanged++
		default:
			out, err := r.out, r.writeErr
			if !r.written {
				out, err = s.write(ctx, r.doc)
			}
			if err != nil {
				cancel()
				for range results { // let the workers finish
				}
				return err
			}
			pr.Outcome = out
			switch out {
			case Added:
				sum.Added++
			case Updated:
				sum.Updated++
			case Unchanged:
				sum.Unchanged++
			}
			if out != Unchanged {
				sum.Chunks += len(r.doc.chunks)
			}
		}
		sum.Bytes += int64(len(r.doc.article.Text))
		if opt.Progress != nil {
			opt.Progress(pr)
		}
	}
	return ctx.Err()
}

// loadAll loads the items with the given number of workers, which also
// write what changed when the backend takes parallel writes; the results
// come in as they are ready, until ctx ends.
func loadAll(ctx context.Context, s *Store, items []item, workers int) <-chan result {
	jobs := make(chan item)
	results := make(chan result, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for it := range jobs {
				r := loadItem(ctx, s, it)
				if r.err == nil && r.changed && s.b.ParallelWrites() {
					r.out, r.writeErr = s.write(ctx, r.doc)
					r.written = true
				}
				select {
				case results <- r:
				case <-ctx.Done():
					return
				}
			}
		})
	}
	go func() {
		defer close(jobs)
		for _, it := range items {
			select {
			case jobs <- it:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()
	return results
}

// loadItem runs one item and prepares its article unless the store already
// holds the same content.
func loadItem(ctx context.Context, s *Store, it item) result {
	a, err := it.load()
	if err != nil {
		return result{path: it.path, err: err}
	}
	r := result{path: it.path, doc: prepared{article: a}}
	if h, err := storedHash(ctx, s.db, a.Path); err == nil && h == a.Hash() {
		return r
	}
	if r.doc, err = prepare(ctx, s.embedder, s.aliases, a); err != nil {
		return result{path: it.path, err: err}
	}
	r.changed = true
	return r
}

// pruneFiles removes stored articles whose files under roots no longer exist.
func pruneFiles(ctx context.Context, s *Store, roots []string, sum *IngestSummary) error {
	return prune(ctx, s, sum, func(path string) bool {
		if strings.HasPrefix(path, corpus.BuiltinPrefix) || strings.Contains(path, "://") {
			return false
		}
		under := false
		for _, r := range roots {
			if path == r || strings.HasPrefix(path, r+string(filepath.Separator)) {
				under = true
				break
			}
		}
		_, err := os.Stat(path)
		return under && errors.Is(err, os.ErrNotExist)
	})
}

func prune(ctx context.Context, s *Store, sum *IngestSummary, gone func(path string) bool) error {
	paths, err := s.Paths(ctx)
	if err != nil {
		return fmt.Errorf("prune: %w", err)
	}
	for _, p := range paths {
		if !gone(p) {
			continue
		}
		if err := s.Delete(ctx, p); err != nil {
			return fmt.Errorf("prune: %w", err)
		}
		sum.Pruned++
	}
	return nil
}
