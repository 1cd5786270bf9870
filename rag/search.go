package rag

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/marketbot/marketbot/corpus"
)

// Passage is a retrieved passage with its article's metadata.
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
}

// SearchOptions shape a search's results.
type SearchOptions struct {
	Top        int // passages to return; default 5
	PerArticle int // at most this many passages from one article; default 2
}

func (o SearchOptions) withDefaults() SearchOptions {
	if o.Top <= 0 {
		o.Top = 5
	}
	if o.PerArticle <= 0 {
		o.PerArticle = 2
	}
	return o
}

// Search returns the passages that best answer query, best first: distinct
// passages, at most PerArticle from one article.
func (s *Store) Search(ctx context.Context, query string, opt SearchOptions) ([]Passage, error) {
	opt = opt.withDefaults()
	cands, err := s.bm25(ctx, corpus.Tokens(query), opt.Top*opt.PerArticle*4)
	if err != nil {
		return nil, err
	}
	return diversify(cands, opt), nil
}

// diversify keeps the best passages in order, at most opt.PerArticle per
// article, skipping passages whose text repeats one already kept.
func diversify(cands []Passage, opt SearchOptions) []Passage {
	perArticle := map[int64]int{}
	seen := map[string]bool{}
	var out []Passage
	for _, p := range cands {
		key := corpus.Normalize(p.Text)
		if perArticle[p.ArticleID] >= opt.PerArticle || seen[key] {
			continue
		}
		perArticle[p.ArticleID]++
		seen[key] = true
		out = append(out, p)
		if len(out) == opt.Top {
			break
		}
	}
	return out
}

// ftsQuery ORs the distinct terms, each quoted so that FTS5 reads none of
// them as syntax.
func ftsQuery(terms []string) string {
	seen := map[string]bool{}
	var parts []string
	for _, t := range terms {
		if !seen[t] {
			seen[t] = true
			parts = append(parts, `"`+strings.ReplaceAll(t, `"`, `""`)+`"`)
		}
	}
	return strings.Join(parts, " OR ")
}

// bm25 returns up to limit passages ranked by FTS5's BM25 over the terms.
func (s *Store) bm25(ctx context.Context, terms []string, limit int) ([]Passage, error) {
	q := ftsQuery(terms)
	if q == "" {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, `
		SELECT c.id, c.article_id, a.title, a.url, a.path, a.source, a.lang, a.published, c.text, -f.score
		FROM (SELECT rowid, bm25(chunks_fts, `+strconv.FormatFloat(titleWeight, 'f', -1, 64)+`, 1.0) AS score
		      FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY score LIMIT ?) f
		JOIN chunks c ON c.id = f.rowid
		JOIN articles a ON a.id = c.article_id
		ORDER BY f.score`, q, limit)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	var out []Passage
	for rows.Next() {
		p, err := scanPassage(rows)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return out, nil
}

// titleWeight is the weight of a title match relative to a body match.
const titleWeight = 1.0

func scanPassage(rows *sql.Rows) (Passage, error) {
	var p Passage
	var published string
	if err := rows.Scan(&p.ChunkID, &p.ArticleID, &p.Title, &p.URL, &p.Path, &p.Source, &p.Lang, &published, &p.Text, &p.Score); err != nil {
		return Passage{}, err
	}
	if published != "" {
		t, err := time.Parse(time.RFC3339, published)
		if err != nil {
			return Passage{}, fmt.Errorf("article %d: bad date %q: %w", p.ArticleID, published, err)
		}
		p.Published = t
	}
	return p, nil
}
