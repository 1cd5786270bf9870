package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/marketbot/marketbot/rag/store"
	"github.com/marketbot/marketbot/rag/store/sqldb"
)

// migrate brings the configured store's schema up to date (serve does it
// too, at start); with --from, it then copies a SQLite data directory's
// store into the configured PostgreSQL database.
func (e *environment) migrate(ctx context.Context, args []string) error {
	fs, dataDir := e.flags("migrate")
	from := fs.String("from", "", "a SQLite data directory to copy into the PostgreSQL database of MARKETBOT_DATABASE_URL")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageError{"migrate takes no arguments"}
	}
	if *from != "" && e.getenv("MARKETBOT_DATABASE_URL") == "" {
		return usageError{"migrate --from copies into PostgreSQL: set MARKETBOT_DATABASE_URL"}
	}
	st, err := e.openStore(ctx, *dataDir, false)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(e.stdout, "%s: schema up to date\n", st.Path())
	if *from == "" {
		return nil
	}
	if _, err := os.Stat(filepath.Join(*from, sqldb.DBFile)); err != nil {
		return fmt.Errorf("migrate --from %s: no store there (%w)", *from, errors.Unwrap(err))
	}
	opt, err := e.storeOptions()
	if err != nil {
		return err
	}
	opt.DatabaseURL = ""
	src, err := store.Open(ctx, *from, opt)
	if err != nil {
		return err
	}
	defer src.Close()
	start := time.Now()
	bar := newProgress(e.stderr)
	sum, err := store.Copy(ctx, st, src, bar.set)
	bar.finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "copied %d articles (%d passages) and %d other rows from %s in %s; %d articles were already there\n",
		sum.Articles, sum.Passages, sum.Rows, src.Path(), time.Since(start).Round(time.Millisecond), sum.Unchanged)
	return nil
}
