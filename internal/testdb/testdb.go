// Package testdb gives tests real databases: a fresh SQLite file, and, when
// CAREPATH_TEST_POSTGRES names a PostgreSQL server, a fresh database on it
// that is dropped afterwards. Under CI (CI set), a missing PostgreSQL is a
// failure, not a skip.
package testdb

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"carepath/internal/testenv"
	"carepath/store"
)

// Engine is a database engine tests run against.
type Engine struct {
	Name string
	// Open returns a fresh, migrated, empty database, closed (and for
	// PostgreSQL dropped) when the test ends.
	Open func(t testing.TB) *store.DB
	// DSN returns a fresh, empty, unmigrated database's connection string,
	// dropped when the test ends.
	DSN func(t testing.TB) string
}

// PostgresEnv names the variable that points tests at a PostgreSQL server,
// e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable.
const PostgresEnv = "CAREPATH_TEST_POSTGRES"

// Engines returns SQLite and, when configured, PostgreSQL. Without
// PostgreSQL it says so (testenv.Missing), or fails under CI.
func Engines(t testing.TB) []Engine {
	engines := []Engine{{Name: "sqlite", DSN: sqliteDSN}}
	if os.Getenv(PostgresEnv) != "" {
		engines = append(engines, Engine{Name: "postgres", DSN: postgresDSN})
	} else {
		testenv.Missing(t, "PostgreSQL", "set "+PostgresEnv+"=postgres://USER@HOST:5432/postgres?sslmode=disable, a server where tests may create databases")
	}
	for i := range engines {
		dsn := engines[i].DSN
		engines[i].Open = func(t testing.TB) *store.DB { return open(t, dsn(t)) }
	}
	return engines
}

// Run runs fn as a subtest on every engine.
func Run(t *testing.T, fn func(t *testing.T, e Engine)) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) { fn(t, e) })
	}
}

func open(t testing.TB, dsn string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func sqliteDSN(t testing.TB) string {
	return filepath.Join(t.TempDir(), "carepath.db")
}

func postgresDSN(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(PostgresEnv)
	conn, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	name := fmt.Sprintf("carepath_test_%d_%08x", time.Now().Unix(), rand.Uint32())
	if _, err := conn.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create test database on %s: %v", admin, err)
	}
	t.Cleanup(func() {
		conn, err := sql.Open("pgx", admin)
		if err != nil {
			return
		}
		defer conn.Close()
		conn.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
