package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
)

// The server that Shared starts, at most one per test binary.
var (
	sharedOnce   sync.Once
	sharedServer *Server
	sharedErr    error
	mainRunning  atomic.Bool
)

// Main runs the tests of a package that uses Shared, then stops the shared
// server and exits with the tests' exit code. Call it from TestMain:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// A TestMain with work of its own to do after the tests calls Run.
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run runs the tests, stops the shared server and returns the exit code.
func Run(m *testing.M) int {
	mainRunning.Store(true)
	code := m.Run()
	if sharedServer != nil {
		if err := sharedServer.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			if code == 0 {
				code = 1
			}
		}
	}
	return code
}

// Shared returns the URL of a new, empty database for t on a server shared
// by the whole test binary, started on first use. The database is dropped
// when t ends. The package's TestMain must call Main or Run, which stop
// the server. Shared skips t when PostgreSQL is not installed.
func Shared(t testing.TB) string {
	t.Helper()
	if !mainRunning.Load() {
		t.Fatal("pgtest.Shared needs the package's tests run through pgtest.Main, which stops the server: add func TestMain(m *testing.M) { pgtest.Main(m) }")
	}
	sharedOnce.Do(func() { sharedServer, sharedErr = Start() })
	if errors.Is(sharedErr, ErrNotInstalled) {
		t.Skip("PostgreSQL server binaries not found (install Debian's postgresql-15; .ci/run does): skipping")
	}
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	db, err := sharedServer.createDatabase(t.Context(), t.Name())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := sharedServer.dropDatabase(context.Background(), db); err != nil {
			t.Error(err)
		}
	})
	return sharedServer.dbURL(db)
}
