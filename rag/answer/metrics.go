package answer

import (
	"time"

	"github.com/marketbot/marketbot/rag/prom"
)

// Metrics count retrieval and translations; a nil *Metrics counts
// nothing.
type Metrics struct {
	retrieval    *prom.Histogram
	translations *prom.CounterVec
}

// NewMetrics returns metrics registered with reg:
// marketbot_retrieval_seconds and marketbot_translations_total{outcome}.
func NewMetrics(reg *prom.Registry) *Metrics {
	m := &Metrics{
		translations: prom.NewCounterVec(prom.Opts{Name: "marketbot_translations_total",
			Help: "Questions translated into the other language by the model before retrieval, by outcome (translated, cached, failed)."}, []string{"outcome"}),
	}
	retrieval := prom.NewHistogramVec(prom.Opts{Name: "marketbot_retrieval_seconds", Help: "Time to retrieve the passages for a question."},
		[]float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5}, nil)
	m.retrieval = retrieval.WithLabelValues()
	reg.MustRegister(retrieval, m.translations)
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
