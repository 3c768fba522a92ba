package careplan

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"carepath"
)

// Kinds of intervention.
var InterventionKinds = []string{"education", "medication", "referral", "appointment", "check-in", "device", "social-service", "other"}

// Priorities a goal may have, agreed with the patient.
var Priorities = []string{"high", "medium", "low"}

// GoalRef reads an intervention's reference to a goal by its place in its
// problem ("#1" is the first), for goals new in the same save, which have
// no ID yet.
func GoalRef(s string) (int, bool) {
	var n int
	if _, err := fmt.Sscanf(s, "#%d", &n); err != nil || n < 1 || fmt.Sprintf("#%d", n) != s {
		return 0, false
	}
	return n, true
}

// Check says, in one EINVALID error naming each, what is wrong with a plan
// as written (before the store checks what it refers to: conditions,
// concerns, users): statuses, a problem without words or source, a goal
// without words, with an unknown measure or a bad target or date, an
// intervention of an unknown kind, without words, with a bad date or a
// goal of another problem, and IDs used twice.
func Check(p *carepath.CarePlan) error {
	var problems carepath.Problems
	add := problems.Add
	switch p.Status {
	case carepath.PlanDraft, carepath.PlanActive, carepath.PlanOnHold, carepath.PlanCompleted:
	default:
		add("status", "a plan is draft, active, on-hold or completed, not %q", p.Status)
	}
	if p.ReviewEveryDays < 0 || p.ReviewEveryDays > 366 {
		add("review_every_days", "a plan is reviewed every 1 to 366 days (or 0 for not set), not %d", p.ReviewEveryDays)
	}
	seen := map[string]bool{}
	once := func(field, id string) {
		if id == "" {
			return
		}
		if seen[id] {
			add(field, "the id %s is used twice", id)
		}
		seen[id] = true
	}
	date := func(field, what, s string) {
		if s == "" {
			return
		}
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			add(field, "%s %q is not a day (YYYY-MM-DD)", what, s)
		}
	}
	for i, pr := range p.Problems {
		name, at := fmt.Sprintf("problem %d", i+1), fmt.Sprintf("problems.%d.", i)
		once(at+"id", pr.ID)
		if strings.TrimSpace(pr.Text) == "" && pr.ConditionID == "" && pr.ConcernID == "" {
			add(at+"text", "%s has no words, condition or concern", name)
		}
		goals := map[string]bool{}
		for j, g := range pr.Goals {
			gname, gat := fmt.Sprintf("%s, goal %d", name, j+1), fmt.Sprintf("%sgoals.%d.", at, j)
			once(gat+"id", g.ID)
			goals[g.ID] = true
			if strings.TrimSpace(g.Description) == "" {
				add(gat+"description", "%s has no words (the patient's own)", gname)
			}
			m, ok := FindMeasure(g.Measure)
			if !ok {
				add(gat+"measure", "%s: there is no measure %q", gname, g.Measure)
			} else if msg := (Target{Op: g.TargetOp, Values: g.TargetValues}).Check(m); msg != "" {
				add(gat+"target", "%s: %s", gname, msg)
			}
			date(gat+"start", gname+": start", g.Start)
			date(gat+"due", gname+": due", g.Due)
			date(gat+"review_by", gname+": review", g.ReviewBy)
			if g.Priority != "" && !slices.Contains(Priorities, g.Priority) {
				add(gat+"priority", "%s: a priority is high, medium or low, not %q", gname, g.Priority)
			}
			switch g.Status {
			case carepath.GoalActive, carepath.GoalOnHold, carepath.GoalCompleted, carepath.GoalCancelled:
			default:
				add(gat+"status", "%s is active, on-hold, completed or cancelled, not %q", gname, g.Status)
			}
		}
		for j, in := range pr.Interventions {
			iname, iat := fmt.Sprintf("%s, intervention %d", name, j+1), fmt.Sprintf("%sinterventions.%d.", at, j)
			once(iat+"id", in.ID)
			if !slices.Contains(InterventionKinds, in.Kind) {
				add(iat+"kind", "%s: the kind is one of %s, not %q", iname, strings.Join(InterventionKinds, ", "), in.Kind)
			}
			if strings.TrimSpace(in.Text) == "" {
				add(iat+"text", "%s has no words", iname)
			}
			date(iat+"due", iname+": due", in.Due)
			if in.GoalID != "" && !goals[in.GoalID] {
				if n, ok := GoalRef(in.GoalID); !ok || n > len(pr.Goals) {
					add(iat+"goal", "%s works toward a goal that is not its problem's", iname)
				}
			}
			switch in.Status {
			case carepath.InterventionPlanned, carepath.InterventionInProgress, carepath.InterventionDone, carepath.InterventionCancelled:
			default:
				add(iat+"status", "%s is planned, in-progress, done or cancelled, not %q", iname, in.Status)
			}
		}
	}
	return carepath.Invalid("The care plan cannot be saved", problems...)
}
