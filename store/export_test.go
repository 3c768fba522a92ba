package store

// SetPatientSortLimit makes the patient order read patient by patient past
// n tasks, for a test; it returns the undo.
func SetPatientSortLimit(n int) (undo func()) {
	old := patientSortLimit
	patientSortLimit = n
	return func() { patientSortLimit = old }
}
