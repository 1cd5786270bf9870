package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// DBFile is the name of the SQLite file in the data directory.
const DBFile = "marketbot.db"

// sqliteDB is the embedded store: one file in WAL mode, BM25 by FTS5 over
// the pre-tokenised text.
type sqliteDB struct {
	db   *sql.DB
	path string
}

// OpenSQLite opens (creating) the store's file in dir.
func OpenSQLite(dir string) (DB, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open store: create data dir: %w", err)
	}
	path := filepath.Join(dir, DBFile)
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(1)",
		"cache_size(-65536)", "mmap_size(268435456)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	db.SetMaxOpenConns(8)
	return &sqliteDB{db: db, path: path}, nil
}

func (b *sqliteDB) SQL() *sql.DB  { return b.db }
func (b *sqliteDB) Where() string { return b.path }

// sqliteMigrations bring the schema from version i to i+1. Append; never
// edit. The PostgreSQL schema follows the same versions.
var sqliteMigrations = []string{
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
	`ALTER TABLE chunks ADD COLUMN embedder TEXT NOT NULL DEFAULT '';
	CREATE INDEX chunks_embedder ON chunks(embedder);
	CREATE VIRTUAL TABLE chunks_vocab USING fts5vocab(chunks_fts, 'col');`,
	`CREATE TABLE handled (key TEXT PRIMARY KEY, at_unix INTEGER NOT NULL);
	CREATE INDEX handled_at ON handled(at_unix);
	CREATE TABLE answers (
		id TEXT PRIMARY KEY, platform TEXT NOT NULL, conversation TEXT NOT NULL, thread TEXT NOT NULL,
		user TEXT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL, fallback INTEGER NOT NULL,
		not_found INTEGER NOT NULL, at_unix INTEGER NOT NULL
	);
	CREATE TABLE feedback (
		answer_id TEXT NOT NULL, user TEXT NOT NULL, vote INTEGER NOT NULL, at_unix INTEGER NOT NULL,
		PRIMARY KEY (answer_id, user)
	);`,
	`ALTER TABLE articles ADD COLUMN text_hash TEXT NOT NULL DEFAULT '';
	CREATE INDEX articles_text_hash ON articles(text_hash);
	CREATE INDEX articles_ingested ON articles(ingested_unix);
	CREATE TABLE feeds (
		url TEXT PRIMARY KEY, title TEXT NOT NULL DEFAULT '', etag TEXT NOT NULL DEFAULT '',
		last_modified TEXT NOT NULL DEFAULT '', last_sync_unix INTEGER, last_ok_unix INTEGER,
		failures INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT ''
	);
	CREATE TABLE briefings (
		target TEXT NOT NULL, slot_unix INTEGER NOT NULL, state TEXT NOT NULL,
		since_unix INTEGER NOT NULL, until_unix INTEGER NOT NULL, at_unix INTEGER NOT NULL,
		PRIMARY KEY (target, slot_unix)
	);`,
	`ALTER TABLE feeds ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
	ALTER TABLE feeds ADD COLUMN lease_until_unix INTEGER NOT NULL DEFAULT 0;`,
	`CREATE TABLE turns (
		id INTEGER PRIMARY KEY, thread TEXT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL, at_unix INTEGER NOT NULL
	);
	CREATE INDEX turns_thread ON turns(thread, id);
	CREATE INDEX turns_at ON turns(at_unix);`,
	`CREATE TABLE briefed (
		target TEXT NOT NULL, item TEXT NOT NULL, text_hash TEXT NOT NULL, sketch TEXT NOT NULL DEFAULT '',
		at_unix INTEGER NOT NULL, PRIMARY KEY (target, item)
	);`,
	`CREATE TABLE price_facts (
		chunk_id INTEGER NOT NULL, article_id INTEGER NOT NULL, model TEXT NOT NULL, kind TEXT NOT NULL,
		per_million REAL NOT NULL, currency TEXT NOT NULL, effective_unix INTEGER NOT NULL, quote TEXT NOT NULL
	);
	CREATE INDEX price_facts_article ON price_facts(article_id);
	CREATE INDEX price_facts_model ON price_facts(model, kind, effective_unix);`,
}

// Migrate runs in one immediate transaction: a second process waits for
// the first and then finds nothing to do.
func (b *sqliteDB) Migrate(ctx context.Context) error {
	tx, err := b.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	var version int
	if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return fmt.Errorf("migrate: read version: %w", err)
	}
	err = applyMigrations(ctx, tx, version, sqliteMigrations, func(v int) error {
		_, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, v))
		return err
	})
	if err != nil {
		return err
	}
	return tx.Commit()
}

// LockArticle has nothing to do: a write transaction holds the whole
// database (_txlock=immediate).
func (b *sqliteDB) LockArticle(context.Context, *sql.Tx, string) error { return nil }

// ParallelWrites: SQLite has one writer at a time.
func (b *sqliteDB) ParallelWrites() bool { return false }

func (b *sqliteDB) Index(ctx context.Context, tx *sql.Tx, id int64, title, body string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO chunks_fts (rowid, title, body) VALUES ($1, $2, $3)`, id, title, body)
	return err
}

func (b *sqliteDB) Unindex(ctx context.Context, tx *sql.Tx, ids []int64) error {
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `DELETE FROM chunks_fts WHERE rowid = $1`, id); err != nil {
			return err
		}
	}
	return nil
}

// FTSMatch ORs the terms as FTS5 strings.
func FTSMatch(terms []string) string {
	parts := distinct(terms)
	for i, t := range parts {
		parts[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	return strings.Join(parts, " OR ")
}

func (b *sqliteDB) BM25(ctx context.Context, terms []string, p Period, limit int) ([]Candidate, error) {
	match := FTSMatch(terms)
	if match == "" {
		return nil, nil
	}
	inner := limit
	if !p.Since.IsZero() || !p.Until.IsZero() {
		inner = limit * 10 // the date filter applies after the ranking
	}
	where, args := DateClause(p, []any{match, inner})
	args = append(args, limit)
	rows, err := b.db.QueryContext(ctx, `
		SELECT c.id, c.article_id, -f.score
		FROM (SELECT rowid, bm25(chunks_fts, `+strconv.FormatFloat(titleWeight, 'f', -1, 64)+`, 1.0) AS score
		      FROM chunks_fts WHERE chunks_fts MATCH $1 ORDER BY score LIMIT $2) f
		JOIN chunks c ON c.id = f.rowid
		JOIN articles a ON a.id = c.article_id
		WHERE true`+where+`
		ORDER BY f.score LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return scanCandidates(rows)
}

// DocFreq reads the FTS5 vocabulary: one lookup per term, except for
// several Han terms that begin with one character (the bigrams a pinyin
// name could be written with), read with one scan of the terms that begin
// so.
func (b *sqliteDB) DocFreq(ctx context.Context, terms []string) (map[string]int, int, error) {
	df := make(map[string]int, len(terms))
	var n int
	if err := b.db.QueryRowContext(ctx, `SELECT count(*) FROM chunks`).Scan(&n); err != nil {
		return nil, 0, fmt.Errorf("term statistics: %w", err)
	}
	terms = distinct(terms)
	byFirst := map[string]int{} // Han terms by their first character
	for _, t := range terms {
		df[t] = 0
		if r, _ := utf8.DecodeRuneInString(t); unicode.Is(unicode.Han, r) {
			byFirst[string(r)]++
		}
	}
	scan, err := b.db.PrepareContext(ctx, `SELECT term, doc FROM chunks_vocab WHERE term >= $1 AND term < $2 AND col = 'body'`)
	if err != nil {
		return nil, 0, fmt.Errorf("term statistics: %w", err)
	}
	defer scan.Close()
	for first, k := range byFirst {
		if k < scanFrom {
			continue
		}
		rows, err := scan.QueryContext(ctx, first, first+"\U0010FFFF") // terms are ordered by their UTF-8 bytes
		if err != nil {
			return nil, 0, fmt.Errorf("term statistics: %w", err)
		}
		for rows.Next() {
			var t string
			var d int
			if err := rows.Scan(&t, &d); err != nil {
				rows.Close()
				return nil, 0, fmt.Errorf("term statistics: %w", err)
			}
			df[t] = d
		}
		if err := rows.Close(); err != nil {
			return nil, 0, fmt.Errorf("term statistics: %w", err)
		}
	}
	stmt, err := b.db.PrepareContext(ctx, `SELECT doc FROM chunks_vocab WHERE term = $1 AND col = 'body'`)
	if err != nil {
		return nil, 0, fmt.Errorf("term statistics: %w", err)
	}
	defer stmt.Close()
	for _, t := range terms {
		if r, _ := utf8.DecodeRuneInString(t); byFirst[string(r)] >= scanFrom {
			continue // read by the scan
		}
		var d int
		if err := stmt.QueryRowContext(ctx, t).Scan(&d); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, 0, fmt.Errorf("term statistics: %w", err)
		}
		df[t] = d
	}
	return df, n, nil
}

// scanFrom is how many terms beginning with one character DocFreq reads
// with a scan instead of one lookup each (about 60 µs a lookup, 150 µs a scan).
const scanFrom = 4

// PhraseCount runs an FTS5 phrase query.
func (b *sqliteDB) PhraseCount(ctx context.Context, toks []string, limit int) (int, error) {
	match := `body:"` + strings.ReplaceAll(strings.Join(toks, " "), `"`, `""`) + `"`
	var n int
	err := b.db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH $1 LIMIT $2)`, match, limit).Scan(&n)
	return n, err
}

// Size is the database file's and its write-ahead log's.
func (b *sqliteDB) Size(context.Context) (int64, error) {
	var n int64
	for _, suffix := range []string{"", "-wal"} {
		fi, err := os.Stat(b.path + suffix)
		switch {
		case err == nil:
			n += fi.Size()
		case suffix == "" || !errors.Is(err, os.ErrNotExist):
			return 0, err
		}
	}
	return n, nil
}
