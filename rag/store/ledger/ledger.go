// Package ledger is the record of what the service did — the deliveries
// it handled, the answers it gave and the feedback on them, thread turns,
// briefing runs and what they covered, feeds' state and leases — kept in
// the store's database (whose migrations make its tables) so that
// restarts and replicas agree. It knows nothing of articles.
package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"
)

// Ledger is the record; it is safe for concurrent use.
type Ledger struct {
	db       *sql.DB
	now      func() time.Time
	instance string       // this process's name in leases
	purged   atomic.Int64 // when handled keys were last purged (unix seconds)
}

// HandledRetention is how long handled deliveries are remembered: Slack
// retries for minutes, Feishu for about seven hours.
const HandledRetention = 24 * time.Hour

// MarkHandled records delivery keys (an event id, a message id…) and
// reports whether none of them had been recorded before: false means the
// delivery is a duplicate. Keys older than HandledRetention are forgotten.
func (l *Ledger) MarkHandled(ctx context.Context, keys ...string) (first bool, err error) {
	now := l.now()
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("mark handled: %w", err)
	}
	defer tx.Rollback()
	first = true
	for _, k := range keys {
		res, err := tx.ExecContext(ctx, `INSERT INTO handled (key, at_unix) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, k, now.Unix())
		if err != nil {
			return false, fmt.Errorf("mark handled: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			first = false
		}
	}
	// Expired keys go at most once a minute, not with every delivery.
	if last := l.purged.Load(); now.Unix()-last >= 60 && l.purged.CompareAndSwap(last, now.Unix()) {
		if _, err := tx.ExecContext(ctx, `DELETE FROM handled WHERE at_unix < $1`, now.Add(-HandledRetention).Unix()); err != nil {
			return false, fmt.Errorf("mark handled: %w", err)
		}
	}
	return first, tx.Commit()
}

// AnswerRecord is an answer the bot gave, kept for feedback and review.
type AnswerRecord struct {
	ID                     string
	Platform, Conversation string
	Thread, User           string
	Question, Answer       string
	Fallback, NotFound     bool
	At                     time.Time
}

// SaveAnswer records an answer.
func (l *Ledger) SaveAnswer(ctx context.Context, a AnswerRecord) error {
	_, err := l.db.ExecContext(ctx, `
		INSERT INTO answers (id, platform, conversation, thread, "user", question, answer, fallback, not_found, at_unix)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING`,
		a.ID, a.Platform, a.Conversation, a.Thread, a.User, a.Question, a.Answer, a.Fallback, a.NotFound, a.At.Unix())
	if err != nil {
		return fmt.Errorf("save answer: %w", err)
	}
	return nil
}

// RecordFeedback records a user's vote (+1 or -1) on an answer; a later
// vote by the same user replaces the earlier one.
func (l *Ledger) RecordFeedback(ctx context.Context, answerID, user string, vote int) error {
	_, err := l.db.ExecContext(ctx, `
		INSERT INTO feedback (answer_id, "user", vote, at_unix) VALUES ($1, $2, $3, $4)
		ON CONFLICT (answer_id, "user") DO UPDATE SET vote = excluded.vote, at_unix = excluded.at_unix`,
		answerID, user, vote, l.now().Unix())
	if err != nil {
		return fmt.Errorf("record feedback: %w", err)
	}
	return nil
}

// FeedbackTally counts the votes on an answer.
func (l *Ledger) FeedbackTally(ctx context.Context, answerID string) (up, down int, err error) {
	err = l.db.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE vote > 0), count(*) FILTER (WHERE vote < 0) FROM feedback WHERE answer_id = $1`, answerID).Scan(&up, &down)
	if err != nil {
		return 0, 0, fmt.Errorf("feedback tally: %w", err)
	}
	return up, down, nil
}

// BriefingRun is a scheduled briefing's run: its slot, the window it
// covers, and how it ended.
type BriefingRun struct {
	Target       string
	Slot         time.Time
	Since, Until time.Time
	State        string // "running", "posted", "skipped" (nothing new) or "failed"
}

// staleRun is how long a run may stay "running" before another replica
// may take it over: its runner died.
const staleRun = 10 * time.Minute

// ClaimBriefing takes a target's run for a slot, so that it is posted
// once however many replicas or restarts see the slot: it returns false
// if the run is taken (running, posted or skipped). A failed run, or one
// left running longer than ten minutes, can be claimed again.
func (l *Ledger) ClaimBriefing(ctx context.Context, r BriefingRun) (bool, error) {
	now := l.now().Unix()
	res, err := l.db.ExecContext(ctx, `
		INSERT INTO briefings (target, slot_unix, state, since_unix, until_unix, at_unix) VALUES ($1, $2, 'running', $3, $4, $5)
		ON CONFLICT (target, slot_unix) DO UPDATE SET state = 'running', since_unix = excluded.since_unix,
			until_unix = excluded.until_unix, at_unix = excluded.at_unix
		WHERE briefings.state = 'failed' OR (briefings.state = 'running' AND briefings.at_unix < $6)`,
		r.Target, r.Slot.Unix(), r.Since.Unix(), r.Until.Unix(), now, now-int64(staleRun/time.Second))
	if err != nil {
		return false, fmt.Errorf("claim briefing %s: %w", r.Target, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// FinishBriefing records how a claimed run ended.
func (l *Ledger) FinishBriefing(ctx context.Context, target string, slot time.Time, state string) error {
	_, err := l.db.ExecContext(ctx, `UPDATE briefings SET state = $1, at_unix = $2 WHERE target = $3 AND slot_unix = $4`,
		state, l.now().Unix(), target, slot.Unix())
	if err != nil {
		return fmt.Errorf("finish briefing %s: %w", target, err)
	}
	return nil
}

// LastBriefing returns a target's latest posted run; ok is false if there
// is none. Skipped runs do not count: a briefing covers what arrived since
// the last one posted.
func (l *Ledger) LastBriefing(ctx context.Context, target string) (r BriefingRun, ok bool, err error) {
	var slot, since, until int64
	err = l.db.QueryRowContext(ctx, `
		SELECT slot_unix, since_unix, until_unix, state FROM briefings
		WHERE target = $1 AND state = 'posted' ORDER BY slot_unix DESC LIMIT 1`, target).Scan(&slot, &since, &until, &r.State)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("last briefing %s: %w", target, err)
	}
	r.Target, r.Slot, r.Since, r.Until = target, time.Unix(slot, 0), time.Unix(since, 0), time.Unix(until, 0)
	return r, true, nil
}

// TurnRetention is how long conversation turns are kept.
const TurnRetention = 7 * 24 * time.Hour

// AddTurn records a turn of a conversation thread (key names it), for
// follow-ups wherever they arrive: another replica, or after a restart.
// Turns older than TurnRetention are forgotten.
func (l *Ledger) AddTurn(ctx context.Context, key string, t Turn) error {
	now := l.now()
	if _, err := l.db.ExecContext(ctx, `INSERT INTO turns (thread, question, answer, at_unix) VALUES ($1, $2, $3, $4)`,
		key, t.Question, t.Answer, now.Unix()); err != nil {
		return fmt.Errorf("remember turn: %w", err)
	}
	if _, err := l.db.ExecContext(ctx, `DELETE FROM turns WHERE at_unix < $1`, now.Add(-TurnRetention).Unix()); err != nil {
		return fmt.Errorf("remember turn: %w", err)
	}
	return nil
}

// Turns returns a thread's last n turns, oldest first; none when the
// thread has been silent for longer than ttl.
func (l *Ledger) Turns(ctx context.Context, key string, n int, ttl time.Duration) ([]Turn, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT question, answer, at_unix FROM turns WHERE thread = $1 ORDER BY id DESC LIMIT $2`, key, n)
	if err != nil {
		return nil, fmt.Errorf("thread turns: %w", err)
	}
	defer rows.Close()
	var turns []Turn
	var newest int64
	for rows.Next() {
		var t Turn
		var at int64
		if err := rows.Scan(&t.Question, &t.Answer, &at); err != nil {
			return nil, fmt.Errorf("thread turns: %w", err)
		}
		newest = max(newest, at)
		turns = append(turns, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("thread turns: %w", err)
	}
	if len(turns) == 0 || l.now().Sub(time.Unix(newest, 0)) > ttl {
		return nil, nil
	}
	slices.Reverse(turns)
	return turns, nil
}

// Turn is one exchange of a conversation.
type Turn struct {
	Question string
	Answer   string
}

// New returns the ledger kept in db; now is its clock, instance names
// this process in leases.
func New(db *sql.DB, now func() time.Time, instance string) *Ledger {
	return &Ledger{db: db, now: now, instance: instance}
}
