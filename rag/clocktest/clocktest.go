// Package clocktest provides a fake clock for testing code that waits:
// time moves only when the test says so, like net/http/httptest for HTTP.
package clocktest

import (
	"sort"
	"sync"
	"time"
)

// Clock is a fake clock. Its zero value is not usable; use New.
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
	added   chan struct{} // signalled when someone starts waiting
}

type waiter struct {
	at time.Time
	ch chan time.Time
}

// New returns a clock showing now.
func New(now time.Time) *Clock { return &Clock{now: now, added: make(chan struct{}, 1)} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// After returns a channel that receives the time once the clock has been
// advanced by d.
func (c *Clock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, waiter{c.now.Add(d), ch})
	select {
	case c.added <- struct{}{}:
	default:
	}
	return ch
}

// Advance moves the clock forward by d, waking the waiters whose time has
// come, in order.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	sort.Slice(c.waiters, func(i, j int) bool { return c.waiters[i].at.Before(c.waiters[j].at) })
	var keep []waiter
	for _, w := range c.waiters {
		if !w.at.After(c.now) {
			w.ch <- c.now
		} else {
			keep = append(keep, w)
		}
	}
	c.waiters = keep
	c.mu.Unlock()
}

// Set moves the clock to t (which must not be in its past).
func (c *Clock) Set(t time.Time) { c.Advance(t.Sub(c.Now())) }

// Waiters is the number of goroutines waiting on the clock (including
// ones that stopped listening: the clock cannot tell).
func (c *Clock) Waiters() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.waiters)
}

// WaitForWaiters blocks until at least n goroutines are waiting on the
// clock, or timeout passes (in real time); it reports whether they are.
func (c *Clock) WaitForWaiters(n int, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		c.mu.Lock()
		have := len(c.waiters)
		c.mu.Unlock()
		if have >= n {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		select {
		case <-c.added:
		case <-time.After(5 * time.Millisecond):
		}
	}
}
