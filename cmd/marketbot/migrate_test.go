package main

import (
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/marketbot/marketbot/corpus"
	"github.com/marketbot/marketbot/rag/store/pgtest"
)

// TestMigrateFromSQLite: "marketbot migrate --from DIR" copies a SQLite
// store into PostgreSQL; searching there gives the same passages, with
// the same article ids; a second run copies nothing.
func TestMigrateFromSQLite(t *testing.T) {
	dir := t.TempDir()
	lite := map[string]string{"MARKETBOT_DATA_DIR": dir}
	const q = "火山方舟接入了哪些模型？"
	want, stderr, err := runWithEnv(t, lite, "", "search", "--json", q) // seeds the pack
	if err != nil {
		t.Fatal(err, stderr)
	}
	pg := map[string]string{"MARKETBOT_DATABASE_URL": pgtest.Shared(t)}
	out, stderr, err := runWithEnv(t, pg, "", "migrate", "--from", dir)
	if err != nil {
		t.Fatal(err, stderr)
	}
	if !strings.Contains(out, "schema up to date") || !strings.Contains(out, fmt.Sprintf("copied %d articles", builtinCount(t))) {
		t.Errorf("migrate said:\n%s", out)
	}
	got, stderr, err := runWithEnv(t, pg, "", "search", "--json", q)
	if err != nil {
		t.Fatal(err, stderr)
	}
	if got != want {
		t.Errorf("search in PostgreSQL after the copy:\n%s\nin SQLite:\n%s", got, want)
	}
	if strings.Contains(stderr, "built-in knowledge pack") {
		t.Error("the copied store was seeded again")
	}
	out, _, err = runWithEnv(t, pg, "", "migrate", "--from", dir)
	if err != nil || !strings.Contains(out, "copied 0 articles") || !strings.Contains(out, fmt.Sprintf("%d articles were already there", builtinCount(t))) {
		t.Errorf("second run: %v\n%s", err, out)
	}
	if _, _, err := runWithEnv(t, lite, "", "migrate", "--from", dir); err == nil || exitCode(err) != 2 {
		t.Errorf("migrate --from without MARKETBOT_DATABASE_URL: %v, want a usage error", err)
	}
	if _, _, err := runWithEnv(t, pg, "", "migrate", "--from", t.TempDir()); err == nil || !strings.Contains(err.Error(), "no store there") {
		t.Errorf("migrate --from an empty directory: %v", err)
	}
}

// TestServeDatabaseErrors: a bad MARKETBOT_DATABASE_URL stops serve with
// one clear line, without the password.
func TestServeDatabaseErrors(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"mysql://u:hunter2@db/marketbot", "must be a postgres:// URL"},
		{"postgres://u:hunter2@127.0.0.1:1/marketbot?connect_timeout=2", "unreachable"},
	} {
		env := map[string]string{"MARKETBOT_DATABASE_URL": tc.url, "MARKETBOT_ADDR": "127.0.0.1:0"}
		_, _, err := runWithEnv(t, env, "", "serve")
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: %v, want an error saying %q without the password", tc.url, err, tc.want)
		}
	}
}

// TestServeReadinessFollowsTheDatabase: /readyz answers 503 while the
// database refuses connections, and 200 again once it takes them.
func TestServeReadinessFollowsTheDatabase(t *testing.T) {
	dbURL := pgtest.Shared(t)
	env := map[string]string{"MARKETBOT_DATABASE_URL": dbURL, "MARKETBOT_ADDR": "127.0.0.1:0"}
	addr, _, stop := startServe(t, env)
	defer stop()
	ready := func() int {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	waitFor := func(want int) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ready() != want; time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("/readyz did not become %d", want)
			}
		}
	}
	waitFor(http.StatusOK)
	slash, query := strings.LastIndex(dbURL, "/"), strings.Index(dbURL, "?")
	name := dbURL[slash+1 : query]
	admin, err := sql.Open("pgx", dbURL[:slash]+"/postgres"+dbURL[query:])
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`ALTER DATABASE ` + name + ` ALLOW_CONNECTIONS false`); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, name); err != nil {
		t.Fatal(err)
	}
	waitFor(http.StatusServiceUnavailable)
	if _, err := admin.Exec(`ALTER DATABASE ` + name + ` ALLOW_CONNECTIONS true`); err != nil {
		t.Fatal(err)
	}
	waitFor(http.StatusOK)
}

// TestDoctorDatabase: doctor opens the PostgreSQL store, and says when it
// cannot, without the password.
func TestDoctorDatabase(t *testing.T) {
	lines, out, _ := doctorLines(t, map[string]string{"MARKETBOT_DATABASE_URL": pgtest.Shared(t)})
	if len(lines) < 2 || lines[1] != "✓ store" || !strings.Contains(out, "PostgreSQL (MARKETBOT_DATABASE_URL)") {
		t.Errorf("doctor on a reachable database:\n%s", out)
	}
	lines, out, err := doctorLines(t, map[string]string{"MARKETBOT_DATABASE_URL": "postgres://u:hunter2@127.0.0.1:1/x?connect_timeout=2"})
	if err == nil || len(lines) < 2 || lines[1] != "✗ store" || !strings.Contains(out, "unreachable") || strings.Contains(out, "hunter2") {
		t.Errorf("doctor on an unreachable database (%v):\n%s", err, out)
	}
}

// builtinCount is the number of articles in the built-in pack.
func builtinCount(t *testing.T) int {
	t.Helper()
	pack, err := corpus.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return len(pack)
}
