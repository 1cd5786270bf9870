package bot

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/marketbot/marketbot/corpus/pricefact"
	"github.com/marketbot/marketbot/rag/prices"
	"github.com/marketbot/marketbot/rag/store"
)

// fakePrices serves one price table and records what it was asked.
type fakePrices struct {
	asked []prices.Query
	err   error
}

func (f *fakePrices) Table(_ context.Context, q prices.Query) (prices.Table, error) {
	f.asked = append(f.asked, q)
	d := time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC)
	return prices.Table{
		Rows:    []prices.Row{{ModelID: "deepseek-v2", Model: "DeepSeek-V2", Vendor: "DeepSeek", Kind: pricefact.Input, PerMillion: 1, Currency: "CNY", Date: d, Source: 1}},
		Sources: []store.PriceFact{{Title: "DeepSeek-V2 released", URL: "https://example.com/v2", Published: d}},
	}, f.err
}

// TestPricesCommand: "prices [model…]" and "价格 [模型…]" answer with the
// table, its sources numbered; without a price source the command is
// off, and a failure is said without internals.
func TestPricesCommand(t *testing.T) {
	fp := &fakePrices{}
	b := New(&fakeAnswerer{}, fakeCorpus{}, Options{Prices: fp})
	ctx := context.Background()
	r := b.Handle(ctx, Question{Text: "价格 DeepSeek-V2"}, nil)
	if r.Table == nil || len(r.Table.Rows) != 1 || r.Table.Rows[0][0] != "DeepSeek-V2" || r.Table.Header[0] != "模型" {
		t.Fatalf("table = %+v, want DeepSeek-V2's row under a Chinese header", r.Table)
	}
	if len(r.Citations) != 1 || r.Citations[0].N != 1 || r.Citations[0].URL != "https://example.com/v2" || r.Table.Rows[0][5] != "[1]" {
		t.Errorf("citations %+v, row %q: want the source numbered 1 in both", r.Citations, r.Table.Rows[0])
	}
	if len(fp.asked) != 1 || len(fp.asked[0].Models) != 1 || fp.asked[0].Models[0] != "DeepSeek-V2" {
		t.Errorf("asked %+v, want the model named", fp.asked)
	}
	if r := b.Handle(ctx, Question{Text: "prices"}, nil); r.Table == nil || r.Table.Header[0] != "Model" || len(fp.asked[1].Models) != 0 {
		t.Errorf("prices with no model: %+v after %+v, want every model's table in English", r, fp.asked)
	}
	fp.err = errors.New("database is locked")
	if r := b.Handle(ctx, Question{Text: "prices"}, nil); strings.Contains(r.Text, "database") || r.Table != nil {
		t.Errorf("failure reply = %+v", r)
	}
	if r := New(&fakeAnswerer{}, fakeCorpus{}, Options{}).Handle(ctx, Question{Text: "prices"}, nil); r.Table != nil {
		t.Errorf("no price source, yet a table: %+v", r)
	}
}
