package medrec

import (
	"slices"
	"strings"
	"testing"
	"time"

	"carepath"
)

func med(id, code, name, dosage string) carepath.Medication {
	return carepath.Medication{ID: id, Code: carepath.Coding{System: "http://www.nlm.nih.gov/research/umls/rxnorm", Code: code, Display: name}, Dosage: dosage}
}

func TestCompare(t *testing.T) {
	before := []carepath.Medication{
		med("b1", "314076", "Lisinopril 10 MG Oral Tablet", "1 tablet daily"),
		med("b2", "860975", "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet", "1 tablet daily"),
		med("b3", "197361", "Amlodipine 5 MG Oral Tablet", "1 tablet daily"),
		med("b4", "310798", "Hydrochlorothiazide 25 MG Oral Tablet", "1 tablet daily"),
	}
	after := []carepath.Medication{
		med("a1", "314077", "Lisinopril 20 MG Oral Tablet", "1 tablet daily"),               // new strength: changed
		med("a2", "197361", "Amlodipine 5 MG Oral Tablet", "1 tablet  DAILY"),               // same: unchanged
		med("a3", "200031", "Carvedilol 6.25 MG Oral Tablet", "1 tablet twice daily"),       // new
		med("a4", "310798", "Hydrochlorothiazide 25 MG Oral Tablet", "half a tablet daily"), // same code, dosage: changed
	}
	lines := Compare(before, after)
	var got []string
	for _, l := range lines {
		id := ""
		if l.Before != nil {
			id += l.Before.ID
		}
		id += ">"
		if l.After != nil {
			id += l.After.ID
		}
		got = append(got, l.Kind+" "+id)
	}
	want := []string{"changed b1>a1", "unchanged b3>a2", "new >a3", "changed b4>a4", "stopped b2>"}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("lines %v, want %v", got, want)
	}
	if lines[0].Why != "the same ingredient (lisinopril), another strength or form" || lines[3].Why != "the same medicine (code 310798), the dosage changed" {
		t.Errorf("why: %q, %q", lines[0].Why, lines[3].Why)
	}
	if c := Count(lines); c[New] != 1 || c[Changed] != 2 || c[Stopped] != 1 || c[Unchanged] != 1 {
		t.Errorf("counts %v", c)
	}
	// Two insulins: a new strength of glargine changes glargine, not
	// lispro, though both names begin "Insulin".
	two := Compare([]carepath.Medication{med("x2", "2", "Insulin lispro 100 UNT/ML Injectable Solution", ""), med("x1", "1", "Insulin glargine 100 UNT/ML Injectable Solution", "")},
		[]carepath.Medication{med("y1", "3", "Insulin glargine 300 UNT/ML Injectable Solution", "")})
	if len(two) != 2 || two[0].Kind != Changed || two[0].Before.ID != "x1" || two[1].Kind != Stopped || two[1].Before.ID != "x2" {
		t.Errorf("insulins: %+v", two)
	}
	for name, want := range map[string]string{"24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet": "metformin hydrochloride",
		"Lisinopril 10 MG Oral Tablet": "lisinopril", "Insulin glargine 100 UNT/ML": "insulin glargine", "": ""} {
		if got := ingredient(name); got != want {
			t.Errorf("ingredient(%q) = %q, want %q", name, got, want)
		}
	}
	// A medicine ordered twice at discharge, the old dosage continued and
	// another added: the continued one is unchanged, the other new.
	twice := Compare([]carepath.Medication{med("p1", "198440", "Acetaminophen 500 MG Oral Tablet", "2 tablets every 8 hours")},
		[]carepath.Medication{med("d1", "198440", "Acetaminophen 500 MG Oral Tablet", "1-2 tablets every 6 hours"),
			med("d2", "198440", "Acetaminophen 500 MG Oral Tablet", "2 tablets every 8 hours")})
	if len(twice) != 2 || twice[0].Kind != New || twice[1].Kind != Unchanged || twice[1].Before.ID != "p1" {
		t.Errorf("ordered twice: %s %s", twice[0].Kind, twice[1].Kind)
	}
	if len(Compare(nil, nil)) != 0 {
		t.Error("two empty lists")
	}
}

func TestSplitAndLines(t *testing.T) {
	admitted := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	order := func(id, enc, status, authored, code, name, dosage string) carepath.Medication {
		return carepath.Medication{ID: id, EncounterID: enc, Status: status, Authored: authored, Code: carepath.Coding{Code: code, Display: name}, Dosage: dosage}
	}
	meds := []carepath.Medication{ // oldest first, as the store reads them
		order("m1", "old", "active", "2025-01-01T00:00:00Z", "314076", "Lisinopril 10 MG", "1 daily"),
		order("m2", "", "active", "2025-06-01T00:00:00Z", "314076", "Lisinopril 10 MG", "2 daily"), // a renewal supersedes m1
		order("m3", "", "stopped", "2025-07-01T00:00:00Z", "197361", "Amlodipine 5 MG", "1 daily"),
		order("m4", "", "active", "2025-08-01T00:00:00Z", "", "Fish oil", ""),
		order("m5", "", "active", "2026-03-02T00:00:00Z", "310798", "Hydrochlorothiazide 25 MG", "1 daily"), // after the admission
		order("m6", "stay", "active", "2026-03-03T00:00:00Z", "314076", "Lisinopril 10 MG", "2 daily"),
	}
	before, after := Split(meds, "stay", admitted)
	var ids []string
	for _, m := range append(slices.Clone(before), after...) {
		ids = append(ids, m.ID)
	}
	if !slices.Equal(ids, []string{"m2", "m4", "m6"}) {
		t.Fatalf("before and after = %v, want m2 m4 | m6", ids)
	}
	lines := Lines(before, after)
	if len(lines) != 2 || lines[0].Kind != Unchanged || lines[1].Kind != Stopped || lines[1].Medicine != "Fish oil" || lines[1].Before != "(no dosage recorded)" {
		t.Errorf("lines = %+v", lines)
	}
	confirm := Lines(before, nil)
	if len(confirm) != 2 || confirm[0].Kind != carepath.MedRecConfirm || confirm[0].Before != "2 daily" {
		t.Errorf("without a discharge list: %+v", confirm)
	}
	lines[0].Decision, lines[1].Decision = carepath.MedContinue, carepath.MedStop
	confirm[0].Decision, confirm[1].Decision = carepath.MedClarify, ""
	if k := Kept(append(lines, confirm...)); len(k) != 2 || k[0].Medicine != "Lisinopril 10 MG" || k[1].Decision != carepath.MedClarify {
		t.Errorf("kept = %+v", k)
	}
}
