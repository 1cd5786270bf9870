// Package search finds the passages that answer a question: it reads the
// question (its entities and trade words through the alias table, its
// Chinese and English words with the bilingual bridge, its names,
// versions, amounts and dates), runs the BM25 and vector legs over what
// the store holds, fuses them, favours the recent when asked, and keeps
// only what clears the relevance floor. It also ranks a passage's
// sentences by what the question asks for. It reads the store through a
// narrow interface and never writes.
package search

import (
	"context"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/embed"
	"github.com/marketbot/marketbot/rag/search/bridge"
	"github.com/marketbot/marketbot/rag/search/when"
	"github.com/marketbot/marketbot/rag/store"
	"github.com/marketbot/marketbot/rag/store/sqldb"
)

// Mode selects the retrieval legs.
type Mode int

// Retrieval modes: both legs fused (the default), or one alone (for eval).
const (
	Hybrid Mode = iota
	BM25Only
	VectorOnly
)

func (m Mode) String() string { return [...]string{"fusion", "bm25", "vectors"}[m] }

// Options shape a search's results.
type Options struct {
	Top        int       // passages to return; default 5
	PerArticle int       // at most this many passages from one article; default 3
	Since      time.Time // keep articles published at or after; zero: as the question says
	Until      time.Time // keep articles published before; zero: as the question says
	Mode       Mode
	// Translation is the question in the other language (from a language
	// model), searched too; the relevance floor judges the union.
	Translation string

	background bool // search every date, keeping passages that name the period asked
}

func (o Options) withDefaults() Options {
	if o.Top <= 0 {
		o.Top = 5
	}
	if o.PerArticle <= 0 {
		o.PerArticle = 3
	}
	return o
}

// Reader is what search reads from the store.
type Reader interface {
	BM25(ctx context.Context, terms []string, p sqldb.Period, limit int) ([]sqldb.Candidate, error)
	DocFreq(ctx context.Context, terms []string) (map[string]int, int, error)
	PhraseCount(ctx context.Context, toks []string, limit int) (int, error)
	Nearest(ctx context.Context, vec []float32, n int, p sqldb.Period) ([]sqldb.Candidate, error)
	Passages(ctx context.Context, cands []sqldb.Candidate) ([]store.Passage, []string, error)
	NewestLeads(ctx context.Context, p sqldb.Period, n int) ([]store.Lead, error)
	NewestBefore(ctx context.Context, t time.Time) (time.Time, bool, error)
	Embedder() store.Embedder
}

// queryEmbedder is an optional ability of embedders whose query vectors
// depend on corpus statistics, like the local lexical one.
type queryEmbedder interface {
	EmbedQuery(ctx context.Context, query string, extra []embed.Term, df embed.DocFreq) ([]float32, error)
}

// Config configures a Searcher.
type Config struct {
	// Aliases expand queries with other names of the entities they
	// mention; default: the built-in table.
	Aliases *corpus.Aliases
	// Now is the clock for relative dates in questions; default time.Now.
	Now func() time.Time
	// DenseTrust is the similarity to the question at which a semantic
	// embedder's first passages pass the relevance floor whatever their
	// words; default DefaultDenseTrust.
	DenseTrust float64
}

// Searcher finds the passages that answer a question. It is safe for
// concurrent use.
type Searcher struct {
	r          Reader
	embedder   store.Embedder // the store's: queries are embedded as its passages were
	aliases    *corpus.Aliases
	now        func() time.Time
	denseTrust float64
}

// New returns a searcher over what r holds.
func New(r Reader, cfg Config) (*Searcher, error) {
	s := &Searcher{r: r, embedder: r.Embedder(), aliases: cfg.Aliases, now: cfg.Now, denseTrust: cfg.DenseTrust}
	if s.now == nil {
		s.now = time.Now
	}
	if s.denseTrust == 0 {
		s.denseTrust = DefaultDenseTrust
	}
	if s.aliases == nil {
		var err error
		if s.aliases, err = corpus.DefaultAliases(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Aliases returns the alias table the searcher reads names with.
func (s *Searcher) Aliases() *corpus.Aliases { return s.aliases }

// Tuning, chosen with "marketbot eval" on the dev set (see the README).
const (
	rrfK              = 60   // reciprocal rank fusion constant
	localVectorWeight = 0.5  // fusion weight of the local embedder's leg (BM25's is 1)
	minCoverage       = 0.45 // relevance floor: share of the question's weight a passage must cover
	recencyWeight     = 1.0  // how much "latest" questions favour the newest passages
	recencyDays       = 120. // and how fast that favour decays with age
	poolFactor        = 8    // candidates considered per passage returned
	factBoost         = 0.25 // bonus of passages stating the kind of fact asked for (an amount for "how much"…)
	aboutBoost        = 0.3  // bonus of passages whose article's title names an entity asked about
)

// query is a question made ready for both legs.
type query struct {
	text     string
	terms    []string        // its index tokens
	entities []corpus.Entity // entities and trade words it names
	begun    []string        // the ids of those it names by a name that only begins theirs
	extra    []string        // other names of those, to reach other languages and scripts
	frame    when.Frame
	concepts []concept // what it asks about, weighed on the corpus (see floor.go)
}

func (s *Searcher) parseQuery(q string, opt Options) query {
	q = classifier.ReplaceAllString(earnedFrom.ReplaceAllString(q, "revenue from"), "$1 ")
	pq := query{text: q, terms: corpus.Tokens(q), entities: s.aliases.Match(q), frame: s.timeFrame(q, opt)}
	for _, run := range nameRuns(q, pq.entities) {
		// A name that only begins one entity's ("Gigabyte's EPS") may ask
		// it, by that name too (see weighConcepts); not a name in pinyin,
		// a place's or a Chinese firm's ("Guangzhou" is no Guangzhou
		// Automobile; an acronym is no pinyin: ASE), nor one after an
		// entity's, its product ("MTN MoMo").
		if !acronym.MatchString(run) && bridge.IsPinyin(strings.ToLower(run)) || afterEntity(q, run, pq.entities) {
			continue
		}
		if e, ok := s.aliases.Begun(run); ok && !namesEntity(pq.entities, corpus.Normalize(run)) {
			e.Names = append([]string{run}, e.Names...)
			pq.entities = append(pq.entities, e)
			pq.begun = append(pq.begun, e.ID)
		}
	}
	pq.nameEntities()
	return pq
}

// earnedFrom matches what a firm earns or makes from a business: its
// revenue from it, not its net profit ("How much did Sunny Optical earn
// from AR/VR modules?").
var earnedFrom = regexp.MustCompile(`(?i)\b(?:earn|earns|earned|earning|make|makes|made|making)\s+from\b`)

// classifier is the measure word after 多少 or 几, which counts what
// follows and is no part of it: "多少台风机" asks how many 风机, no 台风.
var classifier = regexp.MustCompile(`((?:几|多少)(?:个|家|款|种|位|名|台|块|张|颗|辆|座|套|片|架|艘|枚|项|条|所|间))`)

// afterEntity reports whether a name follows the name of one of the
// entities in the question: "MoMo" in "MTN MoMo".
func afterEntity(question, name string, es []corpus.Entity) bool {
	i := strings.Index(question, name)
	if i <= 0 {
		return false
	}
	words := strings.Fields(question[:i])
	return len(words) > 0 && namesEntity(es, corpus.Normalize(words[len(words)-1]))
}

// nameEntities lists the other names of the query's entities.
func (q *query) nameEntities() {
	q.extra = nil
	for _, e := range q.entities {
		q.extra = append(q.extra, e.Names...)
	}
}

// dropHeldBegun leaves out the entities a name only begins (Begun) when
// the corpus holds the name as the question writes it (df: its tokens'
// frequencies): then it is a name of its own ("Cursor", which the table
// knows only as "Cursor AI", asks what passages call Cursor).
func (q *query) dropHeldBegun(df map[string]int) {
	for _, id := range q.begun {
		i := slices.IndexFunc(q.entities, func(e corpus.Entity) bool { return e.ID == id })
		if i < 0 || slices.ContainsFunc(corpus.Tokens(q.entities[i].Names[0]), func(t string) bool { return df[t] == 0 }) {
			continue
		}
		q.entities = slices.Delete(q.entities, i, i+1)
	}
	q.begun = nil
	q.nameEntities()
}

// timeFrame is the question's time frame, with the options' dates, when
// given, in place of the question's.
func (s *Searcher) timeFrame(q string, opt Options) when.Frame {
	f := when.Parse(q, s.now())
	if !opt.Since.IsZero() || !opt.Until.IsZero() {
		f.Since, f.Until = opt.Since, opt.Until
	}
	return f
}

// Warm runs a lexical search in both languages, so that what the first
// question would load (the bilingual dictionary, the word segmenter's,
// the database's statements) is loaded now: a service calls it before it
// takes traffic, and its first acknowledgements do not wait behind that.
// It asks no embedding endpoint.
func (s *Searcher) Warm(ctx context.Context) error {
	_, err := s.Search(ctx, "大模型 API 价格 price of a large model API", Options{Top: 1, Mode: BM25Only})
	return err
}

// Search returns the passages that best answer the question, best first:
// candidates of BM25 (the question's tokens, the other names of the
// entities it names and the bilingual bridge's one-best translation of its
// other words) and of the vector leg, and for "latest" questions the lead
// passages of the newest articles about what was asked, fused by
// reciprocal rank; filtered by the dates the question or the options give
// (with passages that name an asked year filling up after those of the
// period), above the relevance floor, ranked by how much of the question
// they cover and whether their article is about what was asked, and
// distinct: at most PerArticle from one article (more only when no other
// article qualifies), no repeated text. A question the corpus cannot
// answer gets no passages.
func (s *Searcher) Search(ctx context.Context, question string, opt Options) ([]store.Passage, error) {
	ps, f, err := s.search(ctx, question, opt)
	if err != nil || f.Year == 0 || !opt.Since.IsZero() || !opt.Until.IsZero() || len(ps) >= opt.withDefaults().Top {
		return ps, err
	}
	// An event is also told later, as background ("On September 25, 2023,
	// Amazon agreed to…" in a 2024 article): after the articles of the
	// period, any article that names its year may answer.
	bg := opt
	bg.background = true
	more, _, err := s.search(ctx, question, bg)
	if err != nil {
		return nil, err
	}
	return diversify(append(ps, more...), opt.withDefaults()), nil
}

// search is Search in one pass; it also returns the question's time frame.
func (s *Searcher) search(ctx context.Context, question string, opt Options) ([]store.Passage, when.Frame, error) {
	opt = opt.withDefaults()
	pool := max(opt.Top*poolFactor, 40)
	qs := []query{s.parseQuery(question, opt)}
	asked := qs[0].frame
	if opt.background {
		qs[0].frame.Since, qs[0].frame.Until = time.Time{}, time.Time{}
	}
	if t := strings.TrimSpace(opt.Translation); t != "" && t != strings.TrimSpace(question) {
		tq := s.parseQuery(t, opt)
		tq.frame = qs[0].frame // the dates are the asker's
		qs = append(qs, tq)
	}
	df, n, err := s.weighConcepts(ctx, qs)
	if err != nil {
		return nil, asked, err
	}

	fused, dense, err := s.runLegs(ctx, qs, opt, df, n, pool)
	if err != nil {
		return nil, asked, err
	}
	passages, norms, err := s.r.Passages(ctx, fused)
	if err != nil {
		return nil, asked, err
	}
	trusted := s.trustedDense(dense)
	kind, askedIDs := askedFor(question), map[string]bool{}
	measures := make([]measureAsked, len(qs))
	for i, q := range qs {
		measures[i] = measureOf(question, q, asked)
	}
	for _, e := range qs[0].entities {
		askedIDs[e.ID] = true
	}
	// A name the corpus lacks may be an acronym a passage spells out
	// ("NIST"): only then are the passages read for them.
	required := slices.ContainsFunc(qs, func(q query) bool { return slices.ContainsFunc(q.concepts, func(c concept) bool { return c.required }) })
	// A Latin name no passage holds may be a company's that a Chinese title
	// writes in characters, unless the question names the company (then
	// the name is a metric's or a product's: China Telecom's ARPU).
	nameless := required && !slices.ContainsFunc(qs[0].entities, func(e corpus.Entity) bool { return e.Type == "company" })
	if required {
		for i, p := range passages {
			norms[i] += "\n" + corpus.Normalize(acronymsOf(p.Title+"\n"+p.Text))
		}
	}
	kept := passages[:0]
	var aboutTitle []bool
	for i, p := range passages {
		title := p.Title
		if e, ok := s.titledBy(title, qs[0].entities); ok {
			// "神達第三季EPS…" is MiTAC's, "華虹第三季…" 華虹半導體's: the passage names it.
			title += "（" + e.Names[0] + "）"
			norms[i] += "\n" + corpus.Normalize(e.Names[0])
		}
		best := 0.0
		unglossed := nameless && strings.HasPrefix(p.Lang, "zh") && unglossedName(title, s.aliases, askedIDs)
		for _, q := range qs {
			best = max(best, coverage(q.concepts, norms[i], p.Lang, unglossed))
		}
		if opt.background && !asked.Mentioned(norms[i], p.Published) {
			continue
		}
		// Asked how much of a measure, a passage that states no such figure
		// does not answer, whatever it covers.
		if !trusted[p.ChunkID] && !slices.ContainsFunc(measures, func(m measureAsked) bool {
			return !asksMeasure(m.kind, m.concepts) || statesMeasure(m, title, p.Opening, p.Text)
		}) {
			continue
		}
		if best >= minCoverage || trusted[p.ChunkID] {
			about := titleNamesEntity(qs[0].concepts, title)
			if opt.Mode == Hybrid { // a single leg is ranked as it ranks, for eval
				p.Score *= best // how much of the question it covers ranks it too
				if kind != anyFact && statesFact(kind, p.Text, askedIDs, s.aliases) {
					p.Score *= 1 + factBoost
				}
				if about { // an article about what was asked, not one that mentions it
					p.Score *= 1 + aboutBoost
				}
			}
			kept = append(kept, p)
			aboutTitle = append(aboutTitle, about)
		}
	}
	if qs[0].frame.Recent {
		favourRecent(kept, aboutTitle)
	} else {
		sortByScore(kept)
	}
	return diversify(kept, opt), asked, nil
}

// titledBy returns the asked entity (of es) that a title names by a short
// form (corpus.Aliases' TitledBy) or by the first characters of its name
// (Shortened).
func (s *Searcher) titledBy(title string, es []corpus.Entity) (corpus.Entity, bool) {
	e, ok := s.aliases.TitledBy(title)
	for _, asked := range es {
		if ok && asked.ID == e.ID || !ok && s.aliases.Shortened(title, asked) {
			return asked, true
		}
	}
	return corpus.Entity{}, false
}

// weighConcepts analyses the queries and weighs their concepts on the
// corpus's statistics, which it returns: the document frequency of every
// token the legs will use, and the number of passages.
func (s *Searcher) weighConcepts(ctx context.Context, qs []query) (map[string]int, int, error) {
	var begun []string
	for _, q := range qs {
		for _, e := range q.entities {
			if slices.Contains(q.begun, e.ID) {
				begun = append(begun, corpus.Tokens(e.Names[0])...)
			}
		}
	}
	if len(begun) > 0 {
		df, _, err := s.r.DocFreq(ctx, begun)
		if err != nil {
			return nil, 0, err
		}
		for i := range qs {
			qs[i].dropHeldBegun(df)
		}
	}
	var vocab []string
	for i := range qs {
		qs[i].concepts = qs[i].analyse()
		vocab = append(append(append(vocab, qs[i].terms...), tokensOf(qs[i].extra)...), vocabulary(qs[i].concepts)...)
	}
	df, n, err := s.r.DocFreq(ctx, vocab)
	if err != nil {
		return nil, 0, err
	}
	var spelled []string
	for i := range qs {
		spelled = append(append(spelled, spelledBigrams(qs[i].concepts, df)...), spelledPinyin(qs[i].concepts, df)...)
	}
	if len(spelled) > 0 {
		more, _, err := s.r.DocFreq(ctx, spelled)
		if err != nil {
			return nil, 0, err
		}
		maps.Copy(df, more)
	}
	freq := s.phraseFreq(ctx, df)
	for i := range qs {
		if err := s.glossedNames(ctx, qs[i].concepts, df, freq); err != nil {
			return nil, 0, err
		}
	}
	for i := range qs {
		qs[i].concepts = splitUnheld(qs[i].concepts, freq)
		weigh(qs[i].concepts, freq, n)
	}
	return df, n, nil
}

// bridged returns the tokens of the question's one-best translation by the
// bridge, added to its own in the BM25 leg: the most used translation of
// each word that has one.
func (q query) bridged() []string {
	var out []string
	for _, c := range q.concepts {
		out = append(out, c.best()...)
	}
	return out
}

// glossPassages is how many passages holding a name are read for the
// names in characters they gloss it with.
const glossPassages = 20

// glossedNames adds to each Latin name with a version that passages hold
// without it (AInnoGPT, whose 4.0 an article writes 奇智孔明4.0) the names
// in characters those passages pair it with in brackets ("「奇智孔明」
// （AInnoGPT）"), the version after them, for the corpus to say which it
// holds: the articles' own translation of the name (df: the tokens'
// frequencies, to which those of the names found are added).
func (s *Searcher) glossedNames(ctx context.Context, cs []concept, df map[string]int, freq phraseFreq) error {
	glosses := map[string][]string{} // by name: a name is often both a name and a versioned compound
	for i := range cs {
		c := &cs[i]
		toks := c.asked[0]
		if !c.name && !c.coined || len(toks) < 2 || !bridge.IsLetters(toks[0]) || df[toks[0]] == 0 || !versionNumber.MatchString(toks[1]) || freq(toks) > 0 {
			continue
		}
		names, ok := glosses[toks[0]]
		if !ok {
			var err error
			if names, err = s.glossesOfName(ctx, toks[0], df); err != nil {
				return err
			}
			glosses[toks[0]] = names
		}
		for _, name := range names {
			c.cands = append(c.cands, bridge.Word{Toks: append(corpus.Tokens(name), toks[1:]...)})
		}
	}
	return nil
}

// glossesOfName reads the passages that hold a name for the names in
// characters they gloss it with (glossesOf), and adds their tokens'
// frequencies to df.
func (s *Searcher) glossesOfName(ctx context.Context, name string, df map[string]int) ([]string, error) {
	cands, err := s.r.BM25(ctx, []string{name}, sqldb.Period{}, glossPassages)
	if err != nil {
		return nil, err
	}
	_, norms, err := s.r.Passages(ctx, cands)
	if err != nil {
		return nil, err
	}
	names := glossesOf(name, norms)
	if len(names) > 0 {
		more, _, err := s.r.DocFreq(ctx, tokensOf(names))
		if err != nil {
			return nil, err
		}
		maps.Copy(df, more)
	}
	return names, nil
}
