// Package terminal is the bot's terminal adapter: a conversation on stdin
// and stdout with the same bot core the chat platforms use, so the whole
// bot can be tried without Slack or Feishu.
package terminal

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/marketbot/marketbot/bot"
)

// Handler answers questions; *bot.Bot is one.
type Handler interface {
	Handle(ctx context.Context, q bot.Question, onDelta func(string)) bot.Reply
}

// Run reads questions line by line from in and writes replies to out until
// in ends, the user types "exit" or "quit", or ctx is cancelled. Every line
// continues one conversation, so follow-ups work.
func Run(ctx context.Context, in io.Reader, out io.Writer, h Handler) error {
	fmt.Fprintln(out, `marketbot — ask about the LLM market ("/help" for commands, "exit" to leave).`)
	lines := bufio.NewScanner(in)
	lines.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; ; n++ {
		fmt.Fprint(out, "\nyou> ")
		if !lines.Scan() {
			fmt.Fprintln(out)
			return lines.Err()
		}
		text := strings.TrimSpace(lines.Text())
		switch strings.ToLower(text) {
		case "":
			continue
		case "exit", "quit", "/exit", "/quit":
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		q := bot.Question{Platform: "terminal", Conversation: "terminal", Thread: "session", MessageID: fmt.Sprint(n), User: "you", Text: text}
		fmt.Fprintln(out)
		Render(out, h.Handle(ctx, q, nil))
	}
}

// Render writes a reply for a terminal: notices, the text, and the
// numbered sources with their dates and links.
func Render(w io.Writer, r bot.Reply) {
	for _, n := range r.Notices {
		fmt.Fprintf(w, "⚠ %s\n", n)
	}
	if len(r.Notices) > 0 {
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, r.Text)
	if r.Table != nil {
		fmt.Fprintf(w, "\n%s\n", r.Table)
	}
	if len(r.Citations) > 0 {
		fmt.Fprintln(w, "\nSources:")
	}
	sep := ", "
	if strings.HasPrefix(r.Lang, "zh") {
		sep = "，"
	}
	for _, c := range r.Citations {
		var meta []string
		if s := c.Attribution(r.Lang); s != "" {
			meta = append(meta, s)
		}
		if !c.Published.IsZero() {
			meta = append(meta, c.Published.Format(time.DateOnly))
		}
		fmt.Fprintf(w, "[%d] %s", c.N, c.Title)
		if len(meta) > 0 {
			fmt.Fprintf(w, " — %s", strings.Join(meta, sep))
		}
		fmt.Fprintln(w)
		if c.URL != "" {
			fmt.Fprintf(w, "    %s\n", c.URL)
		}
	}
}
