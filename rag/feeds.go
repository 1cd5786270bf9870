package rag

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"path"
	"strings"
	"time"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/fetch"
)

// Fetcher gets URLs; *fetch.Fetcher is one.
type Fetcher interface {
	Get(ctx context.Context, url string, v fetch.Validators) (*fetch.Response, error)
}

// Feed is a feed to keep the corpus fresh from.
type Feed struct {
	URL      string
	Every    time.Duration // poll interval
	FullText bool          // also fetch and clean each new item's page
}

// FeedResult is what one sync of a feed did.
type FeedResult struct {
	URL, Title  string
	NotModified bool
	Items       int
	Added       int
	Updated     int
	Unchanged   int
	Duplicates  int // the same text already stored under another URL
	Failed      []Failure
}

// SyncFeed fetches a feed (conditionally: an unchanged feed costs a 304),
// and stores its new and changed items, each in its own transaction;
// items already stored under their URL, or whose text is already stored
// under another URL, are skipped. The feed's validators and health are
// recorded.
func (s *Store) SyncFeed(ctx context.Context, f Fetcher, feed Feed) (FeedResult, error) {
	res := FeedResult{URL: feed.URL}
	v, err := s.feedValidators(ctx, feed.URL)
	if err != nil {
		return res, err
	}
	resp, err := f.Get(ctx, feed.URL, v)
	if err == nil && !resp.NotModified {
		err = s.storeFeed(ctx, f, feed, resp.Body, &res)
	}
	if resp != nil {
		res.NotModified = resp.NotModified
		v = resp.Validators
	}
	if rerr := s.recordFeedSync(ctx, feed.URL, res.Title, v, err); rerr != nil {
		return res, rerr
	}
	return res, err
}

func (s *Store) storeFeed(ctx context.Context, f Fetcher, feed Feed, body []byte, res *FeedResult) error {
	title, items, err := corpus.ParseFeed(body, feed.URL)
	if err != nil {
		return err
	}
	res.Title, res.Items = title, len(items)
	for _, it := range items {
		a := it.Article
		if feed.FullText {
			var same bool
			if a, same = s.fullText(ctx, f, a); same {
				res.Unchanged++
				continue
			}
		}
		out, dup, err := s.putNew(ctx, a)
		switch {
		case err != nil && ctx.Err() != nil:
			return err
		case err != nil:
			res.Failed = append(res.Failed, Failure{a.Path, err})
		case dup:
			res.Duplicates++
		case out == Added:
			res.Added++
		case out == Updated:
			res.Updated++
		default:
			res.Unchanged++
		}
	}
	return nil
}

// putNew stores an article unless the same text is already stored under
// another path (syndicated copies, a feed that changed its links).
func (s *Store) putNew(ctx context.Context, a corpus.Article) (Outcome, bool, error) {
	var other string
	err := s.db.QueryRowContext(ctx, `SELECT path FROM articles WHERE text_hash = $1 AND path != $2 LIMIT 1`, a.TextHash(), a.Path).Scan(&other)
	if err == nil {
		return Unchanged, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, false, fmt.Errorf("store %s: %w", a.Path, err)
	}
	out, err := s.Put(ctx, a)
	return out, false, err
}

// feedItemKey is the meta key that keeps what the feed said of an item
// whose page text is stored (its hash), to know it unchanged when polled
// again without fetching the page.
const feedItemKey = "feed_item"

// fullText replaces a feed item's summary by its page's main text, when
// the page can be fetched and read; otherwise the summary stays. An item
// stored already that the feed lists unchanged is not fetched again: same
// is true, and the stored text stands.
func (s *Store) fullText(ctx context.Context, f Fetcher, a corpus.Article) (_ corpus.Article, same bool) {
	item := a.Hash()
	if s.storedMeta(ctx, a.Path, feedItemKey) == item {
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

// storedMeta returns a meta value of the article stored at path, "" when
// there is none.
func (s *Store) storedMeta(ctx context.Context, path, key string) string {
	var raw string
	if s.db.QueryRowContext(ctx, `SELECT meta FROM articles WHERE path = $1`, path).Scan(&raw) != nil {
		return ""
	}
	var meta map[string]string
	json.Unmarshal([]byte(raw), &meta)
	return meta[key]
}

func (s *Store) feedValidators(ctx context.Context, url string) (fetch.Validators, error) {
	var v fetch.Validators
	err := s.db.QueryRowContext(ctx, `SELECT etag, last_modified FROM feeds WHERE url = $1`, url).Scan(&v.ETag, &v.LastModified)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("feed %s: %w", url, err)
	}
	return v, nil
}

func (s *Store) recordFeedSync(ctx context.Context, url, title string, v fetch.Validators, syncErr error) error {
	now := s.now().Unix()
	var err error
	if syncErr == nil {
		_, err = s.db.ExecContext(ctx, `
			INSERT INTO feeds (url, title, etag, last_modified, last_sync_unix, last_ok_unix, failures, last_error)
			VALUES ($1, $2, $3, $4, $5, $6, 0, '')
			ON CONFLICT (url) DO UPDATE SET title = CASE WHEN excluded.title != '' THEN excluded.title ELSE feeds.title END,
				etag = excluded.etag, last_modified = excluded.last_modified, last_sync_unix = excluded.last_sync_unix,
				last_ok_unix = excluded.last_ok_unix, failures = 0, last_error = ''`,
			url, title, v.ETag, v.LastModified, now, now)
	} else {
		_, err = s.db.ExecContext(ctx, `
			INSERT INTO feeds (url, last_sync_unix, failures, last_error) VALUES ($1, $2, 1, $3)
			ON CONFLICT (url) DO UPDATE SET last_sync_unix = excluded.last_sync_unix, failures = feeds.failures + 1,
				last_error = excluded.last_error`, url, now, syncErr.Error())
	}
	if err != nil {
		return fmt.Errorf("feed %s: record sync: %w", url, err)
	}
	return nil
}

// FeedHealth is a feed's state, for reports and retries.
type FeedHealth struct {
	URL, Title       string
	LastSync, LastOK time.Time
	Failures         int
	LastError        string
}

// FeedHealth reports the state of a feed (zero if never synced).
func (s *Store) FeedHealth(ctx context.Context, url string) (FeedHealth, error) {
	h := FeedHealth{URL: url}
	var sync, ok sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT title, last_sync_unix, last_ok_unix, failures, last_error FROM feeds WHERE url = $1`, url).
		Scan(&h.Title, &sync, &ok, &h.Failures, &h.LastError)
	if errors.Is(err, sql.ErrNoRows) {
		return h, nil
	}
	if err != nil {
		return h, fmt.Errorf("feed %s: %w", url, err)
	}
	if sync.Valid {
		h.LastSync = time.Unix(sync.Int64, 0)
	}
	if ok.Valid {
		h.LastOK = time.Unix(ok.Int64, 0)
	}
	return h, nil
}

// IngestURL ingests what a URL serves: every item of a feed (RSS, Atom or
// JSON Feed), or a single web page.
func IngestURL(ctx context.Context, s *Store, f Fetcher, url string) (IngestSummary, error) {
	start := s.now()
	var sum IngestSummary
	resp, err := f.Get(ctx, url, fetch.Validators{})
	if err != nil {
		sum.Failed = append(sum.Failed, Failure{url, err})
		return sum, nil
	}
	if looksLikeFeed(resp) {
		res, err := s.SyncFeed(ctx, f, Feed{URL: url})
		if err != nil {
			sum.Failed = append(sum.Failed, Failure{url, err})
		}
		sum.Added, sum.Updated, sum.Unchanged = res.Added, res.Updated, res.Unchanged+res.Duplicates
		sum.Failed = append(sum.Failed, res.Failed...)
		sum.Duration = s.now().Sub(start)
		return sum, nil
	}
	a, err := readPage(resp, url)
	if err != nil {
		sum.Failed = append(sum.Failed, Failure{url, err})
		return sum, nil
	}
	sum.Warnings = corpus.Check(a)
	out, dup, err := s.putNew(ctx, a)
	switch {
	case err != nil:
		return sum, err
	case dup || out == Unchanged:
		sum.Unchanged++
	case out == Added:
		sum.Added++
	default:
		sum.Updated++
	}
	sum.Bytes = int64(len(a.Text))
	sum.Duration = s.now().Sub(start)
	return sum, nil
}

// looksLikeFeed tells a feed from a page by content type, then content.
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

// FeedLoop keeps feeds synced: each on its own interval; a failing feed is
// retried with backoff (a minute, doubling, at most its interval) and
// reported, and never delays the others for longer than its own fetch.
type FeedLoop struct {
	Store   *Store
	Fetcher Fetcher
	Feeds   []Feed
	Clock   Clock        // default RealClock
	Logger  *slog.Logger // default: discard
	Metrics *Metrics     // default: none
	// Synced, if set, is called after each sync (for tests).
	Synced func(FeedResult, error)
}

// Run syncs until ctx ends. Every feed is synced once at start.
func (l *FeedLoop) Run(ctx context.Context) {
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
			mine, err := l.Store.claimFeed(ctx, f)
			if err == nil && !mine {
				log.Debug("feed synced by another replica", "feed", f.URL)
				next[i] = clock.Now().Add(f.Every)
				wake = minTime(wake, next[i])
				continue
			}
			var res FeedResult
			if err == nil {
				res, err = l.Store.SyncFeed(ctx, l.Fetcher, f)
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

// claimFeed takes the feed for this store's process until the feed's
// next sync is due, so that of several replicas one polls it each
// interval; it is false while another holds it. A holder that dies
// frees it when its time is up.
func (s *Store) claimFeed(ctx context.Context, f Feed) (bool, error) {
	now := s.now()
	res, err := s.db.ExecContext(ctx, `
		INSERT INTO feeds (url, lease_owner, lease_until_unix) VALUES ($1, $2, $3)
		ON CONFLICT (url) DO UPDATE SET lease_owner = excluded.lease_owner, lease_until_unix = excluded.lease_until_unix
		WHERE feeds.lease_until_unix <= $4 OR feeds.lease_owner = excluded.lease_owner`,
		f.URL, s.instance, now.Add(max(f.Every, time.Minute)).Unix(), now.Unix())
	if err != nil {
		return false, fmt.Errorf("claim feed %s: %w", f.URL, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
