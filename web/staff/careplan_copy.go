package staff

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"carepath"
	"carepath/careplan"
	"carepath/pdf"
	"carepath/rules"
)

// patientCopy is the plan in plain words for the patient: their goals as
// they said them, what they and their team will do, whom to call, and
// when the next contact is, in their language where Carepath has it.
type patientCopy struct {
	Patient  *carepath.Patient
	Plan     *carepath.CarePlan
	Language string // "en" or "es": the labels' language
	Date     string
	Words    map[string]string
	Sections []copySection
	Ways     []string
	CanWrite bool
}

type copySection struct {
	Heading string
	Lines   []string
}

// copyWords holds the copy's fixed words, by language. The goals and
// actions stay in the words they were written in.
var copyWords = map[string]map[string]string{
	"en": {"title": "My care plan", "for": "for", "as of": "as of", "goals": "My goals", "target": "Target", "by": "by",
		"actions": "What we will do", "call": "Whom to call", "primary": "My care manager, the first person to call",
		"next": "My next contact", "none": "My care manager will call to set it.", "problem": "About",
		"<": "under", "<=": "at most", ">": "over", ">=": "at least"},
	"es": {"title": "Mi plan de cuidado", "for": "de", "as of": "al", "goals": "Mis metas", "target": "Meta", "by": "para el",
		"actions": "Lo que vamos a hacer", "call": "A quién llamar", "primary": "Mi coordinador de cuidado, la primera persona a quien llamar",
		"next": "Mi próximo contacto", "none": "Mi coordinador de cuidado llamará para fijarlo.", "problem": "Sobre",
		"<": "menos de", "<=": "como máximo", ">": "más de", ">=": "al menos"},
}

// measureWords name the measures in Spanish; English uses the measures'
// names.
var measureWords = map[string]string{"a1c": "Hemoglobina A1c", "bp": "Presión arterial", "weight": "Peso", "phq9": "Puntuación del PHQ-9",
	"gad7": "Puntuación del GAD-7", "ldl": "Colesterol LDL"}

// buildPatientCopy writes the copy of plan for the patient, in lang.
func buildPatientCopy(p *carepath.Patient, plan *carepath.CarePlan, team *carepath.CareTeam, tasks []*carepath.Task, lang string, loc *time.Location, now time.Time) patientCopy {
	w := copyWords[lang]
	date := func(day string) string {
		d, err := time.Parse(time.DateOnly, day)
		if err != nil {
			return day
		}
		return formatDay(d, lang)
	}
	c := patientCopy{Patient: p, Plan: plan, Language: lang, Words: w, Date: formatDay(now.In(loc), lang)}
	var goals copySection
	goals.Heading = w["goals"]
	var actions copySection
	actions.Heading = w["actions"]
	for _, pr := range plan.Problems {
		for _, g := range pr.Goals {
			if g.Status != carepath.GoalActive {
				continue
			}
			line := g.Description
			if m, ok := careplan.FindMeasure(g.Measure); ok && m.Numeric() {
				name := m.Name
				if lang == "es" {
					name = measureWords[m.ID]
				}
				line += fmt.Sprintf(" (%s: %s %s %s)", w["target"], name, w[g.TargetOp], careplan.FormatValues(g.TargetValues))
			}
			if g.Due != "" {
				line += " — " + w["by"] + " " + date(g.Due)
			}
			goals.Lines = append(goals.Lines, line)
		}
		for _, in := range pr.Interventions {
			if in.Status != carepath.InterventionPlanned && in.Status != carepath.InterventionInProgress {
				continue
			}
			line := in.Text
			if in.Due != "" {
				line += " — " + w["by"] + " " + date(in.Due)
			}
			actions.Lines = append(actions.Lines, line)
		}
	}
	call := copySection{Heading: w["call"]}
	if m := carepath.PrimaryCareManager(team.Staff); m != nil {
		call.Lines = append(call.Lines, w["primary"]+": "+m.User.Name)
	}
	for _, m := range team.Outside {
		line := m.Name
		if m.Organization != "" {
			line += ", " + m.Organization
		}
		if m.Phone != "" {
			line += ": " + m.Phone
		}
		call.Lines = append(call.Lines, line)
	}
	// The next contact: a check-in or a post-discharge call, or a
	// check-in or appointment the plan set; not the team's other work.
	contacts := map[string]bool{}
	for _, pr := range plan.Problems {
		for _, in := range pr.Interventions {
			if in.Kind == "check-in" || in.Kind == "appointment" {
				contacts[in.TaskID] = true
			}
		}
	}
	next := copySection{Heading: w["next"], Lines: []string{w["none"]}}
	open := slices.DeleteFunc(slices.Clone(tasks), func(t *carepath.Task) bool {
		contact := t.Kind == rules.KindCheckIn || t.Kind == rules.KindPostDischarge || contacts[t.ID]
		return !contact || !t.Status.Open() || t.Due.Before(now)
	})
	slices.SortFunc(open, func(a, b *carepath.Task) int { return a.Due.Compare(b.Due) })
	if len(open) > 0 {
		next.Lines = []string{formatDay(open[0].Due.In(loc), lang) + ": " + open[0].Title}
	}
	c.Sections = []copySection{goals, actions, call, next}
	return c
}

// formatDay writes a day for the patient: "Tuesday 2 December 2026", or
// in Spanish "martes 2 de diciembre de 2026".
func formatDay(t time.Time, lang string) string {
	if lang != "es" {
		return t.Format("Monday 2 January 2006")
	}
	days := []string{"domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"}
	months := []string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"}
	return fmt.Sprintf("%s %d de %s de %d", days[t.Weekday()], t.Day(), months[t.Month()-1], t.Year())
}

// copyLanguage is the language of the patient's copy: the patient's own
// where the copy's words exist in it (?lang= chooses another), else English.
func copyLanguage(p *carepath.Patient, asked string) string {
	for _, l := range []string{asked, p.Language.Code} {
		l = strings.ToLower(strings.SplitN(l, "-", 2)[0])
		if _, ok := copyWords[l]; ok {
			return l
		}
	}
	return "en"
}

// handlePatientCopy shows the patient's copy, printable, or as a PDF
// (/copy.pdf).
func (s *Server) handlePatientCopy(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	id := r.PathValue("id")
	chart, err := s.Charts.FindChart(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	plan, err := s.CarePlans.FindCarePlan(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	team, err := s.CarePlans.FindCareTeam(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	lang := copyLanguage(chart.Patient, r.URL.Query().Get("lang"))
	c := buildPatientCopy(chart.Patient, plan, team, chart.Tasks, lang, v.Loc, time.Now())
	c.Ways, c.CanWrite = carepath.CopyWays, v.User.Role.CanWriteClinical()
	if strings.HasSuffix(r.URL.Path, ".pdf") {
		words := copyWords[lang]
		d := pdf.New(words["title"])
		d.Heading(words["title"], 20)
		d.Para(chart.Patient.Given + " " + chart.Patient.Family + " — " + words["as of"] + " " + c.Date)
		for _, sec := range c.Sections {
			d.Heading(sec.Heading, 14)
			for _, l := range sec.Lines {
				d.Bullet(l)
			}
			d.Space(6)
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `inline; filename="care-plan.pdf"`)
		w.Write(d.Bytes())
		return
	}
	s.render(w, r, http.StatusOK, "careplan_copy.html", copyWords[lang]["title"]+" · "+chart.Patient.Name(), c)
}

// handleCopyGiven records that the patient was given the copy.
func (s *Server) handleCopyGiven(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	rev, _ := strconv.Atoi(r.PostFormValue("revision"))
	if err := s.CarePlans.RecordCopyGiven(r.Context(), id, rev, r.PostFormValue("how"), r.PostFormValue("language")); err != nil {
		s.refill(w, r, "copy", err, s.handlePatientCopy, "")
		return
	}
	http.Redirect(w, r, "/patients/"+url.PathEscape(id)+"/careplan#h-copy", http.StatusSeeOther)
}
