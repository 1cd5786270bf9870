// Package vectors is the vector leg in memory: chromem-go holding every
// passage's embedding (never persisted by chromem: the store's database is
// the truth it is filled from), queried by cosine similarity with an
// optional filter on the passages' publication dates; and the encoding of
// vectors as the database keeps them.
package vectors

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"

	"github.com/marketbot/marketbot/rag/store/sqldb"
	"github.com/philippgille/chromem-go"
)

// Index is the vector leg in memory: chromem-go, holding the stored
// embeddings of every passage (never persisted by chromem itself; the
// database is the truth), plus what filtering needs to know about each
// passage.
type Index struct {
	coll *chromem.Collection
	mu   sync.RWMutex
	meta map[int64]Meta
}

// Meta is what search needs about a passage without a database trip.
type Meta struct {
	Article   int64
	Published int64 // Unix seconds; 0 when unknown
}

// errNoEmbed guards chromem's default: a nil embedding function would
// silently call OpenAI. Embeddings always come from our embedders.
var errNoEmbed = errors.New("vector index: embeddings are computed by marketbot, not chromem")

// New returns an empty index.
func New() (*Index, error) {
	db := chromem.NewDB()
	coll, err := db.CreateCollection("passages", nil, func(context.Context, string) ([]float32, error) { return nil, errNoEmbed })
	if err != nil {
		return nil, fmt.Errorf("vector index: %w", err)
	}
	return &Index{coll: coll, meta: map[int64]Meta{}}, nil
}

// Add indexes passages; vectors must be unit length.
func (v *Index) Add(ctx context.Context, ids []int64, vecs [][]float32, meta []Meta) error {
	docs := make([]chromem.Document, len(ids))
	for i, id := range ids {
		docs[i] = chromem.Document{ID: strconv.FormatInt(id, 10), Embedding: vecs[i]}
	}
	if len(docs) == 0 {
		return nil
	}
	if err := v.coll.AddDocuments(ctx, docs, 4); err != nil {
		return fmt.Errorf("vector index: %w", err)
	}
	v.mu.Lock()
	for i, id := range ids {
		v.meta[id] = meta[i]
	}
	v.mu.Unlock()
	return nil
}

// Remove drops passages from the index.
func (v *Index) Remove(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	strs := make([]string, len(ids))
	for i, id := range ids {
		strs[i] = strconv.FormatInt(id, 10)
	}
	// A nil where map: an empty one would delete everything.
	if err := v.coll.Delete(ctx, nil, nil, strs...); err != nil {
		return fmt.Errorf("vector index: %w", err)
	}
	v.mu.Lock()
	for _, id := range ids {
		delete(v.meta, id)
	}
	v.mu.Unlock()
	return nil
}

// Count is how many passages are indexed.
func (v *Index) Count() int { return v.coll.Count() }

// Query returns up to n passages by cosine similarity, best first, among
// those that keep accepts.
func (v *Index) Query(ctx context.Context, vec []float32, n int, keep func(Meta) bool) ([]sqldb.Candidate, error) {
	total := v.coll.Count()
	if total == 0 || n <= 0 {
		return nil, nil
	}
	ask := n
	if keep != nil {
		ask = n * 8 // filters are applied after the scan: over-fetch
	}
	res, err := v.coll.QueryEmbedding(ctx, vec, min(ask, total), nil, nil)
	if err != nil {
		return nil, fmt.Errorf("vector search: %w", err)
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	out := make([]sqldb.Candidate, 0, n)
	for _, r := range res {
		id, err := strconv.ParseInt(r.ID, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("vector search: bad id %q", r.ID)
		}
		m := v.meta[id]
		if keep != nil && !keep(m) {
			continue
		}
		out = append(out, sqldb.Candidate{Chunk: id, Article: m.Article, Score: float64(r.Similarity)})
		if len(out) == n {
			break
		}
	}
	return out, nil
}

// Encode stores a vector as little-endian float32s.
func Encode(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

// Decode reads a vector Encode stored.
func Decode(b []byte) ([]float32, error) {
	if len(b)%4 != 0 {
		return nil, fmt.Errorf("embedding of %d bytes is not float32s", len(b))
	}
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v, nil
}
