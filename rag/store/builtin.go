package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/marketbot/marketbot/corpus"
)

// RefreshBuiltin keeps the built-in pack in the store the one given (the
// binary's, identified by version and read by load): an empty store gets
// it, and a store holding another version has its changed articles
// updated, new ones added and withdrawn ones removed, so that an upgrade
// never leaves a rewritten article's old text behind. A store whose pack
// is current costs one query, and the pack is not even read; one that
// holds no built-in article, though not empty (the pack was pruned on
// purpose), is left alone. changed reports whether any article was added,
// updated or removed.
func RefreshBuiltin(ctx context.Context, s *Store, version string, load func() ([]corpus.Article, error), opt IngestOptions) (sum IngestSummary, changed bool, err error) {
	var recorded string
	switch err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'builtin_pack'`).Scan(&recorded); {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return sum, false, fmt.Errorf("built-in pack: %w", err)
	}
	if recorded == version {
		return sum, false, nil
	}
	var articles, builtin int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE path LIKE 'builtin:%') FROM articles`).Scan(&articles, &builtin); err != nil {
		return sum, false, fmt.Errorf("built-in pack: %w", err)
	}
	if articles > 0 && builtin == 0 {
		return sum, false, nil
	}
	pack, err := load()
	if err != nil {
		return sum, false, err
	}
	opt.Prune = true // withdrawn articles go; only built-in paths are pruned
	sum, err = IngestArticles(ctx, s, pack, opt)
	changed = sum.Added+sum.Updated+sum.Pruned > 0
	if err != nil {
		return sum, changed, err
	}
	if len(sum.Failed) > 0 {
		return sum, changed, fmt.Errorf("built-in pack: %s: %w", sum.Failed[0].Path, sum.Failed[0].Err)
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('builtin_pack', $1)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, version)
	if err != nil {
		return sum, changed, fmt.Errorf("built-in pack: %w", err)
	}
	return sum, changed, nil
}
