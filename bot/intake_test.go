package bot

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestIntakeWaitsForAPause(t *testing.T) {
	in := NewIntake(2)
	in.gap = 100 * time.Millisecond // arrivals every millisecond, even on a loaded machine under -race
	ctx := context.Background()
	stop := make(chan struct{})
	var arriving sync.WaitGroup
	arriving.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
				in.Arrived()
				time.Sleep(time.Millisecond)
			}
		}
	})
	time.Sleep(5 * time.Millisecond) // the burst has begun
	var ran atomic.Bool
	done := make(chan struct{})
	go in.Run(ctx, func() { ran.Store(true); close(done) })
	time.Sleep(3 * in.gap) // past the pause the work would wait for, had arrivals stopped
	if ran.Load() {
		t.Fatal("the work ran while deliveries kept arriving")
	}
	close(stop)
	arriving.Wait()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the work did not run once deliveries paused")
	}
}

func TestIntakeGivesUpOnALongBurst(t *testing.T) {
	in := NewIntake(1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				in.Arrived()
				time.Sleep(time.Millisecond)
			}
		}
	}()
	start := time.Now()
	in.Run(context.Background(), func() {})
	if d := time.Since(start); d > longestBurst+time.Second {
		t.Errorf("a steady flood held the work back for %v", d)
	}
}

func TestIntakeBoundsTheWorkAndStopsWithItsContext(t *testing.T) {
	in := NewIntake(2)
	var running, most atomic.Int32
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			in.Run(context.Background(), func() {
				n := running.Add(1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				time.Sleep(2 * time.Millisecond)
				running.Add(-1)
			})
		})
	}
	wg.Wait()
	if most.Load() != 2 {
		t.Errorf("at most %d ran at once, want 2", most.Load())
	}
	// A cancelled context does not wait for a pause.
	in.Arrived()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	in.Run(ctx, func() { ran = true })
	if !ran {
		t.Error("the work was dropped")
	}
	var none *Intake
	none.Arrived()
	none.Run(ctx, func() { ran = false })
	if ran {
		t.Error("a nil intake did not run the work")
	}
}
