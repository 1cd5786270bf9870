package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"text/tabwriter"

	"github.com/marketbot/marketbot/rag/search"
)

func (e *environment) eval(ctx context.Context, args []string) error {
	fs, dataDir := e.flags("eval")
	set := fs.String("set", "", "evaluation set (YAML); default: the built-in dev set over the built-in pack")
	asJSON := fs.Bool("json", false, "print JSON")
	verbose := fs.Bool("v", false, "list the questions each leg got wrong")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageError{"eval takes no arguments"}
	}
	qs, err := search.DevSet()
	if *set != "" {
		data, rerr := os.ReadFile(*set)
		if rerr != nil {
			return rerr
		}
		qs, err = search.ParseEvalSet(data)
	}
	if err != nil {
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
	reports, err := eng.search.Evaluate(ctx, qs, search.BM25Only, search.VectorOnly, search.Hybrid)
	if err != nil {
		return err
	}
	// What "ask" shows offline: the extractive answer, as a user sees it.
	asked, err := eng.answers.Evaluate(ctx, qs)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(append(reports, asked))
	}
	fmt.Fprintf(e.stdout, "%d questions. Retrieval of answerable ones: hit@1 / hit@5 / MRR; of unanswerable ones: share correctly\n"+
		"answered with nothing. ask (offline): share of answers showing the asked fact / how many said \"nothing found\".\n\n", len(qs))
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprint(w, "kind\tn")
	for _, r := range reports {
		fmt.Fprintf(w, "\t%s", r.Mode)
	}
	fmt.Fprint(w, "\task: shows the fact / answered nothing\n")
	for _, kind := range evalKinds(reports[0]) {
		first := reports[0].Kinds[kind]
		fmt.Fprintf(w, "%s\t%d", kind, first.Questions)
		for _, r := range reports {
			sc := r.Kinds[kind]
			if kind == "none" {
				fmt.Fprintf(w, "\tnothing %.2f", sc.Nothing)
			} else {
				fmt.Fprintf(w, "\t%.2f / %.2f / %.2f", sc.Hit1, sc.Hit5, sc.MRR)
			}
		}
		if sc := asked.Kinds[kind]; kind == "none" {
			fmt.Fprintf(w, "\tnothing %.2f", sc.Nothing)
		} else {
			fmt.Fprintf(w, "\t%.2f / %d", sc.Shows, sc.NotFound)
		}
		fmt.Fprintln(w)
	}
	w.Flush()
	if *verbose {
		for _, r := range append(reports, asked) {
			fmt.Fprintf(e.stdout, "\n%s misses:\n", r.Mode)
			for kind, sc := range r.Kinds {
				for _, m := range sc.Misses {
					fmt.Fprintf(e.stdout, "  [%s] %s → %s\n", kind, m.Q, orNothing(m.Got))
				}
			}
		}
	}
	return nil
}

// evalKinds lists a report's kinds in reading order: same-language ones,
// across languages and scripts, dated, any others, then all and none.
func evalKinds(r search.EvalReport) []string {
	order := []string{"zh", "en", "trad", "en-zh", "en-trad", "zh-en", "trad-en", "date"}
	var out []string
	for _, k := range order {
		if r.Kinds[k] != nil {
			out = append(out, k)
		}
	}
	var others []string
	for k := range r.Kinds {
		if !slices.Contains(order, k) && k != "all" && k != "none" {
			others = append(others, k)
		}
	}
	slices.Sort(others)
	for _, k := range append(others, "all", "none") {
		if r.Kinds[k] != nil {
			out = append(out, k)
		}
	}
	return out
}

func orNothing(s string) string {
	if s == "" {
		return "(nothing)"
	}
	return s
}
