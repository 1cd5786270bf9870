package rag

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/corpus/zhen"
	"github.com/marketbot/marketbot/rag/embed"
)

// sharedVectorsServer is an OpenAI-compatible /embeddings endpoint that
// does what cross-lingual embedding models do: it maps a text in either
// language to the same vector space. Each entity of the alias table is one
// dimension whatever its name; each Chinese word counts as its first
// English gloss (CC-CEDICT); English words count as their base form.
// Vectors are bags of these concepts, hashed into 512 dimensions.
func sharedVectorsServer(t testing.TB) *httptest.Server {
	aliases, err := corpus.DefaultAliases()
	if err != nil {
		t.Fatal(err)
	}
	embedText := func(text string) []float32 {
		tf := map[string]float64{}
		q := query{text: text, entities: aliases.Match(text)}
		for _, c := range q.analyse() {
			switch {
			case c.alias:
				tf["entity:"+strings.Join(c.alts[0], " ")]++
			case c.lang == "zh":
				word := strings.Join(c.asked[0], "")
				if len(c.asked[0]) > 1 { // bigrams: 营收 is one token, 上下文 two
					word = c.asked[0][0]
					for _, b := range c.asked[0][1:] {
						word += b[len(b)-len(string([]rune(b)[1:])):]
					}
				}
				glosses := zhen.English(word)
				if len(glosses) == 0 {
					tf[word]++
				}
				for _, g := range glosses[:min(3, len(glosses))] {
					tf[stem(g)] += 1 / float64(min(3, len(glosses)))
				}
			default:
				tf[stem(strings.Join(c.asked[0], " "))]++
			}
		}
		v := make([]float32, 512)
		for k, n := range tf {
			h := fnv.New64a()
			h.Write([]byte(k))
			x := h.Sum64()
			w := n
			if x>>63 == 1 {
				w = -w
			}
			v[x%512] += float32(w)
		}
		var norm float64
		for _, x := range v {
			norm += float64(x) * float64(x)
		}
		for i := range v {
			if norm > 0 {
				v[i] /= float32(math.Sqrt(norm))
			}
		}
		return v
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Input []string `json:"input"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var data []map[string]any
		for i, in := range req.Input {
			data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": embedText(in)})
		}
		json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// stem strips an English word's plural or verb ending.
func stem(w string) string {
	for _, suffix := range []string{"ing", "ed", "es", "s"} {
		if strings.HasSuffix(w, suffix) && len(w) > len(suffix)+3 {
			return strings.TrimSuffix(w, suffix)
		}
	}
	return w
}

// sharedVectorsStore is the built-in pack embedded by sharedVectorsServer.
func sharedVectorsStore(t testing.TB) *Store {
	srv := sharedVectorsServer(t)
	return builtinStore(t, Options{Embedder: embed.NewOpenAI(embed.OpenAIConfig{BaseURL: srv.URL + "/v1", APIKey: "sk-test", Model: "shared-vectors"})})
}

// TestMeasureDenseTrust is a measurement, not a check: with
// MARKETBOT_MEASURE_DENSE set, it evaluates the dev set with the shared
// vectors at several thresholds for trusting the dense leg over the floor.
func TestMeasureDenseTrust(t *testing.T) {
	if os.Getenv("MARKETBOT_MEASURE_DENSE") == "" {
		t.Skip("set MARKETBOT_MEASURE_DENSE=1 to measure")
	}
	st := sharedVectorsStore(t)
	qs, _ := DevSet()
	defer func(sim float64) { denseTrustSim = sim }(denseTrustSim)
	for _, sim := range []float64{math.Inf(1), 0.8, 0.7, 0.6, 0.55, 0.5, 0.45, 0.4, 0.35, 0.3} {
		denseTrustSim = sim
		reports, err := Evaluate(context.Background(), st, qs, Hybrid)
		if err != nil {
			t.Fatal(err)
		}
		var line []string
		for _, kind := range []string{"en-zh", "en-trad", "zh-en", "trad-en", "all"} {
			if k := reports[0].Kinds[kind]; k != nil {
				line = append(line, fmt.Sprintf("%s %.2f", kind, k.Hit5))
			}
		}
		fmt.Printf("similarity ≥ %.2f: hit@5 %s; none %.2f\n", sim, strings.Join(line, ", "), reports[0].Kinds["none"].Nothing)
	}
}

// TestDenseTrustWithSharedVectors holds the calibration: with an embedder
// that matches across languages, the unanswerable questions still find
// nothing and the cross-language ones are found.
func TestDenseTrustWithSharedVectors(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole dev set")
	}
	st := sharedVectorsStore(t)
	qs, err := DevSet()
	if err != nil {
		t.Fatal(err)
	}
	reports, err := Evaluate(context.Background(), st, qs, Hybrid)
	if err != nil {
		t.Fatal(err)
	}
	k := reports[0].Kinds
	if k["none"].Nothing < 0.8 { // as many as the lexical floor alone (TestDevSetTargets)
		t.Errorf("found nothing for %.2f of the unanswerable questions, want ≥ 0.8: %v", k["none"].Nothing, k["none"].Misses)
	}
	for _, kind := range []string{"en-zh", "en-trad", "zh-en", "trad-en"} {
		if k[kind].Hit5 < 0.9 {
			t.Errorf("hit@5 on %s = %.2f, want ≥ 0.9: %v", kind, k[kind].Hit5, k[kind].Misses)
		}
	}
}

// TestFloorTrustsTheDenseLeg: a passage that shares no word with the
// question, which a semantic model ranks first with high similarity, is
// not vetoed by the floor; with the local embedder, it is.
func TestFloorTrustsTheDenseLeg(t *testing.T) {
	// An embedder that knows 派息 and "dividend" mean the same.
	concept := func(text string) []float32 {
		v := make([]float32, 8)
		switch {
		case strings.Contains(text, "派息"), strings.Contains(strings.ToLower(text), "dividend"):
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
		mustArticle(t, "payout.md", "---\ntitle: 某公司公告\nlang: zh\n---\n董事会决定每股派息0.5元，于下月发放。"),
	}
	for i := range 12 {
		articles = append(articles, mustArticle(t, fmt.Sprintf("other%d.md", i), fmt.Sprintf("---\ntitle: Note %d\n---\nKimi note number %d about long context windows.", i, i)))
	}
	for name, emb := range map[string]Embedder{
		"semantic": embed.NewOpenAI(embed.OpenAIConfig{BaseURL: srv.URL + "/v1", APIKey: "sk-test", Model: "concepts"}),
		"local":    nil,
	} {
		st, err := OpenStore(ctx, t.TempDir(), Options{Embedder: emb})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if _, err := IngestArticles(ctx, st, articles, IngestOptions{}); err != nil {
			t.Fatal(err)
		}
		ps, err := st.Search(ctx, "What dividend will shareholders receive?", SearchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		found := len(ps) > 0 && ps[0].Path == "payout.md"
		if found != (name == "semantic") {
			t.Errorf("%s embedder: found %v, want the payout passage only when the dense leg is semantic", name, titles(ps))
		}
	}
}
