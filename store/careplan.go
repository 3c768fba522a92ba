package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"carepath"
	"carepath/careplan"
)

// planDoc is a plan's content as stored in care_plan.document and in each
// revision: the storage format, separate from the domain type so that a
// renamed field does not unread old revisions.
type planDoc struct {
	Status               string       `json:"status"`
	Problems             []problemDoc `json:"problems"`
	Prognosis            string       `json:"prognosis,omitempty"`
	SymptomManagement    string       `json:"symptom_management,omitempty"`
	MedicationManagement string       `json:"medication_management,omitempty"`
	Environment          string       `json:"environment,omitempty"`
	CaregiverAssessment  string       `json:"caregiver_assessment,omitempty"`
	Coordination         string       `json:"coordination,omitempty"`
	ReviewEveryDays      int          `json:"review_every_days,omitempty"`
}

type problemDoc struct {
	ID            string            `json:"id"`
	Text          string            `json:"text"`
	ConditionID   string            `json:"condition_id,omitempty"`
	ConcernID     string            `json:"concern_id,omitempty"`
	Goals         []goalDoc         `json:"goals,omitempty"`
	Interventions []interventionDoc `json:"interventions,omitempty"`
}

type goalDoc struct {
	ID            string    `json:"id"`
	Description   string    `json:"description"`
	Measure       string    `json:"measure"`
	TargetOp      string    `json:"target_op,omitempty"`
	TargetValues  []float64 `json:"target_values,omitempty"`
	Start         string    `json:"start,omitempty"`
	Due           string    `json:"due,omitempty"`
	ReviewBy      string    `json:"review_by,omitempty"`
	Priority      string    `json:"priority,omitempty"`
	ResponsibleID string    `json:"responsible_id,omitempty"`
	Status        string    `json:"status"`
}

type interventionDoc struct {
	ID      string `json:"id"`
	GoalID  string `json:"goal_id,omitempty"`
	Kind    string `json:"kind"`
	Text    string `json:"text"`
	OwnerID string `json:"owner_id,omitempty"`
	Due     string `json:"due,omitempty"`
	Status  string `json:"status"`
	TaskID  string `json:"task_id,omitempty"`
}

func docOf(p *carepath.CarePlan) planDoc {
	d := planDoc{Status: p.Status, Prognosis: p.Prognosis, SymptomManagement: p.SymptomManagement, MedicationManagement: p.MedicationManagement,
		Environment: p.Environment, CaregiverAssessment: p.CaregiverAssessment, Coordination: p.Coordination, ReviewEveryDays: p.ReviewEveryDays,
		Problems: []problemDoc{}}
	for _, pr := range p.Problems {
		pd := problemDoc{ID: pr.ID, Text: pr.Text, ConditionID: pr.ConditionID, ConcernID: pr.ConcernID}
		for _, g := range pr.Goals {
			pd.Goals = append(pd.Goals, goalDoc{ID: g.ID, Description: g.Description, Measure: g.Measure, TargetOp: g.TargetOp,
				TargetValues: g.TargetValues, Start: g.Start, Due: g.Due, ReviewBy: g.ReviewBy, Priority: g.Priority, ResponsibleID: g.ResponsibleID,
				Status: g.Status})
		}
		for _, in := range pr.Interventions {
			pd.Interventions = append(pd.Interventions, interventionDoc{ID: in.ID, GoalID: in.GoalID, Kind: in.Kind, Text: in.Text,
				OwnerID: in.OwnerID, Due: in.Due, Status: in.Status, TaskID: in.TaskID})
		}
		d.Problems = append(d.Problems, pd)
	}
	return d
}

func (d planDoc) plan() *carepath.CarePlan {
	p := &carepath.CarePlan{Status: d.Status, Prognosis: d.Prognosis, SymptomManagement: d.SymptomManagement, MedicationManagement: d.MedicationManagement,
		Environment: d.Environment, CaregiverAssessment: d.CaregiverAssessment, Coordination: d.Coordination, ReviewEveryDays: d.ReviewEveryDays}
	for _, pd := range d.Problems {
		pr := carepath.PlanProblem{ID: pd.ID, Text: pd.Text, ConditionID: pd.ConditionID, ConcernID: pd.ConcernID}
		for _, g := range pd.Goals {
			pr.Goals = append(pr.Goals, carepath.Goal{ID: g.ID, Description: g.Description, Measure: g.Measure, TargetOp: g.TargetOp,
				TargetValues: g.TargetValues, Start: g.Start, Due: g.Due, ReviewBy: g.ReviewBy, Priority: g.Priority, ResponsibleID: g.ResponsibleID,
				Status: g.Status})
		}
		for _, in := range pd.Interventions {
			pr.Interventions = append(pr.Interventions, carepath.Intervention{ID: in.ID, GoalID: in.GoalID, Kind: in.Kind, Text: in.Text,
				OwnerID: in.OwnerID, Due: in.Due, Status: in.Status, TaskID: in.TaskID})
		}
		p.Problems = append(p.Problems, pr)
	}
	return p
}

// FindCarePlan implements carepath.CarePlanService.
func (db *DB) FindCarePlan(ctx context.Context, patientID string) (*carepath.CarePlan, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, err
	}
	var p *carepath.CarePlan
	err = db.inReadTx(ctx, func(r *readTx) error {
		if _, err := findPatient(ctx, r, a.OrgID, patientID); err != nil {
			return err
		}
		if p, err = currentPlan(ctx, r, a.OrgID, patientID); err != nil {
			return err
		}
		return evaluateGoals(ctx, r, p, db.Now())
	})
	if err != nil {
		return nil, err
	}
	return p, db.RecordAudit(ctx, carepath.AuditEvent{Action: carepath.AuditCarePlanView, PatientID: patientID, Object: "CarePlan/" + p.ID,
		Detail: "revision " + strconv.Itoa(p.Revision)})
}

// currentPlan reads a patient's plan as it stands; ENOTFOUND for none.
func currentPlan(ctx context.Context, db querier, org, patientID string) (*carepath.CarePlan, error) {
	var id, status, document, updated, updatedBy, signedBy, signedAt string
	var revision, signedRevision int
	err := db.queryRow(ctx, `SELECT id, status, revision, document, updated_at, updated_by, signed_by, signed_at, signed_revision
		FROM care_plan WHERE org_id = ? AND patient_id = ?`, org, patientID).
		Scan(&id, &status, &revision, &document, &updated, &updatedBy, &signedBy, &signedAt, &signedRevision)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, carepath.Errorf(carepath.ENOTFOUND, "This patient has no care plan yet.")
	} else if err != nil {
		return nil, err
	}
	var d planDoc
	if err := json.Unmarshal([]byte(document), &d); err != nil {
		return nil, err
	}
	p := d.plan()
	p.OrgID, p.ID, p.PatientID, p.Status, p.Revision = org, id, patientID, status, revision
	p.Updated, p.UpdatedBy, p.SignedBy, p.SignedAt, p.SignedRevision = parseTime(updated), updatedBy, signedBy, parseTime(signedAt), signedRevision
	rows, err := db.query(ctx, `SELECT revision, given_at, given_by, how, language FROM care_plan_copy WHERE org_id = ? AND plan_id = ?
		ORDER BY given_at DESC, id DESC LIMIT 10`, org, id)
	p.Copies, err = collect(rows, err, func(scan func(...any) error) (carepath.PlanCopy, error) {
		var c carepath.PlanCopy
		var at string
		err := scan(&c.Revision, &at, &c.By, &c.How, &c.Language)
		c.At = parseTime(at)
		return c, err
	})
	return p, err
}

// orgLocation is the organization's time zone: its days are the plan's.
func orgLocation(ctx context.Context, db querier, org string) (*time.Location, error) {
	zones := &db.owner().orgZones
	if loc, ok := zones.Load(org); ok {
		return loc.(*time.Location), nil
	}
	var tz string
	if err := db.queryRow(ctx, "SELECT time_zone FROM organization WHERE id = ?", org).Scan(&tz); err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(tz)
	if err == nil {
		zones.Store(org, loc)
	}
	return loc, err
}

// evaluateGoals computes each goal's achievement at now from the
// patient's readings of its measure (the organization's days).
func evaluateGoals(ctx context.Context, db querier, p *carepath.CarePlan, now time.Time) error {
	loc, err := orgLocation(ctx, db, p.OrgID)
	if err != nil {
		return err
	}
	var codes []string
	for _, pr := range p.Problems {
		for _, g := range pr.Goals {
			if m, ok := careplan.FindMeasure(g.Measure); ok {
				for _, part := range m.Parts {
					codes = append(codes, part.Code)
				}
				codes = append(codes, m.Codes...)
			}
		}
	}
	slices.Sort(codes)
	codes = slices.Compact(codes)
	// Each observation's values by code: a blood pressure is one
	// observation with a systolic and a diastolic component.
	type obs struct {
		at     time.Time
		values map[string]float64
	}
	byID := map[string]*obs{}
	if len(codes) > 0 {
		args := []any{p.OrgID, p.PatientID}
		for _, c := range codes {
			args = append(args, c)
		}
		args = append(args, p.OrgID, p.PatientID)
		for _, c := range codes {
			args = append(args, c)
		}
		rows, err := db.query(ctx, `SELECT id, code, effective, value_num FROM observation
			WHERE org_id = ? AND patient_id = ? AND code IN (`+placeholders(len(codes))+`) AND value_num IS NOT NULL AND status <> 'entered-in-error'
			UNION ALL
			SELECT o.id, oc.code, o.effective, oc.value_num FROM observation_component oc
			JOIN observation o ON o.org_id = oc.org_id AND o.patient_id = oc.patient_id AND o.id = oc.observation_id
			WHERE oc.org_id = ? AND oc.patient_id = ? AND oc.code IN (`+placeholders(len(codes))+`) AND oc.value_num IS NOT NULL AND o.status <> 'entered-in-error'`,
			args...)
		if err != nil {
			return err
		}
		err = scanAll(rows, func(scan func(...any) error) error {
			var id, code, effective string
			var v float64
			if err := scan(&id, &code, &effective, &v); err != nil {
				return err
			}
			o := byID[id]
			if o == nil {
				o = &obs{at: carepath.ParseEffective(effective), values: map[string]float64{}}
				byID[id] = o
			}
			o.values[code] = v
			return nil
		})
		if err != nil {
			return err
		}
	}
	day := func(s string, end bool) time.Time {
		d, err := time.ParseInLocation(time.DateOnly, s, loc)
		if err != nil {
			return time.Time{}
		}
		if end {
			return d.AddDate(0, 0, 1).Add(-time.Second)
		}
		return d
	}
	for i := range p.Problems {
		for j := range p.Problems[i].Goals {
			g := &p.Problems[i].Goals[j]
			m, ok := careplan.FindMeasure(g.Measure)
			if !ok {
				continue
			}
			var readings []careplan.Reading
			for id, o := range byID {
				values := make([]float64, len(m.Parts))
				complete := len(m.Parts) > 0
				for k, part := range m.Parts {
					v, ok := o.values[part.Code]
					if !ok && k == 0 {
						for _, c := range m.Codes {
							if v, ok = o.values[c]; ok {
								break
							}
						}
					}
					values[k], complete = v, complete && ok
				}
				if complete && !o.at.IsZero() {
					readings = append(readings, careplan.Reading{At: o.at, Values: values, Source: id})
				}
			}
			a, why := careplan.Achieve(*g, m, day(g.Start, false), day(g.Due, true), readings, now, loc)
			g.Achievement, g.AchievementWhy = string(a), why
		}
	}
	return nil
}

// SaveCarePlan implements carepath.CarePlanService.
func (db *DB) SaveCarePlan(ctx context.Context, plan *carepath.CarePlan, change carepath.PlanChange) error {
	a, err := writerIn(ctx)
	if err != nil {
		return err
	}
	return db.RunInTx(ctx, func(tx *Tx) error {
		if err := mustExist(ctx, tx, "Patient not found.", "SELECT 1 FROM patient WHERE org_id = ? AND id = ?", a.OrgID, plan.PatientID); err != nil {
			return err
		}
		current, err := planAt(ctx, tx, a.OrgID, plan.PatientID, plan.Revision)
		if err != nil {
			return err
		}
		return savePlan(ctx, tx, a, plan, current, change)
	})
}

// planAt is the patient's current plan (a new one, revision 0, when there
// is none), which must be at revision: ECONFLICT otherwise.
func planAt(ctx context.Context, tx *Tx, org, patientID string, revision int) (*carepath.CarePlan, error) {
	current, err := currentPlan(ctx, tx, org, patientID)
	if carepath.ErrorCode(err) == carepath.ENOTFOUND {
		current, err = &carepath.CarePlan{ID: newID(), PatientID: patientID}, nil
	}
	if err != nil {
		return nil, err
	}
	if revision != current.Revision {
		return nil, carepath.Errorf(carepath.ECONFLICT, "The care plan was changed by someone else since you opened it (it is at revision %d). Reload it and make your change again.",
			current.Revision)
	}
	return current, nil
}

// savePlan checks plan and writes it as the revision after current's, in
// tx: its problems' and goals' rows, its interventions' tasks, and the
// audit records.
func savePlan(ctx context.Context, tx *Tx, a *carepath.Actor, plan, current *carepath.CarePlan, change carepath.PlanChange) error {
	if err := careplan.Check(plan); err != nil {
		return err
	}
	why := strings.TrimSpace(change.Why)
	if why == "" {
		if current.Revision > 0 {
			return carepath.Invalid("The care plan cannot be saved", carepath.FieldError{Field: "why", Message: "say why the care plan changed"})
		}
		why = "Plan established"
	}
	if err := settlePlan(ctx, tx, a.OrgID, plan, current); err != nil {
		return err
	}
	audits, err := syncInterventionTasks(ctx, tx, a, plan, current)
	if err != nil {
		return err
	}
	return writePlanRevision(ctx, tx, a, plan, current, why, change.Substantial, audits)
}

// ApplyTemplates implements carepath.CarePlanService: what the templates
// propose is read from the record in the transaction that saves it.
func (db *DB) ApplyTemplates(ctx context.Context, patientID string, revision int, templateIDs []string, why string) (*carepath.CarePlan, error) {
	a, err := writerIn(ctx)
	if err != nil {
		return nil, err
	}
	if len(templateIDs) == 0 {
		return nil, carepath.Invalid("No template was applied", carepath.FieldError{Field: "template", Message: "choose a template"})
	}
	var plan *carepath.CarePlan
	err = db.RunInTx(ctx, func(tx *Tx) error {
		p, err := findPatientAndTeam(ctx, tx, a.OrgID, patientID)
		if err != nil {
			return err
		}
		current, err := planAt(ctx, tx, a.OrgID, patientID, revision)
		if err != nil {
			return err
		}
		templates, err := planTemplates(ctx, tx, a.OrgID)
		if err != nil {
			return err
		}
		rows, err := tx.query(ctx, "SELECT "+conditionColumns+" FROM condition WHERE org_id = ? AND patient_id = ?"+conditionOrder, a.OrgID, patientID)
		conditions, err := collect(rows, err, func(scan func(...any) error) (carepath.Condition, error) {
			return scanCondition(scan, a.OrgID, patientID)
		})
		if err != nil {
			return err
		}
		concerns, err := healthConcerns(ctx, tx, a.OrgID, patientID)
		if err != nil {
			return err
		}
		loc, err := orgLocation(ctx, tx, a.OrgID)
		if err != nil {
			return err
		}
		careManager := a.ActorID()
		if m := carepath.PrimaryCareManager(p.CareTeam); m != nil {
			careManager = m.UserID
		}
		// The plan to change: read again, apart from current, which
		// settling compares it with.
		plan = &carepath.CarePlan{PatientID: patientID, Status: carepath.PlanDraft}
		if current.Revision > 0 {
			if plan, err = currentPlan(ctx, tx, a.OrgID, patientID); err != nil {
				return err
			}
		}
		var names, left []string
		for _, id := range templateIDs {
			i := slices.IndexFunc(templates, func(t carepath.PlanTemplate) bool { return t.ID == id })
			if i < 0 {
				return carepath.Invalid("No template was applied", carepath.FieldError{Field: "template", Message: fmt.Sprintf("there is no template %q", id)})
			}
			t := templates[i]
			pr, dropped := careplan.WithoutRepeatedGoals(plan, careplan.Apply(t, conditions, concerns, careManager, tx.Now.In(loc)))
			plan.Problems = append(plan.Problems, pr)
			names = append(names, t.Name)
			for _, d := range dropped {
				left = append(left, fmt.Sprintf("%q (%s) left out: the plan has that measure's goal already", d, t.Name))
			}
		}
		if strings.TrimSpace(why) == "" {
			why = "From the templates: " + strings.Join(names, ", ")
			if len(left) > 0 {
				why += "; " + strings.Join(left, "; ")
			}
		}
		return savePlan(ctx, tx, a, plan, current, carepath.PlanChange{Why: why, Substantial: true})
	})
	if err != nil {
		return nil, err
	}
	return plan, nil
}

// writePlanRevision writes plan as the revision after current's, with
// why, its goals' index rows and the audit records, in tx.
func writePlanRevision(ctx context.Context, tx *Tx, a *carepath.Actor, plan, current *carepath.CarePlan, why string, substantial bool,
	audits []carepath.AuditEvent) error {
	doc, err := json.Marshal(docOf(plan))
	if err != nil {
		return err
	}
	plan.OrgID, plan.ID, plan.Revision, plan.Updated, plan.UpdatedBy = a.OrgID, current.ID, current.Revision+1, tx.Now, a.ActorID()
	plan.SignedBy, plan.SignedAt, plan.SignedRevision = current.SignedBy, current.SignedAt, current.SignedRevision
	if current.Revision == 0 {
		_, err = tx.Exec(ctx, `INSERT INTO care_plan (org_id, id, patient_id, status, revision, document, updated_at, updated_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, a.OrgID, plan.ID, plan.PatientID, plan.Status, plan.Revision, string(doc), formatTime(tx.Now), plan.UpdatedBy)
		if carepath.ErrorCode(mapError(err)) == carepath.ECONFLICT {
			return carepath.Errorf(carepath.ECONFLICT, "Someone else made this patient's care plan at the same moment. Reload it and make your change again.")
		}
	} else {
		var res sql.Result
		res, err = tx.Exec(ctx, `UPDATE care_plan SET status = ?, revision = ?, document = ?, updated_at = ?, updated_by = ?
			WHERE org_id = ? AND id = ? AND revision = ?`, plan.Status, plan.Revision, string(doc), formatTime(tx.Now), plan.UpdatedBy,
			a.OrgID, plan.ID, current.Revision)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				return carepath.Errorf(carepath.ECONFLICT, "The care plan was changed by someone else at the same moment. Reload it and make your change again.")
			}
		}
	}
	if err != nil {
		return err
	}
	flag := 0
	if substantial {
		flag = 1
	}
	if _, err := tx.Exec(ctx, `INSERT INTO care_plan_revision (org_id, plan_id, revision, created_at, created_by, why, substantial, document)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, a.OrgID, plan.ID, plan.Revision, formatTime(tx.Now), plan.UpdatedBy, why, flag, string(doc)); err != nil {
		return err
	}
	// The goals' rows again; a goal keeps the review day it was checked for.
	rows, err := tx.query(ctx, "SELECT id, reviewed_for FROM plan_goal WHERE org_id = ? AND plan_id = ?", a.OrgID, plan.ID)
	reviewed := map[string]string{}
	if err == nil {
		err = scanAll(rows, func(scan func(...any) error) error {
			var id, day string
			err := scan(&id, &day)
			reviewed[id] = day
			return err
		})
	}
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "DELETE FROM plan_goal WHERE org_id = ? AND plan_id = ?", a.OrgID, plan.ID); err != nil {
		return err
	}
	for _, pr := range plan.Problems {
		for _, g := range pr.Goals {
			if _, err := tx.Exec(ctx, `INSERT INTO plan_goal (org_id, id, plan_id, patient_id, status, review_by, responsible_id, reviewed_for)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, a.OrgID, g.ID, plan.ID, plan.PatientID, g.Status, g.ReviewBy, g.ResponsibleID, reviewed[g.ID]); err != nil {
				return err
			}
		}
	}
	detail := fmt.Sprintf("revision %d: %s", plan.Revision, why)
	if substantial {
		detail += " (substantial)"
	}
	if err := bumpRecordVersions(ctx, tx, a.OrgID, map[string]bool{plan.PatientID: true}); err != nil {
		return err
	}
	audits = append(audits, withActor(carepath.AuditEvent{Action: carepath.AuditCarePlanUpdate, PatientID: plan.PatientID,
		Object: "CarePlan/" + plan.ID, Detail: detail}, a))
	return appendAudit(ctx, tx, audits)
}

// syncInterventionTasks keeps each intervention's task in step with it,
// in tx: an open intervention without a task gets one (for its owner, or
// the care managers' queue; due at the end of its day, or in 7 days); an
// open one whose owner or day changed moves its task; one marked done or
// cancelled, or taken out of the plan, closes its open task. It returns
// the tasks' audit records.
func syncInterventionTasks(ctx context.Context, tx *Tx, a *carepath.Actor, plan, current *carepath.CarePlan) ([]carepath.AuditEvent, error) {
	loc, err := orgLocation(ctx, tx, a.OrgID)
	if err != nil {
		return nil, err
	}
	dueOf := func(in *carepath.Intervention) time.Time {
		if d, err := time.ParseInLocation(time.DateOnly, in.Due, loc); err == nil {
			return d.AddDate(0, 0, 1).Add(-time.Second)
		}
		y, m, d := tx.Now.In(loc).Date()
		return time.Date(y, m, d+8, 0, 0, 0, 0, loc).Add(-time.Second)
	}
	var audits []carepath.AuditEvent
	// An intervention taken out of the plan takes its open task with it.
	kept := map[string]bool{}
	for _, pr := range plan.Problems {
		for _, in := range pr.Interventions {
			kept[in.ID] = true
		}
	}
	for _, pr := range current.Problems {
		for _, in := range pr.Interventions {
			if kept[in.ID] || in.TaskID == "" {
				continue
			}
			var status string
			if err := tx.queryRow(ctx, "SELECT status FROM task WHERE org_id = ? AND id = ?", a.OrgID, in.TaskID).Scan(&status); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					continue
				}
				return nil, err
			}
			if !carepath.TaskStatus(status).Open() {
				continue
			}
			cancelled := carepath.TaskCancelled
			_, audit, err := changeTask(ctx, tx, carepath.SystemActor(a.OrgID, "care plan", "care plan"), in.TaskID,
				carepath.TaskChange{Status: &cancelled, Note: "Taken out of the care plan by " + a.Name()}, false)
			if err != nil {
				return nil, err
			}
			audits = append(audits, audit)
		}
	}
	for i := range plan.Problems {
		pr := &plan.Problems[i]
		for j := range pr.Interventions {
			in := &pr.Interventions[j]
			open := in.Status == carepath.InterventionPlanned || in.Status == carepath.InterventionInProgress
			reason := careplan.InterventionReason(*pr, *in)
			if in.TaskID == "" {
				if !open {
					continue
				}
				t := &carepath.Task{PatientID: plan.PatientID, Kind: carepath.TaskKindCarePlan, Title: in.Text, OwnerID: in.OwnerID, Due: dueOf(in),
					Origin: carepath.TaskOrigin{Reason: reason}}
				if t.OwnerID == "" {
					t.Queue = carepath.RoleCareManager
				}
				if err := prepareTask(a, t, tx.Now); err != nil {
					return nil, err
				}
				if _, err := insertTasks(ctx, tx, a, []*carepath.Task{t}); err != nil {
					return nil, err
				}
				in.TaskID = t.ID
				audits = append(audits, taskCreatedAudit(a, t))
				continue
			}
			var status, owner, due, was string
			err := tx.queryRow(ctx, "SELECT status, owner_id, due_at, reason FROM task WHERE org_id = ? AND id = ?", a.OrgID, in.TaskID).Scan(&status, &owner, &due, &was)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			} else if err != nil {
				return nil, err
			}
			if !carepath.TaskStatus(status).Open() {
				continue
			}
			var c carepath.TaskChange
			switch {
			case in.Status == carepath.InterventionDone:
				done := carepath.TaskCompleted
				c = carepath.TaskChange{Status: &done, Note: "Marked done in the care plan"}
			case in.Status == carepath.InterventionCancelled:
				cancelled := carepath.TaskCancelled
				c = carepath.TaskChange{Status: &cancelled, Note: "Cancelled in the care plan"}
			default:
				if in.OwnerID != "" && in.OwnerID != owner {
					c.OwnerID = &in.OwnerID
				}
				if d := dueOf(in); formatTime(d) != due {
					c.Due = &d
				}
				// Its goal reworded or retargeted: the task says so.
				if reason != was {
					c.Reason = &reason
				}
				if c.OwnerID == nil && c.Due == nil && c.Reason == nil {
					continue
				}
				c.Note = "Changed in the care plan"
			}
			// The plan moves its own tasks, whoever owns them now, on the
			// word of the person who changed it.
			c.Note += " by " + a.Name()
			_, audit, err := changeTask(ctx, tx, carepath.SystemActor(a.OrgID, "care plan", "care plan"), in.TaskID, c, false)
			if err != nil {
				return nil, err
			}
			audits = append(audits, audit)
		}
	}
	return audits, nil
}

// interventionTaskClosed marks the intervention a closed care-plan task
// was worked for as done (or cancelled, for a task cancelled or failed),
// as the plan's next revision by the same actor, in tx; nothing when the
// plan already says so.
func interventionTaskClosed(ctx context.Context, tx *Tx, a *carepath.Actor, t *carepath.Task) error {
	current, err := currentPlan(ctx, tx, a.OrgID, t.PatientID)
	if carepath.ErrorCode(err) == carepath.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	plan := docOf(current).plan() // a copy to change
	plan.PatientID = current.PatientID
	for i := range plan.Problems {
		for j := range plan.Problems[i].Interventions {
			in := &plan.Problems[i].Interventions[j]
			if in.TaskID != t.ID || (in.Status != carepath.InterventionPlanned && in.Status != carepath.InterventionInProgress) {
				continue
			}
			in.Status = carepath.InterventionDone
			if t.Status != carepath.TaskCompleted {
				in.Status = carepath.InterventionCancelled
			}
			why := fmt.Sprintf("Task %s: %q", t.Status, in.Text)
			if t.Note != "" {
				why += " (" + t.Note + ")"
			}
			return writePlanRevision(ctx, tx, a, plan, current, why, false, nil)
		}
	}
	return nil
}

// settlePlan gives new problems, goals and interventions their IDs (those
// sent with one must be the plan's already: an ID is never taken from
// another plan), keeps interventions' tasks, resolves their "#N" goals,
// and checks what the
// plan refers to: the patient's conditions, confirmed concerns, and active
// users of the organization. A problem of the problem list or a concern
// takes its words from it when it has none of its own.
func settlePlan(ctx context.Context, tx *Tx, org string, plan, current *carepath.CarePlan) error {
	known := map[string]bool{}
	tasks := map[string]string{} // intervention -> its task
	for _, pr := range current.Problems {
		known[pr.ID] = true
		for _, g := range pr.Goals {
			known[g.ID] = true
		}
		for _, in := range pr.Interventions {
			known[in.ID] = true
			tasks[in.ID] = in.TaskID
		}
	}
	var problems []string
	id := func(what string, v *string) {
		if *v == "" {
			*v = newID()
		} else if !known[*v] {
			problems = append(problems, fmt.Sprintf("%s %s is not this plan's (a new one comes without an id)", what, *v))
		}
	}
	users := map[string]bool{}
	for i := range plan.Problems {
		pr := &plan.Problems[i]
		id("problem", &pr.ID)
		for j := range pr.Goals {
			id("goal", &pr.Goals[j].ID)
			if u := pr.Goals[j].ResponsibleID; u != "" {
				users[u] = true
			}
		}
		for j := range pr.Interventions {
			in := &pr.Interventions[j]
			id("intervention", &in.ID)
			// The link to its task is the store's: kept as it was, whatever
			// the caller sent.
			in.TaskID = tasks[in.ID]
			if n, ok := careplan.GoalRef(in.GoalID); ok {
				in.GoalID = pr.Goals[n-1].ID
			}
			if in.OwnerID != "" {
				users[in.OwnerID] = true
			}
		}
		if pr.ConditionID != "" {
			var display string
			err := tx.queryRow(ctx, "SELECT display FROM condition WHERE org_id = ? AND patient_id = ? AND id = ?", org, plan.PatientID, pr.ConditionID).Scan(&display)
			if errors.Is(err, sql.ErrNoRows) {
				problems = append(problems, "the condition "+pr.ConditionID+" is not on this patient's problem list")
			} else if err != nil {
				return err
			} else if strings.TrimSpace(pr.Text) == "" {
				pr.Text = display
			}
		}
		if pr.ConcernID != "" {
			var domain string
			err := tx.queryRow(ctx, "SELECT domain FROM health_concern WHERE org_id = ? AND patient_id = ? AND id = ? AND status = 'confirmed'",
				org, plan.PatientID, pr.ConcernID).Scan(&domain)
			if errors.Is(err, sql.ErrNoRows) {
				problems = append(problems, "the concern "+pr.ConcernID+" is not one the patient confirmed")
			} else if err != nil {
				return err
			} else if strings.TrimSpace(pr.Text) == "" {
				pr.Text = "Social need: " + domain
			}
		}
	}
	for u := range users {
		var one int
		err := tx.queryRow(ctx, "SELECT 1 FROM app_user WHERE org_id = ? AND id = ? AND NOT disabled", org, u).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			problems = append(problems, "no active user "+u)
		} else if err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return carepath.Errorf(carepath.EINVALID, "The care plan cannot be saved: %s.", strings.Join(problems, "; "))
	}
	return nil
}

// FindPlanRevisions implements carepath.CarePlanService.
func (db *DB) FindPlanRevisions(ctx context.Context, patientID string) ([]carepath.PlanRevision, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, err
	}
	var list []carepath.PlanRevision
	err = db.inReadTx(ctx, func(r *readTx) error {
		if _, err := findPatient(ctx, r, a.OrgID, patientID); err != nil {
			return err
		}
		rows, err := r.query(ctx, `SELECT v.revision, v.created_at, v.created_by, COALESCE(u.name, v.created_by), v.why, v.substantial
			FROM care_plan_revision v JOIN care_plan p ON p.org_id = v.org_id AND p.id = v.plan_id
			LEFT JOIN app_user u ON u.org_id = v.org_id AND u.id = v.created_by
			WHERE p.org_id = ? AND p.patient_id = ? ORDER BY v.revision DESC`, a.OrgID, patientID)
		list, err = collect(rows, err, func(scan func(...any) error) (carepath.PlanRevision, error) {
			var v carepath.PlanRevision
			var at string
			var substantial int
			err := scan(&v.Revision, &at, &v.By, &v.ByName, &v.Why, &substantial)
			v.At, v.Substantial = parseTime(at), substantial == 1
			return v, err
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return list, db.RecordAudit(ctx, carepath.AuditEvent{Action: carepath.AuditCarePlanView, PatientID: patientID, Object: "CarePlan",
		Detail: strconv.Itoa(len(list)) + " revisions"})
}

// FindPlanRevision implements carepath.CarePlanService.
func (db *DB) FindPlanRevision(ctx context.Context, patientID string, revision int) (*carepath.PlanRevision, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, err
	}
	v := &carepath.PlanRevision{Revision: revision}
	var planID string
	err = db.inReadTx(ctx, func(r *readTx) error {
		if _, err := findPatient(ctx, r, a.OrgID, patientID); err != nil {
			return err
		}
		var at, document string
		var substantial int
		err := r.queryRow(ctx, `SELECT p.id, v.created_at, v.created_by, COALESCE(u.name, v.created_by), v.why, v.substantial, v.document
			FROM care_plan_revision v JOIN care_plan p ON p.org_id = v.org_id AND p.id = v.plan_id
			LEFT JOIN app_user u ON u.org_id = v.org_id AND u.id = v.created_by
			WHERE p.org_id = ? AND p.patient_id = ? AND v.revision = ?`, a.OrgID, patientID, revision).
			Scan(&planID, &at, &v.By, &v.ByName, &v.Why, &substantial, &document)
		if errors.Is(err, sql.ErrNoRows) {
			return carepath.Errorf(carepath.ENOTFOUND, "The care plan has no revision %d.", revision)
		} else if err != nil {
			return err
		}
		var d planDoc
		if err := json.Unmarshal([]byte(document), &d); err != nil {
			return err
		}
		v.At, v.Substantial, v.Plan = parseTime(at), substantial == 1, d.plan()
		v.Plan.OrgID, v.Plan.ID, v.Plan.PatientID, v.Plan.Revision, v.Plan.Updated, v.Plan.UpdatedBy = a.OrgID, planID, patientID, revision, v.At, v.By
		return nil
	})
	if err != nil {
		return nil, err
	}
	return v, db.RecordAudit(ctx, carepath.AuditEvent{Action: carepath.AuditCarePlanView, PatientID: patientID, Object: "CarePlan/" + planID,
		Detail: "revision " + strconv.Itoa(revision)})
}

// FindGoalsForReview implements carepath.WorkStateService.
func (db *DB) FindGoalsForReview(ctx context.Context, today string, now time.Time, limit int) ([]carepath.GoalForReview, error) {
	a, err := adminIn(ctx)
	if err != nil {
		return nil, err
	}
	var out []carepath.GoalForReview
	err = db.inReadTx(ctx, func(r *readTx) error {
		rows, err := r.query(ctx, `SELECT g.id, g.patient_id, COALESCE((SELECT m.user_id FROM care_team_member m WHERE m.org_id = g.org_id
			AND m.patient_id = g.patient_id AND m.role = ? ORDER BY m.since LIMIT 1), '')
			FROM plan_goal g WHERE g.org_id = ? AND g.status = 'active' AND g.review_by <> '' AND g.review_by <= ? AND g.reviewed_for <> g.review_by
			ORDER BY g.review_by, g.id LIMIT `+strconv.Itoa(limit), carepath.CareTeamPrimaryCareManager, a.OrgID, today)
		type due struct{ goal, patient, cm string }
		list, err := collect(rows, err, func(scan func(...any) error) (due, error) {
			var d due
			return d, scan(&d.goal, &d.patient, &d.cm)
		})
		if err != nil {
			return err
		}
		plans := map[string]*carepath.CarePlan{}
		for _, d := range list {
			p := plans[d.patient]
			if p == nil {
				if p, err = currentPlan(ctx, r, a.OrgID, d.patient); err != nil {
					return err
				}
				if err := evaluateGoals(ctx, r, p, now); err != nil {
					return err
				}
				plans[d.patient] = p
			}
			for _, pr := range p.Problems {
				for _, g := range pr.Goals {
					if g.ID == d.goal {
						out = append(out, carepath.GoalForReview{PatientID: d.patient, PlanID: p.ID, Problem: pr.Text, Goal: g, CareManagerID: d.cm})
					}
				}
			}
		}
		return nil
	})
	return out, err
}

// MarkGoalsReviewed implements carepath.WorkStateService.
func (db *DB) MarkGoalsReviewed(ctx context.Context, reviews []carepath.GoalReviewed) (int, error) {
	var tasks []*carepath.Task
	for _, r := range reviews {
		if r.Task != nil {
			tasks = append(tasks, r.Task)
		}
	}
	return db.insertRuleTasks(ctx, tasks, func(tx *Tx, a *carepath.Actor, _ []bool) ([]carepath.AuditEvent, error) {
		for _, r := range reviews {
			if _, err := tx.Exec(ctx, "UPDATE plan_goal SET reviewed_for = ? WHERE org_id = ? AND id = ? AND review_by = ?",
				r.ReviewBy, a.OrgID, r.GoalID, r.ReviewBy); err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
}

// FindGoalPlan implements carepath.CarePlanService.
func (db *DB) FindGoalPlan(ctx context.Context, goalID string) (*carepath.CarePlan, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, err
	}
	var patientID string
	err = db.queryRow(ctx, "SELECT patient_id FROM plan_goal WHERE org_id = ? AND id = ?", a.OrgID, goalID).Scan(&patientID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, carepath.Errorf(carepath.ENOTFOUND, "Goal not found.")
	} else if err != nil {
		return nil, err
	}
	return db.FindCarePlan(ctx, patientID)
}

// SignCarePlan implements carepath.CarePlanService.
func (db *DB) SignCarePlan(ctx context.Context, patientID string, revision int) error {
	a, err := writerIn(ctx)
	if err != nil {
		return err
	}
	if a.Role() != carepath.RolePhysician {
		return carepath.Errorf(carepath.ENOTFOUND, "Only the billing practitioner (a physician) signs a care plan.")
	}
	return db.RunInTx(ctx, func(tx *Tx) error {
		current, err := currentPlan(ctx, tx, a.OrgID, patientID)
		if err != nil {
			return err
		}
		if revision != current.Revision {
			return carepath.Errorf(carepath.ECONFLICT, "The care plan is at revision %d, not %d: read it again before signing.", current.Revision, revision)
		}
		res, err := tx.Exec(ctx, "UPDATE care_plan SET signed_by = ?, signed_at = ?, signed_revision = ? WHERE org_id = ? AND id = ? AND revision = ?",
			a.ActorID(), formatTime(tx.Now), revision, a.OrgID, current.ID, revision)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return carepath.Errorf(carepath.ECONFLICT, "The care plan changed as you signed it: read it again before signing.")
		}
		if err := bumpRecordVersions(ctx, tx, a.OrgID, map[string]bool{patientID: true}); err != nil {
			return err
		}
		return appendAudit(ctx, tx, []carepath.AuditEvent{withActor(carepath.AuditEvent{Action: carepath.AuditCarePlanSign,
			PatientID: patientID, Object: "CarePlan/" + current.ID, Detail: "revision " + strconv.Itoa(revision)}, a)})
	})
}

// RecordCopyGiven implements carepath.CarePlanService.
func (db *DB) RecordCopyGiven(ctx context.Context, patientID string, revision int, how, language string) error {
	a, err := writerIn(ctx)
	if err != nil {
		return err
	}
	return db.RunInTx(ctx, func(tx *Tx) error {
		current, err := currentPlan(ctx, tx, a.OrgID, patientID)
		if err != nil {
			return err
		}
		if !slices.Contains(carepath.CopyWays, how) {
			return carepath.Errorf(carepath.EINVALID, "A copy is given %s, not %q.", strings.Join(carepath.CopyWays, ", "), how)
		}
		if revision != current.Revision {
			return carepath.Errorf(carepath.ECONFLICT, "The care plan is at revision %d, not %d: give the patient the current one.", current.Revision, revision)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO care_plan_copy (org_id, plan_id, id, revision, given_at, given_by, how, language) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			a.OrgID, current.ID, newTimeID(tx.Now), revision, formatTime(tx.Now), a.ActorID(), how, language); err != nil {
			return err
		}
		if err := bumpRecordVersions(ctx, tx, a.OrgID, map[string]bool{patientID: true}); err != nil {
			return err
		}
		return appendAudit(ctx, tx, []carepath.AuditEvent{withActor(carepath.AuditEvent{Action: carepath.AuditCarePlanCopy,
			PatientID: patientID, Object: "CarePlan/" + current.ID, Detail: fmt.Sprintf("revision %d, %s, %s", revision, how, language)}, a)})
	})
}
