package carepath

import "testing"

func TestNameQueryKey(t *testing.T) {
	for q, want := range map[string]string{
		"Rivera, Ana": "rivera ana", "  rivera   ANA ": "rivera ana", "rivera,ana": "rivera ana", "Riv": "riv", " , ": "",
	} {
		if got := NameQueryKey(q); got != want {
			t.Errorf("NameQueryKey(%q) = %q, want %q", q, got, want)
		}
	}
	if k := NameKey("Rivera", "Ana"); k[:len(NameQueryKey("Rivera, An"))] != NameQueryKey("Rivera, An") {
		t.Errorf("a typed name is not the start of the name key %q", k)
	}
}
