package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"carepath"
	"carepath/billing"
)

// Programs and billing (migration 0023): enrollments, consents, time.

// FindPatientPrograms implements carepath.ProgramService.
func (db *DB) FindPatientPrograms(ctx context.Context, patientID, month string) (*carepath.PatientPrograms, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, err
	}
	var out *carepath.PatientPrograms
	err = db.inReadTx(ctx, func(r *readTx) error {
		if _, err := findPatient(ctx, r, a.OrgID, patientID); err != nil {
			return err
		}
		out, err = patientPrograms(ctx, r, a.OrgID, patientID, month, carepath.ProgramsAll)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, db.RecordAudit(ctx, carepath.AuditEvent{Action: carepath.AuditPatientView, PatientID: patientID, Object: "Programs", Detail: out.Shown()})
}

// patientPrograms reads a patient's programs in a month through r, as
// much as read asks.
func patientPrograms(ctx context.Context, r *readTx, org, patientID, month string, read carepath.ChartPrograms) (*carepath.PatientPrograms, error) {
	out := &carepath.PatientPrograms{PatientID: patientID, Month: month}
	m, err := orgMonth(ctx, r, org, month)
	if err != nil {
		return nil, err
	}
	if out.Enrollments, err = enrollmentsOf(ctx, r, org, patientID); err != nil {
		return nil, err
	}
	if len(out.Enrollments) == 0 && read == carepath.ProgramsEnrolled {
		out.EnrollmentsOnly = true
		return out, nil
	}
	if out.Consents, err = consentsOf(ctx, r, org, patientID); err != nil {
		return nil, err
	}
	out.Time, err = timeEntriesWhere(ctx, r, org, "e.patient_id = ? AND e.start_at >= ? AND e.start_at < ? ORDER BY e.start_at DESC",
		patientID, formatTime(m.Start()), formatTime(m.End()))
	if err != nil {
		return nil, err
	}
	err = r.queryRow(ctx, "SELECT complexity FROM billing_complexity WHERE org_id = ? AND month = ? AND patient_id = ?", org, month, patientID).Scan(&out.Complexity)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if read == carepath.ProgramsAll { // the chart's header shows no eligibility
		if out.Eligibility, err = eligibilityOf(ctx, r, org, patientID); err != nil {
			return nil, err
		}
	}
	out.Bill = carepath.PatientMonthBill{PatientID: patientID, Month: month, Counted: map[string]int{}}
	bills, err := billMonth(ctx, r, org, m, patientID)
	if len(bills) > 0 {
		out.Bill = bills[0]
	}
	return out, err
}

// eligibilityOf judges each enrollable program for a patient from their
// conditions (billing.Eligible).
func eligibilityOf(ctx context.Context, db querier, org, patientID string) ([]carepath.ProgramEligibility, error) {
	rows, err := db.query(ctx, `SELECT code_system, code, display, clinical_status, onset FROM condition WHERE org_id = ? AND patient_id = ?`, org, patientID)
	conditions, err := collect(rows, err, func(scan func(...any) error) (carepath.Condition, error) {
		c := carepath.Condition{PatientID: patientID}
		return c, scan(&c.Code.System, &c.Code.Code, &c.Code.Display, &c.ClinicalStatus, &c.Onset)
	})
	if err != nil {
		return nil, err
	}
	return billing.Eligible(conditions), nil
}

func enrollmentsOf(ctx context.Context, db querier, org, patientID string) ([]carepath.Enrollment, error) {
	rows, err := db.query(ctx, `SELECT e.id, e.program, e.practitioner_id, e.start_day, e.end_day, e.eligibility, e.end_reason, e.by_id, e.created_at,
		COALESCE(NULLIF(u.name, ''), u.email, '') FROM enrollment e LEFT JOIN app_user u ON u.org_id = e.org_id AND u.id = e.practitioner_id
		WHERE e.org_id = ? AND e.patient_id = ? ORDER BY e.start_day DESC, e.id`, org, patientID)
	return collect(rows, err, func(scan func(...any) error) (carepath.Enrollment, error) {
		e := carepath.Enrollment{OrgID: org, PatientID: patientID}
		var created string
		err := scan(&e.ID, &e.Program, &e.PractitionerID, &e.Start, &e.End, &e.Eligibility, &e.EndReason, &e.ByID, &created, &e.PractitionerName)
		e.Created = parseTime(created)
		return e, err
	})
}

func consentsOf(ctx context.Context, db querier, org, patientID string) ([]carepath.Consent, error) {
	rows, err := db.query(ctx, `SELECT c.id, c.program, c.method, c.given_at, c.obtained_by, COALESCE(NULLIF(u.name, ''), u.email, ''), c.cost_sharing, c.one_practitioner,
		c.right_to_stop, c.note, c.revoked_at, c.revoked_by, c.revoke_reason FROM consent c LEFT JOIN app_user u ON u.org_id = c.org_id AND u.id = c.obtained_by
		WHERE c.org_id = ? AND c.patient_id = ? ORDER BY c.given_at DESC, c.id`, org, patientID)
	return collect(rows, err, func(scan func(...any) error) (carepath.Consent, error) {
		c := carepath.Consent{OrgID: org, PatientID: patientID}
		var given, revoked string
		var cost, one, stop int
		err := scan(&c.ID, &c.Program, &c.Method, &given, &c.ObtainedByID, &c.ObtainedByName, &cost, &one, &stop, &c.Note, &revoked, &c.RevokedByName, &c.RevokeReason)
		c.Given, c.Revoked = parseTime(given), parseOptionalTime(revoked)
		c.CostSharing, c.OnePractitioner, c.RightToStop = cost == 1, one == 1, stop == 1
		return c, err
	})
}

func parseOptionalTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	return parseTime(s)
}

// timeEntriesWhere reads the organization's time entries matching where
// (on alias e), with their people's names.
func timeEntriesWhere(ctx context.Context, db querier, org, where string, args ...any) ([]carepath.TimeEntry, error) {
	rows, err := db.query(ctx, `SELECT e.id, e.patient_id, e.program, e.user_id, COALESCE(NULLIF(u.name, ''), u.email, ''), e.staff, e.start_at, e.seconds, e.activity,
		e.note, e.interactive, e.created_at FROM time_entry e LEFT JOIN app_user u ON u.org_id = e.org_id AND u.id = e.user_id
		WHERE e.org_id = ? AND `+where, append([]any{org}, args...)...)
	return collect(rows, err, func(scan func(...any) error) (carepath.TimeEntry, error) {
		e := carepath.TimeEntry{OrgID: org}
		var start, created string
		var interactive int
		err := scan(&e.ID, &e.PatientID, &e.Program, &e.UserID, &e.UserName, &e.Staff, &start, &e.Seconds, &e.Activity, &e.Note, &interactive, &created)
		e.Start, e.Created, e.Interactive = parseTime(start), parseTime(created), interactive == 1
		return e, err
	})
}

// validDay checks a YYYY-MM-DD day.
func validDay(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// Enroll implements carepath.ProgramService.
func (db *DB) Enroll(ctx context.Context, e *carepath.Enrollment) error {
	a, err := writerIn(ctx)
	if err != nil {
		return err
	}
	var problems carepath.Problems
	if !slices.Contains(carepath.EnrollablePrograms, e.Program) {
		problems.Add("program", "the program %q is not one of %s", e.Program, strings.Join(carepath.EnrollablePrograms, ", "))
	}
	if d, err := time.Parse(time.DateOnly, e.Start); err != nil {
		problems.Add("start", "a start day (YYYY-MM-DD)")
	} else if p := carepath.TimeProblem("the enrollment's start", d, db.Now()); p != "" {
		problems.Add("start", "%s", p)
	}
	if e.PractitionerID == "" {
		problems.Add("practitioner", "the billing practitioner")
	}
	if err := carepath.Invalid("An enrollment needs", problems...); err != nil {
		return err
	}
	return db.RunInTx(ctx, func(tx *Tx) error {
		if _, err := findPatient(ctx, tx, a.OrgID, e.PatientID); err != nil {
			return err
		}
		var role string
		err := tx.queryRow(ctx, "SELECT role FROM app_user WHERE org_id = ? AND id = ? AND NOT disabled", a.OrgID, e.PractitionerID).Scan(&role)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && carepath.Role(role) != carepath.RolePhysician) {
			return carepath.Invalid("The enrollment cannot be recorded", carepath.FieldError{Field: "practitioner",
				Message: "the billing practitioner must be an active physician or other billing practitioner of this organization"})
		} else if err != nil {
			return err
		}
		var since string
		err = tx.queryRow(ctx, `SELECT start_day FROM enrollment WHERE org_id = ? AND patient_id = ? AND program = ? AND (end_day = '' OR end_day >= ?)
			ORDER BY start_day LIMIT 1`, a.OrgID, e.PatientID, e.Program, e.Start).Scan(&since)
		if err == nil {
			return carepath.Invalid("The enrollment cannot be recorded", carepath.FieldError{Field: "program",
				Message: fmt.Sprintf("the patient is enrolled in %s already (since %s); end that enrollment first", e.Program, since)})
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		// What the record shows when the patient is enrolled, kept with
		// the enrollment.
		eligibility, err := eligibilityOf(ctx, tx, a.OrgID, e.PatientID)
		if err != nil {
			return err
		}
		e.Eligibility = ""
		for _, el := range eligibility {
			if el.Program == e.Program {
				e.Eligibility = el.Why
			}
		}
		e.OrgID, e.ID, e.ByID, e.Created, e.End, e.EndReason = a.OrgID, newID(), a.ActorID(), tx.Now, "", ""
		if _, err := tx.Exec(ctx, `INSERT INTO enrollment (org_id, id, patient_id, program, practitioner_id, start_day, eligibility, by_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.OrgID, e.ID, e.PatientID, e.Program, e.PractitionerID, e.Start, e.Eligibility, e.ByID, formatTime(tx.Now)); err != nil {
			return err
		}
		return appendAudit(ctx, tx, []carepath.AuditEvent{withActor(carepath.AuditEvent{Action: carepath.AuditEnrollment,
			PatientID: e.PatientID, Object: "Enrollment/" + e.ID, Detail: fmt.Sprintf("%s from %s, billed by %s", e.Program, e.Start, e.PractitionerID)}, a)})
	})
}

// EndEnrollment implements carepath.ProgramService.
func (db *DB) EndEnrollment(ctx context.Context, id, day, reason string) (*carepath.Enrollment, error) {
	a, err := writerIn(ctx)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if !validDay(day) || reason == "" {
		return nil, carepath.Errorf(carepath.EINVALID, "Ending an enrollment needs the day (YYYY-MM-DD) and the reason.")
	}
	var out *carepath.Enrollment
	err = db.RunInTx(ctx, func(tx *Tx) error {
		var patientID string
		if err := tx.queryRow(ctx, "SELECT patient_id FROM enrollment WHERE org_id = ? AND id = ?", a.OrgID, id).Scan(&patientID); errors.Is(err, sql.ErrNoRows) {
			return carepath.Errorf(carepath.ENOTFOUND, "Enrollment not found.")
		} else if err != nil {
			return err
		}
		all, err := enrollmentsOf(ctx, tx, a.OrgID, patientID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(all, func(e carepath.Enrollment) bool { return e.ID == id })
		e := all[i]
		if e.End != "" {
			return carepath.Errorf(carepath.EINVALID, "This enrollment ended on %s already.", e.End)
		}
		end := day
		if e.Program == carepath.ProgramCCM {
			// As the patient was told: a stop takes effect at the end of
			// the month.
			d, _ := time.Parse(time.DateOnly, day)
			end = time.Date(d.Year(), d.Month()+1, 0, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		}
		if end < e.Start {
			return carepath.Errorf(carepath.EINVALID, "The enrollment began on %s; it cannot end before.", e.Start)
		}
		e.End, e.EndReason = end, reason
		if _, err := tx.Exec(ctx, "UPDATE enrollment SET end_day = ?, end_reason = ? WHERE org_id = ? AND id = ?", end, reason, a.OrgID, id); err != nil {
			return err
		}
		out = &e
		return appendAudit(ctx, tx, []carepath.AuditEvent{withActor(carepath.AuditEvent{Action: carepath.AuditEnrollment,
			PatientID: patientID, Object: "Enrollment/" + id, Detail: fmt.Sprintf("%s ends %s: %s", e.Program, end, reason)}, a)})
	})
	return out, err
}

// RecordConsent implements carepath.ProgramService.
func (db *DB) RecordConsent(ctx context.Context, c *carepath.Consent) error {
	a, err := writerIn(ctx)
	if err != nil {
		return err
	}
	now := db.Now()
	if c.Given.IsZero() {
		c.Given = now
	}
	var problems carepath.Problems
	if !slices.Contains(carepath.EnrollablePrograms, c.Program) {
		problems.Add("program", "the program %q is not one of %s", c.Program, strings.Join(carepath.EnrollablePrograms, ", "))
	}
	if c.Method != carepath.ConsentVerbal && c.Method != carepath.ConsentWritten {
		problems.Add("method", "how it was given (verbal or written)")
	}
	if c.Given.After(now.Add(5 * time.Minute)) {
		problems.Add("given", "a time that is not in the future")
	} else if p := carepath.TimeProblem("the consent's time", c.Given, now); p != "" {
		problems.Add("given", "%s", p)
	}
	if err := carepath.Invalid("A consent needs", problems...); err != nil {
		return err
	}
	return db.RunInTx(ctx, func(tx *Tx) error {
		if _, err := findPatient(ctx, tx, a.OrgID, c.PatientID); err != nil {
			return err
		}
		// One consent to a program in force at a time: one in force at or
		// after this one's time is refused, or, explicitly, superseded
		// where this one begins.
		all, err := consentsOf(ctx, tx, a.OrgID, c.PatientID)
		if err != nil {
			return err
		}
		loc, err := orgLocation(ctx, tx, a.OrgID)
		if err != nil {
			return err
		}
		var superseded []carepath.AuditEvent
		for _, x := range all {
			if x.Program != c.Program || !x.Revoked.IsZero() && !x.Revoked.After(c.Given) {
				continue
			}
			if !c.Supersede {
				return carepath.Invalid("This consent cannot be recorded", carepath.FieldError{Field: "given", Message: fmt.Sprintf(
					"a %s consent is in force from %s (by %s): say this one supersedes it, or revoke that one first", c.Program,
					x.Given.In(loc).Format("Mon 2 Jan 2006 15:04"), x.ObtainedByName)})
			}
			end := c.Given
			if x.Given.After(end) {
				end = x.Given // it never held: this one began before it
			}
			why := "superseded by the consent given " + c.Given.In(loc).Format("Mon 2 Jan 2006 15:04")
			if _, err := tx.Exec(ctx, "UPDATE consent SET revoked_at = ?, revoked_by = ?, revoke_reason = ? WHERE org_id = ? AND id = ?",
				formatTime(end), a.Label(), why, a.OrgID, x.ID); err != nil {
				return err
			}
			superseded = append(superseded, withActor(carepath.AuditEvent{Action: carepath.AuditConsent, PatientID: c.PatientID,
				Object: "Consent/" + x.ID, Detail: fmt.Sprintf("%s consent of %s ends %s: %s", x.Program, x.Given.UTC().Format(time.RFC3339),
					end.UTC().Format(time.RFC3339), why)}, a))
		}
		c.OrgID, c.ID, c.ObtainedByID, c.ObtainedByName = a.OrgID, newID(), a.ActorID(), a.Label()
		c.Note = strings.TrimSpace(c.Note)
		if _, err := tx.Exec(ctx, `INSERT INTO consent (org_id, id, patient_id, program, method, given_at, obtained_by, cost_sharing, one_practitioner,
			right_to_stop, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.OrgID, c.ID, c.PatientID, c.Program, c.Method, formatTime(c.Given),
			c.ObtainedByID, boolInt(c.CostSharing), boolInt(c.OnePractitioner), boolInt(c.RightToStop), c.Note, formatTime(tx.Now)); err != nil {
			return err
		}
		detail := fmt.Sprintf("%s, %s, %s", c.Program, c.Method, c.Given.UTC().Format(time.RFC3339))
		if !c.CostSharing || !c.OnePractitioner || !c.RightToStop {
			detail += "; disclosures incomplete: time will not be billed"
		}
		return appendAudit(ctx, tx, append(superseded, withActor(carepath.AuditEvent{Action: carepath.AuditConsent,
			PatientID: c.PatientID, Object: "Consent/" + c.ID, Detail: detail}, a)))
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// RevokeConsent implements carepath.ProgramService.
func (db *DB) RevokeConsent(ctx context.Context, id, reason string) (*carepath.Consent, error) {
	a, err := writerIn(ctx)
	if err != nil {
		return nil, err
	}
	if reason = strings.TrimSpace(reason); reason == "" {
		return nil, carepath.Errorf(carepath.EINVALID, "Say why the consent is revoked.")
	}
	var out *carepath.Consent
	err = db.RunInTx(ctx, func(tx *Tx) error {
		var patientID string
		if err := tx.queryRow(ctx, "SELECT patient_id FROM consent WHERE org_id = ? AND id = ?", a.OrgID, id).Scan(&patientID); errors.Is(err, sql.ErrNoRows) {
			return carepath.Errorf(carepath.ENOTFOUND, "Consent not found.")
		} else if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, "UPDATE consent SET revoked_at = ?, revoked_by = ?, revoke_reason = ? WHERE org_id = ? AND id = ? AND revoked_at = ''",
			formatTime(tx.Now), a.Label(), reason, a.OrgID, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return carepath.Errorf(carepath.EINVALID, "This consent was revoked already.")
		}
		all, err := consentsOf(ctx, tx, a.OrgID, patientID)
		if err != nil {
			return err
		}
		c := all[slices.IndexFunc(all, func(c carepath.Consent) bool { return c.ID == id })]
		out = &c
		return appendAudit(ctx, tx, []carepath.AuditEvent{withActor(carepath.AuditEvent{Action: carepath.AuditConsent,
			PatientID: patientID, Object: "Consent/" + id, Detail: c.Program + " revoked: " + reason}, a)})
	})
	return out, err
}

// RecordMonthComplexity implements carepath.ProgramService.
func (db *DB) RecordMonthComplexity(ctx context.Context, patientID, month, complexity string) error {
	a, err := writerIn(ctx)
	if err != nil {
		return err
	}
	if a.Role() != carepath.RolePhysician {
		return carepath.Errorf(carepath.ENOTFOUND, "Not found.")
	}
	if _, err := time.Parse("2006-01", month); err != nil || !slices.Contains(carepath.TransitionComplexities, complexity) {
		return carepath.Errorf(carepath.EINVALID, "The month's decision making needs a month (YYYY-MM) and one of high, moderate, low.")
	}
	return db.RunInTx(ctx, func(tx *Tx) error {
		if _, err := findPatient(ctx, tx, a.OrgID, patientID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO billing_complexity (org_id, patient_id, month, complexity, by_id, at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (org_id, month, patient_id) DO UPDATE SET complexity = excluded.complexity, by_id = excluded.by_id, at = excluded.at`,
			a.OrgID, patientID, month, complexity, a.ActorID(), formatTime(tx.Now)); err != nil {
			return err
		}
		return appendAudit(ctx, tx, []carepath.AuditEvent{withActor(carepath.AuditEvent{Action: carepath.AuditEnrollment,
			PatientID: patientID, Object: "Billing/" + month, Detail: "medical decision making " + complexity}, a)})
	})
}

// eligibleList is a program's eligible living patients, by name, as of a
// version of the organization's records.
type eligibleList struct {
	version string
	rows    []eligibleCandidate
}

type eligibleCandidate struct{ id, name, why string }

// FindEligiblePatients implements carepath.ProgramService. Judging every
// patient's conditions takes seconds at 100,000 patients (4.8-5.8 s a
// request, measured), so the list is kept while the organization's records
// are unchanged (the sum of the patients' record versions, which every
// change to a record moves); the enrollments are read on each request.
func (db *DB) FindEligiblePatients(ctx context.Context, program string, limit, offset int) ([]carepath.EligiblePatient, int, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, 0, err
	}
	if !slices.Contains(carepath.EnrollablePrograms, program) {
		return nil, 0, carepath.Errorf(carepath.EINVALID, "The program %q is not one of %s.", program, strings.Join(carepath.EnrollablePrograms, ", "))
	}
	var out []carepath.EligiblePatient
	total := 0
	err = db.inReadTx(ctx, func(r *readTx) error {
		var sum, count int64
		if err := r.queryRow(ctx, "SELECT COALESCE(SUM(record_version), 0), COUNT(*) FROM patient WHERE org_id = ?", a.OrgID).Scan(&sum, &count); err != nil {
			return err
		}
		version := fmt.Sprint(sum, "/", count)
		key := a.OrgID + "|" + program
		list, ok := db.eligible.Load(key)
		if !ok || list.(eligibleList).version != version {
			rows, err := judgeEligibility(ctx, r, a.OrgID, program)
			if err != nil {
				return err
			}
			list = eligibleList{version: version, rows: rows}
			db.eligible.Store(key, list)
		}
		loc, err := orgLocation(ctx, r, a.OrgID)
		if err != nil {
			return err
		}
		today := db.Now().In(loc).Format(time.DateOnly)
		enrolled := map[string]bool{}
		rows, err := r.query(ctx, `SELECT patient_id FROM enrollment WHERE org_id = ? AND program = ? AND start_day <= ? AND (end_day = '' OR end_day >= ?)`,
			a.OrgID, program, today, today)
		if err := eachRow(rows, err, func(scan func(...any) error) error {
			var id string
			err := scan(&id)
			enrolled[id] = true
			return err
		}); err != nil {
			return err
		}
		for _, c := range list.(eligibleList).rows {
			if enrolled[c.id] {
				continue
			}
			if total >= offset && len(out) < limit {
				p, err := findPatient(ctx, r, a.OrgID, c.id)
				if err != nil {
					return err
				}
				out = append(out, carepath.EligiblePatient{Patient: p, Why: c.why})
			}
			total++
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, db.RecordAudit(ctx, carepath.AuditEvent{Action: carepath.AuditPatientSearch, Object: "Eligible/" + program,
		Detail: fmt.Sprintf("%d of %d eligible patients not enrolled", len(out), total)})
}

// judgeEligibility lists the living patients a program's rules make
// eligible, by name: their active conditions and names read once each,
// without a join or a sort in the database, and judged by the billing
// package.
func judgeEligibility(ctx context.Context, r querier, org, program string) ([]eligibleCandidate, error) {
	conditions := map[string][]carepath.Condition{}
	rows, err := r.query(ctx, `SELECT patient_id, code_system, code, clinical_status, onset FROM condition
		WHERE org_id = ? AND clinical_status IN ('active', 'recurrence', 'relapse')`, org)
	if err := eachRow(rows, err, func(scan func(...any) error) error {
		var c carepath.Condition
		err := scan(&c.PatientID, &c.Code.System, &c.Code.Code, &c.ClinicalStatus, &c.Onset)
		conditions[c.PatientID] = append(conditions[c.PatientID], c)
		return err
	}); err != nil {
		return nil, err
	}
	var eligible []eligibleCandidate
	rows, err = r.query(ctx, "SELECT id, family, given FROM patient WHERE org_id = ? AND NOT deceased", org)
	if err := eachRow(rows, err, func(scan func(...any) error) error {
		var id, family, given string
		if err := scan(&id, &family, &given); err != nil {
			return err
		}
		if cs := conditions[id]; len(cs) > 0 {
			for _, e := range billing.Eligible(cs) {
				if e.Program == program && e.Eligible {
					eligible = append(eligible, eligibleCandidate{id, strings.ToLower(family + ", " + given), e.Why})
				}
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	slices.SortFunc(eligible, func(x, y eligibleCandidate) int {
		return cmp.Or(strings.Compare(x.name, y.name), strings.Compare(x.id, y.id))
	})
	return eligible, nil
}

// FindPractitioners implements carepath.ProgramService.
func (db *DB) FindPractitioners(ctx context.Context) ([]*carepath.User, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, "SELECT "+userColumns+" FROM app_user WHERE org_id = ? AND role = ? AND NOT disabled ORDER BY name, email",
		a.OrgID, string(carepath.RolePhysician))
	return collect(rows, err, scanUser)
}

// AddTimeEntry implements carepath.ProgramService.
func (db *DB) AddTimeEntry(ctx context.Context, e *carepath.TimeEntry) error {
	a, err := writerIn(ctx)
	if err != nil {
		return err
	}
	now := db.Now()
	loc, err := orgLocation(ctx, db, a.OrgID)
	if err != nil {
		return err
	}
	if err := e.Validate(now, loc); err != nil {
		return err
	}
	if e.UserID == "" || e.UserID == a.ActorID() || !a.Role().CanManageUsers() {
		e.UserID = a.ActorID() // only an administrator logs another person's time
	}
	e.Note = strings.TrimSpace(e.Note)
	return db.RunInTx(ctx, func(tx *Tx) error {
		if _, err := findPatient(ctx, tx, a.OrgID, e.PatientID); err != nil {
			return err
		}
		return insertTimeEntry(ctx, tx, a, loc, e)
	})
}

// insertTimeEntry writes a checked time entry of a patient found in tx,
// with its audit record: the person's (an active user), without overlap
// with their other time (ECONFLICT, named in the organization's time,
// loc).
func insertTimeEntry(ctx context.Context, tx *Tx, a *carepath.Actor, loc *time.Location, e *carepath.TimeEntry) error {
	var role, name, email string
	err := tx.queryRow(ctx, "SELECT role, name, email FROM app_user WHERE org_id = ? AND id = ? AND NOT disabled", a.OrgID, e.UserID).Scan(&role, &name, &email)
	if errors.Is(err, sql.ErrNoRows) {
		return carepath.Errorf(carepath.EINVALID, "The time must be an active user's of this organization.")
	} else if err != nil {
		return err
	}
	// The person's lock row first: concurrent entries of one person
	// queue here (a row lock on PostgreSQL; SQLite has one writer),
	// so that each sees the others before it checks for overlap.
	if _, err := tx.Exec(ctx, `INSERT INTO time_lock (org_id, user_id, seq) VALUES (?, ?, 1)
		ON CONFLICT (org_id, user_id) DO UPDATE SET seq = time_lock.seq + 1`, a.OrgID, e.UserID); err != nil {
		return err
	}
	var otherStart, otherEnd, otherPatient string
	err = tx.queryRow(ctx, `SELECT start_at, end_at, patient_id FROM time_entry WHERE org_id = ? AND user_id = ? AND start_at < ? AND end_at > ? LIMIT 1`,
		a.OrgID, e.UserID, formatTime(e.End()), formatTime(e.Start)).Scan(&otherStart, &otherEnd, &otherPatient)
	if err == nil {
		// In the organization's time, as the person typed it.
		from, to := parseTime(otherStart).In(loc), parseTime(otherEnd).In(loc)
		whose := "another patient"
		if otherPatient == e.PatientID {
			whose = "this patient"
		}
		return &carepath.Error{Code: carepath.ECONFLICT, Message: fmt.Sprintf("This time overlaps time %s logged for %s from %s to %s: a minute is spent once.",
			cmp.Or(name, email), whose, from.Format("Mon 2 Jan 15:04"), to.Format("15:04")),
			Fields: []carepath.FieldError{{Field: "start", Message: fmt.Sprintf("overlaps %s to %s", from.Format("15:04"), to.Format("15:04"))}}}
	} else if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	e.OrgID, e.ID, e.Staff, e.UserName, e.Created = a.OrgID, newID(), carepath.StaffKind(carepath.Role(role)), cmp.Or(name, email), tx.Now
	if _, err := tx.Exec(ctx, `INSERT INTO time_entry (org_id, id, patient_id, program, user_id, staff, start_at, end_at, seconds, activity, note,
		interactive, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.OrgID, e.ID, e.PatientID, e.Program, e.UserID, e.Staff,
		formatTime(e.Start), formatTime(e.End()), e.Seconds, e.Activity, e.Note, boolInt(e.Interactive), formatTime(tx.Now)); err != nil {
		return err
	}
	return appendAudit(ctx, tx, []carepath.AuditEvent{withActor(carepath.AuditEvent{Action: carepath.AuditTimeEntry,
		PatientID: e.PatientID, Object: "TimeEntry/" + e.ID, Detail: fmt.Sprintf("%s: %s of %s by %s", e.Program, carepath.FormatWorked(e.Seconds), e.Activity, e.UserName)}, a)})
}
