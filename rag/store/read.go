package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/store/sqldb"
	"github.com/marketbot/marketbot/rag/store/vectors"
)

// The reads retrieval is made of. They take what to look for (tokens, a
// vector, a period) and never a question.

// Passage is a stored passage with its article's metadata.
type Passage struct {
	ChunkID   int64
	ArticleID int64
	Title     string
	URL       string
	Path      string // the file or URL the article was ingested from
	Source    string
	Lang      string
	Published time.Time // zero when unknown
	Text      string
	Score     float64 // higher is better; comparable only within one search
	// Summary is set when the article is marketbot's own summary of its
	// source (the built-in pack), whose kind of original SourceKind names.
	Summary    bool
	SourceKind string
	Lead       bool   // the article's first passage
	Opening    string // the text of the article's first passage, whose lead names the period it reports on
}

// Attribution names who said the passage's words, in lang (see
// corpus.Attribution).
func (p Passage) Attribution(lang string) string {
	return corpus.Attribution(lang, p.Source, p.SourceKind, p.Summary)
}

// BM25 ranks the passages holding any of terms by BM25 (title hits weigh
// titleWeight, body hits 1), best first, keeping those of articles in the
// period, at most limit.
func (s *Store) BM25(ctx context.Context, terms []string, p sqldb.Period, limit int) ([]sqldb.Candidate, error) {
	return s.b.BM25(ctx, terms, p, limit)
}

// DocFreq reports in how many passages each term occurs, and how many
// passages there are.
func (s *Store) DocFreq(ctx context.Context, terms []string) (map[string]int, int, error) {
	return s.b.DocFreq(ctx, terms)
}

// PhraseCount counts the passages whose body holds toks in sequence, up
// to limit.
func (s *Store) PhraseCount(ctx context.Context, toks []string, limit int) (int, error) {
	return s.b.PhraseCount(ctx, toks, limit)
}

// Nearest returns the n passages whose vectors are most similar to vec
// (its cosine similarity as their score), of articles in the period.
func (s *Store) Nearest(ctx context.Context, vec []float32, n int, p sqldb.Period) ([]sqldb.Candidate, error) {
	var keep func(vectors.Meta) bool
	if !p.Since.IsZero() || !p.Until.IsZero() {
		keep = func(m vectors.Meta) bool { return p.Holds(m.Published) }
	}
	return s.vectors.Query(ctx, vec, n, keep)
}

// Lead is the first passage of an article, with the article's title.
type Lead struct {
	sqldb.Candidate
	Title string
}

// NewestLeads returns the lead passages of the newest n articles of the
// period, newest first.
func (s *Store) NewestLeads(ctx context.Context, p sqldb.Period, n int) ([]Lead, error) {
	where, args := sqldb.DateClause(p, []any{n})
	rows, err := s.db.QueryContext(ctx, `
		SELECT c.id, a.id, a.title FROM articles a JOIN chunks c ON c.article_id = a.id AND c.seq = 0
		WHERE a.published_unix IS NOT NULL`+where+`
		ORDER BY a.published_unix DESC, a.id DESC LIMIT $1`, args...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	var out []Lead
	for rows.Next() {
		var l Lead
		if err := rows.Scan(&l.Chunk, &l.Article, &l.Title); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return out, nil
}

// NewestBefore returns the publication date of the newest article
// published at or before t; ok is false when no article is dated.
func (s *Store) NewestBefore(ctx context.Context, t time.Time) (newest time.Time, ok bool, err error) {
	var unix sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT max(published_unix) FROM articles WHERE published_unix <= $1`, t.Unix()).Scan(&unix); err != nil {
		return time.Time{}, false, fmt.Errorf("newest article: %w", err)
	}
	if !unix.Valid {
		return time.Time{}, false, nil
	}
	return time.Unix(unix.Int64, 0).UTC(), true, nil
}

// Passages loads the candidates' text and metadata, keeping their order
// and scores, with each passage's normalised text, its article's title and
// its article's tags: the floor reads an article's keywords as part of
// every passage ("NIST" tags an article that spells the name out).
func (s *Store) Passages(ctx context.Context, cands []sqldb.Candidate) ([]Passage, []string, error) {
	if len(cands) == 0 {
		return nil, nil, nil
	}
	ids := make([]string, len(cands))
	for i, c := range cands {
		ids[i] = strconv.FormatInt(c.Chunk, 10)
	}
	rows, err := s.db.QueryContext(ctx, `
		SELECT c.id, c.article_id, a.title, a.url, a.path, a.source, a.lang, a.published, a.meta, a.tags, c.text, c.norm, c.seq = 0,
			COALESCE((SELECT o.text FROM chunks o WHERE o.article_id = c.article_id AND o.seq = 0), '')
		FROM chunks c JOIN articles a ON a.id = c.article_id
		WHERE c.id IN (`+strings.Join(ids, ",")+`)`)
	if err != nil {
		return nil, nil, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	byID := map[int64]Passage{}
	norms := map[int64]string{}
	for rows.Next() {
		var p Passage
		var published, meta, tags, norm string
		if err := rows.Scan(&p.ChunkID, &p.ArticleID, &p.Title, &p.URL, &p.Path, &p.Source, &p.Lang, &published, &meta, &tags, &p.Text, &norm, &p.Lead, &p.Opening); err != nil {
			return nil, nil, fmt.Errorf("search: %w", err)
		}
		p.Summary, p.SourceKind = SummaryOf(meta)
		if published != "" {
			if p.Published, err = time.Parse(time.RFC3339, published); err != nil {
				return nil, nil, fmt.Errorf("search: article %d: bad date %q: %w", p.ArticleID, published, err)
			}
		}
		byID[p.ChunkID] = p
		norms[p.ChunkID] = corpus.Normalize(p.Title+"\n"+tagLines(tags)) + "\n" + norm
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("search: %w", err)
	}
	out := make([]Passage, 0, len(cands))
	outNorms := make([]string, 0, len(cands))
	for _, c := range cands {
		if p, ok := byID[c.Chunk]; ok { // gone if deleted meanwhile
			p.Score = c.Score
			out = append(out, p)
			outNorms = append(outNorms, norms[c.Chunk])
		}
	}
	return out, outNorms, nil
}

// tagLines returns an article's tags (stored as a JSON list) one per line;
// nothing for a malformed list.
func tagLines(stored string) string {
	var tags []string
	if json.Unmarshal([]byte(stored), &tags) != nil {
		return ""
	}
	return strings.Join(tags, "\n")
}

// SummaryOf reads whether an article is a summary, and of what kind of
// original, from its stored front matter (JSON).
func SummaryOf(meta string) (bool, string) {
	var m map[string]string
	json.Unmarshal([]byte(meta), &m) // written by Put; unreadable means none
	a := corpus.Article{Meta: m}
	return a.IsSummary(), a.SourceKind()
}

// Window selects articles by when they were ingested: after Since and
// at or before Until (zero: no end), not dated after Until's day, nor
// before PublishedAfter; the built-in pack's only WithBuiltin.
type Window struct {
	Since, Until   time.Time
	PublishedAfter time.Time
	WithBuiltin    bool
}

// Article is a stored article.
type Article struct {
	ID                             int64
	Title, URL, Source, Path, Lang string
	Text, TextHash                 string
	Published                      time.Time // zero when unknown
	Summary                        bool      // marketbot's summary of its source
	SourceKind                     string    // what its source published
}

// Ingested lists the articles of the window, newest first, at most 500.
func (s *Store) Ingested(ctx context.Context, w Window) ([]Article, error) {
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	q := `SELECT id, title, url, source, path, lang, text, text_hash, published, meta FROM articles WHERE ingested_unix > ` + arg(w.Since.Unix())
	if !w.WithBuiltin {
		q += ` AND path NOT LIKE 'builtin:%'`
	}
	if !w.Until.IsZero() {
		// Nor is an article dated after the window.
		q += ` AND ingested_unix <= ` + arg(w.Until.Unix()) + ` AND (published_unix IS NULL OR published_unix <= ` + arg(w.Until.Add(24*time.Hour).Unix()) + `)`
	}
	if !w.PublishedAfter.IsZero() {
		q += ` AND (published_unix IS NULL OR published_unix >= ` + arg(w.PublishedAfter.Unix()) + `)`
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY coalesce(published_unix, ingested_unix) DESC LIMIT 500`, args...)
	if err != nil {
		return nil, fmt.Errorf("articles: %w", err)
	}
	defer rows.Close()
	var out []Article
	for rows.Next() {
		var a Article
		var published, meta string
		if err := rows.Scan(&a.ID, &a.Title, &a.URL, &a.Source, &a.Path, &a.Lang, &a.Text, &a.TextHash, &published, &meta); err != nil {
			return nil, fmt.Errorf("articles: %w", err)
		}
		a.Summary, a.SourceKind = SummaryOf(meta)
		a.Published, _ = time.Parse(time.RFC3339, published)
		out = append(out, a)
	}
	return out, rows.Err()
}

// StoredMeta returns a meta value of the article stored at path, "" when
// there is none.
func (s *Store) StoredMeta(ctx context.Context, path, key string) string {
	var raw string
	if s.db.QueryRowContext(ctx, `SELECT meta FROM articles WHERE path = $1`, path).Scan(&raw) != nil {
		return ""
	}
	var meta map[string]string
	json.Unmarshal([]byte(raw), &meta)
	return meta[key]
}
