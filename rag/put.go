package rag

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/marketbot/marketbot/corpus"
)

// Outcome is what putting an article did.
type Outcome int

// Outcomes of Put.
const (
	Unchanged Outcome = iota // same content already stored
	Added                    // new path
	Updated                  // changed content replaced the old
)

func (o Outcome) String() string {
	return [...]string{"unchanged", "added", "updated"}[o]
}

// prepared is an article split into passages and tokenised, ready to write.
type prepared struct {
	article corpus.Article
	hash    string
	chunks  []preparedChunk
}

type preparedChunk struct {
	text, norm string
	terms      string // space-separated index tokens
}

// prepare chunks and tokenises an article: the CPU-heavy part of ingest,
// done outside the write transaction.
func prepare(a corpus.Article) prepared {
	p := prepared{article: a, hash: a.Hash()}
	for _, sp := range corpus.Split(a.Text, corpus.DefaultChunkOptions) {
		text := a.Text[sp.Start:sp.End]
		norm := corpus.Normalize(text)
		p.chunks = append(p.chunks, preparedChunk{text: text, norm: norm, terms: strings.Join(corpus.NormalizedTokens(norm), " ")})
	}
	return p
}

// Put stores an article in one transaction: an unchanged article (same path,
// same content hash) is left alone, a changed one has its passages replaced.
func (s *Store) Put(ctx context.Context, a corpus.Article) (Outcome, error) {
	if h, err := s.hash(ctx, a.Path); err == nil && h == a.Hash() {
		return Unchanged, nil
	}
	return s.write(ctx, prepare(a))
}

// hash returns the content hash stored for path, or errNotFound.
func (s *Store) hash(ctx context.Context, path string) (string, error) {
	var h string
	err := s.db.QueryRowContext(ctx, `SELECT hash FROM articles WHERE path = ?`, path).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errNotFound
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return h, nil
}

func (s *Store) write(ctx context.Context, p prepared) (outcome Outcome, err error) {
	a := p.article
	tags, _ := json.Marshal(nonNil(a.Tags))
	meta, _ := json.Marshal(a.Meta)
	if a.Meta == nil {
		meta = []byte("{}")
	}
	var published string
	var publishedUnix sql.NullInt64
	if !a.Published.IsZero() {
		published = a.Published.Format(time.RFC3339)
		publishedUnix = sql.NullInt64{Int64: a.Published.Unix(), Valid: true}
	}

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store %s: %w", a.Path, err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
			err = fmt.Errorf("store %s: %w", a.Path, err)
		}
	}()

	var id int64
	var oldHash string
	switch err := tx.QueryRowContext(ctx, `SELECT id, hash FROM articles WHERE path = ?`, a.Path).Scan(&id, &oldHash); {
	case errors.Is(err, sql.ErrNoRows):
		outcome = Added
	case err != nil:
		return 0, err
	case oldHash == p.hash:
		return Unchanged, tx.Rollback()
	default:
		outcome = Updated
		if err := deleteChunks(ctx, tx, id); err != nil {
			return 0, err
		}
	}

	err = tx.QueryRowContext(ctx, `
		INSERT INTO articles (path, url, title, source, published, published_unix, lang, tags, meta, text, hash, chunks, ingested_unix)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (path) DO UPDATE SET url = excluded.url, title = excluded.title, source = excluded.source,
			published = excluded.published, published_unix = excluded.published_unix, lang = excluded.lang,
			tags = excluded.tags, meta = excluded.meta, text = excluded.text, hash = excluded.hash,
			chunks = excluded.chunks, ingested_unix = excluded.ingested_unix
		RETURNING id`,
		a.Path, a.URL, a.Title, a.Source, published, publishedUnix, a.Lang, string(tags), string(meta),
		a.Text, p.hash, len(p.chunks), time.Now().Unix()).Scan(&id)
	if err != nil {
		return 0, err
	}
	titleTerms := strings.Join(corpus.Tokens(a.Title), " ")
	insChunk, err := tx.PrepareContext(ctx, `INSERT INTO chunks (article_id, seq, text, norm) VALUES (?, ?, ?, ?) RETURNING id`)
	if err != nil {
		return 0, err
	}
	defer insChunk.Close()
	insFTS, err := tx.PrepareContext(ctx, `INSERT INTO chunks_fts (rowid, title, body) VALUES (?, ?, ?)`)
	if err != nil {
		return 0, err
	}
	defer insFTS.Close()
	for i, c := range p.chunks {
		var cid int64
		if err := insChunk.QueryRowContext(ctx, id, i, c.text, c.norm).Scan(&cid); err != nil {
			return 0, err
		}
		if _, err := insFTS.ExecContext(ctx, cid, titleTerms, c.terms); err != nil {
			return 0, err
		}
	}
	return outcome, tx.Commit()
}

func deleteChunks(ctx context.Context, tx *sql.Tx, articleID int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM chunks_fts WHERE rowid IN (SELECT id FROM chunks WHERE article_id = ?)`, articleID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM chunks WHERE article_id = ?`, articleID)
	return err
}

// Delete removes the article ingested from path, with its passages.
func (s *Store) Delete(ctx context.Context, path string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("delete %s: %w", path, err)
	}
	defer tx.Rollback()
	var id int64
	switch err := tx.QueryRowContext(ctx, `SELECT id FROM articles WHERE path = ?`, path).Scan(&id); {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("delete %s: %w", path, err)
	}
	if err := deleteChunks(ctx, tx, id); err != nil {
		return fmt.Errorf("delete %s: %w", path, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM articles WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete %s: %w", path, err)
	}
	return tx.Commit()
}

// Paths lists the paths of every stored article.
func (s *Store) Paths(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT path FROM articles ORDER BY path`)
	if err != nil {
		return nil, fmt.Errorf("list articles: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, fmt.Errorf("list articles: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
