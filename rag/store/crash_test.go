package store_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/marketbot/marketbot/rag/search"
	"github.com/marketbot/marketbot/rag/store"
	"github.com/marketbot/marketbot/rag/store/pgtest"
	"github.com/marketbot/marketbot/rag/store/storetest"
)

// TestMain lets the test binary act as an ingesting child process that the
// crash test kills.
func TestMain(m *testing.M) {
	if dir := os.Getenv("MARKETBOT_TEST_INGEST_CHILD"); dir != "" {
		ingestChild(dir)
		return
	}
	code := pgtest.Run(m)
	if scaleRoot != "" {
		os.RemoveAll(scaleRoot)
	}
	os.Exit(code)
}

// ingestChild ingests dir/articles into dir/store, printing a line per
// article, until it is killed.
func ingestChild(dir string) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "store"), store.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	_, err = store.Ingest(ctx, st, []string{filepath.Join(dir, "articles")}, store.IngestOptions{
		Workers:  2,
		Progress: func(p store.Progress) { fmt.Printf("%d\n", p.Done) },
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// TestIngestSurvivesBeingKilled kills an ingesting process at several
// points and checks that the store opens cleanly each time, with every
// article either fully present (all its passages, all indexed) or absent,
// and that a final ingest completes the job.
func TestIngestSurvivesBeingKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	const n = 300
	dir := t.TempDir()
	storetest.GenerateArticles(t, filepath.Join(dir, "articles"), n)
	for _, killAt := range []int{5, 80, 170} {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "MARKETBOT_TEST_INGEST_CHILD="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if done, _ := strconv.Atoi(sc.Text()); done >= killAt {
				break
			}
		}
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		checkConsistent(t, filepath.Join(dir, "store"))
	}

	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "store"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sum, err := store.Ingest(ctx, st, []string{filepath.Join(dir, "articles")}, store.IngestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Added+sum.Unchanged != n || sum.Updated != 0 || len(sum.Failed) != 0 {
		t.Errorf("final ingest: %+v, want all %d articles added or unchanged", sum, n)
	}
	if sum.Unchanged == 0 {
		t.Error("the killed ingests stored nothing: the test did not kill mid-way")
	}
}

func checkConsistent(t *testing.T, dir string) {
	t.Helper()
	// No deadline of its own: under -race on a busy machine a check of a
	// few hundred searches can take a minute; go test's -timeout bounds it.
	ctx := context.Background()
	st, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		t.Fatalf("store does not open after a kill: %v", err)
	}
	defer st.Close()
	var integrity string
	if err := st.DB().QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("integrity_check = %q, %v", integrity, err)
	}
	var broken, articles, chunks, indexed int
	err = st.DB().QueryRowContext(ctx, `
		SELECT count(*) FROM articles a
		WHERE a.chunks != (SELECT count(*) FROM chunks c WHERE c.article_id = a.id) OR a.chunks = 0`).Scan(&broken)
	if err != nil {
		t.Fatal(err)
	}
	if broken != 0 {
		t.Errorf("%d articles have missing passages after a kill", broken)
	}
	if err := st.DB().QueryRowContext(ctx, `SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM chunks), (SELECT count(*) FROM chunks_fts)`).
		Scan(&articles, &chunks, &indexed); err != nil {
		t.Fatal(err)
	}
	if chunks != indexed {
		t.Errorf("%d passages but %d index rows after a kill", chunks, indexed)
	}
	// Every stored article is findable by its own words.
	rows, err := st.DB().QueryContext(ctx, `SELECT title FROM articles`)
	if err != nil {
		t.Fatal(err)
	}
	var stored []string
	for rows.Next() {
		var title string
		rows.Scan(&title)
		stored = append(stored, title)
	}
	rows.Close()
	for _, title := range stored {
		num := strings.TrimPrefix(title, "Article ")
		ps, err := searcherOf(t, st).Search(ctx, "model"+num, search.Options{Top: 1})
		if err != nil || len(ps) == 0 || ps[0].Title != title {
			t.Errorf("stored %q is not findable: %v %v", title, titles(ps), err)
		}
	}
	t.Logf("after kill: %d articles, %d passages", articles, chunks)
}
