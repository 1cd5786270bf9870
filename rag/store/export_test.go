package store

import (
	"context"
	"database/sql"

	"github.com/marketbot/marketbot/rag/embed"
	"github.com/marketbot/marketbot/rag/store/sqldb"
)

// What the external tests may look at inside a store.

// DB is the store's connection pool.
func (s *Store) DB() *sql.DB { return s.db }

// VectorCount is the number of passages in the vector index.
func (s *Store) VectorCount() int { return s.vectors.Count() }

// CatchUp applies the change log to the vectors once.
func (s *Store) CatchUp(ctx context.Context) error { return s.catchUp(ctx, s.b.(sqldb.ChangeFeed)) }

// EmbedderRecord is the embedder the store was built with.
func (s *Store) EmbedderRecord(ctx context.Context) (embed.Info, error) {
	return embedderRecord(ctx, s.db)
}

// QueryVectors queries the vector index alone.
func (s *Store) QueryVectors(ctx context.Context, vec []float32, n int) error {
	_, err := s.vectors.Query(ctx, vec, n, nil)
	return err
}
