// Package testenv handles the services a test needs from the machine
// (PostgreSQL, Chromium, poppler): under CI their absence fails the test;
// elsewhere the test skips what needs them and says so where a developer
// running a plain `go test ./...` will see it.
package testenv

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// CI reports whether the tests run under CI (the variable CI is set), where
// every service must be present.
func CI() bool { return os.Getenv("CI") != "" }

var told sync.Map // service -> struct{}

// Missing handles the absence of service, which remedy says how to
// provide. Under CI it fails the test. Otherwise it logs the absence and,
// once per test binary and service, prints a line naming the package, the
// service and the remedy on the output of the go command: in a plain `go
// test ./...`, the output of a passing package is thrown away but for its
// "ok" line, and a skip must not pass unnoticed. The caller decides whether
// the test goes on without the service (SQLite without PostgreSQL) or stops
// (Skip).
func Missing(t testing.TB, service, remedy string) {
	t.Helper()
	if CI() {
		t.Fatalf("CI requires %s: %s", service, remedy)
	}
	t.Logf("%s is missing (%s): the tests that need it are skipped", service, remedy)
	if _, done := told.LoadOrStore(service, struct{}{}); done {
		return
	}
	announce(fmt.Sprintf("%s: skipped what needs %s (%s)\n", packageDir(), service, remedy))
}

// Skip is Missing, then t.Skip.
func Skip(t testing.TB, service, remedy string) {
	t.Helper()
	Missing(t, service, remedy)
	t.Skipf("skipped: no %s", service)
}

// announce writes line on the go command's standard error when this test
// binary runs under it (on Linux, where /proc names the parent's files),
// and on the test's own standard error otherwise.
func announce(line string) {
	if runtime.GOOS == "linux" {
		ppid := os.Getppid()
		comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", ppid))
		if err == nil && strings.TrimSpace(string(comm)) == "go" {
			// O_APPEND: where the go command writes to a file, write after
			// what it wrote, not over it.
			f, err := os.OpenFile(fmt.Sprintf("/proc/%d/fd/2", ppid), os.O_WRONLY|os.O_APPEND, 0)
			if err == nil {
				defer f.Close()
				if _, err := io.WriteString(f, line); err == nil {
					return
				}
			}
		}
	}
	io.WriteString(os.Stderr, line)
}

// packageDir is the test's package folder relative to the module root
// ("./store"), or the folder itself when no go.mod is found above it.
func packageDir() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			rel, err := filepath.Rel(dir, wd)
			if err != nil {
				return wd
			}
			return "./" + filepath.ToSlash(rel)
		}
		if filepath.Dir(dir) == dir {
			return wd
		}
	}
}
