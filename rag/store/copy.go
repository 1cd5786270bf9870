package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/embed"
)

// CopySummary is what Copy did.
type CopySummary struct {
	Articles, Unchanged, Passages int
	Rows                          int // of the other tables: deliveries handled, answers, feedback, feeds, briefing runs
}

// Copy copies everything in src into dst — articles (keeping their
// ids where dst has them free), passages with their embeddings (not
// recomputed), the lexical index, and the ledger tables — one article per
// transaction. Run again, it copies only what changed: articles whose
// content differs replace dst's, rows already in dst are kept. Both
// stores must use the same embedder.
func Copy(ctx context.Context, dst, src *Store, progress func(done, total int)) (CopySummary, error) {
	var sum CopySummary
	srcRec, err := embedderRecord(ctx, src.db)
	if err != nil {
		return sum, err
	}
	dstRec, err := embedderRecord(ctx, dst.db)
	if err != nil {
		return sum, err
	}
	if srcRec.Name != "" && dstRec.Name != "" && !sameEmbedder(srcRec, dstRec) {
		return sum, fmt.Errorf("copy: the source was built with the %s embedder, the destination with %s", srcRec, dstRec)
	}
	ids, err := articleIDs(ctx, src.db)
	if err != nil {
		return sum, err
	}
	for i, id := range ids {
		copied, passages, err := copyArticle(ctx, dst, src, id, srcRec)
		if err != nil {
			return sum, err
		}
		if copied {
			sum.Articles++
			sum.Passages += passages
		} else {
			sum.Unchanged++
		}
		if progress != nil {
			progress(i+1, len(ids))
		}
	}
	for _, t := range ledgerTables {
		n, err := copyRows(ctx, dst, src, t)
		if err != nil {
			return sum, err
		}
		sum.Rows += n
	}
	if r, ok := dst.b.(interface{ AfterCopy(context.Context) error }); ok {
		if err := r.AfterCopy(ctx); err != nil {
			return sum, err
		}
	}
	return sum, refreshFacts(ctx, dst)
}

func articleIDs(ctx context.Context, db *sql.DB) ([]int64, error) {
	rows, err := db.QueryContext(ctx, `SELECT id FROM articles ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("copy: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// articleColumns are copied as they are.
const articleColumns = `path, url, title, source, published, published_unix, lang, tags, meta, text, hash, chunks, ingested_unix, text_hash`

// copyArticle copies one article and its passages in one transaction of
// dst, unless dst holds it unchanged.
func copyArticle(ctx context.Context, dst, src *Store, id int64, rec embed.Info) (copied bool, passages int, err error) {
	a, chunks, err := readRows(ctx, src.db, id)
	if err != nil {
		return false, 0, err
	}
	tx, err := dst.db.BeginTx(ctx, nil)
	if err != nil {
		return false, 0, fmt.Errorf("copy %s: %w", a.path, err)
	}
	defer tx.Rollback()
	if err := dst.b.LockArticle(ctx, tx, a.path); err != nil {
		return false, 0, fmt.Errorf("copy %s: %w", a.path, err)
	}
	var oldID int64
	var oldHash string
	switch err := tx.QueryRowContext(ctx, `SELECT id, hash FROM articles WHERE path = $1`, a.path).Scan(&oldID, &oldHash); {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return false, 0, fmt.Errorf("copy %s: %w", a.path, err)
	case oldHash == a.hash:
		return false, 0, nil
	default:
		if _, err := deleteChunks(ctx, dst.b, tx, oldID); err != nil {
			return false, 0, fmt.Errorf("copy %s: %w", a.path, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM articles WHERE id = $1`, oldID); err != nil {
			return false, 0, fmt.Errorf("copy %s: %w", a.path, err)
		}
	}
	var taken bool
	if err := tx.QueryRowContext(ctx, `SELECT count(*) > 0 FROM articles WHERE id = $1`, id).Scan(&taken); err != nil {
		return false, 0, fmt.Errorf("copy %s: %w", a.path, err)
	}
	idCol, idVal := "id, ", "$15, "
	args := []any{a.path, a.url, a.title, a.source, a.published, a.publishedUnix, a.lang, a.tags, a.meta, a.text, a.hash,
		a.chunks, a.ingested, a.textHash}
	if taken {
		idCol, idVal = "", ""
	} else {
		args = append(args, id)
	}
	var newID int64
	err = tx.QueryRowContext(ctx, `INSERT INTO articles (`+idCol+articleColumns+`)
		VALUES (`+idVal+`$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`, args...).Scan(&newID)
	if err != nil {
		return false, 0, fmt.Errorf("copy %s: %w", a.path, err)
	}
	if rec.Name != "" {
		if err := setEmbedderRecord(ctx, tx, rec); err != nil {
			return false, 0, fmt.Errorf("copy %s: %w", a.path, err)
		}
	}
	titleTerms := strings.Join(corpus.Tokens(a.title), " ")
	for _, c := range chunks {
		var cid int64
		err := tx.QueryRowContext(ctx, `INSERT INTO chunks (article_id, seq, text, norm, embedding, embedder) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			newID, c.seq, c.text, c.norm, c.embedding, c.eid).Scan(&cid)
		if err != nil {
			return false, 0, fmt.Errorf("copy %s: %w", a.path, err)
		}
		if err := dst.b.Index(ctx, tx, cid, titleTerms, strings.Join(corpus.NormalizedTokens(c.norm), " ")); err != nil {
			return false, 0, fmt.Errorf("copy %s: %w", a.path, err)
		}
	}
	return true, len(chunks), tx.Commit()
}

// articleRow is an article's row as stored, and chunkRow a passage's.
type (
	articleRow struct {
		path, url, title, source, published, lang, tags, meta, text, hash, textHash string
		publishedUnix                                                               sql.NullInt64
		chunks, ingested                                                            int64
	}
	chunkRow struct {
		seq             int
		text, norm, eid string
		embedding       []byte
	}
)

// readRows reads article id's row and its passages' rows, in order.
func readRows(ctx context.Context, db *sql.DB, id int64) (a articleRow, chunks []chunkRow, err error) {
	err = db.QueryRowContext(ctx, `SELECT `+articleColumns+` FROM articles WHERE id = $1`, id).Scan(
		&a.path, &a.url, &a.title, &a.source, &a.published, &a.publishedUnix, &a.lang, &a.tags, &a.meta, &a.text, &a.hash,
		&a.chunks, &a.ingested, &a.textHash)
	if err != nil {
		return a, nil, fmt.Errorf("copy article %d: %w", id, err)
	}
	rows, err := db.QueryContext(ctx, `SELECT seq, text, norm, embedding, embedder FROM chunks WHERE article_id = $1 ORDER BY seq`, id)
	if err != nil {
		return a, nil, fmt.Errorf("copy %s: %w", a.path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var c chunkRow
		if err := rows.Scan(&c.seq, &c.text, &c.norm, &c.embedding, &c.eid); err != nil {
			return a, nil, fmt.Errorf("copy %s: %w", a.path, err)
		}
		chunks = append(chunks, c)
	}
	if err := rows.Err(); err != nil {
		return a, nil, fmt.Errorf("copy %s: %w", a.path, err)
	}
	return a, chunks, nil
}

// ledgerTable is a table copied row by row, keeping rows dst already has.
type ledgerTable struct {
	name, columns, key string
}

var ledgerTables = []ledgerTable{
	{"handled", "key, at_unix", "key"},
	{"answers", `id, platform, conversation, thread, "user", question, answer, fallback, not_found, at_unix`, "id"},
	{"feedback", `answer_id, "user", vote, at_unix`, `answer_id, "user"`},
	{"feeds", "url, title, etag, last_modified, last_sync_unix, last_ok_unix, failures, last_error", "url"},
	{"briefings", "target, slot_unix, state, since_unix, until_unix, at_unix", "target, slot_unix"},
	{"briefed", "target, item, text_hash, sketch, at_unix", "target, item"},
}

// copyRows copies a table's rows that dst lacks, and returns how many.
func copyRows(ctx context.Context, dst, src *Store, t ledgerTable) (int, error) {
	rows, err := src.db.QueryContext(ctx, `SELECT `+t.columns+` FROM `+t.name)
	if err != nil {
		return 0, fmt.Errorf("copy %s: %w", t.name, err)
	}
	defer rows.Close()
	cols := len(strings.Split(t.columns, ","))
	params := make([]string, cols)
	for i := range params {
		params[i] = fmt.Sprintf("$%d", i+1)
	}
	insert := `INSERT INTO ` + t.name + ` (` + t.columns + `) VALUES (` + strings.Join(params, ", ") + `) ON CONFLICT (` + t.key + `) DO NOTHING`
	n := 0
	for rows.Next() {
		vals := make([]any, cols)
		ptrs := make([]any, cols)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return n, fmt.Errorf("copy %s: %w", t.name, err)
		}
		if t.name == "answers" { // SQLite keeps booleans as integers
			vals[7], vals[8] = truthy(vals[7]), truthy(vals[8])
		}
		res, err := dst.db.ExecContext(ctx, insert, vals...)
		if err != nil {
			return n, fmt.Errorf("copy %s: %w", t.name, err)
		}
		if k, _ := res.RowsAffected(); k > 0 {
			n++
		}
	}
	return n, rows.Err()
}

// truthy reads a stored boolean, an integer on SQLite.
func truthy(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case int64:
		return v != 0
	}
	return false
}
