// Package api serves Carepath's JSON API under /api/v1.
package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"carepath"
	"carepath/web"
)

// Server is the JSON API under /api/v1, for integrations: bearer tokens
// from "carepath token create", the same services (so the same
// authorization and audit) as the pages, and errors as
// application/problem+json (RFC 9457). It serves on the web server it
// embeds, whose shared pieces it uses.
type Server struct {
	*web.Server
}

// Routes implements web.Surface: the API's routes table.
func (s *Server) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/patients", s.RequireToken(s.handleAPIPatients))
	mux.HandleFunc("GET /api/v1/patients/{id}", s.RequireToken(s.handleAPIPatient))
	mux.HandleFunc("GET /api/v1/patients/{id}/record", s.RequireToken(s.handleAPIExportRecord))
	mux.HandleFunc("GET /api/v1/patients/{id}/tasks", s.RequireToken(s.handleAPIPatientTasks))
	mux.HandleFunc("GET /api/v1/worklist", s.RequireToken(s.handleAPIWorklist))
	mux.HandleFunc("GET /api/v1/instruments", s.RequireToken(s.handleAPIInstruments))
	mux.HandleFunc("GET /api/v1/patients/{id}/assessments", s.RequireToken(s.handleAPIAssessments))
	mux.HandleFunc("POST /api/v1/patients/{id}/assessments", s.RequireToken(s.handleAPIRecordAssessment))
	mux.HandleFunc("POST /api/v1/patients/{id}/encounters", s.RequireToken(s.handleAPIRecordEncounter))
	mux.HandleFunc("GET /api/v1/patients/{id}/careplan", s.RequireToken(s.handleAPICarePlan))
	mux.HandleFunc("PUT /api/v1/patients/{id}/careplan", s.RequireToken(s.handleAPISaveCarePlan))
	mux.HandleFunc("POST /api/v1/patients/{id}/careplan/sign", s.RequireToken(s.handleAPISignCarePlan))
	mux.HandleFunc("POST /api/v1/patients/{id}/careplan/templates", s.RequireToken(s.handleAPIApplyTemplates))
	mux.HandleFunc("GET /api/v1/patients/{id}/careplan/revisions", s.RequireToken(s.handleAPIPlanRevisions))
	mux.HandleFunc("POST /api/v1/patients/{id}/careplan/goals", s.RequireToken(s.handleAPIAddGoal))
	mux.HandleFunc("PATCH /api/v1/goals/{id}", s.RequireToken(s.handleAPIUpdateGoal))
	mux.HandleFunc("GET /api/v1/patients/{id}/careteam", s.RequireToken(s.handleAPICareTeam))
	mux.HandleFunc("GET /api/v1/patients/{id}/risk", s.RequireToken(s.handleAPIRisk))
	mux.HandleFunc("PUT /api/v1/patients/{id}/careteam", s.RequireToken(s.handleAPISaveCareTeam))
	mux.HandleFunc("GET /api/v1/patients/{id}/careplan/revisions/{rev}", s.RequireToken(s.handleAPIPlanRevision))
	mux.HandleFunc("GET /api/v1/programs", s.RequireToken(s.handleAPIPrograms))
	mux.HandleFunc("POST /api/v1/patients/{id}/enrollments", s.RequireToken(s.handleAPIEnroll))
	mux.HandleFunc("POST /api/v1/patients/{id}/consents", s.RequireToken(s.handleAPIConsent))
	mux.HandleFunc("POST /api/v1/time-entries", s.RequireToken(s.handleAPITimeEntry))
	mux.HandleFunc("GET /api/v1/patients/{id}/contacts", s.RequireToken(s.handleAPIContacts))
	mux.HandleFunc("POST /api/v1/patients/{id}/contacts", s.RequireToken(s.handleAPILogContact))
	mux.HandleFunc("GET /api/v1/patients/{id}/notes", s.RequireToken(s.handleAPINotes))
	mux.HandleFunc("POST /api/v1/patients/{id}/notes", s.RequireToken(s.handleAPISaveNote))
	mux.HandleFunc("POST /api/v1/notes/{id}/sign", s.RequireToken(s.handleAPISignNote))
	mux.HandleFunc("POST /api/v1/notes/{id}/amendments", s.RequireToken(s.handleAPIAmendNote))
	mux.HandleFunc("GET /api/v1/billing/{month}/patients/{id}", s.RequireToken(s.handleAPIEvidence))
	mux.HandleFunc("GET /api/v1/billing/{month}", s.RequireToken(s.handleAPIBillingReport))
	mux.HandleFunc("GET /api/v1/billing/{month}/claims", s.RequireToken(s.HandleBillingClaims))
	mux.HandleFunc("GET /api/v1/transitions", s.RequireToken(s.handleAPITransitions))
	mux.HandleFunc("GET /api/v1/transitions/{id}", s.RequireToken(s.handleAPITransition))
	mux.HandleFunc("PATCH /api/v1/transitions/{id}", s.RequireToken(s.handleAPIUpdateTransition))
	mux.HandleFunc("POST /api/v1/tasks", s.RequireToken(s.handleAPICreateTask))
	mux.HandleFunc("GET /api/v1/tasks/{id}", s.RequireToken(s.handleAPITask))
	mux.HandleFunc("PATCH /api/v1/tasks/{id}", s.RequireToken(s.handleAPIUpdateTask))
}

// apiLimit reads a list's ?limit= (1-500), or gives def when there is none.
func apiLimit(s string, def int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 500 {
		return 0, carepath.Errorf(carepath.EINVALID, "limit must be a number from 1 to 500.")
	}
	return n, nil
}

// maxBody is the largest JSON request body the API reads.
const maxBody = 64 << 10

// decodeBody reads a JSON request body into v strictly: one JSON object of
// at most 64 KB and nothing after it, no field v does not have, and no NUL
// character in any text (PostgreSQL cannot store one, and no person types
// one). What it refuses, it says as EINVALID about what ("a task").
func decodeBody(w http.ResponseWriter, r *http.Request, what string, v any) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		return carepath.Errorf(carepath.EINVALID, "The body could not be read (at most %d KB): %v.", maxBody>>10, err)
	}
	return decodeJSON(body, what, v)
}

// decodeJSON is decodeBody's reading of the body's bytes.
func decodeJSON(body []byte, what string, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if first := bytes.TrimLeft(body, " \t\r\n"); len(first) == 0 || first[0] != '{' {
		return carepath.Errorf(carepath.EINVALID, "The body must be %s as a JSON object.", what)
	}
	if err := dec.Decode(v); err != nil {
		return carepath.Errorf(carepath.EINVALID, "The body is not %s in JSON: %v.", what, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return carepath.Errorf(carepath.EINVALID, "The body has more after %s's JSON object; send one object.", what)
	}
	if hasNUL(reflect.ValueOf(v)) {
		return carepath.Errorf(carepath.EINVALID, "The body's text holds a NUL character (\\u0000), which Carepath does not store.")
	}
	return nil
}

// hasNUL reports whether any string reachable from v holds a NUL.
func hasNUL(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		return strings.IndexByte(v.String(), 0) >= 0
	case reflect.Pointer, reflect.Interface:
		return !v.IsNil() && hasNUL(v.Elem())
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() && hasNUL(v.Field(i)) {
				return true
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if hasNUL(v.Index(i)) {
				return true
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if hasNUL(it.Key()) || hasNUL(it.Value()) {
				return true
			}
		}
	}
	return false
}

// apiPatient is a patient as the API lists them.
type apiPatient struct {
	ID         string          `json:"id"`
	MRN        string          `json:"mrn,omitempty"`
	Family     string          `json:"family"`
	Given      string          `json:"given"`
	BirthDate  string          `json:"birth_date,omitempty"`
	Sex        string          `json:"sex,omitempty"`
	Phone      string          `json:"phone,omitempty"`
	Email      string          `json:"email,omitempty"`
	Language   string          `json:"language,omitempty"`
	Deceased   bool            `json:"deceased,omitempty"`
	Identifier []apiIdentifier `json:"identifiers,omitempty"`
}

type apiIdentifier struct {
	System string `json:"system"`
	Value  string `json:"value"`
}

func toAPIPatient(p *carepath.Patient) apiPatient {
	a := apiPatient{ID: p.ID, MRN: p.MRN, Family: p.Family, Given: p.Given, BirthDate: p.BirthDate, Sex: p.Sex,
		Phone: p.Phone, Email: p.Email, Language: p.Language.Code, Deceased: p.Deceased}
	for _, id := range p.Identifiers {
		a.Identifier = append(a.Identifier, apiIdentifier{System: id.System, Value: id.Value})
	}
	return a
}

// handleAPIPatients lists patients: ?q= searches as the panel does, limit
// (1-500, default 50), and cursor continues from the previous page's
// next_cursor.
func (s *Server) handleAPIPatients(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := carepath.PatientFilter{Query: q.Get("q"), Limit: 50}
	limit, err := apiLimit(q.Get("limit"), f.Limit)
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	f.Limit = limit
	if c := q.Get("cursor"); c != "" {
		if f.After, err = decodePatientCursor(c); err != nil {
			s.WriteProblem(w, r, err)
			return
		}
	}
	ps, total, err := s.Patients.FindPatients(r.Context(), f)
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	out := struct {
		Total      int          `json:"total"`
		Patients   []apiPatient `json:"patients"`
		NextCursor string       `json:"next_cursor,omitempty"`
	}{Total: total, Patients: []apiPatient{}}
	for _, p := range ps {
		out.Patients = append(out.Patients, toAPIPatient(p))
	}
	if len(ps) == f.Limit {
		out.NextCursor = encodePatientCursor(ps[len(ps)-1].Cursor())
	}
	web.WriteJSON(w, out)
}

// cursorEncoding writes the API's cursors: opaque, safe in a URL, and
// read back only in the one form it writes.
var cursorEncoding = base64.RawURLEncoding.Strict()

// encodePatientCursor is the cursor of the page after the patient whose
// Cursor() is after.
func encodePatientCursor(after string) string { return cursorEncoding.EncodeToString([]byte(after)) }

// decodePatientCursor reads a cursor encodePatientCursor wrote: the name
// key and the id, separated by one NUL, as valid UTF-8 text, written as
// encodePatientCursor writes it (the decoder skips line breaks: "A\rA0"
// is not a cursor of ours, the fuzzer found). Anything else is EINVALID,
// before it reaches a query (PostgreSQL refuses NUL and bad UTF-8 in
// text, which would be a 500).
func decodePatientCursor(c string) (string, error) {
	b, err := cursorEncoding.DecodeString(c)
	key, id, ok := strings.Cut(string(b), "\x00")
	if err != nil || !ok || id == "" || !utf8.Valid(b) || strings.IndexByte(id, 0) >= 0 || strings.IndexByte(key, 0) >= 0 ||
		encodePatientCursor(string(b)) != c {
		return "", carepath.Errorf(carepath.EINVALID, "cursor is not one this API gave.")
	}
	return string(b), nil
}

// handleAPIPatient returns a patient's chart summary.
func (s *Server) handleAPIPatient(w http.ResponseWriter, r *http.Request) {
	c, err := s.Charts.FindChart(r.Context(), r.PathValue("id"))
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	type coding struct {
		System  string `json:"system,omitempty"`
		Code    string `json:"code"`
		Display string `json:"display,omitempty"`
	}
	cd := func(c carepath.Coding) coding { return coding{c.System, c.Code, c.Display} }
	type problem struct {
		Code   coding `json:"code"`
		Status string `json:"clinical_status"`
		Onset  string `json:"onset,omitempty"`
	}
	type medication struct {
		Code   coding `json:"code"`
		Status string `json:"status"`
		Dosage string `json:"dosage,omitempty"`
	}
	type encounter struct {
		Class       string `json:"class"`
		Start       string `json:"start"`
		End         string `json:"end,omitempty"`
		Type        string `json:"type,omitempty"`
		Disposition string `json:"discharge_disposition,omitempty"`
	}
	type point struct {
		Effective string  `json:"effective"`
		Value     float64 `json:"value"`
	}
	type series struct {
		Code   coding  `json:"code"`
		Unit   string  `json:"unit"`
		Points []point `json:"points"`
	}
	type careTeamMember struct {
		UserID string `json:"user_id"`
		Name   string `json:"name"`
		Role   string `json:"role"`
	}
	out := struct {
		Patient     apiPatient       `json:"patient"`
		CareTeam    []careTeamMember `json:"care_team"`
		Problems    []problem        `json:"problems"`
		Medications []medication     `json:"medications"`
		Allergies   []coding         `json:"allergies"`
		Encounters  []encounter      `json:"encounters"`
		Results     []series         `json:"results"`
	}{Patient: toAPIPatient(c.Patient), CareTeam: []careTeamMember{}, Problems: []problem{}, Medications: []medication{},
		Allergies: []coding{}, Encounters: []encounter{}, Results: []series{}}
	for _, m := range c.Patient.CareTeam {
		out.CareTeam = append(out.CareTeam, careTeamMember{m.UserID, m.User.Label(), m.Role})
	}
	for _, p := range c.Conditions {
		out.Problems = append(out.Problems, problem{cd(p.Code), p.ClinicalStatus, p.Onset})
	}
	for _, m := range c.Medications {
		out.Medications = append(out.Medications, medication{cd(m.Code), m.Status, m.Dosage})
	}
	for _, a := range c.Allergies {
		out.Allergies = append(out.Allergies, cd(a.Code))
	}
	for _, e := range c.Encounters {
		out.Encounters = append(out.Encounters, encounter{e.Class, e.PeriodStart.String(), e.PeriodEnd.String(), e.Type.Display, e.DischargeDisposition.Display})
	}
	for _, sr := range c.Series {
		x := series{Code: cd(sr.Code), Unit: sr.Unit}
		for _, p := range sr.Points {
			x.Points = append(x.Points, point{p.Effective, p.Value})
		}
		out.Results = append(out.Results, x)
	}
	web.WriteJSON(w, out)
}

// handleAPIExportRecord answers the patient's record as a FHIR bundle.
func (s *Server) handleAPIExportRecord(w http.ResponseWriter, r *http.Request) {
	s.ServeRecord(w, r, s.WriteProblem)
}
