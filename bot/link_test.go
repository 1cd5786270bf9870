package bot

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// syncBuffer is a log sink that tests may read while the link writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestLinkRetriesUntilReachableAndLogsOncePerChange(t *testing.T) {
	var calls atomic.Int32
	down := errors.New("dial tcp 127.0.0.1:1: connection refused")
	var logs syncBuffer
	l := &Link{Name: "slack", Logger: slog.New(slog.NewTextHandler(&logs, nil)), MinBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond,
		Connect: func(context.Context) error {
			if calls.Add(1) <= 5 {
				return down
			}
			return nil
		}}
	if ok, why := l.Ready(); ok || why != "connecting" {
		t.Errorf("before the first try: Ready = %v, %q", ok, why)
	}
	if err := l.Check(context.Background()); err != down {
		t.Fatalf("Check = %v", err)
	}
	if ok, why := l.Ready(); ok || !strings.Contains(why, "connection refused") {
		t.Errorf("unreachable: Ready = %v, %q; want the reason", ok, why)
	}
	if err := l.Run(context.Background()); err != nil {
		t.Fatalf("Run = %v", err)
	}
	if n := calls.Load(); n != 6 {
		t.Errorf("Connect called %d times, want 6 (5 failures, then success)", n)
	}
	if ok, _ := l.Ready(); !ok {
		t.Error("not ready once connected")
	}
	out := logs.String()
	if strings.Count(out, "cannot connect") != 1 || strings.Count(out, "slack: connected") != 1 {
		t.Errorf("want one line per change of state, got:\n%s", out)
	}
}

func TestLinkStopsAtRefusedCredentials(t *testing.T) {
	var calls atomic.Int32
	refused := &RefusedError{Err: errors.New("slack: check the bot token (auth.test): invalid_auth")}
	l := &Link{Name: "slack", MinBackoff: time.Millisecond, Connect: func(context.Context) error {
		if calls.Add(1) == 1 {
			return errors.New("timeout")
		}
		return refused
	}}
	err := l.Run(context.Background())
	if !IsRefused(err) || err.Error() != refused.Error() {
		t.Fatalf("Run = %v, want the refusal", err)
	}
	if calls.Load() != 2 {
		t.Errorf("Connect called %d times after a refusal, want 2", calls.Load())
	}
	if IsRefused(errors.New("invalid_auth")) || !IsRefused(errors.Join(errors.New("x"), refused)) {
		t.Error("IsRefused does not follow wrapping")
	}
}

func TestLinkReconnectsWhenReceivingEnds(t *testing.T) {
	var connects, receives atomic.Int32
	var receiving atomic.Bool
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l := &Link{Name: "feishu", MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond,
		Connect:   func(context.Context) error { connects.Add(1); return nil },
		Receiving: receiving.Load,
		Receive: func(ctx context.Context) error {
			if receives.Add(1) < 3 {
				return errors.New("feishu: long connection lost: EOF")
			}
			receiving.Store(true)
			<-ctx.Done()
			receiving.Store(false)
			return nil
		}}
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()
	deadline := time.Now().Add(5 * time.Second)
	for ok, _ := l.Ready(); !ok; ok, _ = l.Ready() {
		if time.Now().After(deadline) {
			t.Fatal("never ready")
		}
		time.Sleep(time.Millisecond)
	}
	if connects.Load() != 3 || receives.Load() != 3 {
		t.Errorf("connects %d, receives %d; want 3 each (a lost connection checks the credentials again)", connects.Load(), receives.Load())
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run after cancel = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop with its context")
	}
	if ok, why := l.Ready(); ok {
		t.Errorf("ready after the connection ended (%q)", why)
	}
}

func TestLinkWaitsForReceiving(t *testing.T) {
	l := &Link{Name: "slack", Connect: func(context.Context) error { return nil }, Receiving: func() bool { return false }}
	l.Check(context.Background())
	if ok, why := l.Ready(); ok || why != "not receiving events yet" {
		t.Errorf("Ready = %v, %q", ok, why)
	}
}
