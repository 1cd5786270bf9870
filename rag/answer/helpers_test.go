package answer

import "github.com/marketbot/marketbot/rag/search/searchtest"

var (
	builtinStore = searchtest.Builtin
	over         = searchtest.Over
)
