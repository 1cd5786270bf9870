package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Each feed's state: its validators, health and lease.

// FeedValidators returns the validators (ETag, Last-Modified) of the
// feed's last good fetch, "" when none.
func (l *Ledger) FeedValidators(ctx context.Context, url string) (etag, lastModified string, err error) {
	err = l.db.QueryRowContext(ctx, `SELECT etag, last_modified FROM feeds WHERE url = $1`, url).Scan(&etag, &lastModified)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", "", fmt.Errorf("feed %s: %w", url, err)
	}
	return etag, lastModified, nil
}

// RecordFeedSync records a sync of the feed: on success its title and
// validators, else one more failure and its error.
func (l *Ledger) RecordFeedSync(ctx context.Context, url, title, etag, lastModified string, syncErr error) error {
	now := l.now().Unix()
	var err error
	if syncErr == nil {
		_, err = l.db.ExecContext(ctx, `
			INSERT INTO feeds (url, title, etag, last_modified, last_sync_unix, last_ok_unix, failures, last_error)
			VALUES ($1, $2, $3, $4, $5, $6, 0, '')
			ON CONFLICT (url) DO UPDATE SET title = CASE WHEN excluded.title != '' THEN excluded.title ELSE feeds.title END,
				etag = excluded.etag, last_modified = excluded.last_modified, last_sync_unix = excluded.last_sync_unix,
				last_ok_unix = excluded.last_ok_unix, failures = 0, last_error = ''`,
			url, title, etag, lastModified, now, now)
	} else {
		_, err = l.db.ExecContext(ctx, `
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
func (l *Ledger) FeedHealth(ctx context.Context, url string) (FeedHealth, error) {
	h := FeedHealth{URL: url}
	var sync, ok sql.NullInt64
	err := l.db.QueryRowContext(ctx, `SELECT title, last_sync_unix, last_ok_unix, failures, last_error FROM feeds WHERE url = $1`, url).
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

// ClaimFeed takes the feed for this process until its
// next sync is due, so that of several replicas one polls it each
// interval; it is false while another holds it. A holder that dies
// frees it when its time is up.
func (l *Ledger) ClaimFeed(ctx context.Context, url string, every time.Duration) (bool, error) {
	now := l.now()
	res, err := l.db.ExecContext(ctx, `
		INSERT INTO feeds (url, lease_owner, lease_until_unix) VALUES ($1, $2, $3)
		ON CONFLICT (url) DO UPDATE SET lease_owner = excluded.lease_owner, lease_until_unix = excluded.lease_until_unix
		WHERE feeds.lease_until_unix <= $4 OR feeds.lease_owner = excluded.lease_owner`,
		url, l.instance, now.Add(max(every, time.Minute)).Unix(), now.Unix())
	if err != nil {
		return false, fmt.Errorf("claim feed %s: %w", url, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
