package corpus

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
)

//go:embed articles/*.md
var builtinFS embed.FS

// BuiltinPrefix starts the Path of every built-in article, so that they are
// never mistaken for files on disk.
const BuiltinPrefix = "builtin:"

// Builtin returns the built-in knowledge pack: articles about the LLM
// market written for marketbot, each citing its original source. Their
// paths are "builtin:articles/<file>".
func Builtin() ([]Article, error) {
	names, err := fs.Glob(builtinFS, "articles/*.md")
	if err != nil {
		return nil, err
	}
	out := make([]Article, 0, len(names))
	for _, name := range names {
		data, err := builtinFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		a, err := Parse(BuiltinPrefix+name, data)
		if err != nil {
			return nil, fmt.Errorf("built-in article %s: %w", path.Base(name), err)
		}
		out = append(out, a)
	}
	return out, nil
}
