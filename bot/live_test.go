package bot

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLiveMessage(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	var inFlight, overlap atomic.Int32
	m := NewLiveMessage(20*time.Millisecond, func(text string) {
		if inFlight.Add(1) > 1 {
			overlap.Add(1)
		}
		time.Sleep(30 * time.Millisecond) // a slow platform
		mu.Lock()
		seen = append(seen, text)
		mu.Unlock()
		inFlight.Add(-1)
	})
	for i := range 40 {
		m.Write(string(rune('a' + i%26)))
		time.Sleep(2 * time.Millisecond)
	}
	m.Stop()
	stoppedAt := len(seen)
	m.Write("late")
	time.Sleep(60 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if len(seen) < 1 || len(seen) > 4 {
		t.Errorf("%d updates for 40 pieces over ~80 ms every 20 ms (each taking 30 ms), want a few", len(seen))
	}
	if overlap.Load() != 0 {
		t.Error("two updates ran at once")
	}
	if len(seen) != stoppedAt {
		t.Error("an update ran after Stop")
	}
	for i := 1; i < len(seen); i++ {
		if !strings.HasPrefix(seen[i], seen[i-1]) {
			t.Errorf("update %d (%q) does not extend the one before (%q)", i, seen[i], seen[i-1])
		}
	}
}
