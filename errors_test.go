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
