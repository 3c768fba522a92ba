package staff

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"carepath"
	"carepath/careplan"
)

// carePlanData is a patient's care plan page: the plan with its goals'
// achievement and the completeness checklist, or, before there is one,
// the templates to start from; and what the forms offer.
type carePlanData struct {
	Patient    *carepath.Patient
	Plan       *carepath.CarePlan
	CanWrite   bool
	Templates  []carepath.PlanTemplate
	Conditions []carepath.Condition // active, for a new problem
	Concerns   []carepath.HealthConcern
	Measures   []careplan.Measure
	Kinds      []string
	Priorities []string
	Team       []carepath.User // who may own an intervention or review a goal
	Names      map[string]string
	Elements   []careplan.Element
	Missing    int
	Saved      string
	CareTeam   *carepath.CareTeam
	Roles      []string // of outside members
	CanSign    bool     // the billing practitioner, and the current revision unsigned
	// Plans and goals sources sent (imported), to adopt into the plan.
	Sources     []carepath.SourceCarePlan
	SourceGoals map[string]carepath.SourceGoal
}

// handleCarePlan shows the patient's care plan.
func (s *Server) handleCarePlan(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	id := r.PathValue("id")
	chart, err := s.Charts.FindChart(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := carePlanData{Patient: chart.Patient, CanWrite: v.User.Role.CanWriteClinical(), Measures: careplan.Measures,
		Kinds: careplan.InterventionKinds, Priorities: careplan.Priorities, Names: map[string]string{v.User.ID: v.User.Name},
		Saved: r.URL.Query().Get("saved")}
	for _, c := range chart.Conditions {
		if c.ClinicalStatus == "active" || c.ClinicalStatus == "recurrence" || c.ClinicalStatus == "relapse" {
			d.Conditions = append(d.Conditions, c)
		}
	}
	if d.Templates, err = s.CarePlans.FindTemplates(r.Context()); err != nil {
		s.renderError(w, r, err)
		return
	}
	d.Sources, d.SourceGoals = chart.CarePlans, map[string]carepath.SourceGoal{}
	for _, g := range chart.Goals {
		d.SourceGoals[g.ID] = g
	}
	d.Team = append(d.Team, *v.User)
	for _, m := range chart.Patient.CareTeam {
		if m.User != nil && m.UserID != v.User.ID {
			d.Team = append(d.Team, *m.User)
			d.Names[m.UserID] = m.User.Name
		}
	}
	concerns, err := s.Assessments.FindHealthConcerns(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	for _, c := range concerns {
		if c.Status == carepath.ConcernConfirmed {
			d.Concerns = append(d.Concerns, c)
		}
	}
	if d.CareTeam, err = s.CarePlans.FindCareTeam(r.Context(), id); err != nil {
		s.renderError(w, r, err)
		return
	}
	d.Roles = carepath.OutsideRoles
	d.Plan, err = s.CarePlans.FindCarePlan(r.Context(), id)
	if err != nil && carepath.ErrorCode(err) != carepath.ENOTFOUND {
		s.renderError(w, r, err)
		return
	}
	if d.Plan != nil {
		d.CanSign = v.User.Role == carepath.RolePhysician && d.Plan.SignedRevision != d.Plan.Revision
		if d.Plan.SignedBy != "" {
			d.Names[d.Plan.SignedBy] = nameOf(d.CareTeam, d.Plan.SignedBy, v.User)
		}
		assessed, err := s.Assessments.FindAssessments(r.Context(), id)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		facts := careplan.Facts{Now: time.Now(), Loc: v.Loc, LastAssessed: map[string]time.Time{}}
		for _, a := range assessed {
			if a.Created.After(facts.LastAssessed[a.Instrument]) {
				facts.LastAssessed[a.Instrument] = a.Created
			}
		}
		d.Elements = careplan.Completeness(d.Plan, facts)
		d.Missing = len(careplan.Missing(d.Elements))
	}
	s.render(w, r, http.StatusOK, "careplan.html", "Care plan · "+chart.Patient.Name(), d)
}

// handleChangeCarePlan applies one change from the plan page (do=...) to
// the plan as the form saw it (revision) and saves it as the next
// revision, with the why the form gives.
func (s *Server) handleChangeCarePlan(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	id := r.PathValue("id")
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, carepath.Errorf(carepath.EINVALID, "The form could not be read."))
		return
	}
	f := r.PostForm
	// A refused change comes back in its form (the page has one per
	// problem, goal and intervention), its problems named under the path
	// of the element it edits.
	form, prefix := f.Get("do")+":"+cmp.Or(f.Get("item"), f.Get("problem")), ""
	fail := func(err error) { s.refill(w, r, form, err, s.handleCarePlan, prefix) }
	plan, err := s.CarePlans.FindCarePlan(r.Context(), id)
	switch {
	case carepath.ErrorCode(err) == carepath.ENOTFOUND:
		plan, err = &carepath.CarePlan{PatientID: id, Status: carepath.PlanDraft}, nil
		if _, perr := s.Patients.FindPatientByID(r.Context(), id); perr != nil {
			err = perr
		}
	case err == nil:
		if rev, _ := strconv.Atoi(f.Get("revision")); rev != plan.Revision {
			err = carepath.Errorf(carepath.ECONFLICT, "The care plan is at revision %d: someone changed it since you opened it.", plan.Revision)
		}
	}
	if err != nil {
		fail(err)
		return
	}
	owner := func(who string) string {
		switch who {
		case "me":
			return v.User.ID
		case "queue", "":
			return ""
		}
		return who
	}
	change := carepath.PlanChange{Why: f.Get("why"), Substantial: f.Get("substantial") != ""}
	problem := func() *carepath.PlanProblem {
		for i := range plan.Problems {
			if plan.Problems[i].ID == f.Get("problem") {
				return &plan.Problems[i]
			}
		}
		return nil
	}
	switch f.Get("do") {
	case "templates":
		saved, err := s.CarePlans.ApplyTemplates(r.Context(), id, plan.Revision, f["template"], f.Get("why"))
		if err != nil {
			fail(err)
			return
		}
		http.Redirect(w, r, "/patients/"+url.PathEscape(id)+"/careplan?saved="+strconv.Itoa(saved.Revision), http.StatusSeeOther)
		return
	case "adopt":
		chart, err := s.Charts.FindChart(r.Context(), id)
		if err != nil {
			fail(err)
			return
		}
		i := slices.IndexFunc(chart.CarePlans, func(c carepath.SourceCarePlan) bool { return c.ID == f.Get("source") })
		if i < 0 {
			fail(carepath.Errorf(carepath.ENOTFOUND, "That imported plan is not this patient's."))
			return
		}
		pr := careplan.Adopt(chart.CarePlans[i], chart.Goals, chart.Conditions)
		plan.Problems = append(plan.Problems, pr)
		if change.Why == "" {
			change.Why = "Adopted the imported plan " + pr.Text + " (CarePlan/" + chart.CarePlans[i].ID + ")"
		}
	case "problem":
		pr := carepath.PlanProblem{Text: strings.TrimSpace(f.Get("text"))}
		if src := f.Get("source"); strings.HasPrefix(src, "condition:") {
			pr.ConditionID = strings.TrimPrefix(src, "condition:")
		} else if strings.HasPrefix(src, "concern:") {
			pr.ConcernID = strings.TrimPrefix(src, "concern:")
		}
		plan.Problems = append(plan.Problems, pr)
		prefix = fmt.Sprintf("problems.%d.", len(plan.Problems)-1)
	case "goal":
		pr := problem()
		if pr == nil {
			fail(carepath.Errorf(carepath.EINVALID, "Choose the problem the goal is for."))
			return
		}
		g := carepath.Goal{Description: strings.TrimSpace(f.Get("description")), Measure: f.Get("measure"), Start: time.Now().In(v.Loc).Format(time.DateOnly),
			Due: f.Get("due"), ReviewBy: f.Get("review_by"), Priority: f.Get("priority"), ResponsibleID: owner(f.Get("responsible")), Status: carepath.GoalActive}
		if m, ok := careplan.FindMeasure(g.Measure); ok && m.Numeric() {
			g.TargetOp = f.Get("target_op")
			values, err := parseTarget(f.Get("target"))
			if err != nil {
				fail(err)
				return
			}
			g.TargetValues = values
		}
		pr.Goals = append(pr.Goals, g)
		prefix = planPath(plan, pr.ID) + fmt.Sprintf("goals.%d.", len(pr.Goals)-1)
	case "intervention":
		pr := problem()
		if pr == nil {
			fail(carepath.Errorf(carepath.EINVALID, "Choose the problem the intervention is for."))
			return
		}
		pr.Interventions = append(pr.Interventions, carepath.Intervention{Kind: f.Get("kind"), Text: strings.TrimSpace(f.Get("text")), GoalID: f.Get("goal"),
			OwnerID: owner(f.Get("owner")), Due: f.Get("due"), Status: carepath.InterventionPlanned})
		prefix = planPath(plan, pr.ID) + fmt.Sprintf("interventions.%d.", len(pr.Interventions)-1)
	case "editgoal":
		prefix = planPath(plan, f.Get("item"))
		g := plan.Goal(f.Get("item"))
		if g == nil {
			fail(carepath.Errorf(carepath.ENOTFOUND, "That goal is not in the plan."))
			return
		}
		g.Description, g.Due, g.ReviewBy, g.Priority = strings.TrimSpace(f.Get("description")), f.Get("due"), f.Get("review_by"), f.Get("priority")
		if f.Has("target") {
			values, err := parseTarget(f.Get("target"))
			if err != nil {
				fail(err)
				return
			}
			g.TargetOp, g.TargetValues = f.Get("target_op"), values
		}
	case "status":
		prefix = planPath(plan, f.Get("item"))
		if g := plan.Goal(f.Get("item")); g != nil {
			g.Status = f.Get("status")
		} else if in := plan.Intervention(f.Get("item")); in != nil {
			in.Status = f.Get("status")
		} else {
			fail(carepath.Errorf(carepath.ENOTFOUND, "That goal or intervention is not in the plan."))
			return
		}
	case "narrative":
		plan.Status, plan.Prognosis, plan.SymptomManagement = f.Get("status"), f.Get("prognosis"), f.Get("symptom_management")
		plan.MedicationManagement, plan.Environment = f.Get("medication_management"), f.Get("environment")
		plan.CaregiverAssessment, plan.Coordination = f.Get("caregiver_assessment"), f.Get("coordination")
		if plan.ReviewEveryDays, err = strconv.Atoi(strings.TrimSpace(f.Get("review_every_days"))); err != nil && f.Get("review_every_days") != "" {
			fail(carepath.Invalid("The care plan cannot be saved", carepath.FieldError{Field: "review_every_days", Message: "review every: a number of days"}))
			return
		}
	default:
		fail(carepath.Errorf(carepath.EINVALID, "Unknown change %q.", f.Get("do")))
		return
	}
	if err := s.CarePlans.SaveCarePlan(r.Context(), plan, change); err != nil {
		fail(err)
		return
	}
	http.Redirect(w, r, "/patients/"+url.PathEscape(id)+"/careplan?saved="+strconv.Itoa(plan.Revision), http.StatusSeeOther)
}

// handleAddOutsideMember adds someone from outside the organization to
// the patient's care team.
func (s *Server) handleAddOutsideMember(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	team, err := s.CarePlans.FindCareTeam(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	team.Outside = append(team.Outside, carepath.OutsideMember{Name: r.PostFormValue("name"), Role: r.PostFormValue("role"),
		Organization: r.PostFormValue("organization"), Phone: r.PostFormValue("phone"), Note: r.PostFormValue("note")})
	if err := s.CarePlans.SaveCareTeam(r.Context(), id, team); err != nil {
		s.refill(w, r, "careteam:", err, s.handleCarePlan, "")
		return
	}
	http.Redirect(w, r, "/patients/"+url.PathEscape(id)+"/careplan#h-team", http.StatusSeeOther)
}

// nameOf names a user from the care team, the viewer, or by id.
func nameOf(team *carepath.CareTeam, id string, viewer *carepath.User) string {
	if viewer.ID == id {
		return viewer.Name
	}
	for _, m := range team.Staff {
		if m.UserID == id && m.User != nil {
			return m.User.Name
		}
	}
	return id
}

// handleSignCarePlan records the billing practitioner's sign-off of the
// revision the page showed.
func (s *Server) handleSignCarePlan(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	rev, _ := strconv.Atoi(r.PostFormValue("revision"))
	if err := s.CarePlans.SignCarePlan(r.Context(), id, rev); err != nil {
		s.refill(w, r, "sign:", err, s.handleCarePlan, "")
		return
	}
	http.Redirect(w, r, "/patients/"+url.PathEscape(id)+"/careplan", http.StatusSeeOther)
}

// parseTarget reads a target's values as written: "7", "130/80".
func parseTarget(s string) ([]float64, error) {
	var out []float64
	for _, part := range strings.Split(strings.TrimSpace(s), "/") {
		v, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
		if err != nil {
			return nil, carepath.Invalid("The goal cannot be saved", carepath.FieldError{Field: "target",
				Message: fmt.Sprintf("a target is a number, or two for a blood pressure (130/80), not %q", s)})
		}
		out = append(out, v)
	}
	return out, nil
}

// planPath is where a problem, goal or intervention (by id) stands in the
// plan, as the domain names inputs: "problems.1.", "problems.1.goals.0.".
func planPath(p *carepath.CarePlan, id string) string {
	for i, pr := range p.Problems {
		if pr.ID == id {
			return fmt.Sprintf("problems.%d.", i)
		}
		for j, g := range pr.Goals {
			if g.ID == id {
				return fmt.Sprintf("problems.%d.goals.%d.", i, j)
			}
		}
		for j, in := range pr.Interventions {
			if in.ID == id {
				return fmt.Sprintf("problems.%d.interventions.%d.", i, j)
			}
		}
	}
	return ""
}

// planRevisionsData is the plan's history: every revision, and one as it
// stood or the difference between two.
type planRevisionsData struct {
	Patient   *carepath.Patient
	Revisions []carepath.PlanRevision
	Shown     *carepath.PlanRevision
	A, B      int
	Diff      []string
}

// handlePlanRevisions lists the plan's revisions; ?rev=N shows one as it
// stood, ?a=N&b=M what changed from N to M.
func (s *Server) handlePlanRevisions(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	p, err := s.Patients.FindPatientByID(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := planRevisionsData{Patient: p}
	if d.Revisions, err = s.CarePlans.FindPlanRevisions(r.Context(), id); err != nil {
		s.renderError(w, r, err)
		return
	}
	q := r.URL.Query()
	if n, err := strconv.Atoi(q.Get("rev")); err == nil {
		if d.Shown, err = s.CarePlans.FindPlanRevision(r.Context(), id, n); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	d.A, _ = strconv.Atoi(q.Get("a"))
	d.B, _ = strconv.Atoi(q.Get("b"))
	if d.A > 0 && d.B > 0 {
		a, err := s.CarePlans.FindPlanRevision(r.Context(), id, d.A)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		b, err := s.CarePlans.FindPlanRevision(r.Context(), id, d.B)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		d.Diff = careplan.Diff(a.Plan, b.Plan)
	}
	s.render(w, r, http.StatusOK, "careplan_revisions.html", "Care plan revisions · "+p.Name(), d)
}

// achievementClass is the badge a goal's achievement wears.
func achievementClass(a string) string {
	switch a {
	case string(careplan.Achieved), string(careplan.Improving):
		return "ok"
	case string(careplan.Worsening), string(careplan.NotAchieved):
		return "warn"
	}
	return ""
}
