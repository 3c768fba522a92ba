package instrument

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"carepath"
)

// standardDir holds the published Questionnaires (MyCarePlanner's copies
// of LOINC's forms).
const standardDir = "../testdata/fhir/sdoh-questionnaires"

func readStandard(t testing.TB, name string) *Instrument {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(standardDir, name))
	if err != nil {
		t.Fatal(err)
	}
	std, err := FromQuestionnaire(b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return std
}

// TestDefinitionsMatchTheStandard: imported from the published FHIR
// Questionnaires, the AHC HRSN and PRAPARE are Carepath's item for item
// (codes, types, answer codes in order), and the PHQ-4's PHQ-2 and GAD-2
// items are those of Carepath's PHQ-2 and GAD-7, but for the departures
// listed, each for a reason.
func TestDefinitionsMatchTheStandard(t *testing.T) {
	for _, c := range []struct {
		in      *Instrument
		file    string
		missing []string // the standard's items Carepath's lacks
		changed []string
	}{
		{AHCHRSN, "AHC-questionnaire.json", nil, nil},
		// PRAPARE's paper form says "mark all that apply" to the needs
		// unmet; this copy of the Questionnaire lacks "repeats".
		{PRAPARE, "PRAPARE-questionnaire.json", nil, []string{"item 93031-3: several answers true, the standard's false"}},
		// The PHQ-4 is the PHQ-2 and the GAD-2 with a total of its own.
		{PHQ2, "PHQ-4-questionnaire.json", []string{"69725-0", "68509-9", "58625"}, []string{"panel code 55757-9, the standard's 69724-3"}},
		// The PHQ-4 words its second GAD answer "more days than not"
		// (LA18938-3); the GAD-7 says "more than half the days", as LOINC's
		// GAD-7 panel does.
		{GAD7, "PHQ-4-questionnaire.json", []string{"44250-9", "44255-8", "58625"}, []string{"panel code 69737-5, the standard's 69724-3",
			"item 68509-9: answers [LA6568-5 LA6569-3 LA6570-1 LA6571-9], the standard's [LA6568-5 LA6569-3 LA18938-3 LA6571-9]"}},
	} {
		d := c.in.Compare(readStandard(t, c.file))
		var missing []string
		for _, m := range d.Missing {
			missing = append(missing, strings.Fields(m)[0])
		}
		if !slices.Equal(missing, c.missing) || !slices.Equal(d.Changed, c.changed) {
			t.Errorf("%s against %s: %+v", c.in.Name, c.file, d)
		}
	}

	// The comparison finds what it is for: an answer left out, a type
	// changed, an item added.
	ahc := readStandard(t, "AHC-questionnaire.json")
	changed := *AHCHRSN
	changed.Items = slices.Clone(AHCHRSN.Items)
	changed.Items[0].Options = changed.Items[0].Options[:2]
	changed.Items[4].Type = Text
	changed.Items = append(changed.Items, Item{ID: "extra-1", Text: "An extra question"})
	d := changed.Compare(ahc)
	if len(d.Changed) != 2 || !strings.Contains(d.Changed[0], "item 71802-3: answers [LA31993-1 LA31994-9], the standard's [LA31993-1 LA31994-9 LA31995-6]") ||
		!strings.Contains(d.Changed[1], "item 93030-5: type text, the standard's choice") || len(d.Extra) != 1 || d.None() {
		t.Errorf("a changed AHC: %+v", d)
	}
}

func TestFromQuestionnaire(t *testing.T) {
	std := readStandard(t, "PRAPARE-questionnaire.json")
	household := std.item("63512-8")
	if std.Code != "93025-5" || std.CodeSystem != LOINC || household == nil || household.Type != Decimal || household.Section != "Family & Home" ||
		std.item("32624-9") == nil || !std.item("32624-9").Multiple || std.item("56799-0").Type != Text {
		t.Errorf("PRAPARE read as %+v", std)
	}
	// A boolean question is a yes-or-no choice; an item without a code is
	// known by its linkId.
	strain := readStandard(t, "caregiver-strain-questionnaire.json")
	if len(strain.Items) != 12 || strain.Items[0].ID != "q1" || optionCodes(&strain.Items[0]) != "true false" {
		t.Errorf("the caregiver strain index read as %+v", strain.Items)
	}
	for _, c := range []struct{ name, json, want string }{
		{"not JSON", `{"resourceType":`, "not a FHIR Questionnaire in JSON"},
		{"another resource", `{"resourceType":"Patient"}`, `This is a "Patient", not a Questionnaire`},
		{"answers in a value set", `{"resourceType":"Questionnaire","title":"T","item":[{"linkId":"a","type":"choice","answerValueSet":"http://example.org/vs"}]}`,
			"item a's answers are in the value set http://example.org/vs, which Carepath does not fetch"},
		{"an attachment", `{"resourceType":"Questionnaire","title":"T","item":[{"linkId":"a","type":"attachment"}]}`, `item a is of type "attachment"`},
		{"no id at all", `{"resourceType":"Questionnaire","title":"T","item":[{"text":"Who?","type":"string"}]}`, `an item ("Who?") has neither a code nor a linkId`},
		{"an option of a date", `{"resourceType":"Questionnaire","title":"T","item":[{"linkId":"a","type":"choice","answerOption":[{"valueDate":"2020-01-01"}]}]}`,
			"item a has an answer option of a type Carepath does not read"},
		{"groups too deep", `{"resourceType":"Questionnaire","title":"T","item":[` + strings.Repeat(`{"linkId":"g","type":"group","item":[`, 12) +
			strings.Repeat(`]}`, 12) + `]}`, "nested more than 10 deep"},
	} {
		_, err := FromQuestionnaire([]byte(c.json))
		if carepath.ErrorCode(err) != carepath.EINVALID || !strings.Contains(carepath.ErrorMessage(err), c.want) {
			t.Errorf("%s: %v, want EINVALID naming %q", c.name, err, c.want)
		}
	}
}

// FuzzFromQuestionnaire: whatever the file, reading it returns a
// definition or an error, never a panic, and a definition compares.
func FuzzFromQuestionnaire(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(standardDir, "*questionnaire.json"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"resourceType":"Questionnaire","item":[{"linkId":"a","type":"group","item":[{"linkId":"b","type":"integer"}]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := FromQuestionnaire(b)
		if err != nil {
			if carepath.ErrorCode(err) != carepath.EINVALID {
				t.Fatalf("not EINVALID: %v", err)
			}
			return
		}
		PRAPARE.Compare(in)
		in.Compare(AHCHRSN)
	})
}
