package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// parseMarkdown reads Markdown with optional YAML front matter between
// "---" lines. Known keys fill the article's fields (title, url or link,
// published or date, source or publisher, lang or language, tags); the
// rest are kept in Meta. Without a title, the first heading is the title.
func parseMarkdown(data []byte) (Article, error) {
	s, err := decodeText(data)
	if err != nil {
		return Article{}, err
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var a Article
	if rest, ok := strings.CutPrefix(s, "---\n"); ok {
		fm, body, found := strings.Cut(rest, "\n---")
		if !found {
			return Article{}, errors.New("front matter opened with --- is never closed")
		}
		if a, err = frontMatter(fm); err != nil {
			return Article{}, err
		}
		// Drop the rest of the closing line ("---" or "---\n").
		_, body, _ = strings.Cut(body, "\n")
		s = body
	}
	body := markdownText(s)
	if a.Title == "" {
		if m := atxHeading.FindStringSubmatchIndex(body); m != nil && strings.TrimSpace(body[:m[0]]) == "" {
			a.Title = body[m[2]:m[3]]
			body = body[m[1]:]
		}
	}
	a.Text = Clean(headingMark.ReplaceAllString(body, ""))
	return a, nil
}

var (
	atxHeading  = regexp.MustCompile(`(?m)^#{1,6}[ \t]+(.+?)[ \t#]*$`)
	headingMark = regexp.MustCompile(`(?m)^#{1,6}[ \t]+`)
)

// frontMatter decodes the YAML header. Values are read as the strings
// written, so a bare date stays a date and is parsed by ParseDate.
func frontMatter(src string) (Article, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		return Article{}, fmt.Errorf("front matter: %w", err)
	}
	var a Article
	if len(doc.Content) == 0 {
		return a, nil
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return Article{}, fmt.Errorf("front matter: line %d: want key: value pairs", m.Line)
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		key, val := strings.ToLower(m.Content[i].Value), m.Content[i+1]
		str := nodeString(val)
		switch key {
		case "title":
			a.Title = str
		case "url", "link":
			a.URL = str
		case "source", "publisher":
			a.Source = str
		case "lang", "language":
			a.Lang = normaliseLang(str)
		case "published", "date":
			t, err := ParseDate(str)
			if err != nil {
				return Article{}, fmt.Errorf("front matter: line %d: %s: %w", val.Line, key, err)
			}
			a.Published = t
		case "tags":
			if val.Kind == yaml.SequenceNode {
				for _, t := range val.Content {
					a.Tags = append(a.Tags, nodeString(t))
				}
			} else if str != "" {
				for t := range strings.SplitSeq(str, ",") {
					a.Tags = append(a.Tags, strings.TrimSpace(t))
				}
			}
		default:
			if a.Meta == nil {
				a.Meta = map[string]string{}
			}
			a.Meta[m.Content[i].Value] = str
		}
	}
	return a, nil
}

// nodeString renders a YAML value as text: scalars as written, anything
// else as compact YAML.
func nodeString(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return strings.TrimSpace(n.Value)
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	n.Style = yaml.FlowStyle
	_ = enc.Encode(n) // encoding a decoded node cannot fail
	return strings.TrimSpace(b.String())
}

// normaliseLang maps language tags to the ones marketbot uses.
func normaliseLang(tag string) string {
	t := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(tag), "_", "-"))
	switch {
	case t == "":
		return ""
	case t == "zh-hant" || t == "zh-tw" || t == "zh-hk" || t == "zh-mo" || strings.HasPrefix(t, "zh-hant"):
		return "zh-Hant"
	case strings.HasPrefix(t, "zh"):
		return "zh"
	case strings.HasPrefix(t, "en"):
		return "en"
	}
	return t
}

// mdRules are applied in order; marker is a string every match contains.
var mdRules = []struct {
	marker, repl string
	re           *regexp.Regexp
}{
	{"```", "", regexp.MustCompile("(?m)^[ \t]{0,3}```.*$")},
	{"~~~", "", regexp.MustCompile("(?m)^[ \t]{0,3}~~~.*$")},
	{"![", "", regexp.MustCompile(`!\[[^\]]*\]\([^)]*\)`)},
	{"]:", "", regexp.MustCompile(`(?m)^[ \t]*\[[^\]]+\]:[ \t]*\S+.*$`)},
	{"](", "$1", regexp.MustCompile(`\[([^\]]+)\]\([^)]*\)`)},
	{"][", "$1", regexp.MustCompile(`\[([^\]]+)\]\[[^\]]*\]`)},
	{"<http", "$1", regexp.MustCompile(`<(https?://[^>\s]+)>`)},
	{"**", "$2", regexp.MustCompile(`(\*\*)(\S(?:.*?\S)?)\*\*`)},
	{"__", "$2", regexp.MustCompile(`(__)(\S(?:.*?\S)?)__`)},
	{"*", "$1$2", regexp.MustCompile(`(^|[^\w*])\*(\S(?:[^*\n]*\S)?)\*`)},
	{"~~", "$1", regexp.MustCompile(`~~(.+?)~~`)},
	{"`", "$1", regexp.MustCompile("`([^`\n]+)`")},
	{">", "", regexp.MustCompile(`(?m)^[ \t]{0,3}>[ \t]?`)},
	{"---", "", regexp.MustCompile(`(?m)^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$\n?`)},
	{"", "", regexp.MustCompile(`(?m)^[ \t]{0,3}(?:[-*_][ \t]*){3,}$`)},
}

// markdownText strips Markdown syntax, keeping the words: link text
// without targets, no images, emphasis marks, quote marks, rules or table
// separator rows. Headings keep their "#" for the caller, table rows their
// pipes.
func markdownText(s string) string {
	// Each rule runs only when its marker is present: most text has few.
	for _, r := range mdRules {
		if strings.Contains(s, r.marker) {
			s = r.re.ReplaceAllString(s, r.repl)
		}
	}
	return s
}
