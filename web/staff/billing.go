package staff

import (
	"net/http"
	"strconv"
	"time"

	"carepath"
	"carepath/billing"
	"carepath/internal/safecsv"
	"carepath/web"
)

// billingData is the month's billing report page.
type billingData struct {
	Report     *carepath.BillingReport
	MonthLabel string
	Prev, Next string // YYYY-MM
	Ended      bool
	Counts     map[string]int // by status
	Statuses   []string
	CanSignOff bool // a billing practitioner, the month open
	SignedOff  bool // the viewer has signed off
	CanClose   bool
	Saved      string
}

// billingStatuses in the order the page counts them.
var billingStatuses = []string{carepath.BillingReady, carepath.BillingNeedsSignOff, carepath.BillingMissingConsent, carepath.BillingBelowThreshold}

// monthReport reads the report of the month a page asks for; it writes
// the error page and answers nil on failure.
func (s *Server) monthReport(w http.ResponseWriter, r *http.Request) (*carepath.BillingReport, billing.Month) {
	v := viewerFrom(r.Context())
	m, err := web.ReportMonth(r, v.Loc)
	if err != nil {
		s.renderError(w, r, err)
		return nil, m
	}
	rep, err := s.BillingMonths.FindBillingReport(r.Context(), m.String())
	if err != nil {
		s.renderError(w, r, err)
		return nil, m
	}
	return rep, m
}

// handleBilling shows the month's report: each patient's lines and
// status, sign-offs, and the month's close.
func (s *Server) handleBilling(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	rep, m := s.monthReport(w, r)
	if rep == nil {
		return
	}
	start := m.Start()
	d := billingData{Report: rep, MonthLabel: start.Format("January 2006"), Prev: start.AddDate(0, -1, 0).Format("2006-01"),
		Next: start.AddDate(0, 1, 0).Format("2006-01"), Ended: !time.Now().Before(m.End()), Counts: map[string]int{},
		Statuses: billingStatuses, Saved: r.URL.Query().Get("saved")}
	for _, row := range rep.Rows {
		d.Counts[row.Status]++
	}
	physician := v.User.Role == carepath.RolePhysician
	_, d.SignedOff = rep.SignOffs[v.User.ID]
	d.CanSignOff = physician && !rep.Closed
	d.CanClose = (physician || v.User.Role.CanManageUsers()) && !rep.Closed && d.Ended
	s.render(w, r, http.StatusOK, "billing.html", "Billing · "+d.MonthLabel, d)
}

// handleChangeBilling signs off the viewer's lines or closes the month.
func (s *Server) handleChangeBilling(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	m, err := web.ReportMonth(r, v.Loc)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	month := m.String()
	switch r.PostFormValue("do") {
	case "sign-off":
		err = s.BillingMonths.SignOffBilling(r.Context(), month)
	case "close":
		_, err = s.BillingMonths.CloseBillingMonth(r.Context(), month)
	default:
		err = carepath.Errorf(carepath.EINVALID, "Unknown change.")
	}
	if err != nil {
		s.refill(w, r, r.PostFormValue("do"), err, s.handleBilling, "")
		return
	}
	http.Redirect(w, r, "/billing?month="+month+"&saved="+r.PostFormValue("do"), http.StatusSeeOther)
}

// handleBillingCSV exports the month: a row per line (and per adjustment
// line), with the patient, the practitioner, the status and why.
func (s *Server) handleBillingCSV(w http.ResponseWriter, r *http.Request) {
	rep, _ := s.monthReport(w, r)
	if rep == nil {
		return
	}
	month := rep.Month
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="carepath-billing-`+month+`.csv"`)
	c := safecsv.NewWriter(w)
	c.Write([]string{"month", "closed", "patient_id", "mrn", "patient", "status", "kind", "program", "code", "units", "minutes", "practitioner_id", "practitioner", "why", "source"})
	closed := strconv.FormatBool(rep.Closed)
	for _, row := range rep.Rows {
		write := func(kind string, l carepath.BillingLine) {
			c.Write([]string{month, closed, row.PatientID, row.MRN, row.PatientName, row.Status, kind, l.Program, l.Code, strconv.Itoa(l.Units),
				strconv.Itoa(l.Minutes), l.PractitionerID, rep.Practitioner[l.PractitionerID], l.Why, l.Source})
		}
		for _, l := range row.Lines {
			write("line", l)
		}
		if row.Adjustment != nil {
			for _, l := range row.Adjustment.Lines {
				write("adjustment", l)
			}
		}
	}
	c.Flush()
}

// handleEvidence shows the evidence packet of a patient's month.
func (s *Server) handleEvidence(w http.ResponseWriter, r *http.Request) {
	p, err := s.BuildEvidence(r, r.PathValue("month"), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "evidence.html", "Evidence · "+p.Patient+" · "+p.Month, p)
}
