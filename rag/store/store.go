// Package store is marketbot's durable truth: articles and their passages
// in SQLite (an FTS5 index over normalised tokens, stored embeddings) or in
// PostgreSQL shared by several replicas, behind one seam with its
// migrations; the in-memory vector index (chromem-go) the stored vectors
// fill; ingest, pruning, re-embedding and copying between backends; the
// change log replicas follow; and the ledgers of what the service did
// (handled events, answers, feedback, thread turns, briefing runs, feed
// state). It offers the reads retrieval needs (BM25, document frequencies,
// nearest vectors, passages by id) but knows nothing of questions: it
// never parses one, weighs a word or ranks an answer.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/embed"
	"github.com/marketbot/marketbot/rag/store/ledger"
	"github.com/marketbot/marketbot/rag/store/sqldb"
	"github.com/marketbot/marketbot/rag/store/vectors"
)

// DefaultLocalDims is the dimension of the local embedder's vectors, chosen
// by "marketbot eval" and the scale benchmarks (see the README).
const DefaultLocalDims = 1024

// Embedder turns passages into unit vectors for the vector leg.
type Embedder interface {
	Info() embed.Info
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// Options configure a store.
type Options struct {
	// Embedder computes passage vectors; default: the local embedder with
	// DefaultLocalDims dimensions.
	Embedder Embedder
	// Aliases resolve the models that price facts name; default: the
	// built-in table.
	Aliases *corpus.Aliases
	// Reindex opens a store built with another embedder, for Reindex.
	Reindex bool
	// Now is the clock of what the store records (ingest times, ledgers);
	// default time.Now.
	Now func() time.Time
	// DatabaseURL, when set (postgres://…), keeps the store in that
	// PostgreSQL database instead of a SQLite file in the data directory.
	DatabaseURL string
	// Pool sizes and times the PostgreSQL connection pool.
	Pool sqldb.PoolOptions
	// Log hears of long work on opening (indexing every passage again
	// after an upgrade); default: nowhere.
	Log *slog.Logger
}

// Store is the durable store — articles, their passages, the BM25 index
// and the embeddings, in one SQLite file in WAL mode or a PostgreSQL
// database — and the in-memory vector index filled from it. It is safe
// for concurrent use.
type Store struct {
	db       *sql.DB
	b        sqldb.DB
	path     string // where the data is, for messages: the SQLite file, or the database URL without its password
	embedder Embedder
	now      func() time.Time
	vectors  vectorLeg
	dims     int // of the stored vectors
	ledger   *ledger.Ledger
	aliases  *corpus.Aliases

	followMu sync.Mutex   // one catch-up at a time
	cursor   sqldb.Cursor // how far the vectors follow the change log

}

// Open opens (creating if needed) the store — the SQLite file in dir,
// or the PostgreSQL database of opt.DatabaseURL when set — brings its
// schema up to date, checks that it was built with the configured
// embedder, and loads the stored vectors into memory.
func Open(ctx context.Context, dir string, opt Options) (*Store, error) {
	var b sqldb.DB
	var err error
	if opt.DatabaseURL != "" {
		b, err = sqldb.OpenPostgres(ctx, opt.DatabaseURL, opt.Pool)
	} else {
		b, err = sqldb.OpenSQLite(dir)
	}
	if err != nil {
		return nil, err
	}
	s := &Store{db: b.SQL(), b: b, path: b.Where(), embedder: opt.Embedder, now: opt.Now}
	if s.embedder == nil {
		s.embedder = embed.NewLocal(DefaultLocalDims)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.ledger = ledger.New(s.db, s.now, instanceName())
	if s.aliases = opt.Aliases; s.aliases == nil {
		if s.aliases, err = corpus.DefaultAliases(); err != nil {
			s.db.Close()
			return nil, err
		}
	}
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := setUp(ctx, s, opt.Reindex, log); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("open store %s: %w", s.path, err)
	}
	return s, nil
}

// setUp brings s's schema up to date, checks that its passages were
// embedded by the configured embedder (unless it is opened to reindex) and
// loads their vectors into the in-memory index.
func setUp(ctx context.Context, s *Store, reindex bool, log *slog.Logger) error {
	if err := s.b.Migrate(ctx); err != nil {
		return err
	}
	stale, err := tokensStale(ctx, s.db)
	if err != nil {
		return fmt.Errorf("index tokens: %w", err)
	}
	if stale {
		if err := retokenize(ctx, s, log); err != nil {
			return err
		}
	}
	stale, err = factsStale(ctx, s.db, s.aliases)
	if err != nil {
		return fmt.Errorf("price facts: %w", err)
	}
	if stale {
		if err := refreshFacts(ctx, s); err != nil {
			return err
		}
	}
	if s.vectors, err = vectors.New(); err != nil {
		return err
	}
	rec, err := embedderRecord(ctx, s.db)
	if err != nil {
		return err
	}
	cur := s.embedder.Info()
	if rec.Name != "" && !sameEmbedder(rec, cur) && !reindex {
		return fmt.Errorf("it was built with the %s embedder, but %s is configured: "+
			"run \"marketbot reindex\" to re-embed it, or configure %s again (MARKETBOT_EMBEDDER, MARKETBOT_EMBED_MODEL)", rec, cur, rec)
	}
	if !sameEmbedder(rec, cur) {
		return nil // reindexing: the stored vectors are of no use
	}
	if !reindex {
		stale, err := staleArticles(ctx, s.db, s.embedder)
		if err != nil {
			return err
		}
		if len(stale) > 0 {
			return fmt.Errorf("%d articles have passages not yet embedded by %s (an interrupted reindex?): run \"marketbot reindex\" to finish", len(stale), cur)
		}
	}
	if cf, ok := s.b.(sqldb.ChangeFeed); ok {
		// Read before loading: what changes meanwhile is applied again.
		if s.cursor, err = cf.Cursor(ctx); err != nil {
			return err
		}
	}
	s.dims = rec.Dims
	_, err = loadVectors(ctx, s.db, s.vectors, embedderID(s.embedder.Info()), rec.Dims, "")
	return err
}

// instanceName names this process among replicas: host, pid and a
// random part (pids repeat across containers).
func instanceName() string {
	host, _ := os.Hostname()
	var r [4]byte
	rand.Read(r[:])
	return fmt.Sprintf("%s/%d/%x", host, os.Getpid(), r)
}

// sameEmbedder reports whether vectors from b can join an index built by a.
func sameEmbedder(a, b embed.Info) bool {
	return a.Name == b.Name && a.Model == b.Model && (a.Dims == b.Dims || a.Dims == 0 || b.Dims == 0)
}

// embedderID names an embedder in the chunks table.
func embedderID(i embed.Info) string { return i.Name + "/" + i.Model }

func embedderRecord(ctx context.Context, db *sql.DB) (embed.Info, error) {
	return readEmbedderRecord(db.QueryRowContext(ctx, embedderRecordQuery))
}

func embedderRecordTx(ctx context.Context, tx *sql.Tx) (embed.Info, error) {
	return readEmbedderRecord(tx.QueryRowContext(ctx, embedderRecordQuery))
}

const embedderRecordQuery = `SELECT value FROM meta WHERE key = 'embedder'`

// readEmbedderRecord reads which embedder built the store; zero if none yet.
func readEmbedderRecord(row *sql.Row) (embed.Info, error) {
	var raw string
	err := row.Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return embed.Info{}, nil
	}
	if err != nil {
		return embed.Info{}, fmt.Errorf("read embedder: %w", err)
	}
	var i embed.Info
	if err := json.Unmarshal([]byte(raw), &i); err != nil {
		return embed.Info{}, fmt.Errorf("read embedder: %w", err)
	}
	return i, nil
}

// setEmbedderRecord records which embedder built the store, in tx.
func setEmbedderRecord(ctx context.Context, tx *sql.Tx, i embed.Info) error {
	raw, _ := json.Marshal(i)
	_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('embedder', $1)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, string(raw))
	return err
}

// loadVectors adds to the vector index v the stored embeddings of
// embedder eid and dims dimensions, of the passages that also satisfy cond
// (SQL on c, with args from $2), and returns their ids.
func loadVectors(ctx context.Context, db *sql.DB, v vectorLeg, eid string, dims int, cond string, args ...any) ([]int64, error) {
	rows, err := db.QueryContext(ctx, `
		SELECT c.id, c.article_id, coalesce(a.published_unix, 0), c.embedding
		FROM chunks c JOIN articles a ON a.id = c.article_id
		WHERE c.embedder = $1 AND c.embedding IS NOT NULL`+cond, append([]any{eid}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("load vectors: %w", err)
	}
	defer rows.Close()
	const batch = 4096
	var loaded, ids []int64
	var vecs [][]float32
	var meta []vectors.Meta
	flush := func() error {
		err := v.Add(ctx, ids, vecs, meta)
		ids, vecs, meta = ids[:0], vecs[:0], meta[:0]
		return err
	}
	for rows.Next() {
		var id int64
		var m vectors.Meta
		var blob []byte
		if err := rows.Scan(&id, &m.Article, &m.Published, &blob); err != nil {
			return nil, fmt.Errorf("load vectors: %w", err)
		}
		v, err := vectors.Decode(blob)
		if err != nil {
			return nil, fmt.Errorf("load vectors: passage %d: %w", id, err)
		}
		if len(v) != dims {
			continue // left over from an interrupted reindex
		}
		ids, vecs, meta, loaded = append(ids, id), append(vecs, v), append(meta, m), append(loaded, id)
		if len(ids) == batch {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load vectors: %w", err)
	}
	return loaded, flush()
}

// Path is where the store is: its SQLite file, or its PostgreSQL
// database's URL without the password.
func (s *Store) Path() string { return s.path }

// Ledger returns the store's ledger.
func (s *Store) Ledger() *ledger.Ledger { return s.ledger }

// Embedder returns the embedder of the stored vectors, which queries
// must be embedded with.
func (s *Store) Embedder() Embedder { return s.embedder }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

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

// ArticleSummary describes a stored article.
type ArticleSummary struct {
	Title, URL, Source, Path string
	Published                time.Time // zero when unknown
	Summary                  bool      // marketbot's own summary of its source
	SourceKind               string    // what its source published
}

// Attribution names who wrote the article, in lang (see
// Citation.Attribution).
func (a ArticleSummary) Attribution(lang string) string {
	return corpus.Attribution(lang, a.Source, a.SourceKind, a.Summary)
}

// Newest lists the n most recently published articles.
func (s *Store) Newest(ctx context.Context, n int) ([]ArticleSummary, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT title, url, source, path, published, meta FROM articles
		WHERE published_unix IS NOT NULL ORDER BY published_unix DESC, id DESC LIMIT $1`, n)
	if err != nil {
		return nil, fmt.Errorf("newest articles: %w", err)
	}
	defer rows.Close()
	var out []ArticleSummary
	for rows.Next() {
		var a ArticleSummary
		var published, meta string
		if err := rows.Scan(&a.Title, &a.URL, &a.Source, &a.Path, &published, &meta); err != nil {
			return nil, fmt.Errorf("newest articles: %w", err)
		}
		a.Summary, a.SourceKind = SummaryOf(meta)
		a.Published, _ = time.Parse(time.RFC3339, published)
		out = append(out, a)
	}
	return out, rows.Err()
}
