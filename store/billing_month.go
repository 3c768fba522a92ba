package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"carepath"
	"carepath/billing"
)

// FindBillingReport implements carepath.BillingMonthService.
func (db *DB) FindBillingReport(ctx context.Context, month string) (*carepath.BillingReport, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, err
	}
	var rep *carepath.BillingReport
	err = db.inReadTx(ctx, func(r *readTx) error {
		rep, err = billingReport(ctx, r, a.OrgID, month, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	return rep, db.RecordAudit(ctx, carepath.AuditEvent{Action: carepath.AuditPatientSearch, Object: "Billing/" + month,
		Detail: fmt.Sprintf("billing report: %d patients", len(rep.Rows))})
}

// FindPatientBilling implements carepath.BillingMonthService.
func (db *DB) FindPatientBilling(ctx context.Context, month, patientID string) (*carepath.PatientBillingRow, bool, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, false, err
	}
	var rep *carepath.BillingReport
	err = db.inReadTx(ctx, func(r *readTx) error {
		if _, err := findPatient(ctx, r, a.OrgID, patientID); err != nil {
			return err
		}
		rep, err = billingReport(ctx, r, a.OrgID, month, patientID)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	row := &carepath.PatientBillingRow{PatientMonthBill: carepath.PatientMonthBill{PatientID: patientID, Month: month, Counted: map[string]int{}}}
	if len(rep.Rows) > 0 {
		row = &rep.Rows[0]
	}
	row.Status = row.BillingStatus(rep.SignOffs)
	return row, rep.Closed, db.RecordAudit(ctx, carepath.AuditEvent{Action: carepath.AuditPatientView, PatientID: patientID, Object: "Billing/" + month,
		Detail: fmt.Sprintf("%d lines (%s)", len(row.Lines), row.Status)})
}

// billingReport reads a month's report (of one patient, when patientID is
// set): computed from the record while the month is open; frozen once
// closed, with the adjustments late entries call for.
func billingReport(ctx context.Context, r querier, org, month, patientID string) (*carepath.BillingReport, error) {
	rep := &carepath.BillingReport{Month: month, SignOffs: map[string]time.Time{}, Practitioner: map[string]string{}}
	m, err := orgMonth(ctx, r, org, month)
	if err != nil {
		return nil, err
	}
	var closedAt string
	err = r.queryRow(ctx, `SELECT b.closed_at, COALESCE(NULLIF(u.name, ''), u.email, b.closed_by) FROM billing_month b
		LEFT JOIN app_user u ON u.org_id = b.org_id AND u.id = b.closed_by WHERE b.org_id = ? AND b.month = ?`, org, month).Scan(&closedAt, &rep.ClosedByName)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		bills, err := billMonth(ctx, r, org, m, patientID)
		if err != nil {
			return nil, err
		}
		for _, b := range bills {
			rep.Rows = append(rep.Rows, carepath.PatientBillingRow{PatientMonthBill: b})
		}
	case err != nil:
		return nil, err
	default:
		rep.Closed, rep.ClosedAt = true, parseTime(closedAt)
		if rep.Rows, err = frozenRows(ctx, r, org, month, patientID); err != nil {
			return nil, err
		}
		if err := adjustments(ctx, r, org, m, rep, patientID); err != nil {
			return nil, err
		}
	}
	if err := reportNames(ctx, r, org, rep); err != nil {
		return nil, err
	}
	return rep, nil
}

// billMonth bills every patient of the organization with something in
// the month (or one patient, when patientID is set), by patient id.
func billMonth(ctx context.Context, db querier, org string, m billing.Month, patientID string) ([]carepath.PatientMonthBill, error) {
	months, err := readMonths(ctx, db, org, m, patientID)
	if err != nil {
		return nil, err
	}
	ids := slices.Sorted(func(yield func(string) bool) {
		for id := range months {
			if !yield(id) {
				return
			}
		}
	})
	bills := make([]carepath.PatientMonthBill, 0, len(ids))
	for _, id := range ids {
		if b := billing.Bill(*months[id]); len(b.Lines)+len(b.NotBilled) > 0 {
			bills = append(bills, b)
		}
	}
	return bills, nil
}

// reportNames fills in the patients' names and MRNs, the practitioners'
// names, the sign-offs and each row's status.
func reportNames(ctx context.Context, db querier, org string, rep *carepath.BillingReport) error {
	rows, err := db.query(ctx, `SELECT s.practitioner_id, s.signed_at FROM billing_signoff s WHERE s.org_id = ? AND s.month = ?`, org, rep.Month)
	if err := eachRow(rows, err, func(scan func(...any) error) error {
		var id, at string
		err := scan(&id, &at)
		rep.SignOffs[id] = parseTime(at)
		return err
	}); err != nil {
		return err
	}
	rows, err = db.query(ctx, `SELECT id, COALESCE(NULLIF(name, ''), email) FROM app_user WHERE org_id = ? AND role = ?`, org, string(carepath.RolePhysician))
	if err := eachRow(rows, err, func(scan func(...any) error) error {
		var id, name string
		err := scan(&id, &name)
		rep.Practitioner[id] = name
		return err
	}); err != nil {
		return err
	}
	// The patients' names, a page of ids at a time.
	index := map[string]int{}
	var ids []any
	for i, row := range rep.Rows {
		index[row.PatientID] = i
		ids = append(ids, row.PatientID)
	}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		rows, err := db.query(ctx, "SELECT id, family || ', ' || given, mrn FROM patient WHERE org_id = ? AND id IN ("+placeholders(n)+")",
			append([]any{org}, ids[:n]...)...)
		if err := eachRow(rows, err, func(scan func(...any) error) error {
			var id, name, mrn string
			if err := scan(&id, &name, &mrn); err != nil {
				return err
			}
			row := &rep.Rows[index[id]]
			row.PatientName, row.MRN = name, mrn
			return nil
		}); err != nil {
			return err
		}
		ids = ids[n:]
	}
	for i := range rep.Rows {
		rep.Rows[i].Status = rep.Rows[i].BillingStatus(rep.SignOffs)
	}
	slices.SortFunc(rep.Rows, func(x, y carepath.PatientBillingRow) int {
		return strings.Compare(strings.ToLower(x.PatientName)+x.PatientID, strings.ToLower(y.PatientName)+y.PatientID)
	})
	return nil
}

// frozenRows reads a closed month's stored lines and reasons (of one
// patient, when patientID is set; "" all).
func frozenRows(ctx context.Context, db querier, org, month, patientID string) ([]carepath.PatientBillingRow, error) {
	where, args := "org_id = ? AND month = ?", []any{org, month}
	if patientID != "" {
		where, args = where+" AND patient_id = ?", append(args, patientID)
	}
	rows, err := db.query(ctx, `SELECT patient_id, billed, kind, program, code, units, practitioner_id, minutes, entries, why, source FROM billing_line
		WHERE `+where+` ORDER BY patient_id, seq`, args...)
	var out []carepath.PatientBillingRow
	err = eachRow(rows, err, func(scan func(...any) error) error {
		var patient, kind, program, code, practitioner, entries, why, source string
		var billed, units, minutes int
		if err := scan(&patient, &billed, &kind, &program, &code, &units, &practitioner, &minutes, &entries, &why, &source); err != nil {
			return err
		}
		if len(out) == 0 || out[len(out)-1].PatientID != patient {
			out = append(out, carepath.PatientBillingRow{PatientMonthBill: carepath.PatientMonthBill{PatientID: patient, Month: month, Counted: map[string]int{}}})
		}
		row := &out[len(out)-1]
		if billed == 0 {
			row.NotBilled = append(row.NotBilled, carepath.NotBilled{Program: program, Code: code, Minutes: minutes, Why: why, Kind: kind})
			return nil
		}
		l := carepath.BillingLine{Program: program, Code: code, Units: units, PractitionerID: practitioner, Minutes: minutes, Why: why, Source: source}
		if err := json.Unmarshal([]byte(entries), &l.Entries); err != nil {
			return err
		}
		row.Lines = append(row.Lines, l)
		if minutes > row.Counted[program] {
			row.Counted[program] = minutes
		}
		return nil
	})
	return out, err
}

// adjustments recomputes, on a closed month, the patients with time
// logged after the close, and attaches what changed: lines the month now
// bills that it did not, and lines it no longer bills.
func adjustments(ctx context.Context, db querier, org string, m billing.Month, rep *carepath.BillingReport, patientID string) error {
	where, args := "org_id = ? AND start_at >= ? AND start_at < ? AND created_at >= ?", []any{org, formatTime(m.Start()), formatTime(m.End()), formatTime(rep.ClosedAt)}
	if patientID != "" {
		where, args = where+" AND patient_id = ?", append(args, patientID)
	}
	rows, err := db.query(ctx, "SELECT DISTINCT patient_id FROM time_entry WHERE "+where, args...)
	var late []string
	if err := eachRow(rows, err, func(scan func(...any) error) error {
		var id string
		err := scan(&id)
		late = append(late, id)
		return err
	}); err != nil {
		return err
	}
	for _, id := range late {
		months, err := readMonths(ctx, db, org, m, id)
		if err != nil {
			return err
		}
		now := billing.Bill(*months[id])
		i := slices.IndexFunc(rep.Rows, func(r carepath.PatientBillingRow) bool { return r.PatientID == id })
		if i < 0 {
			rep.Rows = append(rep.Rows, carepath.PatientBillingRow{PatientMonthBill: carepath.PatientMonthBill{PatientID: id, Month: rep.Month}})
			i = len(rep.Rows) - 1
		}
		adj := &carepath.PatientMonthBill{PatientID: id, Month: rep.Month, Counted: now.Counted}
		key := func(l carepath.BillingLine) string { return fmt.Sprintf("%s/%d/%s", l.Code, l.Units, l.PractitionerID) }
		was := map[string]bool{}
		for _, l := range rep.Rows[i].Lines {
			was[key(l)] = true
		}
		is := map[string]bool{}
		for _, l := range now.Lines {
			is[key(l)] = true
			if !was[key(l)] {
				l.Why = "late entry: " + l.Why
				adj.Lines = append(adj.Lines, l)
			}
		}
		for _, l := range rep.Rows[i].Lines {
			if !is[key(l)] {
				adj.NotBilled = append(adj.NotBilled, carepath.NotBilled{Program: l.Program, Code: l.Code, Minutes: l.Minutes, Kind: carepath.NotBilledRule,
					Why: fmt.Sprintf("replaced by the late entries: %s x%d as closed", l.Code, l.Units)})
			}
		}
		if len(adj.Lines)+len(adj.NotBilled) > 0 {
			rep.Rows[i].Adjustment = adj
		}
	}
	return nil
}

// SignOffBilling implements carepath.BillingMonthService.
func (db *DB) SignOffBilling(ctx context.Context, month string) error {
	a, err := writerIn(ctx)
	if err != nil {
		return err
	}
	if a.Role() != carepath.RolePhysician {
		return carepath.Errorf(carepath.ENOTFOUND, "Not found.")
	}
	if _, err := time.Parse("2006-01", month); err != nil {
		return carepath.Errorf(carepath.EINVALID, "The month %q is not YYYY-MM.", month)
	}
	return db.RunInTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO billing_signoff (org_id, month, practitioner_id, signed_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (org_id, month, practitioner_id) DO UPDATE SET signed_at = excluded.signed_at`, a.OrgID, month, a.ActorID(), formatTime(tx.Now)); err != nil {
			return err
		}
		return appendAudit(ctx, tx, []carepath.AuditEvent{withActor(carepath.AuditEvent{Action: carepath.AuditBillingSignOff,
			Object: "Billing/" + month, Detail: "signed off by " + a.Label()}, a)})
	})
}

// CloseBillingMonth implements carepath.BillingMonthService: the month is
// read in one snapshot and its lines written in one transaction; what is
// logged from the snapshot on is an adjustment.
func (db *DB) CloseBillingMonth(ctx context.Context, month string) (*carepath.BillingReport, error) {
	a, err := writerIn(ctx)
	if err != nil {
		return nil, err
	}
	if a.Role() != carepath.RolePhysician && !a.Role().CanManageUsers() {
		return nil, carepath.Errorf(carepath.ENOTFOUND, "Not found.")
	}
	snapshot := db.Now()
	var bills []carepath.PatientMonthBill
	err = db.inReadTx(ctx, func(r *readTx) error {
		m, err := orgMonth(ctx, r, a.OrgID, month)
		if err != nil {
			return err
		}
		if snapshot.Before(m.End()) {
			return carepath.Errorf(carepath.EINVALID, "%s has not ended; a month closes once it has.", m.Start().Format("January 2006"))
		}
		bills, err = billMonth(ctx, r, a.OrgID, m, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	lines := 0
	err = db.runImportTx(ctx, func(tx batchTx) error {
		closed := false
		if err := tx.each(ctx, "SELECT 1 FROM billing_month WHERE org_id = ? AND month = ?", []any{a.OrgID, month}, func(scan func(...any) error) error {
			closed = true
			return nil
		}); err != nil {
			return err
		}
		if closed {
			return carepath.Errorf(carepath.EINVALID, "%s is closed already; late entries show as adjustments.", month)
		}
		const cols = 14
		var args []any
		for _, b := range bills {
			seq := 0
			for _, l := range b.Lines {
				seq++
				args = append(args, a.OrgID, month, b.PatientID, seq, 1, "", l.Program, l.Code, l.Units, l.PractitionerID, l.Minutes, entriesJSON(l.Entries), l.Why, l.Source)
				lines++
			}
			for _, n := range b.NotBilled {
				seq++
				args = append(args, a.OrgID, month, b.PatientID, seq, 0, n.Kind, n.Program, n.Code, 0, "", n.Minutes, "[]", n.Why, "")
			}
		}
		if err := tx.insertRows(ctx, `INSERT INTO billing_line (org_id, month, patient_id, seq, billed, kind, program, code, units, practitioner_id, minutes,
			entries, why, source) VALUES (`+placeholders(cols)+`)`, cols, args); err != nil {
			return err
		}
		if err := tx.exec(ctx, `INSERT INTO billing_month (org_id, month, closed_at, closed_by, patients, lines) VALUES (?, ?, ?, ?, ?, ?)`,
			a.OrgID, month, formatTime(snapshot), a.ActorID(), len(bills), lines); err != nil {
			return err
		}
		return appendAudit(ctx, tx, []carepath.AuditEvent{withActor(carepath.AuditEvent{Action: carepath.AuditBillingClose, Object: "Billing/" + month,
			Detail: fmt.Sprintf("closed: %d patients, %d lines", len(bills), lines)}, a)})
	})
	if err != nil {
		return nil, err
	}
	// The report is the bills just frozen: read back, they would be the same.
	rep := &carepath.BillingReport{Month: month, Closed: true, ClosedAt: snapshot, ClosedByName: a.Label(), SignOffs: map[string]time.Time{},
		Practitioner: map[string]string{}}
	for _, b := range bills {
		rep.Rows = append(rep.Rows, carepath.PatientBillingRow{PatientMonthBill: b})
	}
	if err := db.inReadTx(ctx, func(r *readTx) error { return reportNames(ctx, r, a.OrgID, rep) }); err != nil {
		return nil, err
	}
	return rep, nil
}

func entriesJSON(ids []string) string {
	if len(ids) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(ids)
	return string(b)
}
