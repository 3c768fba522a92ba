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
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	switch p.Status {
	case carepath.PlanDraft, carepath.PlanActive, carepath.PlanOnHold, carepath.PlanCompleted:
	default:
		add("a plan is draft, active, on-hold or completed, not %q", p.Status)
	}
	if p.ReviewEveryDays < 0 || p.ReviewEveryDays > 366 {
		add("a plan is reviewed every 1 to 366 days (or 0 for not set), not %d", p.ReviewEveryDays)
	}
	seen := map[string]bool{}
	once := func(id string) {
		if id == "" {
			return
		}
		if seen[id] {
			add("the id %s is used twice", id)
		}
		seen[id] = true
	}
	date := func(what, s string) {
		if s == "" {
			return
		}
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			add("%s %q is not a day (YYYY-MM-DD)", what, s)
		}
	}
	for i, pr := range p.Problems {
		name := fmt.Sprintf("problem %d", i+1)
		once(pr.ID)
		if strings.TrimSpace(pr.Text) == "" && pr.ConditionID == "" && pr.ConcernID == "" {
			add("%s has no words, condition or concern", name)
		}
		goals := map[string]bool{}
		for j, g := range pr.Goals {
			gname := fmt.Sprintf("%s, goal %d", name, j+1)
			once(g.ID)
			goals[g.ID] = true
			if strings.TrimSpace(g.Description) == "" {
				add("%s has no words (the patient's own)", gname)
			}
			m, ok := FindMeasure(g.Measure)
			if !ok {
				add("%s: there is no measure %q", gname, g.Measure)
			} else if msg := (Target{Op: g.TargetOp, Values: g.TargetValues}).Check(m); msg != "" {
				add("%s: %s", gname, msg)
			}
			date(gname+": start", g.Start)
			date(gname+": due", g.Due)
			date(gname+": review", g.ReviewBy)
			if g.Priority != "" && !slices.Contains(Priorities, g.Priority) {
				add("%s: a priority is high, medium or low, not %q", gname, g.Priority)
			}
			switch g.Status {
			case carepath.GoalActive, carepath.GoalOnHold, carepath.GoalCompleted, carepath.GoalCancelled:
			default:
				add("%s is active, on-hold, completed or cancelled, not %q", gname, g.Status)
			}
		}
		for j, in := range pr.Interventions {
			iname := fmt.Sprintf("%s, intervention %d", name, j+1)
			once(in.ID)
			if !slices.Contains(InterventionKinds, in.Kind) {
				add("%s: the kind is one of %s, not %q", iname, strings.Join(InterventionKinds, ", "), in.Kind)
			}
			if strings.TrimSpace(in.Text) == "" {
				add("%s has no words", iname)
			}
			date(iname+": due", in.Due)
			if in.GoalID != "" && !goals[in.GoalID] {
				if n, ok := GoalRef(in.GoalID); !ok || n > len(pr.Goals) {
					add("%s works toward a goal that is not its problem's", iname)
				}
			}
			switch in.Status {
			case carepath.InterventionPlanned, carepath.InterventionInProgress, carepath.InterventionDone, carepath.InterventionCancelled:
			default:
				add("%s is planned, in-progress, done or cancelled, not %q", iname, in.Status)
			}
		}
	}
	if len(problems) > 0 {
		return carepath.Errorf(carepath.EINVALID, "The care plan cannot be saved: %s.", strings.Join(problems, "; "))
	}
	return nil
}
