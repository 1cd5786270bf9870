package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/marketbot/marketbot/corpus"
)

// What the store keeps for feed syncing: articles stored once whatever
// feed links them (each feed's state is in the ledger).

// PutNew stores an article unless the same text is already stored under
// another path (syndicated copies, a feed that changed its links).
func (s *Store) PutNew(ctx context.Context, a corpus.Article) (Outcome, bool, error) {
	var other string
	err := s.db.QueryRowContext(ctx, `SELECT path FROM articles WHERE text_hash = $1 AND path != $2 LIMIT 1`, a.TextHash(), a.Path).Scan(&other)
	if err == nil {
		return Unchanged, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, false, fmt.Errorf("store %s: %w", a.Path, err)
	}
	out, err := s.Put(ctx, a)
	return out, false, err
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
