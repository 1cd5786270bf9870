// Package prices makes the price facts the store holds comparable: per
// model, the latest input and output price per million tokens with its
// date and source, or every observation; in the currency each source
// states, never converted. It reads the store and never writes.
package prices

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/corpus/pricefact"
	"github.com/marketbot/marketbot/rag/prices/chart"
	"github.com/marketbot/marketbot/rag/store"
)

// Store holds the price facts; *store.Store is one.
type Store interface {
	Prices(ctx context.Context, f store.PriceFilter) ([]store.PriceFact, error)
}

// Query asks for a table.
type Query struct {
	Models   []string  // names of models or of their families, in any language; none: every model
	Since    time.Time // observations effective on or after; zero: any
	Currency string    // "CNY" or "USD": only prices stated in it; "": both
	History  bool      // every observation, of every kind, not only the latest input and output
}

// Row is one price.
type Row struct {
	ModelID    string // the alias table's id
	Model      string // its name
	Vendor     string // who makes it; "" when the table does not say
	Kind       string // pricefact.Input, Output, CachedInput or Unspecified
	PerMillion float64
	Currency   string
	Date       time.Time // effective
	Quote      string    // the sentence that states it
	Source     int       // its article: 1 + an index of Table.Sources
}

// Table is the answer to a Query: rows, and the articles they come from,
// numbered in the order rows first cite them.
type Table struct {
	Rows    []Row
	Sources []store.PriceFact // one per article: the first fact cited from it
	Unknown []string          // the asked names the alias table does not know
}

// Tables builds tables from a store's facts.
type Tables struct {
	store   Store
	aliases *corpus.Aliases
	byID    map[string]corpus.Entity
}

// New returns a table builder over st's facts, naming models with aliases.
func New(st Store, aliases *corpus.Aliases) *Tables {
	t := &Tables{store: st, aliases: aliases, byID: map[string]corpus.Entity{}}
	for _, e := range aliases.Entities() {
		t.byID[e.ID] = e
	}
	return t
}

// Table answers q.
func (t *Tables) Table(ctx context.Context, q Query) (Table, error) {
	var out Table
	ids, unknown := t.models(q.Models)
	out.Unknown = unknown
	if len(q.Models) > 0 && len(ids) == 0 {
		return out, nil
	}
	facts, err := t.store.Prices(ctx, store.PriceFilter{Models: ids, Since: q.Since})
	if err != nil {
		return out, err
	}
	facts = slices.DeleteFunc(facts, func(f store.PriceFact) bool { return q.Currency != "" && f.Currency != q.Currency })
	if !q.History {
		facts = latest(facts)
	}
	slices.SortStableFunc(facts, func(a, b store.PriceFact) int {
		return cmp.Or(cmp.Compare(a.Currency, b.Currency), cmp.Compare(t.name(a.Model), t.name(b.Model)),
			cmp.Compare(kindOrder(a.Kind), kindOrder(b.Kind)), a.Date.Compare(b.Date))
	})
	source := map[int64]int{}
	for _, f := range facts {
		n, ok := source[f.ArticleID]
		if !ok {
			out.Sources = append(out.Sources, f)
			n = len(out.Sources)
			source[f.ArticleID] = n
		}
		out.Rows = append(out.Rows, Row{ModelID: f.Model, Model: t.name(f.Model), Vendor: t.vendor(f.Model), Kind: f.Kind,
			PerMillion: f.PerMillion, Currency: f.Currency, Date: f.Date, Quote: f.Quote, Source: n})
	}
	return out, nil
}

// latest keeps, per model and currency, the newest input price and the
// newest output price, each as first stated: of the facts stating it since
// it last changed, the earliest (the announcement, not the later report
// repeating it).
func latest(facts []store.PriceFact) []store.PriceFact {
	type key struct{ model, kind, currency string }
	byKey := map[key][]store.PriceFact{}
	var order []key
	for _, f := range facts {
		if f.Kind != pricefact.Input && f.Kind != pricefact.Output {
			continue
		}
		k := key{f.Model, f.Kind, f.Currency}
		if _, ok := byKey[k]; !ok {
			order = append(order, k)
		}
		byKey[k] = append(byKey[k], f)
	}
	out := make([]store.PriceFact, len(order))
	for i, k := range order {
		fs := byKey[k]
		slices.SortStableFunc(fs, func(a, b store.PriceFact) int {
			return cmp.Or(a.Date.Compare(b.Date), a.Published.Compare(b.Published))
		})
		j := len(fs) - 1
		for j > 0 && fs[j-1].PerMillion == fs[j].PerMillion {
			j--
		}
		out[i] = fs[j]
	}
	return out
}

func kindOrder(kind string) int {
	return slices.Index([]string{pricefact.Input, pricefact.CachedInput, pricefact.Output, pricefact.Unspecified}, kind)
}

// models resolves asked names — each a name or a text naming models,
// their families or their makers — to the ids of the models they name, of
// those models' more specific ones (豆包: Doubao Pro too) and of the
// models a named company makes; it returns the names that name none.
func (t *Tables) models(asked []string) (ids, unknown []string) {
	for _, name := range asked {
		n := len(ids)
		for _, e := range t.aliases.Match(name) {
			for _, m := range t.aliases.Entities() {
				switch {
				case m.ID == e.ID && (m.Type == "model" || m.Type == "product"):
					ids = appendNew(ids, m.ID)
				case m.Type == "model" && (extends(m, e) || m.Vendor == e.ID):
					ids = appendNew(ids, m.ID)
				}
			}
		}
		if len(ids) == n {
			unknown = append(unknown, name)
		}
	}
	return ids, unknown
}

// extends reports whether one of m's names is one of e's and more: Doubao
// Pro of Doubao.
func extends(m, e corpus.Entity) bool {
	for _, mn := range m.Names {
		for _, en := range e.Names {
			mn, en := corpus.Normalize(mn), corpus.Normalize(en)
			if len(mn) > len(en) && strings.HasPrefix(mn, en) {
				return true
			}
		}
	}
	return false
}

func appendNew(ids []string, id string) []string {
	if slices.Contains(ids, id) {
		return ids
	}
	return append(ids, id)
}

// name is how a model is called: its first name in Latin letters, as the
// alias table lists them (Chinese first), else its first.
func (t *Tables) name(id string) string {
	e, ok := t.byID[id]
	if !ok || len(e.Names) == 0 {
		return id
	}
	for _, n := range e.Names {
		if !strings.ContainsFunc(n, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			return n
		}
	}
	return e.Names[0]
}

// vendor is the name of who makes a model.
func (t *Tables) vendor(id string) string {
	if v := t.byID[id].Vendor; v != "" {
		return t.name(v)
	}
	return ""
}

// String renders a price as "0.8 CNY".
func (r Row) String() string { return fmt.Sprintf("%s %s", formatAmount(r.PerMillion), r.Currency) }

// formatAmount writes an amount without trailing zeros: 0.15, 1.25, 10.
func formatAmount(v float64) string {
	s := fmt.Sprintf("%.6f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

// Series returns the table's input prices as the chart draws them: one
// series per model and currency, oldest first.
func Series(t Table) []chart.Series {
	type key struct{ model, currency string }
	at := map[key]int{}
	var out []chart.Series
	for _, r := range t.Rows {
		if r.Kind != pricefact.Input {
			continue
		}
		k := key{r.Model, r.Currency}
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			out = append(out, chart.Series{Model: r.Model, Currency: r.Currency, Kind: r.Kind})
		}
		out[i].Points = append(out[i].Points, chart.Point{Date: r.Date, PerMillion: r.PerMillion})
	}
	for i := range out {
		slices.SortStableFunc(out[i].Points, func(a, b chart.Point) int { return a.Date.Compare(b.Date) })
	}
	return out
}

// Chart draws the input prices over time of the models whose price
// changed between since and until: a price took effect then that differs
// from the model's one before. ok is false when none did.
func (t *Tables) Chart(ctx context.Context, since, until time.Time) (png []byte, ok bool, err error) {
	facts, err := t.store.Prices(ctx, store.PriceFilter{})
	if err != nil {
		return nil, false, err
	}
	type key struct{ model, kind, currency string }
	before := map[key]float64{}
	var changed []string
	for _, f := range facts { // by model, kind and date, oldest first
		k := key{f.Model, f.Kind, f.Currency}
		old, seen := before[k]
		if !f.Date.Before(since) && f.Date.Before(until) && (!seen || old != f.PerMillion) {
			changed = appendNew(changed, f.Model)
		}
		before[k] = f.PerMillion
	}
	if len(changed) == 0 {
		return nil, false, nil
	}
	var names []string
	for _, id := range changed {
		names = append(names, t.name(id))
	}
	tab, err := t.Table(ctx, Query{Models: names, History: true})
	if err != nil {
		return nil, false, err
	}
	var b bytes.Buffer
	if err := chart.Draw(&b, Series(tab), 800, 500); err != nil {
		return nil, false, err
	}
	return b.Bytes(), true, nil
}
