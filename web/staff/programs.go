package staff

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"carepath"
	"carepath/billing"
)

// programRow is one program on a patient's programs page: eligibility,
// the enrollment and consent in force, and this month's minutes toward
// the next threshold.
type programRow struct {
	Program     string
	Eligibility carepath.ProgramEligibility
	Enrollment  *carepath.Enrollment
	Consent     *carepath.Consent
	// ConsentProblem says why time does not count yet ("" when it does).
	ConsentProblem string
	Minutes        int
	Next           int
	NextCode       string
	Done           bool
}

// programsData is a patient's programs page.
type programsData struct {
	Patient        *carepath.Patient
	Month          string // YYYY-MM
	MonthLabel     string
	Rows           []programRow
	Programs       *carepath.PatientPrograms
	Bill           *carepath.PatientMonthBill
	Practitioners  []*carepath.User
	Activities     []string
	CanWrite       bool
	IsPractitioner bool // may record the month's decision making
	Complexities   []string
	Saved          string
	Today          string
	Now            string // for datetime-local
}

// programRows builds each enrollable program's row for a month.
func programRows(progs *carepath.PatientPrograms, m billing.Month) []programRow {
	bill := &progs.Bill
	eligible := map[string]carepath.ProgramEligibility{}
	for _, e := range progs.Eligibility {
		eligible[e.Program] = e
	}
	end := m.End().Add(-time.Second)
	var rows []programRow
	for _, program := range carepath.EnrollablePrograms {
		r := programRow{Program: program, Eligibility: eligible[program], Minutes: bill.Counted[program]}
		for i, e := range progs.Enrollments {
			if e.Program == program && (e.End == "" || e.End >= m.Start().Format(time.DateOnly)) && e.Start <= end.Format(time.DateOnly) {
				r.Enrollment = &progs.Enrollments[i]
				break
			}
		}
		r.ConsentProblem = "no consent on record"
		for i, c := range progs.Consents {
			if c.Program != program {
				continue
			}
			switch {
			case !c.Revoked.IsZero():
				if r.Consent == nil {
					r.ConsentProblem = "consent revoked " + c.Revoked.In(m.Loc).Format("2 Jan 2006")
				}
			case !c.CostSharing || !c.OnePractitioner || !c.RightToStop:
				r.ConsentProblem = "the consent lacks a required disclosure"
			default:
				r.Consent, r.ConsentProblem = &progs.Consents[i], ""
			}
			if r.Consent != nil {
				break
			}
		}
		// The month's own reason, when time was not counted for want of
		// consent (the engine knows cases this page does not, such as a
		// change of billing practitioner).
		for _, n := range bill.NotBilled {
			if n.Program == program && n.Kind == carepath.NotBilledConsent {
				r.Consent, r.ConsentProblem = nil, n.Why
				break
			}
		}
		first := r.Enrollment != nil && r.Enrollment.Start >= m.Start().Format(time.DateOnly)
		r.Next, r.NextCode, r.Done = billing.Progress(program, r.Minutes, m, first)
		rows = append(rows, r)
	}
	return rows
}

// enrolledRows is the patient's enrolled programs in the month of progs,
// for the chart's header; none without an enrollment in force.
func enrolledRows(progs *carepath.PatientPrograms, now time.Time) []programRow {
	if len(progs.Enrollments) == 0 {
		return nil
	}
	m, _ := billing.ParseMonth(progs.Month, now.Location())
	var enrolled []programRow
	for _, row := range programRows(progs, m) {
		if row.Enrollment != nil {
			enrolled = append(enrolled, row)
		}
	}
	return enrolled
}

// handlePrograms shows a patient's programs: eligibility with its
// reasons, enrollment, consent, the month's time and what it bills.
func (s *Server) handlePrograms(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	id := r.PathValue("id")
	now := time.Now().In(v.Loc)
	month := r.URL.Query().Get("month")
	if month == "" {
		month = now.Format("2006-01")
	}
	m, err := billing.ParseMonth(month, v.Loc)
	if err != nil {
		s.renderError(w, r, carepath.Errorf(carepath.EINVALID, "The month %q is not YYYY-MM.", month))
		return
	}
	// The conditions (for eligibility) and the month's programs: one view.
	chart, progs, err := s.Charts.FindChartWithPrograms(r.Context(), id, month, carepath.ProgramsAll)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := programsData{Programs: progs, Patient: chart.Patient, Month: month, MonthLabel: m.Start().Format("January 2006"), Activities: carepath.TimeActivities,
		CanWrite: v.User.Role.CanWriteClinical(), Saved: r.URL.Query().Get("saved"), Today: now.Format(time.DateOnly), Now: now.Format("2006-01-02T15:04"),
		IsPractitioner: v.User.Role == carepath.RolePhysician, Complexities: carepath.TransitionComplexities}
	if d.Practitioners, err = s.Programs.FindPractitioners(r.Context()); err != nil {
		s.renderError(w, r, err)
		return
	}
	d.Bill = &d.Programs.Bill
	d.Rows = programRows(d.Programs, m)
	s.render(w, r, http.StatusOK, "programs.html", "Programs · "+chart.Patient.Name(), d)
}

// handleChangePrograms records one form of the programs page (do=enroll,
// end, consent, revoke, time).
func (s *Server) handleChangePrograms(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	id := r.PathValue("id")
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, carepath.Errorf(carepath.EINVALID, "The form could not be read."))
		return
	}
	f := r.PostForm
	// Another organization's patient is not found, whatever the form asks.
	if _, err := s.Patients.FindPatientByID(r.Context(), id); err != nil {
		s.renderError(w, r, err)
		return
	}
	var err error
	switch f.Get("do") {
	case "enroll":
		e := &carepath.Enrollment{PatientID: id, Program: f.Get("program"), PractitionerID: f.Get("practitioner"), Start: f.Get("start")}
		err = s.Programs.Enroll(r.Context(), e)
	case "end":
		_, err = s.Programs.EndEnrollment(r.Context(), f.Get("enrollment"), f.Get("day"), f.Get("reason"))
	case "consent":
		c := &carepath.Consent{PatientID: id, Program: f.Get("program"), Method: f.Get("method"), Note: f.Get("note"),
			CostSharing: f.Get("cost_sharing") != "", OnePractitioner: f.Get("one_practitioner") != "", RightToStop: f.Get("right_to_stop") != "",
			Supersede: f.Get("supersede") != ""}
		if at := strings.TrimSpace(f.Get("given")); at != "" {
			if c.Given, err = time.ParseInLocation("2006-01-02T15:04", at, v.Loc); err != nil {
				err = carepath.Invalid("A consent needs", carepath.FieldError{Field: "given", Message: fmt.Sprintf("a date and time (%q is not one)", at)})
			}
		}
		if err == nil {
			err = s.Programs.RecordConsent(r.Context(), c)
		}
	case "revoke":
		_, err = s.Programs.RevokeConsent(r.Context(), f.Get("consent"), f.Get("reason"))
	case "complexity":
		err = s.Programs.RecordMonthComplexity(r.Context(), id, f.Get("month"), f.Get("complexity"))
	case "time":
		var e *carepath.TimeEntry
		if e, err = timeEntryFromForm(f, v.Loc); err == nil {
			e.PatientID = id
			err = s.Programs.AddTimeEntry(r.Context(), e)
		}
	default:
		err = carepath.Errorf(carepath.EINVALID, "Unknown change %q.", f.Get("do"))
	}
	if err != nil {
		s.refill(w, r, f.Get("do"), err, s.handlePrograms, "")
		return
	}
	http.Redirect(w, r, "/patients/"+id+"/programs?saved="+url.QueryEscape(f.Get("do")), http.StatusSeeOther)
}

// timeEntryFromForm reads a time entry: the start (the organization's
// time) and the minutes typed, or, from the timer, the start and the
// seconds it counted (time is recorded as worked: 6 seconds are not a
// minute).
func timeEntryFromForm(f url.Values, loc *time.Location) (*carepath.TimeEntry, error) {
	e := &carepath.TimeEntry{Program: f.Get("program"), Activity: f.Get("activity"), Note: f.Get("note"), Interactive: f.Get("interactive") != ""}
	var problems carepath.Problems
	if epoch, err := strconv.ParseInt(f.Get("start_epoch"), 10, 64); err == nil && epoch > 0 && epoch < 1<<40 {
		// From the timer: an instant, whatever the browser's time zone.
		e.Start = time.Unix(epoch, 0)
	} else if start, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(f.Get("start")), loc); err == nil {
		e.Start = start
	} else {
		problems.Add("start", "the start %q is not a date and time", f.Get("start"))
	}
	if secs := strings.TrimSpace(f.Get("seconds")); secs != "" {
		n, err := strconv.Atoi(secs)
		if err != nil {
			problems.Add("minutes", "the timer's seconds %q are not a whole number", secs)
		}
		e.Seconds = n
	} else if secs, ok := minutesField(f.Get("minutes")); !ok || secs == 0 && strings.TrimSpace(f.Get("minutes")) == "" {
		problems.Add("minutes", "the minutes %q are not a whole number of minutes", f.Get("minutes"))
	} else {
		e.Seconds = secs
	}
	if err := carepath.Invalid("This time cannot be recorded", problems...); err != nil {
		return nil, err
	}
	return e, nil
}

// minutesField reads a form's minutes as seconds: "" is 0; ok is false for
// what is not a whole number of minutes from 0 to a day.
func minutesField(s string) (seconds int, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 24*60 {
		return 0, false
	}
	return 60 * n, true
}

// eligibleData is the worklist of patients eligible for a program and not
// enrolled in it.
type eligibleData struct {
	Program          string
	Programs         []string
	Rows             []carepath.EligiblePatient
	Total, From, To  int
	PrevURL, NextURL string
}

// handleEligible lists the patients a program's rules make eligible and
// who are not enrolled, 50 a page.
func (s *Server) handleEligible(w http.ResponseWriter, r *http.Request) {
	program := r.URL.Query().Get("program")
	if program == "" {
		program = carepath.ProgramCCM
	}
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	offset = max(offset, 0)
	rows, total, err := s.Programs.FindEligiblePatients(r.Context(), program, 50, offset)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := eligibleData{Program: program, Programs: carepath.EnrollablePrograms, Rows: rows, Total: total, From: offset + 1, To: offset + len(rows)}
	page := func(o int) string {
		return "/programs/eligible?program=" + url.QueryEscape(program) + "&offset=" + strconv.Itoa(o)
	}
	if offset > 0 {
		d.PrevURL = page(max(offset-50, 0))
	}
	if d.To < total {
		d.NextURL = page(d.To)
	}
	s.render(w, r, http.StatusOK, "eligible.html", "Eligible for "+program, d)
}
