// Package prom is the part of Prometheus instrumentation that marketbot
// uses: counters, histograms and gauges, with labels, in a registry served
// in the text exposition format (version 0.0.4), plus the Go runtime's and
// the process's usual metrics. It replaces client_golang, whose protobuf
// and reflection machinery cost the binary about 4 MB for these few
// dozen lines of output.
package prom

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Opts names and describes a metric.
type Opts struct {
	Name string
	Help string
}

// Collector is a metric family a Registry can hold: a *CounterVec,
// *HistogramVec, *GaugeFunc, or the runtime and process metrics.
type Collector interface {
	names() []string
	write(w *bufio.Writer)
}

// Registry holds collectors and writes them out.
type Registry struct {
	mu    sync.Mutex
	all   []Collector
	names map[string]bool
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{names: map[string]bool{}} }

// MustRegister adds collectors; it panics when a name is taken twice, a
// programming error.
func (r *Registry) MustRegister(cs ...Collector) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range cs {
		for _, n := range c.names() {
			if r.names[n] {
				panic("prom: metric " + n + " registered twice")
			}
			r.names[n] = true
		}
		r.all = append(r.all, c)
	}
}

// Write writes every metric family, sorted by name, in the text format.
func (r *Registry) Write(w io.Writer) error {
	r.mu.Lock()
	all := slices.Clone(r.all)
	r.mu.Unlock()
	bw := bufio.NewWriter(w)
	for _, f := range render(all) {
		bw.WriteString(f.text)
	}
	return bw.Flush()
}

// Text is the text format of the named metric families only, for tests
// and diagnostics.
func (r *Registry) Text(names ...string) string {
	r.mu.Lock()
	all := slices.Clone(r.all)
	r.mu.Unlock()
	var b strings.Builder
	for _, f := range render(all) {
		if slices.Contains(names, f.name) {
			b.WriteString(f.text)
		}
	}
	return b.String()
}

// familyText is one metric family's text: its HELP and TYPE lines and
// its samples.
type familyText struct{ name, text string }

// render writes the collectors and splits their text into families,
// sorted by name. A collector may write several families (Runtime writes
// go_* and process_* ones), so sorting collectors is not enough. Each
// family starts with its HELP line, and no other line starts with
// "# HELP ": help text and label values have their newlines escaped.
func render(cs []Collector) []familyText {
	var b bytes.Buffer
	bw := bufio.NewWriter(&b)
	for _, c := range cs {
		c.write(bw)
	}
	bw.Flush()
	var fs []familyText
	for text := b.String(); text != ""; {
		chunk := text
		if n := strings.Index(text, "\n# HELP "); n >= 0 {
			chunk, text = text[:n+1], text[n+1:]
		} else {
			text = ""
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(chunk, "# HELP "), " ")
		fs = append(fs, familyText{name, chunk})
	}
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].name < fs[j].name })
	return fs
}

// Handler serves the registry at /metrics.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		r.Write(w)
	})
}

// family is what every vector shares: its name, help, label names and
// series by label values.
type family[S any] struct {
	Opts
	kind   string // counter, histogram, gauge
	labels []string
	mu     sync.Mutex
	series map[string]*S
	values map[string][]string // series key → label values
	fresh  func() *S
}

func (f *family[S]) names() []string { return []string{f.Name} }

// with returns the series for label values, creating it.
func (f *family[S]) with(values []string) *S {
	if len(values) != len(f.labels) {
		panic(fmt.Sprintf("prom: %s takes %d label values, got %d", f.Name, len(f.labels), len(values)))
	}
	key := strings.Join(values, "\xff")
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.series[key]
	if s == nil {
		s = f.fresh()
		f.series[key] = s
		f.values[key] = slices.Clone(values)
	}
	return s
}

// each calls fn for each series in order of label values, with its
// rendered labels.
func (f *family[S]) each(fn func(labels string, s *S)) {
	type entry struct {
		labels string
		s      *S
	}
	f.mu.Lock()
	all := make([]entry, 0, len(f.series))
	for k, s := range f.series {
		all = append(all, entry{labelText(f.labels, f.values[k]), s})
	}
	f.mu.Unlock()
	sort.Slice(all, func(i, j int) bool { return all[i].labels < all[j].labels })
	for _, e := range all {
		fn(e.labels, e.s)
	}
}

func (f *family[S]) header(w *bufio.Writer) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", f.Name, escapeHelp(f.Help), f.Name, f.kind)
}

func newFamily[S any](opts Opts, kind string, labels []string, fresh func() *S) family[S] {
	return family[S]{Opts: opts, kind: kind, labels: labels, series: map[string]*S{}, values: map[string][]string{}, fresh: fresh}
}

// Counter is a value that only goes up.
type Counter struct {
	mu sync.Mutex
	v  float64
}

// Inc adds one.
func (c *Counter) Inc() { c.Add(1) }

// Add adds v, which must not be negative.
func (c *Counter) Add(v float64) {
	if v < 0 {
		panic("prom: a counter cannot go down")
	}
	c.mu.Lock()
	c.v += v
	c.mu.Unlock()
}

// Value is the count so far.
func (c *Counter) Value() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.v
}

// CounterVec is counters by label values.
type CounterVec struct{ family[Counter] }

// NewCounterVec returns counters with the given label names.
func NewCounterVec(opts Opts, labels []string) *CounterVec {
	return &CounterVec{newFamily(opts, "counter", labels, func() *Counter { return &Counter{} })}
}

// WithLabelValues returns the counter for the label values, in the order
// of the label names.
func (v *CounterVec) WithLabelValues(values ...string) *Counter { return v.with(values) }

func (v *CounterVec) write(w *bufio.Writer) {
	v.header(w)
	v.each(func(labels string, c *Counter) {
		fmt.Fprintf(w, "%s%s %s\n", v.Name, labels, number(c.Value()))
	})
}

// Histogram counts observations in cumulative buckets.
type Histogram struct {
	mu      sync.Mutex
	bounds  []float64
	counts  []uint64 // per bucket, not cumulative; the last is +Inf
	sum     float64
	samples uint64
}

// Observe records one value.
func (h *Histogram) Observe(v float64) {
	i := sort.SearchFloat64s(h.bounds, v) // the first bound ≥ v
	h.mu.Lock()
	h.counts[i]++
	h.sum += v
	h.samples++
	h.mu.Unlock()
}

// HistogramVec is histograms by label values.
type HistogramVec struct{ family[Histogram] }

// NewHistogramVec returns histograms with the given upper bounds (sorted
// here; +Inf, always the last bucket, need not be given) and label names.
func NewHistogramVec(opts Opts, buckets []float64, labels []string) *HistogramVec {
	bounds := slices.Clone(buckets)
	slices.Sort(bounds)
	// A repeated bound, or +Inf, would write a bucket twice.
	bounds = slices.Compact(slices.DeleteFunc(bounds, func(b float64) bool { return math.IsInf(b, 1) }))
	return &HistogramVec{newFamily(opts, "histogram", labels, func() *Histogram {
		return &Histogram{bounds: bounds, counts: make([]uint64, len(bounds)+1)}
	})}
}

// WithLabelValues returns the histogram for the label values.
func (v *HistogramVec) WithLabelValues(values ...string) *Histogram { return v.with(values) }

func (v *HistogramVec) write(w *bufio.Writer) {
	v.header(w)
	v.each(func(labels string, h *Histogram) {
		h.mu.Lock()
		counts, sum, n := slices.Clone(h.counts), h.sum, h.samples
		h.mu.Unlock()
		var cum uint64
		for i, c := range counts {
			cum += c
			le := "+Inf"
			if i < len(h.bounds) {
				le = number(h.bounds[i])
			}
			fmt.Fprintf(w, "%s_bucket%s %d\n", v.Name, withLabel(labels, "le", le), cum)
		}
		fmt.Fprintf(w, "%s_sum%s %s\n%s_count%s %d\n", v.Name, labels, number(sum), v.Name, labels, n)
	})
}

// GaugeFunc is a gauge read from a function when scraped.
type GaugeFunc struct {
	Opts
	fn func() float64
}

// NewGaugeFunc returns a gauge whose value is fn's at each scrape.
func NewGaugeFunc(opts Opts, fn func() float64) *GaugeFunc { return &GaugeFunc{opts, fn} }

func (g *GaugeFunc) names() []string { return []string{g.Name} }

func (g *GaugeFunc) write(w *bufio.Writer) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n%s %s\n", g.Name, escapeHelp(g.Help), g.Name, g.Name, number(g.fn()))
}

// number formats a sample value as Prometheus does.
func number(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	case math.IsNaN(f):
		return "NaN"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// labelText renders {name="value",…} with names sorted, "" for none.
func labelText(names, values []string) string {
	if len(names) == 0 {
		return ""
	}
	idx := make([]int, len(names))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return names[idx[a]] < names[idx[b]] })
	var b strings.Builder
	b.WriteByte('{')
	for n, i := range idx {
		if n > 0 {
			b.WriteByte(',')
		}
		b.WriteString(names[i] + `="` + escapeValue(values[i]) + `"`)
	}
	b.WriteByte('}')
	return b.String()
}

// withLabel adds one more label (a histogram's le) to rendered labels.
func withLabel(labels, name, value string) string {
	pair := name + `="` + escapeValue(value) + `"`
	if labels == "" {
		return "{" + pair + "}"
	}
	return labels[:len(labels)-1] + "," + pair + "}"
}

var (
	valueEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
)

func escapeValue(s string) string { return valueEscaper.Replace(s) }
func escapeHelp(s string) string  { return helpEscaper.Replace(s) }
