package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/marketbot/marketbot/rag/store/vectors"
)

// Reindex re-embeds every passage not yet embedded by the configured
// embedder, one article per transaction, and records the embedder. It can
// be interrupted and run again: it resumes where it stopped. progress, if
// set, is called after each article.
func (s *Store) Reindex(ctx context.Context, progress func(done, total int)) (passages int, err error) {
	cur := s.embedder.Info()
	rec, err := embedderRecord(ctx, s.db)
	if err != nil {
		return 0, err
	}
	if !sameEmbedder(rec, cur) {
		// From now on the store belongs to the new embedder; opening it
		// with the old one asks for this reindex to finish.
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return 0, fmt.Errorf("reindex: %w", err)
		}
		if err := setEmbedderRecord(ctx, tx, cur); err != nil {
			tx.Rollback()
			return 0, fmt.Errorf("reindex: %w", err)
		}
		if err := tx.Commit(); err != nil {
			return 0, fmt.Errorf("reindex: %w", err)
		}
		if s.vectors, err = vectors.New(); err != nil {
			return 0, err
		}
	}
	articles, err := staleArticles(ctx, s.db, s.embedder)
	if err != nil {
		return 0, err
	}
	for i, id := range articles {
		n, err := reembed(ctx, s, id)
		if err != nil {
			return passages, err
		}
		passages += n
		if progress != nil {
			progress(i+1, len(articles))
		}
	}
	return passages, refreshFacts(ctx, s) // the alias table may have changed
}

// staleArticles lists articles with a passage the configured embedder did
// not embed, or embedded with other dimensions.
func staleArticles(ctx context.Context, db *sql.DB, emb Embedder) ([]int64, error) {
	rec, err := embedderRecord(ctx, db)
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, `
		SELECT DISTINCT article_id FROM chunks
		WHERE embedder != $1 OR embedding IS NULL OR ($2 > 0 AND length(embedding) != 4 * $3)
		ORDER BY article_id`, embedderID(emb.Info()), rec.Dims, rec.Dims)
	if err != nil {
		return nil, fmt.Errorf("reindex: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("reindex: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// reembed embeds one article's passages again, in one transaction.
func reembed(ctx context.Context, s *Store, articleID int64) (int, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT c.id, a.title, c.text, coalesce(a.published_unix, 0)
		FROM chunks c JOIN articles a ON a.id = c.article_id
		WHERE c.article_id = $1 ORDER BY c.seq`, articleID)
	if err != nil {
		return 0, fmt.Errorf("reindex: %w", err)
	}
	var ids []int64
	var inputs []string
	var meta []vectors.Meta
	for rows.Next() {
		var id, published int64
		var title, text string
		if err := rows.Scan(&id, &title, &text, &published); err != nil {
			rows.Close()
			return 0, fmt.Errorf("reindex: %w", err)
		}
		ids, inputs = append(ids, id), append(inputs, embedInput(title, text))
		meta = append(meta, vectors.Meta{Article: articleID, Published: published})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("reindex: %w", err)
	}
	vecs, err := s.embedder.Embed(ctx, inputs)
	if err != nil {
		return 0, fmt.Errorf("reindex: %w", err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("reindex: %w", err)
	}
	defer tx.Rollback()
	p := prepared{chunks: make([]preparedChunk, len(vecs))}
	for i, v := range vecs {
		p.chunks[i].vec = v
	}
	info, err := checkDims(ctx, tx, s.embedder, p)
	if err != nil {
		return 0, fmt.Errorf("reindex: %w", err)
	}
	eid := embedderID(info)
	for i, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE chunks SET embedding = $1, embedder = $2 WHERE id = $3`, vectors.Encode(vecs[i]), eid, id); err != nil {
			return 0, fmt.Errorf("reindex: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("reindex: %w", err)
	}
	if err := s.vectors.Remove(ctx, ids); err != nil {
		return 0, err
	}
	return len(ids), s.vectors.Add(ctx, ids, vecs, meta)
}
