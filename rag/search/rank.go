package search

import (
	"math"
	"slices"
	"time"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/store"
)

// Ranking what the floor kept: recency for "latest" questions, and
// diversity.

// favourRecent multiplies scores by a bonus that decays with a passage's
// age relative to the newest eligible candidate, then re-sorts. Only
// passages of articles about what was asked are eligible: "the latest
// Qwen model" is announced under a title naming Qwen, not in a later
// article that compares with it.
func favourRecent(ps []store.Passage, eligible []bool) {
	var newest time.Time
	for i, p := range ps {
		if eligible[i] && p.Published.After(newest) {
			newest = p.Published
		}
	}
	for i, p := range ps {
		if p.Published.IsZero() || !eligible[i] {
			continue
		}
		age := newest.Sub(p.Published).Hours() / 24
		bonus := recencyWeight * math.Exp(-age/recencyDays)
		if !p.Lead { // the news is in the lead; the rest is detail
			bonus /= 2
		}
		ps[i].Score *= 1 + bonus
	}
	sortByScore(ps)
}

// sortByScore sorts passages best first, keeping the order of equals.
func sortByScore(ps []store.Passage) {
	slices.SortStableFunc(ps, func(a, b store.Passage) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
}

// diversify keeps the best passages in order, at most opt.PerArticle per
// article, skipping passages whose text repeats one already kept. When too
// few other articles qualify to fill opt.Top, the passages the cap held
// back fill the rest, in their order: an empty slot helps no one.
func diversify(cands []store.Passage, opt Options) []store.Passage {
	perArticle := map[int64]int{}
	seen := map[string]bool{}
	keep := make([]bool, len(cands))
	var kept int
	var held []int
	for i, p := range cands {
		key := corpus.Normalize(p.Text)
		if seen[key] || kept == opt.Top {
			continue
		}
		seen[key] = true
		if perArticle[p.ArticleID] >= opt.PerArticle {
			held = append(held, i)
			continue
		}
		perArticle[p.ArticleID]++
		keep[i], kept = true, kept+1
	}
	for _, i := range held[:min(len(held), opt.Top-kept)] {
		keep[i] = true
	}
	var out []store.Passage
	for i, p := range cands {
		if keep[i] {
			out = append(out, p)
		}
	}
	return out
}
