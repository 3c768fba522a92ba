package careplan

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"carepath"
)

// Facts are what the completeness checklist reads beyond the plan: when
// the patient last had each instrument (by instrument ID), and now.
type Facts struct {
	LastAssessed map[string]time.Time
	Now          time.Time
	Loc          *time.Location // the organization's, for the dates it writes
}

// Element is one element of a comprehensive care plan, met or not, and
// what meets it or what it lacks.
type Element struct {
	Name string
	Met  bool
	Why  string
}

// Completeness checks the plan against the 12 elements of a comprehensive
// care plan that CMS asks of chronic care management (Medicare Learning
// Network, Chronic Care Management Services, MLN909188). An element is met
// by what the plan says, or, for the assessments, by one taken in the last
// 12 months.
func Completeness(p *carepath.CarePlan, f Facts) []Element {
	recent := func(ids ...string) (string, bool) {
		for _, id := range ids {
			if at, ok := f.LastAssessed[id]; ok && f.Now.Sub(at) <= 366*24*time.Hour {
				return id, true
			}
		}
		return "", false
	}
	var goals, measurable, interventions, unowned int
	kinds := map[string]bool{}
	for _, pr := range p.Problems {
		for _, g := range pr.Goals {
			if !Pursued(g) {
				continue
			}
			goals++
			if g.Measure != "" && g.Due != "" {
				measurable++
			}
		}
		for _, in := range pr.Interventions {
			interventions++
			kinds[in.Kind] = true
			if in.OwnerID == "" && (in.Status == carepath.InterventionPlanned || in.Status == carepath.InterventionInProgress) {
				unowned++
			}
		}
	}
	text := func(s string) bool { return strings.TrimSpace(s) != "" }
	var out []Element
	add := func(name string, met bool, yes, no string) {
		e := Element{Name: name, Met: met, Why: no}
		if met {
			e.Why = yes
		}
		out = append(out, e)
	}
	add("Problem list", len(p.Problems) > 0, plural(len(p.Problems), "problem"), "no problem yet")
	add("Expected outcome and prognosis", text(p.Prognosis), "written", "not written")
	add("Measurable treatment goals", measurable > 0, plural(measurable, "goal")+" with a measure and a due date",
		plural(goals, "goal")+", none with a measure and a due date")
	if id, ok := recent("katz-adl", "lawton-iadl"); ok {
		add("Cognitive and functional assessment", true, id+" in the last 12 months", "")
	} else {
		add("Cognitive and functional assessment", false, "", "no Katz ADL or Lawton IADL in the last 12 months")
	}
	add("Symptom management", text(p.SymptomManagement), "written", "not written")
	add("Planned interventions and who is responsible", interventions > 0 && unowned == 0, plural(interventions, "intervention")+", each with an owner",
		map[bool]string{true: plural(unowned, "open intervention") + " without an owner", false: "no intervention yet"}[interventions > 0])
	add("Medication management", text(p.MedicationManagement) || kinds["medication"], "planned", "not written, and no medication intervention")
	if id, ok := recent("ahc-hrsn", "prapare"); ok || text(p.Environment) {
		add("Environmental evaluation", true, map[bool]string{true: "written", false: id + " in the last 12 months"}[text(p.Environment)], "")
	} else {
		add("Environmental evaluation", false, "", "not written, and no AHC HRSN or PRAPARE in the last 12 months")
	}
	if _, ok := recent("caregiver-strain"); ok || text(p.CaregiverAssessment) {
		add("Caregiver assessment", true, map[bool]string{true: "written", false: "Caregiver Strain Index in the last 12 months"}[text(p.CaregiverAssessment)], "")
	} else {
		add("Caregiver assessment", false, "", "not written (or \"no caregiver\"), and no Caregiver Strain Index in the last 12 months")
	}
	add("Coordination with outside resources and practitioners", text(p.Coordination) || kinds["referral"] || kinds["social-service"],
		"planned", "not written, and no referral or social-service intervention")
	add("Periodic review", p.ReviewEveryDays > 0, "every "+plural(p.ReviewEveryDays, "day"), "no review interval set")
	loc := f.Loc
	if loc == nil {
		loc = time.UTC
	}
	day := func(t time.Time) string { return t.In(loc).Format("2 Jan 2006") }
	due := p.Updated.AddDate(0, 0, p.ReviewEveryDays)
	switch {
	case p.Revision == 0:
		add("Revisions", false, "", "not saved yet")
	case p.ReviewEveryDays > 0 && f.Now.After(due):
		add("Revisions", false, "", "last revised "+day(p.Updated)+": the review was due "+day(due))
	default:
		add("Revisions", true, "revision "+plural(p.Revision, "")+" of "+day(p.Updated), "")
	}
	return out
}

// Missing names the elements not met.
func Missing(elements []Element) []string {
	var out []string
	for _, e := range elements {
		if !e.Met {
			out = append(out, e.Name)
		}
	}
	return slices.Clip(out)
}

func plural(n int, noun string) string {
	s := strings.TrimSpace(strconv.Itoa(n) + " " + noun)
	if n != 1 && noun != "" {
		s += "s"
	}
	return s
}
