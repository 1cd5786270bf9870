package bot

import (
	"container/list"
	"context"
	"sync"
	"time"

	"github.com/marketbot/marketbot/rag/store/ledger"
)

// memory keeps the last turns of recent threads in the process: at most
// size threads, each keeping its last max turns. It is the Threads of a
// bot without a durable one.
type memory struct {
	mu      sync.Mutex
	size    int
	max     int
	now     func() time.Time
	order   *list.List // of *thread, most recent first
	threads map[string]*list.Element
}

type thread struct {
	key   string
	turns []ledger.Turn
	seen  time.Time
}

func newMemory(size, max int, now func() time.Time) *memory {
	return &memory{size: size, max: max, now: now, order: list.New(), threads: map[string]*list.Element{}}
}

// Turns returns a thread's last n remembered turns, oldest first, none
// if it has been silent for longer than ttl.
func (m *memory) Turns(_ context.Context, key string, n int, ttl time.Duration) ([]ledger.Turn, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.threads[key]
	if !ok {
		return nil, nil
	}
	t := el.Value.(*thread)
	if m.now().Sub(t.seen) > ttl {
		m.order.Remove(el)
		delete(m.threads, key)
		return nil, nil
	}
	return append([]ledger.Turn(nil), t.turns[max(0, len(t.turns)-n):]...), nil
}

// AddTurn remembers a turn of a thread.
func (m *memory) AddTurn(_ context.Context, key string, turn ledger.Turn) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.threads[key]
	if !ok {
		el = m.order.PushFront(&thread{key: key})
		m.threads[key] = el
	}
	t := el.Value.(*thread)
	t.turns = append(t.turns, turn)
	if len(t.turns) > m.max {
		t.turns = t.turns[len(t.turns)-m.max:]
	}
	t.seen = m.now()
	m.order.MoveToFront(el)
	for m.order.Len() > m.size {
		last := m.order.Back()
		m.order.Remove(last)
		delete(m.threads, last.Value.(*thread).key)
	}
	return nil
}
