// Package feeds keeps the corpus fresh from the web: it polls RSS, Atom
// and JSON feeds (conditionally, each on its interval, one replica per
// feed at a time, failing feeds retried with backoff), stores their new
// and changed items with their pages' full text when asked, and ingests
// what a URL serves. It writes articles through the store and keeps each
// feed's state in the ledger; it never searches or answers.
package feeds

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"maps"
	"path"
	"strings"
	"time"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/fetch"
	"github.com/marketbot/marketbot/rag/store"
)

// Fetcher gets URLs; *fetch.Fetcher is one.
type Fetcher interface {
	Get(ctx context.Context, url string, v fetch.Validators) (*fetch.Response, error)
}

// Store is where feed items are stored; *store.Store is one.
type Store interface {
	PutNew(ctx context.Context, a corpus.Article) (store.Outcome, bool, error)
	StoredMeta(ctx context.Context, path, key string) string
}

// Ledger keeps each feed's state; *ledger.Ledger is one.
type Ledger interface {
	FeedValidators(ctx context.Context, url string) (etag, lastModified string, err error)
	RecordFeedSync(ctx context.Context, url, title, etag, lastModified string, syncErr error) error
	ClaimFeed(ctx context.Context, url string, every time.Duration) (bool, error)
}

// Feed is a feed to keep the corpus fresh from.
type Feed struct {
	URL      string
	Every    time.Duration // poll interval
	FullText bool          // also fetch and clean each new item's page
}

// Result is what one sync of a feed did.
type Result struct {
	URL, Title  string
	NotModified bool
	Items       int
	Added       int
	Updated     int
	Unchanged   int
	Duplicates  int // the same text already stored under another URL
	Failed      []store.Failure
}

// Sync fetches a feed (conditionally: an unchanged feed costs a 304),
// and stores its new and changed items, each in its own transaction;
// items already stored under their URL, or whose text is already stored
// under another URL, are skipped. The feed's validators and health are
// recorded.
func Sync(ctx context.Context, st Store, l Ledger, f Fetcher, feed Feed) (Result, error) {
	res := Result{URL: feed.URL}
	var v fetch.Validators
	var err error
	if v.ETag, v.LastModified, err = l.FeedValidators(ctx, feed.URL); err != nil {
		return res, err
	}
	resp, err := f.Get(ctx, feed.URL, v)
	if err == nil && !resp.NotModified {
		err = storeFeed(ctx, st, f, feed, resp.Body, &res)
	}
	if resp != nil {
		res.NotModified = resp.NotModified
		v = resp.Validators
	}
	if rerr := l.RecordFeedSync(ctx, feed.URL, res.Title, v.ETag, v.LastModified, err); rerr != nil {
		return res, rerr
	}
	return res, err
}

func storeFeed(ctx context.Context, st Store, f Fetcher, feed Feed, body []byte, res *Result) error {
	title, items, err := corpus.ParseFeed(body, feed.URL)
	if err != nil {
		return err
	}
	res.Title, res.Items = title, len(items)
	for _, it := range items {
		a := it.Article
		if feed.FullText {
			var same bool
			if a, same = fullText(ctx, st, f, a); same {
				res.Unchanged++
				continue
			}
		}
		out, dup, err := st.PutNew(ctx, a)
		switch {
		case err != nil && ctx.Err() != nil:
			return err
		case err != nil:
			res.Failed = append(res.Failed, store.Failure{Path: a.Path, Err: err})
		case dup:
			res.Duplicates++
		case out == store.Added:
			res.Added++
		case out == store.Updated:
			res.Updated++
		default:
			res.Unchanged++
		}
	}
	return nil
}

// feedItemKey is the meta key that keeps what the feed said of an item
// whose page text is stored (its hash), to know it unchanged when polled
// again without fetching the page.
const feedItemKey = "feed_item"

// fullText replaces a feed item's summary by its page's main text, when
// the page can be fetched and read; otherwise the summary stays. An item
// stored already that the feed lists unchanged is not fetched again: same
// is true, and the stored text stands.
func fullText(ctx context.Context, st Store, f Fetcher, a corpus.Article) (_ corpus.Article, same bool) {
	item := a.Hash()
	if st.StoredMeta(ctx, a.Path, feedItemKey) == item {
		return a, true
	}
	a.Meta = maps.Clone(a.Meta)
	if a.Meta == nil {
		a.Meta = map[string]string{}
	}
	a.Meta[feedItemKey] = item
	resp, err := f.Get(ctx, a.URL, fetch.Validators{})
	if err != nil {
		return a, false
	}
	page, err := corpus.ParsePage(resp.URL, resp.Body, resp.ContentType)
	if err != nil || len(page.Text) <= len(a.Text) {
		return a, false
	}
	a.Text = page.Text
	if a.Published.IsZero() {
		a.Published = page.Published
	}
	return a, false
}

// IngestURL ingests what a URL serves: every item of a feed (RSS, Atom or
// JSON Feed), or a single web page.
func IngestURL(ctx context.Context, st Store, l Ledger, f Fetcher, url string) (store.IngestSummary, error) {
	start := time.Now()
	var sum store.IngestSummary
	resp, err := f.Get(ctx, url, fetch.Validators{})
	if err != nil {
		sum.Failed = append(sum.Failed, store.Failure{Path: url, Err: err})
		return sum, nil
	}
	if looksLikeFeed(resp) {
		res, err := Sync(ctx, st, l, f, Feed{URL: url})
		if err != nil {
			sum.Failed = append(sum.Failed, store.Failure{Path: url, Err: err})
		}
		sum.Added, sum.Updated, sum.Unchanged = res.Added, res.Updated, res.Unchanged+res.Duplicates
		sum.Failed = append(sum.Failed, res.Failed...)
		sum.Duration = time.Since(start)
		return sum, nil
	}
	a, err := readPage(resp, url)
	if err != nil {
		sum.Failed = append(sum.Failed, store.Failure{Path: url, Err: err})
		return sum, nil
	}
	sum.Warnings = corpus.Check(a)
	out, dup, err := st.PutNew(ctx, a)
	switch {
	case err != nil:
		return sum, err
	case dup || out == store.Unchanged:
		sum.Unchanged++
	case out == store.Added:
		sum.Added++
	default:
		sum.Updated++
	}
	sum.Bytes = int64(len(a.Text))
	sum.Duration = time.Since(start)
	return sum, nil
}

// ReadURL fetches url and reads it as IngestURL would, storing nothing:
// every item of a feed (with its summary), or the page as one article.
func ReadURL(ctx context.Context, f Fetcher, url string) ([]corpus.Article, error) {
	resp, err := f.Get(ctx, url, fetch.Validators{})
	if err != nil {
		return nil, err
	}
	if !looksLikeFeed(resp) {
		a, err := readPage(resp, url)
		if err != nil {
			return nil, err
		}
		return []corpus.Article{a}, nil
	}
	_, items, err := corpus.ParseFeed(resp.Body, url)
	if err != nil {
		return nil, fmt.Errorf("read feed %s: %w", url, err)
	}
	out := make([]corpus.Article, len(items))
	for i, it := range items {
		out[i] = it.Article
	}
	return out, nil
}

// readPage reads a fetched web page as the article at url.
func readPage(resp *fetch.Response, url string) (corpus.Article, error) {
	a, err := corpus.ParsePage(url, resp.Body, resp.ContentType)
	if err != nil {
		return corpus.Article{}, fmt.Errorf("load %s: %w", url, err)
	}
	a.Path = url
	if a.URL == "" {
		a.URL = resp.URL
	}
	return a, nil
}

// looksLikeFeed tells a feed from a page by content type, then content.
func looksLikeFeed(r *fetch.Response) bool {
	if strings.Contains(strings.ToLower(r.ContentType), "html") {
		return false
	}
	if fetch.IsFeedType(r.ContentType) {
		return true
	}
	head := bytes.ToLower(r.Body[:min(len(r.Body), 512)])
	return bytes.Contains(head, []byte("<rss")) || bytes.Contains(head, []byte("<feed")) ||
		bytes.Contains(head, []byte("jsonfeed.org")) || path.Ext(r.URL) == ".xml"
}

// Clock tells the time and waits; tests use a fake one.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// RealClock is the system clock.
type RealClock struct{}

// Now is time.Now.
func (RealClock) Now() time.Time { return time.Now() }

// After is time.After.
func (RealClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Loop keeps feeds synced: each on its own interval; a failing feed is
// retried with backoff (a minute, doubling, at most its interval) and
// reported, and never delays the others for longer than its own fetch.
type Loop struct {
	Store   Store
	Ledger  Ledger
	Fetcher Fetcher
	Feeds   []Feed
	Clock   Clock        // default RealClock
	Logger  *slog.Logger // default: discard
	Metrics *Metrics     // default: none
	// Synced, if set, is called after each sync (for tests).
	Synced func(Result, error)
}

// Run syncs until ctx ends. Every feed is synced once at start.
func (l *Loop) Run(ctx context.Context) {
	clock := l.Clock
	if clock == nil {
		clock = RealClock{}
	}
	log := l.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	next := make([]time.Time, len(l.Feeds))
	failures := make([]int, len(l.Feeds))
	for {
		now := clock.Now()
		wake := now.Add(24 * time.Hour)
		for i, f := range l.Feeds {
			if now.Before(next[i]) {
				wake = minTime(wake, next[i])
				continue
			}
			mine, err := l.Ledger.ClaimFeed(ctx, f.URL, f.Every)
			if err == nil && !mine {
				log.Debug("feed synced by another replica", "feed", f.URL)
				next[i] = clock.Now().Add(f.Every)
				wake = minTime(wake, next[i])
				continue
			}
			var res Result
			if err == nil {
				res, err = Sync(ctx, l.Store, l.Ledger, l.Fetcher, f)
			}
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				failures[i]++
				backoff := min(time.Minute<<min(failures[i]-1, 16), f.Every)
				log.Warn("feed sync failed; will retry", "feed", f.URL, "failures", failures[i], "retry_in", backoff, "err", err)
				next[i] = clock.Now().Add(backoff)
			} else {
				failures[i] = 0
				log.Info("feed synced", "feed", f.URL, "items", res.Items, "added", res.Added, "updated", res.Updated,
					"duplicates", res.Duplicates, "not_modified", res.NotModified, "failed_items", len(res.Failed))
				next[i] = clock.Now().Add(f.Every)
			}
			l.Metrics.observeSync(res, err)
			if l.Synced != nil {
				l.Synced(res, err)
			}
			wake = minTime(wake, next[i])
		}
		select {
		case <-ctx.Done():
			return
		case <-clock.After(wake.Sub(clock.Now())):
		}
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
