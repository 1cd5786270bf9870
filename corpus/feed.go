package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"
)

// FeedItem is one entry of a feed, as an article.
type FeedItem struct {
	Article
	GUID string
}

// ParseFeed reads an RSS, Atom or JSON Feed document fetched from
// feedURL. Each item becomes an article: its link is its URL and Path,
// the feed's title its Source, its publication (or update) date kept with
// its time zone, its HTML summary or content cleaned to text. Items with
// neither a link nor text are skipped.
func ParseFeed(data []byte, feedURL string) (title string, items []FeedItem, err error) {
	f, err := gofeed.NewParser().Parse(bytes.NewReader(data))
	if err != nil {
		return "", nil, fmt.Errorf("parse feed %s: %w", feedURL, err)
	}
	for _, it := range f.Items {
		a := Article{Title: strings.TrimSpace(Clean(it.Title)), URL: strings.TrimSpace(it.Link), Source: strings.TrimSpace(f.Title)}
		if a.URL == "" && strings.HasPrefix(it.GUID, "http") {
			a.URL = it.GUID
		}
		// The raw date keeps its zone; gofeed's parsed one is in UTC.
		for _, raw := range []string{it.Published, it.Updated} {
			if t, err := ParseDate(raw); err == nil && !t.IsZero() {
				a.Published = t
				break
			}
		}
		if a.Published.IsZero() {
			if it.PublishedParsed != nil {
				a.Published = *it.PublishedParsed
			} else if it.UpdatedParsed != nil {
				a.Published = *it.UpdatedParsed
			}
		}
		body := it.Content
		if len(strings.TrimSpace(htmlText(it.Description))) > len(strings.TrimSpace(htmlText(body))) {
			body = it.Description
		}
		a.Text = htmlText(body)
		if a.Text == "" {
			a.Text = a.Title
		}
		a.Path = a.URL
		if a.Path == "" {
			a.Path = feedURL + "#" + it.GUID
		}
		if a.Text == "" || (a.URL == "" && it.GUID == "") {
			continue
		}
		a.Lang = normaliseLang(f.Language)
		if a.Lang == "" {
			a.Lang = DetectLang(a.Title + "\n" + a.Text)
		}
		if a.Title == "" {
			a.Title = firstLine(a.Text)
		}
		items = append(items, FeedItem{Article: a, GUID: it.GUID})
	}
	if len(f.Items) > 0 && len(items) == 0 {
		return f.Title, nil, errors.New("no usable items (each needs a link and some text)")
	}
	return strings.TrimSpace(f.Title), items, nil
}

// htmlText turns an HTML fragment (a feed summary) into clean text.
func htmlText(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	if !strings.ContainsAny(s, "<&") {
		return Clean(s)
	}
	nodes, err := html.ParseFragment(strings.NewReader(s), nil)
	if err != nil {
		return Clean(s)
	}
	var b strings.Builder
	for _, n := range nodes {
		b.WriteString(rawText(n))
	}
	return Clean(b.String())
}
