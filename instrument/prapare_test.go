package instrument

import (
	"strings"
	"testing"

	"carepath"
)

// prapareNone answers every required PRAPARE item without a risk.
func prapareNone() Answers {
	return Answers{"56051-6": {"LA32-8"}, "32624-9": {"LA4457-3"}, "93035-4": {"LA32-8"}, "93034-7": {"LA32-8"}, "54899-0": {"LA43-5"},
		"71802-3": {"LA30189-7"}, "93033-9": {"LA32-8"}, "82589-3": {"LA30192-1"}, "67875-5": {"LA30136-8"}, "76437-3": {"LA15652-3"},
		"93031-3": {"LA30122-8"}, "93030-5": {"LA32-8"}, "93029-7": {"LA30132-7"}, "93038-8": {"LA6568-5"}}
}

// withChanges is base with some answers changed.
func withChanges(base, changes Answers) Answers {
	a := Answers{}
	for k, v := range base {
		a[k] = v
	}
	for k, v := range changes {
		a[k] = v
	}
	return a
}

// positiveDomains names a result's positive domains, in order, and fails
// the test for one that does not say why.
func positiveDomains(t *testing.T, name string, r Result) string {
	t.Helper()
	var pos []string
	for _, d := range r.Domains {
		if d.Positive {
			pos = append(pos, d.Domain)
			if d.Why == "" {
				t.Errorf("%s: domain %s is positive without saying why", name, d.Domain)
			}
		}
	}
	return strings.Join(pos, ",")
}

func TestPRAPARENeeds(t *testing.T) {
	with := func(changes Answers) Answers { return withChanges(prapareNone(), changes) }
	for _, c := range []struct {
		name     string
		answers  Answers
		positive string
	}{
		{"no needs", prapareNone(), ""},
		{"everything declined", with(Answers{"56051-6": {"LA30122-8"}, "71802-3": {"LA30122-8"}, "93033-9": {"LA30122-8"}, "82589-3": {"LA30122-8"},
			"67875-5": {"LA30122-8"}, "93029-7": {"LA30122-8"}, "93038-8": {"LA30122-8"}}), ""},
		// Personal characteristics are recorded, not screened.
		{"farm work, veteran, another language, refugee, jail", with(Answers{"93035-4": {"LA33-6"}, "93034-7": {"LA33-6"}, "54899-0": {"LA30188-9"},
			"93027-1": {"LA33-6"}, "93028-9": {"LA33-6"}}), ""},
		{"no housing", with(Answers{"71802-3": {"LA30190-5"}}), "housing"},
		{"worried about losing housing", with(Answers{"93033-9": {"LA33-6"}}), "housing"},
		// One "unable to get" item screens three needs by its answers.
		{"unable to get food, utilities and a phone", with(Answers{"93031-3": {"LA30125-1", "LA30124-4", "LA30129-3"}}), "food,utilities,material security"},
		{"unable to get medicine", with(Answers{"93031-3": {"LA30128-5"}}), "material security"},
		{"transportation to appointments", with(Answers{"93030-5": {"LA30133-5"}}), "transportation"},
		{"transportation to work", with(Answers{"93030-5": {"LA30134-3"}}), "transportation"},
		{"sees people once or twice a week", with(Answers{"93029-7": {"LA30130-1"}}), "social isolation"},
		{"sees people 3 to 5 times a week", with(Answers{"93029-7": {"LA30131-9"}}), ""},
		{"stress somewhat", with(Answers{"93038-8": {"LA13909-9"}}), ""},
		{"stress quite a bit", with(Answers{"93038-8": {"LA13902-4"}}), "stress"},
		{"unsure of feeling safe", with(Answers{"93026-3": {"LA14072-5"}}), "interpersonal safety"},
		{"afraid of a partner", with(Answers{"76501-6": {"LA33-6"}}), "interpersonal safety"},
		{"unemployed, no diploma, uninsured", with(Answers{"67875-5": {"LA17956-6"}, "82589-3": {"LA30191-3"}, "76437-3": {"LA30194-7"}}),
			"employment,education,insurance"},
		{"retired, not seeking work", with(Answers{"67875-5": {"LA30137-6"}}), ""},
		{"household and income recorded", with(Answers{"63512-8": {"3"}, "63586-2": {"18500.50"}, "56799-0": {"12 Elm St, Springfield"}}), ""},
	} {
		r, err := PRAPARE.Score(c.answers)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if pos := positiveDomains(t, c.name, r); pos != c.positive || r.Positive != (c.positive != "") || r.Total != nil || len(r.Domains) != 11 {
			t.Errorf("%s: positive needs %q (screen %v, %d domains), want %q", c.name, pos, r.Positive, len(r.Domains), c.positive)
		}
	}
	if len(PRAPARE.Items) != 21 || PRAPARE.ObservationCategory() != "sdoh" {
		t.Errorf("PRAPARE has %d items in category %s, want 21 in sdoh", len(PRAPARE.Items), PRAPARE.ObservationCategory())
	}
}

func TestValueAnswers(t *testing.T) {
	with := func(changes Answers) Answers { return withChanges(prapareNone(), changes) }
	for _, c := range []struct {
		name string
		a    Answers
		want string // in the error; "" for none
	}{
		{"a household of 1", with(Answers{"63512-8": {"1"}}), ""},
		{"a household of 99", with(Answers{"63512-8": {"99"}}), ""},
		{"a household of 0", with(Answers{"63512-8": {"0"}}), "item 63512-8 takes a number from 1 to 99, not 0"},
		{"a household of 100", with(Answers{"63512-8": {"100"}}), "item 63512-8 takes a number from 1 to 99, not 100"},
		{"a household of 2.5", with(Answers{"63512-8": {"2.5"}}), "item 63512-8 takes a whole number, not 2.5"},
		{"words for a number", with(Answers{"63512-8": {"three"}}), `item 63512-8 takes a number, not "three"`},
		{"not a number", with(Answers{"63586-2": {"NaN"}}), `item 63586-2 takes a number, not "NaN"`},
		{"infinite income", with(Answers{"63586-2": {"Inf"}}), `item 63586-2 takes a number, not "Inf"`},
		{"negative income", with(Answers{"63586-2": {"-1"}}), "item 63586-2 takes a number from 0 to 100000000, not -1"},
		{"income with cents", with(Answers{"63586-2": {"18500.25"}}), ""},
		{"two values", with(Answers{"63512-8": {"2", "3"}}), "item 63512-8 takes one answer"},
		{"an empty address", with(Answers{"56799-0": {"  "}}), "item 56799-0 is empty"},
		{"an address too long", with(Answers{"56799-0": {strings.Repeat("é", MaxTextLength+1)}}), "item 56799-0 is 2001 characters long; the most is 2000"},
		{"an address just short enough", with(Answers{"56799-0": {strings.Repeat("é", MaxTextLength)}}), ""},
		{"not UTF-8", with(Answers{"56799-0": {"\xff\xfe"}}), "item 56799-0 is not valid text"},
	} {
		_, err := PRAPARE.Score(c.a)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (carepath.ErrorCode(err) != carepath.EINVALID || !strings.Contains(carepath.ErrorMessage(err), c.want)):
			t.Errorf("%s: %v, want EINVALID naming %q", c.name, err, c.want)
		}
	}

	// Clean drops blanks, trims words and writes numbers one way.
	got := PRAPARE.Clean(Answers{"63512-8": {" +3.0 "}, "63586-2": {"1e4"}, "56799-0": {"  12 Elm St \n"}, "93031-3": {"", "LA30125-1"}, "93028-9": {" "}})
	want := Answers{"63512-8": {"3"}, "63586-2": {"10000"}, "56799-0": {"12 Elm St"}, "93031-3": {"LA30125-1"}}
	if len(got) != len(want) {
		t.Fatalf("Clean: %v, want %v", got, want)
	}
	for k, v := range want {
		if strings.Join(got[k], "|") != strings.Join(v, "|") {
			t.Errorf("Clean %s: %q, want %q", k, got[k], v)
		}
	}

	// A value answer says what it was, with its unit, where the points go.
	r, err := PRAPARE.Score(with(Answers{"63512-8": {"4"}}))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range r.Points {
		found = found || (p.ItemID == "63512-8" && p.Answer == "4 people" && p.Points == 0)
	}
	if !found {
		t.Errorf("household size not in the result's answers: %+v", r.Points)
	}
}

func TestWhatMatters(t *testing.T) {
	a := Answers{"what-matters-most": {"My grandchildren"}, "goal-1": {"Walk to church again"}}
	r, err := WhatMatters.Score(a)
	if err != nil {
		t.Fatal(err)
	}
	if WhatMatters.Screening() || r.Positive || r.Total != nil || len(r.Points) != 2 || r.Points[1].Answer != "Walk to church again" {
		t.Errorf("what matters: %+v", r)
	}
	_, err = WhatMatters.Score(Answers{"what-matters-most": {"My grandchildren"}, "values": {"connecting", "enjoying-life"}})
	if !strings.Contains(carepath.ErrorMessage(err), "item goal-1") {
		t.Errorf("a conversation without its first goal: %v", err)
	}
	if !PHQ9.Screening() || !AHCHRSN.Screening() || !PRAPARE.Screening() {
		t.Error("the screens say positive or negative")
	}
}
