package carepath_test

import (
	"errors"
	"fmt"
	"testing"

	"carepath"
)

func TestErrorVocabulary(t *testing.T) {
	wrapped := fmt.Errorf("loading: %w", carepath.Errorf(carepath.ENOTFOUND, "Patient %s not found.", "p1"))
	for _, tc := range []struct {
		err        error
		code, mesg string
	}{
		{nil, "", ""},
		{carepath.Errorf(carepath.EINVALID, "Bad date %q.", "x"), carepath.EINVALID, `Bad date "x".`},
		{wrapped, carepath.ENOTFOUND, "Patient p1 not found."},
		// Anything that is not a domain error is internal, and its text
		// never reaches a user.
		{errors.New("pq: connection refused to 10.0.0.5"), carepath.EINTERNAL, "Internal error."},
	} {
		if got := carepath.ErrorCode(tc.err); got != tc.code {
			t.Errorf("ErrorCode(%v) = %q; want %q", tc.err, got, tc.code)
		}
		if got := carepath.ErrorMessage(tc.err); got != tc.mesg {
			t.Errorf("ErrorMessage(%v) = %q; want %q", tc.err, got, tc.mesg)
		}
	}
}

func TestInvalidNamesEachInput(t *testing.T) {
	if carepath.Invalid("Nothing") != nil {
		t.Error("Invalid without problems is not nil")
	}
	err := fmt.Errorf("saving: %w", carepath.Invalid("This time entry cannot be recorded",
		carepath.FieldError{Field: "minutes", Message: "minutes from 1 to 240 (0 given)"}, carepath.FieldError{Field: "start", Message: "a start"}))
	if carepath.ErrorCode(err) != carepath.EINVALID || carepath.ErrorMessage(err) != "This time entry cannot be recorded: minutes from 1 to 240 (0 given); a start." {
		t.Errorf("%v: %q", err, carepath.ErrorMessage(err))
	}
	if f := carepath.ErrorFields(err); len(f) != 2 || f[1].Field != "start" {
		t.Errorf("fields %+v", f)
	}
	if carepath.ErrorFields(errors.New("x")) != nil {
		t.Error("fields of a non-domain error")
	}
}

func TestPatientName(t *testing.T) {
	for _, tc := range []struct{ given, family, want string }{
		{"Emily", "Rivera", "Emily Rivera"}, {"", "张无忌", "张无忌"}, {"Cher", "", "Cher"}, {"", "", ""},
	} {
		p := carepath.Patient{Given: tc.given, Family: tc.family}
		if got := p.Name(); got != tc.want {
			t.Errorf("Name(%q, %q) = %q; want %q", tc.given, tc.family, got, tc.want)
		}
	}
}
