package store

import (
	"context"
	"encoding/json"

	"carepath"
	"carepath/careplan"
)

// templateDoc is an organization's template as stored.
type templateDoc struct {
	Source        string                    `json:"source,omitempty"`
	SNOMED        []string                  `json:"snomed,omitempty"`
	ICD10         []string                  `json:"icd10,omitempty"`
	Domain        string                    `json:"domain,omitempty"`
	Problem       string                    `json:"problem"`
	Goals         []templateGoalDoc         `json:"goals,omitempty"`
	Interventions []templateInterventionDoc `json:"interventions,omitempty"`
}

type templateGoalDoc struct {
	Description  string    `json:"description"`
	Measure      string    `json:"measure"`
	TargetOp     string    `json:"target_op,omitempty"`
	TargetValues []float64 `json:"target_values,omitempty"`
	DueDays      int       `json:"due_days,omitempty"`
	ReviewDays   int       `json:"review_days,omitempty"`
	Priority     string    `json:"priority,omitempty"`
}

type templateInterventionDoc struct {
	Kind    string `json:"kind"`
	Text    string `json:"text"`
	Goal    int    `json:"goal,omitempty"`
	DueDays int    `json:"due_days,omitempty"`
}

// FindTemplates implements carepath.CarePlanService.
func (db *DB) FindTemplates(ctx context.Context) ([]carepath.PlanTemplate, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, err
	}
	return planTemplates(ctx, db, a.OrgID)
}

// planTemplates are the built-in templates, then the organization's.
func planTemplates(ctx context.Context, db querier, org string) ([]carepath.PlanTemplate, error) {
	out := append([]carepath.PlanTemplate(nil), careplan.Templates...)
	rows, err := db.query(ctx, "SELECT id, name, document FROM care_plan_template WHERE org_id = ? ORDER BY name, id", org)
	own, err := collect(rows, err, func(scan func(...any) error) (carepath.PlanTemplate, error) {
		var t carepath.PlanTemplate
		var doc string
		if err := scan(&t.ID, &t.Name, &doc); err != nil {
			return t, err
		}
		var d templateDoc
		if err := json.Unmarshal([]byte(doc), &d); err != nil {
			return t, err
		}
		t.Source, t.Domain, t.Problem = d.Source, d.Domain, d.Problem
		if len(d.SNOMED)+len(d.ICD10) > 0 {
			t.Condition = &carepath.ConditionMatch{SNOMED: d.SNOMED, ICD10Prefixes: d.ICD10}
		}
		for _, g := range d.Goals {
			t.Goals = append(t.Goals, carepath.TemplateGoal(g))
		}
		for _, in := range d.Interventions {
			t.Interventions = append(t.Interventions, carepath.TemplateIntervention(in))
		}
		return t, nil
	})
	return append(out, own...), err
}

// AddTemplate implements carepath.CarePlanService.
func (db *DB) AddTemplate(ctx context.Context, t *carepath.PlanTemplate) error {
	a, err := adminIn(ctx)
	if err != nil {
		return err
	}
	if err := careplan.CheckTemplate(t); err != nil {
		return err
	}
	d := templateDoc{Source: t.Source, Domain: t.Domain, Problem: t.Problem}
	if t.Condition != nil {
		d.SNOMED, d.ICD10 = t.Condition.SNOMED, t.Condition.ICD10Prefixes
	}
	for _, g := range t.Goals {
		d.Goals = append(d.Goals, templateGoalDoc(g))
	}
	for _, in := range t.Interventions {
		d.Interventions = append(d.Interventions, templateInterventionDoc(in))
	}
	doc, err := json.Marshal(d)
	if err != nil {
		return err
	}
	t.ID, t.BuiltIn = "org-"+newID(), false
	return db.RunInTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO care_plan_template (org_id, id, name, document, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
			a.OrgID, t.ID, t.Name, string(doc), a.ActorID(), formatTime(tx.Now)); err != nil {
			return err
		}
		return appendAudit(ctx, tx, []carepath.AuditEvent{withActor(carepath.AuditEvent{Action: carepath.AuditTemplateAdd,
			Object: "CarePlanTemplate/" + t.ID, Detail: t.Name}, a)})
	})
}
