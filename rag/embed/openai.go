package embed

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/marketbot/marketbot/rag/retryhttp"
)

// OpenAIConfig configures an OpenAI-compatible embeddings client.
type OpenAIConfig struct {
	BaseURL     string // e.g. https://api.openai.com/v1, https://ark.cn-beijing.volces.com/api/v3
	APIKey      string
	Model       string        // default text-embedding-3-small
	Dimensions  int           // ask for shorter vectors where the endpoint supports it; 0: its default
	BatchSize   int           // inputs per request; default 64
	Concurrency int           // requests in flight; default 4
	Timeout     time.Duration // per request, retries included; default 60s
	HTTPClient  *http.Client  // default: a client that retries 429 and 5xx with backoff
}

// OpenAI embeds text with an OpenAI-compatible /embeddings endpoint:
// batched, a bounded number of requests at once, retried on 429 (honouring
// Retry-After) and 5xx, results put back in input order and normalised.
type OpenAI struct {
	client *openai.Client
	cfg    OpenAIConfig
}

// NewOpenAI returns an embeddings client.
func NewOpenAI(cfg OpenAIConfig) *OpenAI {
	if cfg.Model == "" {
		cfg.Model = "text-embedding-3-small"
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 64
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 4
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	if cfg.BaseURL != "" {
		oc.BaseURL = cfg.BaseURL
	}
	if cfg.HTTPClient != nil {
		oc.HTTPClient = cfg.HTTPClient
	} else {
		oc.HTTPClient = &http.Client{Transport: &retryhttp.Transport{}}
	}
	return &OpenAI{client: openai.NewClientWithConfig(oc), cfg: cfg}
}

// Info identifies the embedder.
func (o *OpenAI) Info() Info { return Info{Name: "openai", Model: o.cfg.Model, Dims: o.cfg.Dimensions} }

// Embed returns one unit vector per text, in order.
func (o *OpenAI) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sem := make(chan struct{}, o.cfg.Concurrency)
	var wg sync.WaitGroup
	for start := 0; start < len(texts); start += o.cfg.BatchSize {
		end := min(start+o.cfg.BatchSize, len(texts))
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			vecs, err := o.batch(ctx, texts[start:end])
			if err != nil {
				cancel(err)
				return
			}
			copy(out[start:end], vecs)
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return out, nil
}

func (o *OpenAI) batch(ctx context.Context, texts []string) ([][]float32, error) {
	ctx, cancel := context.WithTimeout(ctx, o.cfg.Timeout)
	defer cancel()
	resp, err := o.client.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{
		Input:      texts,
		Model:      openai.EmbeddingModel(o.cfg.Model),
		Dimensions: o.cfg.Dimensions,
	})
	if err != nil {
		return nil, fmt.Errorf("embed with %s: %w", o.cfg.Model, describe(err))
	}
	if len(resp.Data) != len(texts) {
		return nil, fmt.Errorf("embed with %s: sent %d texts, got %d vectors", o.cfg.Model, len(texts), len(resp.Data))
	}
	// Servers may answer out of order: Index says which input each is.
	data := slices.Clone(resp.Data)
	slices.SortFunc(data, func(a, b openai.Embedding) int { return a.Index - b.Index })
	out := make([][]float32, len(texts))
	for i, d := range data {
		if d.Index != i || len(d.Embedding) == 0 {
			return nil, fmt.Errorf("embed with %s: malformed response (index %d of %d)", o.cfg.Model, d.Index, len(texts))
		}
		normalize(d.Embedding)
		out[i] = d.Embedding
	}
	return out, nil
}

// describe turns the client's errors into short messages that say what
// went wrong without echoing request or response bodies; the original
// stays in the chain.
func describe(err error) error {
	if apiErr, ok := errors.AsType[*openai.APIError](err); ok {
		return endpointError{fmt.Sprintf("endpoint answered %d: %s", apiErr.HTTPStatusCode, apiErr.Message), err}
	}
	if reqErr, ok := errors.AsType[*openai.RequestError](err); ok {
		return endpointError{fmt.Sprintf("endpoint answered %d (%s)", reqErr.HTTPStatusCode, http.StatusText(reqErr.HTTPStatusCode)), err}
	}
	return err
}

type endpointError struct {
	msg string
	err error
}

func (e endpointError) Error() string { return e.msg }
func (e endpointError) Unwrap() error { return e.err }
