package rag

import (
	"context"
	"fmt"
	"time"
)

// The ledger: what the bot has handled, answered, and been told about its
// answers, kept in the store so that restarts and replicas agree.

// HandledRetention is how long handled deliveries are remembered: Slack
// retries for minutes, Feishu for about seven hours.
const HandledRetention = 24 * time.Hour

// MarkHandled records delivery keys (an event id, a message id…) and
// reports whether none of them had been recorded before: false means the
// delivery is a duplicate. Keys older than HandledRetention are forgotten.
func (s *Store) MarkHandled(ctx context.Context, keys ...string) (first bool, err error) {
	now := s.now()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("mark handled: %w", err)
	}
	defer tx.Rollback()
	first = true
	for _, k := range keys {
		res, err := tx.ExecContext(ctx, `INSERT INTO handled (key, at_unix) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, k, now.Unix())
		if err != nil {
			return false, fmt.Errorf("mark handled: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			first = false
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM handled WHERE at_unix < ?`, now.Add(-HandledRetention).Unix()); err != nil {
		return false, fmt.Errorf("mark handled: %w", err)
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
func (s *Store) SaveAnswer(ctx context.Context, a AnswerRecord) error {
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO answers (id, platform, conversation, thread, user, question, answer, fallback, not_found, at_unix)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		a.ID, a.Platform, a.Conversation, a.Thread, a.User, a.Question, a.Answer, a.Fallback, a.NotFound, a.At.Unix())
	if err != nil {
		return fmt.Errorf("save answer: %w", err)
	}
	return nil
}

// RecordFeedback records a user's vote (+1 or -1) on an answer; a later
// vote by the same user replaces the earlier one.
func (s *Store) RecordFeedback(ctx context.Context, answerID, user string, vote int) error {
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO feedback (answer_id, user, vote, at_unix) VALUES (?, ?, ?, ?)
		ON CONFLICT (answer_id, user) DO UPDATE SET vote = excluded.vote, at_unix = excluded.at_unix`,
		answerID, user, vote, s.now().Unix())
	if err != nil {
		return fmt.Errorf("record feedback: %w", err)
	}
	return nil
}

// FeedbackTally counts the votes on an answer.
func (s *Store) FeedbackTally(ctx context.Context, answerID string) (up, down int, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT coalesce(sum(vote > 0), 0), coalesce(sum(vote < 0), 0) FROM feedback WHERE answer_id = ?`, answerID).Scan(&up, &down)
	if err != nil {
		return 0, 0, fmt.Errorf("feedback tally: %w", err)
	}
	return up, down, nil
}
