package retryhttp

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestRetriesThenSucceeds(t *testing.T) {
	var calls atomic.Int32
	var mu sync.Mutex
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		switch calls.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "1")
			http.Error(w, `{"error":{"message":"rate limited"}}`, http.StatusTooManyRequests)
		case 2:
			http.Error(w, "<html>bad gateway</html>", http.StatusBadGateway)
		default:
			io.WriteString(w, "ok")
		}
	}))
	defer srv.Close()
	client := &http.Client{Transport: &Transport{MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}}
	start := time.Now()
	resp, err := client.Post(srv.URL, "application/json", strings.NewReader(`{"q":1}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(body) != "ok" || calls.Load() != 3 {
		t.Fatalf("status %d body %q after %d calls", resp.StatusCode, body, calls.Load())
	}
	if elapsed := time.Since(start); elapsed < time.Second {
		t.Errorf("returned after %v: Retry-After: 1 was not honoured", elapsed)
	}
	mu.Lock()
	defer mu.Unlock()
	for i, b := range bodies {
		if b != `{"q":1}` {
			t.Errorf("attempt %d sent body %q: the body was not replayed", i+1, b)
		}
	}
}

func TestGivesUpAfterMaxRetries(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	client := &http.Client{Transport: &Transport{MaxRetries: 2, MinBackoff: time.Millisecond}}
	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || calls.Load() != 3 {
		t.Errorf("status %d after %d calls, want 503 after 3", resp.StatusCode, calls.Load())
	}
}

func TestDoesNotRetryClientErrorsOrLongRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		status     int
		retryAfter string
	}{{400, ""}, {401, ""}, {404, ""}, {429, "3600"}} {
		var calls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			if tc.retryAfter != "" {
				w.Header().Set("Retry-After", tc.retryAfter)
			}
			w.WriteHeader(tc.status)
		}))
		client := &http.Client{Transport: &Transport{MinBackoff: time.Millisecond}}
		resp, err := client.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if calls.Load() != 1 || resp.StatusCode != tc.status {
			t.Errorf("status %d (Retry-After %q): %d calls, got %d; want one call", tc.status, tc.retryAfter, calls.Load(), resp.StatusCode)
		}
		srv.Close()
	}
}

func TestRetriesConnectionErrors(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // connection refused from now on
	var tries atomic.Int32
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		tries.Add(1)
		return http.DefaultTransport.RoundTrip(r)
	})
	client := &http.Client{Transport: &Transport{Base: base, MaxRetries: 2, MinBackoff: time.Millisecond}}
	if _, err := client.Get(url); err == nil {
		t.Fatal("no error from a closed server")
	}
	if tries.Load() != 3 {
		t.Errorf("%d tries, want 3", tries.Load())
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2025, 1, 27, 12, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"5":                             5 * time.Second,
		"Mon, 27 Jan 2025 12:00:30 GMT": 30 * time.Second,
		"Mon, 27 Jan 2025 11:00:00 GMT": 0,
	} {
		if got, ok := retryAfter(v, now); !ok || got != want {
			t.Errorf("retryAfter(%q) = %v, %v; want %v", v, got, ok, want)
		}
	}
	if _, ok := retryAfter("soon", now); ok {
		t.Error("retryAfter accepted garbage")
	}
}
