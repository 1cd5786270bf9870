package rag

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// backend is what differs between the store's two databases: SQLite, the
// embedded default, and PostgreSQL, shared by several replicas. The rest
// of the store is the same SQL on both.
type backend interface {
	// sqlDB is the connection pool.
	sqlDB() *sql.DB
	// where names the database for messages, never with a password.
	where() string
	// migrate brings the schema up to date, once however many processes
	// start at the same time.
	migrate(ctx context.Context) error
	// lockArticle makes the writers of one article path take turns, in
	// tx, until it ends.
	lockArticle(ctx context.Context, tx *sql.Tx, path string) error
	// parallelWrites tells whether articles are best written by several
	// writers at once.
	parallelWrites() bool
	// index adds a passage's title and body tokens (space-separated, as
	// from corpus.Tokens) to the lexical index, in tx.
	index(ctx context.Context, tx *sql.Tx, id int64, title, body string) error
	// unindex removes passages from the lexical index, in tx, before the
	// passages themselves are deleted.
	unindex(ctx context.Context, tx *sql.Tx, ids []int64) error
	// bm25 ranks the passages holding any of terms by BM25 (FTS5's
	// formula: title hits weigh titleWeight, body hits 1), best first,
	// keeping those of articles in the time frame, at most limit.
	bm25(ctx context.Context, terms []string, f timeFrame, limit int) ([]candidate, error)
	// docFreq reports in how many passages' bodies each term occurs, and
	// how many passages there are.
	docFreq(ctx context.Context, terms []string) (map[string]int, int, error)
	// phraseCount counts the passages whose body holds toks in sequence,
	// counting up to limit.
	phraseCount(ctx context.Context, toks []string, limit int) (int, error)
	// size is how many bytes the database takes.
	size(ctx context.Context) (int64, error)
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
