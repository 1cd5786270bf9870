package pricefact

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/marketbot/marketbot/corpus"
)

// BenchmarkExtract reads an article of eight paragraphs, each stating a
// price (the ingest benchmark's worst case).
func BenchmarkExtract(b *testing.B) {
	a, _ := corpus.DefaultAliases()
	var body strings.Builder
	for p := range 8 {
		fmt.Fprintf(&body, "Article 7 paragraph %d: vendor7 cut the price of model7 to 3.%02d yuan per million tokens in 2024. ", p, p)
		fmt.Fprintf(&body, "第7篇文章第%d段：厂商7发布了新的大模型，上下文长度为%dK。\n\n", p, 32*(p+1))
	}
	text := body.String()
	namesOf(a)
	for b.Loop() {
		Extract(text, "Article 7", time.Time{}, a)
	}
}
