package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"carepath"
)

// FindCareTeam implements carepath.CarePlanService.
func (db *DB) FindCareTeam(ctx context.Context, patientID string) (*carepath.CareTeam, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, err
	}
	team := &carepath.CareTeam{}
	err = db.inReadTx(ctx, func(r *readTx) error {
		p, err := findPatient(ctx, r, a.OrgID, patientID)
		if err != nil {
			return err
		}
		team.Staff = p.CareTeam
		rows, err := r.query(ctx, `SELECT id, name, role, organization, phone, email, note FROM care_team_outside
			WHERE org_id = ? AND patient_id = ? ORDER BY role, name, id`, a.OrgID, patientID)
		team.Outside, err = collect(rows, err, func(scan func(...any) error) (carepath.OutsideMember, error) {
			var m carepath.OutsideMember
			return m, scan(&m.ID, &m.Name, &m.Role, &m.Organization, &m.Phone, &m.Email, &m.Note)
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return team, db.RecordAudit(ctx, carepath.AuditEvent{Action: carepath.AuditPatientView, PatientID: patientID, Object: "CareTeam",
		Detail: fmt.Sprintf("%d staff, %d outside", len(team.Staff), len(team.Outside))})
}

// SaveCareTeam implements carepath.CarePlanService.
func (db *DB) SaveCareTeam(ctx context.Context, patientID string, team *carepath.CareTeam) error {
	a, err := writerIn(ctx)
	if err != nil {
		return err
	}
	return db.RunInTx(ctx, func(tx *Tx) error {
		if err := mustExist(ctx, tx, "Patient not found.", "SELECT 1 FROM patient WHERE org_id = ? AND id = ?", a.OrgID, patientID); err != nil {
			return err
		}
		var problems []string
		primary, seen := 0, map[string]bool{}
		for i := range team.Staff {
			m := &team.Staff[i]
			m.PatientID = patientID
			if m.Role == "" {
				m.Role = carepath.CareTeamPrimaryCareManager
			}
			if m.Role == carepath.CareTeamPrimaryCareManager {
				primary++
			}
			if seen[m.UserID] {
				problems = append(problems, "the user "+m.UserID+" is on the team twice")
			}
			seen[m.UserID] = true
			var one int
			err := tx.queryRow(ctx, "SELECT 1 FROM app_user WHERE org_id = ? AND id = ? AND NOT disabled", a.OrgID, m.UserID).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				problems = append(problems, "no active user "+m.UserID)
			} else if err != nil {
				return err
			}
		}
		if primary > 1 {
			problems = append(problems, "one primary care manager, the central point of contact, not "+fmt.Sprint(primary))
		}
		for i := range team.Outside {
			m := &team.Outside[i]
			m.Name, m.Phone, m.Email = strings.TrimSpace(m.Name), strings.TrimSpace(m.Phone), strings.TrimSpace(m.Email)
			if m.Name == "" {
				problems = append(problems, fmt.Sprintf("outside member %d has no name", i+1))
			}
			if !slices.Contains(carepath.OutsideRoles, m.Role) {
				problems = append(problems, fmt.Sprintf("outside member %d: the role is one of %s, not %q", i+1, strings.Join(carepath.OutsideRoles, ", "), m.Role))
			}
			if m.ID == "" {
				m.ID = newID()
			}
		}
		if len(problems) > 0 {
			return carepath.Errorf(carepath.EINVALID, "The care team cannot be saved: %s.", strings.Join(problems, "; "))
		}
		// Members who stay keep the day they joined.
		rows, err := tx.query(ctx, "SELECT user_id, since FROM care_team_member WHERE org_id = ? AND patient_id = ?", a.OrgID, patientID)
		since := map[string]string{}
		if err == nil {
			err = scanAll(rows, func(scan func(...any) error) error {
				var u, at string
				err := scan(&u, &at)
				since[u] = at
				return err
			})
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM care_team_member WHERE org_id = ? AND patient_id = ?", a.OrgID, patientID); err != nil {
			return err
		}
		for _, m := range team.Staff {
			at, ok := since[m.UserID]
			if !ok {
				at = formatTime(tx.Now)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO care_team_member (org_id, patient_id, user_id, role, since) VALUES (?, ?, ?, ?, ?)",
				a.OrgID, patientID, m.UserID, m.Role, at); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, "DELETE FROM care_team_outside WHERE org_id = ? AND patient_id = ?", a.OrgID, patientID); err != nil {
			return err
		}
		for _, m := range team.Outside {
			if _, err := tx.Exec(ctx, `INSERT INTO care_team_outside (org_id, patient_id, id, name, role, organization, phone, email, note)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.OrgID, patientID, m.ID, m.Name, m.Role, m.Organization, m.Phone, m.Email, m.Note); err != nil {
				return err
			}
		}
		if err := bumpRecordVersions(ctx, tx, a.OrgID, map[string]bool{patientID: true}); err != nil {
			return err
		}
		return appendAudit(ctx, tx, []carepath.AuditEvent{withActor(carepath.AuditEvent{Action: carepath.AuditCareTeamUpdate,
			PatientID: patientID, Object: "CareTeam", Detail: fmt.Sprintf("%d staff, %d outside", len(team.Staff), len(team.Outside))}, a)})
	})
}
