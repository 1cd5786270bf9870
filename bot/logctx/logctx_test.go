package logctx

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

func TestHandlerAddsTheContextsAttributes(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(Handler(slog.NewTextHandler(&buf, nil))).With("platform", "slack")
	ctx := With(context.Background(), "request", "r1")
	ctx = With(ctx, slog.String("event", "Ev1"))
	log.WarnContext(ctx, "model failed", "reason", "timeout")
	log.Info("no context")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines: %q", len(lines), buf.String())
	}
	for _, want := range []string{"platform=slack", "reason=timeout", "request=r1", "event=Ev1"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("%q lacks %s", lines[0], want)
		}
	}
	if strings.Contains(lines[1], "request=") {
		t.Errorf("a line without the context has its attributes: %q", lines[1])
	}
	// With does not change the context it was given.
	base := With(context.Background(), "a", 1)
	With(base, "b", 2)
	log.InfoContext(base, "base")
	if strings.Contains(buf.String(), "b=2") {
		t.Error("With changed its parent")
	}
}
