package search

import (
	"context"
	_ "embed"
	"fmt"
	"path"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/store"
)

// Evaluation: retrieval measured on a set of questions with known
// answers — hit@1, hit@5 and MRR per kind of question for each mode, and
// the share of unanswerable questions that find nothing. The dev set is
// embedded; answers are measured by answer.EvaluateAnswers.

//go:embed devset.yaml
var devsetYAML []byte

// EvalQuestion is one question of an evaluation set.
type EvalQuestion struct {
	Q        string   `yaml:"q" json:"q"`
	Kind     string   `yaml:"kind" json:"kind"`         // zh, en, trad, en-zh, en-trad, zh-en, trad-en, date, or none (unanswerable)
	Articles []string `yaml:"articles" json:"articles"` // file names (or paths) of articles that answer it
	Phrase   string   `yaml:"phrase" json:"phrase"`     // text the answering passage contains
}

// DevSet returns the built-in evaluation set over the built-in pack.
func DevSet() ([]EvalQuestion, error) { return ParseEvalSet(devsetYAML) }

// ParseEvalSet reads an evaluation set: a YAML list of q, kind, articles, phrase.
func ParseEvalSet(data []byte) ([]EvalQuestion, error) {
	var qs []EvalQuestion
	if err := yaml.Unmarshal(data, &qs); err != nil {
		return nil, fmt.Errorf("eval set: %w", err)
	}
	for i, q := range qs {
		if q.Q == "" || (q.Kind != "none" && (len(q.Articles) == 0 || q.Phrase == "")) {
			return nil, fmt.Errorf("eval set: question %d needs q, and articles and phrase unless its kind is none", i+1)
		}
	}
	return qs, nil
}

// EvalScore aggregates one retrieval mode over one kind of question.
type EvalScore struct {
	Questions int        `json:"questions"`
	Hit1      float64    `json:"hit_at_1"`         // answerable: share with an answering passage first
	Hit5      float64    `json:"hit_at_5"`         // answerable: share with one in the first five
	MRR       float64    `json:"mrr"`              // answerable: mean reciprocal rank of the first answering passage
	Nothing   float64    `json:"found_nothing"`    // unanswerable: share correctly answered with no passage
	Shows     float64    `json:"shows_fact"`       // answers (mode "ask"): share of answerable questions whose answer shows the key phrase
	NotFound  int        `json:"answered_nothing"` // answers (mode "ask"): answerable questions answered "nothing found"
	Misses    []EvalMiss `json:"misses,omitempty"` // questions that failed
}

// EvalMiss is a question a mode got wrong, with what it returned first.
type EvalMiss struct {
	Q   string `json:"q"`
	Got string `json:"got"` // the first passage's article, or "" for none
}

// EvalReport is the evaluation of one mode, by kind ("all" sums the
// answerable kinds).
type EvalReport struct {
	Mode  string                `json:"mode"`
	Kinds map[string]*EvalScore `json:"kinds"`
}

// Score returns the score of one kind of question, added when new.
func (r *EvalReport) Score(kind string) *EvalScore {
	if r.Kinds[kind] == nil {
		r.Kinds[kind] = &EvalScore{}
	}
	return r.Kinds[kind]
}

// Evaluate runs every question through each mode and scores the top five
// passages. A passage answers when it comes from an expected article and
// contains the key phrase (both normalised, so scripts may differ).
func (s *Searcher) Evaluate(ctx context.Context, qs []EvalQuestion, modes ...Mode) ([]EvalReport, error) {
	var reports []EvalReport
	for _, m := range modes {
		r := EvalReport{Mode: m.String(), Kinds: map[string]*EvalScore{}}
		for _, q := range qs {
			ps, err := s.Search(ctx, q.Q, Options{Top: 5, Mode: m})
			if err != nil {
				return nil, fmt.Errorf("eval %q: %w", q.Q, err)
			}
			got := ""
			if len(ps) > 0 {
				got = path.Base(ps[0].Path)
			}
			if q.Kind == "none" {
				sc := r.Score("none")
				sc.Questions++
				if len(ps) == 0 {
					sc.Nothing++
				} else {
					sc.Misses = append(sc.Misses, EvalMiss{q.Q, got})
				}
				continue
			}
			rank := 0
			for i, p := range ps {
				if answers(q, p) {
					rank = i + 1
					break
				}
			}
			for _, kind := range []string{q.Kind, "all"} {
				sc := r.Score(kind)
				sc.Questions++
				if rank == 1 {
					sc.Hit1++
				}
				if rank >= 1 && rank <= 5 {
					sc.Hit5++
					sc.MRR += 1 / float64(rank)
				} else if kind != "all" {
					sc.Misses = append(sc.Misses, EvalMiss{q.Q, got})
				}
			}
		}
		for _, sc := range r.Kinds {
			n := float64(max(sc.Questions, 1))
			sc.Hit1, sc.Hit5, sc.MRR, sc.Nothing = sc.Hit1/n, sc.Hit5/n, sc.MRR/n, sc.Nothing/n
		}
		reports = append(reports, r)
	}
	return reports, nil
}

// answers reports whether passage p answers question q.
func answers(q EvalQuestion, p store.Passage) bool {
	from := false
	for _, a := range q.Articles {
		if p.Path == a || strings.HasSuffix(p.Path, "/"+a) {
			from = true
		}
	}
	return from && strings.Contains(corpus.Normalize(p.Text), corpus.Normalize(q.Phrase))
}
