package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"carepath"
)

// Progress notes (migration 0031).

// noteDocument is what a note's row keeps as JSON.
type noteDocument struct {
	Sections   []carepath.NoteSection   `json:"sections"`
	Amendments []carepath.NoteAmendment `json:"amendments,omitempty"`
}

const noteColumns = `n.id, n.patient_id, n.template, n.task_id, n.goal_id, n.transition_id, n.contact_id, n.sensitive, n.status, n.author_id,
	COALESCE(NULLIF(u.name, ''), u.email, ''), n.document, n.created_at, n.updated_at, n.signed_at, n.version`

const noteFrom = ` FROM note n LEFT JOIN app_user u ON u.org_id = n.org_id AND u.id = n.author_id`

func scanNote(scan func(...any) error, org string) (carepath.Note, error) {
	n := carepath.Note{OrgID: org}
	var doc, created, updated, signed string
	if err := scan(&n.ID, &n.PatientID, &n.Template, &n.TaskID, &n.GoalID, &n.TransitionID, &n.ContactID, &n.Sensitive, &n.Status, &n.AuthorID,
		&n.AuthorName, &doc, &created, &updated, &signed, &n.Version); err != nil {
		return n, err
	}
	var d noteDocument
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return n, fmt.Errorf("note %s: %w", n.ID, err)
	}
	n.Sections, n.Amendments = d.Sections, d.Amendments
	n.Created, n.Updated, n.Signed = parseTime(created), parseTime(updated), parseTime(signed)
	return n, nil
}

// findNoteForChange reads a note in tx to change it at version.
func findNoteForChange(ctx context.Context, tx *Tx, org, id string, version int) (*carepath.Note, error) {
	q := "SELECT " + noteColumns + noteFrom + " WHERE n.org_id = ? AND n.id = ?"
	if tx.db.Dialect == Postgres {
		q += " FOR UPDATE OF n"
	}
	n, err := scanNote(tx.queryRow(ctx, q, org, id).Scan, org)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, carepath.Errorf(carepath.ENOTFOUND, "Note not found.")
	} else if err != nil {
		return nil, err
	}
	if version == 0 {
		return nil, errNoVersion("note")
	}
	if version != n.Version {
		return nil, carepath.Errorf(carepath.ECONFLICT, "This note was changed since you opened it (it is at version %d). Reload it and try again.", n.Version)
	}
	return &n, nil
}

// writeNote writes n (new when version is 1) with its audit record.
func writeNote(ctx context.Context, tx *Tx, a *carepath.Actor, n *carepath.Note, what string) error {
	doc, err := json.Marshal(noteDocument{Sections: n.Sections, Amendments: n.Amendments})
	if err != nil {
		return err
	}
	signed := ""
	if !n.Signed.IsZero() {
		signed = formatTime(n.Signed)
	}
	if n.Version == 1 {
		_, err = tx.Exec(ctx, `INSERT INTO note (org_id, id, patient_id, template, task_id, goal_id, transition_id, contact_id, sensitive, status, author_id,
			document, created_at, updated_at, signed_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			n.OrgID, n.ID, n.PatientID, n.Template, n.TaskID, n.GoalID, n.TransitionID, n.ContactID, n.Sensitive, n.Status, n.AuthorID, string(doc),
			formatTime(n.Created), formatTime(n.Updated), signed, n.Version)
	} else {
		err = execFound(ctx, tx, "Note not found.", `UPDATE note SET template = ?, task_id = ?, goal_id = ?, transition_id = ?, contact_id = ?, sensitive = ?,
			status = ?, document = ?, updated_at = ?, signed_at = ?, version = ? WHERE org_id = ? AND id = ? AND version = ?`,
			n.Template, n.TaskID, n.GoalID, n.TransitionID, n.ContactID, n.Sensitive, n.Status, string(doc), formatTime(n.Updated), signed, n.Version,
			n.OrgID, n.ID, n.Version-1)
	}
	if err != nil {
		return err
	}
	if err := bumpRecordVersions(ctx, tx, n.OrgID, map[string]bool{n.PatientID: true}); err != nil {
		return err
	}
	return appendAudit(ctx, tx, []carepath.AuditEvent{withActor(carepath.AuditEvent{Action: carepath.AuditNoteWrite, PatientID: n.PatientID,
		Object: "Note/" + n.ID, Detail: what}, a)})
}

// SaveNote implements carepath.NoteService.
func (db *DB) SaveNote(ctx context.Context, n *carepath.Note) error {
	a, err := writerIn(ctx)
	if err != nil {
		return err
	}
	if err := n.Validate(); err != nil {
		return err
	}
	return db.RunInTx(ctx, func(tx *Tx) error {
		if err := mustExist(ctx, tx, "Patient not found.", "SELECT 1 FROM patient WHERE org_id = ? AND id = ?", a.OrgID, n.PatientID); err != nil {
			return err
		}
		if n.ID == "" {
			n.OrgID, n.ID, n.Status, n.AuthorID, n.AuthorName, n.Created, n.Updated, n.Version = a.OrgID, newTimeID(tx.Now), carepath.NoteDraft,
				a.ActorID(), a.Label(), tx.Now, tx.Now, 1
			return writeNote(ctx, tx, a, n, "drafted a "+n.Template+" note")
		}
		old, err := findNoteForChange(ctx, tx, a.OrgID, n.ID, n.Version)
		if err != nil {
			return err
		}
		switch {
		case old.PatientID != n.PatientID || old.AuthorID != a.ActorID():
			return carepath.Errorf(carepath.ENOTFOUND, "Note not found.") // a draft is its author's
		case old.Status != carepath.NoteDraft:
			return carepath.Errorf(carepath.EINVALID, "This note is signed: it is never edited, only amended.")
		}
		n.OrgID, n.Status, n.AuthorID, n.AuthorName, n.Created, n.Updated, n.Version = old.OrgID, old.Status, old.AuthorID, old.AuthorName,
			old.Created, tx.Now, old.Version+1
		return writeNote(ctx, tx, a, n, "edited the draft")
	})
}

// SignNote implements carepath.NoteService.
func (db *DB) SignNote(ctx context.Context, id string, version int) (*carepath.Note, error) {
	a, err := writerIn(ctx)
	if err != nil {
		return nil, err
	}
	var n *carepath.Note
	err = db.RunInTx(ctx, func(tx *Tx) error {
		if n, err = findNoteForChange(ctx, tx, a.OrgID, id, version); err != nil {
			return err
		}
		switch {
		case n.AuthorID != a.ActorID():
			return carepath.Errorf(carepath.EINVALID, "A note is signed by its author.")
		case n.Status != carepath.NoteDraft:
			return carepath.Errorf(carepath.EINVALID, "This note is signed already.")
		}
		n.Status, n.Signed, n.Updated, n.Version = carepath.NoteSigned, tx.Now, tx.Now, n.Version+1
		return writeNote(ctx, tx, a, n, "signed")
	})
	return n, err
}

// AmendNote implements carepath.NoteService.
func (db *DB) AmendNote(ctx context.Context, id string, version int, why, text string) (*carepath.Note, error) {
	a, err := writerIn(ctx)
	if err != nil {
		return nil, err
	}
	why, text = strings.TrimSpace(why), strings.TrimSpace(text)
	var problems carepath.Problems
	if why == "" {
		problems.Add("why", "say why the note is amended")
	}
	if text == "" {
		problems.Add("text", "write the amendment")
	}
	if err := carepath.Invalid("This amendment cannot be saved", problems...); err != nil {
		return nil, err
	}
	var n *carepath.Note
	err = db.RunInTx(ctx, func(tx *Tx) error {
		if n, err = findNoteForChange(ctx, tx, a.OrgID, id, version); err != nil {
			return err
		}
		switch {
		case n.AuthorID != a.ActorID() && !a.Role().MayReadSensitive(n.Sensitive):
			return carepath.Errorf(carepath.ENOTFOUND, "Note not found.")
		case n.Status != carepath.NoteSigned:
			return carepath.Errorf(carepath.EINVALID, "A draft is edited, not amended.")
		}
		n.Amendments = append(n.Amendments, carepath.NoteAmendment{At: tx.Now, ByID: a.ActorID(), ByName: a.Label(), Why: why, Text: text})
		n.Updated, n.Version = tx.Now, n.Version+1
		return writeNote(ctx, tx, a, n, "amended: "+why)
	})
	return n, err
}

// FindNotes implements carepath.NoteService.
func (db *DB) FindNotes(ctx context.Context, patientID string) ([]carepath.Note, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, err
	}
	var notes []carepath.Note
	err = db.inReadTx(ctx, func(r *readTx) error {
		if err := mustExist(ctx, r, "Patient not found.", "SELECT 1 FROM patient WHERE org_id = ? AND id = ?", a.OrgID, patientID); err != nil {
			return err
		}
		rows, err := r.query(ctx, "SELECT "+noteColumns+noteFrom+` WHERE n.org_id = ? AND n.patient_id = ? AND (n.status = ? OR n.author_id = ?)
			ORDER BY n.created_at DESC, n.id DESC`, a.OrgID, patientID, carepath.NoteSigned, a.ActorID())
		notes, err = collect(rows, err, func(scan func(...any) error) (carepath.Note, error) { return scanNote(scan, a.OrgID) })
		return err
	})
	if err != nil {
		return nil, err
	}
	withheld := 0
	var sensitive []string // read, by id: the trail says who read which
	for i := range notes {
		n := &notes[i]
		switch {
		case n.AuthorID != a.ActorID() && !a.Role().MayReadSensitive(n.Sensitive):
			n.Sections, n.Amendments, n.Withheld = nil, nil, true
			withheld++
		case n.Sensitive != "":
			sensitive = append(sensitive, "Note/"+n.ID+" ("+n.Sensitive+")")
		}
	}
	detail := fmt.Sprintf("%d notes, %d sensitive withheld", len(notes), withheld)
	if len(sensitive) > 0 {
		detail += "; sensitive read: " + strings.Join(sensitive, ", ")
	}
	return notes, db.RecordAudit(ctx, carepath.AuditEvent{Action: carepath.AuditNoteRead, PatientID: patientID, Object: "Notes", Detail: detail})
}
