package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"carepath"
)

// FindStayRecord implements carepath.RiskService: the stay, the patient's
// encounters from 13 months before it to its end, the hemoglobin and
// sodium taken during it, the procedures of the same span, the conditions
// and the birth date.
func (db *DB) FindStayRecord(ctx context.Context, patientID, encounterID string) (*carepath.StayRecord, error) {
	a, err := adminIn(ctx)
	if err != nil {
		return nil, err
	}
	r := &carepath.StayRecord{}
	err = db.inReadTx(ctx, func(tx *readTx) error {
		p, err := findPatient(ctx, tx, a.OrgID, patientID)
		if err != nil {
			return err
		}
		r.BirthDate = p.BirthDate
		r.Stay, err = scanEncounter(tx.queryRow(ctx, "SELECT "+encounterColumns+" FROM encounter WHERE org_id = ? AND patient_id = ? AND id = ?",
			a.OrgID, patientID, encounterID).Scan, a.OrgID, patientID)
		if errors.Is(err, sql.ErrNoRows) {
			return carepath.Errorf(carepath.ENOTFOUND, "Stay not found.")
		} else if err != nil {
			return err
		}
		// The record compares stored forms as text.
		from, end := r.Stay.PeriodStart.String(), r.Stay.PeriodEnd.String()
		if r.Stay.PeriodStart.IsInstant() {
			from = formatTime(r.Stay.PeriodStart.Time().AddDate(0, -13, 0))
		}
		if end == "" {
			end = formatTime(db.Now())
		}
		rows, err := tx.query(ctx, "SELECT "+encounterColumns+` FROM encounter WHERE org_id = ? AND patient_id = ?
			AND period_start >= ? AND period_start <= ? ORDER BY period_start`, a.OrgID, patientID, from, end)
		if r.Encounters, err = collect(rows, err, func(scan func(...any) error) (carepath.Encounter, error) {
			return scanEncounter(scan, a.OrgID, patientID)
		}); err != nil {
			return err
		}
		rows, err = tx.query(ctx, `SELECT id, code, effective, value_num FROM observation WHERE org_id = ? AND patient_id = ? AND code IN (?, ?)
			AND effective >= ? AND effective <= ? AND value_num IS NOT NULL`, a.OrgID, patientID, "718-7", "2951-2", r.Stay.PeriodStart.String(), end)
		if r.Labs, err = collect(rows, err, func(scan func(...any) error) (carepath.Observation, error) {
			o := carepath.Observation{OrgID: a.OrgID, PatientID: patientID}
			var v float64
			err := scan(&o.ID, &o.Code.Code, &o.Effective, &v)
			o.ValueNum = &v
			return o, err
		}); err != nil {
			return err
		}
		rows, err = tx.query(ctx, `SELECT id, encounter_id, status, code_system, code, display, performed_start, performed_end FROM procedure_performed
			WHERE org_id = ? AND patient_id = ? AND (encounter_id = ? OR (performed_start >= ? AND performed_start <= ?))`,
			a.OrgID, patientID, encounterID, r.Stay.PeriodStart.String(), end)
		if r.Procedures, err = collect(rows, err, func(scan func(...any) error) (carepath.Procedure, error) {
			p := carepath.Procedure{OrgID: a.OrgID, PatientID: patientID}
			return p, scan(&p.ID, &p.EncounterID, &p.Status, &p.Code.System, &p.Code.Code, &p.Code.Display, &p.PerformedStart, &p.PerformedEnd)
		}); err != nil {
			return err
		}
		rows, err = tx.query(ctx, "SELECT "+conditionColumns+" FROM condition WHERE org_id = ? AND patient_id = ?", a.OrgID, patientID)
		r.Conditions, err = collect(rows, err, func(scan func(...any) error) (carepath.Condition, error) {
			return scanCondition(scan, a.OrgID, patientID)
		})
		return err
	})
	return r, err
}

// FindStays implements carepath.RiskService, from the index by class.
func (db *DB) FindStays(ctx context.Context) ([]carepath.StayRef, error) {
	a, err := adminIn(ctx)
	if err != nil {
		return nil, err
	}
	// Sorted here: an ORDER BY makes SQLite walk every encounter by its
	// key to save the sort (14 s of a 35 s scoring at 100,000 patients).
	rows, err := db.query(ctx, `SELECT patient_id, id FROM encounter WHERE org_id = ? AND class IN (?, ?, ?, ?) AND period_end <> ''`,
		a.OrgID, carepath.EncounterInpatient, carepath.EncounterAcute, carepath.EncounterNonAcute, carepath.EncounterObservation)
	stays, err := collect(rows, err, func(scan func(...any) error) (carepath.StayRef, error) {
		var s carepath.StayRef
		return s, scan(&s.PatientID, &s.EncounterID)
	})
	slices.SortFunc(stays, func(x, y carepath.StayRef) int {
		return cmp.Or(strings.Compare(x.PatientID, y.PatientID), strings.Compare(x.EncounterID, y.EncounterID))
	})
	return stays, err
}

// riskComponentDoc is a score's component as stored in risk_score.components.
type riskComponentDoc struct {
	Name    string   `json:"name"`
	Points  int      `json:"points"`
	Why     string   `json:"why"`
	Facts   []string `json:"facts,omitempty"`
	Missing bool     `json:"missing,omitempty"`
}

// RecordRiskScores implements carepath.RiskService.
func (db *DB) RecordRiskScores(ctx context.Context, scores []carepath.RiskScore) error {
	a, err := adminIn(ctx)
	if err != nil {
		return err
	}
	return db.RunInTx(ctx, func(tx *Tx) error {
		var audits []carepath.AuditEvent
		patients := map[string]bool{}
		for _, s := range scores {
			docs := make([]riskComponentDoc, len(s.Components))
			for i, c := range s.Components {
				docs[i] = riskComponentDoc(c)
			}
			components, err := json.Marshal(docs)
			if err != nil {
				return err
			}
			complete := 0
			if s.Complete {
				complete = 1
			}
			if _, err := tx.Exec(ctx, `INSERT INTO risk_score (org_id, patient_id, encounter_id, name, variant, version, source, total, band, complete,
				components, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (org_id, patient_id, encounter_id, name) DO UPDATE SET variant = excluded.variant, version = excluded.version,
				source = excluded.source, total = excluded.total, band = excluded.band, complete = excluded.complete,
				components = excluded.components, computed_at = excluded.computed_at`,
				a.OrgID, s.PatientID, s.EncounterID, s.Name, s.Variant, s.Version, s.Source, s.Total, s.Band, complete, string(components),
				formatTime(s.Computed)); err != nil {
				return err
			}
			audits = append(audits, withActor(carepath.AuditEvent{Action: carepath.AuditRiskScore, PatientID: s.PatientID,
				Object: "Encounter/" + s.EncounterID, Detail: fmt.Sprintf("%s %d %s", s.Name, s.Total, s.Band)}, a))
			patients[s.PatientID] = true
		}
		// The chart shows the latest scores: its cached copy is out of date.
		if err := bumpRecordVersions(ctx, tx, a.OrgID, patients); err != nil {
			return err
		}
		return appendAudit(ctx, tx, audits)
	})
}

// FindRiskScores implements carepath.RiskService.
func (db *DB) FindRiskScores(ctx context.Context, patientID string) ([]carepath.RiskScore, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, err
	}
	var out []carepath.RiskScore
	err = db.inReadTx(ctx, func(r *readTx) error {
		if _, err := findPatient(ctx, r, a.OrgID, patientID); err != nil {
			return err
		}
		out, err = latestRiskScores(ctx, r, a.OrgID, patientID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, db.RecordAudit(ctx, carepath.AuditEvent{Action: carepath.AuditPatientView, PatientID: patientID, Object: "RiskScores",
		Detail: fmt.Sprintf("%d scores", len(out))})
}

// latestRiskScores reads a patient's latest score of each name, by name.
func latestRiskScores(ctx context.Context, db querier, org, patientID string) ([]carepath.RiskScore, error) {
	return riskScoresWhere(ctx, db, org, `s.patient_id = ? AND s.computed_at = (SELECT MAX(l.computed_at) FROM risk_score l
		WHERE l.org_id = s.org_id AND l.patient_id = s.patient_id AND l.name = s.name)`, []any{patientID})
}

// riskScoresWhere reads the organization's scores matching where, by name.
func riskScoresWhere(ctx context.Context, db querier, org, where string, args []any) ([]carepath.RiskScore, error) {
	rows, err := db.query(ctx, `SELECT s.patient_id, s.encounter_id, s.name, s.variant, s.version, s.source, s.total, s.band, s.complete,
		s.components, s.computed_at, COALESCE((SELECT e.period_end FROM encounter e WHERE e.org_id = s.org_id AND e.patient_id = s.patient_id
		AND e.id = s.encounter_id), '') FROM risk_score s WHERE s.org_id = ? AND `+where+` ORDER BY s.name`, append([]any{org}, args...)...)
	return collect(rows, err, func(scan func(...any) error) (carepath.RiskScore, error) {
		var s carepath.RiskScore
		var complete int
		var components, computed, discharged string
		if err := scan(&s.PatientID, &s.EncounterID, &s.Name, &s.Variant, &s.Version, &s.Source, &s.Total, &s.Band, &complete, &components, &computed,
			&discharged); err != nil {
			return s, err
		}
		s.Complete, s.Computed, s.Discharged = complete == 1, parseTime(computed), parseOptionalTime(discharged)
		var docs []riskComponentDoc
		if err := json.Unmarshal([]byte(components), &docs); err != nil {
			return s, err
		}
		for _, d := range docs {
			s.Components = append(s.Components, carepath.RiskComponent(d))
		}
		return s, nil
	})
}
