package bot

import "github.com/marketbot/marketbot/corpus"

// What users are told, in their language.
type messageID int

const (
	briefLater messageID = iota
	failed
	emptyCorpus
	corpusHolds
	notAllowed
	slowDown
	busy
	askAbout
)

var texts = map[messageID][3]string{ // en, zh, zh-Hant
	briefLater: {
		"Briefings are not available here. Ask me a question about the LLM market instead.",
		"这里无法生成简报。可以直接问我关于大模型市场的问题。",
		"這裡無法生成簡報。可以直接問我關於大模型市場的問題。",
	},
	failed: {
		"Sorry, something went wrong on my side and I could not answer. Please try again in a minute.",
		"抱歉，我这边出了点问题，没能回答。请稍后再试。",
		"抱歉，我這邊出了點問題，沒能回答。請稍後再試。",
	},
	emptyCorpus: {
		"My corpus is empty: nothing has been ingested yet.",
		"我的资料库是空的：还没有导入任何文章。",
		"我的資料庫是空的：還沒有匯入任何文章。",
	},
	notAllowed: {
		"Sorry, I am not enabled for this conversation.",
		"抱歉，我在这个会话中没有开放。",
		"抱歉，我在這個對話中沒有開放。",
	},
	slowDown: {
		"You are asking faster than I can answer well. Please wait a minute and ask again.",
		"提问有点太快了，请稍等一分钟再问。",
		"提問有點太快了，請稍等一分鐘再問。",
	},
	busy: {
		"I am busy answering other questions right now. Please ask again in a minute.",
		"我正忙着回答其他问题，请一分钟后再问。",
		"我正忙著回答其他問題，請一分鐘後再問。",
	},
	askAbout: {
		"*Reply in this thread to ask about any item.*",
		"*在本话题下回复，即可追问任何一条。*",
		"*在本話題下回覆，即可追問任何一條。*",
	},
	corpusHolds: {
		"My corpus holds %d articles (%d passages) published from %s to %s. Newest:",
		"资料库共有 %d 篇文章（%d 个段落），发布时间从 %s 到 %s。最新的几篇：",
		"資料庫共有 %d 篇文章（%d 個段落），發布時間從 %s 到 %s。最新的幾篇：",
	},
}

func say(lang string, id messageID) string {
	t := texts[id]
	switch lang {
	case "zh":
		return t[1]
	case "zh-Hant":
		return t[2]
	}
	return t[0]
}

// help explains the commands.
func help(lang string) string {
	if lang == "zh" || lang == "zh-Hant" {
		return "我是 marketbot，用带出处的资料回答大模型市场的问题。\n" +
			"- 直接提问，或 `/ask 问题`（`/问`）：回答并注明来源\n" +
			"- `/brief [主题]`（`/简报`）：按需简报\n" +
			"- `/prices [模型…]`（`/价格`）：各模型最新的API价格（每百万tokens），注明来源\n" +
			"- `/sources`（`/来源`）：资料库里有什么\n" +
			"- `/help`（`/帮助`）：本说明\n" +
			"在同一话题下可以继续追问，例如“那价格呢？”"
	}
	return "I am marketbot: I answer questions about the LLM market from my sources, with citations.\n" +
		"- Ask directly, or `/ask QUESTION`: an answer with numbered, dated sources\n" +
		"- `/brief [TOPIC]`: an on-demand briefing\n" +
		"- `/prices [MODEL…]`: the latest API prices per million tokens, with sources\n" +
		"- `/sources`: what my corpus holds\n" +
		"- `/help`: this text\n" +
		"Follow-ups in the same thread are understood (\"and their pricing?\")."
}

// Busy is what to tell a user whose question found the queue full.
func Busy(text string) string { return say(corpus.DetectLang(text), busy) }
