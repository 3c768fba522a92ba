package careplan

import (
	"slices"
	"strings"

	"carepath"
)

// Adopt makes a problem of the living plan from a plan a source sent (an
// EHR's or Synthea's CarePlan): its words from the plan's title or
// category, linked to the first condition it addresses that is on the
// patient's problem list, its goals (from the source's Goals it names) in
// the source's words, measured yes or no (the source's target is kept in
// the words), and its activities as interventions, done when the source
// says so. Nothing of it is measured until a person edits it; it has no
// IDs until the plan is saved.
func Adopt(src carepath.SourceCarePlan, goals []carepath.SourceGoal, conditions []carepath.Condition) carepath.PlanProblem {
	p := carepath.PlanProblem{Text: strings.TrimSpace(src.Title)}
	if p.Text == "" {
		p.Text = src.Category.Display
	}
	if p.Text == "" {
		p.Text = "Imported care plan"
	}
	for _, id := range src.Addresses {
		if i := slices.IndexFunc(conditions, func(c carepath.Condition) bool { return c.ID == id }); i >= 0 {
			p.ConditionID = id
			break
		}
	}
	for _, g := range goals {
		if !slices.Contains(src.GoalIDs, g.ID) || strings.TrimSpace(g.Description) == "" {
			continue
		}
		desc := strings.TrimSpace(g.Description)
		if d := strings.TrimSpace(g.TargetDetail); d != "" {
			desc += " (target: " + d + ")"
		}
		status := carepath.GoalActive
		switch g.LifecycleStatus {
		case "completed":
			status = carepath.GoalCompleted
		case "cancelled", "rejected", "entered-in-error":
			status = carepath.GoalCancelled
		case "on-hold":
			status = carepath.GoalOnHold
		}
		p.Goals = append(p.Goals, carepath.Goal{Description: desc, Measure: YesNo.ID, Due: dayOf(g.TargetDue), Start: dayOf(g.Start), Status: status})
	}
	for _, a := range src.Activities {
		text := strings.TrimSpace(a.Code.Display)
		if text == "" {
			continue
		}
		status := carepath.InterventionPlanned
		switch a.Status {
		case "completed":
			status = carepath.InterventionDone
		case "cancelled", "stopped", "entered-in-error":
			status = carepath.InterventionCancelled
		case "in-progress":
			status = carepath.InterventionInProgress
		}
		p.Interventions = append(p.Interventions, carepath.Intervention{Kind: "other", Text: text, Status: status})
	}
	return p
}

// dayOf is the day (YYYY-MM-DD) a FHIR date or date-time begins with.
func dayOf(s string) string {
	if len(s) >= 10 {
		return s[:10]
	}
	return ""
}
