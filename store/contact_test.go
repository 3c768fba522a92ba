package store_test

import (
	"strings"
	"testing"
	"time"

	"carepath"
	"carepath/internal/testdb"
	"carepath/rules"
)

// The communication log: a contact is checked and written whole or not at
// all; its minutes become program time under the time entries' overlap
// rule; with the patient, it documents the open transition episode (a
// voicemail an attempt, an interactive call the contact, closing its
// task); it names only the patient's caregivers, colleagues, tasks and
// episodes; and it is listed newest first.
func TestContactLog(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newTaskFixture(t, e) // Fri 22 May 2026, 14:00 UTC
		now := f.clock.now()
		tr, tasks := planEpisode(t, f, rules.Discharge{EncounterID: "e1", PatientID: "p1", Class: "IMP", DispositionCode: "home",
			Admitted: now.Add(-80 * time.Hour), Discharged: now.Add(-8 * time.Hour), CareManagerID: f.cm.ID})
		_, err := f.db.OpenTransition(system(f.org), &tr, tasks())
		must(t, err)

		call := func(at time.Time, outcome string, interactive bool) *carepath.Contact {
			return &carepath.Contact{PatientID: "p1", Channel: carepath.ChannelPhone, Direction: carepath.ContactDirectionOut, Party: carepath.ContactPatient,
				At: at, Seconds: 300, Outcome: outcome, Interactive: interactive, Note: "after discharge"}
		}
		bad := call(now.Add(time.Hour), "fine", true)
		bad.Channel = "pigeon"
		err = f.db.LogContact(as(f.cm), bad)
		wantCode(t, "a bad contact", err, carepath.EINVALID)
		if fields := carepath.ErrorFields(err); len(fields) != 4 {
			t.Errorf("problems: %+v", fields)
		}
		wantCode(t, "the auditor", f.db.LogContact(as(f.auditor), call(now.Add(-time.Hour), carepath.OutcomeReached, true)), carepath.ENOTFOUND)
		wantCode(t, "another organization", f.db.LogContact(as(f.outs), call(now.Add(-time.Hour), carepath.OutcomeReached, true)), carepath.ENOTFOUND)
		caregiver := call(now.Add(-time.Hour), carepath.OutcomeReached, true)
		caregiver.Party, caregiver.PartyID = carepath.ContactCaregiver, "someone-else"
		wantCode(t, "a caregiver not the patient's", f.db.LogContact(as(f.cm), caregiver), carepath.EINVALID)

		// A voicemail: an attempt on the episode; its minutes as CCM time.
		voicemail := call(now.Add(-3*time.Hour), carepath.OutcomeVoicemail, false)
		voicemail.Program = carepath.ProgramCCM
		must(t, f.db.LogContact(as(f.cm), voicemail))
		ep, err := f.db.FindTransition(as(f.cm), tr.ID)
		must(t, err)
		if voicemail.TimeEntryID == "" || ep.Contact != nil || len(ep.Attempts) != 1 || ep.Attempts[0].Outcome != carepath.OutcomeVoicemail {
			t.Fatalf("after the voicemail: entry %q, contact %+v, attempts %+v", voicemail.TimeEntryID, ep.Contact, ep.Attempts)
		}
		// The same minutes again: the overlap refuses the whole contact.
		again := call(now.Add(-3*time.Hour+time.Minute), carepath.OutcomeReached, true)
		again.Program = carepath.ProgramCCM
		wantCode(t, "overlapping time", f.db.LogContact(as(f.cm), again), carepath.ECONFLICT)
		if pc, _ := f.db.FindContacts(as(f.cm), "p1", 10); len(pc.Contacts) != 1 {
			t.Fatalf("a refused contact was written: %d contacts", len(pc.Contacts))
		}

		// An interactive call: the episode's contact, its task done.
		reached := call(now.Add(-time.Hour), carepath.OutcomeReached, true)
		reached.TransitionID = tr.ID
		must(t, f.db.LogContact(as(f.cm), reached))
		ep, err = f.db.FindTransition(as(f.cm), tr.ID)
		must(t, err)
		if ep.Contact == nil || !ep.Contact.At.Equal(reached.At) || ep.Tasks[0].Kind != rules.KindPostDischarge || ep.Tasks[0].Status != carepath.TaskCompleted {
			t.Errorf("after the call: contact %+v, task %s %s", ep.Contact, ep.Tasks[0].Kind, ep.Tasks[0].Status)
		}
		progs, err := f.db.FindPatientPrograms(as(f.cm), "p1", "2026-05")
		must(t, err)
		if len(progs.Time) != 1 || progs.Time[0].Seconds != 300 || progs.Time[0].Activity != "call with patient" {
			t.Errorf("program time: %+v", progs.Time)
		}

		pc, err := f.db.FindContacts(as(f.nurse), "p1", 10)
		must(t, err)
		list := pc.Contacts
		if pc.Patient.ID != "p1" {
			t.Errorf("the log's patient: %+v", pc.Patient)
		}
		if len(list) != 2 || list[0].ID != reached.ID || list[0].ByName == "" || !list[0].Interactive || list[1].TimeEntryID != voicemail.TimeEntryID ||
			!strings.Contains(list[1].Note, "after discharge") {
			t.Errorf("contacts: %+v", list)
		}
		_, err = f.db.FindContacts(as(f.outs), "p1", 10)
		wantCode(t, "another organization reads the log", err, carepath.ENOTFOUND)
	})
}
