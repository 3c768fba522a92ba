package api

import (
	"cmp"
	"net/http"
	"time"

	"carepath"
	"carepath/instrument"
	"carepath/web"
)

type apiOption struct {
	Code    string `json:"code"`
	Display string `json:"display"`
	Points  *int   `json:"points,omitempty"`
	Domain  string `json:"domain,omitempty"` // the need it screens, when not the item's
}

type apiItem struct {
	ID      string `json:"id"` // its LOINC code
	Text    string `json:"text"`
	Section string `json:"section,omitempty"`
	Domain  string `json:"domain,omitempty"`
	// Type is "choice" (one of options, or several when multiple), or an
	// answer typed in: "integer" or "decimal" (from min to max), "text".
	Type     string      `json:"type"`
	Multiple bool        `json:"multiple,omitempty"`
	Required bool        `json:"required"`
	Options  []apiOption `json:"options,omitempty"`
	Min      *float64    `json:"min,omitempty"`
	Max      *float64    `json:"max,omitempty"`
	Unit     string      `json:"unit,omitempty"`
}

type apiBand struct {
	Min  int    `json:"min"`
	Max  int    `json:"max"`
	Name string `json:"name"`
}

type apiInstrument struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Version    string    `json:"version"`
	Code       string    `json:"code"`
	TotalCode  string    `json:"total_code,omitempty"`
	CodeSystem string    `json:"code_system"`
	Source     string    `json:"source"`
	Intro      string    `json:"intro,omitempty"`
	Items      []apiItem `json:"items"`
	Bands      []apiBand `json:"bands,omitempty"`
}

// handleAPIInstruments lists the instruments with their items, answers,
// points and bands.
func (s *Server) handleAPIInstruments(w http.ResponseWriter, r *http.Request) {
	out := struct {
		Instruments []apiInstrument `json:"instruments"`
	}{}
	for _, in := range instrument.All {
		ai := apiInstrument{ID: in.ID, Name: in.Name, Version: in.Version, Code: in.Code, TotalCode: in.TotalCode, CodeSystem: in.System(), Source: in.Source, Intro: in.Intro}
		for _, it := range in.Items {
			item := apiItem{ID: it.ID, Text: it.Text, Section: it.Section, Domain: it.Domain, Type: cmp.Or(it.Type, "choice"), Multiple: it.Multiple,
				Required: !it.Optional, Unit: it.Unit}
			if it.Type == instrument.Integer || it.Type == instrument.Decimal {
				item.Min, item.Max = &it.Min, &it.Max
			}
			for _, o := range it.Options {
				opt := apiOption{Code: o.Code, Display: o.Display, Domain: o.Domain}
				if in.TotalCode != "" || o.Points != 0 {
					opt.Points = &o.Points
				}
				item.Options = append(item.Options, opt)
			}
			ai.Items = append(ai.Items, item)
		}
		for _, b := range in.Bands {
			ai.Bands = append(ai.Bands, apiBand{b.Min, b.Max, b.Name})
		}
		out.Instruments = append(out.Instruments, ai)
	}
	web.WriteJSON(w, out)
}

type apiAssessment struct {
	ID            string                       `json:"id"`
	PatientID     string                       `json:"patient_id"`
	Instrument    string                       `json:"instrument"`
	Version       string                       `json:"version"`
	AnsweredBy    string                       `json:"answered_by"`
	Language      string                       `json:"language,omitempty"`
	SubmissionKey string                       `json:"submission_key"`
	Status        string                       `json:"status"`
	Amends        string                       `json:"amends,omitempty"`
	Answers       map[string][]string          `json:"answers"`
	Total         *int                         `json:"total,omitempty"`
	Band          string                       `json:"band,omitempty"`
	Positive      bool                         `json:"positive"`
	Points        []carepath.AssessmentPoints  `json:"points"`
	Findings      []carepath.AssessmentFinding `json:"findings,omitempty"`
	Domains       []carepath.AssessmentDomain  `json:"domains,omitempty"`
	Tasks         []string                     `json:"tasks,omitempty"`
	CreatedBy     string                       `json:"created_by"`
	Created       time.Time                    `json:"created"`
}

func toAPIAssessment(a *carepath.Assessment) apiAssessment {
	return apiAssessment{ID: a.ID, PatientID: a.PatientID, Instrument: a.Instrument, Version: a.Version, AnsweredBy: a.AnsweredBy,
		Language: a.Language, SubmissionKey: a.SubmissionKey, Status: a.Status, Amends: a.AmendsID, Answers: a.Answers, Total: a.Total, Band: a.Band, Positive: a.Positive,
		Points: a.Points, Findings: a.Findings, Domains: a.Domains, Tasks: a.TaskIDs, CreatedBy: a.CreatedBy, Created: a.Created.UTC()}
}

// handleAPIRecordAssessment takes answers in and answers the scored result
// (201), with the tasks it made. A submission key sent twice is 409.
func (s *Server) handleAPIRecordAssessment(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Instrument    string              `json:"instrument"`
		AnsweredBy    string              `json:"answered_by"`
		Language      string              `json:"language"`
		SubmissionKey string              `json:"submission_key"`
		Amends        string              `json:"amends"`
		Answers       map[string][]string `json:"answers"`
	}
	if err := decodeBody(w, r, "an assessment", &in); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	a := &carepath.Assessment{PatientID: r.PathValue("id"), Instrument: in.Instrument, AnsweredBy: in.AnsweredBy, Language: in.Language,
		SubmissionKey: in.SubmissionKey, Answers: in.Answers, AmendsID: in.Amends}
	if err := s.Assessments.RecordAssessment(r.Context(), a); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	web.WriteJSONStatus(w, http.StatusCreated, toAPIAssessment(a))
}

// handleAPIAssessments lists a patient's assessments, newest first.
func (s *Server) handleAPIAssessments(w http.ResponseWriter, r *http.Request) {
	list, err := s.Assessments.FindAssessments(r.Context(), r.PathValue("id"))
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	out := struct {
		Assessments []apiAssessment `json:"assessments"`
	}{Assessments: []apiAssessment{}}
	for _, a := range list {
		out.Assessments = append(out.Assessments, toAPIAssessment(a))
	}
	web.WriteJSON(w, out)
}
