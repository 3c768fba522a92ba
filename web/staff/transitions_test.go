package staff

import (
	"strings"
	"testing"
	"time"

	"carepath"
)

// TestElementDoneLate: an element documented after its deadline is done
// late, not ticked green as on time.
func TestElementDoneLate(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	discharged := time.Date(2026, 12, 1, 15, 0, 0, 0, ny)
	tr := &carepath.Transition{Discharged: discharged, ContactDue: time.Date(2026, 12, 3, 23, 59, 59, 0, ny),
		VisitDue: time.Date(2026, 12, 7, 23, 59, 59, 0, ny), VisitDueHigh: time.Date(2026, 12, 7, 23, 59, 59, 0, ny),
		VisitDueModerate: time.Date(2026, 12, 14, 23, 59, 59, 0, ny), PeriodEnd: time.Date(2026, 12, 30, 23, 59, 59, 0, ny)}
	now := time.Date(2026, 12, 10, 9, 0, 0, 0, ny)
	tr.Contact = &carepath.TransitionNote{At: time.Date(2026, 12, 4, 10, 0, 0, 0, ny)} // a day late
	tr.Visit = &carepath.TransitionNote{At: time.Date(2026, 12, 7, 10, 0, 0, 0, ny)}   // on time
	r := newTransitionRow(tr, now, ny)
	if !r.ContactState.Done || !r.ContactState.Late || !strings.Contains(r.ContactState.Label, "done late, Fri 4 Dec (due Thu 3 Dec)") {
		t.Errorf("a contact a day late: %+v", r.ContactState)
	}
	if !r.VisitState.Done || r.VisitState.Late || r.VisitState.Label != "✓ Mon 7 Dec" {
		t.Errorf("a visit on time: %+v", r.VisitState)
	}
}
