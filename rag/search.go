package rag

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/embed"
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

// Mode selects the retrieval legs.
type Mode int

// Retrieval modes: both legs fused (the default), or one alone (for eval).
const (
	Hybrid Mode = iota
	BM25Only
	VectorOnly
)

func (m Mode) String() string { return [...]string{"fusion", "bm25", "vectors"}[m] }

// SearchOptions shape a search's results.
type SearchOptions struct {
	Top        int       // passages to return; default 5
	PerArticle int       // at most this many passages from one article; default 2
	Since      time.Time // keep articles published at or after; zero: as the question says
	Until      time.Time // keep articles published before; zero: as the question says
	Mode       Mode
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

// Tuning, chosen with "marketbot eval" on the dev set (see the README).
const (
	rrfK              = 60   // reciprocal rank fusion constant
	localVectorWeight = 0.5  // fusion weight of the local embedder's leg (BM25's is 1)
	titleWeight       = 1.0  // BM25 weight of a title match relative to the body
	minCoverage       = 0.45 // relevance floor: share of the question's weight a passage must cover
	recencyWeight     = 1.0  // how much "latest" questions favour the newest passages
	recencyDays       = 120. // and how fast that favour decays with age
	poolFactor        = 4    // candidates considered per result slot
)

// candidate is a passage found by one leg or by fusion, before details.
type candidate struct {
	chunk, article int64
	score          float64
}

// query is a question made ready for both legs.
type query struct {
	text     string
	terms    []string        // its index tokens
	entities []corpus.Entity // entities and trade words it names
	extra    []string        // other names of those, to reach other languages and scripts
	frame    timeFrame
}

func (s *Store) parseQuery(q string, opt SearchOptions) query {
	pq := query{text: q, terms: corpus.Tokens(q), entities: s.aliases.Match(q), frame: parseTimeFrame(q, s.now())}
	for _, e := range pq.entities {
		pq.extra = append(pq.extra, e.Names...)
	}
	if !opt.Since.IsZero() || !opt.Until.IsZero() {
		pq.frame.since, pq.frame.until = opt.Since, opt.Until
	}
	return pq
}

// Search returns the passages that best answer the question, best first:
// BM25 and vector candidates fused by reciprocal rank, the newest favoured
// when the question asks for the latest, filtered by the dates the
// question or the options give, above the relevance floor, and distinct —
// at most PerArticle from one article, no repeated text. A question the
// corpus cannot answer gets no passages.
func (s *Store) Search(ctx context.Context, question string, opt SearchOptions) ([]Passage, error) {
	opt = opt.withDefaults()
	q := s.parseQuery(question, opt)
	pool := max(opt.Top*opt.PerArticle*poolFactor, 40)

	df, n, err := s.docFreq(ctx, append(slices.Clone(q.terms), tokensOf(q.extra)...))
	if err != nil {
		return nil, err
	}
	var bm, vec []candidate
	var bmErr, vecErr error
	var wg sync.WaitGroup
	if opt.Mode != VectorOnly {
		wg.Go(func() { bm, bmErr = s.bm25(ctx, q, df, n, pool) })
	}
	if opt.Mode != BM25Only {
		wg.Go(func() { vec, vecErr = s.vectorSearch(ctx, q, df, n, pool) })
	}
	wg.Wait()
	if err := errors.Join(bmErr, vecErr); err != nil {
		return nil, err
	}
	fused := fuse(pool, []float64{1, s.vectorWeight()}, bm, vec)
	passages, norms, err := s.passages(ctx, fused)
	if err != nil {
		return nil, err
	}
	concepts := q.concepts(s.phraseFreq(ctx, df), n)
	kept := passages[:0]
	var aboutTitle []bool
	for i, p := range passages {
		if coverage(concepts, norms[i], p.Lang) >= minCoverage {
			kept = append(kept, p)
			aboutTitle = append(aboutTitle, titleNamesEntity(concepts, p.Title))
		}
	}
	if q.frame.recent {
		favourRecent(kept, aboutTitle)
	}
	return diversify(kept, opt), nil
}

// vectorWeight is the vector leg's weight in the fusion. The local
// embedder is lexical like BM25 and adds less than a semantic one.
func (s *Store) vectorWeight() float64 {
	if s.embedder.Info().Name == "local" {
		return localVectorWeight
	}
	return 1
}

// fuse ranks candidates by weighted reciprocal rank fusion: leg i
// contributes weights[i]/(rrfK + rank) for every passage it found.
func fuse(limit int, weights []float64, legs ...[]candidate) []candidate {
	score := map[int64]*candidate{}
	var order []*candidate
	for i, leg := range legs {
		for rank, c := range leg {
			f := score[c.chunk]
			if f == nil {
				f = &candidate{chunk: c.chunk, article: c.article}
				score[c.chunk] = f
				order = append(order, f)
			}
			f.score += weights[i] / float64(rrfK+rank+1)
		}
	}
	slices.SortStableFunc(order, func(a, b *candidate) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})
	out := make([]candidate, 0, min(limit, len(order)))
	for _, c := range order[:min(limit, len(order))] {
		out = append(out, *c)
	}
	return out
}

// favourRecent multiplies scores by a bonus that decays with a passage's
// age relative to the newest eligible candidate, then re-sorts. Only
// passages of articles about what was asked are eligible: "the latest
// Qwen model" is announced under a title naming Qwen, not in a later
// article that compares with it.
func favourRecent(ps []Passage, eligible []bool) {
	var newest time.Time
	for i, p := range ps {
		if eligible[i] && p.Published.After(newest) {
			newest = p.Published
		}
	}
	for i, p := range ps {
		if p.Published.IsZero() || !eligible[i] {
			continue
		}
		age := newest.Sub(p.Published).Hours() / 24
		ps[i].Score *= 1 + recencyWeight*math.Exp(-age/recencyDays)
	}
	slices.SortStableFunc(ps, func(a, b Passage) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
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

// bm25 is the lexical leg: BM25 over the question's tokens and those of
// the other names of the entities it mentions. Tokens in more than
// maxTermShare of the passages are left out (they weigh almost nothing in
// BM25 and cost the most), keeping at least the rarest few.
func (s *Store) bm25(ctx context.Context, q query, df map[string]int, n int, limit int) ([]candidate, error) {
	terms := selectTerms(append(slices.Clone(q.terms), tokensOf(q.extra)...), df, n)
	if len(terms) == 0 {
		return nil, nil
	}
	return s.b.bm25(ctx, terms, q.frame, limit)
}

// scanCandidates reads rows of passage id, article id and score.
func scanCandidates(rows *sql.Rows) ([]candidate, error) {
	defer rows.Close()
	var out []candidate
	for rows.Next() {
		var c candidate
		if err := rows.Scan(&c.chunk, &c.article, &c.score); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return out, nil
}

// Query terms are chosen rarest first, at most maxTerms of them, until
// their postings (the passages BM25 must score) pass maxPostings; the
// minTerms rarest are always kept. Common terms weigh almost nothing in
// BM25 and cost the most, so this bounds the lexical leg's time at any
// corpus size without changing what it finds first.
const (
	maxTerms    = 24
	minTerms    = 3
	maxPostings = 8000
)

// selectTerms keeps the informative terms, rarest first.
func selectTerms(terms []string, df map[string]int, n int) []string {
	seen := map[string]bool{}
	var uniq []string
	for _, t := range terms {
		if !seen[t] && df[t] > 0 {
			seen[t] = true
			uniq = append(uniq, t)
		}
	}
	slices.SortStableFunc(uniq, func(a, b string) int { return df[a] - df[b] })
	var out []string
	postings := 0
	for _, t := range uniq {
		postings += df[t]
		if len(out) == maxTerms || (len(out) >= minTerms && postings > maxPostings) {
			break
		}
		out = append(out, t)
	}
	return out
}

// dateClause restricts articles a to the time frame, with its values
// appended to args as the next numbered parameters.
func dateClause(f timeFrame, args []any) (string, []any) {
	var where string
	if !f.since.IsZero() {
		args = append(args, f.since.Unix())
		where += ` AND a.published_unix >= $` + strconv.Itoa(len(args))
	}
	if !f.until.IsZero() {
		args = append(args, f.until.Unix())
		where += ` AND a.published_unix < $` + strconv.Itoa(len(args))
	}
	return where, args
}

// vectorSearch is the vector leg: the question's embedding against every
// stored passage vector.
func (s *Store) vectorSearch(ctx context.Context, q query, df map[string]int, n int, limit int) ([]candidate, error) {
	var vec []float32
	var err error
	if qe, ok := s.embedder.(queryEmbedder); ok {
		cached := func(context.Context, []string) (map[string]int, int, error) { return df, n, nil }
		vec, err = qe.EmbedQuery(ctx, q.text, q.extra, cached)
	} else {
		var vecs [][]float32
		text := q.text
		if len(q.extra) > 0 {
			text += " (" + strings.Join(q.extra, ", ") + ")"
		}
		if vecs, err = s.embedder.Embed(ctx, []string{text}); err == nil {
			vec = vecs[0]
		}
	}
	if errors.Is(err, embed.ErrNoKnownTerms) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	var keep func(chunkMeta) bool
	if f := q.frame; !f.since.IsZero() || !f.until.IsZero() {
		keep = func(m chunkMeta) bool {
			return m.published != 0 && (f.since.IsZero() || m.published >= f.since.Unix()) && (f.until.IsZero() || m.published < f.until.Unix())
		}
	}
	return s.vectors.query(ctx, vec, limit, keep)
}

// docFreq reports in how many passages each term occurs, and how many
// passages there are.
func (s *Store) docFreq(ctx context.Context, terms []string) (map[string]int, int, error) {
	return s.b.docFreq(ctx, terms)
}

// phraseFreq counts passages holding a token sequence: single tokens from
// df, longer sequences with a phrase query (counted up to a cap: past
// it, a phrase is common whatever its exact count). Errors count as unseen
// nowhere: the sequence is taken as common.
func (s *Store) phraseFreq(ctx context.Context, df map[string]int) phraseFreq {
	const phraseCap = 1000
	cache := map[string]int{}
	return func(toks []string) int {
		if len(toks) == 1 {
			return df[toks[0]]
		}
		key := strings.Join(toks, " ")
		if n, ok := cache[key]; ok {
			return n
		}
		n, err := s.b.phraseCount(ctx, toks, phraseCap)
		if err != nil {
			n = phraseCap
		}
		cache[key] = n
		return n
	}
}

// passages loads the candidates' text and metadata, keeping their order
// and scores, with each passage's normalised text and title.
func (s *Store) passages(ctx context.Context, cands []candidate) ([]Passage, []string, error) {
	if len(cands) == 0 {
		return nil, nil, nil
	}
	ids := make([]string, len(cands))
	for i, c := range cands {
		ids[i] = strconv.FormatInt(c.chunk, 10)
	}
	rows, err := s.db.QueryContext(ctx, `
		SELECT c.id, c.article_id, a.title, a.url, a.path, a.source, a.lang, a.published, c.text, c.norm
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
		var published, norm string
		if err := rows.Scan(&p.ChunkID, &p.ArticleID, &p.Title, &p.URL, &p.Path, &p.Source, &p.Lang, &published, &p.Text, &norm); err != nil {
			return nil, nil, fmt.Errorf("search: %w", err)
		}
		if published != "" {
			if p.Published, err = time.Parse(time.RFC3339, published); err != nil {
				return nil, nil, fmt.Errorf("search: article %d: bad date %q: %w", p.ArticleID, published, err)
			}
		}
		byID[p.ChunkID] = p
		norms[p.ChunkID] = corpus.Normalize(p.Title) + "\n" + norm
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("search: %w", err)
	}
	out := make([]Passage, 0, len(cands))
	outNorms := make([]string, 0, len(cands))
	for _, c := range cands {
		if p, ok := byID[c.chunk]; ok { // gone if deleted meanwhile
			p.Score = c.score
			out = append(out, p)
			outNorms = append(outNorms, norms[c.chunk])
		}
	}
	return out, outNorms, nil
}

func tokensOf(names []string) []string {
	var out []string
	for _, n := range names {
		out = append(out, corpus.Tokens(n)...)
	}
	return out
}
