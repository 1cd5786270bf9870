package pgtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

// connect opens a connection to url, closed when t ends.
func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// startServer starts a server of the test's own, skipping when PostgreSQL
// is not installed.
func startServer(t *testing.T) *Server {
	t.Helper()
	begin := time.Now()
	s, err := Start()
	if errors.Is(err, ErrNotInstalled) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Start took %v", time.Since(begin))
	t.Cleanup(func() { s.Stop() })
	return s
}

func TestSharedStoresAndReads(t *testing.T) {
	conn := connect(t, Shared(t))
	ctx := t.Context()
	if _, err := conn.Exec(ctx, `CREATE TABLE articles (id int PRIMARY KEY, title text NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `INSERT INTO articles VALUES (1, '火山方舟'), (2, 'DeepSeek')`); err != nil {
		t.Fatal(err)
	}
	var title string
	if err := conn.QueryRow(ctx, `SELECT title FROM articles WHERE id = $1`, 1).Scan(&title); err != nil {
		t.Fatal(err)
	}
	if title != "火山方舟" {
		t.Errorf("title = %q, want 火山方舟", title)
	}
}

func TestSharedDatabasesAreFreshAndDropped(t *testing.T) {
	Shared(t) // skips t if PostgreSQL is not installed
	t.Run("group", func(t *testing.T) {
		for i := range 4 {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				// Left open: dropping the database must end the session.
				conn, err := pgx.Connect(t.Context(), Shared(t))
				if err != nil {
					t.Fatal(err)
				}
				var n int
				if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n != 0 {
					t.Errorf("new database has %d tables", n)
				}
			})
		}
	})
	// Every database made for the subtests is gone, open sessions and all.
	rows, err := connect(t, sharedServer.URL()).Query(t.Context(), `SELECT datname FROM pg_database WHERE datname LIKE 'testshareddatabasesarefreshanddropped_group_%'`)
	if err != nil {
		t.Fatal(err)
	}
	left, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Errorf("databases not dropped: %v", left)
	}
}

func TestNewDatabasesAreIsolated(t *testing.T) {
	s := startServer(t)
	ctx := t.Context()
	begin := time.Now()
	urlA, err := s.NewDatabase(ctx, "TestIsolated/a")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("NewDatabase took %v", time.Since(begin))
	urlB, err := s.NewDatabase(ctx, "TestIsolated/a")
	if err != nil {
		t.Fatal(err)
	}
	if urlA == urlB {
		t.Fatalf("two databases with one URL: %s", urlA)
	}
	if _, err := connect(t, urlA).Exec(ctx, `CREATE TABLE only_in_a (x int)`); err != nil {
		t.Fatal(err)
	}
	var found bool
	if err := connect(t, urlB).QueryRow(ctx, `SELECT to_regclass('only_in_a') IS NOT NULL`).Scan(&found); err != nil {
		t.Fatal(err)
	}
	if found {
		t.Error("a table created in one database is visible in the other")
	}
}

func TestStopRemovesDataDir(t *testing.T) {
	s := startServer(t)
	if _, err := os.Stat(s.dir); err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	t.Logf("Stop took %v", time.Since(begin))
	if _, err := os.Stat(s.dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("data dir %s still there after Stop (stat: %v)", s.dir, err)
	}
	if err := s.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

// TestServerDiesWithTestBinary kills a test binary that started a server
// and checks that the server does not outlive it.
func TestServerDiesWithTestBinary(t *testing.T) {
	if os.Getenv("PGTEST_CHILD") == "1" {
		s, err := Start()
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println(s.cmd.Process.Pid, s.dir)
		select {} // until killed
	}
	if runtime.GOOS != "linux" {
		t.Skip("the parent-death signal is Linux only")
	}
	if _, err := findBin(); err != nil {
		t.Skip(err)
	}
	child := exec.Command(os.Args[0], "-test.run=^TestServerDiesWithTestBinary$")
	child.Env = append(os.Environ(), "PGTEST_CHILD=1")
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		child.Process.Kill()
		t.Fatalf("reading the child's output: %v", err)
	}
	var pid int
	var dir string
	if _, err := fmt.Sscan(line, &pid, &dir); err != nil {
		child.Process.Kill()
		t.Fatalf("child said %q", line)
	}
	t.Cleanup(func() { os.RemoveAll(dir) }) // the child cannot
	child.Process.Kill()
	child.Wait()
	for deadline := time.Now().Add(10 * time.Second); alive(pid); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			if p, err := os.FindProcess(pid); err == nil {
				p.Kill()
			}
			t.Fatalf("postgres (pid %d) outlived its test binary", pid)
		}
	}
}

// alive reports whether process pid runs (a zombie does not).
func alive(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name in parentheses.
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z"
}

func TestDBName(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int64
		want string
	}{
		{"TestStore/Put #2", 7, "teststore_put_2_7"},
		{"", 1, "db_1"},
		{"42 things", 3, "db_42_things_3"},
		{"Test'; DROP TABLE x; --", 4, "test_drop_table_x_4"},
		{strings.Repeat("a", 100), 12, strings.Repeat("a", 40) + "_12"},
		{"Test火山方舟", 5, "test_5"},
	} {
		if got := dbName(tc.name, tc.n); got != tc.want {
			t.Errorf("dbName(%q, %d) = %q, want %q", tc.name, tc.n, got, tc.want)
		}
	}
}
