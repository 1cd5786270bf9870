package answer

// MessageID names a message to the reader, told in the question's
// language.
type MessageID int

// The messages.
const (
	MsgNotFound MessageID = iota
	MsgNoModel
	MsgModelFailed
	MsgUnverifiable
	MsgRemoved
	MsgUnsupported
	MsgBeyond
	MsgStale
	MsgAhead
	MsgUpdate
)

var messages = map[MessageID][3]string{ // en, zh, zh-Hant
	MsgUpdate: {"Update: ", "更新：", "更新："},
	MsgNotFound: {
		"I found nothing in my sources that answers this. Try rephrasing, naming the company or model in full, or widening the time range.",
		"我的资料里没有找到能回答这个问题的内容。可以换个说法、写出公司或模型的全称，或放宽时间范围再试。",
		"我的資料裡沒有找到能回答這個問題的內容。可以換個說法、寫出公司或模型的全稱，或放寬時間範圍再試。",
	},
	MsgNoModel: {
		"No language model is configured: here are the most relevant passages from my sources.",
		"未配置语言模型：以下是资料中最相关的段落。",
		"未設定語言模型：以下是資料中最相關的段落。",
	},
	MsgModelFailed: {
		"The language model did not answer, so here are the most relevant passages from my sources",
		"语言模型未能作答，以下是资料中最相关的段落",
		"語言模型未能作答，以下是資料中最相關的段落",
	},
	MsgUnverifiable: {
		"The language model's answer could not be checked against the sources, so here are the passages themselves.",
		"语言模型的回答无法与来源核对，以下直接给出相关段落。",
		"語言模型的回答無法與來源核對，以下直接列出相關段落。",
	},
	MsgRemoved: {
		"Statements the sources do not support were removed.",
		"已删除来源中无法核实的表述。",
		"已刪除來源中無法核實的陳述。",
	},
	MsgUnsupported: {
		"This answer cites no source: treat it as unverified.",
		"此回答未引用任何来源，请视为未经核实。",
		"此回答未引用任何來源，請視為未經核實。",
	},
	MsgBeyond: { // %s: the newest article's date
		"Nothing in my sources covers that period: the newest article I have is from %s. Add newer articles with \"marketbot ingest PATH|URL\", or configure feeds to keep the sources current.",
		"我的资料没有覆盖这段时间：最新的一篇文章发表于%s。可以用“marketbot ingest 路径或网址”添加更新的文章，或配置订阅源（feeds）让资料保持更新。",
		"我的資料沒有涵蓋這段時間：最新的一篇文章發表於%s。可以用「marketbot ingest 路徑或網址」加入較新的文章，或設定訂閱來源（feeds）讓資料保持更新。",
	},
	MsgAhead: { // %s: the newest article's date
		"My newest source is from %s: what follows was said before the period you ask about (plans, forecasts), not what happened in it.",
		"资料中最新的文章发表于%s：以下是此前对这段时间的报道（计划、预测），不是其间实际发生的事。",
		"資料中最新的文章發表於%s：以下是此前對這段時間的報導（計畫、預測），不是其間實際發生的事。",
	},
	MsgStale: {
		"My newest source is from %s: \"latest\" here means as of that date.",
		"资料中最新的文章发表于%s，以下“最新”情况截至该日期。",
		"資料中最新的文章發表於%s，以下「最新」情況截至該日期。",
	},
}

// Message returns a message in lang ("en", "zh" or "zh-Hant").
func Message(lang string, id MessageID) string {
	m := messages[id]
	switch lang {
	case "zh":
		return m[1]
	case "zh-Hant":
		return m[2]
	}
	return m[0]
}
