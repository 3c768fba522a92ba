package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"carepath"
)

const patientColumns = `id, mrn, family, given, birth_date, sex, phone, email, address_line, city, state, postal_code,
	country, language, language_name, deceased, deceased_at, marital`

func scanPatient(s scanner, org string) (*carepath.Patient, error) {
	p := carepath.Patient{OrgID: org}
	err := s.Scan(&p.ID, &p.MRN, &p.Family, &p.Given, &p.BirthDate, &p.Sex, &p.Phone, &p.Email, &p.AddressLine, &p.City,
		&p.State, &p.PostalCode, &p.Country, &p.Language.Code, &p.Language.Display, &p.Deceased, &p.DeceasedAt, &p.Marital)
	return &p, err
}

// FindPatientByID implements carepath.PatientService.
func (db *DB) FindPatientByID(ctx context.Context, orgID, id string) (*carepath.Patient, error) {
	p, err := scanPatient(db.queryRow(ctx, "SELECT "+patientColumns+" FROM patient WHERE org_id = ? AND id = ?", orgID, id), orgID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, carepath.Errorf(carepath.ENOTFOUND, "Patient not found.")
	} else if err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, "SELECT system, value, type FROM patient_identifier WHERE org_id = ? AND patient_id = ? ORDER BY system, value", orgID, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ident carepath.Identifier
		if err := rows.Scan(&ident.System, &ident.Value, &ident.Type); err != nil {
			return nil, err
		}
		p.Identifiers = append(p.Identifiers, ident)
	}
	return p, rows.Err()
}

// FindPatients implements carepath.PatientService. The query matches the
// start of "family given" (case-insensitive) or an identifier exactly.
func (db *DB) FindPatients(ctx context.Context, f carepath.PatientFilter) ([]*carepath.Patient, int, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	where := "org_id = ?"
	args := []any{f.OrgID}
	if q := strings.TrimSpace(f.Query); q != "" {
		where += ` AND (name_key >= ? AND name_key < ? OR id IN
			(SELECT patient_id FROM patient_identifier WHERE org_id = ? AND value = ?))`
		key := strings.ToLower(q)
		args = append(args, key, key+"\uffff", f.OrgID, q)
	}
	var total int
	if err := db.queryRow(ctx, "SELECT COUNT(*) FROM patient WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.query(ctx, "SELECT "+patientColumns+" FROM patient WHERE "+where+
		" ORDER BY name_key, id LIMIT ? OFFSET ?", append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var ps []*carepath.Patient
	for rows.Next() {
		p, err := scanPatient(rows, f.OrgID)
		if err != nil {
			return nil, 0, err
		}
		ps = append(ps, p)
	}
	return ps, total, rows.Err()
}
