package prom

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// text is the registry's whole Write output.
func text(t testing.TB, r *Registry) string {
	t.Helper()
	var b bytes.Buffer
	if err := r.Write(&b); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return b.String()
}

// parse parses the text format as Prometheus does.
func parse(t testing.TB, s string) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(s))
	if err != nil {
		t.Fatalf("the text format does not parse: %v\n%s", err, s)
	}
	return fams
}

// mustPanic fails unless f panics with a message containing want.
func mustPanic(t *testing.T, what, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Errorf("%s: no panic", what)
			return
		}
		if msg := fmt.Sprint(r); !strings.Contains(msg, want) {
			t.Errorf("%s: panic %q, want it to mention %q", what, msg, want)
		}
	}()
	f()
}

// exampleRegistry has one of each kind of family, registered out of
// order, with known contents.
func exampleRegistry() *Registry {
	requests := NewCounterVec(Opts{Name: "app_requests_total", Help: "Requests handled."}, []string{"path", "code"})
	requests.WithLabelValues("/b", "200").Add(3)
	requests.WithLabelValues("/a", "500").Inc()
	requests.WithLabelValues("/a", "200").Add(2.5)

	latency := NewHistogramVec(Opts{Name: "app_latency_seconds", Help: "Time to answer."}, []float64{.005, 1, 2.5}, []string{"method"})
	get := latency.WithLabelValues("GET")
	get.Observe(0.001) // below the first bound
	get.Observe(0.005) // exactly on a bound: le is inclusive
	get.Observe(1)     // exactly on a bound
	get.Observe(3)     // above the last bound
	latency.WithLabelValues("POST").Observe(2)

	batch := NewHistogramVec(Opts{Name: "app_batch_size", Help: "Items per batch."}, []float64{10, 100, 1e6}, nil)
	b := batch.WithLabelValues()
	b.Observe(5)
	b.Observe(50)
	b.Observe(500)

	temp := NewGaugeFunc(Opts{Name: "app_temperature_celsius", Help: "Temperature."}, func() float64 { return -1.5 })

	r := NewRegistry()
	r.MustRegister(temp, requests)
	r.MustRegister(latency, batch)
	return r
}

const exampleText = `# HELP app_batch_size Items per batch.
# TYPE app_batch_size histogram
app_batch_size_bucket{le="10"} 1
app_batch_size_bucket{le="100"} 2
app_batch_size_bucket{le="1e+06"} 3
app_batch_size_bucket{le="+Inf"} 3
app_batch_size_sum 555
app_batch_size_count 3
# HELP app_latency_seconds Time to answer.
# TYPE app_latency_seconds histogram
app_latency_seconds_bucket{method="GET",le="0.005"} 2
app_latency_seconds_bucket{method="GET",le="1"} 3
app_latency_seconds_bucket{method="GET",le="2.5"} 3
app_latency_seconds_bucket{method="GET",le="+Inf"} 4
app_latency_seconds_sum{method="GET"} 4.006
app_latency_seconds_count{method="GET"} 4
app_latency_seconds_bucket{method="POST",le="0.005"} 0
app_latency_seconds_bucket{method="POST",le="1"} 0
app_latency_seconds_bucket{method="POST",le="2.5"} 1
app_latency_seconds_bucket{method="POST",le="+Inf"} 1
app_latency_seconds_sum{method="POST"} 2
app_latency_seconds_count{method="POST"} 1
# HELP app_requests_total Requests handled.
# TYPE app_requests_total counter
app_requests_total{code="200",path="/a"} 2.5
app_requests_total{code="200",path="/b"} 3
app_requests_total{code="500",path="/a"} 1
# HELP app_temperature_celsius Temperature.
# TYPE app_temperature_celsius gauge
app_temperature_celsius -1.5
`

func TestWriteExactText(t *testing.T) {
	r := exampleRegistry()
	if diff := cmp.Diff(exampleText, text(t, r)); diff != "" {
		t.Errorf("Write output (-want +got):\n%s", diff)
	}
	// A second scrape changes nothing.
	if diff := cmp.Diff(exampleText, text(t, r)); diff != "" {
		t.Errorf("second Write output (-want +got):\n%s", diff)
	}
}

func TestText(t *testing.T) {
	r := exampleRegistry()
	r.MustRegister(NewRuntime())
	got := r.Text("app_temperature_celsius", "app_requests_total", "no_such_metric")
	want := exampleText[strings.Index(exampleText, "# HELP app_requests_total"):]
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Text (-want +got):\n%s", diff)
	}
	if got := r.Text(); got != "" {
		t.Errorf("Text() = %q, want nothing", got)
	}
	// One of the several families Runtime writes, and only that one.
	got = r.Text("go_goroutines")
	if !strings.HasPrefix(got, "# HELP go_goroutines ") || strings.Count(got, "# HELP ") != 1 {
		t.Errorf("Text(go_goroutines) =\n%s", got)
	}
}

func TestEscaping(t *testing.T) {
	value := `C:\dir "quoted"` + "\nsecond line"
	help := `a \ backslash` + "\nand a newline"
	c := NewCounterVec(Opts{Name: "esc_total", Help: help}, []string{"v"})
	c.WithLabelValues(value).Inc()
	h := NewHistogramVec(Opts{Name: "esc_seconds", Help: help}, []float64{1}, []string{"v"})
	h.WithLabelValues(value).Observe(0.5)
	g := NewGaugeFunc(Opts{Name: "esc_gauge", Help: help}, func() float64 { return 7 })
	r := NewRegistry()
	r.MustRegister(c, h, g)

	const want = `# HELP esc_gauge a \\ backslash\nand a newline
# TYPE esc_gauge gauge
esc_gauge 7
# HELP esc_seconds a \\ backslash\nand a newline
# TYPE esc_seconds histogram
esc_seconds_bucket{v="C:\\dir \"quoted\"\nsecond line",le="1"} 1
esc_seconds_bucket{v="C:\\dir \"quoted\"\nsecond line",le="+Inf"} 1
esc_seconds_sum{v="C:\\dir \"quoted\"\nsecond line"} 0.5
esc_seconds_count{v="C:\\dir \"quoted\"\nsecond line"} 1
# HELP esc_total a \\ backslash\nand a newline
# TYPE esc_total counter
esc_total{v="C:\\dir \"quoted\"\nsecond line"} 1
`
	got := text(t, r)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Write output (-want +got):\n%s", diff)
	}

	// Prometheus's own parser gets the original strings back.
	fams := parse(t, got)
	for _, name := range []string{"esc_gauge", "esc_seconds", "esc_total"} {
		f := fams[name]
		if f == nil {
			t.Errorf("%s missing after parsing", name)
			continue
		}
		if f.GetHelp() != help {
			t.Errorf("%s help parsed as %q, want %q", name, f.GetHelp(), help)
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "v" && l.GetValue() != value {
					t.Errorf("%s label parsed as %q, want %q", name, l.GetValue(), value)
				}
			}
		}
	}
}

// sample is a parsed series, for comparing with cmp.
type sample struct {
	Labels  string
	Value   float64
	Count   uint64
	Buckets []bucket
}

type bucket struct {
	LE    float64
	Count uint64
}

func samples(f *dto.MetricFamily) []sample {
	var out []sample
	for _, m := range f.GetMetric() {
		var ls []string
		for _, l := range m.GetLabel() {
			ls = append(ls, l.GetName()+"="+l.GetValue())
		}
		s := sample{Labels: strings.Join(ls, ",")}
		switch f.GetType() {
		case dto.MetricType_COUNTER:
			s.Value = m.GetCounter().GetValue()
		case dto.MetricType_GAUGE:
			s.Value = m.GetGauge().GetValue()
		case dto.MetricType_UNTYPED:
			s.Value = m.GetUntyped().GetValue()
		case dto.MetricType_HISTOGRAM:
			h := m.GetHistogram()
			s.Value, s.Count = h.GetSampleSum(), h.GetSampleCount()
			for _, b := range h.GetBucket() {
				s.Buckets = append(s.Buckets, bucket{b.GetUpperBound(), b.GetCumulativeCount()})
			}
		}
		out = append(out, s)
	}
	return out
}

func TestParsesWithRuntime(t *testing.T) {
	r := exampleRegistry()
	rt := NewRuntime()
	// marketbot_* sorts between Runtime's go_* and process_* families.
	queue := NewGaugeFunc(Opts{Name: "marketbot_queue_depth", Help: "Questions waiting."}, func() float64 { return 4 })
	r.MustRegister(rt, queue)
	out := text(t, r)
	fams := parse(t, out)

	// Families come sorted by name, each once, Runtime's included.
	var order []string
	for _, line := range strings.Split(out, "\n") {
		if name, ok := strings.CutPrefix(line, "# TYPE "); ok {
			order = append(order, strings.Fields(name)[0])
		}
	}
	if !sort.StringsAreSorted(order) || len(slices.Compact(slices.Clone(order))) != len(order) {
		t.Errorf("families not sorted and unique: %v", order)
	}

	wantTypes := map[string]dto.MetricType{
		"app_batch_size":               dto.MetricType_HISTOGRAM,
		"app_latency_seconds":          dto.MetricType_HISTOGRAM,
		"app_requests_total":           dto.MetricType_COUNTER,
		"app_temperature_celsius":      dto.MetricType_GAUGE,
		"go_gc_cycles_total":           dto.MetricType_COUNTER,
		"go_goroutines":                dto.MetricType_GAUGE,
		"go_info":                      dto.MetricType_GAUGE,
		"go_memstats_heap_alloc_bytes": dto.MetricType_GAUGE,
		"go_memstats_sys_bytes":        dto.MetricType_GAUGE,
		"go_threads":                   dto.MetricType_GAUGE,
		"marketbot_queue_depth":        dto.MetricType_GAUGE,
	}
	linux := runtime.GOOS == "linux"
	if linux {
		wantTypes["process_cpu_seconds_total"] = dto.MetricType_COUNTER
		wantTypes["process_open_fds"] = dto.MetricType_GAUGE
		wantTypes["process_resident_memory_bytes"] = dto.MetricType_GAUGE
		wantTypes["process_start_time_seconds"] = dto.MetricType_GAUGE
		wantTypes["process_virtual_memory_bytes"] = dto.MetricType_GAUGE
		if _, ok := fams["process_max_fds"]; ok { // absent when unlimited
			wantTypes["process_max_fds"] = dto.MetricType_GAUGE
		}
	}
	gotTypes := map[string]dto.MetricType{}
	for name, f := range fams {
		gotTypes[name] = f.GetType()
		if f.GetHelp() == "" {
			t.Errorf("%s has no help", name)
		}
	}
	if diff := cmp.Diff(wantTypes, gotTypes); diff != "" {
		t.Errorf("families and types (-want +got):\n%s", diff)
	}
	// Every family Write produced is one of Runtime's registered names or ours.
	for name := range gotTypes {
		if !strings.HasPrefix(name, "app_") && name != "marketbot_queue_depth" && !slices.Contains(rt.names(), name) {
			t.Errorf("%s written but not among Runtime's names", name)
		}
	}

	wantSamples := map[string][]sample{
		"app_batch_size": {{Value: 555, Count: 3, Buckets: []bucket{{10, 1}, {100, 2}, {1e6, 3}, {math.Inf(1), 3}}}},
		"app_latency_seconds": {
			{Labels: "method=GET", Value: 4.006, Count: 4, Buckets: []bucket{{.005, 2}, {1, 3}, {2.5, 3}, {math.Inf(1), 4}}},
			{Labels: "method=POST", Value: 2, Count: 1, Buckets: []bucket{{.005, 0}, {1, 0}, {2.5, 1}, {math.Inf(1), 1}}},
		},
		"app_requests_total": {
			{Labels: "code=200,path=/a", Value: 2.5},
			{Labels: "code=200,path=/b", Value: 3},
			{Labels: "code=500,path=/a", Value: 1},
		},
		"app_temperature_celsius": {{Value: -1.5}},
		"marketbot_queue_depth":   {{Value: 4}},
		"go_info":                 {{Labels: "version=" + runtime.Version(), Value: 1}},
	}
	for name, want := range wantSamples {
		if diff := cmp.Diff(want, samples(fams[name])); diff != "" {
			t.Errorf("%s samples (-want +got):\n%s", name, diff)
		}
	}

	one := func(name string) float64 {
		t.Helper()
		s := samples(fams[name])
		if len(s) != 1 || s[0].Labels != "" {
			t.Fatalf("%s: want one unlabelled sample, got %+v", name, s)
		}
		return s[0].Value
	}
	if v := one("go_goroutines"); v < 1 {
		t.Errorf("go_goroutines = %v, want ≥ 1", v)
	}
	if v := one("go_threads"); v < 1 {
		t.Errorf("go_threads = %v, want ≥ 1", v)
	}
	if v := one("go_memstats_heap_alloc_bytes"); v <= 0 {
		t.Errorf("go_memstats_heap_alloc_bytes = %v, want > 0", v)
	}
	if heap, sys := one("go_memstats_heap_alloc_bytes"), one("go_memstats_sys_bytes"); sys < heap {
		t.Errorf("go_memstats_sys_bytes = %v < go_memstats_heap_alloc_bytes = %v", sys, heap)
	}
	if v := one("go_gc_cycles_total"); v < 0 {
		t.Errorf("go_gc_cycles_total = %v", v)
	}
	if !linux {
		return
	}
	if v := one("process_resident_memory_bytes"); v <= 0 {
		t.Errorf("process_resident_memory_bytes = %v, want > 0", v)
	}
	if rss, vsize := one("process_resident_memory_bytes"), one("process_virtual_memory_bytes"); vsize < rss {
		t.Errorf("process_virtual_memory_bytes = %v < process_resident_memory_bytes = %v", vsize, rss)
	}
	if v := one("process_open_fds"); v <= 0 {
		t.Errorf("process_open_fds = %v, want > 0", v)
	}
	if _, ok := fams["process_max_fds"]; ok {
		if open, max := one("process_open_fds"), one("process_max_fds"); max < open {
			t.Errorf("process_max_fds = %v < process_open_fds = %v", max, open)
		}
	}
	if v := one("process_cpu_seconds_total"); v < 0 {
		t.Errorf("process_cpu_seconds_total = %v", v)
	}
	now := float64(time.Now().Unix())
	if v := one("process_start_time_seconds"); v <= 0 || v > now {
		t.Errorf("process_start_time_seconds = %v, now is %v", v, now)
	}
}

func TestMustRegisterDuplicate(t *testing.T) {
	counter := func(name string) *CounterVec { return NewCounterVec(Opts{Name: name, Help: "h"}, nil) }
	gauge := func(name string) *GaugeFunc {
		return NewGaugeFunc(Opts{Name: name, Help: "h"}, func() float64 { return 0 })
	}

	r := NewRegistry()
	r.MustRegister(counter("a_total"), NewRuntime())
	mustPanic(t, "same counter name", "a_total", func() { r.MustRegister(counter("a_total")) })
	mustPanic(t, "a gauge under a counter's name", "a_total", func() { r.MustRegister(gauge("a_total")) })
	mustPanic(t, "a histogram under a counter's name", "a_total", func() {
		r.MustRegister(NewHistogramVec(Opts{Name: "a_total"}, []float64{1}, nil))
	})
	mustPanic(t, "Runtime twice", "registered twice", func() { r.MustRegister(NewRuntime()) })
	for _, name := range []string{"go_goroutines", "go_info", "go_gc_cycles_total", "process_open_fds", "process_start_time_seconds"} {
		mustPanic(t, "one of Runtime's names: "+name, name, func() { r.MustRegister(gauge(name)) })
	}
	// Twice in one call.
	mustPanic(t, "twice in one call", "b_total", func() { NewRegistry().MustRegister(counter("b_total"), counter("b_total")) })
	// Runtime after a metric that takes one of its names.
	mustPanic(t, "Runtime after go_threads", "go_threads", func() { NewRegistry().MustRegister(gauge("go_threads"), NewRuntime()) })

	// Distinct names do not panic.
	r.MustRegister(counter("b_total"), gauge("go_something_else"))
}

func TestConcurrentUpdatesAndScrapes(t *testing.T) {
	const (
		workers = 16
		rounds  = 2000
		labels  = 4
	)
	counts := NewCounterVec(Opts{Name: "c_total", Help: "h"}, []string{"worker"})
	halves := NewCounterVec(Opts{Name: "halves_total", Help: "h"}, nil)
	hist := NewHistogramVec(Opts{Name: "h_seconds", Help: "h"}, []float64{1, 2}, []string{"worker"})
	r := NewRegistry()
	r.MustRegister(counts, halves, hist, NewRuntime())

	stop := make(chan struct{})
	var scrapes sync.WaitGroup
	scrapes.Add(2)
	go func() { // scrapes while the counts change
		defer scrapes.Done()
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			var b bytes.Buffer
			if err := r.Write(&b); err != nil {
				t.Errorf("Write: %v", err)
				return
			}
			if n%10 == 0 { // parse, without t.Fatal off the test's goroutine
				p := expfmt.NewTextParser(model.LegacyValidation)
				if _, err := p.TextToMetricFamilies(&b); err != nil {
					t.Errorf("scrape %d does not parse: %v", n, err)
					return
				}
			}
		}
	}()
	go func() { // registers more and reads parts while the counts change
		defer scrapes.Done()
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			r.MustRegister(NewGaugeFunc(Opts{Name: fmt.Sprintf("g%d", n), Help: "h"}, func() float64 { return 1 }))
			r.Text("c_total", "h_seconds")
			time.Sleep(100 * time.Microsecond)
		}
	}()

	var work sync.WaitGroup
	for w := range workers {
		work.Go(func() {
			label := fmt.Sprint(w % labels)
			for i := range rounds {
				counts.WithLabelValues(label).Inc()
				halves.WithLabelValues().Add(0.5)
				hist.WithLabelValues(label).Observe(float64(i % 3)) // 0, 1, 2
			}
		})
	}
	work.Wait()
	close(stop)
	scrapes.Wait()

	fams := parse(t, r.Text("c_total", "halves_total", "h_seconds"))
	perLabel := float64(workers / labels * rounds)
	var wantCounts, wantHist []sample
	for l := range labels {
		wantCounts = append(wantCounts, sample{Labels: fmt.Sprintf("worker=%d", l), Value: perLabel})
		// i%3 over rounds: zeros, ones and twos.
		var n [3]uint64
		for i := range rounds {
			n[i%3] += workers / labels
		}
		wantHist = append(wantHist, sample{
			Labels:  fmt.Sprintf("worker=%d", l),
			Value:   float64(n[1] + 2*n[2]),
			Count:   n[0] + n[1] + n[2],
			Buckets: []bucket{{1, n[0] + n[1]}, {2, n[0] + n[1] + n[2]}, {math.Inf(1), n[0] + n[1] + n[2]}},
		})
	}
	if diff := cmp.Diff(wantCounts, samples(fams["c_total"])); diff != "" {
		t.Errorf("c_total (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]sample{{Value: workers * rounds * 0.5}}, samples(fams["halves_total"])); diff != "" {
		t.Errorf("halves_total (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantHist, samples(fams["h_seconds"])); diff != "" {
		t.Errorf("h_seconds (-want +got):\n%s", diff)
	}
	if got, want := counts.WithLabelValues("0").Value(), perLabel; got != want {
		t.Errorf("Value() = %v, want %v", got, want)
	}
}

func TestHandler(t *testing.T) {
	r := exampleRegistry()
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("status %d, want 200", rec.Code)
	}
	if got, want := rec.Header().Get("Content-Type"), "text/plain; version=0.0.4; charset=utf-8"; got != want {
		t.Errorf("Content-Type %q, want %q", got, want)
	}
	if diff := cmp.Diff(text(t, r), rec.Body.String()); diff != "" {
		t.Errorf("body (-Write +served):\n%s", diff)
	}
	if diff := cmp.Diff(exampleText, rec.Body.String()); diff != "" {
		t.Errorf("body (-want +served):\n%s", diff)
	}
}

func TestMisusePanics(t *testing.T) {
	c := NewCounterVec(Opts{Name: "c_total", Help: "h"}, []string{"a", "b"})
	mustPanic(t, "counter, too few label values", "takes 2 label values, got 1", func() { c.WithLabelValues("x") })
	mustPanic(t, "counter, too many label values", "takes 2 label values, got 3", func() { c.WithLabelValues("x", "y", "z") })
	mustPanic(t, "counter, none", "takes 2 label values, got 0", func() { c.WithLabelValues() })
	h := NewHistogramVec(Opts{Name: "h_seconds", Help: "h"}, []float64{1}, []string{"a"})
	mustPanic(t, "histogram, too many label values", "takes 1 label values, got 2", func() { h.WithLabelValues("x", "y") })
	mustPanic(t, "histogram, none", "takes 1 label values, got 0", func() { h.WithLabelValues() })
	plain := NewHistogramVec(Opts{Name: "p_seconds", Help: "h"}, []float64{1}, nil)
	mustPanic(t, "label-less histogram, one value", "takes 0 label values, got 1", func() { plain.WithLabelValues("x") })

	one := c.WithLabelValues("x", "y")
	one.Add(2)
	mustPanic(t, "negative Add", "cannot go down", func() { one.Add(-1) })
	mustPanic(t, "tiny negative Add", "cannot go down", func() { one.Add(-math.SmallestNonzeroFloat64) })
	mustPanic(t, "-Inf Add", "cannot go down", func() { one.Add(math.Inf(-1)) })
	one.Add(0)
	if got := one.Value(); got != 2 {
		t.Errorf("after a refused Add the counter is %v, want 2", got)
	}
	// A misused vector still writes the series it has, and nothing else.
	r := NewRegistry()
	r.MustRegister(c, h)
	want := `# HELP c_total h
# TYPE c_total counter
c_total{a="x",b="y"} 2
# HELP h_seconds h
# TYPE h_seconds histogram
`
	if diff := cmp.Diff(want, text(t, r)); diff != "" {
		t.Errorf("Write output (-want +got):\n%s", diff)
	}
}

func TestHistogramBounds(t *testing.T) {
	// Bounds given out of order, repeated, and with +Inf, which is always
	// the last bucket anyway: each le appears once, in order.
	h := NewHistogramVec(Opts{Name: "b_seconds", Help: "h"}, []float64{2, math.Inf(1), 0.5, 2}, nil)
	for _, v := range []float64{0.1, 0.5, 1, 2, 9} {
		h.WithLabelValues().Observe(v)
	}
	r := NewRegistry()
	r.MustRegister(h)
	const want = `# HELP b_seconds h
# TYPE b_seconds histogram
b_seconds_bucket{le="0.5"} 2
b_seconds_bucket{le="2"} 4
b_seconds_bucket{le="+Inf"} 5
b_seconds_sum 12.6
b_seconds_count 5
`
	got := text(t, r)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Write output (-want +got):\n%s", diff)
	}
	parse(t, got)

	// No bounds: the +Inf bucket alone.
	h = NewHistogramVec(Opts{Name: "n_seconds", Help: "h"}, nil, nil)
	h.WithLabelValues().Observe(3)
	r = NewRegistry()
	r.MustRegister(h)
	const wantNone = `# HELP n_seconds h
# TYPE n_seconds histogram
n_seconds_bucket{le="+Inf"} 1
n_seconds_sum 3
n_seconds_count 1
`
	if diff := cmp.Diff(wantNone, text(t, r)); diff != "" {
		t.Errorf("Write output (-want +got):\n%s", diff)
	}
}

func TestNumber(t *testing.T) {
	for _, c := range []struct {
		in   float64
		want string
	}{
		{0, "0"}, {1, "1"}, {-1.5, "-1.5"}, {0.005, "0.005"}, {2.5, "2.5"}, {1e6, "1e+06"}, {123456, "123456"},
		{1e-5, "1e-05"}, {math.Inf(1), "+Inf"}, {math.Inf(-1), "-Inf"}, {math.NaN(), "NaN"},
	} {
		if got := number(c.in); got != c.want {
			t.Errorf("number(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func BenchmarkCounterInc(b *testing.B) {
	c := NewCounterVec(Opts{Name: "c_total", Help: "h"}, []string{"a"}).WithLabelValues("x")
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Inc()
		}
	})
}

// BenchmarkCounterVecInc is how callers mostly count: looking the series
// up by label values each time.
func BenchmarkCounterVecInc(b *testing.B) {
	v := NewCounterVec(Opts{Name: "c_total", Help: "h"}, []string{"platform", "outcome"})
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			v.WithLabelValues("slack", "received").Inc()
		}
	})
}

func BenchmarkHistogramObserve(b *testing.B) {
	h := NewHistogramVec(Opts{Name: "h_seconds", Help: "h"}, []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5}, nil).WithLabelValues()
	b.RunParallel(func(pb *testing.PB) {
		v := 0.0
		for pb.Next() {
			h.Observe(v)
			v += 0.01
			if v > 3 {
				v = 0
			}
		}
	})
}

func BenchmarkWrite(b *testing.B) {
	r := exampleRegistry()
	r.MustRegister(NewRuntime())
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := r.Write(&buf); err != nil {
			b.Fatal(err)
		}
	}
}
