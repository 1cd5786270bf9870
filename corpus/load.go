package corpus

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// MaxFileSize is the largest file Load accepts.
const MaxFileSize = 16 << 20

// ErrUnsupported is returned for files of a format no loader reads.
var ErrUnsupported = errors.New("unsupported format (want .md, .markdown, .txt, .html or .htm)")

// Supported reports whether a loader reads files with this name.
func Supported(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".md", ".markdown", ".txt", ".text", ".html", ".htm", ".xhtml":
		return true
	}
	return false
}

// Parse reads one document; the extension of name selects the loader
// (Markdown with YAML front matter, plain text, or HTML). The article's Path
// is name. Errors say what is wrong with the content, not where it is.
func Parse(name string, data []byte) (Article, error) {
	return parse(name, data, "")
}

// ParsePage reads a web page fetched from url, whose HTTP Content-Type
// (which may name its charset) was contentType.
func ParsePage(url string, data []byte, contentType string) (Article, error) {
	return parse(url, data, cmp.Or(contentType, "text/html"))
}

// parse is Parse; contentType, when set, makes the document a web page
// and may name its charset.
func parse(name string, data []byte, contentType string) (Article, error) {
	if len(data) > MaxFileSize {
		return Article{}, fmt.Errorf("file is %d bytes, more than the %d allowed", len(data), MaxFileSize)
	}
	var (
		a   Article
		err error
	)
	switch ext := strings.ToLower(filepath.Ext(name)); {
	case contentType != "":
		a, err = parseHTML(data, contentType)
	case ext == ".md", ext == ".markdown":
		a, err = parseMarkdown(data)
	case ext == ".txt", ext == ".text":
		a, err = parseText(data)
	case ext == ".html", ext == ".htm", ext == ".xhtml":
		a, err = parseHTML(data, "text/html")
	default:
		return Article{}, ErrUnsupported
	}
	if err != nil {
		return Article{}, err
	}
	a.Path = name
	a.Title = strings.TrimSpace(Clean(a.Title))
	if a.Text == "" {
		return Article{}, errors.New("no text left after cleaning")
	}
	if a.Title == "" {
		a.Title = firstLine(a.Text)
	}
	if a.Lang == "" {
		a.Lang = DetectLang(a.Title + "\n" + a.Text)
	}
	return a, nil
}

// LoadFile reads and parses the file at path. Errors name the path.
func LoadFile(path string) (Article, error) {
	info, err := os.Stat(path)
	if err != nil {
		return Article{}, fmt.Errorf("load %s: %w", path, err)
	}
	if info.Size() > MaxFileSize {
		return Article{}, fmt.Errorf("load %s: file is %d bytes, more than the %d allowed", path, info.Size(), MaxFileSize)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Article{}, fmt.Errorf("load %s: %w", path, err)
	}
	a, err := Parse(path, data)
	if err != nil {
		return Article{}, fmt.Errorf("load %s: %w", path, err)
	}
	return a, nil
}

// ListFiles returns root itself when it is a file, and otherwise every file
// under it, recursively, that a loader reads, in lexical order. Hidden files
// and directories are skipped.
func ListFiles(root string) ([]string, error) {
	info, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return []string{root}, nil
	}
	var files []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		hidden := path != root && strings.HasPrefix(d.Name(), ".")
		switch {
		case d.IsDir() && hidden:
			return filepath.SkipDir
		case !d.IsDir() && !hidden && d.Type().IsRegular() && Supported(path):
			files = append(files, path)
		}
		return nil
	})
	slices.Sort(files)
	return files, err
}

// decodeText returns data as UTF-8 text. It accepts UTF-8 (with or without
// a byte-order mark), UTF-16 with a byte-order mark, and GB18030/GBK, which
// older Chinese sites still serve; it refuses binary data.
func decodeText(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		out, err := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil {
			return "", fmt.Errorf("bad UTF-16: %w", err)
		}
		return string(out), nil
	}
	if bytes.IndexByte(data[:min(len(data), 8192)], 0) >= 0 {
		return "", errors.New("binary data, not text")
	}
	if utf8.Valid(data) {
		return string(data), nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil || !utf8.Valid(out) || bytes.ContainsRune(out, utf8.RuneError) {
		return "", errors.New("text is neither UTF-8 nor GB18030")
	}
	return string(out), nil
}

func firstLine(s string) string {
	for line := range strings.SplitSeq(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			if r := []rune(line); len(r) > 120 {
				return string(r[:120]) + "…"
			}
			return line
		}
	}
	return ""
}
