package bot

import (
	"container/list"
	"sync"
	"time"

	"github.com/marketbot/marketbot/rag"
)

// memory keeps the last turns of recent threads: at most size threads,
// each forgotten after ttl without activity, keeping its last max turns.
type memory struct {
	mu      sync.Mutex
	size    int
	max     int
	ttl     time.Duration
	now     func() time.Time
	order   *list.List // of *thread, most recent first
	threads map[string]*list.Element
}

type thread struct {
	key   string
	turns []rag.Turn
	seen  time.Time
}

func newMemory(size, max int, ttl time.Duration, now func() time.Time) *memory {
	return &memory{size: size, max: max, ttl: ttl, now: now, order: list.New(), threads: map[string]*list.Element{}}
}

// turns returns a thread's remembered turns, oldest first.
func (m *memory) turns(key string) []rag.Turn {
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.threads[key]
	if !ok {
		return nil
	}
	t := el.Value.(*thread)
	if m.now().Sub(t.seen) > m.ttl {
		m.order.Remove(el)
		delete(m.threads, key)
		return nil
	}
	return append([]rag.Turn(nil), t.turns...)
}

// add remembers a turn of a thread.
func (m *memory) add(key string, turn rag.Turn) {
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
}
