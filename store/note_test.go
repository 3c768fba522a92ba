package store_test

import (
	"strings"
	"testing"
	"time"

	"carepath"
	"carepath/internal/testdb"
)

// Progress notes: a draft is its author's until signed; a signed note is
// never edited, only amended with who, when and why; every change is
// version-checked; a sensitive note is withheld from roles that may not
// read it, and the audit trail says who read it.
func TestProgressNotes(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newTaskFixture(t, e)
		bh := addUser(t, f.db, f.org, "bh@example.org", carepath.RoleBehavioralHealth)
		checkIn := func(text string) *carepath.Note {
			return &carepath.Note{PatientID: "p1", Template: "check-in", Sections: []carepath.NoteSection{{Heading: "How the patient is", Text: text}}}
		}

		bad := &carepath.Note{PatientID: "p1", Template: "poem", Sections: []carepath.NoteSection{{Heading: "Verse", Text: " "}}, Sensitive: "secret"}
		err := f.db.SaveNote(as(f.cm), bad)
		wantCode(t, "a bad note", err, carepath.EINVALID)
		if fields := carepath.ErrorFields(err); len(fields) != 3 {
			t.Errorf("problems: %+v", fields)
		}
		wantCode(t, "the auditor writes", f.db.SaveNote(as(f.auditor), checkIn("x")), carepath.ENOTFOUND)
		wantCode(t, "another organization", f.db.SaveNote(as(f.outs), checkIn("x")), carepath.ENOTFOUND)

		n := checkIn("Feeling better, walking daily.")
		must(t, f.db.SaveNote(as(f.cm), n))
		if n.Version != 1 || n.Status != carepath.NoteDraft || n.AuthorID != f.cm.ID {
			t.Fatalf("draft: %+v", n)
		}
		// Drafts are their author's: the nurse sees none, edits none.
		if notes, _ := f.db.FindNotes(as(f.nurse), "p1"); len(notes) != 0 {
			t.Errorf("the nurse sees a draft: %+v", notes)
		}
		other := checkIn("hijack")
		other.ID, other.Version = n.ID, 1
		wantCode(t, "another's draft", f.db.SaveNote(as(f.nurse), other), carepath.ENOTFOUND)
		n.Sections[0].Text = "Feeling better; walks 20 minutes daily."
		must(t, f.db.SaveNote(as(f.cm), n))
		stale := checkIn("old")
		stale.ID, stale.Version = n.ID, 1
		wantCode(t, "a stale draft", f.db.SaveNote(as(f.cm), stale), carepath.ECONFLICT)
		_, err = f.db.SignNote(as(f.nurse), n.ID, n.Version)
		wantCode(t, "signed by another", err, carepath.EINVALID)
		signed, err := f.db.SignNote(as(f.cm), n.ID, n.Version)
		must(t, err)
		if signed.Status != carepath.NoteSigned || signed.Signed.IsZero() || signed.Version != 3 {
			t.Fatalf("signed: %+v", signed)
		}
		n.Version = signed.Version
		wantCode(t, "editing a signed note", f.db.SaveNote(as(f.cm), n), carepath.EINVALID)
		_, err = f.db.AmendNote(as(f.nurse), n.ID, signed.Version, "", "")
		wantCode(t, "an empty amendment", err, carepath.EINVALID)
		amended, err := f.db.AmendNote(as(f.nurse), n.ID, signed.Version, "wrong distance", "Walks 10 minutes daily, per her daughter.")
		must(t, err)
		if len(amended.Amendments) != 1 || amended.Amendments[0].ByID != f.nurse.ID || amended.Sections[0].Text != "Feeling better; walks 20 minutes daily." {
			t.Errorf("amended: %+v", amended)
		}

		// A sensitive note, a minute later: the behavioral health care
		// manager writes it; the care manager sees that it exists, not what
		// it says.
		f.clock.add(time.Minute)
		s := &carepath.Note{PatientID: "p1", Template: "soap", Sensitive: carepath.SensitivePart2,
			Sections: []carepath.NoteSection{{Heading: "Subjective", Text: "Reports drinking again."}}}
		must(t, f.db.SaveNote(as(bh), s))
		_, err = f.db.SignNote(as(bh), s.ID, s.Version)
		must(t, err)
		notes, err := f.db.FindNotes(as(f.cm), "p1")
		must(t, err)
		if len(notes) != 2 || !notes[0].Withheld || notes[0].Sections != nil || notes[1].Withheld || len(notes[1].Amendments) != 1 {
			t.Errorf("the care manager's notes: %+v", notes)
		}
		if notes, _ := f.db.FindNotes(as(bh), "p1"); len(notes) != 2 || notes[0].Withheld || notes[0].Sections[0].Text != "Reports drinking again." {
			t.Errorf("the author's notes: %+v", notes)
		}
		events, err := f.db.FindAuditEvents(as(f.auditor), carepath.AuditFilter{PatientID: "p1", Limit: 500})
		must(t, err)
		var details []string
		for _, ev := range events {
			if ev.Action == carepath.AuditNoteRead {
				details = append(details, ev.Detail)
			}
		}
		if all := strings.Join(details, " | "); !strings.Contains(all, "1 sensitive withheld") || !strings.Contains(all, "sensitive read: Note/"+s.ID) {
			t.Errorf("the trail of note reads: %s", all)
		}
	})
}
