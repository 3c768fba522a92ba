package staff

import (
	"net/http"
	"strings"
	"time"

	"carepath"
	"carepath/calendar"
	"carepath/rules"
)

// rulesData is the administrators' page of work rules and holidays.
type rulesData struct {
	Rules    []rules.Rule
	Bands    []rules.ProtocolBand
	Own      []carepath.Holiday
	Federal  []calendar.Holiday // this year's and next year's, observed
	Notice   string
	Problem  string
	FormDay  string
	FormName string
}

// handleRules shows the built-in rules (what they act on, why, their
// source) and the organization's business days: the federal holidays and
// its own, which administrators add and remove here. Others: not found.
func (s *Server) handleRules(w http.ResponseWriter, r *http.Request) {
	s.renderRules(w, r, http.StatusOK, &rulesData{})
}

func (s *Server) renderRules(w http.ResponseWriter, r *http.Request, status int, d *rulesData) {
	v := viewerFrom(r.Context())
	if !v.User.Role.CanManageUsers() {
		s.renderError(w, r, carepath.Errorf(carepath.ENOTFOUND, "Not found."))
		return
	}
	d.Bands = rules.ProtocolBands
	own, err := s.WorkState.FindHolidays(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	year := time.Now().In(v.Loc).Year()
	d.Rules, d.Own = rules.BuiltIn, own
	d.Federal = append(calendar.FederalHolidays(year), calendar.FederalHolidays(year+1)...)
	s.render(w, r, status, "rules.html", "Rules and holidays", d)
}

// handleHoliday adds (do=add) or removes (do=remove) a holiday.
func (s *Server) handleHoliday(w http.ResponseWriter, r *http.Request) {
	d := &rulesData{FormDay: r.PostFormValue("day"), FormName: strings.TrimSpace(r.PostFormValue("name"))}
	var err error
	switch r.PostFormValue("do") {
	case "add":
		err = s.WorkState.AddHoliday(r.Context(), carepath.Holiday{Day: d.FormDay, Name: d.FormName})
		d.Notice = "Closed on " + d.FormDay + ": deadlines now skip it."
	case "remove":
		err = s.WorkState.DeleteHoliday(r.Context(), d.FormDay)
		d.Notice = d.FormDay + " is a working day again."
	default:
		err = carepath.Errorf(carepath.EINVALID, "Unknown action.")
	}
	if code := carepath.ErrorCode(err); code == carepath.EINVALID {
		d.Notice, d.Problem = "", carepath.ErrorMessage(err)
		s.renderRules(w, r, http.StatusBadRequest, d)
		return
	} else if err != nil {
		s.renderError(w, r, err)
		return
	}
	d.FormDay, d.FormName = "", ""
	s.renderRules(w, r, http.StatusOK, d)
}
