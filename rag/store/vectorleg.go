package store

import (
	"context"

	"github.com/marketbot/marketbot/rag/store/sqldb"
	"github.com/marketbot/marketbot/rag/store/vectors"
)

// vectorLeg is where the vector half of hybrid search looks. The one
// implemented, vectors.Index, holds every passage's vector in memory, filled
// from the database at open and kept in step with it (Follow, on
// PostgreSQL). A database with a vector index of its own — PostgreSQL
// with pgvector — could answer behind these same methods instead, with
// add and remove becoming no-ops; that is not built, the extension being
// unavailable where marketbot is tested.
type vectorLeg interface {
	// Add indexes passages; vectors must be unit length.
	Add(ctx context.Context, ids []int64, vecs [][]float32, meta []vectors.Meta) error
	// Remove drops passages.
	Remove(ctx context.Context, ids []int64) error
	// Query returns the n passages nearest vec among those keep accepts.
	Query(ctx context.Context, vec []float32, n int, keep func(vectors.Meta) bool) ([]sqldb.Candidate, error)
	// Count is how many passages are indexed.
	Count() int
}
