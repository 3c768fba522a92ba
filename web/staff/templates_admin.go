package staff

import (
	"net/http"
	"strconv"
	"strings"

	"carepath"
)

// templatesData is the administrators' page of care plan templates.
type templatesData struct {
	Templates []carepath.PlanTemplate
	Form      map[string]string // the form as sent, when refused
	Problem   string
	Notice    string
}

// handleTemplates lists the templates, built-in and the organization's,
// with a form to add one (administrators only).
func (s *Server) handleTemplates(w http.ResponseWriter, r *http.Request) {
	s.renderTemplates(w, r, http.StatusOK, &templatesData{Notice: r.URL.Query().Get("added")})
}

func (s *Server) renderTemplates(w http.ResponseWriter, r *http.Request, status int, d *templatesData) {
	if !viewerFrom(r.Context()).User.Role.CanManageUsers() {
		s.renderError(w, r, carepath.Errorf(carepath.ENOTFOUND, "Not found."))
		return
	}
	var err error
	if d.Templates, err = s.CarePlans.FindTemplates(r.Context()); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, status, "templates.html", "Care plan templates", d)
}

// handleAddTemplate adds a template from the form: its goals and
// interventions a line each, their parts separated by "|".
func (s *Server) handleAddTemplate(w http.ResponseWriter, r *http.Request) {
	t, err := templateFromForm(r)
	if err == nil {
		err = s.CarePlans.AddTemplate(r.Context(), t)
	}
	if err != nil {
		if carepath.ErrorCode(err) != carepath.EINVALID {
			s.renderError(w, r, err)
			return
		}
		form := map[string]string{}
		for k := range r.PostForm {
			form[k] = r.PostFormValue(k)
		}
		s.renderTemplates(w, r, http.StatusBadRequest, &templatesData{Form: form, Problem: carepath.ErrorMessage(err)})
		return
	}
	http.Redirect(w, r, "/admin/templates?added="+t.ID, http.StatusSeeOther)
}

// templateFromForm reads a template: goals as "words | measure | target
// (< 7, < 130/80) | due in days | review in days | priority", and
// interventions as "kind | words | goal number | due in days", a line
// each; condition codes comma-separated.
func templateFromForm(r *http.Request) (*carepath.PlanTemplate, error) {
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	t := &carepath.PlanTemplate{Name: f("name"), Problem: f("problem"), Source: f("source"), Domain: f("domain")}
	list := func(s string) []string {
		var out []string
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	}
	if snomed, icd := list(f("snomed")), list(f("icd10")); len(snomed)+len(icd) > 0 {
		t.Condition = &carepath.ConditionMatch{SNOMED: snomed, ICD10Prefixes: icd}
	}
	num := func(line int, what, s string) (int, error) {
		if s == "" {
			return 0, nil
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0, carepath.Errorf(carepath.EINVALID, "Line %d: %s is a number of days, not %q.", line, what, s)
		}
		return n, nil
	}
	for i, line := range strings.Split(f("goals"), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		parts := append(strings.Split(line, "|"), "", "", "", "", "", "")
		for j := range parts {
			parts[j] = strings.TrimSpace(parts[j])
		}
		g := carepath.TemplateGoal{Description: parts[0], Measure: parts[1], Priority: parts[5]}
		if target := parts[2]; target != "" {
			op, value, _ := strings.Cut(target, " ")
			values, err := parseTarget(value)
			if err != nil {
				return nil, carepath.Errorf(carepath.EINVALID, "Goal line %d: %s", i+1, carepath.ErrorMessage(err))
			}
			g.TargetOp, g.TargetValues = op, values
		}
		var err error
		if g.DueDays, err = num(i+1, "the due", parts[3]); err != nil {
			return nil, err
		}
		if g.ReviewDays, err = num(i+1, "the review", parts[4]); err != nil {
			return nil, err
		}
		t.Goals = append(t.Goals, g)
	}
	for i, line := range strings.Split(f("interventions"), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		parts := append(strings.Split(line, "|"), "", "", "", "")
		for j := range parts {
			parts[j] = strings.TrimSpace(parts[j])
		}
		in := carepath.TemplateIntervention{Kind: parts[0], Text: parts[1]}
		var err error
		if in.Goal, err = num(i+1, "the goal", parts[2]); err != nil {
			return nil, err
		}
		if in.DueDays, err = num(i+1, "the due", parts[3]); err != nil {
			return nil, err
		}
		t.Interventions = append(t.Interventions, in)
	}
	return t, nil
}
