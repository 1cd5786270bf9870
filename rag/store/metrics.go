package store

import (
	"context"
	"time"

	"github.com/marketbot/marketbot/rag/prom"
)

// RegisterMetrics registers with reg the store's gauges, read from st
// when scraped: marketbot_store_bytes, marketbot_store_articles and
// marketbot_store_passages.
func RegisterMetrics(reg *prom.Registry, st *Store) {
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
				n, err := st.b.Size(ctx)
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
