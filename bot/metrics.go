package bot

import (
	"net/http"
	"time"

	"github.com/marketbot/marketbot/rag/prom"
)

// Metrics count what the bot receives, acknowledges, answers and posts; a
// nil *Metrics counts nothing.
type Metrics struct {
	events    *prom.CounterVec
	ack       *prom.HistogramVec
	answers   *prom.HistogramVec
	briefings *prom.CounterVec
}

// NewMetrics returns metrics registered with reg:
// marketbot_events_total{platform,outcome}, marketbot_ack_seconds{platform},
// marketbot_answer_seconds{outcome} and marketbot_briefings_total{target,outcome}.
func NewMetrics(reg *prom.Registry) *Metrics {
	m := &Metrics{
		events: prom.NewCounterVec(prom.Opts{Name: "marketbot_events_total",
			Help: "Deliveries from chat platforms by outcome: received, acked, duplicate (a retry or a repeat, not answered again), rejected (failed verification or too large)."},
			[]string{"platform", "outcome"}),
		ack: prom.NewHistogramVec(prom.Opts{Name: "marketbot_ack_seconds",
			Help: "Time from receiving a delivery to acknowledging it."},
			[]float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}, []string{"platform"}),
		answers: prom.NewHistogramVec(prom.Opts{Name: "marketbot_answer_seconds",
			Help: "Time to answer a question, by outcome: answered, fallback (extractive), not_found, error, rate_limited, not_allowed."},
			[]float64{.05, .1, .25, .5, 1, 2, 4, 8, 15, 30}, []string{"outcome"}),
		briefings: prom.NewCounterVec(prom.Opts{Name: "marketbot_briefings_total",
			Help: "Scheduled briefing runs by target and outcome: posted, skipped (nothing new), failed."}, []string{"target", "outcome"}),
	}
	reg.MustRegister(m.events, m.ack, m.answers, m.briefings)
	return m
}

// Received counts a delivery from platform.
func (m *Metrics) Received(platform string) { m.event(platform, "received") }

// Acked counts a delivery acknowledged d after it was received.
func (m *Metrics) Acked(platform string, d time.Duration) {
	if m != nil {
		m.event(platform, "acked")
		m.ack.WithLabelValues(platform).Observe(d.Seconds())
	}
}

func (m *Metrics) event(platform, outcome string) {
	if m != nil {
		m.events.WithLabelValues(platform, outcome).Inc()
	}
}

// HTTP counts the deliveries a platform's webhook handler receives: a
// response of 2xx acknowledges one, 4xx rejects it.
func (m *Metrics) HTTP(platform string, h http.Handler) http.Handler {
	if m == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m.Received(platform)
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		switch {
		case sw.status < 300:
			m.Acked(platform, time.Since(start))
		case sw.status < 500:
			m.event(platform, "rejected")
		}
	})
}

// statusWriter remembers the status of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (m *Metrics) answered(outcome string, d time.Duration) {
	if m != nil {
		m.answers.WithLabelValues(outcome).Observe(d.Seconds())
	}
}

func (m *Metrics) briefing(target, outcome string) {
	if m != nil {
		m.briefings.WithLabelValues(target, outcome).Inc()
	}
}
