package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/marketbot/marketbot/rag"
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
	qs, err := rag.DevSet()
	if *set != "" {
		data, rerr := os.ReadFile(*set)
		if rerr != nil {
			return rerr
		}
		qs, err = rag.ParseEvalSet(data)
	}
	if err != nil {
		return err
	}
	st, err := e.openStore(ctx, *dataDir, true)
	if err != nil {
		return err
	}
	defer st.Close()
	reports, err := rag.Evaluate(ctx, st, qs, rag.BM25Only, rag.VectorOnly, rag.Hybrid)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(reports)
	}
	fmt.Fprintf(e.stdout, "%d questions. Answerable: hit@1 / hit@5 / MRR; unanswerable: share correctly answered with nothing.\n\n", len(qs))
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprint(w, "kind\tn")
	for _, r := range reports {
		fmt.Fprintf(w, "\t%s", r.Mode)
	}
	fmt.Fprintln(w)
	for _, kind := range []string{"zh", "en", "trad", "cross", "date", "all", "none"} {
		first := reports[0].Kinds[kind]
		if first == nil {
			continue
		}
		fmt.Fprintf(w, "%s\t%d", kind, first.Questions)
		for _, r := range reports {
			sc := r.Kinds[kind]
			if kind == "none" {
				fmt.Fprintf(w, "\tnothing %.2f", sc.Nothing)
			} else {
				fmt.Fprintf(w, "\t%.2f / %.2f / %.2f", sc.Hit1, sc.Hit5, sc.MRR)
			}
		}
		fmt.Fprintln(w)
	}
	w.Flush()
	if *verbose {
		for _, r := range reports {
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

func orNothing(s string) string {
	if s == "" {
		return "(nothing)"
	}
	return s
}
