package bot

import (
	"context"
	"errors"
	"sync"
)

// Handler answers questions; *Bot is one.
type Handler interface {
	Handle(ctx context.Context, q Question, onDelta func(string)) Reply
}

// Job is a question and where its reply goes.
type Job struct {
	Question Question
	Stream   func(text string) // optional: pieces of the answer as it is written
	Deliver  func(Reply)       // the final reply
}

// ErrBusy is returned by Submit when the queue is full: tell the user.
var ErrBusy = errors.New("bot: queue full")

// ErrClosed is returned by Submit once Shutdown has begun.
var ErrClosed = errors.New("bot: shutting down")

// Pool answers jobs with a fixed number of workers fed by a bounded queue,
// so that adapters can acknowledge a delivery at once and answer later.
// Jobs run with the pool's own context, never a request's.
type Pool struct {
	h      Handler
	jobs   chan Job
	wg     sync.WaitGroup
	ctx    context.Context
	cancel context.CancelFunc
	mu     sync.RWMutex
	closed bool
}

// NewPool starts workers answering from a queue of depth jobs.
func NewPool(h Handler, workers, depth int) *Pool {
	ctx, cancel := context.WithCancel(context.Background())
	p := &Pool{h: h, jobs: make(chan Job, depth), ctx: ctx, cancel: cancel}
	for range max(workers, 1) {
		p.wg.Go(p.work)
	}
	return p
}

func (p *Pool) work() {
	for j := range p.jobs {
		r := p.h.Handle(p.ctx, j.Question, j.Stream)
		if j.Deliver != nil {
			j.Deliver(r)
		}
	}
}

// Submit queues a job without waiting: ErrBusy when the queue is full,
// ErrClosed after Shutdown.
func (p *Pool) Submit(j Job) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return ErrClosed
	}
	select {
	case p.jobs <- j:
		return nil
	default:
		return ErrBusy
	}
}

// Depth is the number of queued jobs.
func (p *Pool) Depth() int { return len(p.jobs) }

// Shutdown stops taking jobs and waits for the queued and running ones to
// finish; when ctx ends first, running answers are cancelled (their users
// still get a reply: a fallback or an apology) and Shutdown returns
// ctx's error once the workers have stopped.
func (p *Pool) Shutdown(ctx context.Context) error {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.jobs)
	}
	p.mu.Unlock()
	done := make(chan struct{})
	go func() { p.wg.Wait(); close(done) }()
	select {
	case <-done:
		p.cancel()
		return nil
	case <-ctx.Done():
		p.cancel()
		<-done
		return ctx.Err()
	}
}
