package feeds

import "github.com/marketbot/marketbot/rag/prom"

// Metrics count feed syncs; a nil *Metrics counts nothing.
type Metrics struct {
	syncs *prom.CounterVec
	items *prom.CounterVec
}

// NewMetrics returns metrics registered with reg:
// marketbot_feed_syncs_total{outcome} and
// marketbot_feed_items_total{outcome}.
func NewMetrics(reg *prom.Registry) *Metrics {
	m := &Metrics{
		syncs: prom.NewCounterVec(prom.Opts{Name: "marketbot_feed_syncs_total",
			Help: "Feed syncs by outcome (ok, not_modified, error)."}, []string{"outcome"}),
		items: prom.NewCounterVec(prom.Opts{Name: "marketbot_feed_items_total",
			Help: "Feed items by outcome (added, updated, unchanged, duplicate, failed)."}, []string{"outcome"}),
	}
	reg.MustRegister(m.syncs, m.items)
	return m
}

func (m *Metrics) observeSync(res Result, err error) {
	if m == nil {
		return
	}
	switch {
	case err != nil:
		m.syncs.WithLabelValues("error").Inc()
	case res.NotModified:
		m.syncs.WithLabelValues("not_modified").Inc()
	default:
		m.syncs.WithLabelValues("ok").Inc()
	}
	for outcome, n := range map[string]int{"added": res.Added, "updated": res.Updated, "unchanged": res.Unchanged,
		"duplicate": res.Duplicates, "failed": len(res.Failed)} {
		m.items.WithLabelValues(outcome).Add(float64(n))
	}
}
