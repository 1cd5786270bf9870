package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/store/vectors"
)

// tokensStale reports whether the lexical index was built under other
// tokenizing rules than corpus.Tokens' (or under rules from before they
// were recorded).
func tokensStale(ctx context.Context, db *sql.DB) (bool, error) {
	v, err := indexTokensVersion(db.QueryRowContext(ctx, tokensVersionQuery))
	return v != strconv.Itoa(corpus.TokensVersion), err
}

const tokensVersionQuery = `SELECT value FROM meta WHERE key = 'index_tokens'`

func indexTokensVersion(row *sql.Row) (string, error) {
	var v string
	if err := row.Scan(&v); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	return v, nil
}

// retokenize indexes every passage again under today's tokenizing rules,
// in one transaction, and records them. The local embedder's vectors are
// made of the same tokens, so the passages it embedded are embedded again.
func retokenize(ctx context.Context, s *Store, log *slog.Logger) error {
	start := time.Now()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("index tokens: %w", err)
	}
	defer tx.Rollback()
	if err := s.b.LockArticle(ctx, tx, "meta:index_tokens"); err != nil { // replicas opening at once
		return fmt.Errorf("index tokens: %w", err)
	}
	v, err := indexTokensVersion(tx.QueryRowContext(ctx, tokensVersionQuery))
	if err != nil {
		return fmt.Errorf("index tokens: %w", err)
	}
	want := strconv.Itoa(corpus.TokensVersion)
	if v == want {
		return nil // another process did it
	}
	rec, err := embedderRecordTx(ctx, tx)
	if err != nil {
		return fmt.Errorf("index tokens: %w", err)
	}
	local := ""
	if cur := s.embedder.Info(); cur.Name == "local" && rec == cur {
		local = embedderID(cur)
	}
	n := 0
	for last := int64(0); ; {
		batch, err := passagesAfter(ctx, tx, last, 500)
		if err != nil {
			return fmt.Errorf("index tokens: %w", err)
		}
		if len(batch) == 0 {
			break
		}
		if n == 0 {
			log.Info("store: indexing every passage again under new tokenizing rules (once, after an upgrade)", "store", s.path)
		}
		if err := reindexBatch(ctx, s, tx, batch, local); err != nil {
			return fmt.Errorf("index tokens: %w", err)
		}
		last, n = batch[len(batch)-1].id, n+len(batch)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('index_tokens', $1)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, want); err != nil {
		return fmt.Errorf("index tokens: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("index tokens: %w", err)
	}
	if n > 0 {
		log.Info("store: passages indexed again", "passages", n, "took", time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// storedPassage is what retokenize reads of a passage.
type storedPassage struct {
	id                          int64
	title, text, norm, embedder string
}

// passagesAfter reads up to n passages with ids above last, in id order.
func passagesAfter(ctx context.Context, tx *sql.Tx, last int64, n int) ([]storedPassage, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT c.id, a.title, c.text, c.norm, c.embedder
		FROM chunks c JOIN articles a ON a.id = c.article_id
		WHERE c.id > $1 ORDER BY c.id LIMIT $2`, last, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []storedPassage
	for rows.Next() {
		var p storedPassage
		if err := rows.Scan(&p.id, &p.title, &p.text, &p.norm, &p.embedder); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// reindexBatch replaces the passages' index entries, and the vectors of
// those embedded by local (if not empty), the configured local embedder.
func reindexBatch(ctx context.Context, s *Store, tx *sql.Tx, batch []storedPassage, local string) error {
	ids := make([]int64, len(batch))
	for i, p := range batch {
		ids[i] = p.id
	}
	if err := s.b.Unindex(ctx, tx, ids); err != nil {
		return err
	}
	var again []storedPassage
	for _, p := range batch {
		if err := s.b.Index(ctx, tx, p.id, strings.Join(corpus.Tokens(p.title), " "), strings.Join(corpus.NormalizedTokens(p.norm), " ")); err != nil {
			return err
		}
		if local != "" && p.embedder == local {
			again = append(again, p)
		}
	}
	if len(again) == 0 {
		return nil
	}
	inputs := make([]string, len(again))
	for i, p := range again {
		inputs[i] = embedInput(p.title, p.text)
	}
	vecs, err := s.embedder.Embed(ctx, inputs)
	if err != nil {
		return err
	}
	for i, p := range again {
		if _, err := tx.ExecContext(ctx, `UPDATE chunks SET embedding = $1 WHERE id = $2`, vectors.Encode(vecs[i]), p.id); err != nil {
			return err
		}
	}
	return nil
}
