package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/prices"
	"github.com/marketbot/marketbot/rag/prices/chart"
)

func (e *environment) prices(ctx context.Context, args []string) error {
	fs, dataDir := e.flags("prices")
	asJSON := fs.Bool("json", false, "print JSON")
	history := fs.Bool("history", false, "every observation, not only each model's latest input and output price")
	since := fs.String("since", "", "only prices effective on or after this date (2024-05-01)")
	currency := fs.String("currency", "", "only prices stated in CNY or USD (never converted)")
	chartFile := fs.String("chart", "", "also draw the input prices over time into this PNG file")
	models, err := parse(fs, args)
	if err != nil {
		return err
	}
	q := prices.Query{History: *history, Currency: strings.ToUpper(*currency)}
	if len(models) > 0 { // one text, so that "GPT-4o mini" may come unquoted
		q.Models = []string{strings.Join(models, " ")}
	}
	if q.Currency != "" && q.Currency != "CNY" && q.Currency != "USD" {
		return usageError{fmt.Sprintf("--currency %q: want CNY or USD", *currency)}
	}
	if q.Since, err = dateFlag("since", *since); err != nil {
		return err
	}
	st, err := e.openStore(ctx, *dataDir, true)
	if err != nil {
		return err
	}
	defer st.Close()
	eng, err := e.wire(st, nil, nil, nil)
	if err != nil {
		return err
	}
	if *chartFile != "" {
		if err := e.drawPrices(ctx, eng.prices, q, *chartFile); err != nil {
			return err
		}
	}
	t, err := eng.prices.Table(ctx, q)
	if err != nil {
		return err
	}
	if *asJSON {
		return writePricesJSON(e.stdout, t)
	}
	writePrices(e.stdout, t, "en")
	return nil
}

// drawPrices draws the input prices the query selects, over time.
func (e *environment) drawPrices(ctx context.Context, tables *prices.Tables, q prices.Query, file string) error {
	q.History = true
	t, err := tables.Table(ctx, q)
	if err != nil {
		return err
	}
	f, err := os.Create(file)
	if err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	if err := chart.Draw(f, prices.Series(t), 1000, 600); err != nil {
		f.Close()
		os.Remove(file)
		return fmt.Errorf("chart: %w", err)
	}
	return f.Close()
}

// pricesJSON is the contract of "prices --json" (design.md §8).
type pricesJSON struct {
	Prices []priceJSON `json:"prices"`
}

type priceJSON struct {
	Model      string            `json:"model"`
	Vendor     string            `json:"vendor"`
	Kind       string            `json:"kind"`
	PerMillion float64           `json:"per_million"`
	Currency   string            `json:"currency"`
	Date       string            `json:"date"`
	Quote      string            `json:"quote"`
	Citation   priceCitationJSON `json:"citation"`
}

type priceCitationJSON struct {
	Title     string     `json:"title"`
	URL       string     `json:"url"`
	Path      string     `json:"path"`
	Published *time.Time `json:"published"`
	Summary   bool       `json:"summary"` // the article is marketbot's summary of its source
}

func writePricesJSON(w io.Writer, t prices.Table) error {
	out := pricesJSON{Prices: []priceJSON{}}
	for _, r := range t.Rows {
		s := t.Sources[r.Source-1]
		out.Prices = append(out.Prices, priceJSON{Model: r.Model, Vendor: r.Vendor, Kind: r.Kind, PerMillion: r.PerMillion,
			Currency: r.Currency, Date: r.Date.Format(time.DateOnly), Quote: r.Quote,
			Citation: priceCitationJSON{Title: s.Title, URL: s.URL, Path: s.Path, Published: timePtr(s.Published), Summary: s.Summary}})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// writePrices prints the table in aligned columns, then its sources.
func writePrices(w io.Writer, t prices.Table, lang string) {
	for _, name := range t.Unknown {
		fmt.Fprintf(w, "No model named %q in the alias table.\n", name)
	}
	if len(t.Rows) == 0 {
		fmt.Fprintln(w, "No prices found in the corpus for that.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MODEL\tVENDOR\tKIND\tPER 1M TOKENS\tDATE\tSOURCE")
	for _, r := range t.Rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t[%d]\n", r.Model, r.Vendor, r.Kind, r, r.Date.Format(time.DateOnly), r.Source)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nSources:")
	for i, s := range t.Sources {
		fmt.Fprintf(w, "[%d] %s — %s", i+1, s.Title, corpus.Attribution(lang, s.Source, s.SourceKind, s.Summary))
		if !s.Published.IsZero() {
			fmt.Fprintf(w, ", %s", s.Published.Format(time.DateOnly))
		}
		fmt.Fprintln(w)
		if s.URL != "" {
			fmt.Fprintf(w, "    %s\n", s.URL)
		}
	}
}
