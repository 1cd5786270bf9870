package bot

import (
	"strings"
	"sync"
	"time"
)

// LiveMessage shows an answer while it is written. It gathers the pieces a
// Job streams and calls update with the text so far at most once every
// interval (chat platforms limit edits), never two calls at once, and
// never after Stop, so that a late progress edit cannot overwrite the
// final answer.
type LiveMessage struct {
	every  time.Duration
	update func(text string)

	mu      sync.Mutex
	text    strings.Builder
	last    time.Time
	running bool
	stopped bool
	wg      sync.WaitGroup
}

// NewLiveMessage returns a LiveMessage that calls update at most once
// every interval.
func NewLiveMessage(every time.Duration, update func(text string)) *LiveMessage {
	return &LiveMessage{every: every, update: update}
}

// Write adds a piece of the answer (use it as Job.Stream). It never waits
// for an update: one runs in the background when it is time.
func (m *LiveMessage) Write(piece string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.text.WriteString(piece)
	if m.stopped || m.running || time.Since(m.last) < m.every {
		return
	}
	m.running, m.last = true, time.Now()
	text := m.text.String()
	m.wg.Go(func() {
		m.update(text)
		m.mu.Lock()
		m.running, m.last = false, time.Now()
		m.mu.Unlock()
	})
}

// Stop ends the updates and waits for one in flight.
func (m *LiveMessage) Stop() {
	m.mu.Lock()
	m.stopped = true
	m.mu.Unlock()
	m.wg.Wait()
}
