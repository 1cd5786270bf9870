package store

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/marketbot/marketbot/rag/store/sqldb"
)

// Follow keeps the in-memory vector index in step with the passages that
// other replicas (or the command line) add and remove in a shared
// database, checking every interval until ctx ends. It returns at once
// for a SQLite store, which one process owns.
func (s *Store) Follow(ctx context.Context, every time.Duration, log *slog.Logger) {
	cf, ok := s.b.(sqldb.ChangeFeed)
	if !ok {
		return
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if err := s.catchUp(ctx, cf); err != nil && ctx.Err() == nil {
			log.Warn("could not follow other replicas' changes; will retry", "err", err)
		}
	}
}

// catchUp applies the changes since the store's cursor: a changed passage
// still in the database is (re)loaded, one that is gone is dropped.
func (s *Store) catchUp(ctx context.Context, cf sqldb.ChangeFeed) error {
	s.followMu.Lock()
	defer s.followMu.Unlock()
	ids, next, err := cf.Changed(ctx, s.cursor)
	if err != nil || len(ids) == 0 {
		s.cursor = next
		return err
	}
	if s.dims == 0 { // the store was empty when opened
		rec, err := embedderRecord(ctx, s.db)
		if err != nil {
			return fmt.Errorf("follow changes: %w", err)
		}
		s.dims = rec.Dims
	}
	loaded, err := loadVectors(ctx, s.db, s.vectors, embedderID(s.embedder.Info()), s.dims, ` AND c.id = ANY($2)`, ids)
	if err != nil {
		return fmt.Errorf("follow changes: %w", err)
	}
	present := make(map[int64]bool, len(loaded))
	for _, id := range loaded {
		present[id] = true
	}
	var gone []int64
	for _, id := range ids {
		if !present[id] {
			gone = append(gone, id)
		}
	}
	if err := s.vectors.Remove(ctx, gone); err != nil {
		return fmt.Errorf("follow changes: %w", err)
	}
	s.cursor = next
	return nil
}
