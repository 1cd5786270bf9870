package embed

import (
	"context"
	"errors"
	"hash/fnv"
	"math"

	"github.com/marketbot/marketbot/corpus"
)

// LocalModel names the local embedder's scheme; change it when vectors
// change, so that stores built with the old scheme ask to be re-indexed.
const LocalModel = "lexical-hash-v1"

// Local is the offline embedder. A passage's vector holds the sublinear
// term frequencies (1 + ln tf) of its normalised tokens (corpus.Tokens),
// feature-hashed with a sign bit into Dims dimensions and L2-normalised. A
// query's vector weights its tokens by inverse document frequency instead,
// and drops tokens no passage contains, so the cosine is a tf-idf score
// while stored vectors never depend on the rest of the corpus.
type Local struct {
	Dims int
}

// NewLocal returns a local embedder with dims dimensions.
func NewLocal(dims int) *Local { return &Local{Dims: dims} }

// Info identifies the embedder.
func (l *Local) Info() Info { return Info{Name: "local", Model: LocalModel, Dims: l.Dims} }

// Embed returns passage vectors.
func (l *Local) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		tf := map[string]int{}
		for _, tok := range corpus.Tokens(t) {
			tf[tok]++
		}
		v := make([]float32, l.Dims)
		for tok, n := range tf {
			l.add(v, tok, 1+math.Log(float64(n)))
		}
		normalize(v)
		out[i] = v
	}
	return out, nil
}

// DocFreq reports, for each term, in how many of the corpus's n passages it
// occurs.
type DocFreq func(ctx context.Context, terms []string) (df map[string]int, n int, err error)

// ErrNoKnownTerms is returned for a query none of whose terms occurs in the
// corpus: there is nothing for the vector leg to match.
var ErrNoKnownTerms = errors.New("no query term occurs in the corpus")

// Term is a text added to a query with a weight: another name of an
// entity it mentions, or a translation of one of its words.
type Term struct {
	Text   string
	Weight float64 // in (0, 1]: how much each of its tokens counts, where one occurrence in the query counts 1
}

// EmbedQuery returns the vector of a query: its tokens weighted by
// (1 + ln tf)·idf, idf = ln(1 + n/df), without tokens the corpus lacks.
// Tokens of the extra terms that the query lacks count with their term's
// weight (the largest, when several terms hold one token).
func (l *Local) EmbedQuery(ctx context.Context, query string, extra []Term, df DocFreq) ([]float32, error) {
	weights := map[string]float64{}
	for _, tok := range corpus.Tokens(query) {
		weights[tok]++
	}
	added := map[string]bool{}
	for _, e := range extra {
		for _, tok := range corpus.Tokens(e.Text) {
			if w, ok := weights[tok]; !ok || (added[tok] && w < e.Weight) {
				weights[tok] = e.Weight
				added[tok] = true
			}
		}
	}
	terms := make([]string, 0, len(weights))
	for t := range weights {
		terms = append(terms, t)
	}
	freq, n, err := df(ctx, terms)
	if err != nil {
		return nil, err
	}
	v := make([]float32, l.Dims)
	known := false
	for t, w := range weights {
		d := freq[t]
		if d == 0 {
			continue
		}
		known = true
		tf := w
		if !added[t] {
			tf = 1 + math.Log(w)
		}
		l.add(v, t, tf*math.Log(1+float64(n)/float64(d)))
	}
	if !known {
		return nil, ErrNoKnownTerms
	}
	normalize(v)
	return v, nil
}

// add adds weight w for term tok: one hashed dimension, with a hashed sign
// so that collisions cancel out on average instead of piling up.
func (l *Local) add(v []float32, tok string, w float64) {
	h := fnv.New64a()
	h.Write([]byte(tok))
	x := h.Sum64()
	i := x % uint64(l.Dims)
	if x>>63 == 1 {
		w = -w
	}
	v[i] += float32(w)
}
