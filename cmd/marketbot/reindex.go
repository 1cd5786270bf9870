package main

import (
	"context"
	"fmt"
	"time"
)

func (e *environment) reindex(ctx context.Context, args []string) error {
	fs, dataDir := e.flags("reindex")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageError{"reindex takes no arguments"}
	}
	st, err := e.openStoreWith(ctx, *dataDir, false, true)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	bar := newProgress(e.stderr)
	n, err := st.Reindex(ctx, func(done, total int) { bar.set(done, total) })
	bar.finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "re-embedded %d passages in %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}
