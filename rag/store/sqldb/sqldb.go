// Package sqldb is the store's two databases behind one seam: SQLite, the
// embedded default (one file, FTS5 for BM25), and PostgreSQL, shared by
// several replicas (BM25 over a postings table, a change log replicas
// follow). It opens them, migrates their schema once however many
// processes start together, and runs what differs between them; the rest
// of the store is the same SQL on both. It knows nothing of questions.
package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// titleWeight is the BM25 weight of a title match relative to the body,
// chosen with "marketbot eval" on the dev set (see the README).
const titleWeight = 1.0

// DB is what differs between the store's two databases: SQLite, the
// embedded default, and PostgreSQL, shared by several replicas. The rest
// of the store is the same SQL on both.
type DB interface {
	// SQL is the connection pool.
	SQL() *sql.DB
	// Where names the database for messages, never with a password.
	Where() string
	// Migrate brings the schema up to date, once however many processes
	// start at the same time.
	Migrate(ctx context.Context) error
	// LockArticle makes the writers of one article path take turns, in
	// tx, until it ends.
	LockArticle(ctx context.Context, tx *sql.Tx, path string) error
	// ParallelWrites tells whether articles are best written by several
	// writers at once.
	ParallelWrites() bool
	// Index adds a passage's title and body tokens (space-separated, as
	// from corpus.Tokens) to the lexical index, in tx.
	Index(ctx context.Context, tx *sql.Tx, id int64, title, body string) error
	// Unindex removes passages from the lexical index, in tx, before the
	// passages themselves are deleted.
	Unindex(ctx context.Context, tx *sql.Tx, ids []int64) error
	// BM25 ranks the passages holding any of terms by BM25 (FTS5's
	// formula: title hits weigh titleWeight, body hits 1), best first,
	// keeping those of articles in the time frame, at most limit.
	BM25(ctx context.Context, terms []string, p Period, limit int) ([]Candidate, error)
	// DocFreq reports in how many passages' bodies each term occurs, and
	// how many passages there are.
	DocFreq(ctx context.Context, terms []string) (map[string]int, int, error)
	// PhraseCount counts the passages whose body holds toks in sequence,
	// counting up to limit.
	PhraseCount(ctx context.Context, toks []string, limit int) (int, error)
	// Size is how many bytes the database takes.
	Size(ctx context.Context) (int64, error)
}

// applyMigrations runs, in tx, the migrations after version, calling
// record with each new version once its migration is applied.
func applyMigrations(ctx context.Context, tx *sql.Tx, version int, migrations []string, record func(version int) error) error {
	if version > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this marketbot knows (%d): upgrade marketbot", version, len(migrations))
	}
	for i := version; i < len(migrations); i++ {
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			return fmt.Errorf("migrate to version %d: %w", i+1, err)
		}
		if err := record(i + 1); err != nil {
			return fmt.Errorf("migrate to version %d: %w", i+1, err)
		}
	}
	return nil
}

// distinct is terms without repeats, in their order.
func distinct(terms []string) []string {
	seen := make(map[string]bool, len(terms))
	out := terms[:0:0]
	for _, t := range terms {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// termFreqs counts the tokens of a space-separated token string.
func termFreqs(tokens string) map[string]int {
	tf := map[string]int{}
	for _, t := range strings.Fields(tokens) {
		tf[t]++
	}
	return tf
}

// Candidate is a passage found by a retrieval leg, before its details are
// read.
type Candidate struct {
	Chunk, Article int64
	Score          float64
}

// Period keeps the articles published at or after Since and before Until;
// a zero end is open.
type Period struct {
	Since, Until time.Time
}

// Holds reports whether a publication time (unix seconds; 0 when unknown)
// is in the period; an open period holds every time, known or not.
func (p Period) Holds(published int64) bool {
	if p.Since.IsZero() && p.Until.IsZero() {
		return true
	}
	return published != 0 && (p.Since.IsZero() || published >= p.Since.Unix()) && (p.Until.IsZero() || published < p.Until.Unix())
}

// scanCandidates reads rows of passage id, article id and score.
func scanCandidates(rows *sql.Rows) ([]Candidate, error) {
	defer rows.Close()
	var out []Candidate
	for rows.Next() {
		var c Candidate
		if err := rows.Scan(&c.Chunk, &c.Article, &c.Score); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return out, nil
}

// DateClause restricts articles a to the period, with its values
// appended to args as the next numbered parameters.
func DateClause(p Period, args []any) (string, []any) {
	var where string
	if !p.Since.IsZero() {
		args = append(args, p.Since.Unix())
		where += ` AND a.published_unix >= $` + strconv.Itoa(len(args))
	}
	if !p.Until.IsZero() {
		args = append(args, p.Until.Unix())
		where += ` AND a.published_unix < $` + strconv.Itoa(len(args))
	}
	return where, args
}

// ChangeFeed is the ability of a backend shared by several processes to
// say which passages the others added or removed (PostgreSQL's change log).
type ChangeFeed interface {
	// Cursor is the change log's present position.
	Cursor(ctx context.Context) (Cursor, error)
	// Changed lists the passages changed since c, and where to read next.
	Changed(ctx context.Context, c Cursor) ([]int64, Cursor, error)
}
