package store

import "database/sql"

// SetPatientSortLimit makes the patient order read patient by patient past
// n tasks, for a test; it returns the undo.
func SetPatientSortLimit(n int) (undo func()) {
	old := patientSortLimit
	patientSortLimit = n
	return func() { patientSortLimit = old }
}

// QueryRowForTest runs a one-row query on the writer, for tests that check
// what a change stored.
func (db *DB) QueryRowForTest(query string, args ...any) *sql.Row {
	return db.write.QueryRow(db.rebind(query), args...)
}
