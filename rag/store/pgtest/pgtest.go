// Package pgtest starts private PostgreSQL servers for tests, like
// net/http/httptest does for HTTP: each server has its own temporary data
// directory and loopback port, runs with durability turned off for speed,
// trusts every local connection and has a superuser named marketbot.
//
// Most tests call Shared, which starts one server per test binary and gives
// each test a fresh database; such packages run their tests through Main.
// When the server binaries are missing (Debian's postgresql-15 provides them;
// .ci/run installs it), Shared skips the test and Start returns an error
// wrapping ErrNotInstalled.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrNotInstalled is wrapped by Start's error when the PostgreSQL server
// binaries (initdb and postgres) cannot be found.
var ErrNotInstalled = errors.New("pgtest: PostgreSQL server binaries not found")

// startTimeout bounds how long Start waits for the server to accept
// connections.
const startTimeout = 30 * time.Second

// Server is one running PostgreSQL server. Create it with Start and end it
// with Stop.
type Server struct {
	dir  string // temporary directory: data/, the socket and postgres.log
	port int
	cmd  *exec.Cmd
	done chan struct{} // closed when the postgres process has exited

	stopOnce sync.Once
	stopErr  error
	dbs      atomic.Int64 // databases created, for unique names
}

// Start initialises a data directory in a new temporary directory (in
// /dev/shm on Linux when it has room and $TMPDIR is unset) and starts a
// server on a free loopback port, returning once it accepts connections.
// Run as root, it runs the server as the postgres user.
func Start() (*Server, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	owner, err := serverUser()
	if err != nil {
		return nil, err
	}
	dir, err := makeDir(owner)
	if err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	initdb := command(owner, dir, filepath.Join(bin, "initdb"),
		"-D", data, "-U", "marketbot", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync")
	if out, err := initdb.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("pgtest: initdb: %w\n%s", err, out)
	}
	// Another process may take the free port before postgres binds it; try again then.
	for attempt := 1; ; attempt++ {
		s, err := start(owner, bin, dir)
		if err == nil {
			return s, nil
		}
		if attempt == 3 || !strings.Contains(err.Error(), "Address already in use") {
			os.RemoveAll(dir)
			return nil, err
		}
	}
}

// start starts postgres on the initialised data directory in dir and waits
// until it accepts connections.
func start(owner *user.User, bin, dir string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "postgres.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	defer logFile.Close() // postgres has its own copy
	s := &Server{dir: dir, port: port, done: make(chan struct{})}
	args := []string{"-D", filepath.Join(dir, "data"), "-p", strconv.Itoa(port)}
	for _, setting := range []string{
		"listen_addresses=127.0.0.1", "unix_socket_directories=" + dir,
		"fsync=off", "synchronous_commit=off", "full_page_writes=off",
		"max_connections=200", "shared_buffers=16MB",
	} {
		args = append(args, "-c", setting)
	}
	s.cmd = command(owner, dir, filepath.Join(bin, "postgres"), args...)
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("pgtest: starting postgres: %w", err)
	}
	go func() { s.cmd.Wait(); close(s.done) }()

	deadline := time.Now().Add(startTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn, err := pgx.Connect(ctx, s.URL())
		if err == nil {
			conn.Close(ctx)
			cancel()
			return s, nil
		}
		cancel()
		failed := ""
		select {
		case <-s.done:
			failed = "postgres exited"
		case <-time.After(20 * time.Millisecond):
			if time.Now().After(deadline) {
				failed = fmt.Sprintf("postgres did not accept connections within %v", startTimeout)
				s.cmd.Process.Kill()
				<-s.done
			}
		}
		if failed != "" {
			log, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("pgtest: %s (last error: %w); server log:\n%s", failed, err, log)
		}
	}
}

// Stop shuts the server down (fast shutdown: open sessions are ended) and
// removes its data directory. Calling it again does nothing.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		s.cmd.Process.Signal(syscall.SIGINT) // fails only if it has already exited
		select {
		case <-s.done:
		case <-time.After(startTimeout):
			s.cmd.Process.Kill()
			<-s.done
			s.stopErr = errors.New("pgtest: postgres did not shut down in time; killed it")
		}
		if err := os.RemoveAll(s.dir); err != nil {
			s.stopErr = errors.Join(s.stopErr, fmt.Errorf("pgtest: %w", err))
		}
	})
	return s.stopErr
}

// URL returns the URL of the server's postgres database.
func (s *Server) URL() string { return s.dbURL("postgres") }

func (s *Server) dbURL(db string) string {
	return fmt.Sprintf("postgres://marketbot@127.0.0.1:%d/%s?sslmode=disable", s.port, db)
}

// NewDatabase creates an empty database whose name is derived from name
// (a test name, say) and made unique, and returns its URL.
func (s *Server) NewDatabase(ctx context.Context, name string) (url string, err error) {
	db, err := s.createDatabase(ctx, name)
	if err != nil {
		return "", err
	}
	return s.dbURL(db), nil
}

// createDatabase creates a database named after name and returns its name.
func (s *Server) createDatabase(ctx context.Context, name string) (string, error) {
	db := dbName(name, s.dbs.Add(1))
	if err := s.exec(ctx, "CREATE DATABASE "+db); err != nil {
		return "", fmt.Errorf("pgtest: creating database %s: %w", db, err)
	}
	return db, nil
}

// dropDatabase drops the database db, ending its sessions.
func (s *Server) dropDatabase(ctx context.Context, db string) error {
	if err := s.exec(ctx, "DROP DATABASE IF EXISTS "+db+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("pgtest: dropping database %s: %w", db, err)
	}
	return nil
}

// exec runs one statement in the postgres database.
func (s *Server) exec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, s.URL())
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}

var unsafeChars = regexp.MustCompile(`[^a-z0-9]+`)

// dbName turns name into a database name that needs no quoting and is
// unique thanks to n: "TestStore/Put #2", 7 → "teststore_put_2_7".
func dbName(name string, n int64) string {
	base := strings.Trim(unsafeChars.ReplaceAllString(strings.ToLower(name), "_"), "_")
	if len(base) > 40 { // identifiers are at most 63 bytes
		base = base[:40]
	}
	if base == "" {
		base = "db"
	} else if base[0] >= '0' && base[0] <= '9' {
		base = "db_" + base
	}
	return fmt.Sprintf("%s_%d", base, n)
}

// findBin returns the directory holding initdb and postgres: from PATH, or
// else the newest of Debian's /usr/lib/postgresql/VERSION/bin.
func findBin() (string, error) {
	if initdb, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("postgres"); err == nil {
			return filepath.Dir(initdb), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	version := func(dir string) float64 {
		v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(dir)), 64)
		return v
	}
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, dir := range dirs {
		if isFile(filepath.Join(dir, "initdb")) && isFile(filepath.Join(dir, "postgres")) {
			return dir, nil
		}
	}
	return "", fmt.Errorf("%w on PATH or in /usr/lib/postgresql/*/bin", ErrNotInstalled)
}

func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

// serverUser returns the user to run initdb and postgres as, which refuse
// to run as root: nil (ourselves) unless we are root, then postgres.
func serverUser() (*user.User, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	if !canRunAsOther {
		return nil, errors.New("pgtest: running as root, which PostgreSQL refuses, is supported on Linux only")
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pgtest: running as root and PostgreSQL refuses to; no user to run it as: %w", err)
	}
	return u, nil
}

// makeDir creates the server's temporary directory, owned by owner if not
// nil. The server user must be able to reach it, so when we are root and
// $TMPDIR is private, it is made in /tmp.
func makeDir(owner *user.User) (string, error) {
	base := tempBase()
	if owner != nil && !othersCanEnter(base) {
		base = "/tmp"
	}
	dir, err := os.MkdirTemp(base, "pgtest-")
	if err != nil {
		return "", fmt.Errorf("pgtest: %w", err)
	}
	if owner != nil {
		uid, _ := strconv.Atoi(owner.Uid)
		gid, _ := strconv.Atoi(owner.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return "", fmt.Errorf("pgtest: %w", err)
		}
	}
	return dir, nil
}

// othersCanEnter reports whether every directory from / to dir can be
// traversed by any user.
func othersCanEnter(dir string) bool {
	for {
		fi, err := os.Stat(dir)
		if err != nil || fi.Mode().Perm()&0o001 == 0 {
			return false
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return true
		}
		dir = parent
	}
}

// command returns a command running path as owner (nil: as ourselves) in
// dir, with no terminal input.
func command(owner *user.User, dir, path string, args ...string) *exec.Cmd {
	cmd := exec.Command(path, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	cmd.SysProcAttr = sysProcAttr(owner)
	return cmd
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest: finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
