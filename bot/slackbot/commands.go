package slackbot

import (
	"strings"

	"github.com/slack-go/slack"

	"github.com/marketbot/marketbot/bot"
	"github.com/marketbot/marketbot/corpus"
)

// command handles a slash command (whatever the app names it, e.g. /llm):
// the returned message acknowledges it at once; the answer follows through
// response_url, in the channel unless the text carries --private.
func (a *Adapter) command(cmd slack.SlashCommand) *slack.Msg {
	text, private := strings.CutPrefix(strings.TrimSpace(cmd.Text), "--private")
	if !private {
		text, private = cutSuffixWord(text, "--private")
	}
	text = strings.TrimSpace(text)
	q := bot.Question{Platform: "slack", Conversation: cmd.ChannelID, MessageID: "cmd:" + cmd.TriggerID,
		EventID: cmd.TriggerID, User: cmd.UserID, Text: text}
	if text == "" {
		q.Text = "/help"
	}
	responseType := slack.ResponseTypeInChannel
	if private {
		responseType = slack.ResponseTypeEphemeral
	}
	a.wg.Go(func() {
		ctx := a.ctx
		if !a.core.Claim(ctx, q) {
			return
		}
		respond := func(r bot.Reply) {
			m := Render(r, r.ID)
			blocks := slack.Blocks{BlockSet: m.Blocks}
			err := slack.PostWebhookCustomHTTPContext(ctx, cmd.ResponseURL, a.webhook,
				&slack.WebhookMessage{Text: m.Text, Blocks: &blocks, ResponseType: responseType})
			if err != nil {
				a.log.Error("could not answer a slash command", "command", cmd.Command, "conversation", q.Conversation, "message", q.MessageID, "err", err)
			}
		}
		if err := a.queue.Submit(bot.Job{Question: q, Deliver: respond}); err != nil {
			respond(bot.Reply{Text: bot.Busy(q.Text)})
		}
	})
	working := map[string]string{"zh": "正在查找资料…", "zh-Hant": "正在查找資料…"}[corpus.DetectLang(text)]
	if working == "" {
		working = "Working on it…"
	}
	return &slack.Msg{ResponseType: slack.ResponseTypeEphemeral, Text: working}
}

func cutSuffixWord(s, word string) (string, bool) {
	if strings.HasSuffix(s, " "+word) || s == word {
		return strings.TrimSuffix(s, word), true
	}
	return s, false
}

// interaction records 👍/👎 clicks on answers.
func (a *Adapter) interaction(cb slack.InteractionCallback) {
	if cb.Type != slack.InteractionTypeBlockActions {
		return
	}
	for _, act := range cb.ActionCallback.BlockActions {
		vote := map[string]int{"feedback_up": 1, "feedback_down": -1}[act.ActionID]
		if vote == 0 || act.Value == "" {
			continue
		}
		a.wg.Go(func() {
			ctx := a.ctx
			if err := a.core.Feedback(ctx, act.Value, cb.User.ID, vote); err != nil {
				a.log.Error("could not record feedback", "answer", act.Value, "err", err)
				return
			}
			if cb.ResponseURL == "" {
				return
			}
			thanks := &slack.WebhookMessage{Text: "Thanks — your feedback is recorded.", ResponseType: slack.ResponseTypeEphemeral}
			if err := slack.PostWebhookCustomHTTPContext(ctx, cb.ResponseURL, a.webhook, thanks); err != nil {
				a.log.Warn("could not thank for feedback", "err", err)
			}
		})
	}
}
