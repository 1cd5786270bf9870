package rag

// What the reader is told, in the question's language.
type messageID int

const (
	msgNotFound messageID = iota
	msgNoModel
	msgModelFailed
	msgUnverifiable
	msgRemoved
	msgUnsupported
)

var messages = map[messageID][3]string{ // en, zh, zh-Hant
	msgNotFound: {
		"I found nothing in my sources that answers this. Try rephrasing, naming the company or model in full, or widening the time range.",
		"我的资料里没有找到能回答这个问题的内容。可以换个说法、写出公司或模型的全称，或放宽时间范围再试。",
		"我的資料裡沒有找到能回答這個問題的內容。可以換個說法、寫出公司或模型的全稱，或放寬時間範圍再試。",
	},
	msgNoModel: {
		"No language model is configured: here are the most relevant passages from my sources.",
		"未配置语言模型：以下是资料中最相关的段落。",
		"未設定語言模型：以下是資料中最相關的段落。",
	},
	msgModelFailed: {
		"The language model did not answer, so here are the most relevant passages from my sources",
		"语言模型未能作答，以下是资料中最相关的段落",
		"語言模型未能作答，以下是資料中最相關的段落",
	},
	msgUnverifiable: {
		"The language model's answer could not be checked against the sources, so here are the passages themselves.",
		"语言模型的回答无法与来源核对，以下直接给出相关段落。",
		"語言模型的回答無法與來源核對，以下直接列出相關段落。",
	},
	msgRemoved: {
		"Statements the sources do not support were removed.",
		"已删除来源中无法核实的表述。",
		"已刪除來源中無法核實的陳述。",
	},
	msgUnsupported: {
		"This answer cites no source: treat it as unverified.",
		"此回答未引用任何来源，请视为未经核实。",
		"此回答未引用任何來源，請視為未經核實。",
	},
}

// message returns a message in lang ("en", "zh" or "zh-Hant").
func message(lang string, id messageID) string {
	m := messages[id]
	switch lang {
	case "zh":
		return m[1]
	case "zh-Hant":
		return m[2]
	}
	return m[0]
}
