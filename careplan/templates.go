package careplan

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"carepath"
	"carepath/codeset"
)

// Template is a care plan template (carepath.PlanTemplate).
type Template = carepath.PlanTemplate

// Templates are the built-in condition and social-need templates.
var Templates = []Template{
	{ID: "heart-failure", Name: "Heart failure", Condition: &codeset.HeartFailure,
		Problem: "Heart failure",
		Source:  "2022 AHA/ACC/HFSA Guideline for the Management of Heart Failure: self-care (daily weights, symptoms, sodium), guideline-directed medicines, follow-up within 7 days of a discharge",
		Goals: []carepath.TemplateGoal{
			{Description: "Stay out of the hospital and able to do my daily activities", Measure: "yes-no", DueDays: 180, ReviewDays: 30, Priority: "high"},
			{Description: "Keep my weight steady: no gain of 2 kg in a few days", Measure: "yes-no", DueDays: 90, ReviewDays: 30, Priority: "high"},
		},
		Interventions: []carepath.TemplateIntervention{
			{Kind: "education", Text: "Teach daily weights, the symptoms to report and whom to call", Goal: 2, DueDays: 7},
			{Kind: "medication", Text: "Review heart-failure medicines with the prescriber (doses, adherence, side effects)", Goal: 1, DueDays: 14},
			{Kind: "device", Text: "Make sure there is a working scale at home", Goal: 2, DueDays: 7},
			{Kind: "check-in", Text: "Weekly check-in call: weight, symptoms, medicines", Goal: 1, DueDays: 7},
		}},
	{ID: "type-2-diabetes", Name: "Type 2 diabetes", Condition: &codeset.Type2Diabetes,
		Problem: "Type 2 diabetes",
		Source:  "American Diabetes Association, Standards of Care in Diabetes 2025: A1c below 7% for most adults, diabetes self-management education and support, yearly eye and foot exams",
		Goals: []carepath.TemplateGoal{
			{Description: "Bring my A1c under 7", Measure: "a1c", TargetOp: "<", TargetValues: []float64{7}, DueDays: 180, ReviewDays: 90, Priority: "high"},
			{Description: "Keep my blood pressure under 130/80", Measure: "bp", TargetOp: "<", TargetValues: []float64{130, 80}, DueDays: 180, ReviewDays: 90, Priority: "medium"},
		},
		Interventions: []carepath.TemplateIntervention{
			{Kind: "referral", Text: "Refer to diabetes self-management education and support (DSMES)", Goal: 1, DueDays: 14},
			{Kind: "appointment", Text: "Yearly dilated eye exam and foot exam", DueDays: 60},
			{Kind: "education", Text: "Teach glucose monitoring and what to do for a low", Goal: 1, DueDays: 14},
			{Kind: "medication", Text: "Review diabetes medicines and adherence", Goal: 1, DueDays: 30},
		}},
	{ID: "hypertension", Name: "Hypertension", Condition: &codeset.Hypertension,
		Problem: "High blood pressure",
		Source:  "2017 ACC/AHA Guideline for High Blood Pressure in Adults: target under 130/80, home blood pressure monitoring, monthly follow-up until at target",
		Goals: []carepath.TemplateGoal{
			{Description: "Bring my blood pressure under 130/80", Measure: "bp", TargetOp: "<", TargetValues: []float64{130, 80}, DueDays: 90, ReviewDays: 30, Priority: "high"},
		},
		Interventions: []carepath.TemplateIntervention{
			{Kind: "device", Text: "Home blood pressure cuff, and teach how and when to measure", Goal: 1, DueDays: 7},
			{Kind: "education", Text: "Salt, the DASH eating plan, activity", Goal: 1, DueDays: 14},
			{Kind: "medication", Text: "Review blood-pressure medicines and adherence", Goal: 1, DueDays: 14},
		}},
	{ID: "copd", Name: "COPD", Condition: &codeset.COPD,
		Problem: "Chronic obstructive pulmonary disease",
		Source:  "Global Initiative for Chronic Obstructive Lung Disease (GOLD) 2025 report: inhaler technique, pulmonary rehabilitation, vaccination, a written action plan for flare-ups",
		Goals: []carepath.TemplateGoal{
			{Description: "Walk to the mailbox and back without stopping to catch my breath", Measure: "yes-no", DueDays: 120, ReviewDays: 30, Priority: "high"},
			{Description: "No emergency visit for my breathing", Measure: "yes-no", DueDays: 180, ReviewDays: 60, Priority: "high"},
		},
		Interventions: []carepath.TemplateIntervention{
			{Kind: "education", Text: "Check inhaler technique (teach-back)", Goal: 1, DueDays: 7},
			{Kind: "referral", Text: "Refer to pulmonary rehabilitation", Goal: 1, DueDays: 30},
			{Kind: "education", Text: "Written action plan for flare-ups: when to use rescue medicines, when to call", Goal: 2, DueDays: 14},
			{Kind: "appointment", Text: "Influenza, COVID-19 and pneumococcal vaccines up to date", Goal: 2, DueDays: 60},
		}},
	{ID: "depression", Name: "Depression", Condition: &codeset.Depression,
		Problem: "Depression",
		Source:  "AIMS Center (University of Washington), Collaborative Care: measurement-based treatment to target with the PHQ-9; response is a drop of 50% or more, remission a PHQ-9 under 5",
		Goals: []carepath.TemplateGoal{
			{Description: "Feel like myself again", Measure: "phq9", TargetOp: "<", TargetValues: []float64{5}, DueDays: 180, ReviewDays: 70, Priority: "high"},
		},
		Interventions: []carepath.TemplateIntervention{
			{Kind: "check-in", Text: "PHQ-9 and check-in every 2-4 weeks", Goal: 1, DueDays: 14},
			{Kind: "education", Text: "Behavioral activation: plan one enjoyable activity a day", Goal: 1, DueDays: 14},
			{Kind: "referral", Text: "Refer to counseling or psychotherapy, as the patient chooses", Goal: 1, DueDays: 21},
			{Kind: "medication", Text: "Review antidepressant with the prescriber; discuss with the psychiatric consultant if no response by week 10", Goal: 1, DueDays: 28},
		}},
	{ID: "dementia-caregiver", Name: "Dementia with caregiver support", Condition: &codeset.Dementia,
		Problem: "Dementia, and the caregiver's load",
		Source:  "CMS Guiding an Improved Dementia Experience (GUIDE) model: caregiver assessment, education and support, home safety, care coordination; Caregiver Strain Index (Robinson 1983)",
		Goals: []carepath.TemplateGoal{
			{Description: "Stay safely at home", Measure: "yes-no", DueDays: 180, ReviewDays: 60, Priority: "high"},
			{Description: "My caregiver gets the support and breaks they need", Measure: "yes-no", DueDays: 90, ReviewDays: 30, Priority: "high"},
		},
		Interventions: []carepath.TemplateIntervention{
			{Kind: "education", Text: "Caregiver Strain Index with the caregiver; talk through what would help", Goal: 2, DueDays: 14},
			{Kind: "social-service", Text: "Connect to respite care and a caregiver support group", Goal: 2, DueDays: 30},
			{Kind: "other", Text: "Home safety review: falls, wandering, stove, medicines, firearms", Goal: 1, DueDays: 30},
			{Kind: "appointment", Text: "Advance care planning conversation", Goal: 1, DueDays: 60},
		}},
	{ID: "food", Name: "Social need: food", Domain: "food", Problem: "Not enough food (food insecurity)",
		Source: "AHC HRSN food items (Hager Hunger Vital Sign); USDA SNAP and WIC",
		Goals: []carepath.TemplateGoal{
			{Description: "Have enough food for my household every week", Measure: "yes-no", DueDays: 60, ReviewDays: 30, Priority: "high"},
		},
		Interventions: []carepath.TemplateIntervention{
			{Kind: "social-service", Text: "Help apply for SNAP (and WIC if eligible)", Goal: 1, DueDays: 14},
			{Kind: "referral", Text: "Refer to a food pantry or medically tailored meals", Goal: 1, DueDays: 7},
		}},
	{ID: "housing", Name: "Social need: housing", Domain: "housing", Problem: "Housing instability",
		Source: "AHC HRSN living situation items; local continuum of care (HUD) and legal aid",
		Goals: []carepath.TemplateGoal{
			{Description: "Have a safe, steady place to live", Measure: "yes-no", DueDays: 120, ReviewDays: 30, Priority: "high"},
		},
		Interventions: []carepath.TemplateIntervention{
			{Kind: "social-service", Text: "Refer to housing services (rental assistance, shelter, coordinated entry)", Goal: 1, DueDays: 7},
			{Kind: "referral", Text: "Legal aid for eviction or unsafe conditions", Goal: 1, DueDays: 14},
		}},
	{ID: "transportation", Name: "Social need: transportation", Domain: "transportation", Problem: "No reliable transportation",
		Source: "AHC HRSN transportation item; Medicaid non-emergency medical transportation (NEMT)",
		Goals: []carepath.TemplateGoal{
			{Description: "Get to every medical appointment", Measure: "yes-no", DueDays: 90, ReviewDays: 30, Priority: "medium"},
		},
		Interventions: []carepath.TemplateIntervention{
			{Kind: "social-service", Text: "Set up rides: NEMT benefit or community transportation", Goal: 1, DueDays: 7},
		}},
}

func init() {
	for i := range Templates {
		Templates[i].BuiltIn = true
	}
}

// FindTemplate returns a built-in template by its ID.
func FindTemplate(id string) (Template, bool) {
	for _, t := range Templates {
		if t.ID == id {
			return t, true
		}
	}
	return Template{}, false
}

// Apply is the problem a template proposes for a patient, as of today
// (the organization's day): linked to the patient's matching active
// condition or confirmed concern when there is one, goals and
// interventions dated from today, interventions for careManagerID (the
// care managers' queue when ""). It has no IDs: saving the plan gives them.
func Apply(t Template, conditions []carepath.Condition, concerns []carepath.HealthConcern, careManagerID string, today time.Time) carepath.PlanProblem {
	p := carepath.PlanProblem{Text: t.Problem}
	for _, c := range conditions {
		if t.Condition != nil && c.ClinicalStatus != "inactive" && c.ClinicalStatus != "resolved" && c.ClinicalStatus != "remission" && t.Condition.Matches(c.Code) {
			p.ConditionID = c.ID
			break
		}
	}
	for _, c := range concerns {
		if t.Domain != "" && c.Domain == t.Domain && c.Status == carepath.ConcernConfirmed {
			p.ConcernID = c.ID
			break
		}
	}
	day := func(n int) string {
		if n == 0 {
			return ""
		}
		return today.AddDate(0, 0, n).Format(time.DateOnly)
	}
	for _, g := range t.Goals {
		p.Goals = append(p.Goals, carepath.Goal{Description: g.Description, Measure: g.Measure, TargetOp: g.TargetOp,
			TargetValues: slices.Clone(g.TargetValues), Start: today.Format(time.DateOnly), Due: day(g.DueDays), ReviewBy: day(g.ReviewDays),
			Priority: g.Priority, ResponsibleID: careManagerID, Status: carepath.GoalActive})
	}
	for _, in := range t.Interventions {
		iv := carepath.Intervention{Kind: in.Kind, Text: in.Text, OwnerID: careManagerID, Due: day(in.DueDays), Status: carepath.InterventionPlanned}
		if in.Goal > 0 {
			iv.GoalID = "#" + strconv.Itoa(in.Goal)
		}
		p.Interventions = append(p.Interventions, iv)
	}
	return p
}

// WithoutRepeatedGoals returns pr without the goals whose measure plan
// already pursues with a goal (the diabetes and the hypertension templates
// each propose a blood pressure goal; the patient has one blood pressure),
// the measured ones only: two yes-or-no goals are two goals. An
// intervention toward a goal left out serves its problem instead. It also
// returns the goals left out, in words.
func WithoutRepeatedGoals(plan *carepath.CarePlan, pr carepath.PlanProblem) (carepath.PlanProblem, []string) {
	pursued := map[string]bool{}
	for _, p := range plan.Problems {
		for _, g := range p.Goals {
			if m, ok := FindMeasure(g.Measure); ok && m.Numeric() && Pursued(g) {
				pursued[g.Measure] = true
			}
		}
	}
	var goals []carepath.Goal
	var dropped []string
	renumber := map[string]string{} // "#n" as applied -> as kept ("" dropped)
	for i, g := range pr.Goals {
		ref := "#" + strconv.Itoa(i+1)
		if m, ok := FindMeasure(g.Measure); ok && m.Numeric() && pursued[g.Measure] && g.ID == "" {
			renumber[ref] = ""
			dropped = append(dropped, g.Description)
			continue
		}
		goals = append(goals, g)
		renumber[ref] = "#" + strconv.Itoa(len(goals))
	}
	pr.Goals = goals
	pr.Interventions = slices.Clone(pr.Interventions)
	for i := range pr.Interventions {
		if to, ok := renumber[pr.Interventions[i].GoalID]; ok {
			pr.Interventions[i].GoalID = to
		}
	}
	return pr, dropped
}

// CheckTemplate says, in one EINVALID error, what is wrong with a
// template: a name and a problem, and what it proposes, applied, must make
// a plan that passes Check.
func CheckTemplate(t *Template) error {
	var problems []string
	if strings.TrimSpace(t.Name) == "" {
		problems = append(problems, "a template has a name")
	}
	if strings.TrimSpace(t.Problem) == "" {
		problems = append(problems, "a template names its problem")
	}
	for i, in := range t.Interventions {
		if in.Goal < 0 || in.Goal > len(t.Goals) {
			problems = append(problems, "intervention "+strconv.Itoa(i+1)+" works toward a goal the template does not have")
		}
		if in.DueDays < 0 {
			problems = append(problems, "intervention "+strconv.Itoa(i+1)+" is due before it is applied")
		}
	}
	for i, g := range t.Goals {
		if g.DueDays < 0 || g.ReviewDays < 0 {
			problems = append(problems, "goal "+strconv.Itoa(i+1)+" is due or reviewed before it is applied")
		}
	}
	if len(problems) == 0 {
		p := Apply(*t, nil, nil, "", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		if err := Check(&carepath.CarePlan{Status: carepath.PlanDraft, Problems: []carepath.PlanProblem{p}}); err != nil {
			return carepath.Errorf(carepath.EINVALID, "The template cannot be saved: %s", strings.TrimPrefix(carepath.ErrorMessage(err), "The care plan cannot be saved: "))
		}
		return nil
	}
	return carepath.Errorf(carepath.EINVALID, "The template cannot be saved: %s.", strings.Join(problems, "; "))
}
