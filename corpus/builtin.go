package corpus

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
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

// BuiltinVersion identifies the built-in pack by its files' names and
// bytes, without parsing them: a store records it to know whether its copy
// of the pack is current.
func BuiltinVersion() string {
	names, _ := fs.Glob(builtinFS, "articles/*.md") // the pattern is valid
	h := sha256.New()
	for _, name := range names {
		data, _ := builtinFS.ReadFile(name) // listed above, embedded
		fmt.Fprintf(h, "%s %d\n", name, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))
}
