package llm

import (
	"time"

	"github.com/marketbot/marketbot/rag/prom"
)

// Metrics count a client's exchanges with its model; a nil *Metrics
// counts nothing.
type Metrics struct {
	seconds  *prom.HistogramVec
	tokens   *prom.CounterVec
	failures *prom.CounterVec
}

// NewMetrics returns metrics registered with reg:
// marketbot_llm_seconds{outcome}, marketbot_llm_tokens_total{kind} and
// marketbot_llm_errors_total{status}.
func NewMetrics(reg *prom.Registry) *Metrics {
	m := &Metrics{
		seconds: prom.NewHistogramVec(prom.Opts{Name: "marketbot_llm_seconds",
			Help: "Time of one exchange with the language model, retries included, by outcome (ok or error)."},
			[]float64{.25, .5, 1, 2, 4, 8, 15, 30, 60}, []string{"outcome"}),
		tokens: prom.NewCounterVec(prom.Opts{Name: "marketbot_llm_tokens_total",
			Help: "Tokens the model reported using, by kind (prompt, completion, and reasoning: the part of the completion spent thinking)."}, []string{"kind"}),
		failures: prom.NewCounterVec(prom.Opts{Name: "marketbot_llm_errors_total",
			Help: "Failed exchanges by status: the HTTP status code, or timeout, unreachable, empty, cancelled, error."}, []string{"status"}),
	}
	reg.MustRegister(m.seconds, m.tokens, m.failures)
	return m
}

func (m *Metrics) observe(d time.Duration, usage usage, status string) {
	if m == nil {
		return
	}
	outcome := "ok"
	if status != "" {
		outcome = "error"
		m.failures.WithLabelValues(status).Inc()
	}
	m.seconds.WithLabelValues(outcome).Observe(d.Seconds())
	if usage.prompt > 0 || usage.completion > 0 {
		m.tokens.WithLabelValues("prompt").Add(float64(usage.prompt))
		m.tokens.WithLabelValues("completion").Add(float64(usage.completion))
	}
	if usage.reasoning > 0 {
		m.tokens.WithLabelValues("reasoning").Add(float64(usage.reasoning))
	}
}

// usage is the tokens an exchange used, as the model reported them.
type usage struct{ prompt, completion, reasoning int }
