package store

import (
	"context"

	"carepath"
	"carepath/instrument"
	"carepath/rules"
)

// FindScreeningCandidates implements carepath.WorkStateService.
func (db *DB) FindScreeningCandidates(ctx context.Context, ruleID string, m *carepath.ConditionMatch, instruments, codes []string) ([]carepath.ScreeningCandidate, error) {
	a, err := adminIn(ctx)
	if err != nil {
		return nil, err
	}
	if len(instruments) == 0 || len(codes) == 0 {
		return nil, carepath.Errorf(carepath.EINVALID, "A screening rule names its instruments and codes.")
	}
	q, args, err := screeningCandidatesQuery(a.OrgID, ruleID, m, instruments, codes)
	if err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, q, args...)
	return collect(rows, err, func(scan func(...any) error) (carepath.ScreeningCandidate, error) {
		var c carepath.ScreeningCandidate
		var assessed, observed string
		if err := scan(&c.PatientID, &assessed, &observed); err != nil {
			return c, err
		}
		c.LastDone = parseTime(assessed)
		if t := carepath.ParseEffective(observed); t.After(c.LastDone) {
			c.LastDone = t
		}
		return c, nil
	})
}

// screeningCandidatesQuery is FindScreeningCandidates' query and its
// arguments.
func screeningCandidatesQuery(org, ruleID string, m *carepath.ConditionMatch, instruments, codes []string) (string, []any, error) {
	var args []any
	for _, in := range instruments {
		args = append(args, in)
	}
	for _, c := range codes {
		args = append(args, c)
	}
	args = append(args, org, carepath.CareTeamPrimaryCareManager)
	condition := ""
	if m != nil {
		matches, margs, err := conditionMatchQuery(org, *m)
		if err != nil {
			return "", nil, err
		}
		condition, args = " AND t.patient_id IN ("+matches+")", append(args, margs...)
	}
	args = append(args, ruleID, org)
	// The caseload from the care team's role index, less those with a
	// schedule of the rule: nearly everyone, after the first time, so the
	// patient rows and the latest screenings are read only for the few
	// left (each from its patient's index range).
	return `SELECT p.id,
		COALESCE((SELECT MAX(x.created_at) FROM assessment x WHERE x.org_id = p.org_id AND x.patient_id = p.id AND x.instrument IN (` + placeholders(len(instruments)) + `)), ''),
		COALESCE((SELECT MAX(o.effective) FROM observation o WHERE o.org_id = p.org_id AND o.patient_id = p.id AND o.code IN (` + placeholders(len(codes)) + `)), '')
		FROM (SELECT DISTINCT t.patient_id FROM care_team_member t WHERE t.org_id = ? AND t.role = ?` + condition + `
			AND NOT EXISTS (SELECT 1 FROM schedule s WHERE s.org_id = t.org_id AND s.patient_id = t.patient_id AND s.rule_id = ?)) c
		JOIN patient p ON p.org_id = ? AND p.id = c.patient_id
		WHERE NOT p.deceased ORDER BY p.id`, args, nil
}

// AddSchedules implements carepath.WorkStateService: one prepared row per
// schedule, in one transaction.
func (db *DB) AddSchedules(ctx context.Context, schedules []carepath.Schedule) (int, error) {
	a, err := adminIn(ctx)
	if err != nil {
		return 0, err
	}
	added := 0
	err = db.RunInTx(ctx, func(tx *Tx) error {
		added = 0
		insert, err := tx.Prepare(ctx, `INSERT INTO schedule (org_id, id, patient_id, rule_id, every_days, seq, next_due, fire_at, last_done, created_at, updated_at)
			SELECT ?, ?, p.id, ?, ?, 1, ?, ?, ?, ?, ? FROM patient p WHERE p.org_id = ? AND p.id = ?
			ON CONFLICT (org_id, patient_id, rule_id) DO NOTHING`)
		if err != nil {
			return err
		}
		defer insert.Close()
		now := formatTime(tx.Now)
		for _, s := range schedules {
			if s.RuleID == "" || s.EveryDays < 1 {
				return carepath.Errorf(carepath.EINVALID, "A schedule has a rule and an interval of a day or more.")
			}
			res, err := insert.ExecContext(ctx, a.OrgID, s.RuleID+":"+s.PatientID, s.RuleID, s.EveryDays, formatTime(s.NextDue), formatTime(s.NextDue),
				formatOptionalTime(s.LastDone), now, now, a.OrgID, s.PatientID)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			added += int(n)
		}
		return nil
	})
	return added, err
}

// completeScreenings closes the open tasks of the screening rules that
// recording instrumentID satisfies, for the patient, as done by that
// assessment, and moves their schedules on from now, in tx. It returns the
// closed tasks' audit records.
func completeScreenings(ctx context.Context, tx *Tx, a *carepath.Actor, in *instrument.Instrument, patientID, assessmentID string) ([]carepath.AuditEvent, error) {
	var audits []carepath.AuditEvent
	for _, s := range rules.ScreeningsBy(in.ID) {
		rows, err := tx.query(ctx, `SELECT id FROM task WHERE org_id = ? AND patient_id = ? AND rule_id = ?
			AND status IN ('requested', 'accepted', 'in-progress', 'on-hold')`, a.OrgID, patientID, s.ID)
		open, err := collect(rows, err, func(scan func(...any) error) (string, error) {
			var id string
			return id, scan(&id)
		})
		if err != nil {
			return nil, err
		}
		// The rule closes them, on the word of the assessment's author:
		// whoever records the screening may not own its task.
		closer := carepath.SystemActor(a.OrgID, "work rules", "screening done")
		done := carepath.TaskCompleted
		for _, id := range open {
			_, audit, err := changeTask(ctx, tx, closer, id, carepath.TaskChange{Status: &done, Outcome: "screened",
				Note: in.Name + " recorded by " + a.Name() + " (Assessment/" + assessmentID + ")"}, false)
			if err != nil {
				return nil, err
			}
			audits = append(audits, audit)
		}
		next := formatTime(tx.Now.AddDate(0, 0, s.EveryDays))
		if _, err := tx.Exec(ctx, "UPDATE schedule SET next_due = ?, fire_at = ?, last_done = ?, updated_at = ? WHERE org_id = ? AND patient_id = ? AND rule_id = ?",
			next, next, formatTime(tx.Now), formatTime(tx.Now), a.OrgID, patientID, s.ID); err != nil {
			return nil, err
		}
	}
	return audits, nil
}
