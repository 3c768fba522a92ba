package carepath

import "testing"

func TestEventKey(t *testing.T) {
	for s, want := range map[string]EventKey{
		"Encounter/adt:123:medication-reconciliation": {Type: "Encounter", ID: "adt:123", What: "medication-reconciliation"},
		"Schedule/depression-phq9-monitoring:p2:3":    {Type: "Schedule", ID: "depression-phq9-monitoring:p2", What: "3"},
		"Goal/g1:2026-06-01":                          {Type: "Goal", ID: "g1", What: "2026-06-01"},
		"":                                            {},
	} {
		k, err := ParseEventKey(s)
		if err != nil || k != want || k.String() != s {
			t.Errorf("ParseEventKey(%q) = %+v, %v; String %q", s, k, err, k.String())
		}
	}
	if k := EncounterEventKey("e1", StayDischarge); k.String() != "Encounter/e1:discharge" {
		t.Errorf("the discharge key is %q", k)
	}
	for _, bad := range []string{"Encounter/", "Encounter/x", "Encounter/:discharge", "Encounter/x:", "/x:y", "x:y", "schedule-x-1"} {
		if k, err := ParseEventKey(bad); ErrorCode(err) != EINVALID {
			t.Errorf("%q parsed as %+v", bad, k)
		}
	}
}
