package main

import (
	"strings"
	"testing"

	"github.com/marketbot/marketbot/rag/pgtest"
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
	if !strings.Contains(out, "schema up to date") || !strings.Contains(out, "copied 53 articles") {
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
	if err != nil || !strings.Contains(out, "copied 0 articles") || !strings.Contains(out, "53 articles were already there") {
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
