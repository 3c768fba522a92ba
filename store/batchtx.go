package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"carepath"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// batchTx is what an import batch needs from its transaction. The engines
// differ in how rows reach the database fastest: SQLite takes multi-row
// upserts through database/sql, PostgreSQL takes COPY into a staging table
// and one upsert from it per table.
type batchTx interface {
	now() time.Time
	dialect() Dialect
	// owner is the DB the transaction runs on.
	owner() *DB
	exec(ctx context.Context, query string, args ...any) error
	// each calls row for each result row; scan reads its columns.
	each(ctx context.Context, query string, args []any, row func(scan func(dest ...any) error) error) error
	// flush writes every row of b and empties it.
	flush(ctx context.Context, b *bulkBuffer) error
	// insertRows runs insert (an INSERT with a VALUES list of one row of
	// cols placeholders) for each cols values of args, in as few
	// statements as suit the engine.
	insertRows(ctx context.Context, insert string, cols int, args []any) error
}

// runImportTx runs fn in one transaction on the engine's fastest write path,
// retrying serialization failures as RunInTx does.
func (db *DB) runImportTx(ctx context.Context, fn func(tx batchTx) error) error {
	if db.Dialect != Postgres {
		return db.RunInTx(ctx, func(tx *Tx) error { return fn(tx) })
	}
	return db.retryTx(ctx, func() error { return db.runPgxTx(ctx, fn) })
}

func (db *DB) runPgxTx(ctx context.Context, fn func(tx batchTx) error) error {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		c, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: PostgreSQL connection is a %T", driverConn)
		}
		return pgx.BeginFunc(ctx, c.Conn(), func(tx pgx.Tx) error {
			return fn(&pgxBatchTx{tx: tx, db: db, at: db.Now().UTC()})
		})
	})
}

// A Tx is the database/sql path of an import batch (SQLite), and the
// transaction every other write runs in.

func (tx *Tx) now() time.Time { return tx.Now }

func (tx *Tx) dialect() Dialect { return tx.db.Dialect }

func (tx *Tx) exec(ctx context.Context, query string, args ...any) error {
	_, err := tx.Exec(ctx, query, args...)
	return err
}

func (tx *Tx) each(ctx context.Context, query string, args []any, row func(func(...any) error) error) error {
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return err
	}
	return scanAll(rows, row)
}

// eachRow calls row for each row of a query that may have failed.
func eachRow(rows *sql.Rows, err error, row func(func(...any) error) error) error {
	if err != nil {
		return err
	}
	return scanAll(rows, row)
}

func scanAll(rows *sql.Rows, row func(func(...any) error) error) error {
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// collect scans every row of a query into a slice, one value per row.
func collect[T any](rows *sql.Rows, err error, one func(scan func(...any) error) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	var out []T
	err = scanAll(rows, func(scan func(...any) error) error {
		v, err := one(scan)
		out = append(out, v)
		return err
	})
	return out, err
}

// execFound runs a statement that must change a row, and answers ENOTFOUND
// with the given message when none matched (unknown, or not the actor's to
// change: the same answer).
func execFound(ctx context.Context, tx *Tx, notFound, query string, args ...any) error {
	res, err := tx.Exec(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return carepath.Errorf(carepath.ENOTFOUND, "%s", notFound)
	}
	return nil
}

func (tx *Tx) flush(ctx context.Context, b *bulkBuffer) error { return b.flush(ctx, tx) }

// insertRows runs one prepared statement per row. A multi-row INSERT is
// slower on SQLite once it changes more than 64 KB of pages: SQLite keeps
// the pages' old content (to undo just that statement) in a temporary file
// past that size (measured: 500 audit records took 45 ms as one statement).
func (tx *Tx) insertRows(ctx context.Context, insert string, cols int, args []any) error {
	if len(args) == cols {
		return tx.exec(ctx, insert, args...)
	}
	stmt, err := tx.Prepare(ctx, insert)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for i := 0; i < len(args); i += cols {
		if _, err := stmt.ExecContext(ctx, args[i:i+cols]...); err != nil {
			return err
		}
	}
	return nil
}

// pgxBatchTx is the PostgreSQL path, on the pgx connection under
// database/sql, for COPY.
type pgxBatchTx struct {
	tx     pgx.Tx
	db     *DB
	at     time.Time
	staged map[string]bool
}

func (t *pgxBatchTx) now() time.Time { return t.at }

func (t *pgxBatchTx) dialect() Dialect { return Postgres }

func (t *pgxBatchTx) owner() *DB { return t.db }

func (t *pgxBatchTx) exec(ctx context.Context, query string, args ...any) error {
	_, err := t.tx.Exec(ctx, t.db.rebind(query), args...)
	return err
}

// insertRows sends rows 500 to a statement: each statement is a round trip
// to the server.
func (t *pgxBatchTx) insertRows(ctx context.Context, insert string, cols int, args []any) error {
	row := "(" + placeholders(cols) + ")"
	head := insert[:strings.LastIndex(insert, "(")]
	for start := 0; start < len(args); start += 500 * cols {
		chunk := args[start:min(start+500*cols, len(args))]
		if err := t.exec(ctx, head+strings.TrimSuffix(strings.Repeat(row+", ", len(chunk)/cols), ", "), chunk...); err != nil {
			return err
		}
	}
	return nil
}

// query runs as an unnamed statement, planned with its values every time.
// The tables grow from nothing during an import, and a generic plan cached
// while fhir_resource was small kept scanning it whole once it was large
// (measured: 3,000 resources/s instead of 9,800).
func (t *pgxBatchTx) each(ctx context.Context, query string, args []any, row func(func(...any) error) error) error {
	rows, err := t.tx.Query(ctx, t.db.rebind(query), append([]any{pgx.QueryExecModeExec}, args...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// flush copies the rows into a session-local staging table that empties at
// every commit, then upserts them into the table in one statement.
func (t *pgxBatchTx) flush(ctx context.Context, b *bulkBuffer) error {
	if len(b.rows) == 0 {
		return nil
	}
	if b.allNew {
		copied, err := t.copyNew(ctx, b)
		if err != nil || copied {
			return err
		}
	}
	stage := "stage_" + b.t.name
	if t.staged == nil {
		t.staged = map[string]bool{}
	}
	if !t.staged[stage] {
		// With the table's defaults: LIKE copies NOT NULL, and the columns
		// an import does not write (patient.record_version) must not be null.
		if _, err := t.tx.Exec(ctx, "CREATE TEMP TABLE IF NOT EXISTS "+stage+" (LIKE "+b.t.name+" INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"); err != nil {
			return fmt.Errorf("stage %s: %w", b.t.name, err)
		}
		t.staged[stage] = true
	}
	if _, err := t.tx.CopyFrom(ctx, pgx.Identifier{stage}, b.t.cols, pgx.CopyFromRows(b.rows)); err != nil {
		return fmt.Errorf("copy %s: %w", b.t.name, err)
	}
	cols := strings.Join(b.t.cols, ", ")
	if _, err := t.tx.Exec(ctx, "INSERT INTO "+b.t.name+" ("+cols+") SELECT "+cols+" FROM "+stage+
		" ON CONFLICT ("+strings.Join(b.t.cols[:b.t.keyCols], ", ")+") "+b.t.conflictClause()); err != nil {
		return fmt.Errorf("write %s: %w", b.t.name, err)
	}
	if _, err := t.tx.Exec(ctx, "TRUNCATE "+stage); err != nil {
		return err
	}
	b.reset()
	return nil
}

// copyNew copies rows that should all be new straight into their table. If
// one of them was stored meanwhile, by a transaction that committed after
// this batch looked, the copy is undone and reports false, and the rows take
// the upsert path.
func (t *pgxBatchTx) copyNew(ctx context.Context, b *bulkBuffer) (copied bool, err error) {
	sp, err := t.tx.Begin(ctx) // a savepoint
	if err != nil {
		return false, err
	}
	if _, err := sp.CopyFrom(ctx, pgx.Identifier{b.t.name}, b.t.cols, pgx.CopyFromRows(b.rows)); err != nil {
		if rbErr := sp.Rollback(ctx); rbErr != nil {
			return false, rbErr
		}
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == pgUniqueViolation {
			return false, nil
		}
		return false, fmt.Errorf("copy %s: %w", b.t.name, err)
	}
	if err := sp.Commit(ctx); err != nil {
		return false, err
	}
	b.reset()
	return true, nil
}
