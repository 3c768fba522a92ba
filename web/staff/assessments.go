package staff

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"

	"carepath"
	"carepath/instrument"
)

// assessmentsData is a patient's assessments page: the instruments to
// take, and what was taken, newest first; or one instrument's form.
type assessmentsData struct {
	Patient     *carepath.Patient
	Instruments []*instrument.Instrument
	CanWrite    bool
	Taken       []assessmentView
	// Scores other sources sent (an EHR's PHQ-9 totals), newest first.
	FromSources []assessmentView
	Concerns    []carepath.HealthConcern
	// The form, when taking one.
	Form          *instrument.Instrument
	SubmissionKey string
	AnsweredBy    []string
	Just          string // the assessment just recorded, to open
	// Amending: the assessment corrected; or resuming: the draft. Either
	// gives the answers to start from.
	Amends  string
	Draft   *carepath.Assessment
	Prefill map[string]map[string]bool
	Values  map[string]string // typed-in answers to start from
	// Typed is who answered and in what language, as typed in a form
	// that came back refused (else the draft's).
	Typed *carepath.Assessment
	Saved string // the instrument just saved for later
}

// assessmentView is a recorded assessment with its items' words.
type assessmentView struct {
	*carepath.Assessment
	Name string
	// Screening: positive or negative is said; Scored: points are.
	Screening, Scored bool
	Lines             []assessmentLine
}

type assessmentLine struct {
	Text, Answer string
	Points       int
}

func viewAssessment(a *carepath.Assessment) assessmentView {
	v := assessmentView{Assessment: a, Name: a.Instrument}
	in, ok := instrument.Find(a.Instrument)
	if !ok {
		return v
	}
	v.Name, v.Screening, v.Scored = in.Name, in.Screening(), in.TotalCode != ""
	text := map[string]string{}
	for _, it := range in.Items {
		text[it.ID] = it.Text
	}
	for _, p := range a.Points {
		v.Lines = append(v.Lines, assessmentLine{Text: text[p.ItemID], Answer: p.Answer, Points: p.Points})
	}
	return v
}

// handleAssessments lists a patient's assessments, and with ?take= shows
// an instrument's form.
func (s *Server) handleAssessments(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	id := r.PathValue("id")
	p, err := s.Patients.FindPatientByID(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := assessmentsData{Patient: p, Instruments: instrument.All, CanWrite: v.User.Role.CanWriteClinical(), Just: r.URL.Query().Get("just"),
		Saved:      r.URL.Query().Get("saved"),
		AnsweredBy: []string{carepath.AnsweredByPatient, carepath.AnsweredByCaregiver, carepath.AnsweredByStaff}}
	if take := r.URL.Query().Get("take"); take != "" {
		in, ok := instrument.Find(take)
		if !ok {
			s.renderError(w, r, carepath.Errorf(carepath.ENOTFOUND, "There is no instrument %q.", take))
			return
		}
		var key [12]byte
		rand.Read(key[:])
		d.Form, d.SubmissionKey = in, hex.EncodeToString(key[:])
		if f := formStateFrom(r.Context()); f.Failed("assessment") {
			// The answers as typed, refused: the same submission, again.
			answers := map[string][]string{}
			for _, it := range in.Items {
				if v := f.Values[it.ID]; len(v) > 0 {
					answers[it.ID] = v
				}
			}
			d.Prefill, d.Values = prefill(in, answers)
			d.SubmissionKey, d.Amends = f.Values.Get("submission_key"), f.Values.Get("amends")
			d.Typed = &carepath.Assessment{AnsweredBy: f.Values.Get("answered_by"), Language: f.Values.Get("language")}
		} else if amends := r.URL.Query().Get("amends"); amends != "" {
			a, err := s.Assessments.FindAssessment(r.Context(), id, amends)
			if err == nil && a.Instrument != in.ID {
				err = carepath.Errorf(carepath.ENOTFOUND, "The assessment to amend is not a %s.", in.Name)
			}
			if err != nil {
				s.renderError(w, r, err)
				return
			}
			d.Amends = a.ID
			d.Prefill, d.Values = prefill(in, a.Answers)
		} else if draft, err := s.Assessments.FindAssessmentDraft(r.Context(), id, in.ID); err == nil {
			d.Draft, d.Typed = draft, draft
			d.Prefill, d.Values = prefill(in, draft.Answers)
		} else if carepath.ErrorCode(err) != carepath.ENOTFOUND {
			s.renderError(w, r, err)
			return
		}
		s.render(w, r, http.StatusOK, "assessments.html", in.Name+" · "+p.Name(), d)
		return
	}
	list, err := s.Assessments.FindAssessments(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	for _, a := range list {
		d.Taken = append(d.Taken, viewAssessment(a))
	}
	scores, err := s.Assessments.FindSourceScores(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	for _, a := range scores {
		d.FromSources = append(d.FromSources, viewAssessment(a))
	}
	if d.Concerns, err = s.Assessments.FindHealthConcerns(r.Context(), id); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "assessments.html", "Assessments · "+p.Name(), d)
}

// handleRecordAssessment records a form's answers and goes to the
// patient's assessments with the new one open.
func (s *Server) handleRecordAssessment(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	// The answers are the form's values named by the instrument's items;
	// an unknown instrument is the store's to refuse (after the patient).
	answers := map[string][]string{}
	if in, ok := instrument.Find(r.PostFormValue("instrument")); ok {
		for _, it := range in.Items {
			if v := r.PostForm[it.ID]; len(v) > 0 {
				answers[it.ID] = v
			}
		}
	}
	a := &carepath.Assessment{PatientID: id, Instrument: r.PostFormValue("instrument"), AnsweredBy: r.PostFormValue("answered_by"), Language: r.PostFormValue("language"),
		SubmissionKey: r.PostFormValue("submission_key"), Answers: answers, AmendsID: r.PostFormValue("amends")}
	// A refused form comes back on the instrument's page, as typed.
	fail := func(err error) {
		q := url.Values{"take": {a.Instrument}}
		if a.AmendsID != "" {
			q.Set("amends", a.AmendsID)
		}
		s.refillAt(w, r, "assessment", err, s.handleAssessments, "", q)
	}
	if r.PostFormValue("draft") != "" {
		if err := s.Assessments.SaveAssessmentDraft(r.Context(), a); err != nil {
			fail(err)
			return
		}
		http.Redirect(w, r, "/patients/"+url.PathEscape(id)+"/assessments?saved="+url.QueryEscape(a.Instrument), http.StatusSeeOther)
		return
	}
	if err := s.Assessments.RecordAssessment(r.Context(), a); err != nil {
		fail(err)
		return
	}
	http.Redirect(w, r, "/patients/"+url.PathEscape(id)+"/assessments?just="+url.QueryEscape(a.ID)+"#a-"+url.QueryEscape(a.ID), http.StatusSeeOther)
}

// handleDecideConcern confirms a proposed health concern with the patient,
// or records that the patient declines it.
func (s *Server) handleDecideConcern(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := s.Assessments.DecideHealthConcern(r.Context(), id, r.PathValue("cid"), r.PostFormValue("status"), r.PostFormValue("note")); err != nil {
		s.refill(w, r, "concern:"+r.PathValue("cid"), err, s.handleAssessments, "")
		return
	}
	http.Redirect(w, r, "/patients/"+url.PathEscape(id)+"/assessments#concerns", http.StatusSeeOther)
}

// prefill is answers as the form's checked options and typed-in values.
func prefill(in *instrument.Instrument, answers map[string][]string) (checked map[string]map[string]bool, values map[string]string) {
	checked, values = map[string]map[string]bool{}, map[string]string{}
	for _, it := range in.Items {
		codes := answers[it.ID]
		if it.Value() {
			if len(codes) > 0 {
				values[it.ID] = codes[0]
			}
			continue
		}
		checked[it.ID] = map[string]bool{}
		for _, c := range codes {
			checked[it.ID][c] = true
		}
	}
	return checked, values
}
