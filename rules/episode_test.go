package rules

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"carepath"
)

func TestApplyTransitionChange(t *testing.T) {
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	discharged := now.Add(-48 * time.Hour)
	nurse := &carepath.Actor{User: &carepath.User{ID: "u1", Name: "Nora Nurse", Email: "n@x"}, OrgID: "o"}
	episode := func() *carepath.Transition {
		return &carepath.Transition{Status: carepath.TransitionOpen, Discharged: discharged, MedRec: carepath.MedRec{Lines: []carepath.MedRecLine{
			{Kind: "unchanged", Medicine: "Lisinopril 10 MG"}, {Kind: "new", Medicine: "Furosemide 20 MG"}}}}
	}
	str := func(s string) *string { return &s }
	kinds := func(closes []EpisodeTaskClose) (out []string) {
		for _, c := range closes {
			out = append(out, c.Kind+":"+string(c.Status))
		}
		return out
	}
	tests := []struct {
		name      string
		tr        func() *carepath.Transition
		change    carepath.TransitionChange
		closes    []string // kind:status, in the clock's order
		what      string   // a part of what it says it did
		badFields []string // the fields an EINVALID error names
	}{
		{name: "contact now", tr: episode, change: carepath.TransitionChange{Contact: &carepath.TransitionNote{Note: " spoke with daughter "}},
			closes: []string{KindPostDischarge + ":completed"}, what: "contact 2026-03-10T15:00:00Z"},
		{name: "attempt needs an outcome, and its time after the discharge", tr: episode,
			change:    carepath.TransitionChange{Attempt: &carepath.TransitionNote{At: discharged.Add(-time.Hour)}},
			badFields: []string{"attempt.at", "attempt.outcome"}},
		{name: "a visit in the future", tr: episode, change: carepath.TransitionChange{Visit: &carepath.TransitionNote{At: now.Add(time.Hour)}},
			badFields: []string{"visit.at"}},
		{name: "an unknown complexity", tr: episode, change: carepath.TransitionChange{Complexity: str("extreme")}, badFields: []string{"complexity"}},
		{name: "complete with a line undecided", tr: episode,
			change:    carepath.TransitionChange{Decisions: []carepath.MedDecision{{Line: 0, Decision: "continue"}}, Complete: true},
			badFields: []string{"lines.1.decision", "complete"}},
		{name: "clarify needs a note; no line 5", tr: episode,
			change:    carepath.TransitionChange{Decisions: []carepath.MedDecision{{Line: 1, Decision: "clarify"}, {Line: 4, Decision: "stop"}}},
			badFields: []string{"lines.1.note", "lines.4"}},
		{name: "a reported medicine decided in the same change completes it", tr: episode,
			change: carepath.TransitionChange{Decisions: []carepath.MedDecision{{Line: 0, Decision: "continue"}, {Line: 1, Decision: "stop"}},
				Reported: []carepath.MedRecLine{{Medicine: "Aspirin 81 MG", Decision: "continue"}}, Complete: true},
			closes: []string{KindMedRec + ":completed"}, what: "reported medicine Aspirin 81 MG"},
		{name: "a reported medicine undecided is named by its input", tr: episode,
			change: carepath.TransitionChange{Decisions: []carepath.MedDecision{{Line: 0, Decision: "continue"}, {Line: 1, Decision: "stop"}},
				Reported: []carepath.MedRecLine{{Medicine: "Aspirin 81 MG"}}, Complete: true},
			badFields: []string{"reported.0.decision", "complete"}},
		{name: "closing completes the period's end and cancels the rest", tr: episode,
			change: carepath.TransitionChange{Visit: &carepath.TransitionNote{}, Close: str("moved away")},
			closes: []string{KindPostDischarge + ":cancelled", KindMedRec + ":cancelled", KindFollowUpVisit + ":cancelled", KindPeriodEnd + ":completed"},
			what:   "closed: moved away"},
		{name: "closing needs a reason", tr: episode, change: carepath.TransitionChange{Close: str("  ")}, badFields: []string{"close"}},
		{name: "a closed episode", tr: func() *carepath.Transition {
			tr := episode()
			tr.Status = carepath.TransitionClosed
			return tr
		}, change: carepath.TransitionChange{Contact: &carepath.TransitionNote{}}, badFields: []string{}},
		{name: "nothing to change", tr: episode, change: carepath.TransitionChange{Decisions: []carepath.MedDecision{{Line: 0}}}, badFields: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := tt.tr()
			what, closes, err := ApplyTransitionChange(tr, tt.change, nurse, now)
			if tt.badFields != nil {
				var e *carepath.Error
				if !errors.As(err, &e) || e.Code != carepath.EINVALID {
					t.Fatalf("err = %v, want EINVALID", err)
				}
				var fields []string
				for _, f := range e.Fields {
					fields = append(fields, f.Field)
				}
				if len(tt.badFields) > 0 && !slices.Equal(fields, tt.badFields) {
					t.Errorf("fields = %v, want %v", fields, tt.badFields)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := kinds(closes); !slices.Equal(got, tt.closes) {
				t.Errorf("closes = %v, want %v", got, tt.closes)
			}
			if !strings.Contains(strings.Join(what, "; "), tt.what) {
				t.Errorf("what = %q, want it to say %q", what, tt.what)
			}
		})
	}

	t.Run("who and when", func(t *testing.T) {
		tr := episode()
		if _, _, err := ApplyTransitionChange(tr, carepath.TransitionChange{Contact: &carepath.TransitionNote{Note: " spoke with daughter "}}, nurse, now); err != nil {
			t.Fatal(err)
		}
		want := carepath.TransitionNote{At: now, ByID: "u1", ByName: "Nora Nurse", Note: "spoke with daughter"}
		if tr.Contact == nil || *tr.Contact != want {
			t.Errorf("contact = %+v, want %+v", tr.Contact, want)
		}
	})
	t.Run("a decision as it stands keeps who made it", func(t *testing.T) {
		tr := episode()
		earlier := &carepath.TransitionNote{At: now.Add(-time.Hour), ByName: "Carl"}
		tr.MedRec.Lines[0].Decision, tr.MedRec.Lines[0].DecidedBy = "continue", earlier
		_, _, err := ApplyTransitionChange(tr, carepath.TransitionChange{Decisions: []carepath.MedDecision{{Line: 0, Decision: "continue"}, {Line: 1, Decision: "stop"}}}, nurse, now)
		if err != nil {
			t.Fatal(err)
		}
		if tr.MedRec.Lines[0].DecidedBy != earlier || tr.MedRec.Lines[1].DecidedBy.ByName != "Nora Nurse" {
			t.Errorf("decided by %+v and %+v", tr.MedRec.Lines[0].DecidedBy, tr.MedRec.Lines[1].DecidedBy)
		}
	})
}

func TestContactFromTask(t *testing.T) {
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	cm := &carepath.Actor{User: &carepath.User{ID: "u2", Email: "cm@x"}}
	tests := []struct {
		outcome     string
		status      carepath.TaskStatus
		wantContact bool
	}{
		{carepath.OutcomeReached, carepath.TaskInProgress, true},
		{carepath.OutcomeDone, carepath.TaskCompleted, true},
		{carepath.OutcomeDone, carepath.TaskInProgress, false},
		{carepath.OutcomeVoicemail, carepath.TaskInProgress, false},
		{carepath.OutcomeNoAnswer, carepath.TaskCompleted, false},
	}
	for _, tt := range tests {
		tr := &carepath.Transition{}
		what := ContactFromTask(tr, &carepath.Task{Outcome: tt.outcome, Status: tt.status}, " note ", cm, now)
		if got := tr.Contact != nil; got != tt.wantContact {
			t.Errorf("%s, %s: contact %v (%s), want %v", tt.outcome, tt.status, got, what, tt.wantContact)
		}
		if tt.wantContact {
			if tr.Contact.Outcome != "" || tr.Contact.ByName != "cm@x" || tr.Contact.Note != "note" {
				t.Errorf("contact = %+v", tr.Contact)
			}
		} else if len(tr.Attempts) != 1 || tr.Attempts[0].Outcome != tt.outcome || !strings.Contains(what, tt.outcome) {
			t.Errorf("%s: attempts %+v, %q", tt.outcome, tr.Attempts, what)
		}
	}
}

// What a logged contact documents for a transition, and how the TCM clock
// then reads it: an interactive call within 2 business days is the
// contact; a voicemail is an attempt, and two timely attempts count for
// the contact; an inbound voicemail, or a call with the cardiologist's
// office, documents nothing.
func TestEpisodeContact(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	discharged := time.Date(2026, 5, 19, 15, 0, 0, 0, ny) // a Tuesday
	cm := &carepath.Actor{User: &carepath.User{ID: "u1", Name: "Casey"}}
	episode := func() *carepath.Transition {
		return &carepath.Transition{Status: carepath.TransitionOpen, Discharged: discharged,
			ContactDue: time.Date(2026, 5, 21, 23, 59, 59, 0, ny), VisitDueHigh: discharged.AddDate(0, 0, 7), VisitDueModerate: discharged.AddDate(0, 0, 14),
			PeriodEnd: discharged.AddDate(0, 0, 29)}
	}
	call := func(party, direction, outcome string, interactive bool, at time.Time) *carepath.Contact {
		return &carepath.Contact{ID: "c", Party: party, Direction: direction, Outcome: outcome, Interactive: interactive, Channel: carepath.ChannelPhone, At: at}
	}
	wed := time.Date(2026, 5, 20, 10, 0, 0, 0, ny)
	tests := []struct {
		name     string
		contacts []*carepath.Contact
		contact  bool   // the episode's contact is documented
		attempts int    // attempts documented
		element  string // a part of the contact element's words
	}{
		{"an interactive call", []*carepath.Contact{call(carepath.ContactPatient, carepath.ContactDirectionOut, carepath.OutcomeReached, true, wed)}, true, 0, "contact: Wed 20 May"},
		{"the daughter, in person", []*carepath.Contact{{ID: "c", Party: carepath.ContactCaregiver, Direction: carepath.ContactDirectionIn, Outcome: carepath.OutcomeReached,
			Interactive: true, Channel: carepath.ChannelInPerson, At: wed}}, true, 0, "contact: Wed 20 May"},
		{"a voicemail", []*carepath.Contact{call(carepath.ContactPatient, carepath.ContactDirectionOut, carepath.OutcomeVoicemail, false, wed)}, false, 1, "1 timely attempt"},
		{"two timely attempts", []*carepath.Contact{call(carepath.ContactPatient, carepath.ContactDirectionOut, carepath.OutcomeVoicemail, false, wed),
			call(carepath.ContactCaregiver, carepath.ContactDirectionOut, carepath.OutcomeNoAnswer, false, wed.Add(24*time.Hour))}, false, 2, "2 documented attempts within 2 business days"},
		{"an inbound voicemail", []*carepath.Contact{call(carepath.ContactPatient, carepath.ContactDirectionIn, carepath.OutcomeVoicemail, false, wed)}, false, 0, "none yet"},
		{"the cardiologist's office", []*carepath.Contact{call(carepath.ContactClinician, carepath.ContactDirectionOut, carepath.OutcomeReached, true, wed)}, false, 0, "none yet"},
	}
	for _, tt := range tests {
		tr := episode()
		for _, c := range tt.contacts {
			EpisodeContact(tr, c, cm)
		}
		ReadTCMClock(tr, ny)
		if (tr.Contact != nil) != tt.contact || len(tr.Attempts) != tt.attempts || !strings.Contains(strings.Join(tr.Elements, " | "), tt.element) {
			t.Errorf("%s: contact %v, %d attempts, elements %q", tt.name, tr.Contact != nil, len(tr.Attempts), tr.Elements)
		}
	}
}
