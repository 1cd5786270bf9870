// Package rag indexes articles and answers from them: the durable store
// (SQLite with an FTS5 index over normalised tokens), ingest, and retrieval.
// It knows nothing of chat platforms.
package rag

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// DBFile is the name of the SQLite file in the data directory.
const DBFile = "marketbot.db"

// Store is the durable store: articles, their passages and the BM25 index,
// in one SQLite file in WAL mode. It is safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string
}

// OpenStore opens (creating if needed) the store in dir and brings its
// schema up to date.
func OpenStore(ctx context.Context, dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open store: create data dir: %w", err)
	}
	path := filepath.Join(dir, DBFile)
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(1)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	db.SetMaxOpenConns(8)
	s := &Store{db: db, path: path}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// Path is the store's database file.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// migrations bring the schema from version i to i+1. Append; never edit.
var migrations = []string{
	`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
	CREATE TABLE articles (
		id INTEGER PRIMARY KEY,
		path TEXT NOT NULL UNIQUE,
		url TEXT NOT NULL DEFAULT '',
		title TEXT NOT NULL,
		source TEXT NOT NULL DEFAULT '',
		published TEXT NOT NULL DEFAULT '',
		published_unix INTEGER,
		lang TEXT NOT NULL DEFAULT '',
		tags TEXT NOT NULL DEFAULT '[]',
		meta TEXT NOT NULL DEFAULT '{}',
		text TEXT NOT NULL,
		hash TEXT NOT NULL,
		chunks INTEGER NOT NULL,
		ingested_unix INTEGER NOT NULL
	);
	CREATE INDEX articles_published ON articles(published_unix);
	CREATE TABLE chunks (
		id INTEGER PRIMARY KEY,
		article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
		seq INTEGER NOT NULL,
		text TEXT NOT NULL,
		norm TEXT NOT NULL,
		embedding BLOB,
		UNIQUE (article_id, seq)
	);
	CREATE VIRTUAL TABLE chunks_fts USING fts5(
		title, body, content='', contentless_delete=1,
		tokenize="unicode61 remove_diacritics 0 tokenchars '.'"
	);`,
}

func (s *Store) migrate(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	var version int
	if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return fmt.Errorf("migrate: read version: %w", err)
	}
	if version > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this marketbot knows (%d): upgrade marketbot", version, len(migrations))
	}
	for i := version; i < len(migrations); i++ {
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			return fmt.Errorf("migrate to version %d: %w", i+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, len(migrations))); err != nil {
		return fmt.Errorf("migrate: set version: %w", err)
	}
	return tx.Commit()
}

// Stats describes what the store holds.
type Stats struct {
	Articles, Chunks int
	Oldest, Newest   time.Time // publication dates; zero when none is known
}

// Stats counts the store's articles and passages.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	var oldest, newest sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(chunks), 0), min(published_unix), max(published_unix) FROM articles`).
		Scan(&st.Articles, &st.Chunks, &oldest, &newest)
	if err != nil {
		return Stats{}, fmt.Errorf("store stats: %w", err)
	}
	if oldest.Valid {
		st.Oldest, st.Newest = time.Unix(oldest.Int64, 0).UTC(), time.Unix(newest.Int64, 0).UTC()
	}
	return st, nil
}

// errNotFound is returned when an article is not in the store.
var errNotFound = errors.New("not found")
