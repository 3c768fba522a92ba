// Package carepath is the domain of Carepath, a care-management platform: the
// clinical record, the people who work in it, and the services that change it.
// It holds types, service interfaces and the error vocabulary; it knows no SQL,
// no HTTP and no FHIR. Adapters live in subpackages (store, web, fhir,
// fhirimport) and the binary is wired in cmd/carepath.
package carepath

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes. Every surface (HTML, JSON API, FHIR OperationOutcome, CLI)
// turns these into its own representation in exactly one place.
const (
	ECONFLICT       = "conflict"        // the action conflicts with the current state
	EINTERNAL       = "internal"        // a fault of ours; details are logged, not shown
	EINVALID        = "invalid"         // the input is invalid; the message says why
	ENOTFOUND       = "not_found"       // no such thing, or not visible to the caller
	ENOTIMPLEMENTED = "not_implemented" // a valid request we do not support yet
	ETHROTTLED      = "throttled"       // too many attempts: the message says when to try again
	EUNAUTHORIZED   = "unauthorized"    // the caller is not signed in
)

// Error is a domain error: a code from the list above and a message meant for
// the person who caused it; when the problem is with some inputs, Fields
// names each (a form shows it beside the input, the API lists them).
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
}

// FieldError is a problem with one input. Field names it as the JSON API
// does, a path ("minutes", "decisions.2.decision", "problems.0.goals.1.target");
// Message says what is wrong, in words for the person who typed it.
type FieldError struct {
	Field   string
	Message string
}

// Problems gathers the problems with a change's inputs, for Invalid.
type Problems []FieldError

// Add records a problem with the input field, its message formatted as
// fmt.Sprintf formats it.
func (p *Problems) Add(field, format string, args ...any) {
	*p = append(*p, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Invalid returns EINVALID for the problems, whose messages, joined, follow
// intro in its message ("This change cannot be recorded: a; b."). With no
// problems it returns nil.
func Invalid(intro string, problems ...FieldError) error {
	if len(problems) == 0 {
		return nil
	}
	msgs := make([]string, len(problems))
	for i, p := range problems {
		msgs[i] = p.Message
	}
	return &Error{Code: EINVALID, Message: intro + ": " + strings.Join(msgs, "; ") + ".", Fields: problems}
}

// ErrorFields returns the input problems of the first *Error in err's
// chain, or nil.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

func (e *Error) Error() string {
	return fmt.Sprintf("carepath error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code string, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, or a
// generic message for any other error, so internals never reach a user.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
