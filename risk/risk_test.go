package risk

import (
	"math"
	"strings"
	"testing"

	"carepath"
)

func icd(id, code string) carepath.Condition {
	return carepath.Condition{ID: id, ClinicalStatus: "active", Code: carepath.Coding{System: "http://hl7.org/fhir/sid/icd-10-cm", Code: code, Display: code}}
}

func snomed(id, code, display string) carepath.Condition {
	return carepath.Condition{ID: id, ClinicalStatus: "active", Code: carepath.Coding{System: "http://snomed.info/sct", Code: code, Display: display}}
}

func ids(found []Finding) string {
	var out []string
	for _, f := range found {
		out = append(out, f.Category.ID+":"+f.ConditionID)
	}
	return strings.Join(out, ",")
}

func TestComorbidities(t *testing.T) {
	resolved := icd("old-mi", "I21.9")
	resolved.ClinicalStatus = "resolved"
	for _, c := range []struct {
		name       string
		conditions []carepath.Condition
		want       string
	}{
		{"none", nil, ""},
		{"ICD-10-CM with and without the dot", []carepath.Condition{icd("c1", "I50.22"), icd("c2", "J449")}, "chf:c1,cpd:c2"},
		{"E11.65 is diabetes without complications (Quan: E11.6)", []carepath.Condition{icd("d", "E11.65")}, "diabetes:d"},
		{"with nephropathy as well, only the complicated tier counts", []carepath.Condition{icd("d", "E11.65"), icd("n", "E11.21")}, "diabetes-complicated:n"},
		{"lung cancer and metastases: only metastatic", []carepath.Condition{icd("lung", "C34.11"), icd("mets", "C78.01")}, "metastatic:mets"},
		{"a resolved MI does not count", []carepath.Condition{resolved}, ""},
		{"one condition per category", []carepath.Condition{icd("a", "I50.9"), snomed("b", "88805009", "Chronic congestive heart failure")}, "chf:a"},
		{"SNOMED: Synthea's heart failure and CKD stage 4", []carepath.Condition{snomed("hf", "88805009", "Chronic congestive heart failure"), snomed("ckd", "431857002", "Chronic kidney disease stage 4")},
			"chf:hf,renal:ckd"},
		{"I10 (hypertension) is none", []carepath.Condition{icd("h", "I10")}, ""},
		{"an ICD-10 code is not read as SNOMED", []carepath.Condition{icd("x", "88805009")}, ""},
	} {
		if got := ids(Comorbidities(c.conditions)); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestLACE(t *testing.T) {
	chf := Finding{Category: mustCategory("chf"), ConditionID: "c-hf", Display: "Heart failure"}
	dmc := Finding{Category: mustCategory("diabetes-complicated"), ConditionID: "c-dm", Display: "Diabetic nephropathy"}
	mi := Finding{Category: mustCategory("mi"), ConditionID: "c-mi", Display: "Old MI"}
	mets := Finding{Category: mustCategory("metastatic"), ConditionID: "c-m", Display: "Metastases"}
	pud := Finding{Category: mustCategory("pud"), ConditionID: "c-u", Display: "Ulcer"}
	in := func(los float64, emergent bool, ed float64, found ...Finding) LACEInput {
		e := No("enc")
		if emergent {
			e = Yes("enc")
		}
		return LACEInput{LengthOfStayDays: Known(los, "enc"), Emergent: e, EDVisits6Months: Known(ed, "ed1"), Comorbidities: found}
	}
	for _, c := range []struct {
		name  string
		in    LACEInput
		total int
		band  string
	}{
		// van Walraven's kind of patient: 5 days, through the ED, heart
		// failure and diabetes with end-organ damage (2+2 = 4 scores 5),
		// one ED visit: 4 + 3 + 5 + 1.
		{"the worked example", in(5, true, 1, chf, dmc), 13, "high"},
		{"same day, elective, nothing", in(0, false, 0), 0, "low"},
		{"1 day", in(1, false, 0), 1, "low"},
		{"2 days", in(2, false, 0), 2, "low"},
		{"3 days", in(3, false, 0), 3, "low"},
		{"4 days", in(4, false, 0), 4, "low"},
		{"6 days", in(6, false, 0), 4, "low"},
		{"7 days", in(7, false, 0), 5, "moderate"},
		{"13 days", in(13, false, 0), 5, "moderate"},
		{"14 days", in(14, false, 0), 7, "moderate"},
		{"comorbidity 1", in(0, false, 0, mi), 1, "low"},
		{"comorbidity 3 (MI 1 + heart failure 2)", in(0, false, 0, mi, chf), 3, "low"},
		{"comorbidity 4 scores 5", in(0, false, 0, chf, dmc), 5, "moderate"},
		{"metastatic 6 scores 5", in(0, false, 0, mets), 5, "moderate"},
		{"peptic ulcer has no LACE weight", in(0, false, 0, pud), 0, "low"},
		{"4 ED visits", in(0, false, 4), 4, "low"},
		{"7 ED visits count 4", in(0, false, 7), 4, "low"},
		{"9 points is moderate", in(14, false, 2), 9, "moderate"},
		{"10 points is high", in(14, true, 0), 10, "high"},
		{"the most: 19", in(20, true, 9, chf, dmc, mets), 19, "high"},
	} {
		s := LACE(c.in)
		if s.Total != c.total || s.Band != c.band || !s.Complete() || len(s.Components) != 4 {
			t.Errorf("%s: %d %s (complete %v), want %d %s", c.name, s.Total, s.Band, s.Complete(), c.total, c.band)
		}
	}
	s := LACE(in(5, true, 1, chf, dmc))
	if c := s.Components[2]; c.Why != "heart failure 2 (Heart failure), diabetes with end-organ damage 2 (Diabetic nephropathy): sum 4 (4 or more scores 5)" ||
		strings.Join(c.Facts, ",") != "c-hf,c-dm" {
		t.Errorf("C says %q with facts %v", c.Why, c.Facts)
	}
	// Missing data is said, not scored 0 in silence.
	m := LACE(LACEInput{LengthOfStayDays: Known(3, "enc")})
	if m.Complete() || strings.Join(m.Missing(), "; ") != "A: acuity of admission; E: emergency visits in the prior 6 months" || m.Total != 3 {
		t.Errorf("LACE with missing data: %+v", m)
	}
}

func TestHOSPITAL(t *testing.T) {
	all := HOSPITALInput{Hemoglobin: Known(10.1, "hb"), Oncology: Yes("enc"), Sodium: Known(131, "na"), Procedure: Yes("pr"), Urgent: Yes("enc"),
		AdmissionsPrior12mo: Known(6, "a1"), LengthOfStayDays: Known(5, "enc")}
	if s := HOSPITAL(all); s.Total != 13 || s.Band != "high" || !s.Complete() {
		t.Errorf("everything: %d %s", s.Total, s.Band)
	}
	none := HOSPITALInput{Hemoglobin: Known(12), Oncology: No(), Sodium: Known(135), Procedure: No(), Urgent: No(),
		AdmissionsPrior12mo: Known(1), LengthOfStayDays: Known(4)}
	if s := HOSPITAL(none); s.Total != 0 || s.Band != "low" {
		t.Errorf("the boundaries (Hb 12, Na 135, 1 admission, 4 days): %d %s", s.Total, s.Band)
	}
	for _, c := range []struct {
		admissions float64
		points     int
	}{{0, 0}, {1, 0}, {2, 2}, {5, 2}, {6, 5}} {
		in := none
		in.AdmissionsPrior12mo = Known(c.admissions)
		if s := HOSPITAL(in); s.Total != c.points {
			t.Errorf("%v admissions: %d points, want %d", c.admissions, s.Total, c.points)
		}
	}
	for _, c := range []struct {
		in   func(h *HOSPITALInput)
		band string
	}{
		{func(h *HOSPITALInput) { h.AdmissionsPrior12mo = Known(2); h.Oncology = Yes() }, "low"},                            // 4
		{func(h *HOSPITALInput) { h.AdmissionsPrior12mo = Known(2); h.Oncology = Yes(); h.Urgent = Yes() }, "intermediate"}, // 5
		{func(h *HOSPITALInput) { h.AdmissionsPrior12mo = Known(6); h.Urgent = Yes() }, "intermediate"},                     // 6
		{func(h *HOSPITALInput) { h.AdmissionsPrior12mo = Known(6); h.Urgent = Yes(); h.Hemoglobin = Known(11.9) }, "high"}, // 7
	} {
		in := none
		c.in(&in)
		if s := HOSPITAL(in); s.Band != c.band {
			t.Errorf("total %d: band %s, want %s", s.Total, s.Band, c.band)
		}
	}
	m := HOSPITAL(HOSPITALInput{Urgent: Yes()})
	if m.Complete() || len(m.Missing()) != 6 || m.Total != 1 {
		t.Errorf("HOSPITAL with one fact: %d, missing %v", m.Total, m.Missing())
	}
}

func TestCharlson(t *testing.T) {
	// The published 10-year survival by index (Charlson 1987, as MDCalc
	// tabulates it): 0 98%, 1 96%, 2 90%, 3 77%, 4 53%, 5 21%.
	for score, want := range []float64{0.98, 0.96, 0.90, 0.77, 0.53, 0.21} {
		if got := math.Pow(0.983, math.Exp(0.9*float64(score))); math.Abs(got-want) > 0.006 {
			t.Errorf("index %d: survival %.3f, want %.2f", score, got, want)
		}
	}
	found := Comorbidities([]carepath.Condition{icd("hf", "I50.9"), icd("copd", "J44.9"), icd("dm", "E11.22"), icd("dm2", "E11.9")})
	s, survival := Charlson(found, Known(72, "birth"))
	// Heart failure 1, pulmonary 1, diabetes with end-organ damage 2 (the
	// uncomplicated tier not counted), age 70-79 3.
	if s.Total != 7 || len(s.Components) != 4 || survival > 0.001 {
		t.Errorf("Charlson: %d (%+v), survival %.4f", s.Total, s.Components, survival)
	}
	for _, c := range []struct {
		age    float64
		points int
	}{{49, 0}, {50, 1}, {59, 1}, {60, 2}, {70, 3}, {79, 3}, {80, 4}, {95, 4}} {
		if s, _ := Charlson(nil, Known(c.age)); s.Total != c.points {
			t.Errorf("age %v: %d points, want %d", c.age, s.Total, c.points)
		}
	}
	if s, _ := Charlson(nil, Number{}); s.Complete() || s.Missing()[0] != "age" {
		t.Errorf("no birth date: %+v", s)
	}
}

func mustCategory(id string) Category {
	for _, c := range Categories {
		if c.ID == id {
			return c
		}
	}
	panic("no category " + id)
}
