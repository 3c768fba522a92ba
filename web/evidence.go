package web

import (
	"net/http"
	"slices"
	"time"

	"carepath"
	"carepath/billing"
)

// EvidenceLine is a billed line with what backs it: the consent in force
// at each of its minutes (Consent, at the first; Consents, every one its
// time spans), the care-plan revision in force at the month's end, the
// time entries with their notes and each one's consent, and for TCM the
// episode and its deadlines.
type EvidenceLine struct {
	BillingLineJSON
	Adjustment bool                `json:"adjustment,omitempty"`
	Consent    *EvidenceConsent    `json:"consent,omitempty"`
	Consents   []EvidenceConsent   `json:"consents,omitempty"`
	Plan       *EvidencePlan       `json:"care_plan,omitempty"`
	Time       []EvidenceTime      `json:"time_entries"`
	Transition *EvidenceTransition `json:"transition,omitempty"`
}

// EvidenceConsent is a consent behind a billed line.
type EvidenceConsent struct {
	ID              string    `json:"id"`
	Method          string    `json:"method"`
	Given           time.Time `json:"given"`
	ObtainedBy      string    `json:"obtained_by"`
	CostSharing     bool      `json:"cost_sharing"`
	OnePractitioner bool      `json:"one_practitioner"`
	RightToStop     bool      `json:"right_to_stop"`
	Revoked         time.Time `json:"revoked,omitzero"`
}

// EvidencePlan is the care-plan revision in force at the month's end.
type EvidencePlan struct {
	Revision    int       `json:"revision"`
	At          time.Time `json:"at"`
	By          string    `json:"by"`
	Why         string    `json:"why"`
	Substantial bool      `json:"substantial"`
}

// EvidenceTime is a time entry behind a billed line, with the consent in
// force when it was spent.
type EvidenceTime struct {
	ID          string    `json:"id"`
	Start       time.Time `json:"start"`
	Seconds     int       `json:"seconds"` // as worked
	By          string    `json:"by"`
	Staff       string    `json:"staff"`
	Activity    string    `json:"activity"`
	Note        string    `json:"note,omitempty"`
	Interactive bool      `json:"interactive,omitempty"`
	ConsentID   string    `json:"consent_id,omitempty"` // in force at its start
}

// EvidenceTransition is a TCM line's episode, its deadlines and what
// was documented.
type EvidenceTransition struct {
	ID         string    `json:"id"`
	Discharged time.Time `json:"discharged"`
	Facility   string    `json:"facility,omitempty"`
	ContactDue time.Time `json:"contact_due"`
	Contact    time.Time `json:"contact,omitzero"`
	Visit      time.Time `json:"visit,omitzero"`
	Complexity string    `json:"complexity,omitempty"`
	Elements   []string  `json:"elements"`
}

// EvidencePacket is a patient's month with the evidence for each line.
type EvidencePacket struct {
	PatientID string                      `json:"patient_id"`
	Patient   string                      `json:"patient"`
	Month     string                      `json:"month"`
	Closed    bool                        `json:"closed"`
	Status    string                      `json:"status"`
	Lines     []EvidenceLine              `json:"lines"`
	NotBilled []NotBilledJSON             `json:"not_billed"`
	Counted   map[string]int              `json:"minutes_counted"`
	Row       *carepath.PatientBillingRow `json:"-"`
}

// BillingLineJSON is a billed line in the API.
type BillingLineJSON struct {
	Program        string   `json:"program"`
	Code           string   `json:"code"`
	Units          int      `json:"units"`
	PractitionerID string   `json:"practitioner_id,omitempty"`
	Minutes        int      `json:"minutes,omitempty"`
	Entries        []string `json:"entries"` // time entries, or the transition
	Why            string   `json:"why"`
	Source         string   `json:"source"`
}

// ToBillingLineJSON is a billed line as the API and the evidence packet
// give it.
func ToBillingLineJSON(l carepath.BillingLine) BillingLineJSON {
	return BillingLineJSON{l.Program, l.Code, l.Units, l.PractitionerID, l.Minutes, append([]string{}, l.Entries...), l.Why, l.Source}
}

// NotBilledJSON is a reason a thing is not billed, in the API.
type NotBilledJSON struct {
	Program string `json:"program"`
	Code    string `json:"code,omitempty"`
	Minutes int    `json:"minutes,omitempty"`
	Why     string `json:"why"`
	Kind    string `json:"kind"` // consent, enrollment, overlap, threshold, rule
}

// ToNotBilledJSON is the reasons things are not billed, as the API gives
// them (an empty list for none).
func ToNotBilledJSON(ns []carepath.NotBilled) []NotBilledJSON {
	out := []NotBilledJSON{}
	for _, n := range ns {
		out = append(out, NotBilledJSON(n))
	}
	return out
}

// BuildEvidence assembles a patient's month's packet from the services.
func (s *Server) BuildEvidence(r *http.Request, month, patientID string) (*EvidencePacket, error) {
	ctx := r.Context()
	row, closed, err := s.BillingMonths.FindPatientBilling(ctx, month, patientID)
	if err != nil {
		return nil, err
	}
	progs, err := s.Programs.FindPatientPrograms(ctx, patientID, month)
	if err != nil {
		return nil, err
	}
	revisions, err := s.CarePlans.FindPlanRevisions(ctx, patientID)
	if err != nil && carepath.ErrorCode(err) != carepath.ENOTFOUND {
		return nil, err
	}
	a := carepath.ActorFromContext(ctx)
	v, err := s.ViewerFor(ctx, a.User)
	if err != nil {
		return nil, err
	}
	m, err := billing.ParseMonth(month, v.Loc)
	if err != nil {
		return nil, carepath.Errorf(carepath.EINVALID, "The month %q is not YYYY-MM.", month)
	}
	end := m.End()
	p := &EvidencePacket{PatientID: patientID, Patient: row.PatientName, Month: month, Closed: closed, Status: row.Status, Lines: []EvidenceLine{},
		NotBilled: ToNotBilledJSON(row.NotBilled), Counted: row.Counted, Row: row}
	var plan *EvidencePlan
	for _, rv := range revisions { // newest first
		if rv.At.Before(end) {
			plan = &EvidencePlan{Revision: rv.Revision, At: rv.At, By: rv.ByName, Why: rv.Why, Substantial: rv.Substantial}
			break
		}
	}
	add := func(l carepath.BillingLine, adjustment bool) error {
		e := EvidenceLine{BillingLineJSON: ToBillingLineJSON(l), Adjustment: adjustment, Plan: plan, Time: []EvidenceTime{}}
		// A minute's evidence is the consent in force at that minute.
		cite := func(t time.Time) string {
			c := carepath.ConsentInForce(progs.Consents, l.Program, t)
			if c == nil {
				return ""
			}
			if !slices.ContainsFunc(e.Consents, func(x EvidenceConsent) bool { return x.ID == c.ID }) {
				e.Consents = append(e.Consents, EvidenceConsent{ID: c.ID, Method: c.Method, Given: c.Given, ObtainedBy: c.ObtainedByName,
					CostSharing: c.CostSharing, OnePractitioner: c.OnePractitioner, RightToStop: c.RightToStop, Revoked: c.Revoked})
			}
			return c.ID
		}
		entries := slices.Clone(progs.Time)
		slices.SortStableFunc(entries, func(a, b carepath.TimeEntry) int { return a.Start.Compare(b.Start) })
		for _, t := range entries {
			if slices.Contains(l.Entries, t.ID) {
				e.Time = append(e.Time, EvidenceTime{ID: t.ID, Start: t.Start, Seconds: t.Seconds, By: t.UserName, Staff: t.Staff, Activity: t.Activity,
					Note: t.Note, Interactive: t.Interactive, ConsentID: cite(t.Start)})
			}
		}
		if len(e.Time) == 0 {
			// A line of the month without time (APCM, RPM's device days):
			// the consent in force at the month's end.
			cite(end.Add(-time.Nanosecond))
		}
		if len(e.Consents) > 0 {
			e.Consent = &e.Consents[0]
		}
		if l.Program == carepath.ProgramTCM && len(l.Entries) > 0 {
			t, err := s.Transitions.FindTransition(ctx, l.Entries[0])
			if err != nil {
				return err
			}
			et := &EvidenceTransition{ID: t.ID, Discharged: t.Discharged, Facility: t.Facility, ContactDue: t.ContactDue, Complexity: t.Complexity, Elements: t.Elements}
			if t.Contact != nil {
				et.Contact = t.Contact.At
			}
			if t.Visit != nil {
				et.Visit = t.Visit.At
			}
			e.Transition, e.Consent = et, nil // TCM needs no consent
		}
		p.Lines = append(p.Lines, e)
		return nil
	}
	for _, l := range row.Lines {
		if err := add(l, false); err != nil {
			return nil, err
		}
	}
	if row.Adjustment != nil {
		for _, l := range row.Adjustment.Lines {
			if err := add(l, true); err != nil {
				return nil, err
			}
		}
		p.NotBilled = append(p.NotBilled, ToNotBilledJSON(row.Adjustment.NotBilled)...)
	}
	return p, nil
}
