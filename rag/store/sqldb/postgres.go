package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// PoolOptions size and time the PostgreSQL connection pool.
type PoolOptions struct {
	MaxConns       int           // open connections at most; default 10
	ConnectTimeout time.Duration // to connect at start; default 10s
	MaxIdleTime    time.Duration // an idle connection is closed after this; default 5m
}

// postgresDB is the store shared by several replicas: the same tables as
// SQLite's, and for BM25 a postings table (term, passage, hits in the
// title and in the body) scored in SQL with FTS5's formula, so that both
// backends rank alike.
type postgresDB struct {
	db     *sql.DB
	url    string    // without its password
	pruned time.Time // when the change log was last pruned (changed)
}

// OpenPostgres connects to the database at rawURL, or says plainly why
// it cannot: a malformed URL, refused credentials, a missing database,
// an unreachable server.
func OpenPostgres(ctx context.Context, rawURL string, opt PoolOptions) (DB, error) {
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		why := "cannot be parsed" // pgx's message would quote the URL, password and all
		if inner := errors.Unwrap(err); inner != nil {
			why = inner.Error()
		}
		return nil, fmt.Errorf("MARKETBOT_DATABASE_URL is not a valid PostgreSQL URL (postgres://user:password@host:5432/dbname): %s", why)
	}
	if opt.MaxConns <= 0 {
		opt.MaxConns = 10
	}
	if opt.ConnectTimeout <= 0 {
		opt.ConnectTimeout = 10 * time.Second
	}
	if opt.MaxIdleTime <= 0 {
		opt.MaxIdleTime = 5 * time.Minute
	}
	cfg.ConnectTimeout = opt.ConnectTimeout
	if _, set := cfg.RuntimeParams["jit"]; !set {
		// Compiling a search's plan costs more than running it.
		cfg.RuntimeParams["jit"] = "off"
	}
	where := redact(cfg)
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(opt.MaxConns)
	db.SetMaxIdleConns(opt.MaxConns)
	db.SetConnMaxIdleTime(opt.MaxIdleTime)
	pctx, cancel := context.WithTimeout(ctx, opt.ConnectTimeout)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("PostgreSQL at %s: %s", where, explainPG(err))
	}
	return &postgresDB{db: db, url: where}, nil
}

// redact is the database's address without the password.
func redact(cfg *pgx.ConnConfig) string {
	return fmt.Sprintf("postgres://%s@%s/%s", cfg.User, net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))), cfg.Database)
}

// explainPG says what a connection failure means for whoever configured it.
func explainPG(err error) string {
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		switch {
		case pgErr.Code == "28P01" || pgErr.Code == "28000":
			return "authentication failed: check the user and password in MARKETBOT_DATABASE_URL"
		case pgErr.Code == "3D000":
			return "the database does not exist: create it (CREATE DATABASE …) or fix its name in MARKETBOT_DATABASE_URL"
		default:
			return fmt.Sprintf("%s (SQLSTATE %s)", pgErr.Message, pgErr.Code)
		}
	}
	if _, ok := errors.AsType[net.Error](err); ok || errors.Is(err, context.DeadlineExceeded) {
		return "unreachable: check the host and port in MARKETBOT_DATABASE_URL, and that the server accepts connections from here"
	}
	return err.Error()
}

func (b *postgresDB) SQL() *sql.DB  { return b.db }
func (b *postgresDB) Where() string { return b.url }

// PostgresSchemaVersion is the version this marketbot migrates a
// PostgreSQL schema to.
func PostgresSchemaVersion() int { return len(postgresMigrations) }

// migrateLock is the advisory lock that makes replicas starting together
// Migrate one after another (the later ones find nothing to do).
const migrateLock = 7_265_731_001

// Migrate applies the missing migrations in one transaction holding the
// migration lock; the applied versions are in schema_migrations.
func (b *postgresDB) Migrate(ctx context.Context) error {
	tx, err := b.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrateLock)); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var version int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&version); err != nil {
		return fmt.Errorf("migrate: read version: %w", err)
	}
	err = applyMigrations(ctx, tx, version, postgresMigrations, func(v int) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, v)
		return err
	})
	if err != nil {
		return err
	}
	return tx.Commit()
}

// LockArticle takes a transaction-scoped advisory lock on the path, so
// that replicas ingesting the same article (the built-in pack at a first
// start, a feed item) write it one after the other.
func (b *postgresDB) LockArticle(ctx context.Context, tx *sql.Tx, path string) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, "article:"+path)
	return err
}

// Index stores the passage's body tokens (for phrase queries) and token
// count (its BM25 length: title and body, as FTS5 counts it), and one
// posting per distinct term.
func (b *postgresDB) Index(ctx context.Context, tx *sql.Tx, id int64, title, body string) error {
	titleTF, bodyTF := termFreqs(title), termFreqs(body)
	length := 0
	terms := make([]string, 0, len(titleTF)+len(bodyTF))
	for t, n := range titleTF {
		terms, length = append(terms, t), length+n
	}
	for t, n := range bodyTF {
		if titleTF[t] == 0 {
			terms = append(terms, t)
		}
		length += n
	}
	tts, bts := make([]int32, len(terms)), make([]int32, len(terms))
	for i, t := range terms {
		tts[i], bts[i] = int32(titleTF[t]), int32(bodyTF[t])
	}
	// One round trip: the passage's lexical columns, its postings, the
	// totals BM25 needs, and the change log entry for the other replicas
	// (see changed).
	_, err := tx.ExecContext(ctx, `
		WITH c AS (UPDATE chunks SET body_terms = $5, terms_len = $6 WHERE id = $1),
		l AS (INSERT INTO chunk_changes (chunk_id) VALUES ($1)),
		t AS (`+addTotals+` VALUES (`+totalsShard+`, 1, $6)
			ON CONFLICT (shard) DO UPDATE SET passages = lex_totals.passages + 1, tokens = lex_totals.tokens + excluded.tokens)
		INSERT INTO postings (term, chunk_id, title_tf, body_tf, doc_len)
		SELECT t, $1, tt, bt, $6 FROM unnest($2::text[], $3::int[], $4::int[]) AS u(t, tt, bt)`, id, terms, tts, bts, body, length)
	return err
}

// The passage count and token total (for BM25's N and average length)
// are kept exactly, in rows sharded by connection so that concurrent
// writers rarely wait on one another; the totals are their sums.
const (
	totalsShard = `pg_backend_pid() % 64`
	addTotals   = `INSERT INTO lex_totals (shard, passages, tokens)`
	sumTotals   = `SELECT coalesce(sum(passages), 0)::float8 AS n, greatest(coalesce(sum(tokens), 0)::float8 / greatest(sum(passages), 1), 1) AS avgdl FROM lex_totals`
)

// Unindex deletes the passages' postings and logs their removal for the
// other replicas.
func (b *postgresDB) Unindex(ctx context.Context, tx *sql.Tx, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `
		WITH l AS (INSERT INTO chunk_changes (chunk_id) SELECT unnest($1::bigint[])),
		t AS (`+addTotals+` SELECT `+totalsShard+`, -count(*), -coalesce(sum(terms_len), 0) FROM chunks WHERE id = ANY($1::bigint[])
			ON CONFLICT (shard) DO UPDATE SET passages = lex_totals.passages + excluded.passages, tokens = lex_totals.tokens + excluded.tokens)
		DELETE FROM postings WHERE chunk_id = ANY($1::bigint[])`, ids)
	return err
}

// ParallelWrites: PostgreSQL takes articles from several writers at once.
func (b *postgresDB) ParallelWrites() bool { return true }

// Cursor is where a replica is in the change log: the last entry
// read, and the oldest transaction that was still running then, whose
// entries (numbered earlier, committed later) must be read again.
type Cursor struct {
	seq, xmin int64
}

// Cursor is the change log's present position.
func (b *postgresDB) Cursor(ctx context.Context) (Cursor, error) {
	var c Cursor
	err := b.db.QueryRowContext(ctx, `
		SELECT coalesce(max(seq), 0), pg_snapshot_xmin(pg_current_snapshot())::text::bigint FROM chunk_changes`).Scan(&c.seq, &c.xmin)
	if err != nil {
		return c, fmt.Errorf("change log: %w", err)
	}
	return c, nil
}

// Changed lists the passages added or removed since c (some perhaps seen
// before: applying a change twice does no harm), and the cursor to read
// from next. Every ten minutes it drops entries older than a day. Calls
// must not overlap (Store.catchUp holds its lock).
func (b *postgresDB) Changed(ctx context.Context, c Cursor) ([]int64, Cursor, error) {
	tx, err := b.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, c, fmt.Errorf("change log: %w", err)
	}
	defer tx.Rollback()
	next := c
	if err := tx.QueryRowContext(ctx, `SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint`).Scan(&next.xmin); err != nil {
		return nil, c, fmt.Errorf("change log: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `
		SELECT seq, chunk_id FROM chunk_changes WHERE seq > $1
		UNION SELECT seq, chunk_id FROM chunk_changes WHERE txid >= $2::text::xid8`, c.seq, strconv.FormatInt(c.xmin, 10))
	if err != nil {
		return nil, c, fmt.Errorf("change log: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var seq, id int64
		if err := rows.Scan(&seq, &id); err != nil {
			return nil, c, fmt.Errorf("change log: %w", err)
		}
		ids, next.seq = append(ids, id), max(next.seq, seq)
	}
	if err := rows.Err(); err != nil {
		return nil, c, fmt.Errorf("change log: %w", err)
	}
	tx.Rollback()
	if time.Since(b.pruned) > 10*time.Minute {
		b.db.ExecContext(ctx, `DELETE FROM chunk_changes WHERE at_unix < extract(epoch FROM now())::bigint - 86400`)
		b.pruned = time.Now()
	}
	return distinctIDs(ids), next, nil
}

// distinctIDs is ids without repeats.
func distinctIDs(ids []int64) []int64 {
	slices.Sort(ids)
	return slices.Compact(ids)
}

// BM25 scores with FTS5's formula: k1 = 1.2, b = 0.75, idf =
// ln((N − n + 0.5)/(n + 0.5)) floored at 1e-6, a term's frequency being
// its title hits × titleWeight plus its body hits, a passage's length its
// tokens in both.
func (b *postgresDB) BM25(ctx context.Context, terms []string, p Period, limit int) ([]Candidate, error) {
	terms = distinct(terms)
	if len(terms) == 0 {
		return nil, nil
	}
	where, args := DateClause(p, []any{terms, titleWeight})
	args = append(args, limit)
	rows, err := b.db.QueryContext(ctx, `
		WITH stats AS (`+sumTotals+`),
		idf AS (
			SELECT p.term, greatest(ln((s.n - count(*) + 0.5) / (count(*) + 0.5)), 1e-6) AS w
			FROM postings p CROSS JOIN stats s WHERE p.term = ANY($1::text[]) GROUP BY p.term, s.n),
		scored AS (
			SELECT p.chunk_id, sum(i.w * (($2::float8 * p.title_tf + p.body_tf) * 2.2) /
				(($2::float8 * p.title_tf + p.body_tf) + 1.2 * (0.25 + 0.75 * p.doc_len / s.avgdl))) AS score
			FROM postings p JOIN idf i ON i.term = p.term CROSS JOIN stats s
			WHERE p.term = ANY($1::text[])
			GROUP BY p.chunk_id)
		SELECT c.id, c.article_id, f.score
		FROM scored f JOIN chunks c ON c.id = f.chunk_id JOIN articles a ON a.id = c.article_id
		WHERE true`+where+`
		ORDER BY f.score DESC, c.id LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return scanCandidates(rows)
}

func (b *postgresDB) DocFreq(ctx context.Context, terms []string) (map[string]int, int, error) {
	terms = distinct(terms)
	df := make(map[string]int, len(terms))
	var n int
	if err := b.db.QueryRowContext(ctx, `SELECT coalesce(sum(passages), 0) FROM lex_totals`).Scan(&n); err != nil {
		return nil, 0, fmt.Errorf("term statistics: %w", err)
	}
	for _, t := range terms {
		df[t] = 0
	}
	rows, err := b.db.QueryContext(ctx, `
		SELECT term, count(*) FILTER (WHERE body_tf > 0) FROM postings WHERE term = ANY($1::text[]) GROUP BY term`, terms)
	if err != nil {
		return nil, 0, fmt.Errorf("term statistics: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		var d int
		if err := rows.Scan(&t, &d); err != nil {
			return nil, 0, fmt.Errorf("term statistics: %w", err)
		}
		df[t] = d
	}
	return df, n, rows.Err()
}

// PhraseCount looks for the tokens, space-separated, in the stored body
// tokens of the passages that hold them all.
func (b *postgresDB) PhraseCount(ctx context.Context, toks []string, limit int) (int, error) {
	esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	distinctToks := distinct(toks)
	var n int
	err := b.db.QueryRowContext(ctx, `
		SELECT count(*) FROM (
			SELECT 1 FROM chunks c
			WHERE c.id IN (SELECT chunk_id FROM postings WHERE term = ANY($1::text[]) AND body_tf > 0
				GROUP BY chunk_id HAVING count(*) = $2)
			AND ' ' || c.body_terms || ' ' LIKE $3
			LIMIT $4) x`, distinctToks, len(distinctToks), "% "+esc.Replace(strings.Join(toks, " "))+" %", limit).Scan(&n)
	return n, err
}

// AfterCopy moves the articles' id sequence past the ids copied in
// explicitly (CopyStore), so that new articles do not collide with them,
// and vacuums, so that searches read the postings from their index alone
// at once rather than when autovacuum comes by.
func (b *postgresDB) AfterCopy(ctx context.Context) error {
	_, err := b.db.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('articles', 'id'), coalesce((SELECT max(id) FROM articles), 0) + 1, false)`)
	if err == nil {
		_, err = b.db.ExecContext(ctx, `VACUUM ANALYZE postings, chunks, lex_totals`)
	}
	if err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	return nil
}

func (b *postgresDB) Size(ctx context.Context) (int64, error) {
	var n int64
	err := b.db.QueryRowContext(ctx, `SELECT pg_database_size(current_database())`).Scan(&n)
	return n, err
}
