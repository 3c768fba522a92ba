package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"carepath"
	"carepath/fhir"
	"carepath/instrument"
	"carepath/rules"
)

// assessmentResult is the result column: what a stored assessment says
// beyond its total, band and screen.
type assessmentResult struct {
	Points   []carepath.AssessmentPoints  `json:"points"`
	Findings []carepath.AssessmentFinding `json:"findings,omitempty"`
	Domains  []carepath.AssessmentDomain  `json:"domains,omitempty"`
	TaskIDs  []string                     `json:"tasks,omitempty"`
}

// RecordAssessment implements carepath.AssessmentService.
func (db *DB) RecordAssessment(ctx context.Context, as *carepath.Assessment) error {
	a, err := writerIn(ctx)
	if err != nil {
		return err
	}
	return db.RunInTx(ctx, func(tx *Tx) error {
		// The patient first: another organization's is not found, whatever
		// the answers.
		if err := mustExist(ctx, tx, "Patient not found.", "SELECT 1 FROM patient WHERE org_id = ? AND id = ?", a.OrgID, as.PatientID); err != nil {
			return err
		}
		in, ok := instrument.Find(as.Instrument)
		if !ok {
			return carepath.Errorf(carepath.EINVALID, "There is no instrument %q.", as.Instrument)
		}
		switch as.AnsweredBy {
		case carepath.AnsweredByPatient, carepath.AnsweredByCaregiver, carepath.AnsweredByStaff:
		default:
			return carepath.Invalid("The assessment cannot be recorded", carepath.FieldError{Field: "answered_by", Message: "say who answered: patient, caregiver or staff"})
		}
		as.SubmissionKey = strings.TrimSpace(as.SubmissionKey)
		if as.SubmissionKey == "" {
			return carepath.Errorf(carepath.EINVALID, "A submission needs a key, so that sending it twice stores it once.")
		}
		as.Answers = in.Clean(as.Answers)
		r, err := in.Score(as.Answers)
		if err != nil {
			return err
		}
		as.OrgID, as.Version, as.Total, as.Band, as.Positive = a.OrgID, in.Version, r.Total, r.Band, r.Positive
		as.Points, as.Findings, as.Domains, as.TaskIDs = nil, nil, nil, nil
		for _, p := range r.Points {
			as.Points = append(as.Points, carepath.AssessmentPoints{ItemID: p.ItemID, Answer: p.Answer, Points: p.Points})
		}
		for _, f := range r.Findings {
			as.Findings = append(as.Findings, carepath.AssessmentFinding{Kind: f.Kind, Text: f.Text, Next: f.Next})
		}
		for _, d := range r.Domains {
			as.Domains = append(as.Domains, carepath.AssessmentDomain{Domain: d.Domain, Positive: d.Positive, Why: d.Why})
		}
		as.ID, as.CreatedBy, as.Created, as.TaskIDs, as.Status = newTimeID(tx.Now), a.ActorID(), tx.Now, nil, "final"
		// The tasks the corrected assessment made are the correction's: a
		// safety evaluation is made once for a sitting, however often its
		// record is corrected.
		var amendedTasks []string
		if as.AmendsID != "" {
			if amendedTasks, err = amendAssessment(ctx, tx, as); err != nil {
				return err
			}
			as.TaskIDs = amendedTasks
		}
		var one int
		err = tx.queryRow(ctx, "SELECT 1 FROM assessment WHERE org_id = ? AND submission_key = ?", a.OrgID, as.SubmissionKey).Scan(&one)
		if err == nil {
			return carepath.Errorf(carepath.ECONFLICT, "This assessment was already recorded (submission %s); it was not stored again.", as.SubmissionKey)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		audits := []carepath.AuditEvent{withActor(carepath.AuditEvent{Action: carepath.AuditAssessmentCreate, PatientID: as.PatientID,
			Object: "Assessment/" + as.ID, Detail: assessmentSummary(in, as)}, a)}
		for _, f := range as.Findings {
			if f.Kind != instrument.FindingSafety {
				continue
			}
			if len(amendedTasks) > 0 {
				continue
			}
			// The person taking the assessment is with the patient: the
			// safety evaluation is theirs, now.
			owner := ""
			if a.User != nil {
				owner = a.User.ID
			}
			plan := rules.PlanSafetyEvaluation(as.ID, in.Name, as.PatientID, owner, f.Text, tx.Now)
			t := &plan
			if err := prepareTask(a, t, tx.Now); err != nil {
				return err
			}
			if _, err := insertTasks(ctx, tx, a, []*carepath.Task{t}); err != nil {
				return err
			}
			as.TaskIDs = append(as.TaskIDs, t.ID)
			audits = append(audits, taskCreatedAudit(a, t))
		}
		answers, _ := json.Marshal(as.Answers)
		result, _ := json.Marshal(assessmentResult{Points: as.Points, Findings: as.Findings, Domains: as.Domains, TaskIDs: as.TaskIDs})
		positive := 0
		if as.Positive {
			positive = 1
		}
		if _, err := tx.Exec(ctx, `INSERT INTO assessment (org_id, id, patient_id, instrument, version, answered_by, language, answers, total, band,
			positive, result, submission_key, created_by, created_at, amends_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			as.OrgID, as.ID, as.PatientID, as.Instrument, as.Version, as.AnsweredBy, as.Language, string(answers), as.Total, as.Band,
			positive, string(result), as.SubmissionKey, as.CreatedBy, formatTime(as.Created), as.AmendsID); err != nil {
			return err
		}
		if err := insertAssessmentObservations(ctx, tx, in, as); err != nil {
			return err
		}
		if err := proposeHealthConcerns(ctx, tx, as); err != nil {
			return err
		}
		closed, err := completeScreenings(ctx, tx, a, in, as.PatientID, as.ID)
		if err != nil {
			return err
		}
		audits = append(audits, closed...)
		if _, err := tx.Exec(ctx, "DELETE FROM assessment_draft WHERE org_id = ? AND patient_id = ? AND instrument = ? AND user_id = ?",
			as.OrgID, as.PatientID, as.Instrument, a.ActorID()); err != nil {
			return err
		}
		if err := bumpRecordVersions(ctx, tx, a.OrgID, map[string]bool{as.PatientID: true}); err != nil {
			return err
		}
		return appendAudit(ctx, tx, audits)
	})
}

// amendAssessment marks the assessment as amends as amended, and removes
// its coded observations (derived data: the original's answers and result
// stay in its row), in tx. It returns the tasks the original made.
func amendAssessment(ctx context.Context, tx *Tx, as *carepath.Assessment) ([]string, error) {
	var instrumentID, status, result string
	err := tx.queryRow(ctx, "SELECT instrument, status, result FROM assessment WHERE org_id = ? AND patient_id = ? AND id = ?", as.OrgID, as.PatientID, as.AmendsID).
		Scan(&instrumentID, &status, &result)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, carepath.Errorf(carepath.ENOTFOUND, "The assessment to amend was not found for this patient.")
	case err != nil:
		return nil, err
	case instrumentID != as.Instrument:
		return nil, carepath.Errorf(carepath.EINVALID, "An amendment is of the same instrument (%s).", instrumentID)
	case status != "final":
		return nil, carepath.Errorf(carepath.ECONFLICT, "That assessment was amended already; amend the newer one.")
	}
	var original assessmentResult
	if err := json.Unmarshal([]byte(result), &original); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, "UPDATE assessment SET status = 'amended' WHERE org_id = ? AND id = ? AND status = 'final'", as.OrgID, as.AmendsID); err != nil {
		return nil, err
	}
	// Its observations' ids are the assessment's id, a dash, and more.
	_, err = tx.Exec(ctx, "DELETE FROM observation WHERE org_id = ? AND patient_id = ? AND id > ? AND id < ?",
		as.OrgID, as.PatientID, as.AmendsID+"-", as.AmendsID+".")
	return original.TaskIDs, err
}

// insertAssessmentObservations writes an assessment's coded observations:
// each answer (a coded choice with its points, for scored items; or the
// number or text given) and the total, in the instrument's category.
func insertAssessmentObservations(ctx context.Context, tx *Tx, in *instrument.Instrument, as *carepath.Assessment) error {
	category := in.ObservationCategory()
	stmt, err := tx.Prepare(ctx, `INSERT INTO observation (org_id, patient_id, id, encounter_id, status, category, code_system, code, display,
		effective, value_num, unit, value_text, value_code_system, value_code, value_display) VALUES (?, ?, ?, '', 'final', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	at := formatTime(as.Created)
	for _, item := range in.Items {
		for i, answer := range as.Answers[item.ID] {
			var num *float64
			var text, system, code, display string
			switch {
			case item.Type == instrument.Text:
				text = answer
			case item.Value():
				n, _ := item.Number(answer)
				num = &n
			default:
				system, code = in.System(), answer
				for _, o := range item.Options {
					if o.Code == answer {
						display = o.Display
						if in.TotalCode != "" {
							p := float64(o.Points)
							num = &p
						}
					}
				}
			}
			id := as.ID + "-" + item.ID
			if i > 0 {
				id += "-" + answer
			}
			if _, err := stmt.ExecContext(ctx, as.OrgID, as.PatientID, id, category, in.System(), item.ID, item.Text, at, num, item.Unit,
				text, system, code, display); err != nil {
				return err
			}
		}
	}
	if as.Total != nil {
		if _, err := stmt.ExecContext(ctx, as.OrgID, as.PatientID, as.ID+"-total", category, in.System(), in.TotalCode, in.Name+" total score", at,
			*as.Total, "{score}", "", "", "", as.Band); err != nil {
			return err
		}
	}
	return nil
}

// assessmentSummary is an assessment in a line, for the audit trail.
func assessmentSummary(in *instrument.Instrument, as *carepath.Assessment) string {
	s := in.Name
	if as.Total != nil {
		s += " " + strconv.Itoa(*as.Total) + " (" + as.Band + ")"
	}
	for _, d := range as.Domains {
		if d.Positive {
			s += "; " + d.Domain + " positive"
		}
	}
	for _, f := range as.Findings {
		s += "; " + f.Kind
	}
	return s
}

// FindAssessments implements carepath.AssessmentService. One audit record
// per list.
func (db *DB) FindAssessments(ctx context.Context, patientID string) ([]*carepath.Assessment, error) {
	list, err := db.findAssessments(ctx, patientID, "")
	if err != nil {
		return nil, err
	}
	return list, db.RecordAudit(ctx, carepath.AuditEvent{Action: carepath.AuditAssessmentList, PatientID: patientID, Detail: strconv.Itoa(len(list)) + " assessments"})
}

// FindSourceScores implements carepath.AssessmentService: the totals of
// the instruments' codes among the patient's observations that no
// assessment recorded here wrote.
func (db *DB) FindSourceScores(ctx context.Context, patientID string) ([]*carepath.Assessment, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, err
	}
	var list []*carepath.Assessment
	err = db.inReadTx(ctx, func(r *readTx) error {
		if err := mustExist(ctx, r, "Patient not found.", "SELECT 1 FROM patient WHERE org_id = ? AND id = ?", a.OrgID, patientID); err != nil {
			return err
		}
		// A score sent as a day is that day in the organization's calendar.
		loc, err := orgLocation(ctx, r, a.OrgID)
		if err != nil {
			return err
		}
		rows, err := r.query(ctx, `SELECT o.id, o.code, o.effective, o.value_num FROM observation o WHERE o.org_id = ? AND o.patient_id = ?
			AND o.code IN `+scoreCodes+` AND o.value_num IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM assessment x WHERE x.org_id = o.org_id AND x.patient_id = o.patient_id AND o.id = x.id || '-total')
			ORDER BY o.effective DESC, o.id`, a.OrgID, patientID)
		list, err = collect(rows, err, func(scan func(...any) error) (*carepath.Assessment, error) {
			var id, code, effective string
			var value float64
			if err := scan(&id, &code, &effective, &value); err != nil {
				return nil, err
			}
			as := &carepath.Assessment{OrgID: a.OrgID, PatientID: patientID, ID: id, Status: carepath.AssessmentImported, Created: carepath.ParseEffective(effective)}
			if day, err := time.ParseInLocation(time.DateOnly, effective, loc); err == nil {
				as.Created = day
			}
			if in, ok := instrument.ByTotalCode(code); ok {
				total := int(math.Round(value))
				as.Instrument, as.Total, as.Band = in.ID, &total, in.BandOf(total)
			}
			return as, nil
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return list, db.RecordAudit(ctx, carepath.AuditEvent{Action: carepath.AuditAssessmentList, PatientID: patientID, Detail: strconv.Itoa(len(list)) + " scores from other sources"})
}

// FindAssessment implements carepath.AssessmentService.
func (db *DB) FindAssessment(ctx context.Context, patientID, id string) (*carepath.Assessment, error) {
	list, err := db.findAssessments(ctx, patientID, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, carepath.Errorf(carepath.ENOTFOUND, "Assessment not found.")
	}
	return list[0], db.RecordAudit(ctx, carepath.AuditEvent{Action: carepath.AuditAssessmentView, PatientID: patientID, Object: "Assessment/" + id})
}

// findAssessments reads a patient's assessments, newest first, or the one
// with id; ENOTFOUND for a patient not of the actor's organization.
func (db *DB) findAssessments(ctx context.Context, patientID, id string) ([]*carepath.Assessment, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, err
	}
	where, args := "org_id = ? AND patient_id = ?", []any{a.OrgID, patientID}
	if id != "" {
		where, args = where+" AND id = ?", append(args, id)
	}
	var list []*carepath.Assessment
	err = db.inReadTx(ctx, func(r *readTx) error {
		if err := mustExist(ctx, r, "Patient not found.", "SELECT 1 FROM patient WHERE org_id = ? AND id = ?", a.OrgID, patientID); err != nil {
			return err
		}
		rows, err := r.query(ctx, `SELECT id, instrument, version, answered_by, language, answers, total, band, positive, result, submission_key,
			created_by, created_at, status, amends_id FROM assessment WHERE `+where+` ORDER BY created_at DESC, id DESC`, args...)
		list, err = collect(rows, err, func(scan func(...any) error) (*carepath.Assessment, error) {
			as := &carepath.Assessment{OrgID: a.OrgID, PatientID: patientID}
			var answers, result, created string
			var total sql.NullInt64
			var positive int
			if err := scan(&as.ID, &as.Instrument, &as.Version, &as.AnsweredBy, &as.Language, &answers, &total, &as.Band, &positive, &result,
				&as.SubmissionKey, &as.CreatedBy, &created, &as.Status, &as.AmendsID); err != nil {
				return nil, err
			}
			if total.Valid {
				n := int(total.Int64)
				as.Total = &n
			}
			as.Positive, as.Created = positive == 1, parseTime(created)
			var res assessmentResult
			if err := json.Unmarshal([]byte(answers), &as.Answers); err != nil {
				return nil, err
			}
			if err := json.Unmarshal([]byte(result), &res); err != nil {
				return nil, err
			}
			as.Points, as.Findings, as.Domains, as.TaskIDs = res.Points, res.Findings, res.Domains, res.TaskIDs
			return as, nil
		})
		return err
	})
	return list, err
}

// proposeHealthConcerns proposes a concern for each positive domain of a
// screen, unless the patient has one proposed or confirmed for it already.
func proposeHealthConcerns(ctx context.Context, tx *Tx, as *carepath.Assessment) error {
	for _, d := range as.Domains {
		if !d.Positive {
			continue
		}
		_, err := tx.Exec(ctx, `INSERT INTO health_concern (org_id, id, patient_id, domain, why, assessment_id, created_at)
			SELECT ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM health_concern WHERE org_id = ? AND patient_id = ? AND domain = ?
			AND status IN ('proposed', 'confirmed'))`,
			as.OrgID, newTimeID(tx.Now), as.PatientID, d.Domain, d.Why, as.ID, formatTime(tx.Now), as.OrgID, as.PatientID, d.Domain)
		if err != nil {
			return err
		}
	}
	return nil
}

// FindHealthConcerns implements carepath.AssessmentService; the list is
// read with the patient's assessments, whose audit record covers it.
func (db *DB) FindHealthConcerns(ctx context.Context, patientID string) ([]carepath.HealthConcern, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, err
	}
	return healthConcerns(ctx, db, a.OrgID, patientID)
}

// healthConcerns are a patient's concerns, those still proposed first,
// newest first.
func healthConcerns(ctx context.Context, db querier, org, patientID string) ([]carepath.HealthConcern, error) {
	rows, err := db.query(ctx, `SELECT id, patient_id, domain, why, assessment_id, status, decided_by, decided_at, note, created_at FROM health_concern
		WHERE org_id = ? AND patient_id = ? ORDER BY status <> 'proposed', created_at DESC, id`, org, patientID)
	return collect(rows, err, func(scan func(...any) error) (carepath.HealthConcern, error) {
		var c carepath.HealthConcern
		var decided, created string
		err := scan(&c.ID, &c.PatientID, &c.Domain, &c.Why, &c.AssessmentID, &c.Status, &c.DecidedBy, &decided, &c.Note, &created)
		c.DecidedAt, c.Created = parseTime(decided), parseTime(created)
		return c, err
	})
}

// DecideHealthConcern implements carepath.AssessmentService.
func (db *DB) DecideHealthConcern(ctx context.Context, patientID, id, status, note string) error {
	a, err := writerIn(ctx)
	if err != nil {
		return err
	}
	return db.RunInTx(ctx, func(tx *Tx) error {
		var domain, current string
		err := tx.queryRow(ctx, "SELECT domain, status FROM health_concern WHERE org_id = ? AND patient_id = ? AND id = ?", a.OrgID, patientID, id).
			Scan(&domain, &current)
		if errors.Is(err, sql.ErrNoRows) {
			return carepath.Errorf(carepath.ENOTFOUND, "Concern not found.")
		} else if err != nil {
			return err
		}
		// Checked after the lookup: another organization's concern is not
		// found, whatever the form says.
		if status != carepath.ConcernConfirmed && status != carepath.ConcernDeclined {
			return carepath.Errorf(carepath.EINVALID, "A concern is confirmed with the patient or declined.")
		}
		if current != carepath.ConcernProposed {
			return carepath.Errorf(carepath.ECONFLICT, "This concern was already %s.", current)
		}
		if _, err := tx.Exec(ctx, "UPDATE health_concern SET status = ?, decided_by = ?, decided_at = ?, note = ? WHERE org_id = ? AND id = ? AND status = 'proposed'",
			status, a.ActorID(), formatTime(tx.Now), strings.TrimSpace(note), a.OrgID, id); err != nil {
			return err
		}
		return appendAudit(ctx, tx, []carepath.AuditEvent{withActor(carepath.AuditEvent{Action: carepath.AuditConcernDecide,
			PatientID: patientID, Object: "HealthConcern/" + id, Detail: domain + " " + status}, a)})
	})
}

// assessmentResources renders a patient's assessments as FHIR R4: a
// QuestionnaireResponse each (items by code, answers as codings), and an
// Observation of the total where there is one.
func assessmentResources(ctx context.Context, r *readTx, org, patientID string) ([][]byte, error) {
	rows, err := r.query(ctx, `SELECT id, instrument, language, answers, total, band, created_at, status, amends_id FROM assessment
		WHERE org_id = ? AND patient_id = ? ORDER BY created_at, id`, org, patientID)
	type row struct {
		id, instrument, language, answers, band, created, status, amends string
		total                                                            sql.NullInt64
	}
	list, err := collect(rows, err, func(scan func(...any) error) (row, error) {
		var x row
		return x, scan(&x.id, &x.instrument, &x.language, &x.answers, &x.total, &x.band, &x.created, &x.status, &x.amends)
	})
	if err != nil {
		return nil, err
	}
	var docs [][]byte
	for _, x := range list {
		in, ok := instrument.Find(x.instrument)
		if !ok {
			continue
		}
		as := &carepath.Assessment{ID: x.id, PatientID: patientID, Instrument: x.instrument, Language: x.language, Band: x.band,
			Status: x.status, AmendsID: x.amends, Created: parseTime(x.created)}
		if err := json.Unmarshal([]byte(x.answers), &as.Answers); err != nil {
			return nil, err
		}
		if x.total.Valid {
			total := int(x.total.Int64)
			as.Total = &total
		}
		response, total, err := fhir.RenderAssessment(as, in)
		if err != nil {
			return nil, err
		}
		docs = append(docs, response)
		if total != nil {
			docs = append(docs, total)
		}
	}
	return docs, nil
}

// SaveAssessmentDraft implements carepath.AssessmentService.
func (db *DB) SaveAssessmentDraft(ctx context.Context, d *carepath.Assessment) error {
	a, err := writerIn(ctx)
	if err != nil {
		return err
	}
	return db.RunInTx(ctx, func(tx *Tx) error {
		if err := mustExist(ctx, tx, "Patient not found.", "SELECT 1 FROM patient WHERE org_id = ? AND id = ?", a.OrgID, d.PatientID); err != nil {
			return err
		}
		in, ok := instrument.Find(d.Instrument)
		if !ok {
			return carepath.Errorf(carepath.EINVALID, "There is no instrument %q.", d.Instrument)
		}
		d.Answers = in.Clean(d.Answers)
		if err := in.ValidatePartial(d.Answers); err != nil {
			return err
		}
		answers, _ := json.Marshal(d.Answers)
		_, err := tx.Exec(ctx, `INSERT INTO assessment_draft (org_id, patient_id, instrument, user_id, answered_by, language, answers, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org_id, patient_id, instrument, user_id)
			DO UPDATE SET answered_by = excluded.answered_by, language = excluded.language, answers = excluded.answers, updated_at = excluded.updated_at`,
			a.OrgID, d.PatientID, d.Instrument, a.ActorID(), d.AnsweredBy, d.Language, string(answers), formatTime(tx.Now))
		if err != nil {
			return err
		}
		d.Created = tx.Now
		return appendAudit(ctx, tx, []carepath.AuditEvent{withActor(carepath.AuditEvent{Action: carepath.AuditAssessmentDraft,
			PatientID: d.PatientID, Object: "Assessment draft/" + d.Instrument, Detail: strconv.Itoa(len(d.Answers)) + " answers so far"}, a)})
	})
}

// FindAssessmentDraft implements carepath.AssessmentService.
func (db *DB) FindAssessmentDraft(ctx context.Context, patientID, instrumentID string) (*carepath.Assessment, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, err
	}
	d := &carepath.Assessment{OrgID: a.OrgID, PatientID: patientID, Instrument: instrumentID, Status: "draft"}
	var answers, updated string
	err = db.queryRow(ctx, `SELECT answered_by, language, answers, updated_at FROM assessment_draft
		WHERE org_id = ? AND patient_id = ? AND instrument = ? AND user_id = ?`, a.OrgID, patientID, instrumentID, a.ActorID()).
		Scan(&d.AnsweredBy, &d.Language, &answers, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, carepath.Errorf(carepath.ENOTFOUND, "No draft.")
	} else if err != nil {
		return nil, err
	}
	d.Created = parseTime(updated)
	return d, json.Unmarshal([]byte(answers), &d.Answers)
}
