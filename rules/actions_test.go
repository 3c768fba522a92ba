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

func TestFitsTask(t *testing.T) {
	completed, cancelled := carepath.TaskCompleted, carepath.TaskCancelled
	tests := []struct {
		kind     string
		priority carepath.TaskPriority
		change   carepath.TaskChange
		field    string // the field refused; "" for none
	}{
		{KindMedRec, carepath.PriorityRoutine, carepath.TaskChange{Status: &completed}, "status"},
		{KindFollowUpVisit, carepath.PriorityRoutine, carepath.TaskChange{Attempt: "no answer"}, "attempt"},
		{KindMedRec, carepath.PriorityRoutine, carepath.TaskChange{Status: &cancelled, Note: "moved away"}, ""},
		{KindSafety, carepath.PriorityStat, carepath.TaskChange{Status: &completed, Note: "  "}, "note"},
		{KindSafety, carepath.PriorityStat, carepath.TaskChange{Status: &completed, Note: "called 911 with her"}, ""},
		{KindPostDischarge, carepath.PriorityASAP, carepath.TaskChange{Status: &completed}, ""},
	}
	for _, tt := range tests {
		err := FitsTask(&carepath.Task{Kind: tt.kind, Priority: tt.priority}, tt.change)
		var field string
		if e, ok := err.(*carepath.Error); ok && len(e.Fields) > 0 {
			field = e.Fields[0].Field
		} else if err != nil {
			t.Fatalf("%s: %v", tt.kind, err)
		}
		if field != tt.field {
			t.Errorf("%s %s %+v: refused field %q, want %q", tt.kind, tt.priority, tt.change, field, tt.field)
		}
	}
}
