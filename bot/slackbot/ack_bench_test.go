package slackbot

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/marketbot/marketbot/bot"
	"github.com/marketbot/marketbot/rag/prom"
)

// seenCore claims nothing: every delivery is a repeat.
type seenCore struct{}

func (seenCore) Claim(context.Context, bot.Question) bool            { return false }
func (seenCore) KnowsThread(context.Context, bot.Question) bool      { return false }
func (seenCore) Feedback(context.Context, string, string, int) error { return nil }

// BenchmarkAckEvent is the CPU an Events API delivery costs until it is
// acknowledged: reading, verifying, parsing, counting and answering 200.
func BenchmarkAckEvent(b *testing.B) {
	a, err := Open(Config{BotToken: "xoxb-bench", SigningSecret: testSecret, Metrics: bot.NewMetrics(prom.NewRegistry())}, seenCore{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	a.botUser.Store(new("UBOT"))
	mux := http.NewServeMux()
	a.Routes(mux)
	body := eventBody("EvBench", mention("C1", "1.1", "", "豆包大模型的价格是多少？"))
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	sig := sign(testSecret, ts, body)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("POST", "/slack/events", bytes.NewReader(body))
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", sig)
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
	a.Close(context.Background())
}
