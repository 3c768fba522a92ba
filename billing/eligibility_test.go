package billing

import (
	"strings"
	"testing"

	"carepath"
)

func cond(system, code, display, status, onset string) carepath.Condition {
	return carepath.Condition{Code: carepath.Coding{System: system, Code: code, Display: display}, ClinicalStatus: status, Onset: onset}
}

const sct, icd = "http://snomed.info/sct", "http://hl7.org/fhir/sid/icd-10-cm"

func TestEligible(t *testing.T) {
	hf := cond(sct, "84114007", "Heart failure", "active", "2019-04-02")
	dm := cond(icd, "E11.9", "Type 2 diabetes", "active", "2015")
	dep := cond(sct, "370143000", "Major depressive disorder", "active", "2021-01-01")
	ckd := cond(sct, "433144002", "CKD stage 3", "active", "")
	old := cond(sct, "38341003", "Hypertension", "resolved", "2001")
	for _, c := range []struct {
		name  string
		conds []carepath.Condition
		want  map[string]string // program -> "yes: words" or "no: words"
	}{
		{"heart failure and diabetes", []carepath.Condition{hf, dm}, map[string]string{
			CCM:  "yes: 2 chronic conditions expected to last 12 months: heart failure since 2019, type 2 diabetes since 2015",
			PCM:  "yes: a chronic condition to manage with a disease-specific plan: heart failure since 2019 (and 1 more: CCM may suit better)",
			BHI:  "no: no behavioral health condition",
			RPM:  "yes: a condition a device measures at home: heart failure since 2019, type 2 diabetes since 2015",
			APCM: "yes: every patient of the practice; level 2 (2 chronic conditions",
		}},
		{"one condition", []carepath.Condition{ckd}, map[string]string{
			CCM: "no: one chronic condition (chronic kidney disease); CCM needs two",
			PCM: "yes: a chronic condition to manage with a disease-specific plan: chronic kidney disease",
			RPM: "no: no condition a home device measures",
		}},
		{"depression", []carepath.Condition{dep, hf}, map[string]string{CoCM: "yes: a behavioral health condition: depression since 2021", CCM: "yes: 2 chronic"}},
		{"a resolved condition does not count", []carepath.Condition{old}, map[string]string{CCM: "no: no chronic condition", APCM: "yes: every patient of the practice; level 1"}},
		{"nothing", nil, map[string]string{PCM: "no: no chronic condition"}},
		// The care manager's day: type 2 diabetes with diabetic CKD (2022)
		// and CKD on the list since 2001. The words left the diabetes out
		// and dated the CKD 2022.
		{"diabetic chronic kidney disease", []carepath.Condition{cond(sct, "771000119108", "Type 2 diabetes mellitus with diabetic chronic kidney disease", "active", "2022-03-01"),
			cond(sct, "709044004", "Chronic kidney disease", "active", "2001-06-01")}, map[string]string{
			CCM: "yes: 2 chronic conditions expected to last 12 months: type 2 diabetes since 2022, chronic kidney disease since 2001",
		}},
	} {
		got := map[string]string{}
		for _, e := range Eligible(c.conds) {
			yes := "no: "
			if e.Eligible {
				yes = "yes: "
			}
			got[e.Program] = yes + e.Why
			if e.Source == "" {
				t.Errorf("%s: %s without its source", c.name, e.Program)
			}
		}
		for program, want := range c.want {
			if !strings.HasPrefix(got[program], want) {
				t.Errorf("%s: %s = %q, want %q...", c.name, program, got[program], want)
			}
		}
	}
	if n := ChronicCount([]carepath.Condition{hf, dm, dep, old}); n != 3 {
		t.Errorf("chronic count %d, want 3", n)
	}
}
