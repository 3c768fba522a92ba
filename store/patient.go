package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"carepath"
)

const patientColumns = `id, mrn, family, given, birth_date, sex, phone, email, address_line, city, state, postal_code,
	country, language, language_name, deceased, deceased_at, marital, record_version`

func scanPatient(s scanner, org string) (*carepath.Patient, error) {
	p := carepath.Patient{OrgID: org}
	err := s.Scan(&p.ID, &p.MRN, &p.Family, &p.Given, &p.BirthDate, &p.Sex, &p.Phone, &p.Email, &p.AddressLine, &p.City,
		&p.State, &p.PostalCode, &p.Country, &p.Language.Code, &p.Language.Display, &p.Deceased, &p.DeceasedAt, &p.Marital, &p.RecordVersion)
	return &p, err
}

// readerIn returns the actor of ctx; without one, nothing is found.
func readerIn(ctx context.Context) (*carepath.Actor, error) {
	a := carepath.ActorFromContext(ctx)
	if a == nil || a.OrgID == "" {
		return nil, carepath.Errorf(carepath.ENOTFOUND, "Not found.")
	}
	return a, nil
}

// FindPatientByID implements carepath.PatientService.
func (db *DB) FindPatientByID(ctx context.Context, id string) (*carepath.Patient, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, err
	}
	p, err := findPatient(ctx, db, a.OrgID, id)
	if err != nil {
		return nil, err
	}
	if err := db.RecordAudit(ctx, carepath.AuditEvent{Action: carepath.AuditPatientView, PatientID: id, Object: "Patient/" + id}); err != nil {
		return nil, err
	}
	return p, nil
}

// findPatient reads a patient with identifiers and care team, unaudited:
// callers audit what they show.
func findPatient(ctx context.Context, db querier, org, id string) (*carepath.Patient, error) {
	p, err := findPatientAndTeam(ctx, db, org, id)
	if err != nil {
		return nil, err
	}
	p.Identifiers, err = patientIdentifiers(ctx, db, org, id)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// patientIdentifiers reads a patient's identifiers (only imports write
// them).
func patientIdentifiers(ctx context.Context, db querier, org, id string) ([]carepath.Identifier, error) {
	rows, err := db.query(ctx, "SELECT system, value, type FROM patient_identifier WHERE org_id = ? AND patient_id = ? ORDER BY system, value", org, id)
	return collect(rows, err, func(scan func(...any) error) (carepath.Identifier, error) {
		var ident carepath.Identifier
		err := scan(&ident.System, &ident.Value, &ident.Type)
		return ident, err
	})
}

// findPatientAndTeam reads a patient and their care team, not their
// identifiers.
func findPatientAndTeam(ctx context.Context, db querier, org, id string) (*carepath.Patient, error) {
	p, err := scanPatient(db.queryRow(ctx, "SELECT "+patientColumns+" FROM patient WHERE org_id = ? AND id = ?", org, id), org)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, carepath.Errorf(carepath.ENOTFOUND, "Patient not found.")
	} else if err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, "SELECT c.role, c.since, "+prefixed("u.", userColumns)+
		" FROM care_team_member c JOIN app_user u ON u.org_id = c.org_id AND u.id = c.user_id WHERE c.org_id = ? AND c.patient_id = ? ORDER BY c.role DESC, u.email", org, id)
	if err != nil {
		return nil, err
	}
	err = scanAll(rows, func(scan func(...any) error) error {
		m := carepath.CareTeamMember{PatientID: id}
		var since string
		u, err := scanUser(func(dest ...any) error { return scan(append([]any{&m.Role, &since}, dest...)...) })
		if err != nil {
			return err
		}
		m.UserID, m.User, m.Since = u.ID, u, parseTime(since)
		p.CareTeam = append(p.CareTeam, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

var isoDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// FindPatients implements carepath.PatientService. The search is audited
// as one record naming the query, the filters and the count found.
func (db *DB) FindPatients(ctx context.Context, f carepath.PatientFilter) ([]*carepath.Patient, int, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, 0, err
	}
	org := a.OrgID
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	f.Offset = max(f.Offset, 0)
	where := "org_id = ?"
	args := []any{org}
	if q := strings.TrimSpace(f.Query); q != "" {
		// "Rivera, Ana" and "rivera ana" both match the name key "rivera ana".
		key := carepath.NameQueryKey(q)
		exact := "SELECT patient_id FROM patient_identifier WHERE org_id = ? AND value = ?"
		exactArgs := []any{org, q}
		if isoDate.MatchString(q) {
			exact += " UNION SELECT id FROM patient WHERE org_id = ? AND birth_date = ?"
			exactArgs = append(exactArgs, org, q)
		}
		// Most searches are names, which match no identifier or birth date:
		// then the name range alone is the condition, and the page is read
		// in the name index's order, a page's worth of rows. (Or-ing in
		// the exact matches made SQLite read and sort every name match:
		// 18 ms for "wil" at 100,000 patients, natively.)
		var exactMatches int
		err := db.queryRow(ctx, "SELECT COUNT(*) FROM ("+exact+" LIMIT 1) x", exactArgs...).Scan(&exactMatches)
		if err != nil {
			return nil, 0, err
		}
		if exactMatches == 0 {
			where += " AND name_key >= ? AND name_key < ?"
			args = append(args, key, key+"\uffff")
		} else {
			where += " AND (name_key >= ? AND name_key < ? OR id IN (" + exact + "))"
			args = append(append(args, key, key+"\uffff"), exactArgs...)
		}
	}
	// The filters by care manager and by condition are written twice: as
	// IN lists for the count (driven by the filter's index) and as EXISTS
	// for the page (which walks the sort order's index and stops after a
	// page, instead of sorting every match).
	countWhere, countArgs := where, append([]any{}, args...)
	if f.CareManagerID != "" {
		countWhere += " AND id IN (SELECT patient_id FROM care_team_member WHERE org_id = ? AND user_id = ?)"
		countArgs = append(countArgs, org, f.CareManagerID)
		where += " AND EXISTS (SELECT 1 FROM care_team_member c WHERE c.org_id = patient.org_id AND c.patient_id = patient.id AND c.user_id = ?)"
		args = append(args, f.CareManagerID)
	}
	if f.ConditionCode != "" {
		countWhere += " AND id IN (SELECT patient_id FROM condition WHERE org_id = ? AND code = ?)"
		countArgs = append(countArgs, org, f.ConditionCode)
		where += " AND EXISTS (SELECT 1 FROM condition c WHERE c.org_id = patient.org_id AND c.patient_id = patient.id AND c.code = ?)"
		args = append(args, f.ConditionCode)
	}
	order := "name_key, id"
	switch f.Sort {
	case carepath.SortByNameDesc:
		order = "name_key DESC, id DESC"
	case carepath.SortByBirthDate:
		order = "birth_date, name_key, id"
	case carepath.SortByAgeDesc:
		order = "birth_date DESC, name_key, id"
	}
	var total int
	countQuery := "SELECT COUNT(*) FROM patient WHERE " + countWhere
	if f.CareManagerID != "" && strings.TrimSpace(f.Query) == "" && f.ConditionCode == "" {
		// A caseload alone: its size is in the care team index (every
		// member row is of a stored patient).
		countQuery, countArgs = "SELECT COUNT(*) FROM care_team_member WHERE org_id = ? AND user_id = ?", []any{org, f.CareManagerID}
	}
	if err := db.queryRow(ctx, countQuery, countArgs...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.After != "" && (f.Sort == "" || f.Sort == carepath.SortByName) {
		key, id, _ := strings.Cut(f.After, "\x00")
		where += " AND (name_key > ? OR name_key = ? AND id > ?)"
		args = append(args, key, key, id)
	}
	rows, err := db.query(ctx, "SELECT "+patientColumns+" FROM patient WHERE "+where+
		" ORDER BY "+order+" LIMIT ? OFFSET ?", append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var ps []*carepath.Patient
	for rows.Next() {
		p, err := scanPatient(rows, org)
		if err != nil {
			return nil, 0, err
		}
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	detail := fmt.Sprintf("query %q, care manager %q, condition %q: %d shown of %d", f.Query, f.CareManagerID, f.ConditionCode, len(ps), total)
	if err := db.RecordAudit(ctx, carepath.AuditEvent{Action: carepath.AuditPatientSearch, Object: "Patient", Detail: detail}); err != nil {
		return nil, 0, err
	}
	return ps, total, nil
}

// AddCareTeamMembers implements carepath.PatientService.
func (db *DB) AddCareTeamMembers(ctx context.Context, members ...carepath.CareTeamMember) error {
	a, err := writerIn(ctx)
	if err != nil {
		return err
	}
	return db.RunInTx(ctx, func(tx *Tx) error {
		var events []carepath.AuditEvent
		for _, m := range members {
			if m.Role == "" {
				m.Role = carepath.CareTeamPrimaryCareManager
			}
			var n int
			if err := tx.queryRow(ctx, "SELECT (SELECT COUNT(*) FROM patient WHERE org_id = ? AND id = ?) + (SELECT COUNT(*) FROM app_user WHERE org_id = ? AND id = ? AND NOT disabled)",
				a.OrgID, m.PatientID, a.OrgID, m.UserID).Scan(&n); err != nil {
				return err
			}
			if n != 2 {
				return carepath.Errorf(carepath.ENOTFOUND, "No patient %q or no active user %q.", m.PatientID, m.UserID)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO care_team_member (org_id, patient_id, user_id, role, since) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (org_id, patient_id, user_id) DO UPDATE SET role = excluded.role`,
				a.OrgID, m.PatientID, m.UserID, m.Role, formatTime(tx.Now)); err != nil {
				return err
			}
			events = append(events, withActor(carepath.AuditEvent{Action: carepath.AuditCareTeamAdd, PatientID: m.PatientID,
				Object: "User/" + m.UserID, Detail: m.Role}, a))
		}
		return appendAudit(ctx, tx, events)
	})
}

// FindCareManagers implements carepath.PatientService.
func (db *DB) FindCareManagers(ctx context.Context) ([]carepath.CaseloadCount, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, "SELECT n, "+prefixed("u.", userColumns)+` FROM app_user u JOIN
		(SELECT user_id, COUNT(*) AS n FROM care_team_member WHERE org_id = ? GROUP BY user_id) c ON c.user_id = u.id
		WHERE u.org_id = ? ORDER BY u.name, u.email`, a.OrgID, a.OrgID)
	return collect(rows, err, func(scan func(...any) error) (c carepath.CaseloadCount, err error) {
		c.User, err = scanUser(func(dest ...any) error { return scan(append([]any{&c.Patients}, dest...)...) })
		return c, err
	})
}

// FindCommonConditions implements carepath.PatientService.
func (db *DB) FindCommonConditions(ctx context.Context, limit int) ([]carepath.ConditionCount, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, `SELECT code, MAX(code_system), MAX(display), COUNT(DISTINCT patient_id) AS n FROM condition
		WHERE org_id = ? AND code <> '' GROUP BY code ORDER BY n DESC, code LIMIT ?`, a.OrgID, limit)
	return collect(rows, err, func(scan func(...any) error) (c carepath.ConditionCount, err error) {
		return c, scan(&c.Code.Code, &c.Code.System, &c.Code.Display, &c.Patients)
	})
}
