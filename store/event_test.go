package store

import (
	"reflect"
	"testing"
	"time"

	"carepath"
)

// An event's facts are stored under the names earlier versions used, so a
// pending event outlives an upgrade: each kind's typed facts go out and
// come back the same, and facts stored before they were typed read.
func TestEventFacts(t *testing.T) {
	at := time.Date(2026, 5, 22, 13, 0, 0, 0, time.UTC)
	for _, e := range []carepath.Event{
		{Kind: carepath.EventDischarge, Stay: &carepath.StayFacts{EncounterID: "e1", Class: "IMP", Start: at.Add(-72 * time.Hour), End: at,
			Facility: "General Hospital", Disposition: "home", DispositionDisplay: "Home"}},
		{Kind: carepath.EventAdmission, Stay: &carepath.StayFacts{EncounterID: "e2", Class: "OBSENC", Start: at, Facility: "General Hospital"}},
		{Kind: carepath.EventVitalSign, VitalSign: &carepath.VitalSignFacts{ObservationID: "o1", Code: carepath.Coding{Code: "85354-9", Display: "Blood pressure"},
			Effective: at, Readings: []carepath.VitalReading{{Code: "8480-6", Name: "Systolic", Unit: "mm[Hg]", Value: 184.5, Why: "180 or more"},
				{Code: "8462-4", Name: "Diastolic", Unit: "mm[Hg]", Value: 121, Why: "120 or more"}}}},
	} {
		back := carepath.Event{Kind: e.Kind}
		if err := readEventFacts(&back, eventFactsJSON(e)); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back.Stay, e.Stay) || !reflect.DeepEqual(back.VitalSign, e.VitalSign) {
			t.Errorf("%s came back as %+v %+v", e.Kind, back.Stay, back.VitalSign)
		}
	}
	// As a discharge was stored before its facts were typed.
	old := carepath.Event{Kind: carepath.EventDischarge}
	err := readEventFacts(&old, `{"class":"IMP","disposition":"snf","disposition_display":"","encounter":"e9","end":"2026-05-22T13:00:00Z",
		"facility":"","start":"2026-05-19T13:00:00Z"}`)
	if err != nil || old.Stay == nil || old.Stay.EncounterID != "e9" || !old.Stay.End.Equal(at) || old.Stay.Disposition != "snf" {
		t.Errorf("an earlier version's discharge: %v %+v", err, old.Stay)
	}
}
