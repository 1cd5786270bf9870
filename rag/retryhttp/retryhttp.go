// Package retryhttp provides an http.RoundTripper that retries requests
// answered with 429 or a 5xx status, or lost to a network error, with
// exponential backoff and jitter, honouring Retry-After.
//
// Responses are retried only before their body is read, so a streamed
// answer is never replayed once the caller has seen any of it.
package retryhttp

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// Transport retries failed round trips of its Base transport.
type Transport struct {
	Base          http.RoundTripper // default http.DefaultTransport
	MaxRetries    int               // retries after the first attempt; default 3, negative for none
	MinBackoff    time.Duration     // first backoff; default 500ms
	MaxBackoff    time.Duration     // backoff cap; default 10s
	MaxRetryAfter time.Duration     // longer Retry-After answers are not waited for; default 30s
}

func (t *Transport) base() http.RoundTripper {
	if t.Base != nil {
		return t.Base
	}
	return http.DefaultTransport
}

// RoundTrip sends req, retrying as the package doc says. A request whose
// body cannot be replayed (no GetBody) is sent once.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	retries := t.MaxRetries
	switch {
	case retries == 0:
		retries = 3
	case retries < 0:
		retries = 0
	}
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		retries = 0
	}
	for attempt := 0; ; attempt++ {
		if attempt > 0 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req = req.Clone(req.Context())
			req.Body = body
		}
		resp, err := t.base().RoundTrip(req)
		wait, retry := t.shouldRetry(req.Context(), resp, err, attempt)
		if !retry || attempt >= retries {
			return resp, err
		}
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		}
		timer := time.NewTimer(wait)
		select {
		case <-req.Context().Done():
			timer.Stop()
			return nil, req.Context().Err()
		case <-timer.C:
		}
	}
}

// shouldRetry decides whether an outcome is worth another attempt, and
// after how long.
func (t *Transport) shouldRetry(ctx context.Context, resp *http.Response, err error, attempt int) (time.Duration, bool) {
	if ctx.Err() != nil {
		return 0, false
	}
	if err != nil {
		return t.backoff(attempt), !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
	default:
		return 0, false
	}
	if ra, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		limit := t.MaxRetryAfter
		if limit <= 0 {
			limit = 30 * time.Second
		}
		return ra, ra <= limit
	}
	return t.backoff(attempt), true
}

// backoff is exponential with full jitter: a random wait up to
// MinBackoff·2^attempt, capped at MaxBackoff.
func (t *Transport) backoff(attempt int) time.Duration {
	lo, hi := t.MinBackoff, t.MaxBackoff
	if lo <= 0 {
		lo = 500 * time.Millisecond
	}
	if hi <= 0 {
		hi = 10 * time.Second
	}
	d := min(lo<<min(attempt, 20), hi)
	return d/2 + rand.N(d/2+1)
}

// retryAfter reads a Retry-After header: delay-seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
