package carepath

import (
	"testing"
	"time"
)

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

func TestParseEffective(t *testing.T) {
	for s, want := range map[string]time.Time{
		"2026-11-20T08:00:00Z":      time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC),
		"2026-11-20T08:00:00-05:00": time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC),
		"2026-11-20T08:00:00":       time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC),
		"2026-11-20":                time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC),
		"2026-11":                   {},
		"":                          {},
	} {
		if got := ParseEffective(s); !got.Equal(want) {
			t.Errorf("ParseEffective(%q) = %v, want %v", s, got, want)
		}
	}
}
