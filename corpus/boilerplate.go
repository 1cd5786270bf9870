package corpus

import (
	"strings"
	"unicode/utf8"
)

// Publisher boilerplate, matched on the lower-cased line, in Simplified and
// Traditional forms. Strong phrases mark a line as boilerplate whatever its
// length; weak ones only on short lines, where they are navigation or calls
// to action rather than part of a sentence about them.
var (
	strongBoilerplate = []string{
		"如对本稿件有异议", "如對本稿件有異議", "转载请注明", "轉載請註明", "转载请联系", "轉載請聯繫",
		"本文仅代表作者", "本文僅代表作者", "不代表本站观点", "不代表本站觀點", "扫码关注", "掃碼關注",
		"长按识别二维码", "長按識別二維碼", "点击阅读原文", "點擊閱讀原文", "all rights reserved",
		"sign up for our newsletter", "subscribe to our newsletter", "this site uses cookies", "we use cookies",
		"并不意味着赞同其观点", "並不意味著贊同其觀點", "affiliate link", "affiliate commission",
		"本文来自微信公众号", "本文來自微信公眾號", "原文链接：", "原文連結：", "独立观点，不代表", "獨立觀點，不代表",
	}
	weakBoilerplate = []string{
		"责任编辑", "責任編輯", "编辑：", "編輯：", "编辑:", "編輯:", "来源：", "來源：", "来源:", "來源:", "关注我们", "關注我們", "点击关注", "點擊關注",
		"立即订阅", "立即訂閱", "订阅我们", "訂閱我們", "分享到", "分享至", "上一篇", "下一篇", "相关阅读", "相關閱讀",
		"推荐阅读", "推薦閱讀", "热门推荐", "熱門推薦", "返回搜狐", "打开app", "打開app", "下载app", "下載app",
		"版权所有", "版權所有", "未经授权", "未經授權", "禁止转载", "禁止轉載", "免责声明", "免責聲明",
		"扫描二维码", "掃描二維碼", "二维码", "二維碼", "©", "copyright", "privacy policy", "terms of service", "cookie policy",
		"subscribe now", "subscribe to", "share this", "share on", "follow us", "read more", "related articles",
		"click here", "sign in", "log in", "advertisement",
	}
)

// maxWeakBoilerplate is the longest line, in characters, that a weak phrase
// marks as boilerplate.
const maxWeakBoilerplate = 40

func isBoilerplate(line string) bool {
	n := strings.ToLower(line)
	for _, p := range strongBoilerplate {
		if strings.Contains(n, p) {
			return true
		}
	}
	if utf8.RuneCountInString(n) > maxWeakBoilerplate {
		return false
	}
	// Inside a sentence a weak phrase is the article's ("该报告来源：国家统计局。",
	// "市民可扫描二维码在线登记，无需现场排队。"); opening a line, it is a label.
	bare := strings.TrimLeft(n, " \t（(【[")
	sentence := strings.ContainsAny(lastRune(strings.TrimSpace(n)), "。！？!?")
	for _, p := range weakBoilerplate {
		if strings.HasPrefix(bare, p) || !sentence && strings.Contains(n, p) {
			return true
		}
	}
	return isBreadcrumb(n)
}

func lastRune(s string) string {
	r, _ := utf8.DecodeLastRuneInString(s)
	return string(r)
}

// isBreadcrumb reports navigation trails such as "首页 > 科技 > 正文".
func isBreadcrumb(n string) bool {
	return strings.Count(n, " > ")+strings.Count(n, " » ")+strings.Count(n, " / ") >= 2
}
