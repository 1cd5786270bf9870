package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The ack load: this many distinct Slack events, every second one
// delivered again, from this many clients at a time.
const (
	ackEvents  = 600
	ackClients = 50
)

// BenchmarkAckLatency measures how fast serve acknowledges Slack events
// against the floor, a bare net/http server that reads the body and
// answers 200, under the same load in the same run: 600 signed events,
// 300 of them delivered twice, from 50 clients at once, each delivery on
// its own connection. It reports both servers' p50 and p99 and the ratio
// of the p99s, and checks what must hold while being fast: every event
// answered exactly once, and deliveries repeated after a restart still
// ignored. Run it with -benchtime=1x (one run is 900 deliveries).
func BenchmarkAckLatency(b *testing.B) {
	for range b.N {
		floor, served := ackRun(b)
		b.ReportMetric(ms(pct(floor, 50)), "floor-p50-ms")
		b.ReportMetric(ms(pct(floor, 99)), "floor-p99-ms")
		b.ReportMetric(ms(pct(served, 50)), "serve-p50-ms")
		b.ReportMetric(ms(pct(served, 99)), "serve-p99-ms")
		b.ReportMetric(float64(pct(served, 99))/float64(pct(floor, 99)), "p99-ratio")
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// pct is the p-th percentile of ds.
func pct(ds []time.Duration, p int) time.Duration {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return ds[(len(ds)*p+99)/100-1]
}

// ackRun sends the load to the floor, then to serve, and returns the ack
// latencies of each.
func ackRun(b *testing.B) (floor, served []time.Duration) {
	b.Helper()
	const secret = "ack-signing-secret"
	rec := &loadRecorder{}
	llm := newLoadLLM(nil)
	defer llm.srv.Close()
	slack := httptest.NewServer(rec.slackAPI())
	defer slack.Close()
	env := map[string]string{"MARKETBOT_DATA_DIR": b.TempDir(), "MARKETBOT_ADDR": "127.0.0.1:0", "MARKETBOT_QUEUE": "1000",
		"OPENAI_BASE_URL": llm.srv.URL + "/v1", "OPENAI_API_KEY": "sk-load", "MARKETBOT_CHAT_MODEL": "load-model",
		"SLACK_BOT_TOKEN": "xoxb-load", "SLACK_SIGNING_SECRET": secret, "SLACK_API_URL": slack.URL + "/api"}
	addr, stderr, stop := startServe(b, env)

	// The floor, in the same process, while serve waits.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	bare := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	})}
	go bare.Serve(ln)
	reqs := ackDeliveries(ln.Addr().String(), secret)
	runtime.GC()
	floor = sendAcks(b, reqs)
	bare.Close()

	reqs = ackDeliveries(addr, secret)
	runtime.GC()
	b.ResetTimer()
	served = sendAcks(b, reqs)
	b.StopTimer()
	ignored := func() int { return strings.Count(stderr.String(), "repeated delivery ignored") }
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline) && (rec.finals() < ackEvents || ignored() < ackEvents/2); {
		time.Sleep(50 * time.Millisecond)
	}
	if n := rec.finals(); n != ackEvents {
		b.Errorf("%d final answers, want one for each of the %d events", n, ackEvents)
	}
	if n := ignored(); n != ackEvents/2 {
		b.Errorf("%d deliveries ignored as repeated, want %d", n, ackEvents/2)
	}
	stop()

	// After a restart, deliveries of events already answered are still
	// acknowledged and ignored.
	addr, stderr, stop = startServe(b, env)
	before := len(rec.calls)
	again := ackDeliveries(addr, secret)[:ackClients]
	sendAcks(b, again)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && ignored() < len(again); {
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	if n := ignored(); n != len(again) {
		b.Errorf("after a restart %d of %d repeated deliveries ignored", n, len(again))
	}
	rec.mu.Lock()
	if n := len(rec.calls) - before; n != 0 {
		b.Errorf("after a restart, repeated deliveries made %d calls to Slack", n)
	}
	rec.mu.Unlock()
	return floor, served
}

// ackDeliveries are the signed deliveries of the load, in the order sent:
// each event, and every second one again 50 places later (Slack's retry).
func ackDeliveries(addr, secret string) []*loadRequest {
	var out []*loadRequest
	for i := range ackEvents {
		out = append(out, slackLoadRequest(addr, secret, i, false))
		if j := i - ackClients; j >= 0 && j%2 == 0 {
			out = append(out, slackLoadRequest(addr, secret, j, true))
		}
	}
	for j := max(ackEvents-ackClients, 0); j < ackEvents; j++ {
		if j%2 == 0 {
			out = append(out, slackLoadRequest(addr, secret, j, true))
		}
	}
	return out
}

// sendAcks sends the deliveries from ackClients clients at once, each
// delivery on a new connection, and returns the time each took to be
// acknowledged; any that is not a 200 fails the benchmark.
func sendAcks(b *testing.B, reqs []*loadRequest) []time.Duration {
	b.Helper()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	next := make(chan *loadRequest)
	var wg sync.WaitGroup
	for range ackClients {
		wg.Go(func() {
			for r := range next {
				r.sentAt = time.Now()
				resp, err := client.Do(r.req)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					r.status = resp.StatusCode
				}
				r.latency, r.err = time.Since(r.sentAt), err
			}
		})
	}
	for _, r := range reqs {
		next <- r
	}
	close(next)
	wg.Wait()
	out := make([]time.Duration, len(reqs))
	for i, r := range reqs {
		if r.err != nil || r.status != http.StatusOK {
			b.Fatalf("delivery %d: status %d, %v", i, r.status, r.err)
		}
		out[i] = r.latency
	}
	return out
}
