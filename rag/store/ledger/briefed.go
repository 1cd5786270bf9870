package ledger

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// BriefedItem is an article a posted briefing covered, as it was then:
// what a target was briefed is kept in the store, so that no later
// briefing to it repeats the article, whatever restarts, replicas,
// re-polls or re-fetches happen in between.
type BriefedItem struct {
	Path     string // the article's identity: its feed item link, URL or file
	TextHash string // its normalised text, when briefed
	Sketch   string // its title, figures and a MinHash of its wording
}

// RecordBriefed remembers the articles a briefing posted to target covered.
func (l *Ledger) RecordBriefed(ctx context.Context, target string, items []BriefedItem) error {
	now := l.now().Unix()
	for _, it := range items {
		_, err := l.db.ExecContext(ctx, `
			INSERT INTO briefed (target, item, text_hash, sketch, at_unix) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (target, item) DO UPDATE SET text_hash = excluded.text_hash, sketch = excluded.sketch, at_unix = excluded.at_unix`,
			target, it.Path, it.TextHash, it.Sketch, now)
		if err != nil {
			return fmt.Errorf("record briefed %s: %w", target, err)
		}
	}
	return nil
}

// Briefed returns what target was briefed of these articles, by path.
func (l *Ledger) Briefed(ctx context.Context, target string, paths []string) (map[string]BriefedItem, error) {
	out := map[string]BriefedItem{}
	for chunk := range slices.Chunk(paths, 200) {
		args := []any{target}
		marks := make([]string, len(chunk))
		for i, p := range chunk {
			args = append(args, p)
			marks[i] = fmt.Sprintf("$%d", i+2)
		}
		rows, err := l.db.QueryContext(ctx, `SELECT item, text_hash, sketch FROM briefed WHERE target = $1 AND item IN (`+strings.Join(marks, ", ")+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("briefed %s: %w", target, err)
		}
		for rows.Next() {
			var it BriefedItem
			if err := rows.Scan(&it.Path, &it.TextHash, &it.Sketch); err != nil {
				rows.Close()
				return nil, fmt.Errorf("briefed %s: %w", target, err)
			}
			out[it.Path] = it
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("briefed %s: %w", target, err)
		}
	}
	return out, nil
}
