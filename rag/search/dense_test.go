package search

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/embed"
	"github.com/marketbot/marketbot/rag/store"
)

// TestFloorTrustsTheDenseLeg: a passage that shares no word with the
// question, which a semantic model ranks first with high similarity, is
// not vetoed by the floor; with the local embedder, it is.
func TestFloorTrustsTheDenseLeg(t *testing.T) {
	// An embedder that knows 派发 (paid out) and "dividend" mean the same
	// here; the alias table knows only 派息.
	concept := func(text string) []float32 {
		v := make([]float32, 8)
		switch {
		case strings.Contains(text, "派发"), strings.Contains(strings.ToLower(text), "dividend"):
			v[0] = 1
		case strings.Contains(text, "Kimi"):
			v[1] = 1
		default:
			v[2+len(text)%6] = 1
		}
		return v
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Input []string `json:"input"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		var data []map[string]any
		for i, in := range req.Input {
			data = append(data, map[string]any{"index": i, "embedding": concept(in)})
		}
		json.NewEncoder(w).Encode(map[string]any{"data": data})
	}))
	defer srv.Close()
	ctx := context.Background()
	articles := []corpus.Article{
		mustArticle(t, "payout.md", "---\ntitle: 某公司公告\nlang: zh\n---\n董事会决定每股派发0.5元，于下月发放。"),
	}
	for i := range 12 {
		articles = append(articles, mustArticle(t, fmt.Sprintf("other%d.md", i), fmt.Sprintf("---\ntitle: Note %d\n---\nKimi note number %d about long context windows.", i, i)))
	}
	for name, emb := range map[string]store.Embedder{
		"semantic": embed.NewOpenAI(embed.OpenAIConfig{BaseURL: srv.URL + "/v1", APIKey: "sk-test", Model: "concepts"}),
		"local":    nil,
	} {
		opened, err := store.Open(ctx, t.TempDir(), store.Options{Embedder: emb})
		if err != nil {
			t.Fatal(err)
		}
		defer opened.Close()
		st := over(t, opened, nil)
		if _, err := store.IngestArticles(ctx, st.Store, articles, store.IngestOptions{}); err != nil {
			t.Fatal(err)
		}
		ps, err := st.Search(ctx, "What dividend will shareholders receive?", Options{})
		if err != nil {
			t.Fatal(err)
		}
		found := len(ps) > 0 && ps[0].Path == "payout.md"
		if found != (name == "semantic") {
			t.Errorf("%s embedder: found %v, want the payout passage only when the dense leg is semantic", name, titles(ps))
		}
	}
}
