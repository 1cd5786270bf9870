package corpus

import (
	"strings"
	"unicode/utf8"
)

// Publisher boilerplate, matched on the normalised (Simplified, lower-case)
// line. Strong phrases mark a line as boilerplate whatever its length; weak
// ones only on short lines, where they are navigation or calls to action
// rather than part of a sentence about them.
var (
	strongBoilerplate = []string{
		"如对本稿件有异议或投诉", "如对本稿件有异议", "转载请注明", "转载请联系", "本文仅代表作者",
		"不代表本站观点", "扫码关注", "长按识别二维码", "点击阅读原文", "all rights reserved",
		"sign up for our newsletter", "subscribe to our newsletter", "this site uses cookies", "we use cookies",
	}
	weakBoilerplate = []string{
		"责任编辑", "编辑：", "编辑:", "关注我们", "点击关注", "立即订阅", "订阅我们", "分享到", "分享至",
		"上一篇", "下一篇", "相关阅读", "推荐阅读", "热门推荐", "返回搜狐", "打开app", "下载app", "版权所有",
		"未经授权", "禁止转载", "免责声明", "扫描二维码", "©", "copyright", "privacy policy",
		"terms of service", "cookie policy", "subscribe now", "subscribe to", "share this", "share on",
		"follow us", "read more", "related articles", "click here", "sign in", "log in", "advertisement",
	}
)

// maxWeakBoilerplate is the longest line, in characters, that a weak phrase
// marks as boilerplate.
const maxWeakBoilerplate = 40

func isBoilerplate(line string) bool {
	n := Normalize(line)
	for _, p := range strongBoilerplate {
		if strings.Contains(n, p) {
			return true
		}
	}
	if utf8.RuneCountInString(n) > maxWeakBoilerplate {
		return false
	}
	for _, p := range weakBoilerplate {
		if strings.Contains(n, p) {
			return true
		}
	}
	return isBreadcrumb(n)
}

// isBreadcrumb reports navigation trails such as "首页 > 科技 > 正文".
func isBreadcrumb(n string) bool {
	return strings.Count(n, " > ")+strings.Count(n, " » ")+strings.Count(n, " / ") >= 2
}
