package rag

import (
	"context"
	"time"

	"github.com/marketbot/marketbot/rag/prom"
)

// Metrics count retrieval and feed syncing; a nil *Metrics counts nothing.
type Metrics struct {
	retrieval    *prom.Histogram
	translations *prom.CounterVec
	feedSyncs    *prom.CounterVec
	feedItems    *prom.CounterVec
}

// NewMetrics returns metrics registered with reg:
// marketbot_retrieval_seconds, marketbot_translations_total{outcome},
// marketbot_feed_syncs_total{outcome},
// marketbot_feed_items_total{outcome}, and,
// read from st when scraped, marketbot_store_bytes,
// marketbot_store_articles and marketbot_store_passages.
func NewMetrics(reg *prom.Registry, st *Store) *Metrics {
	m := &Metrics{

		translations: prom.NewCounterVec(prom.Opts{Name: "marketbot_translations_total",
			Help: "Questions translated into the other language by the model before retrieval, by outcome (translated, cached, failed)."}, []string{"outcome"}),
		feedSyncs: prom.NewCounterVec(prom.Opts{Name: "marketbot_feed_syncs_total",
			Help: "Feed syncs by outcome (ok, not_modified, error)."}, []string{"outcome"}),
		feedItems: prom.NewCounterVec(prom.Opts{Name: "marketbot_feed_items_total",
			Help: "Feed items by outcome (added, updated, unchanged, duplicate, failed)."}, []string{"outcome"}),
	}
	retrieval := prom.NewHistogramVec(prom.Opts{Name: "marketbot_retrieval_seconds", Help: "Time to retrieve the passages for a question."},
		[]float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5}, nil)
	m.retrieval = retrieval.WithLabelValues()
	reg.MustRegister(retrieval, m.translations, m.feedSyncs, m.feedItems)
	if st != nil {
		stat := func(f func(Stats) int) func() float64 {
			return func() float64 {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				s, err := st.Stats(ctx)
				if err != nil {
					return -1
				}
				return float64(f(s))
			}
		}
		reg.MustRegister(
			prom.NewGaugeFunc(prom.Opts{Name: "marketbot_store_bytes", Help: "Size of the store: its SQLite files (write-ahead log included), or its PostgreSQL database."},
				func() float64 {
					ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
					defer cancel()
					n, err := st.b.size(ctx)
					if err != nil {
						return -1
					}
					return float64(n)
				}),
			prom.NewGaugeFunc(prom.Opts{Name: "marketbot_store_articles", Help: "Articles in the store."},
				stat(func(s Stats) int { return s.Articles })),
			prom.NewGaugeFunc(prom.Opts{Name: "marketbot_store_passages", Help: "Passages in the store."},
				stat(func(s Stats) int { return s.Chunks })),
		)
	}
	return m
}

func (m *Metrics) observeRetrieval(d time.Duration) {
	if m != nil {
		m.retrieval.Observe(d.Seconds())
	}
}

func (m *Metrics) observeTranslation(outcome string) {
	if m != nil {
		m.translations.WithLabelValues(outcome).Inc()
	}
}

func (m *Metrics) observeSync(res FeedResult, err error) {
	if m == nil {
		return
	}
	switch {
	case err != nil:
		m.feedSyncs.WithLabelValues("error").Inc()
	case res.NotModified:
		m.feedSyncs.WithLabelValues("not_modified").Inc()
	default:
		m.feedSyncs.WithLabelValues("ok").Inc()
	}
	for outcome, n := range map[string]int{"added": res.Added, "updated": res.Updated, "unchanged": res.Unchanged,
		"duplicate": res.Duplicates, "failed": len(res.Failed)} {
		m.feedItems.WithLabelValues(outcome).Add(float64(n))
	}
}
