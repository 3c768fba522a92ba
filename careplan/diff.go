package careplan

import (
	"fmt"
	"slices"
	"strings"

	"carepath"
)

// Diff says, line by line, what changed from plan a to plan b (two
// revisions of one plan): problems, goals and interventions added, removed
// or changed (matched by ID, field by field), and the plan's own fields.
func Diff(a, b *carepath.CarePlan) []string {
	var out []string
	field := func(what, x, y string) {
		if x != y {
			out = append(out, fmt.Sprintf("%s: %s → %s", what, orNone(x), orNone(y)))
		}
	}
	field("Status", a.Status, b.Status)
	for _, f := range []struct{ name, x, y string }{
		{"Expected outcome and prognosis", a.Prognosis, b.Prognosis},
		{"Symptom management", a.SymptomManagement, b.SymptomManagement},
		{"Medication management", a.MedicationManagement, b.MedicationManagement},
		{"Environmental evaluation", a.Environment, b.Environment},
		{"Caregiver assessment", a.CaregiverAssessment, b.CaregiverAssessment},
		{"Coordination", a.Coordination, b.Coordination},
	} {
		field(f.name, f.x, f.y)
	}
	field("Review every (days)", fmt.Sprint(a.ReviewEveryDays), fmt.Sprint(b.ReviewEveryDays))

	type goalAt struct {
		g       carepath.Goal
		problem string
	}
	type interventionAt struct {
		in      carepath.Intervention
		problem string
	}
	problems := func(p *carepath.CarePlan) (map[string]carepath.PlanProblem, map[string]goalAt, map[string]interventionAt, []string) {
		ps, gs, is := map[string]carepath.PlanProblem{}, map[string]goalAt{}, map[string]interventionAt{}
		var order []string
		for _, pr := range p.Problems {
			ps[pr.ID] = pr
			order = append(order, pr.ID)
			for _, g := range pr.Goals {
				gs[g.ID] = goalAt{g, pr.Text}
			}
			for _, in := range pr.Interventions {
				is[in.ID] = interventionAt{in, pr.Text}
			}
		}
		return ps, gs, is, order
	}
	ap, ag, ai, aOrder := problems(a)
	bp, bg, bi, bOrder := problems(b)
	for _, id := range bOrder {
		if old, ok := ap[id]; !ok {
			out = append(out, fmt.Sprintf("Problem added: %s", bp[id].Text))
		} else if old.Text != bp[id].Text {
			out = append(out, fmt.Sprintf("Problem: %s → %s", old.Text, bp[id].Text))
		}
	}
	for _, id := range aOrder {
		if _, ok := bp[id]; !ok {
			out = append(out, fmt.Sprintf("Problem removed: %s", ap[id].Text))
		}
	}
	for _, pr := range b.Problems {
		for _, g := range pr.Goals {
			old, ok := ag[g.ID]
			if !ok {
				out = append(out, fmt.Sprintf("Goal added (%s): %s, %s", pr.Text, g.Description, GoalTarget(g)))
				continue
			}
			o := old.g
			for _, f := range []struct{ name, x, y string }{
				{"words", o.Description, g.Description}, {"target", GoalTarget(o), GoalTarget(g)}, {"due", o.Due, g.Due},
				{"review", o.ReviewBy, g.ReviewBy}, {"priority", o.Priority, g.Priority}, {"status", o.Status, g.Status},
				{"responsible", o.ResponsibleID, g.ResponsibleID},
			} {
				if f.x != f.y {
					out = append(out, fmt.Sprintf("Goal %q, %s: %s → %s", g.Description, f.name, orNone(f.x), orNone(f.y)))
				}
			}
		}
		for _, in := range pr.Interventions {
			old, ok := ai[in.ID]
			if !ok {
				out = append(out, fmt.Sprintf("Intervention added (%s): %s (%s)", pr.Text, in.Text, in.Kind))
				continue
			}
			o := old.in
			for _, f := range []struct{ name, x, y string }{
				{"words", o.Text, in.Text}, {"kind", o.Kind, in.Kind}, {"owner", o.OwnerID, in.OwnerID}, {"due", o.Due, in.Due},
				{"status", o.Status, in.Status},
			} {
				if f.x != f.y {
					out = append(out, fmt.Sprintf("Intervention %q, %s: %s → %s", in.Text, f.name, orNone(f.x), orNone(f.y)))
				}
			}
		}
	}
	var removed []string
	for id, g := range ag {
		if _, ok := bg[id]; !ok {
			removed = append(removed, fmt.Sprintf("Goal removed (%s): %s", g.problem, g.g.Description))
		}
	}
	for id, in := range ai {
		if _, ok := bi[id]; !ok {
			removed = append(removed, fmt.Sprintf("Intervention removed (%s): %s", in.problem, in.in.Text))
		}
	}
	slices.Sort(removed)
	return append(out, removed...)
}

// InterventionReason is why an intervention's task exists, as the task
// says it: the problem, and the goal it works toward with its target as
// the plan now has it ("goal: A1c under 7" stayed after the goal became
// under 8, when the reason was written once).
func InterventionReason(pr carepath.PlanProblem, in carepath.Intervention) string {
	reason := "Care plan: " + pr.Text
	for _, g := range pr.Goals {
		if g.ID == in.GoalID && g.ID != "" {
			reason += "; goal: " + g.Description
			if m, ok := FindMeasure(g.Measure); ok && m.Numeric() {
				reason += " (" + GoalTarget(g) + ")"
			}
		}
	}
	return reason + " (" + in.Kind + ")"
}

// GoalTarget is a goal's measure and target in words ("Blood pressure <
// 130/80", "A1c < 7").
func GoalTarget(g carepath.Goal) string {
	m, ok := FindMeasure(g.Measure)
	if !ok {
		return g.Measure
	}
	if !m.Numeric() {
		return m.Name
	}
	return strings.TrimSpace(m.Name + " " + Target{Op: g.TargetOp, Values: g.TargetValues}.String())
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(none)"
	}
	return s
}
