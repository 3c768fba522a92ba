package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"carepath"
)

// RequireToken lets requests with a live bearer token through, with the
// token's user as the actor.
func (s *Server) RequireToken(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="carepath"`)
			s.WriteProblem(w, r, carepath.Errorf(carepath.EUNAUTHORIZED, "Send an API token: Authorization: Bearer <token>."))
			return
		}
		u, err := s.Tokens.FindAPIToken(r.Context(), strings.TrimSpace(secret))
		if err != nil {
			if carepath.ErrorCode(err) == carepath.EUNAUTHORIZED {
				w.Header().Set("WWW-Authenticate", `Bearer realm="carepath", error="invalid_token"`)
			}
			s.WriteProblem(w, r, err)
			return
		}
		ctx := carepath.NewContextWithActor(r.Context(), &carepath.Actor{User: u, OrgID: u.OrgID, Source: s.ClientIP(r)})
		next(w, r.WithContext(ctx))
	}
}

// StatusClientClosed is the status logged and counted for a request its
// client abandoned before the answer (nginx's 499): nothing failed on the
// server, and nobody reads the answer.
const StatusClientClosed = 499

// ErrorStatus is the HTTP status of each domain error code; a request
// abandoned by its client (its context canceled) is StatusClientClosed.
func ErrorStatus(err error) int {
	if errors.Is(err, context.Canceled) {
		return StatusClientClosed
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

// WriteProblem is the one place domain errors become JSON.
func (s *Server) WriteProblem(w http.ResponseWriter, r *http.Request, err error) {
	status := ErrorStatus(err)
	if status == http.StatusInternalServerError {
		s.RequestLogger(r).Error("request failed", "path", r.URL.Path, "err", err)
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

// WriteJSON answers v as JSON, 200.
func WriteJSON(w http.ResponseWriter, v any) { WriteJSONStatus(w, http.StatusOK, v) }

// WriteJSONStatus answers v as JSON with status.
func WriteJSONStatus(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
