package bot

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// RefusedError is a chat platform refusing the app's credentials (Slack's
// invalid_auth, Feishu's app secret invalid…): retrying cannot help.
type RefusedError struct{ Err error }

func (e *RefusedError) Error() string { return e.Err.Error() }

// Unwrap returns the platform's error.
func (e *RefusedError) Unwrap() error { return e.Err }

// IsRefused reports whether err is, or wraps, a RefusedError.
func IsRefused(err error) bool {
	var r *RefusedError
	return errors.As(err, &r)
}

// Link keeps one chat platform connected. A platform that cannot be
// reached (connection refused, timeout, DNS, 5xx) is retried with capped
// exponential backoff while everything else runs; credentials the
// platform refuses end Run at once.
type Link struct {
	Name string
	// Connect checks the app's credentials with the platform (Slack's
	// auth.test, Feishu's bot info); a *RefusedError when refused.
	Connect func(ctx context.Context) error
	// Receive, when set, receives events until ctx ends (Socket Mode, the
	// long connection), returning nil then; it retries what it can itself.
	Receive func(ctx context.Context) error
	// Receiving reports whether events can arrive now (default: yes once
	// connected).
	Receiving func() bool
	Logger    *slog.Logger
	// MinBackoff and MaxBackoff bound the waits between attempts; default
	// 1 s and 1 min.
	MinBackoff, MaxBackoff time.Duration

	mu        sync.Mutex
	connected bool
	problem   error // why it is not connected, "" before the first attempt
}

// Check connects once and records the outcome.
func (l *Link) Check(ctx context.Context) error {
	err := l.Connect(ctx)
	l.set(err)
	return err
}

func (l *Link) isConnected() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.connected
}

// Run connects (unless Check just did), then receives, until ctx ends
// (nil) or the platform refuses the credentials (that error). It logs
// once per change of state.
func (l *Link) Run(ctx context.Context) error {
	lo, hi := l.MinBackoff, l.MaxBackoff
	if lo <= 0 {
		lo = time.Second
	}
	if hi < lo {
		hi = max(lo, time.Minute)
	}
	for wait := lo; ; wait = min(2*wait, hi) {
		var err error
		if !l.isConnected() {
			err = l.Check(ctx)
		}
		if err == nil {
			if l.Receive == nil {
				return nil
			}
			start := time.Now()
			err = l.Receive(ctx)
			if time.Since(start) > hi {
				wait = lo // a connection that lasted starts the backoff afresh
			}
		}
		if ctx.Err() != nil {
			return nil
		}
		if err == nil {
			err = errors.New("the connection ended")
		}
		l.set(err)
		if IsRefused(err) {
			return err
		}
		// Full jitter, so that replicas do not retry in step.
		d := wait/2 + rand.N(wait/2+1)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(d):
		}
	}
}

// set records the state, logging when it changes.
func (l *Link) set(problem error) {
	log := l.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	kind := func(connected bool, problem error) int {
		switch {
		case connected:
			return 1
		case IsRefused(problem):
			return 2
		case problem != nil:
			return 3
		}
		return 0
	}
	if kind(problem == nil, problem) != kind(l.connected, l.problem) {
		switch {
		case problem == nil:
			log.Info(l.Name + ": connected")
		case IsRefused(problem):
			log.Error(l.Name+": credentials refused", "err", problem)
		default:
			log.Warn(l.Name+": cannot connect; retrying in the background", "err", problem)
		}
	}
	l.connected, l.problem = problem == nil, problem
}

// Ready reports whether the platform is connected and can receive events,
// and if not, why.
func (l *Link) Ready() (bool, string) {
	l.mu.Lock()
	connected, problem := l.connected, l.problem
	l.mu.Unlock()
	switch {
	case connected && (l.Receiving == nil || l.Receiving()):
		return true, ""
	case connected:
		return false, "not receiving events yet"
	case problem != nil:
		return false, problem.Error()
	}
	return false, "connecting"
}
