package brief

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/answer"
)

// Articles as stories: what tells them apart or together, and how the
// stories rank.

// features are what tells two articles apart or together: the entities
// they are about (in any language) and the words of their titles.
func (w *Writer) features(x briefArticle) (map[string]bool, map[string]bool) {
	r := []rune(x.text)
	lead := x.title + "\n" + string(r[:min(len(r), 300)])
	ents := map[string]bool{}
	for _, e := range w.aliases.Match(lead) {
		if e.Type != "term" {
			ents[e.ID] = true
		}
	}
	toks := map[string]bool{}
	for _, t := range corpus.Tokens(x.title) {
		toks[t] = true
	}
	return ents, toks
}

// matches counts the topics an article is about: as entities, or as words.
func matches(x briefArticle, topicEntities map[string]bool, topics []string) int {
	n := 0
	for id := range topicEntities {
		if x.entities[id] {
			n++
		}
	}
	if n == 0 {
		norm := corpus.Normalize(x.title + " " + x.text)
		for _, t := range topics {
			if t = corpus.Normalize(strings.TrimSpace(t)); t != "" && strings.Contains(norm, t) {
				n++
			}
		}
	}
	return n
}

// story is articles about one event.
type story struct {
	articles []briefArticle // the first is the lead
	topical  int
	newest   time.Time
}

// update reports whether every article of the story was briefed before:
// it is told again only because its articles changed.
func (s story) update() bool {
	for _, x := range s.articles {
		if !x.update {
			return false
		}
	}
	return true
}

// markUpdates starts the item of each story that is an update with the
// word saying so ("Update:", "更新："); items follow the stories' order.
func markUpdates(b *Briefing, stories []story) {
	for i := range b.Items {
		if i < len(stories) && stories[i].update() {
			b.Items[i].Update = true
			b.Items[i].Text = answer.Message(b.Lang, answer.MsgUpdate) + b.Items[i].Text
		}
	}
}

// sameStory reports whether two articles cover one event: published within
// three days of each other, and sharing most of their entities (at least
// two, or the only one each has) or most of their title's words.
func sameStory(x, y briefArticle) bool {
	if !x.published.IsZero() && !y.published.IsZero() && math.Abs(x.published.Sub(y.published).Hours()) > 72 {
		return false
	}
	shared, union := overlap(x.entities, y.entities)
	if shared >= 2 && float64(shared)/float64(union) >= 0.5 || shared == 1 && union == 1 {
		return true
	}
	common, total := overlap(x.titleTokens, y.titleTokens)
	return total > 0 && float64(common)/float64(total) >= 0.5
}

// overlap counts the keys two sets share, and those in either.
func overlap[K comparable](x, y map[K]bool) (shared, union int) {
	for k := range x {
		if y[k] {
			shared++
		}
	}
	return shared, len(x) + len(y) - shared
}

// cluster groups articles into stories (single link, in date order).
func cluster(arts []briefArticle) []story {
	var out []story
	for _, x := range arts {
		placed := false
		for i := range out {
			for _, y := range out[i].articles {
				if sameStory(x, y) {
					out[i].articles = append(out[i].articles, x)
					placed = true
					break
				}
			}
			if placed {
				break
			}
		}
		if !placed {
			out = append(out, story{articles: []briefArticle{x}})
		}
	}
	for i := range out {
		for _, x := range out[i].articles {
			out[i].topical = max(out[i].topical, x.topical)
			if x.published.After(out[i].newest) {
				out[i].newest = x.published
			}
		}
	}
	return out
}

// rankStories orders stories: topic matches first, then the newest, with
// a day's bonus for each extra source.
func rankStories(stories []story) []story {
	score := func(s story) float64 {
		return float64(s.topical)*1e6 + float64(s.newest.Unix())/86400 + float64(len(s.articles)-1)
	}
	slices.SortStableFunc(stories, func(a, b story) int {
		switch sa, sb := score(a), score(b); {
		case sa > sb:
			return -1
		case sa < sb:
			return 1
		}
		return 0
	})
	return stories
}
