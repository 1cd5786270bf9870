package search

import (
	"context"
	"time"

	"github.com/marketbot/marketbot/rag/search/when"
)

// staleAfter is how old the newest article may be before an answer about
// the latest state of things says how current it is.
const staleAfter = 30 * 24 * time.Hour

// TimeCheck is how a question's time relates to what the store holds.
type TimeCheck struct {
	Newest time.Time // publication date of the newest article not dated in the future; zero when none is dated
	Beyond bool      // the question asks about a period that begins after Newest: nothing can answer it
	Ahead  bool      // it names a year after Newest that earlier articles speak of (plans, forecasts): they answer, with a notice
	Stale  bool      // the question asks for the latest or current state, and Newest is over 30 days old
}

// CheckTime reads the period a question asks about (as Search does, with
// opt's dates overriding the question's) and compares it with the newest
// article, so that an answer can say how current it is.
func (s *Searcher) CheckTime(ctx context.Context, question string, opt Options) (TimeCheck, error) {
	now := s.now()
	newest, ok, err := s.r.NewestBefore(ctx, now)
	if err != nil || !ok {
		return TimeCheck{}, err
	}
	tc := TimeCheck{Newest: newest}
	f := s.timeFrame(question, opt)
	tc.Beyond = !f.Since.IsZero() && f.Since.After(tc.Newest)
	if start, ok := when.PartStart(question); ok && f.Since.IsZero() && opt.Since.IsZero() {
		tc.Beyond = start.After(tc.Newest) // "2026年上半年…" over a corpus that ends in 2025
	}
	if tc.Beyond && f.Year != 0 {
		// "字节跳动2026年的AI处理器预算" is a plan an article of 2025 states:
		// Search answers a named year with the articles that name it.
		ps, err := s.Search(ctx, question, opt)
		if err != nil {
			return tc, err
		}
		tc.Ahead = len(ps) > 0
		tc.Beyond = !tc.Ahead
	}
	tc.Stale = !tc.Beyond && !tc.Ahead && f.Latest && now.Sub(tc.Newest) > staleAfter
	return tc, nil
}
