package codeset

import (
	"testing"

	"carepath"
)

func TestMatches(t *testing.T) {
	snomed := func(c string) carepath.Coding { return carepath.Coding{System: "http://snomed.info/sct", Code: c} }
	icd := func(c string) carepath.Coding {
		return carepath.Coding{System: "http://hl7.org/fhir/sid/icd-10-cm", Code: c}
	}
	for _, c := range []struct {
		name string
		set  carepath.ConditionMatch
		code carepath.Coding
		want bool
	}{
		{"heart failure", HeartFailure, snomed("84114007"), true},
		{"chronic congestive heart failure", HeartFailure, snomed("88805009"), true},
		{"I50.22", HeartFailure, icd("I50.22"), true},
		{"I10 is not heart failure", HeartFailure, icd("I10"), false},
		{"hypertension is not heart failure", HeartFailure, snomed("38341003"), false},
		{"an ICD-10 code is not read as SNOMED", HeartFailure, icd("84114007"), false},
		{"major depression", Depression, snomed("370143000"), true},
		{"F33.1", Depression, icd("F33.1"), true},
		{"F31 (bipolar) is not depression", Depression, icd("F31.9"), false},
		{"E11.9", Type2Diabetes, icd("E11.9"), true},
		{"E10 (type 1) is not type 2", Type2Diabetes, icd("E10.9"), false},
	} {
		if got := c.set.Matches(c.code); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
