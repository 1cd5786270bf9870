package corpus

import "strings"

// parseText reads plain text: the first non-empty line is the title, the
// rest the body.
func parseText(data []byte) (Article, error) {
	s, err := decodeText(data)
	if err != nil {
		return Article{}, err
	}
	s = strings.TrimLeft(strings.ReplaceAll(s, "\r\n", "\n"), " \t\n")
	title, body, _ := strings.Cut(s, "\n")
	text := Clean(body)
	if text == "" {
		text = Clean(title)
	}
	return Article{Title: title, Text: text}, nil
}
