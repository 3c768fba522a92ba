package staff

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"carepath"
	"carepath/web"
)

// No form is a dead end: a form the services refuse comes back, on its
// page, with what was typed and each problem beside the input it concerns
// (formState), instead of an error page that throws the typing away.

// formState is a form that came back refused: which form of its page, what
// was typed, and what is wrong, as a whole and by input.
type formState struct {
	Form     string            // the form's name on its page (its do=)
	Values   url.Values        // what was typed
	Fields   map[string]string // input (as the domain names it) -> problem
	Message  string            // the problem as a whole
	Conflict bool              // the record changed since the page was read
	status   int
}

// Failed reports whether form is the one that came back.
func (f *formState) Failed(form string) bool { return f != nil && f.Form == form }

// Value is what was typed in the input name of form when it came back, and
// def (the stored value) otherwise.
func (f *formState) Value(form, name, def string) string {
	if !f.Failed(form) {
		return def
	}
	return f.Values.Get(name)
}

// Checked is Value for a checkbox.
func (f *formState) Checked(form, name string, def bool) bool {
	if !f.Failed(form) {
		return def
	}
	return f.Values.Get(name) != ""
}

// Problem is what is wrong with field of form, when it came back.
func (f *formState) Problem(form, field string) string {
	if !f.Failed(form) {
		return ""
	}
	return f.Fields[field]
}

type formStateKey struct{}

func formStateFrom(ctx context.Context) *formState {
	f, _ := ctx.Value(formStateKey{}).(*formState)
	return f
}

// refill answers a refused form. A problem the person can fix (EINVALID,
// ECONFLICT) shows the page the form is on again, through its GET handler
// page, as it now is, with what was typed in the form's inputs and what is
// wrong beside them; a conflict says so, and the page's fresh state (and
// version) is there to compare and save again. The domain names inputs by
// path; those under the prefix of the element the form edits
// ("problems.1.goals.2.") are the form's own inputs, named without it.
// Anything else is the error page.
func (s *Server) refill(w http.ResponseWriter, r *http.Request, form string, err error, page http.HandlerFunc, prefix string) {
	s.refillAt(w, r, form, err, page, prefix, nil)
}

// refillAt is refill for a page that shows the form only when asked by
// its query (an assessment's ?take=).
func (s *Server) refillAt(w http.ResponseWriter, r *http.Request, form string, err error, page http.HandlerFunc, prefix string, query url.Values) {
	code := carepath.ErrorCode(err)
	if code != carepath.EINVALID && code != carepath.ECONFLICT {
		s.renderError(w, r, err)
		return
	}
	f := &formState{Form: form, Values: r.PostForm, Fields: map[string]string{}, Message: carepath.ErrorMessage(err),
		Conflict: code == carepath.ECONFLICT, status: web.ErrorStatus(err)}
	for _, fe := range carepath.ErrorFields(err) {
		name := strings.TrimPrefix(fe.Field, prefix)
		if f.Fields[name] != "" {
			f.Fields[name] += "; " + fe.Message
		} else {
			f.Fields[name] = fe.Message
		}
	}
	get := r.Clone(context.WithValue(r.Context(), formStateKey{}, f))
	get.Method = http.MethodGet
	get.URL.RawQuery = query.Encode()
	page(w, get)
}

// invalid marks an input whose field of form has a problem, pointing to
// the problem's text (id): aria-invalid and aria-describedby, or nothing.
func invalid(f *formState, form, field, id string) template.HTMLAttr {
	if f.Problem(form, field) == "" {
		return ""
	}
	return template.HTMLAttr(`aria-invalid="true" aria-describedby="` + template.HTMLEscapeString(id) + `"`)
}

// fieldError writes the problem with field of form beside its input, for
// the input's aria-describedby (id), or nothing.
func fieldError(f *formState, form, field, id string) template.HTML {
	msg := f.Problem(form, field)
	if msg == "" {
		return ""
	}
	return template.HTML(`<span class="field-error" id="` + template.HTMLEscapeString(id) + `">⚠ ` + template.HTMLEscapeString(msg) + `</span>`)
}
