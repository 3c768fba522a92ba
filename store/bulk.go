package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// bulkTable describes a table written by multi-row upserts: one statement
// carries many rows, which is what makes imports fast on both engines.
type bulkTable struct {
	name    string
	cols    []string
	keyCols int    // the first keyCols columns are the primary key
	onDup   string // the ON CONFLICT action; empty means "update every other column"
}

func (t *bulkTable) conflictClause() string {
	if t.onDup != "" {
		return t.onDup
	}
	sets := make([]string, 0, len(t.cols)-t.keyCols)
	for _, c := range t.cols[t.keyCols:] {
		sets = append(sets, c+" = excluded."+c)
	}
	if len(sets) == 0 {
		return "DO NOTHING"
	}
	return "DO UPDATE SET " + strings.Join(sets, ", ")
}

// statement returns the upsert for n rows.
func (t *bulkTable) statement(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", t.name, strings.Join(t.cols, ", "))
	row := "(" + placeholders(len(t.cols)) + ")"
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	fmt.Fprintf(&b, " ON CONFLICT (%s) %s", strings.Join(t.cols[:t.keyCols], ", "), t.conflictClause())
	return b.String()
}

// rowsPerStatement keeps every statement under both engines' parameter
// limits (SQLite 32,766; PostgreSQL 65,535) and its text small enough to
// prepare quickly.
func (t *bulkTable) rowsPerStatement() int {
	n := 4000 / len(t.cols)
	if n > 250 {
		n = 250
	}
	return n
}

// bulkBuffer collects rows for one table. A row whose key was already added
// replaces the earlier one: one statement may not touch a row twice.
type bulkBuffer struct {
	t     *bulkTable
	rows  [][]any
	index map[string]int
	// allNew says that no row's key was stored when the batch began, so
	// that an engine may insert the rows without an upsert. It is a hint:
	// a row stored meanwhile by another transaction must still be handled.
	allNew bool
}

func newBulkBuffer(t *bulkTable) *bulkBuffer {
	return &bulkBuffer{t: t, index: map[string]int{}}
}

func rowKey(row []any, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		switch v := row[i].(type) {
		case string:
			b.WriteString(v)
		case int:
			b.WriteString(strconv.Itoa(v))
		default:
			fmt.Fprint(&b, v)
		}
		b.WriteByte(0)
	}
	return b.String()
}

func (b *bulkBuffer) add(row []any) {
	if len(row) != len(b.t.cols) {
		panic(fmt.Sprintf("store: %s row has %d values for %d columns", b.t.name, len(row), len(b.t.cols)))
	}
	k := rowKey(row, b.t.keyCols)
	if i, ok := b.index[k]; ok {
		b.rows[i] = row
		return
	}
	b.index[k] = len(b.rows)
	b.rows = append(b.rows, row)
}

// remove drops the buffered row with the given key, if any.
func (b *bulkBuffer) remove(key []any) {
	k := rowKey(key, len(key))
	i, ok := b.index[k]
	if !ok {
		return
	}
	last := len(b.rows) - 1
	b.rows[i] = b.rows[last]
	b.rows = b.rows[:last]
	delete(b.index, k)
	if i != last {
		b.index[rowKey(b.rows[i], b.t.keyCols)] = i
	}
}

// dropParent removes the buffered rows whose column col (the parent id) is
// parentID: a parent written twice in one batch keeps only the children of
// its last version.
func (b *bulkBuffer) dropParent(col int, parentID string) {
	kept := b.rows[:0]
	clear(b.index)
	for _, r := range b.rows {
		if r[col] == parentID {
			continue
		}
		b.index[rowKey(r, b.t.keyCols)] = len(kept)
		kept = append(kept, r)
	}
	b.rows = kept
}

// flush writes every buffered row and empties the buffer.
func (b *bulkBuffer) flush(ctx context.Context, tx *Tx) error {
	if len(b.rows) == 0 {
		return nil
	}
	per := b.t.rowsPerStatement()
	var full *sql.Stmt
	args := make([]any, 0, per*len(b.t.cols))
	for start := 0; start < len(b.rows); start += per {
		end := min(start+per, len(b.rows))
		args = args[:0]
		for _, r := range b.rows[start:end] {
			args = append(args, r...)
		}
		var err error
		if end-start == per {
			if full == nil {
				if full, err = tx.tx.PrepareContext(ctx, tx.db.rebind(b.t.statement(per))); err != nil {
					return fmt.Errorf("prepare %s: %w", b.t.name, err)
				}
				defer full.Close()
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.Exec(ctx, b.t.statement(end-start), args...)
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", b.t.name, err)
		}
	}
	b.reset()
	return nil
}

// reset empties the buffer once its rows are written.
func (b *bulkBuffer) reset() {
	b.rows = b.rows[:0]
	clear(b.index)
}

// inChunks calls fn with successive slices of at most n ids, so that IN lists
// stay within parameter limits.
func inChunks(ids []string, n int, fn func(chunk []string) error) error {
	for start := 0; start < len(ids); start += n {
		if err := fn(ids[start:min(start+n, len(ids))]); err != nil {
			return err
		}
	}
	return nil
}

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
