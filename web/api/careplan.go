package api

import (
	"net/http"
	"strconv"
	"time"

	"carepath"
	"carepath/web"
)

// apiCarePlan is a care plan as the API reads and writes it. On PUT,
// revision is the revision the change was made on (0 for a first plan),
// why says why (but for a first plan), and goals' achievement is ignored.
type apiCarePlan struct {
	ID                   string       `json:"id,omitempty"`
	PatientID            string       `json:"patient_id,omitempty"`
	Status               string       `json:"status"`
	Revision             int          `json:"revision"`
	Why                  string       `json:"why,omitempty"`
	Substantial          bool         `json:"substantial,omitempty"`
	Problems             []apiProblem `json:"problems"`
	Prognosis            string       `json:"prognosis,omitempty"`
	SymptomManagement    string       `json:"symptom_management,omitempty"`
	MedicationManagement string       `json:"medication_management,omitempty"`
	Environment          string       `json:"environment,omitempty"`
	CaregiverAssessment  string       `json:"caregiver_assessment,omitempty"`
	Coordination         string       `json:"coordination,omitempty"`
	ReviewEveryDays      int          `json:"review_every_days,omitempty"`
	Updated              *time.Time   `json:"updated,omitempty"`
	UpdatedBy            string       `json:"updated_by,omitempty"`
	SignedBy             string       `json:"signed_by,omitempty"`
	SignedRevision       int          `json:"signed_revision,omitempty"`
}

type apiProblem struct {
	ID            string            `json:"id,omitempty"`
	Text          string            `json:"text,omitempty"`
	ConditionID   string            `json:"condition_id,omitempty"`
	ConcernID     string            `json:"concern_id,omitempty"`
	Goals         []apiGoal         `json:"goals"`
	Interventions []apiIntervention `json:"interventions"`
}

type apiGoal struct {
	ID             string    `json:"id,omitempty"`
	Description    string    `json:"description"`
	Measure        string    `json:"measure"`
	TargetOp       string    `json:"target_op,omitempty"`
	TargetValues   []float64 `json:"target_values,omitempty"`
	Start          string    `json:"start,omitempty"`
	Due            string    `json:"due,omitempty"`
	ReviewBy       string    `json:"review_by,omitempty"`
	Priority       string    `json:"priority,omitempty"`
	ResponsibleID  string    `json:"responsible_id,omitempty"`
	Status         string    `json:"status"`
	Achievement    string    `json:"achievement,omitempty"`
	AchievementWhy string    `json:"achievement_why,omitempty"`
}

type apiIntervention struct {
	ID      string `json:"id,omitempty"`
	GoalID  string `json:"goal_id,omitempty"`
	Kind    string `json:"kind"`
	Text    string `json:"text"`
	OwnerID string `json:"owner_id,omitempty"`
	Due     string `json:"due,omitempty"`
	Status  string `json:"status"`
	TaskID  string `json:"task_id,omitempty"`
}

func toAPICarePlan(p *carepath.CarePlan) apiCarePlan {
	out := apiCarePlan{ID: p.ID, PatientID: p.PatientID, Status: p.Status, Revision: p.Revision, Prognosis: p.Prognosis,
		SymptomManagement: p.SymptomManagement, MedicationManagement: p.MedicationManagement, Environment: p.Environment,
		CaregiverAssessment: p.CaregiverAssessment, Coordination: p.Coordination, ReviewEveryDays: p.ReviewEveryDays,
		UpdatedBy: p.UpdatedBy, SignedBy: p.SignedBy, SignedRevision: p.SignedRevision, Problems: []apiProblem{}}
	if !p.Updated.IsZero() {
		u := p.Updated.UTC()
		out.Updated = &u
	}
	for _, pr := range p.Problems {
		ap := apiProblem{ID: pr.ID, Text: pr.Text, ConditionID: pr.ConditionID, ConcernID: pr.ConcernID, Goals: []apiGoal{}, Interventions: []apiIntervention{}}
		for _, g := range pr.Goals {
			ap.Goals = append(ap.Goals, toAPIGoal(g))
		}
		for _, in := range pr.Interventions {
			ap.Interventions = append(ap.Interventions, apiIntervention{ID: in.ID, GoalID: in.GoalID, Kind: in.Kind, Text: in.Text, OwnerID: in.OwnerID,
				Due: in.Due, Status: in.Status, TaskID: in.TaskID})
		}
		out.Problems = append(out.Problems, ap)
	}
	return out
}

func toAPIGoal(g carepath.Goal) apiGoal {
	return apiGoal{ID: g.ID, Description: g.Description, Measure: g.Measure, TargetOp: g.TargetOp, TargetValues: g.TargetValues,
		Start: g.Start, Due: g.Due, ReviewBy: g.ReviewBy, Priority: g.Priority, ResponsibleID: g.ResponsibleID, Status: g.Status,
		Achievement: g.Achievement, AchievementWhy: g.AchievementWhy}
}

func (a apiCarePlan) plan(patientID string) *carepath.CarePlan {
	p := &carepath.CarePlan{PatientID: patientID, Status: a.Status, Revision: a.Revision, Prognosis: a.Prognosis, SymptomManagement: a.SymptomManagement,
		MedicationManagement: a.MedicationManagement, Environment: a.Environment, CaregiverAssessment: a.CaregiverAssessment,
		Coordination: a.Coordination, ReviewEveryDays: a.ReviewEveryDays}
	for _, ap := range a.Problems {
		pr := carepath.PlanProblem{ID: ap.ID, Text: ap.Text, ConditionID: ap.ConditionID, ConcernID: ap.ConcernID}
		for _, g := range ap.Goals {
			pr.Goals = append(pr.Goals, carepath.Goal{ID: g.ID, Description: g.Description, Measure: g.Measure, TargetOp: g.TargetOp,
				TargetValues: g.TargetValues, Start: g.Start, Due: g.Due, ReviewBy: g.ReviewBy, Priority: g.Priority, ResponsibleID: g.ResponsibleID,
				Status: g.Status})
		}
		for _, in := range ap.Interventions {
			// The task is the store's to make and link (task_id is read only).
			pr.Interventions = append(pr.Interventions, carepath.Intervention{ID: in.ID, GoalID: in.GoalID, Kind: in.Kind, Text: in.Text,
				OwnerID: in.OwnerID, Due: in.Due, Status: in.Status})
		}
		p.Problems = append(p.Problems, pr)
	}
	return p
}

// handleAPICarePlan answers the patient's current plan, each goal with
// its achievement and why.
func (s *Server) handleAPICarePlan(w http.ResponseWriter, r *http.Request) {
	p, err := s.CarePlans.FindCarePlan(r.Context(), r.PathValue("id"))
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	web.WriteJSON(w, toAPICarePlan(p))
}

// handleAPISaveCarePlan writes the whole plan as its next revision and
// answers it as saved (201 for a first plan).
func (s *Server) handleAPISaveCarePlan(w http.ResponseWriter, r *http.Request) {
	var in apiCarePlan
	if err := decodeBody(w, r, "a care plan", &in); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	p := in.plan(r.PathValue("id"))
	if err := s.CarePlans.SaveCarePlan(r.Context(), p, carepath.PlanChange{Why: in.Why, Substantial: in.Substantial}); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	s.answerSavedPlan(w, r, p.PatientID)
}

// answerSavedPlan answers the patient's plan as just saved, read back
// with its goals' achievement: 201 for a first plan, else 200.
func (s *Server) answerSavedPlan(w http.ResponseWriter, r *http.Request, patientID string) {
	saved, err := s.CarePlans.FindCarePlan(r.Context(), patientID)
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	status := http.StatusOK
	if saved.Revision == 1 {
		status = http.StatusCreated
	}
	web.WriteJSONStatus(w, status, toAPICarePlan(saved))
}

// handleAPIApplyTemplates adds a problem to the plan from each template:
// {"revision": the plan's current one (0 for none yet), "templates":
// [ids], "why": optional}. The answer is the plan saved (201 when it is
// the first revision).
func (s *Server) handleAPIApplyTemplates(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Revision  *int     `json:"revision"`
		Templates []string `json:"templates"`
		Why       string   `json:"why"`
	}
	if err := decodeBody(w, r, "templates to apply", &in); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	if in.Revision == nil {
		s.WriteProblem(w, r, carepath.Invalid("No template was applied", carepath.FieldError{Field: "revision",
			Message: "send the plan's revision you read (0 for a patient without a plan)"}))
		return
	}
	if _, err := s.CarePlans.ApplyTemplates(r.Context(), r.PathValue("id"), *in.Revision, in.Templates, in.Why); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	s.answerSavedPlan(w, r, r.PathValue("id"))
}

type apiPlanRevision struct {
	Revision    int          `json:"revision"`
	At          time.Time    `json:"at"`
	By          string       `json:"by"`
	ByName      string       `json:"by_name"`
	Why         string       `json:"why"`
	Substantial bool         `json:"substantial"`
	Plan        *apiCarePlan `json:"plan,omitempty"`
}

// handleAPIPlanRevisions lists the plan's revisions, newest first.
func (s *Server) handleAPIPlanRevisions(w http.ResponseWriter, r *http.Request) {
	list, err := s.CarePlans.FindPlanRevisions(r.Context(), r.PathValue("id"))
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	out := struct {
		Revisions []apiPlanRevision `json:"revisions"`
	}{Revisions: []apiPlanRevision{}}
	for _, v := range list {
		out.Revisions = append(out.Revisions, apiPlanRevision{Revision: v.Revision, At: v.At.UTC(), By: v.By, ByName: v.ByName, Why: v.Why, Substantial: v.Substantial})
	}
	web.WriteJSON(w, out)
}

// handleAPIPlanRevision answers one revision with the plan as it stood.
func (s *Server) handleAPIPlanRevision(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.PathValue("rev"))
	if err != nil || n < 1 {
		s.WriteProblem(w, r, carepath.Errorf(carepath.ENOTFOUND, "No such revision."))
		return
	}
	v, err := s.CarePlans.FindPlanRevision(r.Context(), r.PathValue("id"), n)
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	plan := toAPICarePlan(v.Plan)
	web.WriteJSON(w, apiPlanRevision{Revision: v.Revision, At: v.At.UTC(), By: v.By, ByName: v.ByName, Why: v.Why, Substantial: v.Substantial, Plan: &plan})
}

// goalRevision is the plan's revision a change to a goal was made on. The
// change is applied to the plan as read now and saved as made on that
// revision, which the store refuses (ECONFLICT) if the plan has moved on;
// a change without it is refused here, since it would carry over every
// change its author never saw.
func goalRevision(revision *int) (int, error) {
	if revision == nil {
		return 0, carepath.Errorf(carepath.EINVALID, "A change to a goal carries the plan's revision you read (revision): without it, it could undo a change you have not seen.")
	}
	return *revision, nil
}

// handleAPIUpdateGoal changes a goal's fields (those sent) as the plan's
// next revision, with why; revision must be the plan's current one.
func (s *Server) handleAPIUpdateGoal(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Revision      *int       `json:"revision"`
		Why           string     `json:"why"`
		Description   *string    `json:"description"`
		TargetOp      *string    `json:"target_op"`
		TargetValues  *[]float64 `json:"target_values"`
		Due           *string    `json:"due"`
		ReviewBy      *string    `json:"review_by"`
		Priority      *string    `json:"priority"`
		ResponsibleID *string    `json:"responsible_id"`
		Status        *string    `json:"status"`
	}
	if err := decodeBody(w, r, "a goal change", &in); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	plan, err := s.CarePlans.FindGoalPlan(r.Context(), r.PathValue("id"))
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	if plan.Revision, err = goalRevision(in.Revision); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	g := plan.Goal(r.PathValue("id"))
	for _, f := range []struct {
		from *string
		to   *string
	}{{in.Description, &g.Description}, {in.TargetOp, &g.TargetOp}, {in.Due, &g.Due}, {in.ReviewBy, &g.ReviewBy}, {in.Priority, &g.Priority},
		{in.ResponsibleID, &g.ResponsibleID}, {in.Status, &g.Status}} {
		if f.from != nil {
			*f.to = *f.from
		}
	}
	if in.TargetValues != nil {
		g.TargetValues = *in.TargetValues
	}
	id := g.ID
	if err := s.CarePlans.SaveCarePlan(r.Context(), plan, carepath.PlanChange{Why: in.Why}); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	if plan, err = s.CarePlans.FindGoalPlan(r.Context(), id); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	web.WriteJSON(w, struct {
		Revision int     `json:"revision"`
		Goal     apiGoal `json:"goal"`
	}{plan.Revision, toAPIGoal(*plan.Goal(id))})
}

// handleAPIAddGoal adds a goal to one of the plan's problems as its next
// revision (201, with the goal and its id).
func (s *Server) handleAPIAddGoal(w http.ResponseWriter, r *http.Request) {
	var in struct {
		apiGoal
		ProblemID string `json:"problem_id"`
		Revision  *int   `json:"revision"`
		Why       string `json:"why"`
	}
	if err := decodeBody(w, r, "a goal", &in); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	plan, err := s.CarePlans.FindCarePlan(r.Context(), r.PathValue("id"))
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	if plan.Revision, err = goalRevision(in.Revision); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	var pr *carepath.PlanProblem
	for i := range plan.Problems {
		if plan.Problems[i].ID == in.ProblemID {
			pr = &plan.Problems[i]
		}
	}
	if pr == nil {
		s.WriteProblem(w, r, carepath.Errorf(carepath.EINVALID, "problem_id names none of the plan's problems."))
		return
	}
	if in.Status == "" {
		in.Status = carepath.GoalActive
	}
	pr.Goals = append(pr.Goals, carepath.Goal{Description: in.Description, Measure: in.Measure, TargetOp: in.TargetOp, TargetValues: in.TargetValues,
		Start: in.Start, Due: in.Due, ReviewBy: in.ReviewBy, Priority: in.Priority, ResponsibleID: in.ResponsibleID, Status: in.Status})
	if err := s.CarePlans.SaveCarePlan(r.Context(), plan, carepath.PlanChange{Why: in.Why}); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	// Saving gave the new goal its id, in place.
	id := pr.Goals[len(pr.Goals)-1].ID
	saved, err := s.CarePlans.FindGoalPlan(r.Context(), id)
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	web.WriteJSONStatus(w, http.StatusCreated, struct {
		Revision int     `json:"revision"`
		Goal     apiGoal `json:"goal"`
	}{saved.Revision, toAPIGoal(*saved.Goal(id))})
}

type apiCareTeam struct {
	Staff   []apiStaffMember   `json:"staff"`
	Outside []apiOutsideMember `json:"outside"`
}

type apiStaffMember struct {
	UserID string `json:"user_id"`
	Name   string `json:"name,omitempty"`
	Role   string `json:"role"`
}

type apiOutsideMember struct {
	ID           string `json:"id,omitempty"`
	Name         string `json:"name"`
	Role         string `json:"role"`
	Organization string `json:"organization,omitempty"`
	Phone        string `json:"phone,omitempty"`
	Email        string `json:"email,omitempty"`
	Note         string `json:"note,omitempty"`
}

func toAPICareTeam(t *carepath.CareTeam) apiCareTeam {
	out := apiCareTeam{Staff: []apiStaffMember{}, Outside: []apiOutsideMember{}}
	for _, m := range t.Staff {
		s := apiStaffMember{UserID: m.UserID, Role: m.Role}
		if m.User != nil {
			s.Name = m.User.Name
		}
		out.Staff = append(out.Staff, s)
	}
	for _, m := range t.Outside {
		out.Outside = append(out.Outside, apiOutsideMember{ID: m.ID, Name: m.Name, Role: m.Role, Organization: m.Organization, Phone: m.Phone,
			Email: m.Email, Note: m.Note})
	}
	return out
}

// handleAPICareTeam answers the patient's care team.
func (s *Server) handleAPICareTeam(w http.ResponseWriter, r *http.Request) {
	team, err := s.CarePlans.FindCareTeam(r.Context(), r.PathValue("id"))
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	web.WriteJSON(w, toAPICareTeam(team))
}

// handleAPISaveCareTeam replaces the patient's roster and answers it. The
// body names both lists, each [] for none: a body without them (null, {})
// describes no team, and replacing the roster with it would erase it.
func (s *Server) handleAPISaveCareTeam(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Staff   *[]apiStaffMember   `json:"staff"`
		Outside *[]apiOutsideMember `json:"outside"`
	}
	if err := decodeBody(w, r, "a care team", &in); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	if in.Staff == nil || in.Outside == nil {
		s.WriteProblem(w, r, carepath.Errorf(carepath.EINVALID, `A care team names its "staff" and its "outside" members, each a list ([] for none).`))
		return
	}
	team := &carepath.CareTeam{}
	for _, m := range *in.Staff {
		team.Staff = append(team.Staff, carepath.CareTeamMember{UserID: m.UserID, Role: m.Role})
	}
	for _, m := range *in.Outside {
		team.Outside = append(team.Outside, carepath.OutsideMember{ID: m.ID, Name: m.Name, Role: m.Role, Organization: m.Organization,
			Phone: m.Phone, Email: m.Email, Note: m.Note})
	}
	if err := s.CarePlans.SaveCareTeam(r.Context(), r.PathValue("id"), team); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	s.handleAPICareTeam(w, r)
}

// handleAPISignCarePlan records the billing practitioner's sign-off of the
// revision sent (which must be the plan's current one) and answers the plan.
func (s *Server) handleAPISignCarePlan(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Revision int `json:"revision"`
	}
	if err := decodeBody(w, r, "a sign-off", &in); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	if err := s.CarePlans.SignCarePlan(r.Context(), r.PathValue("id"), in.Revision); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	s.handleAPICarePlan(w, r)
}
