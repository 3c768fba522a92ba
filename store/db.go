// Package store keeps Carepath's data in SQL: an embedded SQLite file by
// default, PostgreSQL when an organization outgrows one machine. One schema,
// one set of queries (written with ? placeholders and rebound for
// PostgreSQL), versioned migrations embedded in the binary.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"carepath"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names the SQL engine behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DefaultPath is where the embedded database lives when no DSN is given.
const DefaultPath = "carepath-data/carepath.db"

// DB is an open Carepath database.
type DB struct {
	Dialect Dialect
	// DSN is the connection string with any password removed, for messages.
	DSN string
	// Now is the clock every transaction reads its time from; tests inject a
	// fixed one.
	Now func() time.Time

	write *sql.DB // SQLite: the one writer connection; PostgreSQL: the pool
	read  *sql.DB // SQLite: a pool of readers; PostgreSQL: the same pool
	path  string  // SQLite file path

	// SQLite: commits kick a background checkpointer, so that copying the
	// WAL into the database runs beside the writer instead of inside its
	// commits.
	checkpointKick chan struct{}
	checkpointDone chan struct{}
	// walTooLong is set by the checkpointer when the WAL has grown past
	// maxWALFrames; the writer then truncates it before its next
	// transaction.
	walTooLong atomic.Bool

	rebound sync.Map // query with ? -> query with $n, for PostgreSQL

	stmts     sync.Map // SQLite: query -> *sql.Stmt prepared on the reader pool
	stmtCount atomic.Int64
	importing atomic.Bool // the writer's cache is sized for an import

	auditor auditAppender
	charts  *chartCache
	// auditAttention holds, by organization, what the last append found
	// wrong with its audit chain (AuditAttention).
	auditAttention sync.Map
	// signIns counts failed sign-ins of addresses and of emails with no
	// account (Authenticate).
	signIns throttleMemory
	// eligible keeps each organization's and program's eligible patients
	// while its records are unchanged (see FindEligiblePatients).
	eligible sync.Map // org + "|" + program -> eligibleList
	// orgZones keeps each organization's time zone once read: it is set
	// when the organization is created and never changed.
	orgZones sync.Map // org id -> *time.Location

	closeOnce sync.Once
	closeErr  error
}

// Open connects to the database named by dsn: a postgres:// or
// postgresql:// URL for PostgreSQL, otherwise a SQLite file path ("" means
// DefaultPath; its folder is created). It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	db := &DB{Now: time.Now, charts: newChartCache(DefaultChartCache)}
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		err = db.openPostgres(ctx, dsn)
	} else {
		err = db.openSQLite(ctx, strings.TrimPrefix(dsn, "sqlite:"))
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func (db *DB) openSQLite(ctx context.Context, path string) error {
	if path == "" {
		path = DefaultPath
	}
	db.Dialect, db.path, db.DSN = SQLite, path, path
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("create database folder: %w", err)
		}
	}
	// WAL lets readers work while the single writer writes; synchronous=FULL
	// because this is clinical data and a lost commit after power loss is not
	// acceptable. Writers take the lock at BEGIN (immediate) so that two
	// writers never deadlock upgrading a read lock.
	// Page caches: 64 MB for the writer while it imports (B-tree inserts
	// into indexes it keeps hot; importCache), 4 MB per reader (readConns),
	// the default 2 MB for the checkpointer, which only streams pages
	// through. They count toward the import's 500 MB.
	pragmas := "_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)" +
		"&_pragma=foreign_keys(1)&_pragma=temp_store(MEMORY)"
	u := "file:" + (&url.URL{Path: path}).EscapedPath()
	var err error
	// The writer's cache is small for a server's writes (audit records,
	// sessions); imports enlarge it while they run (importCache).
	if db.write, err = sql.Open("sqlite", u+"?"+pragmas+"&_pragma=cache_size(-8192)&_pragma=wal_autocheckpoint(0)&_txlock=immediate"); err != nil {
		return err
	}
	db.write.SetMaxOpenConns(1)
	db.write.SetMaxIdleConns(1)
	db.write.SetConnMaxLifetime(0)
	if err := db.write.PingContext(ctx); err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	// Readers keep small page caches: any commit (the audit trail commits
	// with every page view) makes each of them drop its cache anyway.
	if db.read, err = sql.Open("sqlite", u+"?"+pragmas+"&_pragma=cache_size(-4096)&_pragma=query_only(1)"); err != nil {
		return err
	}
	db.read.SetMaxOpenConns(readConns())
	db.read.SetMaxIdleConns(readConns())
	checkpointer, err := sql.Open("sqlite", u+"?"+pragmas)
	if err != nil {
		return err
	}
	checkpointer.SetMaxOpenConns(1)
	db.checkpointKick, db.checkpointDone = make(chan struct{}, 1), make(chan struct{})
	go db.checkpointLoop(checkpointer)
	return nil
}

// readConns is how many SQLite reader connections serve queries: two per
// core. Reads of cached pages are CPU work, and every connection beyond
// that only drops its page cache at each commit (the audit trail commits
// with every page view) and reads those pages again. Measured on the
// 100,000-patient demo with 2 cores, a chart under 32 connections,
// alternated: 8 connections 1,440-1,463/s, 4 connections 1,598-1,635/s.
func readConns() int { return 2 * runtime.GOMAXPROCS(0) }

// maxWALFrames is the WAL length (in pages) past which the writer
// truncates it: 65,536 pages of 4 KB, 256 MB.
var maxWALFrames = 65536

// checkpointLoop copies committed WAL frames into the database file after
// commits, at most a few times a second, without blocking the writer
// (PASSIVE). SQLite can only restart the WAL from its beginning when a
// checkpoint has caught up before the next write, which under a continuous
// import never happens: measured, the WAL grew to 7 GB in five minutes. So
// when it is long, the loop asks the writer to truncate it (see runOnce).
func (db *DB) checkpointLoop(conn *sql.DB) {
	defer close(db.checkpointDone)
	defer conn.Close()
	for range db.checkpointKick {
		var busy, frames, done int
		if err := conn.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &done); err == nil && frames > maxWALFrames {
			db.walTooLong.Store(true)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// truncateWAL copies what remains of the WAL into the database and empties
// it. It runs on the writer connection between transactions; the background
// checkpointer has usually copied most frames already.
//
// A checkpoint the background checkpointer is running at that moment makes
// this one report busy instead of waiting: it is tried again shortly, and if
// still busy, left flagged for the next transaction.
func (db *DB) truncateWAL(ctx context.Context) error {
	if !db.walTooLong.Swap(false) {
		return nil
	}
	for attempt := 0; attempt < 20; attempt++ {
		var busy, frames, done int
		if err := db.write.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &done); err != nil {
			return err
		}
		if busy == 0 {
			return nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	db.walTooLong.Store(true)
	return nil
}

// committed tells the checkpointer there is work, without waiting.
func (db *DB) committed() {
	if db.checkpointKick != nil {
		select {
		case db.checkpointKick <- struct{}{}:
		default:
		}
	}
}

func (db *DB) openPostgres(ctx context.Context, dsn string) error {
	db.Dialect = Postgres
	db.DSN = redactDSN(dsn)
	var err error
	if db.write, err = sql.Open("pgx", dsn); err != nil {
		return err
	}
	db.write.SetMaxOpenConns(16)
	db.write.SetMaxIdleConns(16)
	db.write.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.write.PingContext(ctx); err != nil {
		return fmt.Errorf("connect to %s: %w", db.DSN, err)
	}
	db.read = db.write
	return nil
}

func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://(unparsable)"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Close closes the connections. With SQLite it also checkpoints the WAL so
// the database is one file again. Calling it again does nothing.
func (db *DB) Close() error {
	db.closeOnce.Do(func() { db.closeErr = db.close() })
	return db.closeErr
}

func (db *DB) close() error {
	var errs []error
	db.stopAuditor()
	if db.checkpointKick != nil {
		close(db.checkpointKick)
		<-db.checkpointDone
	}
	if db.Dialect == SQLite && db.write != nil {
		_ = db.Optimize(context.Background())
		_, _ = db.write.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	}
	db.stmts.Range(func(_, st any) bool {
		st.(*sql.Stmt).Close()
		return true
	})
	if db.read != nil && db.read != db.write {
		errs = append(errs, db.read.Close())
	}
	if db.write != nil {
		errs = append(errs, db.write.Close())
	}
	return errors.Join(errs...)
}

// importCache sets the SQLite writer's page cache for imports (large) or
// for serving (small). Measured: 64 MB made the 10,000-patient import 20%
// faster than 32 MB; a server's writer needs little, and its cache counted
// in the server's memory.
func (db *DB) importCache(ctx context.Context, importing bool) error {
	if db.Dialect != SQLite || db.importing.Swap(importing) == importing {
		return nil
	}
	size := -8192
	if importing {
		size = -65536
	}
	_, err := db.write.ExecContext(ctx, "PRAGMA cache_size = "+strconv.Itoa(size))
	return err
}

// ImportFinished ends a bulk import: the planner statistics are refreshed
// (Optimize) and the writer's cache returns to its serving size.
func (db *DB) ImportFinished(ctx context.Context) error {
	if err := db.importCache(ctx, false); err != nil {
		return err
	}
	return db.Optimize(ctx)
}

// Optimize refreshes the statistics the query planner chooses indexes by.
// Without them, SQLite scanned every patient of 100,000 for a name search
// (through the birth-date index) and every condition for each patient of a
// condition filter; with them, both take a millisecond. Imports call it
// when they finish, and SQLite runs it on Close: it only analyzes tables
// that changed much, and samples at most 1,000 rows per index.
func (db *DB) Optimize(ctx context.Context) error {
	if db.Dialect == Postgres {
		_, err := db.write.ExecContext(ctx, "ANALYZE")
		return err
	}
	_, err := db.write.ExecContext(ctx, "PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002")
	return err
}

// rebind turns ? placeholders into $1, $2... for PostgreSQL. Queries are
// written once, with ?, and never contain a literal question mark.
func (db *DB) rebind(query string) string {
	if db.Dialect != Postgres {
		return query
	}
	if q, ok := db.rebound.Load(query); ok {
		return q.(string)
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	q := b.String()
	db.rebound.Store(query, q)
	return q
}

// query runs a read on the reader pool.
func (db *DB) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := db.readStmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.read.QueryContext(ctx, db.rebind(query), args...)
}

func (db *DB) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := db.readStmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.read.QueryRowContext(ctx, db.rebind(query), args...)
}

// maxReadStmts bounds the statements kept prepared.
const maxReadStmts = 1000

// readStmt returns the query prepared on the SQLite reader pool, prepared
// once and kept: parsing and planning was a fifth of a chart page's CPU.
// (pgx caches prepared statements itself.) It returns nil when the query
// is not to be cached, or preparing failed (the caller then runs the query
// unprepared and reports its error).
func (db *DB) readStmt(ctx context.Context, query string) *sql.Stmt {
	if db.Dialect != SQLite {
		return nil
	}
	if st, ok := db.stmts.Load(query); ok {
		return st.(*sql.Stmt)
	}
	return db.prepareRead(ctx, query)
}

// cachedReadStmt is readStmt for code that holds a reader connection (a
// read transaction): preparing on the pool would wait for a connection,
// and with every connection held by such code, wait forever. A statement
// not yet cached is prepared in the background, and the query this time
// runs unprepared.
func (db *DB) cachedReadStmt(query string) *sql.Stmt {
	if db.Dialect != SQLite {
		return nil
	}
	if st, ok := db.stmts.Load(query); ok {
		return st.(*sql.Stmt)
	}
	go db.prepareRead(context.Background(), query)
	return nil
}

func (db *DB) prepareRead(ctx context.Context, query string) *sql.Stmt {
	if db.stmtCount.Load() >= maxReadStmts {
		return nil
	}
	st, err := db.read.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	if prev, loaded := db.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt)
	}
	db.stmtCount.Add(1)
	return st
}

// Tx is a read-write transaction with the time it started, taken from the
// DB's clock once so that every row it writes agrees on "now".
type Tx struct {
	tx  *sql.Tx
	db  *DB
	Now time.Time
}

// Exec runs a statement written with ? placeholders.
func (tx *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(ctx, tx.db.rebind(query), args...)
}

// Prepare prepares a statement written with ? placeholders for many runs
// in tx; it is closed with tx.
func (tx *Tx) Prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	return tx.tx.PrepareContext(ctx, tx.db.rebind(query))
}

// query and queryRow run queries written with ? placeholders. They make a
// Tx a querier, so that the reads a write checks first are the same
// functions that serve reads.
func (tx *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(ctx, tx.db.rebind(query), args...)
}

func (tx *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, tx.db.rebind(query), args...)
}

// maxTxAttempts bounds how often RunInTx retries a transaction that lost a
// serialization race.
const maxTxAttempts = 5

// RunInTx runs fn in one read-write transaction and commits it, or rolls it
// back if fn returns an error. A transaction that fails because of a
// concurrent writer (PostgreSQL serialization failure or deadlock, SQLite
// busy) is retried from the start with a fresh Now, so fn must have no effects
// outside the transaction.
func (db *DB) RunInTx(ctx context.Context, fn func(tx *Tx) error) error {
	return db.retryTx(ctx, func() error { return db.runOnce(ctx, fn) })
}

// retryTx runs one transaction attempt, and runs it again after a short,
// jittered pause while it fails with a transient conflict.
func (db *DB) retryTx(ctx context.Context, attempt func() error) error {
	var err error
	for n := 1; n <= maxTxAttempts; n++ {
		err = attempt()
		if err == nil || !isRetryable(err) || n == maxTxAttempts {
			break
		}
		backoff := time.Duration(n*n) * 10 * time.Millisecond
		backoff += time.Duration(rand.Int64N(int64(backoff)))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
	}
	return mapError(err)
}

func (db *DB) runOnce(ctx context.Context, fn func(tx *Tx) error) error {
	if db.Dialect == SQLite {
		if err := db.truncateWAL(ctx); err != nil {
			return err
		}
	}
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return mapError(err)
	}
	tx := &Tx{tx: sqlTx, db: db, Now: db.Now().UTC()}
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return mapError(err)
	}
	if err := sqlTx.Commit(); err != nil {
		return mapError(err)
	}
	db.committed()
	return nil
}

// PostgreSQL error codes (SQLSTATE) this package acts on.
const (
	pgUniqueViolation      = "23505"
	pgSerializationFailure = "40001"
	pgDeadlockDetected     = "40P01"
)

// isRetryable reports whether err is a transient conflict with another
// transaction, recognised by driver error codes, never by message text.
func isRetryable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == pgSerializationFailure || pgErr.Code == pgDeadlockDetected
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		code := sqErr.Code() & 0xff
		return code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED
	}
	return false
}

// mapError turns driver errors that mean something to a user into domain
// errors; others pass through unchanged (and surface as EINTERNAL).
func mapError(err error) error {
	if err == nil {
		return nil
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == pgUniqueViolation {
		return carepath.Errorf(carepath.ECONFLICT, "Already exists (%s).", pgErr.ConstraintName)
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		switch sqErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return carepath.Errorf(carepath.ECONFLICT, "Already exists.")
		}
	}
	return err
}

// formatTime writes an instant the way every table stores it.
func formatTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.queryRow(ctx, "SELECT 1").Scan(&one)
}

// querier runs reads: the DB (each query on its own, on the reader pool) or
// a readTx (every query on one connection and one snapshot).
type querier interface {
	query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	queryRow(ctx context.Context, query string, args ...any) *sql.Row
	// owner is the DB the queries run on.
	owner() *DB
}

func (db *DB) owner() *DB    { return db }
func (tx *Tx) owner() *DB    { return tx.db }
func (r *readTx) owner() *DB { return r.db }

// readTx is a read-only transaction on one reader connection.
type readTx struct {
	db *DB
	tx *sql.Tx
}

// inReadTx runs fn's reads in one read-only transaction: one consistent
// snapshot, and on SQLite one check of the WAL for other connections'
// changes instead of one per query (a change makes a reader drop its page
// cache, and the audit trail changes the database with every page view).
func (db *DB) inReadTx(ctx context.Context, fn func(r *readTx) error) error {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(&readTx{db: db, tx: tx})
}

// beginRead begins a read-only transaction that sees one snapshot: every
// SQLite read transaction does (WAL); PostgreSQL's default, read
// committed, gives each statement its own, so it asks for repeatable
// read.
func (db *DB) beginRead(ctx context.Context) (*sql.Tx, error) {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.Dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	return db.read.BeginTx(ctx, opts)
}

func (r *readTx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := r.db.cachedReadStmt(query); st != nil {
		return r.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return r.tx.QueryContext(ctx, r.db.rebind(query), args...)
}

func (r *readTx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := r.db.cachedReadStmt(query); st != nil {
		return r.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return r.tx.QueryRowContext(ctx, r.db.rebind(query), args...)
}
