package prom

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"
)

// Runtime is the Go runtime's and the process's usual metrics, under the
// names client_golang gives them: go_goroutines, go_threads,
// go_memstats_heap_alloc_bytes, go_memstats_sys_bytes, go_gc_cycles_total,
// go_info, and, on Linux, process_cpu_seconds_total,
// process_resident_memory_bytes, process_virtual_memory_bytes,
// process_open_fds, process_max_fds and process_start_time_seconds.
type Runtime struct{ start time.Time }

// NewRuntime returns the runtime and process metrics.
func NewRuntime() *Runtime { return &Runtime{start: time.Now()} }

func (*Runtime) names() []string {
	return []string{"go_goroutines", "go_threads", "go_memstats_heap_alloc_bytes", "go_memstats_sys_bytes", "go_gc_cycles_total", "go_info",
		"process_cpu_seconds_total", "process_resident_memory_bytes", "process_virtual_memory_bytes", "process_open_fds", "process_max_fds", "process_start_time_seconds"}
}

// runtimeSamples are read from runtime/metrics, which does not stop the
// world.
var runtimeSamples = []string{"/sched/goroutines:goroutines", "/memory/classes/heap/objects:bytes", "/memory/classes/total:bytes", "/gc/cycles/total:gc-cycles"}

func (r *Runtime) write(w *bufio.Writer) {
	s := make([]metrics.Sample, len(runtimeSamples))
	for i, name := range runtimeSamples {
		s[i].Name = name
	}
	metrics.Read(s)
	value := func(i int) float64 {
		switch s[i].Value.Kind() {
		case metrics.KindUint64:
			return float64(s[i].Value.Uint64())
		case metrics.KindFloat64:
			return s[i].Value.Float64()
		}
		return math.NaN()
	}
	threads, _ := runtime.ThreadCreateProfile(nil)
	one := func(name, kind, help string, v float64) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n%s %s\n", name, help, name, kind, name, number(v))
	}
	one("go_gc_cycles_total", "counter", "Completed GC cycles.", value(3))
	one("go_goroutines", "gauge", "Number of goroutines that currently exist.", value(0))
	fmt.Fprintf(w, "# HELP go_info Information about the Go environment.\n# TYPE go_info gauge\ngo_info{version=%q} 1\n", runtime.Version())
	one("go_memstats_heap_alloc_bytes", "gauge", "Bytes of allocated heap objects.", value(1))
	one("go_memstats_sys_bytes", "gauge", "Bytes of memory obtained from the OS.", value(2))
	one("go_threads", "gauge", "Number of OS threads created.", float64(threads))
	p, ok := readProc()
	if !ok {
		return
	}
	one("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", p.cpu)
	if p.maxFDs > 0 {
		one("process_max_fds", "gauge", "Maximum number of open file descriptors.", p.maxFDs)
	}
	one("process_open_fds", "gauge", "Number of open file descriptors.", p.openFDs)
	one("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", p.rss)
	one("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.", float64(r.start.Unix()))
	one("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", p.vsize)
}

type procStats struct{ cpu, rss, vsize, openFDs, maxFDs float64 }

// readProc reads the process's figures from /proc (Linux); ok is false
// elsewhere.
func readProc() (p procStats, ok bool) {
	stat, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return p, false
	}
	// The command name, in parentheses, may hold spaces: fields count
	// from the last ')'.
	i := strings.LastIndexByte(string(stat), ')')
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 22 {
		return p, false
	}
	num := func(k int) float64 { v, _ := strconv.ParseFloat(f[k], 64); return v }
	const ticks = 100                   // USER_HZ, 100 on every Linux Go supports
	p.cpu = (num(11) + num(12)) / ticks // utime, stime: fields 14, 15
	p.vsize = num(20)                   // field 23
	p.rss = num(21) * float64(os.Getpagesize())
	if fds, err := os.ReadDir("/proc/self/fd"); err == nil {
		p.openFDs = float64(len(fds))
	}
	if limits, err := os.ReadFile("/proc/self/limits"); err == nil {
		for _, line := range strings.Split(string(limits), "\n") {
			if strings.HasPrefix(line, "Max open files") {
				if v := strings.Fields(line[len("Max open files"):]); len(v) > 0 {
					p.maxFDs, _ = strconv.ParseFloat(v[0], 64)
				}
			}
		}
	}
	return p, true
}
