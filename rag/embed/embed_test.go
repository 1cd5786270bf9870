package embed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func dot(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

func TestLocalEmbed(t *testing.T) {
	l := NewLocal(1024)
	vecs, err := l.Embed(context.Background(), []string{
		"火山方舟接入了百川智能和智谱AI的模型",
		"火山方舟接入了DeepSeek-R1",
		"OpenAI released GPT-4o mini",
		"",
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vecs[:3] {
		if len(v) != 1024 || math.Abs(dot(v, v)-1) > 1e-5 {
			t.Errorf("vector %d: %d dims, norm² %v; want unit length", i, len(v), dot(v, v))
		}
	}
	if dot(vecs[0], vecs[1]) <= dot(vecs[0], vecs[2]) {
		t.Errorf("related passages (%.3f) not closer than unrelated ones (%.3f)", dot(vecs[0], vecs[1]), dot(vecs[0], vecs[2]))
	}
	if dot(vecs[3], vecs[3]) != 0 {
		t.Error("empty text gave a non-zero vector")
	}
	again, _ := l.Embed(context.Background(), []string{"火山方舟接入了百川智能和智谱AI的模型"})
	if dot(again[0], vecs[0]) < 0.99999 {
		t.Error("embedding is not deterministic")
	}
}

func TestLocalEmbedQuery(t *testing.T) {
	l := NewLocal(256)
	df := func(_ context.Context, terms []string) (map[string]int, int, error) {
		return map[string]int{"kimi": 3, "价格": 50}, 100, nil
	}
	v, err := l.EmbedQuery(context.Background(), "Kimi 价格 unseenword", nil, df)
	if err != nil {
		t.Fatal(err)
	}
	kimi, _ := l.Embed(context.Background(), []string{"Kimi"})
	price, _ := l.Embed(context.Background(), []string{"价格"})
	if dot(v, kimi[0]) <= dot(v, price[0]) {
		t.Errorf("rare term weighs %.3f, common term %.3f: idf not applied", dot(v, kimi[0]), dot(v, price[0]))
	}
	if _, err := l.EmbedQuery(context.Background(), "unseenword", nil, df); !errors.Is(err, ErrNoKnownTerms) {
		t.Errorf("query of unseen terms: %v, want ErrNoKnownTerms", err)
	}
	withExtra, err := l.EmbedQuery(context.Background(), "unseenword", []Term{{"Kimi", 0.5}}, df)
	if err != nil || dot(withExtra, kimi[0]) < 0.99 {
		t.Errorf("expansion terms not used: %v", err)
	}
	// A term's weight scales its tokens: a translation at a quarter weight
	// leans the vector less towards it than the question's own word.
	light, _ := l.EmbedQuery(context.Background(), "价格", []Term{{"Kimi", 0.25}}, df)
	heavy, _ := l.EmbedQuery(context.Background(), "价格", []Term{{"Kimi", 1}}, df)
	if dot(light, kimi[0]) >= dot(heavy, kimi[0]) {
		t.Errorf("weight 0.25 leans %.3f towards the term, weight 1 %.3f: weights ignored", dot(light, kimi[0]), dot(heavy, kimi[0]))
	}
}

// fakeEmbeddings is an OpenAI-compatible /embeddings endpoint: each input's
// vector is [len(input), index-in-batch, 1], answered in reverse order.
type fakeEmbeddings struct {
	mu          sync.Mutex
	requests    int
	batchSizes  []int
	inFlight    atomic.Int32
	maxInFlight atomic.Int32
	fail429     atomic.Int32 // answer this many requests with 429 first
	dims        []int
}

func (f *fakeEmbeddings) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		m := f.maxInFlight.Load()
		if n <= m || f.maxInFlight.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(5 * time.Millisecond)
	if r.URL.Path != "/v1/embeddings" || r.Header.Get("Authorization") != "Bearer sk-test" {
		http.Error(w, `{"error":{"message":"bad path or key"}}`, http.StatusUnauthorized)
		return
	}
	if f.fail429.Add(-1) >= 0 {
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"error":{"message":"Rate limit reached","type":"requests"}}`)
		return
	}
	var req struct {
		Input      []string `json:"input"`
		Model      string   `json:"model"`
		Dimensions int      `json:"dimensions"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	f.mu.Lock()
	f.requests++
	f.batchSizes = append(f.batchSizes, len(req.Input))
	f.dims = append(f.dims, req.Dimensions)
	f.mu.Unlock()
	type item struct {
		Object    string    `json:"object"`
		Embedding []float32 `json:"embedding"`
		Index     int       `json:"index"`
	}
	var data []item
	for i := len(req.Input) - 1; i >= 0; i-- {
		data = append(data, item{"embedding", []float32{float32(len(req.Input[i])), float32(i), 1}, i})
	}
	json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "model": req.Model})
}

func TestOpenAIBatchesOrdersAndNormalises(t *testing.T) {
	fake := &fakeEmbeddings{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	o := NewOpenAI(OpenAIConfig{BaseURL: srv.URL + "/v1", APIKey: "sk-test", BatchSize: 10, Concurrency: 2, Dimensions: 3})
	texts := make([]string, 45)
	for i := range texts {
		texts[i] = strings.Repeat("x", i+1)
	}
	vecs, err := o.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	if fake.requests != 5 {
		t.Errorf("%d requests for 45 texts in batches of 10, want 5", fake.requests)
	}
	if m := fake.maxInFlight.Load(); m > 2 {
		t.Errorf("%d requests in flight, want at most 2", m)
	}
	for i, v := range vecs {
		want := []float64{float64(i + 1), float64(i % 10), 1}
		norm := math.Sqrt(want[0]*want[0] + want[1]*want[1] + 1)
		for k := range want {
			if math.Abs(float64(v[k])-want[k]/norm) > 1e-5 {
				t.Fatalf("vector %d = %v, want %v normalised: results out of order or not normalised", i, v, want)
			}
		}
	}
	for _, d := range fake.dims {
		if d != 3 {
			t.Errorf("dimensions sent = %d, want 3", d)
		}
	}
}

func TestOpenAIRetries429(t *testing.T) {
	fake := &fakeEmbeddings{}
	fake.fail429.Store(2)
	srv := httptest.NewServer(fake)
	defer srv.Close()
	o := NewOpenAI(OpenAIConfig{BaseURL: srv.URL + "/v1", APIKey: "sk-test"})
	vecs, err := o.Embed(context.Background(), []string{"a", "bb"})
	if err != nil {
		t.Fatal(err)
	}
	if len(vecs) != 2 || fake.requests != 1 {
		t.Errorf("got %d vectors after %d successful requests", len(vecs), fake.requests)
	}
}

func TestOpenAIErrorsAreClearAndKeepTheKeySecret(t *testing.T) {
	srv := httptest.NewServer(&fakeEmbeddings{})
	defer srv.Close()
	o := NewOpenAI(OpenAIConfig{BaseURL: srv.URL + "/v1", APIKey: "sk-wrong-secret"})
	_, err := o.Embed(context.Background(), []string{"a"})
	if err == nil {
		t.Fatal("no error with a wrong key")
	}
	if !strings.Contains(err.Error(), "401") || strings.Contains(err.Error(), "sk-wrong-secret") {
		t.Errorf("err = %q: want the status, never the key", err)
	}

	srv.Close()
	o = NewOpenAI(OpenAIConfig{BaseURL: srv.URL + "/v1", APIKey: "sk-test", HTTPClient: http.DefaultClient})
	if _, err := o.Embed(context.Background(), []string{"a"}); err == nil || !strings.Contains(err.Error(), "connect") {
		t.Errorf("closed endpoint: %v", err)
	}
}
