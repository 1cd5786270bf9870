package bot

import (
	"strings"
	"unicode"
)

type command int

const (
	cmdAsk command = iota
	cmdBrief
	cmdSources
	cmdPrices
	cmdHelp
)

// commandNames are the commands in English and Chinese.
var commandNames = map[string]command{
	"ask": cmdAsk, "问": cmdAsk, "問": cmdAsk,
	"brief": cmdBrief, "简报": cmdBrief, "簡報": cmdBrief,
	"sources": cmdSources, "来源": cmdSources, "來源": cmdSources,
	"prices": cmdPrices, "价格": cmdPrices, "價格": cmdPrices,
	"help": cmdHelp, "帮助": cmdHelp, "幫助": cmdHelp,
}

// parseCommand reads a command and its argument from a message. "/cmd
// arg" is a command; so are "ask …", "brief …" and "prices …", and a
// message that is just a command's name ("help", "sources"). An unknown "/command" asks
// for help. Anything else is a question.
func parseCommand(text string) (command, string) {
	text = strings.TrimSpace(text)
	fields := strings.Fields(text)
	if len(fields) == 0 {
		return cmdAsk, ""
	}
	word := fields[0]
	rest := strings.TrimSpace(text[len(word):])
	name, slash := strings.CutPrefix(strings.ToLower(word), "/")
	if slash {
		// Chinese commands may run into their argument: "/问火山方舟…".
		for n := range commandNames {
			if arg, ok := strings.CutPrefix(name, n); ok && arg != "" && !isASCII(n) {
				name, rest = n, strings.TrimSpace(arg+" "+rest)
				break
			}
		}
	}
	cmd, known := commandNames[name]
	switch {
	case slash && !known:
		return cmdHelp, ""
	case slash:
		return cmd, rest
	case known && (rest == "" || cmd == cmdAsk || cmd == cmdBrief || cmd == cmdPrices):
		return cmd, rest
	}
	return cmdAsk, text
}

func isASCII(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII {
			return false
		}
	}
	return true
}
