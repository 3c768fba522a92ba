package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"carepath"
)

// The JSON API under /api/v1, for integrations: bearer tokens from
// "carepath token create", the same services (so the same authorization
// and audit) as the pages, and errors as application/problem+json (RFC 9457).

// requireToken lets requests with a live bearer token through, with the
// token's user as the actor.
func (s *Server) requireToken(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="carepath"`)
			s.writeProblem(w, r, carepath.Errorf(carepath.EUNAUTHORIZED, "Send an API token: Authorization: Bearer <token>."))
			return
		}
		u, err := s.Tokens.FindAPIToken(r.Context(), strings.TrimSpace(secret))
		if err != nil {
			if carepath.ErrorCode(err) == carepath.EUNAUTHORIZED {
				w.Header().Set("WWW-Authenticate", `Bearer realm="carepath", error="invalid_token"`)
			}
			s.writeProblem(w, r, err)
			return
		}
		ctx := carepath.NewContextWithActor(r.Context(), &carepath.Actor{User: u, OrgID: u.OrgID, Source: s.clientIP(r)})
		next(w, r.WithContext(ctx))
	}
}

// statusClientClosed is the status logged and counted for a request its
// client abandoned before the answer (nginx's 499): nothing failed on the
// server, and nobody reads the answer.
const statusClientClosed = 499

// errorStatus is the HTTP status of each domain error code; a request
// abandoned by its client (its context canceled) is statusClientClosed.
func errorStatus(err error) int {
	if errors.Is(err, context.Canceled) {
		return statusClientClosed
	}
	switch carepath.ErrorCode(err) {
	case carepath.ECONFLICT:
		return http.StatusConflict
	case carepath.EINVALID:
		return http.StatusBadRequest
	case carepath.ENOTFOUND:
		return http.StatusNotFound
	case carepath.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case carepath.ENOTIMPLEMENTED:
		return http.StatusNotImplemented
	case carepath.ETHROTTLED:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// writeProblem is the one place domain errors become JSON.
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	status := errorStatus(err)
	if status == http.StatusInternalServerError {
		s.logger(r).Error("request failed", "path", r.URL.Path, "err", err)
	}
	problem := map[string]any{
		"type": "https://carepath.example/problems/" + carepath.ErrorCode(err), "title": http.StatusText(status),
		"status": status, "detail": carepath.ErrorMessage(err),
	}
	// Each input's problem, as the forms show them beside the inputs (an
	// RFC 9457 extension member).
	if fields := carepath.ErrorFields(err); len(fields) > 0 {
		list := make([]map[string]string, len(fields))
		for i, f := range fields {
			list[i] = map[string]string{"field": f.Field, "message": f.Message}
		}
		problem["errors"] = list
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(problem)
}

func writeJSON(w http.ResponseWriter, v any) { writeJSONStatus(w, http.StatusOK, v) }

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

func writeJSONStatus(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
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
		s.writeProblem(w, r, err)
		return
	}
	f.Limit = limit
	if c := q.Get("cursor"); c != "" {
		if f.After, err = decodePatientCursor(c); err != nil {
			s.writeProblem(w, r, err)
			return
		}
	}
	ps, total, err := s.Patients.FindPatients(r.Context(), f)
	if err != nil {
		s.writeProblem(w, r, err)
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
	writeJSON(w, out)
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
		s.writeProblem(w, r, err)
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
		out.Encounters = append(out.Encounters, encounter{e.Class, e.PeriodStart, e.PeriodEnd, e.Type.Display, e.DischargeDisposition.Display})
	}
	for _, sr := range c.Series {
		x := series{Code: cd(sr.Code), Unit: sr.Unit}
		for _, p := range sr.Points {
			x.Points = append(x.Points, point{p.Effective, p.Value})
		}
		out.Results = append(out.Results, x)
	}
	writeJSON(w, out)
}

// handleAPIExportRecord answers the patient's record as a FHIR bundle.
func (s *Server) handleAPIExportRecord(w http.ResponseWriter, r *http.Request) {
	s.exportRecord(w, r, s.writeProblem)
}
