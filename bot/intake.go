package bot

import (
	"context"
	"sync"
	"time"
)

// Intake runs the work that follows an acknowledgement (claiming the
// delivery, posting its placeholder, queueing the question) a few at a
// time, and gives way to the acknowledgements still to come: adapters
// note each delivery as it arrives, and that work waits while deliveries
// keep arriving, so that a burst is acknowledged about as fast as by a
// server that does nothing else. A burst longer than a second no longer
// holds anything back, so a steady flood cannot starve the answers. A nil
// *Intake runs the work at once.
type Intake struct {
	slots       chan struct{}
	gap         time.Duration // the pause between deliveries that ends a burst
	mu          sync.Mutex
	last, burst time.Time // the latest arrival, and the first of its burst
}

const (
	// arrivalGap is the pause between deliveries that ends a burst (a
	// test may widen an intake's: a loaded machine's scheduler leaves
	// gaps of milliseconds).
	arrivalGap = 5 * time.Millisecond
	// longestBurst is how long a burst may hold the work back.
	longestBurst = time.Second
)

// NewIntake returns an intake running at most n pieces of work at once.
func NewIntake(n int) *Intake {
	return &Intake{slots: make(chan struct{}, max(n, 1)), gap: arrivalGap}
}

// Arrived notes a delivery.
func (in *Intake) Arrived() {
	if in == nil {
		return
	}
	now := time.Now()
	in.mu.Lock()
	if now.Sub(in.last) > in.gap {
		in.burst = now
	}
	in.last = now
	in.mu.Unlock()
}

// Run runs f once a slot is free and deliveries pause (or ctx ends).
func (in *Intake) Run(ctx context.Context, f func()) {
	if in == nil {
		f()
		return
	}
	in.slots <- struct{}{}
	defer func() { <-in.slots }()
	for {
		in.mu.Lock()
		until := min(in.last.Add(in.gap).UnixNano(), in.burst.Add(longestBurst).UnixNano())
		in.mu.Unlock()
		d := time.Duration(until - time.Now().UnixNano())
		if d <= 0 || ctx.Err() != nil {
			break
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
	}
	f()
}
