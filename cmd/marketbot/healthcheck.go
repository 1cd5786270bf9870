package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"
)

// healthcheck asks a running serve's /healthz, by default on the port
// of MARKETBOT_ADDR on this host: Docker's HEALTHCHECK, for images with
// no curl.
func (e *environment) healthcheck(ctx context.Context, args []string) error {
	fs, _ := e.flags("healthcheck")
	target := fs.String("url", "", "URL to check (default http://127.0.0.1:PORT/healthz, PORT from $MARKETBOT_ADDR, else 8080)")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageError{"healthcheck takes no arguments"}
	}
	if *target == "" {
		port := "8080"
		if _, p, err := net.SplitHostPort(e.getenv("MARKETBOT_ADDR")); err == nil && p != "" && p != "0" {
			port = p
		}
		*target = "http://" + net.JoinHostPort("127.0.0.1", port) + "/healthz"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *target, nil)
	if err != nil {
		return usageError{fmt.Sprintf("healthcheck: %v", err)}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", *target, resp.Status)
	}
	return nil
}
