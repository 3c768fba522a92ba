package staff

import (
	"strings"
	"testing"
	"time"

	"carepath"
	"carepath/rules"
)

// TestPatientCopy: the copy in Spanish says the goals in the patient's
// words with the target in plain words, what the team will do, whom to
// call, and the next contact (a check-in, not the team's other work).
func TestPatientCopy(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	p := &carepath.Patient{Given: "Ana", Family: "Rivera", Language: carepath.Coding{Code: "es-MX"}}
	plan := &carepath.CarePlan{Revision: 2, Problems: []carepath.PlanProblem{{Text: "Diabetes",
		Goals: []carepath.Goal{{Description: "Bajar mi azúcar", Measure: "a1c", TargetOp: "<", TargetValues: []float64{7}, Due: "2027-05-01", Status: "active"},
			{Description: "Old goal", Measure: "yes-no", Status: "cancelled"}},
		Interventions: []carepath.Intervention{{Text: "Clase de diabetes", Kind: "education", Due: "2026-12-04", Status: "planned", TaskID: "t-class"},
			{Text: "Done already", Kind: "education", Status: "done"}}}}}
	team := &carepath.CareTeam{Staff: []carepath.CareTeamMember{{Role: carepath.CareTeamPrimaryCareManager, User: &carepath.User{Name: "Casey Morgan"}}},
		Outside: []carepath.OutsideMember{{Name: "Dr. Lee", Organization: "Clínica Elm", Phone: "555-0100"}}}
	tasks := []*carepath.Task{
		{ID: "t-class", Kind: carepath.TaskKindCarePlan, Title: "Clase de diabetes", Status: carepath.TaskAccepted, Due: now.AddDate(0, 0, 1)},
		{ID: "t-call", Kind: rules.KindCheckIn, Title: "Llamada semanal", Status: carepath.TaskAccepted, Due: now.AddDate(0, 0, 5)},
	}
	lang := copyLanguage(p, "")
	c := buildPatientCopy(p, plan, team, tasks, lang, time.UTC, now)
	var text []string
	for _, s := range c.Sections {
		text = append(text, "# "+s.Heading)
		text = append(text, s.Lines...)
	}
	want := []string{
		"# Mis metas", "Bajar mi azúcar (Meta: Hemoglobina A1c menos de 7) — para el sábado 1 de mayo de 2027",
		"# Lo que vamos a hacer", "Clase de diabetes — para el viernes 4 de diciembre de 2026",
		"# A quién llamar", "Mi coordinador de cuidado, la primera persona a quien llamar: Casey Morgan", "Dr. Lee, Clínica Elm: 555-0100",
		"# Mi próximo contacto", "miércoles 25 de noviembre de 2026: Llamada semanal",
	}
	if lang != "es" || strings.Join(text, "\n") != strings.Join(want, "\n") {
		t.Errorf("the copy (%s):\n%s\nwant:\n%s", lang, strings.Join(text, "\n"), strings.Join(want, "\n"))
	}
	if copyLanguage(&carepath.Patient{Language: carepath.Coding{Code: "vi"}}, "") != "en" || copyLanguage(p, "en") != "en" {
		t.Error("a language without the copy's words falls back to English; ?lang= chooses")
	}
}
