package brief

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"regexp"
	"slices"
	"strings"

	"github.com/marketbot/marketbot/corpus"
)

// sketch tells a real change of an article from noise: its title, the
// figures it states, and a MinHash of its word triples (the share of equal
// slots estimates how much of the wording two versions share).
type sketch struct {
	title   string
	figures []string
	minhash [sketchSlots]uint32
}

const (
	sketchSlots = 32
	// sameWording is the share of MinHash slots two versions must share
	// to read as the same text: a changed date line or a corrected typo
	// keeps well above it, a rewritten story falls below.
	sameWording = 0.8
)

var figureRE = regexp.MustCompile(`\d+(?:[.,]\d+)*`)

func newSketch(title, text string) sketch {
	s := sketch{title: hashHex(corpus.Normalize(title))}
	seen := map[string]bool{}
	for _, f := range figureRE.FindAllString(text, -1) {
		if f = strings.ReplaceAll(f, ",", ""); !seen[f] {
			seen[f] = true
			s.figures = append(s.figures, f)
		}
	}
	slices.Sort(s.figures)
	for i := range s.minhash {
		s.minhash[i] = ^uint32(0)
	}
	toks := corpus.Tokens(text)
	shingles := max(len(toks)-2, min(len(toks), 1)) // word triples; one for a text of one or two words
	for i := range shingles {
		shingle := strings.Join(toks[i:min(i+3, len(toks))], " ")
		h := fnv.New64a()
		h.Write([]byte(shingle))
		x := h.Sum64()
		for j := range s.minhash {
			// One hash, permuted per slot: multiply by an odd constant and
			// keep the high bits.
			v := uint32(((x ^ uint64(j)*0x9e3779b97f4a7c15) * 0xbf58476d1ce4e5b9) >> 32)
			s.minhash[j] = min(s.minhash[j], v)
		}
	}
	return s
}

func hashHex(s string) string {
	h := fnv.New64a()
	h.Write([]byte(s))
	return fmt.Sprintf("%016x", h.Sum64())
}

// String encodes the sketch for the store.
func (s sketch) String() string {
	b := make([]byte, 0, 4*sketchSlots)
	for _, v := range s.minhash {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	return "1;" + s.title + ";" + strings.Join(s.figures, ",") + ";" + hex.EncodeToString(b)
}

// parseSketch decodes a stored sketch; ok is false for a malformed one.
func parseSketch(v string) (s sketch, ok bool) {
	parts := strings.Split(v, ";")
	if len(parts) != 4 || parts[0] != "1" {
		return s, false
	}
	b, err := hex.DecodeString(parts[3])
	if err != nil || len(b) != 4*sketchSlots {
		return s, false
	}
	s.title = parts[1]
	if parts[2] != "" {
		s.figures = strings.Split(parts[2], ",")
	}
	for i := range s.minhash {
		s.minhash[i] = binary.BigEndian.Uint32(b[4*i:])
	}
	return s, true
}

// changed reports whether t is a real change of s: a new title, a figure
// added or gone, or wording that is mostly new.
func (s sketch) changed(t sketch) bool {
	if s.title != t.title || !slices.Equal(s.figures, t.figures) {
		return true
	}
	same := 0
	for i := range s.minhash {
		if s.minhash[i] == t.minhash[i] {
			same++
		}
	}
	return float64(same)/sketchSlots < sameWording
}

// notBriefed leaves out of arts what target was briefed already, unless
// it really changed since: those stay, marked as updates.
func notBriefed(ctx context.Context, l Ledger, target string, arts []briefArticle) ([]briefArticle, error) {
	paths := make([]string, len(arts))
	for i, x := range arts {
		paths[i] = x.path
	}
	seen, err := l.Briefed(ctx, target, paths)
	if err != nil {
		return nil, err
	}
	out := arts[:0]
	for _, x := range arts {
		before, ok := seen[x.path]
		switch {
		case !ok:
		case before.TextHash == x.textHash:
			continue // the same text: not news
		default:
			old, valid := parseSketch(before.Sketch)
			if valid && !old.changed(newSketch(x.title, x.text)) {
				continue // changed in form only
			}
			x.update = true
		}
		out = append(out, x)
	}
	return out, nil
}
