package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Migration is one versioned schema change embedded in the binary.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the embedded migrations in version order. File names
// are NNNN_name.sql.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, e := range entries {
		name := e.Name()
		num, rest, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must be NNNN_name.sql", name)
		}
		b, err := migrationFS.ReadFile("migrations/" + name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: rest, SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration versions must run 1, 2, 3... without gaps; found %d at position %d", m.Version, i+1)
		}
	}
	return ms, nil
}

// translate adapts the one schema to the engine: JSON documents are JSON on
// PostgreSQL (validated on write and kept byte for byte, unlike JSONB, and
// compressed with lz4 when large) and TEXT on SQLite.
func (db *DB) translate(sql string) string {
	if db.Dialect == Postgres {
		return strings.ReplaceAll(sql, "JSONDOC", "JSON COMPRESSION lz4")
	}
	return strings.ReplaceAll(sql, "JSONDOC", "TEXT")
}

// MigrationStatus is what Migrate did.
type MigrationStatus struct {
	Applied []Migration // applied by this call
	Version int         // schema version after the call
}

// Migrate applies, in order and each in its own transaction, every embedded
// migration the database has not yet applied. Concurrent callers are
// serialized by a lock on the schema_migrations table (PostgreSQL) or by the
// single immediate writer (SQLite). A database newer than this binary is an
// error: an older binary must not run against a newer schema.
func (db *DB) Migrate(ctx context.Context) (MigrationStatus, error) {
	var st MigrationStatus
	ms, err := Migrations()
	if err != nil {
		return st, err
	}
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return st, fmt.Errorf("create schema_migrations: %w", err)
	}
	for {
		var applied *Migration
		err := db.RunInTx(ctx, func(tx *Tx) error {
			if db.Dialect == Postgres {
				if _, err := tx.Exec(ctx, "LOCK TABLE schema_migrations IN EXCLUSIVE MODE"); err != nil {
					return err
				}
			}
			var current int
			if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&current); err != nil {
				return err
			}
			st.Version = current
			if current > len(ms) {
				return fmt.Errorf("database schema is version %d but this binary knows only %d: use a newer carepath", current, len(ms))
			}
			if current == len(ms) {
				return nil
			}
			m := ms[current]
			if _, err := tx.Exec(ctx, db.translate(m.SQL)); err != nil {
				return fmt.Errorf("migration %d (%s): %w", m.Version, m.Name, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.Version, m.Name, formatTime(tx.Now)); err != nil {
				return err
			}
			applied, st.Version = &m, m.Version
			return nil
		})
		if err != nil {
			return st, err
		}
		if applied == nil {
			return st, nil
		}
		st.Applied = append(st.Applied, *applied)
	}
}
