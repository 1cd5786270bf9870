package search

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/embed"
	"github.com/marketbot/marketbot/rag/search/when"
	"github.com/marketbot/marketbot/rag/store/sqldb"
)

// The retrieval legs and their fusion.

// runLegs runs the legs the options ask for, in parallel, each into its
// own slot so that fusion sees them in a fixed order, and fuses what they
// found (at most pool candidates); it also returns the vector leg's own
// ranking, whose first passages may be trusted over the floor.
func (s *Searcher) runLegs(ctx context.Context, qs []query, opt Options, df map[string]int, n, pool int) (fused, dense []sqldb.Candidate, err error) {
	type leg struct {
		weight float64
		find   func() ([]sqldb.Candidate, error)
		found  []sqldb.Candidate
		err    error
	}
	var legs []*leg
	if opt.Mode != VectorOnly {
		for _, q := range qs {
			terms := append(slices.Clone(q.terms), q.bridged()...)
			legs = append(legs, &leg{weight: 1, find: func() ([]sqldb.Candidate, error) { return s.bm25(ctx, terms, q.extra, q.frame, df, n, pool) }})
		}
	}
	if q := qs[0]; q.frame.Recent && opt.Mode == Hybrid && slices.ContainsFunc(q.concepts, func(c concept) bool { return c.entity }) {
		legs = append(legs, &leg{weight: 1, find: func() ([]sqldb.Candidate, error) { return s.newestAbout(ctx, q) }})
	}
	var vectors *leg
	if opt.Mode != BM25Only {
		vectors = &leg{weight: s.vectorWeight(), find: func() ([]sqldb.Candidate, error) { return s.vectorSearch(ctx, qs, df, n, pool) }}
		legs = append(legs, vectors)
	}
	var wg sync.WaitGroup
	for _, l := range legs {
		wg.Go(func() { l.found, l.err = l.find() })
	}
	wg.Wait()
	weights := make([]float64, len(legs))
	found := make([][]sqldb.Candidate, len(legs))
	var errs []error
	for i, l := range legs {
		weights[i], found[i], errs = l.weight, l.found, append(errs, l.err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	if vectors != nil {
		dense = vectors.found
	}
	return fuse(pool, weights, found...), dense, nil
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
func (s *Searcher) newestAbout(ctx context.Context, q query) ([]sqldb.Candidate, error) {
	leads, err := s.r.NewestLeads(ctx, q.frame.Period(), newestScan)
	if err != nil {
		return nil, err
	}
	var out []sqldb.Candidate
	for _, l := range leads {
		if len(out) < newestLeads && titleNamesEntity(q.concepts, l.Title) {
			out = append(out, l.Candidate)
		}
	}
	return out, nil
}

// vectorWeight is the vector leg's weight in the fusion. The local
// embedder is lexical like BM25 and adds less than a semantic one.
func (s *Searcher) vectorWeight() float64 {
	if s.embedder.Info().Name == "local" {
		return localVectorWeight
	}
	return 1
}

// fuse ranks candidates by weighted reciprocal rank fusion: leg i
// contributes weights[i]/(rrfK + rank) for every passage it found.
func fuse(limit int, weights []float64, legs ...[]sqldb.Candidate) []sqldb.Candidate {
	score := map[int64]*sqldb.Candidate{}
	var order []*sqldb.Candidate
	for i, leg := range legs {
		for rank, c := range leg {
			f := score[c.Chunk]
			if f == nil {
				f = &sqldb.Candidate{Chunk: c.Chunk, Article: c.Article}
				score[c.Chunk] = f
				order = append(order, f)
			}
			f.Score += weights[i] / float64(rrfK+rank+1)
		}
	}
	slices.SortStableFunc(order, func(a, b *sqldb.Candidate) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
	out := make([]sqldb.Candidate, 0, min(limit, len(order)))
	for _, c := range order[:min(limit, len(order))] {
		out = append(out, *c)
	}
	return out
}

// bm25 is the lexical leg: BM25 over the terms and those of the extra
// names. Tokens in more than maxTermShare of the passages are left out
// (they weigh almost nothing in BM25 and cost the most), keeping at least
// the rarest few.
func (s *Searcher) bm25(ctx context.Context, terms, extra []string, f when.Frame, df map[string]int, n int, limit int) ([]sqldb.Candidate, error) {
	terms = selectTerms(append(slices.Clone(terms), tokensOf(extra)...), df, n)
	if len(terms) == 0 {
		return nil, nil
	}
	return s.r.BM25(ctx, terms, f.Period(), limit)
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

// vectorSearch is the vector leg: the queries' embedding against every
// stored passage vector. The local embedder gets one query of weighted
// tokens: the question's, the other names of its entities at half weight,
// and the bridge's translations of each word sharing that word's weight;
// other embedders embed each query and search with their mean.
func (s *Searcher) vectorSearch(ctx context.Context, qs []query, df map[string]int, n int, limit int) ([]sqldb.Candidate, error) {
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
					extra = append(extra, embed.Term{Text: strings.Join(t.Toks, " "), Weight: 1 / float64(len(c.trans))})
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
	return s.r.Nearest(ctx, vec, limit, qs[0].frame.Period())
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
// at least Config.DenseTrust (calibrated on the dev set: TestMeasureDenseTrust).
const denseTrustTop = 3

// DefaultDenseTrust is the similarity at which the dense leg is trusted.
const DefaultDenseTrust = 0.8

// trustedDense returns the vector leg's passages that the floor must not
// veto: none for the local embedder, which is lexical like the floor.
func (s *Searcher) trustedDense(dense []sqldb.Candidate) map[int64]bool {
	if s.embedder.Info().Name == "local" {
		return nil
	}
	out := map[int64]bool{}
	for _, c := range dense[:min(denseTrustTop, len(dense))] {
		if c.Score >= s.denseTrust {
			out[c.Chunk] = true
		}
	}
	return out
}

// phraseFreq counts passages holding a token sequence: single tokens from
// df, longer sequences with a phrase query (counted up to a cap: past
// it, a phrase is common whatever its exact count). Errors count as unseen
// nowhere: the sequence is taken as common.
func (s *Searcher) phraseFreq(ctx context.Context, df map[string]int) phraseFreq {
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
		n, err := s.r.PhraseCount(ctx, toks, phraseCap)
		if err != nil {
			n = phraseCap
		}
		cache[key] = n
		return n
	}
}

func tokensOf(names []string) []string {
	var out []string
	for _, n := range names {
		out = append(out, corpus.Tokens(n)...)
	}
	return out
}
