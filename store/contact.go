package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"carepath"
	"carepath/rules"
)

// The communication log (migration 0030).

// contactActivity is the program-time activity a contact with a party is.
var contactActivity = map[string]string{carepath.ContactPatient: "call with patient", carepath.ContactCaregiver: "call with caregiver",
	carepath.ContactCareTeam: "coordination with provider", carepath.ContactClinician: "coordination with provider",
	carepath.ContactCommunity: "community resources", carepath.ContactPayer: "other"}

// LogContact implements carepath.ContactService.
func (db *DB) LogContact(ctx context.Context, c *carepath.Contact) error {
	a, err := writerIn(ctx)
	if err != nil {
		return err
	}
	now := db.Now()
	loc, err := orgLocation(ctx, db, a.OrgID)
	if err != nil {
		return err
	}
	c.Note, c.PartyName = strings.TrimSpace(c.Note), strings.TrimSpace(c.PartyName)
	if err := c.Validate(now, loc); err != nil {
		return err
	}
	return db.RunInTx(ctx, func(tx *Tx) error {
		if err := mustExist(ctx, tx, "Patient not found.", "SELECT 1 FROM patient WHERE org_id = ? AND id = ?", a.OrgID, c.PatientID); err != nil {
			return err
		}
		if err := checkContactRefs(ctx, tx, a.OrgID, c); err != nil {
			return err
		}
		if c.PartyID != "" && c.PartyName == "" {
			// The name as the log shows it, kept should the person go.
			q := "SELECT name FROM related_person WHERE org_id = ? AND id = ?"
			if c.Party == carepath.ContactCareTeam {
				q = "SELECT COALESCE(NULLIF(name, ''), email) FROM app_user WHERE org_id = ? AND id = ?"
			}
			if err := tx.queryRow(ctx, q, a.OrgID, c.PartyID).Scan(&c.PartyName); err != nil {
				return err
			}
		}
		c.OrgID, c.ID, c.ByID, c.ByName, c.Created = a.OrgID, newTimeID(tx.Now), a.ActorID(), a.Label(), tx.Now
		if c.Program != "" {
			// The contact's minutes as program time, by the same rules as
			// any time entry (an overlap refuses the whole contact).
			e := &carepath.TimeEntry{PatientID: c.PatientID, Program: c.Program, UserID: a.ActorID(), Start: c.At, Seconds: c.Seconds,
				Activity: contactActivity[c.Party], Note: strings.TrimSpace(c.Channel + " " + c.Party + ": " + c.Note), Interactive: c.Interactive}
			if err := e.Validate(tx.Now, loc); err != nil {
				return err
			}
			if err := insertTimeEntry(ctx, tx, a, loc, e); err != nil {
				return err
			}
			c.TimeEntryID = e.ID
		}
		if _, err := tx.Exec(ctx, `INSERT INTO contact (org_id, id, patient_id, channel, direction, party, party_id, party_name, at, seconds, outcome,
			interactive, task_id, goal_id, transition_id, note, program, time_entry_id, by_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.OrgID, c.ID, c.PatientID, c.Channel, c.Direction, c.Party, c.PartyID,
			c.PartyName, formatTime(c.At), c.Seconds, c.Outcome, boolInt(c.Interactive), c.TaskID, c.GoalID, c.TransitionID, c.Note, c.Program,
			c.TimeEntryID, c.ByID, formatTime(tx.Now)); err != nil {
			return err
		}
		audits := []carepath.AuditEvent{withActor(carepath.AuditEvent{Action: carepath.AuditContactLog, PatientID: c.PatientID, Object: "Contact/" + c.ID,
			Detail: fmt.Sprintf("%s %s with the %s: %s", c.Direction, c.Channel, c.Party, c.Outcome)}, a)}
		more, err := contactOnEpisode(ctx, tx, a, c)
		if err != nil {
			return err
		}
		// The chart shows the patient's contacts and episode.
		if err := bumpRecordVersions(ctx, tx, a.OrgID, map[string]bool{c.PatientID: true}); err != nil {
			return err
		}
		return appendAudit(ctx, tx, append(audits, more...))
	})
}

// checkContactRefs refuses a contact naming what is not the patient's: a
// caregiver not among their related persons, a colleague not on their
// care team, a task, goal or episode of someone else.
func checkContactRefs(ctx context.Context, tx *Tx, org string, c *carepath.Contact) error {
	type ref struct{ field, id, msg, query string }
	refs := []ref{
		{"task", c.TaskID, "the task is not this patient's", "SELECT 1 FROM task WHERE org_id = ? AND id = ? AND patient_id = ?"},
		{"goal", c.GoalID, "the goal is not in this patient's plan", "SELECT 1 FROM plan_goal WHERE org_id = ? AND id = ? AND patient_id = ?"},
		{"transition", c.TransitionID, "the transition is not this patient's", "SELECT 1 FROM transition WHERE org_id = ? AND id = ? AND patient_id = ?"},
	}
	if c.PartyID != "" {
		switch c.Party {
		case carepath.ContactCaregiver:
			refs = append(refs, ref{"party", c.PartyID, "the caregiver is not one of this patient's", "SELECT 1 FROM related_person WHERE org_id = ? AND id = ? AND patient_id = ?"})
		case carepath.ContactCareTeam:
			refs = append(refs, ref{"party", c.PartyID, "the colleague is not on this patient's care team",
				"SELECT 1 FROM care_team_member WHERE org_id = ? AND user_id = ? AND patient_id = ?"})
		default:
			return carepath.Invalid("This contact cannot be logged", carepath.FieldError{Field: "party", Message: "only a caregiver or a care-team member is chosen from a list; name the others"})
		}
	}
	for _, r := range refs {
		if r.id == "" {
			continue
		}
		err := mustExist(ctx, tx, r.msg, r.query, org, r.id, c.PatientID)
		if carepath.ErrorCode(err) == carepath.ENOTFOUND {
			return carepath.Invalid("This contact cannot be logged", carepath.FieldError{Field: r.field, Message: r.msg})
		} else if err != nil {
			return err
		}
	}
	return nil
}

// contactOnEpisode records on the patient's open transition episode what
// the contact documents (rules.EpisodeContact), closing its contact task
// when it is the interactive contact; it returns the audit records.
func contactOnEpisode(ctx context.Context, tx *Tx, a *carepath.Actor, c *carepath.Contact) ([]carepath.AuditEvent, error) {
	tr, err := openTransitionOf(ctx, tx, a.OrgID, c.PatientID)
	if err != nil || tr == nil || tr.Contact != nil || c.At.Before(tr.Discharged) {
		return nil, err
	}
	what, contact := rules.EpisodeContact(tr, c, a)
	if what == "" {
		return nil, nil
	}
	tr.Updated, tr.Version = tx.Now, tr.Version+1
	if err := saveTransition(ctx, tx, tr); err != nil {
		return nil, err
	}
	audits := []carepath.AuditEvent{withActor(carepath.AuditEvent{Action: carepath.AuditTransitionUpdate, PatientID: tr.PatientID,
		Object: "Transition/" + tr.ID, Detail: what}, a)}
	if contact {
		more, err := closeTransitionTasks(ctx, tx, tr, "interactive contact logged (Contact/"+c.ID+", by "+a.Label()+")", carepath.TaskCompleted, rules.KindPostDischarge)
		if err != nil {
			return nil, err
		}
		audits = append(audits, more...)
	}
	return audits, nil
}

// FindContacts implements carepath.ContactService.
func (db *DB) FindContacts(ctx context.Context, patientID string, limit int) (*carepath.PatientContacts, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, err
	}
	pc := &carepath.PatientContacts{}
	err = db.inReadTx(ctx, func(r *readTx) error {
		if pc.Patient, err = findPatientAndTeam(ctx, r, a.OrgID, patientID); err != nil {
			return err
		}
		rows, err := r.query(ctx, relatedPersonQuery, a.OrgID, patientID)
		people, err := collect(rows, err, func(scan func(...any) error) (carepath.RelatedPerson, error) {
			return scanRelatedPerson(scan, a.OrgID, patientID)
		})
		if err != nil {
			return err
		}
		for _, p := range people {
			if p.Active { // the ones a contact may be with
				pc.Caregivers = append(pc.Caregivers, p)
			}
		}
		rows, err = r.query(ctx, `SELECT c.id, c.channel, c.direction, c.party, c.party_id, c.party_name, c.at, c.seconds, c.outcome, c.interactive,
			c.task_id, c.goal_id, c.transition_id, c.note, c.program, c.time_entry_id, c.by_id, COALESCE(NULLIF(u.name, ''), u.email, ''), c.created_at
			FROM contact c LEFT JOIN app_user u ON u.org_id = c.org_id AND u.id = c.by_id
			WHERE c.org_id = ? AND c.patient_id = ? ORDER BY c.at DESC, c.id DESC LIMIT `+strconv.Itoa(limit), a.OrgID, patientID)
		pc.Contacts, err = collect(rows, err, func(scan func(...any) error) (carepath.Contact, error) {
			c := carepath.Contact{OrgID: a.OrgID, PatientID: patientID}
			var at, created string
			var interactive int
			err := scan(&c.ID, &c.Channel, &c.Direction, &c.Party, &c.PartyID, &c.PartyName, &at, &c.Seconds, &c.Outcome, &interactive,
				&c.TaskID, &c.GoalID, &c.TransitionID, &c.Note, &c.Program, &c.TimeEntryID, &c.ByID, &c.ByName, &created)
			c.At, c.Created, c.Interactive = parseTime(at), parseTime(created), interactive == 1
			return c, err
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return pc, db.RecordAudit(ctx, carepath.AuditEvent{Action: carepath.AuditPatientView, PatientID: patientID, Object: "Contacts",
		Detail: fmt.Sprintf("%d contacts", len(pc.Contacts))})
}
