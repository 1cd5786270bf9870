package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/corpus/pricefact"
)

// Price facts: the API prices passages state (corpus/pricefact), stored
// with their passage at ingest and gone when it goes; found again for
// every article when the extractor changes (its version is kept in meta)
// and on reindex.

// PriceFact is a price a stored passage states, with its article for the
// citation.
type PriceFact struct {
	pricefact.Fact
	ChunkID, ArticleID int64
	Title, URL, Path   string
	Source, SourceKind string
	Published          time.Time // the article's; zero when unknown
	Summary            bool      // marketbot's summary of its source (the built-in pack)
}

// PriceFilter selects price facts.
type PriceFilter struct {
	Models []string  // the alias table's ids; none: every model
	Since  time.Time // effective on or after; zero: any date
}

// Prices returns the price facts the filter selects, by model, kind and
// effective date, oldest first.
func (s *Store) Prices(ctx context.Context, f PriceFilter) ([]PriceFact, error) {
	q := `SELECT p.chunk_id, p.article_id, p.model, p.kind, p.per_million, p.currency, p.effective_unix, p.quote,
			a.title, a.url, a.path, a.source, a.published, a.meta
		FROM price_facts p JOIN articles a ON a.id = p.article_id WHERE true`
	var args []any
	if len(f.Models) > 0 {
		marks := make([]string, len(f.Models))
		for i, m := range f.Models {
			args = append(args, m)
			marks[i] = "$" + strconv.Itoa(len(args))
		}
		q += ` AND p.model IN (` + strings.Join(marks, ", ") + `)`
	}
	if !f.Since.IsZero() {
		args = append(args, f.Since.Unix())
		q += ` AND p.effective_unix >= $` + strconv.Itoa(len(args))
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY p.model, p.kind, p.effective_unix, a.published_unix, p.chunk_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("prices: %w", err)
	}
	defer rows.Close()
	var out []PriceFact
	for rows.Next() {
		var p PriceFact
		var effective int64
		var published, meta string
		if err := rows.Scan(&p.ChunkID, &p.ArticleID, &p.Model, &p.Kind, &p.PerMillion, &p.Currency, &effective, &p.Quote,
			&p.Title, &p.URL, &p.Path, &p.Source, &published, &meta); err != nil {
			return nil, fmt.Errorf("prices: %w", err)
		}
		p.Date = time.Unix(effective, 0).UTC()
		p.Published, _ = time.Parse(time.RFC3339, published)
		p.Summary, p.SourceKind = SummaryOf(meta)
		out = append(out, p)
	}
	return out, rows.Err()
}

// insertFacts stores the facts of passage chunkID of article articleID, in
// tx.
func insertFacts(ctx context.Context, tx *sql.Tx, chunkID, articleID int64, facts []pricefact.Fact) error {
	for _, f := range facts {
		_, err := tx.ExecContext(ctx, `INSERT INTO price_facts (chunk_id, article_id, model, kind, per_million, currency, effective_unix, quote)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, chunkID, articleID, f.Model, f.Kind, f.PerMillion, f.Currency, f.Date.Unix(), f.Quote)
		if err != nil {
			return fmt.Errorf("price facts: %w", err)
		}
	}
	return nil
}

// refreshFacts finds every article's price facts again, one transaction
// per article, and records the extractor's version.
func refreshFacts(ctx context.Context, s *Store) error {
	ids, err := articleIDs(ctx, s.db)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := refreshArticleFacts(ctx, s, id); err != nil {
			return err
		}
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('pricefact', $1)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, factsVersion(s.aliases))
	return err
}

// refreshArticleFacts replaces article id's price facts.
func refreshArticleFacts(ctx context.Context, s *Store, id int64) error {
	var title, published string
	if err := s.db.QueryRowContext(ctx, `SELECT title, published FROM articles WHERE id = $1`, id).Scan(&title, &published); err != nil {
		return fmt.Errorf("price facts of article %d: %w", id, err)
	}
	pub, _ := time.Parse(time.RFC3339, published)
	rows, err := s.db.QueryContext(ctx, `SELECT id, text FROM chunks WHERE article_id = $1 ORDER BY seq`, id)
	if err != nil {
		return fmt.Errorf("price facts of article %d: %w", id, err)
	}
	type passage struct {
		id    int64
		facts []pricefact.Fact
	}
	var ps []passage
	for rows.Next() {
		var p passage
		var text string
		if err := rows.Scan(&p.id, &text); err != nil {
			rows.Close()
			return fmt.Errorf("price facts of article %d: %w", id, err)
		}
		p.facts = pricefact.Extract(text, title, pub, s.aliases)
		ps = append(ps, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("price facts of article %d: %w", id, err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM price_facts WHERE article_id = $1`, id); err != nil {
		return fmt.Errorf("price facts of article %d: %w", id, err)
	}
	for _, p := range ps {
		if err := insertFacts(ctx, tx, p.id, id, p.facts); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// factsStale reports whether the stored facts were found by another
// version of the extractor or with another alias table, which names their
// models (or none, in a store that predates them).
func factsStale(ctx context.Context, db *sql.DB, aliases *corpus.Aliases) (bool, error) {
	var v string
	err := db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'pricefact'`).Scan(&v)
	if err == sql.ErrNoRows {
		return true, nil
	}
	return v != factsVersion(aliases), err
}

// factsVersion names the extractor's version and the alias table facts
// are found with.
func factsVersion(aliases *corpus.Aliases) string {
	return strconv.Itoa(pricefact.Version) + "/" + aliases.Digest()
}
