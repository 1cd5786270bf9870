package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/corpus/pricefact"
	"github.com/marketbot/marketbot/rag/embed"
	"github.com/marketbot/marketbot/rag/store/sqldb"
	"github.com/marketbot/marketbot/rag/store/vectors"
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

// prepared is an article split into passages, tokenised and embedded,
// ready to write.
type prepared struct {
	article corpus.Article
	hash    string
	chunks  []preparedChunk
}

type preparedChunk struct {
	text, norm string
	terms      string // space-separated index tokens
	vec        []float32
	facts      []pricefact.Fact
}

// prepare chunks, tokenises and embeds an article and finds the prices
// its passages state: the slow part of ingest, done outside the write
// transaction.
func prepare(ctx context.Context, emb Embedder, aliases *corpus.Aliases, a corpus.Article) (prepared, error) {
	p := prepared{article: a, hash: a.Hash()}
	var inputs []string
	for _, sp := range corpus.Split(a.Text, corpus.DefaultChunkOptions) {
		text := a.Text[sp.Start:sp.End]
		norm := corpus.Normalize(text)
		p.chunks = append(p.chunks, preparedChunk{text: text, norm: norm, terms: strings.Join(corpus.NormalizedTokens(norm), " "),
			facts: pricefact.Extract(text, a.Title, a.Published, aliases)})
		inputs = append(inputs, embedInput(a.Title, text))
	}
	vecs, err := emb.Embed(ctx, inputs)
	if err != nil {
		return prepared{}, fmt.Errorf("embed %s: %w", a.Path, err)
	}
	for i := range p.chunks {
		p.chunks[i].vec = vecs[i]
	}
	return p, nil
}

// embedInput is what a passage's vector is computed from: the passage with
// its article's title, which often names what the passage only implies.
func embedInput(title, text string) string { return title + "\n" + text }

// Put stores an article in one transaction: an unchanged article (same path,
// same content hash) is left alone, a changed one has its passages replaced.
func (s *Store) Put(ctx context.Context, a corpus.Article) (Outcome, error) {
	if h, err := storedHash(ctx, s.db, a.Path); err == nil && h == a.Hash() {
		return Unchanged, nil
	}
	p, err := prepare(ctx, s.embedder, s.aliases, a)
	if err != nil {
		return 0, err
	}
	return s.write(ctx, p)
}

// storedHash returns the content hash stored for path, or errNotFound.
func storedHash(ctx context.Context, db *sql.DB, path string) (string, error) {
	var h string
	err := db.QueryRowContext(ctx, `SELECT hash FROM articles WHERE path = $1`, path).Scan(&h)
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

	if err := s.b.LockArticle(ctx, tx, a.Path); err != nil {
		return 0, err
	}
	var id int64
	var oldHash string
	var oldChunks []int64
	switch err := tx.QueryRowContext(ctx, `SELECT id, hash FROM articles WHERE path = $1`, a.Path).Scan(&id, &oldHash); {
	case errors.Is(err, sql.ErrNoRows):
		outcome = Added
	case err != nil:
		return 0, err
	case oldHash == p.hash:
		return Unchanged, tx.Rollback()
	default:
		outcome = Updated
		if oldChunks, err = deleteChunks(ctx, s.b, tx, id); err != nil {
			return 0, err
		}
	}
	info, err := checkDims(ctx, tx, s.embedder, p)
	if err != nil {
		return 0, err
	}

	if id, err = upsertArticle(ctx, tx, p, s.now()); err != nil {
		return 0, err
	}
	ids, vecs, meta, err := insertChunks(ctx, s.b, tx, id, p, embedderID(info))
	if err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	// The database is the truth; the in-memory index follows it.
	if err := s.vectors.Remove(ctx, oldChunks); err != nil {
		return 0, err
	}
	return outcome, s.vectors.Add(ctx, ids, vecs, meta)
}

// upsertArticle writes p's article row in tx, stamped as ingested now,
// and returns its id.
func upsertArticle(ctx context.Context, tx *sql.Tx, p prepared, now time.Time) (id int64, err error) {
	a := p.article
	tags, _ := json.Marshal(nonNil(a.Tags))
	metaJSON, _ := json.Marshal(a.Meta)
	if a.Meta == nil {
		metaJSON = []byte("{}")
	}
	var published string
	var publishedUnix sql.NullInt64
	if !a.Published.IsZero() {
		published = a.Published.Format(time.RFC3339)
		publishedUnix = sql.NullInt64{Int64: a.Published.Unix(), Valid: true}
	}
	err = tx.QueryRowContext(ctx, `
		INSERT INTO articles (path, url, title, source, published, published_unix, lang, tags, meta, text, hash, chunks, ingested_unix, text_hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		ON CONFLICT (path) DO UPDATE SET url = excluded.url, title = excluded.title, source = excluded.source,
			published = excluded.published, published_unix = excluded.published_unix, lang = excluded.lang,
			tags = excluded.tags, meta = excluded.meta, text = excluded.text, hash = excluded.hash,
			chunks = excluded.chunks, ingested_unix = excluded.ingested_unix, text_hash = excluded.text_hash
		RETURNING id`,
		a.Path, a.URL, a.Title, a.Source, published, publishedUnix, a.Lang, string(tags), string(metaJSON),
		a.Text, p.hash, len(p.chunks), now.Unix(), a.TextHash()).Scan(&id)
	return id, err
}

// insertChunks writes p's passages of article id in tx, with their
// vectors (of embedder eid), their lexical index entries and their price
// facts, and returns
// what the vector index must add once tx commits.
func insertChunks(ctx context.Context, b sqldb.DB, tx *sql.Tx, id int64, p prepared, eid string) (ids []int64, vecs [][]float32, meta []vectors.Meta, err error) {
	var published int64
	if !p.article.Published.IsZero() {
		published = p.article.Published.Unix()
	}
	titleTerms := strings.Join(corpus.Tokens(p.article.Title), " ")
	insChunk, err := tx.PrepareContext(ctx, `INSERT INTO chunks (article_id, seq, text, norm, embedding, embedder) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`)
	if err != nil {
		return nil, nil, nil, err
	}
	defer insChunk.Close()
	ids = make([]int64, len(p.chunks))
	vecs = make([][]float32, len(p.chunks))
	meta = make([]vectors.Meta, len(p.chunks))
	for i, c := range p.chunks {
		if err := insChunk.QueryRowContext(ctx, id, i, c.text, c.norm, vectors.Encode(c.vec), eid).Scan(&ids[i]); err != nil {
			return nil, nil, nil, err
		}
		if err := b.Index(ctx, tx, ids[i], titleTerms, c.terms); err != nil {
			return nil, nil, nil, err
		}
		if err := insertFacts(ctx, tx, ids[i], id, c.facts); err != nil {
			return nil, nil, nil, err
		}
		vecs[i], meta[i] = c.vec, vectors.Meta{Article: id, Published: published}
	}
	return ids, vecs, meta, nil
}

// checkDims makes sure p's vectors fit the index, recording the embedder
// (and its dimensions) in tx with the first vectors stored.
func checkDims(ctx context.Context, tx *sql.Tx, emb Embedder, p prepared) (embed.Info, error) {
	info := emb.Info()
	if len(p.chunks) == 0 {
		return info, nil
	}
	got := len(p.chunks[0].vec)
	rec, err := embedderRecordTx(ctx, tx)
	if err != nil {
		return info, err
	}
	if rec.Dims == 0 {
		info.Dims = got
		if err := setEmbedderRecord(ctx, tx, info); err != nil {
			return info, err
		}
		rec = info
	}
	for _, c := range p.chunks {
		if len(c.vec) != rec.Dims {
			return info, fmt.Errorf("%s returned %d-dimensional vectors; the store holds %d: run \"marketbot reindex\"", info, len(c.vec), rec.Dims)
		}
	}
	return rec, nil
}

// deleteChunks deletes an article's passages and returns their ids.
func deleteChunks(ctx context.Context, b sqldb.DB, tx *sql.Tx, articleID int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM chunks WHERE article_id = $1`, articleID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := b.Unindex(ctx, tx, ids); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM price_facts WHERE article_id = $1`, articleID); err != nil {
		return nil, err
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM chunks WHERE article_id = $1`, articleID)
	return ids, err
}

// PutNew stores an article unless the same text is already stored under
// another path (syndicated copies, a feed that changed its links).
func (s *Store) PutNew(ctx context.Context, a corpus.Article) (Outcome, bool, error) {
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

// Delete removes the article ingested from path, with its passages.
func (s *Store) Delete(ctx context.Context, path string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("delete %s: %w", path, err)
	}
	defer tx.Rollback()
	var id int64
	switch err := tx.QueryRowContext(ctx, `SELECT id FROM articles WHERE path = $1`, path).Scan(&id); {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("delete %s: %w", path, err)
	}
	chunks, err := deleteChunks(ctx, s.b, tx, id)
	if err != nil {
		return fmt.Errorf("delete %s: %w", path, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM articles WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete %s: %w", path, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("delete %s: %w", path, err)
	}
	return s.vectors.Remove(ctx, chunks)
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
