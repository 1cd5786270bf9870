package corpus

import (
	"strings"
	"testing"
	"time"
)

const rssFixture = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>AI 快讯</title><language>zh-cn</language>
<item><title>火山方舟上线DeepSeek-R1</title><link>https://example.com/ark-r1</link>
<guid>ark-r1</guid><pubDate>Thu, 13 Feb 2025 09:30:00 +0800</pubDate>
<description><![CDATA[<p>2025年2月，<b>火山方舟</b>上线DeepSeek-R1。</p><script>x()</script>]]></description></item>
<item><title>No link, no guid</title><description>orphan</description></item>
</channel></rss>`

const atomFixture = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Model News</title>
<entry><title>Qwen3 released</title><link href="https://example.com/qwen3"/><id>tag:example.com,2025:qwen3</id>
<updated>2025-04-29T12:00:00-07:00</updated><content type="html">&lt;p&gt;Alibaba released Qwen3 under Apache 2.0.&lt;/p&gt;</content></entry>
</feed>`

const jsonFeedFixture = `{"version":"https://jsonfeed.org/version/1.1","title":"JSON Wire",
"items":[{"id":"1","url":"https://example.com/kimi-k2","title":"Kimi K2","content_text":"Moonshot AI open-sourced Kimi K2.","date_published":"2025-07-11T08:00:00Z"}]}`

func TestParseFeeds(t *testing.T) {
	title, items, err := ParseFeed([]byte(rssFixture), "https://example.com/rss")
	if err != nil {
		t.Fatal(err)
	}
	if title != "AI 快讯" || len(items) != 1 {
		t.Fatalf("rss: %q, %d items", title, len(items))
	}
	a := items[0]
	if a.URL != "https://example.com/ark-r1" || a.Path != a.URL || a.Source != "AI 快讯" || a.Lang != "zh" || a.GUID != "ark-r1" {
		t.Errorf("rss item = %+v", a.Article)
	}
	if got := a.Published.Format(time.RFC3339); got != "2025-02-13T09:30:00+08:00" {
		t.Errorf("published %s, want the zone kept", got)
	}
	if a.Text != "2025年2月，火山方舟上线DeepSeek-R1。" {
		t.Errorf("text %q", a.Text)
	}
	_, items, err = ParseFeed([]byte(atomFixture), "https://example.com/atom")
	if err != nil || len(items) != 1 || items[0].Text != "Alibaba released Qwen3 under Apache 2.0." || items[0].Published.Format(time.RFC3339) != "2025-04-29T12:00:00-07:00" {
		t.Errorf("atom: %+v, %v", items, err)
	}
	_, items, err = ParseFeed([]byte(jsonFeedFixture), "https://example.com/json")
	if err != nil || len(items) != 1 || items[0].URL != "https://example.com/kimi-k2" || items[0].Lang != "en" {
		t.Errorf("json feed: %+v, %v", items, err)
	}
	if _, _, err := ParseFeed([]byte("<html>not a feed</html>"), "https://example.com/x"); err == nil || !strings.Contains(err.Error(), "example.com/x") {
		t.Errorf("not a feed: %v", err)
	}
}
