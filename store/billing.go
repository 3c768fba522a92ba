package store

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"carepath"
	"carepath/billing"
	"carepath/calendar"
)

// deviceVitals are the readings a home device sends for RPM: blood
// pressure (panel and systolic), weight, heart rate, oxygen saturation,
// glucose.
var deviceVitals = []any{"85354-9", "8480-6", "29463-7", "8867-4", "59408-5", "2708-6", "2339-0"}

// BillPatientMonth implements carepath.BillingService.
func (db *DB) BillPatientMonth(ctx context.Context, patientID, month string) (*carepath.PatientMonthBill, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, err
	}
	var bill carepath.PatientMonthBill
	err = db.inReadTx(ctx, func(r *readTx) error {
		pm, err := patientMonth(ctx, r, a.OrgID, patientID, month)
		if err != nil {
			return err
		}
		bill = billing.Bill(*pm)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &bill, db.RecordAudit(ctx, carepath.AuditEvent{Action: carepath.AuditPatientView, PatientID: patientID, Object: "Billing/" + month,
		Detail: fmt.Sprintf("%d lines, %d not billed", len(bill.Lines), len(bill.NotBilled))})
}

// patientMonth reads what the billing engine bills a patient's month from.
func patientMonth(ctx context.Context, db querier, org, patientID, month string) (*billing.PatientMonth, error) {
	if _, err := findPatient(ctx, db, org, patientID); err != nil {
		return nil, err
	}
	loc, err := orgLocation(ctx, db, org)
	if err != nil {
		return nil, err
	}
	m, err := billing.ParseMonth(month, loc)
	if err != nil {
		return nil, carepath.Errorf(carepath.EINVALID, "The month %q is not YYYY-MM.", month)
	}
	pm := &billing.PatientMonth{PatientID: patientID, Month: m}
	day := func(s string) time.Time {
		d, err := calendar.ParseDate(s)
		if err != nil {
			return time.Time{}
		}
		return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
	}
	enrollments, err := enrollmentsOf(ctx, db, org, patientID)
	if err != nil {
		return nil, err
	}
	practitioner := map[string]string{} // program -> billing practitioner this month
	for _, e := range enrollments {
		be := billing.Enrollment{Program: e.Program, PractitionerID: e.PractitionerID, Start: day(e.Start)}
		if e.End != "" {
			be.End = day(e.End).AddDate(0, 0, 1) // through the end day
		}
		pm.Enrollments = append(pm.Enrollments, be)
		if be.Start.Before(m.End()) && (be.End.IsZero() || be.End.After(m.Start())) {
			practitioner[e.Program] = e.PractitionerID
			switch e.Program {
			case carepath.ProgramCoCM:
				pm.CoCMFirstMonth = !be.Start.Before(m.Start())
			case carepath.ProgramRPM:
				pm.RPMSetupBilled = be.Start.Before(m.Start()) // set-up falls in the episode's first month
			}
		}
	}
	consents, err := consentsOf(ctx, db, org, patientID)
	if err != nil {
		return nil, err
	}
	for _, c := range consents {
		pm.Consents = append(pm.Consents, billing.Consent{Program: c.Program, At: c.Given, Revoked: c.Revoked, CostSharing: c.CostSharing,
			OnePractitioner: c.OnePractitioner, CanStop: c.RightToStop})
	}
	entries, err := timeEntriesWhere(ctx, db, org, "e.patient_id = ? AND e.start_at >= ? AND e.start_at < ? ORDER BY e.start_at",
		patientID, formatTime(m.Start()), formatTime(m.End()))
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		pm.Time = append(pm.Time, billing.TimeEntry{ID: e.ID, Program: e.Program, ByID: e.UserID, Staff: billing.Staff(e.Staff), Start: e.Start,
			Minutes: e.Minutes, Interactive: e.Interactive})
	}
	rows, err := db.query(ctx, "SELECT "+conditionColumns+" FROM condition WHERE org_id = ? AND patient_id = ?", org, patientID)
	conditions, err := collect(rows, err, func(scan func(...any) error) (carepath.Condition, error) { return scanCondition(scan, org, patientID) })
	if err != nil {
		return nil, err
	}
	pm.ChronicConditions = billing.ChronicCount(conditions)
	var substantial int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM care_plan_revision v JOIN care_plan p ON p.org_id = v.org_id AND p.id = v.plan_id
		WHERE v.org_id = ? AND p.patient_id = ? AND v.substantial = 1 AND v.created_at >= ? AND v.created_at < ?`,
		org, patientID, formatTime(m.Start()), formatTime(m.End())).Scan(&substantial); err != nil {
		return nil, err
	}
	pm.PlanRevised = substantial > 0
	if practitioner[carepath.ProgramRPM] != "" {
		rows, err := db.query(ctx, "SELECT effective FROM observation WHERE org_id = ? AND patient_id = ? AND code IN ("+placeholders(len(deviceVitals))+
			") AND effective >= ? AND effective < ?", append(append([]any{org, patientID}, deviceVitals...), formatTime(m.Start()), formatTime(m.End()))...)
		days := map[string]bool{}
		err = scanAll(rows, func(scan func(...any) error) error {
			var at string
			if err := scan(&at); err != nil {
				return err
			}
			if t, err := time.Parse(time.RFC3339, at); err == nil {
				days[t.In(loc).Format(time.DateOnly)] = true
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		pm.ReadingDays = len(days)
	}
	// TCM: the episodes whose face-to-face visit falls in the month, by
	// the code their documentation supports; billed by the practitioner of
	// the patient's CCM or APCM, when there is one.
	episodes, err := transitionsWhere(ctx, db, org, "t.patient_id = ? AND t.discharged_at >= ?", patientID, formatTime(m.Start().AddDate(0, -1, 0)))
	if err != nil {
		return nil, err
	}
	for _, t := range episodes {
		if t.Visit == nil || !m.Contains(t.Visit.At) {
			continue
		}
		readClock(t, loc)
		pm.TCM = append(pm.TCM, billing.TCMService{EpisodeID: t.ID, Code: t.Code, Why: t.Elements[len(t.Elements)-1],
			ServiceDate: t.Visit.At, PractitionerID: cmp.Or(practitioner[carepath.ProgramAPCM], practitioner[carepath.ProgramCCM])})
	}
	return pm, nil
}
