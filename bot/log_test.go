package bot

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/marketbot/marketbot/bot/logctx"
	"github.com/marketbot/marketbot/rag/answer"
	"github.com/marketbot/marketbot/rag/store/ledger"
)

// loggingAnswerer logs as the real answerer does when its model fails:
// with the context of the question.
type loggingAnswerer struct {
	log *slog.Logger
	err error
}

func (a loggingAnswerer) Answer(ctx context.Context, q string, _ []ledger.Turn, _ func(string)) (answer.Answer, error) {
	a.log.WarnContext(ctx, "language model failed; answering extractively", "reason", "timeout")
	return answer.Answer{Question: q, Lang: "en", Text: "quoted [1]", Citations: []answer.Citation{{N: 1}}, Fallback: true}, a.err
}

// TestLogLinesCarryIDsNotText: every line logged while answering names
// the platform, conversation, message and event, lines logged deeper (by
// the answerer) included, and none shows the question at info level.
func TestLogLinesCarryIDsNotText(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(logctx.Handler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})))
	const secretQuestion = "What did Project Nightingale cost?"
	for _, err := range []error{nil, errors.New("store closed")} {
		b := New(loggingAnswerer{log: log, err: err}, fakeCorpus{}, Options{Logger: log})
		b.Handle(context.Background(), Question{Platform: "slack", Conversation: "C9", MessageID: "9.9", EventID: "Ev9", User: "U9", Text: secretQuestion}, nil)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 { // the answerer's twice, then the failure
		t.Fatalf("%d lines:\n%s", len(lines), buf.String())
	}
	for _, line := range lines {
		for _, id := range []string{`"platform":"slack"`, `"conversation":"C9"`, `"message":"9.9"`, `"event":"Ev9"`} {
			if !strings.Contains(line, id) {
				t.Errorf("line lacks %s: %s", id, line)
			}
		}
		if strings.Contains(line, "Nightingale") {
			t.Errorf("the question reached the log at info level: %s", line)
		}
	}
}
