package terminal

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/marketbot/marketbot/bot"
	"github.com/marketbot/marketbot/rag"
)

type echo struct{ seen []bot.Question }

func (e *echo) Handle(_ context.Context, q bot.Question, _ func(string)) bot.Reply {
	e.seen = append(e.seen, q)
	return bot.Reply{Text: "re: " + q.Text + " [1]", Notices: []string{"offline"},
		Citations: []rag.Citation{{N: 1, Title: "Doubao launch", Source: "Volcano Engine", URL: "https://example.com/d", Published: time.Date(2024, 5, 15, 0, 0, 0, 0, time.UTC)}}}
}

func TestRun(t *testing.T) {
	var out bytes.Buffer
	h := &echo{}
	if err := Run(context.Background(), strings.NewReader("first\n\nsecond\nexit\nnever\n"), &out, h); err != nil {
		t.Fatal(err)
	}
	if len(h.seen) != 2 || h.seen[0].Thread != h.seen[1].Thread || h.seen[0].MessageID == h.seen[1].MessageID {
		t.Fatalf("questions = %+v: want two, in one thread, with distinct ids", h.seen)
	}
	for _, want := range []string{"⚠ offline", "re: second [1]", "[1] Doubao launch — Volcano Engine, 2024-05-15", "    https://example.com/d"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "never") {
		t.Error("read past exit")
	}
}
