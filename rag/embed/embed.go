// Package embed turns text into unit vectors for the vector leg of
// retrieval: an offline lexical embedder (feature-hashed tf-idf) and a
// client for any OpenAI-compatible /embeddings endpoint.
package embed

import (
	"fmt"
	"math"
)

// Info identifies an embedder. A store built with one embedder refuses
// vectors from another.
type Info struct {
	Name  string // "local" or "openai"
	Model string
	Dims  int // 0 when only the first response will tell
}

func (i Info) String() string {
	if i.Dims == 0 {
		return fmt.Sprintf("%s (%s)", i.Name, i.Model)
	}
	return fmt.Sprintf("%s (%s, %d dims)", i.Name, i.Model, i.Dims)
}

// normalize scales v to unit length in place; a zero vector stays zero.
func normalize(v []float32) {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	if sum == 0 {
		return
	}
	inv := float32(1 / math.Sqrt(sum))
	for i := range v {
		v[i] *= inv
	}
}
