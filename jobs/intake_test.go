package jobs_test

import (
	"testing"
	"time"

	"carepath"
	"carepath/internal/testdb"
	"carepath/jobs"
)

// A discharge reported through the intake has its episode and tasks when
// the call returns, and only its own events are processed: another
// patient's discharge recorded earlier waits for the sweep.
func TestIntakeProcessesWhatItRecorded(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newFixture(t, e)
		now := f.clock.now()
		// Wei's discharge, recorded by the store alone (as an import does).
		f.discharge(t, "e-wei", "p2", now.Add(-3*time.Hour), "home")

		in := &jobs.Intake{Encounters: f.db, Sweeper: f.sweep}
		cm := carepath.NewContextWithActor(t.Context(), &carepath.Actor{User: f.cm, OrgID: f.org})
		stay := &carepath.Encounter{ID: "e-ana", PatientID: "p1", Class: "IMP", PeriodStart: carepath.InstantOf(now.Add(-76 * time.Hour)),
			PeriodEnd: carepath.InstantOf(now.Add(-time.Hour)), DischargeDisposition: carepath.Coding{Code: "home"}}
		must(t, in.RecordEncounter(cm, stay))

		episodes := f.transitions(t, "")
		if len(episodes) != 1 || episodes[0].EncounterID != "e-ana" {
			t.Fatalf("episodes after the report: %+v, want Ana's only", episodes)
		}
		ep, err := f.db.FindTransition(f.sys, episodes[0].ID)
		must(t, err)
		if len(ep.Tasks) != 4 || len(ep.Scores) != 3 {
			t.Errorf("Ana's episode has %d tasks and %d scores, want 4 and 3", len(ep.Tasks), len(ep.Scores))
		}
		pending, err := f.db.FindPendingEvents(f.sys, 10)
		must(t, err)
		if len(pending) != 1 || pending[0].Key != carepath.EncounterEventKey("e-wei", "discharge") {
			t.Errorf("pending after the report: %+v, want Wei's discharge only", pending)
		}

		// The same report again changes nothing.
		must(t, in.RecordEncounter(cm, stay))
		ep2, err := f.db.FindTransition(f.sys, ep.ID)
		must(t, err)
		if len(ep2.Tasks) != 4 || len(f.transitions(t, "")) != 1 {
			t.Errorf("a repeated report: %d tasks, %d episodes", len(ep2.Tasks), len(f.transitions(t, "")))
		}
		// The sweep, the safety net, handles Wei's.
		_, err = f.sweep.RunOnce(t.Context())
		must(t, err)
		if len(f.transitions(t, "")) != 2 {
			t.Errorf("the sweep did not open Wei's episode")
		}
	})
}
