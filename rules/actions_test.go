package rules

import (
	"slices"
	"testing"

	"carepath"
)

func TestActionsFor(t *testing.T) {
	for _, c := range []struct {
		kind       string
		priority   carepath.TaskPriority
		element    string
		call, note bool
		reached    bool // "reached patient" is offered
	}{
		{KindMedRec, carepath.PriorityUrgent, "medication reconciliation", false, false, false},
		{KindFollowUpVisit, carepath.PriorityRoutine, "face-to-face visit", false, false, false},
		{KindPeriodEnd, carepath.PriorityRoutine, "close of the 30-day period", false, false, false},
		{KindPostDischarge, carepath.PriorityASAP, "", true, false, true},
		{KindSafety, carepath.PriorityStat, "", true, true, true},
		{KindCheckIn, carepath.PriorityStat, "", true, true, true},
		{KindScreening, carepath.PriorityRoutine, "", false, false, false},
		{"general", carepath.PriorityRoutine, "", true, false, true},
	} {
		a := ActionsFor(c.kind, c.priority)
		if a.Element != c.element || a.Call != c.call || a.NoteToClose != c.note || slices.Contains(a.Outcomes, carepath.OutcomeReached) != c.reached {
			t.Errorf("ActionsFor(%s, %s) = %+v", c.kind, c.priority, a)
		}
		if a.Element != "" && len(a.Outcomes) > 0 {
			t.Errorf("%s: an element's task offers outcomes %v", c.kind, a.Outcomes)
		}
	}
}
