package carepath

import "testing"

func TestEncounterEventKey(t *testing.T) {
	key := EncounterEventKey("adt:123", "medication-reconciliation")
	if key != "Encounter/adt:123:medication-reconciliation" {
		t.Fatalf("key %q", key)
	}
	if id, ev, ok := ParseEncounterEventKey(key); !ok || id != "adt:123" || ev != "medication-reconciliation" {
		t.Errorf("parsed %q %q %v", id, ev, ok)
	}
	for _, bad := range []string{"", "Encounter/", "Encounter/x", "Encounter/:discharge", "Encounter/x:", "schedule/x/1"} {
		if _, _, ok := ParseEncounterEventKey(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}
