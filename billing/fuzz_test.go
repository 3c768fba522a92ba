package billing

import (
	"testing"
	"time"
)

// FuzzParseMonth: a month from a URL or a command line parses to a month
// that writes back as it was sent, or is refused; never a panic, never a
// month that reads one way and prints another.
func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"2026-11", "2026-1", "0000-01", "9999-12", "2026-13", "2026-00", "2026-11-01", " 2026-11", "+2026-11", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMonth(s, time.UTC)
		if err != nil {
			return
		}
		if m.String() != s {
			t.Fatalf("ParseMonth(%q) = %s", s, m)
		}
		if !m.Contains(m.Start()) || m.Contains(m.End()) {
			t.Fatalf("month %s does not contain its start or contains its end", m)
		}
	})
}
