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
	SQL     string // for both engines
	// Engine-specific statements run after SQL, from NNNN_name.sqlite.sql and
	// NNNN_name.postgres.sql when present (triggers, for one).
	SQLite, Postgres string
}

// Migrations returns the embedded migrations in version order. File names
// are NNNN_name.sql, with optional NNNN_name.sqlite.sql and
// NNNN_name.postgres.sql beside them.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	byVersion := map[int]*Migration{}
	for _, e := range entries {
		name := e.Name()
		base := strings.TrimSuffix(name, ".sql")
		engine := ""
		for _, suffix := range []string{".sqlite", ".postgres"} {
			if strings.HasSuffix(base, suffix) {
				base, engine = strings.TrimSuffix(base, suffix), suffix[1:]
			}
		}
		num, rest, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("migration %s: name must be NNNN_name.sql (or .sqlite.sql, .postgres.sql)", name)
		}
		b, err := migrationFS.ReadFile("migrations/" + name)
		if err != nil {
			return nil, err
		}
		m := byVersion[v]
		if m == nil {
			m = &Migration{Version: v, Name: rest}
			byVersion[v] = m
		} else if m.Name != rest {
			return nil, fmt.Errorf("migration %d is named both %q and %q", v, m.Name, rest)
		}
		switch engine {
		case "sqlite":
			m.SQLite = string(b)
		case "postgres":
			m.Postgres = string(b)
		default:
			m.SQL = string(b)
		}
	}
	var ms []Migration
	for _, m := range byVersion {
		ms = append(ms, *m)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration versions must run 1, 2, 3... without gaps; found %d at position %d", m.Version, i+1)
		}
		if m.SQL == "" {
			return nil, fmt.Errorf("migration %d (%s) has engine-specific files but no %04d_%s.sql", m.Version, m.Name, m.Version, m.Name)
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
			if err := tx.queryRow(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&current); err != nil {
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
			extra := m.SQLite
			if db.Dialect == Postgres {
				extra = m.Postgres
			}
			for _, sql := range []string{m.SQL, extra} {
				if sql == "" {
					continue
				}
				if _, err := tx.Exec(ctx, db.translate(sql)); err != nil {
					return fmt.Errorf("migration %d (%s): %w", m.Version, m.Name, err)
				}
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
