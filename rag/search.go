package rag

import (
	"context"
	"database/sql"
	"encoding/json"
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
	// Summary is set when the article is marketbot's own summary of its
	// source (the built-in pack), whose kind of original SourceKind names.
	Summary    bool
	SourceKind string

	lead bool // the article's first passage
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
	PerArticle int       // at most this many passages from one article; default 3
	Since      time.Time // keep articles published at or after; zero: as the question says
	Until      time.Time // keep articles published before; zero: as the question says
	Mode       Mode
	// Translation is the question in the other language (from a language
	// model), searched too; the relevance floor judges the union.
	Translation string

	background bool // search every date, keeping passages that name the period asked
}

func (o SearchOptions) withDefaults() SearchOptions {
	if o.Top <= 0 {
		o.Top = 5
	}
	if o.PerArticle <= 0 {
		o.PerArticle = 3
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
	poolFactor        = 8    // candidates considered per passage returned
	factBoost         = 0.25 // bonus of passages stating the kind of fact asked for (an amount for "how much"…)
	aboutBoost        = 0.3  // bonus of passages whose article's title names an entity asked about
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
	concepts []concept // what it asks about, weighed on the corpus (see floor.go)
}

func (s *Store) parseQuery(q string, opt SearchOptions) query {
	pq := query{text: q, terms: corpus.Tokens(q), entities: s.aliases.Match(q), frame: s.timeFrame(q, opt)}
	for _, e := range pq.entities {
		pq.extra = append(pq.extra, e.Names...)
	}
	return pq
}

// timeFrame is the question's time frame, with the options' dates, when
// given, in place of the question's.
func (s *Store) timeFrame(q string, opt SearchOptions) timeFrame {
	f := parseTimeFrame(q, s.now())
	if !opt.Since.IsZero() || !opt.Until.IsZero() {
		f.since, f.until = opt.Since, opt.Until
	}
	return f
}

// Warm runs a lexical search in both languages, so that what the first
// question would load (the bilingual dictionary, the word segmenter's,
// the database's statements) is loaded now: a service calls it before it
// takes traffic, and its first acknowledgements do not wait behind that.
// It asks no embedding endpoint.
func (s *Store) Warm(ctx context.Context) error {
	_, err := s.Search(ctx, "大模型 API 价格 price of a large model API", SearchOptions{Top: 1, Mode: BM25Only})
	return err
}

// Search returns the passages that best answer the question, best first:
// candidates of BM25 (the question's tokens, the other names of the
// entities it names and the bilingual bridge's one-best translation of its
// other words) and of the vector leg, and for "latest" questions the lead
// passages of the newest articles about what was asked, fused by
// reciprocal rank; filtered by the dates the question or the options give
// (with passages that name an asked year filling up after those of the
// period), above the relevance floor, ranked by how much of the question
// they cover and whether their article is about what was asked, and
// distinct: at most PerArticle from one article (more only when no other
// article qualifies), no repeated text. A question the corpus cannot
// answer gets no passages.
func (s *Store) Search(ctx context.Context, question string, opt SearchOptions) ([]Passage, error) {
	ps, f, err := s.search(ctx, question, opt)
	if err != nil || f.year == 0 || !opt.Since.IsZero() || !opt.Until.IsZero() || len(ps) >= opt.withDefaults().Top {
		return ps, err
	}
	// An event is also told later, as background ("On September 25, 2023,
	// Amazon agreed to…" in a 2024 article): after the articles of the
	// period, any article that names its year may answer.
	bg := opt
	bg.background = true
	more, _, err := s.search(ctx, question, bg)
	if err != nil {
		return nil, err
	}
	return diversify(append(ps, more...), opt.withDefaults()), nil
}

// search is Search in one pass; it also returns the question's time frame.
func (s *Store) search(ctx context.Context, question string, opt SearchOptions) ([]Passage, timeFrame, error) {
	opt = opt.withDefaults()
	pool := max(opt.Top*poolFactor, 40)
	qs := []query{s.parseQuery(question, opt)}
	asked := qs[0].frame
	if opt.background {
		qs[0].frame.since, qs[0].frame.until = time.Time{}, time.Time{}
	}
	if t := strings.TrimSpace(opt.Translation); t != "" && t != strings.TrimSpace(question) {
		tq := s.parseQuery(t, opt)
		tq.frame = qs[0].frame // the dates are the asker's
		qs = append(qs, tq)
	}
	df, n, err := s.weighConcepts(ctx, qs)
	if err != nil {
		return nil, asked, err
	}

	// The legs run in parallel, each into its own slot, so that fusion
	// sees them in a fixed order.
	type leg struct {
		weight float64
		find   func() ([]candidate, error)
		found  []candidate
		err    error
	}
	var legs []*leg
	if opt.Mode != VectorOnly {
		for _, q := range qs {
			terms := append(slices.Clone(q.terms), q.bridged()...)
			legs = append(legs, &leg{weight: 1, find: func() ([]candidate, error) { return s.bm25(ctx, terms, q.extra, q.frame, df, n, pool) }})
		}
	}
	if q := qs[0]; q.frame.recent && opt.Mode == Hybrid && slices.ContainsFunc(q.concepts, func(c concept) bool { return c.entity }) {
		legs = append(legs, &leg{weight: 1, find: func() ([]candidate, error) { return s.newestAbout(ctx, q) }})
	}
	var dense *leg
	if opt.Mode != BM25Only {
		dense = &leg{weight: s.vectorWeight(), find: func() ([]candidate, error) { return s.vectorSearch(ctx, qs, df, n, pool) }}
		legs = append(legs, dense)
	}
	var wg sync.WaitGroup
	for _, l := range legs {
		wg.Go(func() { l.found, l.err = l.find() })
	}
	wg.Wait()
	weights := make([]float64, len(legs))
	found := make([][]candidate, len(legs))
	var errs []error
	for i, l := range legs {
		weights[i], found[i], errs = l.weight, l.found, append(errs, l.err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, asked, err
	}
	fused := fuse(pool, weights, found...)
	passages, norms, err := s.passages(ctx, fused)
	if err != nil {
		return nil, asked, err
	}
	var trusted map[int64]bool
	if dense != nil {
		trusted = s.trustedDense(dense.found)
	}
	kind, askedIDs := askedFor(question), map[string]bool{}
	for _, e := range qs[0].entities {
		askedIDs[e.ID] = true
	}
	// A name the corpus lacks may be an acronym a passage spells out
	// ("NIST"): only then are the passages read for them.
	if slices.ContainsFunc(qs, func(q query) bool { return slices.ContainsFunc(q.concepts, func(c concept) bool { return c.required }) }) {
		for i, p := range passages {
			norms[i] += "\n" + corpus.Normalize(acronymsOf(p.Title+"\n"+p.Text))
		}
	}
	kept := passages[:0]
	var aboutTitle []bool
	for i, p := range passages {
		best := 0.0
		for _, q := range qs {
			best = max(best, coverage(q.concepts, norms[i], p.Lang))
		}
		if opt.background && !asked.mentioned(norms[i], p.Published) {
			continue
		}
		if best >= minCoverage || trusted[p.ChunkID] {
			about := titleNamesEntity(qs[0].concepts, p.Title)
			if opt.Mode == Hybrid { // a single leg is ranked as it ranks, for eval
				p.Score *= math.Sqrt(best) // how much of the question it covers ranks it too
				if kind != anyFact && statesFact(kind, p.Text, askedIDs, s.aliases) {
					p.Score *= 1 + factBoost
				}
				if about { // an article about what was asked, not one that mentions it
					p.Score *= 1 + aboutBoost
				}
			}
			kept = append(kept, p)
			aboutTitle = append(aboutTitle, about)
		}
	}
	if qs[0].frame.recent {
		favourRecent(kept, aboutTitle)
	} else {
		sortByScore(kept)
	}
	return diversify(kept, opt), asked, nil
}

// weighConcepts analyses the queries and weighs their concepts on the
// corpus's statistics, which it returns: the document frequency of every
// token the legs will use, and the number of passages.
func (s *Store) weighConcepts(ctx context.Context, qs []query) (map[string]int, int, error) {
	var vocab []string
	for i := range qs {
		qs[i].concepts = qs[i].analyse()
		vocab = append(append(append(vocab, qs[i].terms...), tokensOf(qs[i].extra)...), vocabulary(qs[i].concepts)...)
	}
	df, n, err := s.docFreq(ctx, vocab)
	if err != nil {
		return nil, 0, err
	}
	freq := s.phraseFreq(ctx, df)
	for _, q := range qs {
		weigh(q.concepts, freq, n)
	}
	return df, n, nil
}

// bridged returns the tokens of the question's one-best translation by the
// bridge, added to its own in the BM25 leg: the most used translation of
// each word that has one.
func (q query) bridged() []string {
	var out []string
	for _, c := range q.concepts {
		out = append(out, c.best()...)
	}
	return out
}

// Questions for the latest news about something also look at the newest
// articles whose titles name it: newestScan of them, newestLeads kept.
const (
	newestScan  = 500
	newestLeads = 10
)

// newestAbout is the leg of questions for the latest news about named
// entities: the lead passages of the newest articles whose titles name
// one, newest first, in the question's time frame.
func (s *Store) newestAbout(ctx context.Context, q query) ([]candidate, error) {
	where, args := dateClause(q.frame, []any{newestScan})
	rows, err := s.db.QueryContext(ctx, `
		SELECT c.id, a.id, a.title FROM articles a JOIN chunks c ON c.article_id = a.id AND c.seq = 0
		WHERE a.published_unix IS NOT NULL`+where+`
		ORDER BY a.published_unix DESC, a.id DESC LIMIT $1`, args...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	var out []candidate
	for rows.Next() {
		var c candidate
		var title string
		if err := rows.Scan(&c.chunk, &c.article, &title); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		if len(out) < newestLeads && titleNamesEntity(q.concepts, title) {
			out = append(out, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return out, nil
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
		bonus := recencyWeight * math.Exp(-age/recencyDays)
		if !p.lead { // the news is in the lead; the rest is detail
			bonus /= 2
		}
		ps[i].Score *= 1 + bonus
	}
	sortByScore(ps)
}

// sortByScore sorts passages best first, keeping the order of equals.
func sortByScore(ps []Passage) {
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
// article, skipping passages whose text repeats one already kept. When too
// few other articles qualify to fill opt.Top, the passages the cap held
// back fill the rest, in their order: an empty slot helps no one.
func diversify(cands []Passage, opt SearchOptions) []Passage {
	perArticle := map[int64]int{}
	seen := map[string]bool{}
	keep := make([]bool, len(cands))
	var kept int
	var held []int
	for i, p := range cands {
		key := corpus.Normalize(p.Text)
		if seen[key] || kept == opt.Top {
			continue
		}
		seen[key] = true
		if perArticle[p.ArticleID] >= opt.PerArticle {
			held = append(held, i)
			continue
		}
		perArticle[p.ArticleID]++
		keep[i], kept = true, kept+1
	}
	for _, i := range held[:min(len(held), opt.Top-kept)] {
		keep[i] = true
	}
	var out []Passage
	for i, p := range cands {
		if keep[i] {
			out = append(out, p)
		}
	}
	return out
}

// bm25 is the lexical leg: BM25 over the terms and those of the extra
// names. Tokens in more than maxTermShare of the passages are left out
// (they weigh almost nothing in BM25 and cost the most), keeping at least
// the rarest few.
func (s *Store) bm25(ctx context.Context, terms, extra []string, f timeFrame, df map[string]int, n int, limit int) ([]candidate, error) {
	terms = selectTerms(append(slices.Clone(terms), tokensOf(extra)...), df, n)
	if len(terms) == 0 {
		return nil, nil
	}
	return s.b.bm25(ctx, terms, f, limit)
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

// vectorSearch is the vector leg: the queries' embedding against every
// stored passage vector. The local embedder gets one query of weighted
// tokens: the question's, the other names of its entities at half weight,
// and the bridge's translations of each word sharing that word's weight;
// other embedders embed each query and search with their mean.
func (s *Store) vectorSearch(ctx context.Context, qs []query, df map[string]int, n int, limit int) ([]candidate, error) {
	var vec []float32
	var err error
	if qe, ok := s.embedder.(queryEmbedder); ok {
		cached := func(context.Context, []string) (map[string]int, int, error) { return df, n, nil }
		var extra []embed.Term
		for i, q := range qs {
			if i > 0 {
				extra = append(extra, embed.Term{Text: q.text, Weight: 1})
			}
			for _, e := range q.extra {
				extra = append(extra, embed.Term{Text: e, Weight: 0.5})
			}
			for _, c := range q.concepts {
				for _, t := range c.trans {
					extra = append(extra, embed.Term{Text: strings.Join(t.toks, " "), Weight: 1 / float64(len(c.trans))})
				}
			}
		}
		vec, err = qe.EmbedQuery(ctx, qs[0].text, extra, cached)
	} else {
		texts := make([]string, len(qs))
		for i, q := range qs {
			texts[i] = q.text
			if len(q.extra) > 0 {
				texts[i] += " (" + strings.Join(q.extra, ", ") + ")"
			}
		}
		var vecs [][]float32
		if vecs, err = s.embedder.Embed(ctx, texts); err == nil {
			vec = mean(vecs)
		}
	}
	if errors.Is(err, embed.ErrNoKnownTerms) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	var keep func(chunkMeta) bool
	if f := qs[0].frame; !f.since.IsZero() || !f.until.IsZero() {
		keep = func(m chunkMeta) bool {
			return m.published != 0 && (f.since.IsZero() || m.published >= f.since.Unix()) && (f.until.IsZero() || m.published < f.until.Unix())
		}
	}
	return s.vectors.query(ctx, vec, limit, keep)
}

// mean returns the unit-length mean of unit vectors.
func mean(vecs [][]float32) []float32 {
	if len(vecs) == 1 {
		return vecs[0]
	}
	out := make([]float32, len(vecs[0]))
	for _, v := range vecs {
		for i, x := range v {
			out[i] += x
		}
	}
	var norm float64
	for _, x := range out {
		norm += float64(x) * float64(x)
	}
	if norm > 0 {
		inv := float32(1 / math.Sqrt(norm))
		for i := range out {
			out[i] *= inv
		}
	}
	return out
}

// A semantic embedder matches across languages and paraphrases, which the
// floor's words cannot always do: the dense leg's first few passages are
// trusted, whatever their words, when their similarity to the question is
// at least denseTrustSim (calibrated on the dev set: TestMeasureDenseTrust).
const denseTrustTop = 3

var denseTrustSim = 0.8

// trustedDense returns the vector leg's passages that the floor must not
// veto: none for the local embedder, which is lexical like the floor.
func (s *Store) trustedDense(dense []candidate) map[int64]bool {
	if s.embedder.Info().Name == "local" {
		return nil
	}
	out := map[int64]bool{}
	for _, c := range dense[:min(denseTrustTop, len(dense))] {
		if c.score >= denseTrustSim {
			out[c.chunk] = true
		}
	}
	return out
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
// and scores, with each passage's normalised text, its article's title and
// its article's tags: the floor reads an article's keywords as part of
// every passage ("NIST" tags an article that spells the name out).
func (s *Store) passages(ctx context.Context, cands []candidate) ([]Passage, []string, error) {
	if len(cands) == 0 {
		return nil, nil, nil
	}
	ids := make([]string, len(cands))
	for i, c := range cands {
		ids[i] = strconv.FormatInt(c.chunk, 10)
	}
	rows, err := s.db.QueryContext(ctx, `
		SELECT c.id, c.article_id, a.title, a.url, a.path, a.source, a.lang, a.published, a.meta, a.tags, c.text, c.norm, c.seq = 0
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
		if err := rows.Scan(&p.ChunkID, &p.ArticleID, &p.Title, &p.URL, &p.Path, &p.Source, &p.Lang, &published, &meta, &tags, &p.Text, &norm, &p.lead); err != nil {
			return nil, nil, fmt.Errorf("search: %w", err)
		}
		p.Summary, p.SourceKind = summaryOf(meta)
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

// tagLines returns an article's tags (stored as a JSON list) one per line;
// nothing for a malformed list.
func tagLines(stored string) string {
	var tags []string
	if json.Unmarshal([]byte(stored), &tags) != nil {
		return ""
	}
	return strings.Join(tags, "\n")
}
