package answer

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/search"
)

// Evaluate asks every question of an answerable kind, as a user
// would, and scores what the answer shows: the share whose text holds the
// key phrase (the asked fact), and how many were answered "nothing found";
// for unanswerable ones, the share correctly answered so. Its mode is
// "ask".
func (a *Answerer) Evaluate(ctx context.Context, qs []search.EvalQuestion) (search.EvalReport, error) {
	r := search.EvalReport{Mode: "ask", Kinds: map[string]*search.EvalScore{}}
	for _, q := range qs {
		ans, err := a.Answer(ctx, q.Q, nil, nil)
		if err != nil {
			return search.EvalReport{}, fmt.Errorf("eval %q: %w", q.Q, err)
		}
		got := ""
		if len(ans.Citations) > 0 {
			got = path.Base(ans.Citations[0].Path)
		}
		if q.Kind == "none" {
			sc := r.Score("none")
			sc.Questions++
			if ans.NotFound {
				sc.Nothing++
			} else {
				sc.Misses = append(sc.Misses, search.EvalMiss{Q: q.Q, Got: got})
			}
			continue
		}
		shows := strings.Contains(corpus.Normalize(ans.Text), corpus.Normalize(q.Phrase))
		for _, kind := range []string{q.Kind, "all"} {
			sc := r.Score(kind)
			sc.Questions++
			if shows {
				sc.Shows++
			} else if kind != "all" {
				sc.Misses = append(sc.Misses, search.EvalMiss{Q: q.Q, Got: got})
			}
			if ans.NotFound {
				sc.NotFound++
			}
		}
	}
	for _, sc := range r.Kinds {
		n := float64(max(sc.Questions, 1))
		sc.Shows, sc.Nothing = sc.Shows/n, sc.Nothing/n
	}
	return r, nil
}
