package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"carepath"
	"carepath/calendar"
	"carepath/fhir"
	"carepath/medrec"
	"carepath/rules"
)

// transitionDoc is an episode as stored in transition.doc: the storage
// format, apart from the domain type so that a renamed field does not
// unread old episodes. The columns repeat what queries need.
type transitionDoc struct {
	Class            string          `json:"class"`
	Facility         string          `json:"facility,omitempty"`
	Disposition      string          `json:"disposition,omitempty"`
	ContactDue       time.Time       `json:"contact_due"`
	VisitDue         time.Time       `json:"visit_due"`
	VisitDueHigh     time.Time       `json:"visit_due_high"`
	VisitDueModerate time.Time       `json:"visit_due_moderate"`
	BandWhy          string          `json:"band_why"`
	ProtocolRuleID   string          `json:"protocol_rule_id"`
	ProtocolVersion  int             `json:"protocol_version"`
	Contact          *noteDoc        `json:"contact,omitempty"`
	Attempts         []noteDoc       `json:"attempts,omitempty"`
	Visit            *noteDoc        `json:"visit,omitempty"`
	Complexity       string          `json:"complexity,omitempty"`
	ComplexityBy     *noteDoc        `json:"complexity_by,omitempty"`
	MedLines         []medLineDoc    `json:"med_lines,omitempty"`
	MedRecDone       *noteDoc        `json:"med_rec_done,omitempty"`
	Readmission      *readmissionDoc `json:"readmission,omitempty"`
	Closed           *noteDoc        `json:"closed,omitempty"`
}

type noteDoc struct {
	At      time.Time `json:"at"`
	ByID    string    `json:"by_id,omitempty"`
	ByName  string    `json:"by_name,omitempty"`
	Outcome string    `json:"outcome,omitempty"`
	Note    string    `json:"note,omitempty"`
}

type medLineDoc struct {
	Kind         string   `json:"kind"`
	Medicine     string   `json:"medicine"`
	Code         string   `json:"code,omitempty"`
	Before       string   `json:"before,omitempty"`
	After        string   `json:"after,omitempty"`
	Why          string   `json:"why,omitempty"`
	PatientTakes string   `json:"patient_takes,omitempty"`
	PatientNote  string   `json:"patient_note,omitempty"`
	Decision     string   `json:"decision,omitempty"`
	DecidedBy    *noteDoc `json:"decided_by,omitempty"`
}

type readmissionDoc struct {
	EncounterID string    `json:"encounter_id"`
	Class       string    `json:"class"`
	Facility    string    `json:"facility,omitempty"`
	Admitted    time.Time `json:"admitted"`
	Days        int       `json:"days"`
}

func noteToDoc(n *carepath.TransitionNote) *noteDoc {
	if n == nil {
		return nil
	}
	d := noteDoc(*n)
	return &d
}

func noteFromDoc(d *noteDoc) *carepath.TransitionNote {
	if d == nil {
		return nil
	}
	n := carepath.TransitionNote(*d)
	return &n
}

func medLinesToDoc(lines []carepath.MedRecLine) []medLineDoc {
	out := make([]medLineDoc, len(lines))
	for i, l := range lines {
		out[i] = medLineDoc{Kind: l.Kind, Medicine: l.Medicine, Code: l.Code, Before: l.Before, After: l.After, Why: l.Why,
			PatientTakes: l.PatientTakes, PatientNote: l.PatientNote, Decision: l.Decision, DecidedBy: noteToDoc(l.DecidedBy)}
	}
	return out
}

func medLinesFromDoc(docs []medLineDoc) []carepath.MedRecLine {
	out := make([]carepath.MedRecLine, len(docs))
	for i, d := range docs {
		out[i] = carepath.MedRecLine{Kind: d.Kind, Medicine: d.Medicine, Code: d.Code, Before: d.Before, After: d.After, Why: d.Why,
			PatientTakes: d.PatientTakes, PatientNote: d.PatientNote, Decision: d.Decision, DecidedBy: noteFromDoc(d.DecidedBy)}
	}
	return out
}

func transitionToDoc(t *carepath.Transition) transitionDoc {
	d := transitionDoc{Class: t.Class, Facility: t.Facility, Disposition: t.Disposition, ContactDue: t.ContactDue, VisitDue: t.VisitDue,
		VisitDueHigh: t.VisitDueHigh, VisitDueModerate: t.VisitDueModerate, BandWhy: t.BandWhy, ProtocolRuleID: t.ProtocolRuleID,
		ProtocolVersion: t.ProtocolVersion, Contact: noteToDoc(t.Contact), Visit: noteToDoc(t.Visit), Complexity: t.Complexity,
		ComplexityBy: noteToDoc(t.ComplexityBy), MedLines: medLinesToDoc(t.MedRec.Lines), MedRecDone: noteToDoc(t.MedRec.Completed),
		Closed: noteToDoc(t.Closed)}
	for _, a := range t.Attempts {
		d.Attempts = append(d.Attempts, noteDoc(a))
	}
	if r := t.Readmission; r != nil {
		d.Readmission = &readmissionDoc{EncounterID: r.EncounterID, Class: r.Class, Facility: r.Facility, Admitted: r.Admitted, Days: r.Days}
	}
	return d
}

func (d transitionDoc) fill(t *carepath.Transition) {
	t.Class, t.Facility, t.Disposition = d.Class, d.Facility, d.Disposition
	t.ContactDue, t.VisitDue, t.VisitDueHigh, t.VisitDueModerate = d.ContactDue, d.VisitDue, d.VisitDueHigh, d.VisitDueModerate
	t.BandWhy, t.ProtocolRuleID, t.ProtocolVersion = d.BandWhy, d.ProtocolRuleID, d.ProtocolVersion
	t.Contact, t.Visit, t.Complexity, t.ComplexityBy = noteFromDoc(d.Contact), noteFromDoc(d.Visit), d.Complexity, noteFromDoc(d.ComplexityBy)
	t.MedRec = carepath.MedRec{Lines: medLinesFromDoc(d.MedLines), Completed: noteFromDoc(d.MedRecDone)}
	t.Closed = noteFromDoc(d.Closed)
	t.Attempts = nil
	for _, a := range d.Attempts {
		t.Attempts = append(t.Attempts, carepath.TransitionNote(a))
	}
	t.Readmission = nil
	if r := d.Readmission; r != nil {
		t.Readmission = &carepath.Readmission{EncounterID: r.EncounterID, Class: r.Class, Facility: r.Facility, Admitted: r.Admitted, Days: r.Days}
	}
}

const transitionColumns = `t.id, t.patient_id, t.encounter_id, t.status, t.admitted_at, t.discharged_at, t.band, t.period_end, t.doc,
	t.created_at, t.updated_at, t.version, COALESCE(p.family || ', ' || p.given, ''),
	COALESCE((SELECT c.user_id FROM care_team_member c WHERE c.org_id = t.org_id AND c.patient_id = t.patient_id
		AND c.role = '` + carepath.CareTeamPrimaryCareManager + `' ORDER BY c.user_id LIMIT 1), '')`

// transitionFrom joins the patient for the name.
const transitionFrom = " FROM transition t LEFT JOIN patient p ON p.org_id = t.org_id AND p.id = t.patient_id"

func scanTransition(scan func(...any) error, org string) (*carepath.Transition, error) {
	t := &carepath.Transition{OrgID: org}
	var admitted, discharged, periodEnd, doc, created, updated string
	if err := scan(&t.ID, &t.PatientID, &t.EncounterID, &t.Status, &admitted, &discharged, &t.Band, &periodEnd, &doc, &created, &updated,
		&t.Version, &t.PatientName, &t.CareManagerID); err != nil {
		return nil, err
	}
	t.Admitted, t.Discharged, t.PeriodEnd, t.Created, t.Updated = parseTime(admitted), parseTime(discharged), parseTime(periodEnd),
		parseTime(created), parseTime(updated)
	var d transitionDoc
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return nil, fmt.Errorf("transition %s: %w", t.ID, err)
	}
	d.fill(t)
	return t, nil
}

// transitionsWhere reads the organization's episodes matching where
// (which may end in ORDER BY and LIMIT), with their patients' names.
func transitionsWhere(ctx context.Context, db querier, org, where string, args ...any) ([]*carepath.Transition, error) {
	rows, err := db.query(ctx, "SELECT "+transitionColumns+transitionFrom+" WHERE t.org_id = ? AND "+where, append([]any{org}, args...)...)
	return collect(rows, err, func(scan func(...any) error) (*carepath.Transition, error) { return scanTransition(scan, org) })
}

// readmissionWindow is how long after a discharge a new admission is a
// readmission.
const readmissionWindow = 30 * 24 * time.Hour

// medicationLists reads what reconciliation compares: the medicines the
// patient was on before the admission (active orders from before it) and
// the discharge list (the stay's own orders).
func medicationLists(ctx context.Context, db querier, org, patientID, encounterID string, admitted time.Time) (before, after []carepath.Medication, err error) {
	rows, err := db.query(ctx, `SELECT resource_type, id, encounter_id, status, intent, code_system, code, display, authored, requester_id, dosage, reason
		FROM medication WHERE org_id = ? AND patient_id = ? AND status NOT IN ('entered-in-error', 'cancelled', 'draft')
		ORDER BY authored, display, id`, org, patientID)
	meds, err := collect(rows, err, func(scan func(...any) error) (carepath.Medication, error) {
		v := carepath.Medication{OrgID: org, PatientID: patientID}
		return v, scan(&v.ResourceType, &v.ID, &v.EncounterID, &v.Status, &v.Intent, &v.Code.System, &v.Code.Code, &v.Code.Display,
			&v.Authored, &v.RequesterID, &v.Dosage, &v.Reason)
	})
	if err != nil {
		return nil, nil, err
	}
	before, after = medrec.Split(meds, encounterID, admitted)
	return before, after, nil
}

// OpenTransition implements carepath.TransitionService.
func (db *DB) OpenTransition(ctx context.Context, t *carepath.Transition, tasks []*carepath.Task) (bool, error) {
	a, err := adminIn(ctx)
	if err != nil {
		return false, err
	}
	for _, task := range tasks {
		if err := prepareTask(a, task, db.Now()); err != nil {
			return false, err
		}
	}
	opened := false
	err = db.RunInTx(ctx, func(tx *Tx) error {
		// The same stay, by its encounter or, reported under another id,
		// by overlapping one of the patient's episodes.
		var existing string
		err := tx.queryRow(ctx, `SELECT id FROM transition WHERE org_id = ? AND (encounter_id = ? OR (patient_id = ? AND admitted_at < ? AND discharged_at > ?))`,
			a.OrgID, t.EncounterID, t.PatientID, formatTime(t.Discharged), formatTime(t.Admitted)).Scan(&existing)
		if err == nil {
			return nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		t.OrgID, t.ID, t.Status, t.Version = a.OrgID, newID(), carepath.TransitionOpen, 1
		t.Created, t.Updated = tx.Now, tx.Now
		before, after, err := medicationLists(ctx, tx, a.OrgID, t.PatientID, t.EncounterID, t.Admitted)
		if err != nil {
			return err
		}
		t.MedRec.Lines = medrec.Lines(before, after)
		// A readmission already on record (the later stay reported first).
		stay, err := firstStayAfter(ctx, tx, a.OrgID, t.PatientID, t.EncounterID, t.Discharged)
		if err != nil {
			return err
		}
		if stay != nil {
			loc, err := orgLocation(ctx, tx, a.OrgID)
			if err != nil {
				return err
			}
			t.Readmission = readmissionOf(t, stay, loc)
		}
		if err := insertTransition(ctx, tx, t); err != nil {
			return err
		}
		made, err := insertTasks(ctx, tx, a, tasks)
		if err != nil {
			return err
		}
		audits := []carepath.AuditEvent{withActor(carepath.AuditEvent{Action: carepath.AuditTransitionOpen, PatientID: t.PatientID,
			Object: "Transition/" + t.ID, Detail: fmt.Sprintf("Encounter/%s; %s", t.EncounterID, t.BandWhy)}, a)}
		for i, task := range tasks {
			if made[i] {
				audits = append(audits, taskCreatedAudit(a, task))
			}
		}
		opened = true
		// The chart shows the open episode: its cached copy is out of date.
		if err := bumpRecordVersions(ctx, tx, a.OrgID, map[string]bool{t.PatientID: true}); err != nil {
			return err
		}
		return appendAudit(ctx, tx, audits)
	})
	return opened, err
}

// bandRank orders bands on the board, the highest risk first.
func bandRank(band string) int {
	switch band {
	case "high":
		return 0
	case "moderate":
		return 1
	}
	return 2
}

// encodeTransition is what an episode's row stores besides its fixed
// columns: the document, and the readmission's time ("" none).
func encodeTransition(t *carepath.Transition) (doc, readmitted string, err error) {
	b, err := json.Marshal(transitionToDoc(t))
	if t.Readmission != nil {
		readmitted = formatTime(t.Readmission.Admitted)
	}
	return string(b), readmitted, err
}

func insertTransition(ctx context.Context, tx *Tx, t *carepath.Transition) error {
	doc, readmitted, err := encodeTransition(t)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO transition (org_id, id, patient_id, encounter_id, status, admitted_at, discharged_at, band, band_rank, next_due,
		period_end, readmitted_at, doc, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.OrgID, t.ID, t.PatientID, t.EncounterID, t.Status, formatTime(t.Admitted), formatTime(t.Discharged), t.Band, bandRank(t.Band),
		formatTime(t.NextDue()), formatTime(t.PeriodEnd), readmitted, doc, formatTime(t.Created), formatTime(t.Updated), t.Version)
	return err
}

// saveTransition writes a changed episode over version t.Version-1.
func saveTransition(ctx context.Context, tx *Tx, t *carepath.Transition) error {
	doc, readmitted, err := encodeTransition(t)
	if err != nil {
		return err
	}
	res, err := tx.Exec(ctx, `UPDATE transition SET status = ?, next_due = ?, readmitted_at = ?, doc = ?, updated_at = ?, version = ?
		WHERE org_id = ? AND id = ? AND version = ?`, t.Status, formatTime(t.NextDue()), readmitted, doc, formatTime(t.Updated),
		t.Version, t.OrgID, t.ID, t.Version-1)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return carepath.Errorf(carepath.ECONFLICT, "This transition was changed by someone else at the same moment. Reload it and try again.")
	}
	return nil
}

// firstStayAfter is the patient's first stay (other than exceptID)
// admitted after a discharge and within the readmission window, or nil.
func firstStayAfter(ctx context.Context, db querier, org, patientID, exceptID string, discharged time.Time) (*carepath.StayFacts, error) {
	rows, err := db.query(ctx, "SELECT "+encounterColumns+` FROM encounter WHERE org_id = ? AND patient_id = ? AND id <> ?
		AND class IN (?, ?, ?, ?) AND period_start > ? AND period_start <= ? ORDER BY period_start LIMIT 1`,
		org, patientID, exceptID, carepath.EncounterInpatient, carepath.EncounterAcute, carepath.EncounterNonAcute, carepath.EncounterObservation,
		formatTime(discharged), formatTime(discharged.Add(readmissionWindow)))
	stays, err := collect(rows, err, func(scan func(...any) error) (carepath.Encounter, error) {
		return scanEncounter(scan, org, patientID)
	})
	if err != nil || len(stays) == 0 {
		return nil, err
	}
	stay := stays[0].StayFacts()
	return &stay, nil
}

// readmissionOf is stay as the readmission of episode t; its days are
// calendar days in the organization's time zone.
func readmissionOf(t *carepath.Transition, stay *carepath.StayFacts, loc *time.Location) *carepath.Readmission {
	return &carepath.Readmission{EncounterID: stay.EncounterID, Class: stay.Class, Facility: stay.Facility, Admitted: stay.Start,
		Days: calendar.DaysBetween(t.Discharged, stay.Start, loc)}
}

// FlagReadmission implements carepath.TransitionService.
func (db *DB) FlagReadmission(ctx context.Context, patientID string, stay carepath.StayFacts) (int, error) {
	a, err := adminIn(ctx)
	if err != nil {
		return 0, err
	}
	admitted := stay.Start
	if admitted.IsZero() || !carepath.IsStay(stay.Class) {
		return 0, nil
	}
	flagged := 0
	err = db.RunInTx(ctx, func(tx *Tx) error {
		episodes, err := transitionsWhere(ctx, tx, a.OrgID, `t.patient_id = ? AND t.encounter_id <> ? AND t.discharged_at < ?
			AND t.discharged_at >= ? AND t.readmitted_at = ''`, patientID, stay.EncounterID, formatTime(admitted), formatTime(admitted.Add(-readmissionWindow)))
		if err != nil {
			return err
		}
		if len(episodes) == 0 {
			return nil
		}
		loc, err := orgLocation(ctx, tx, a.OrgID)
		if err != nil {
			return err
		}
		var audits []carepath.AuditEvent
		patients := map[string]bool{}
		for _, t := range episodes {
			patients[t.PatientID] = true
			t.Readmission = readmissionOf(t, &stay, loc)
			t.Updated, t.Version = tx.Now, t.Version+1
			if err := saveTransition(ctx, tx, t); err != nil {
				return err
			}
			audits = append(audits, withActor(carepath.AuditEvent{Action: carepath.AuditTransitionUpdate, PatientID: t.PatientID,
				Object: "Transition/" + t.ID, Detail: fmt.Sprintf("readmitted: Encounter/%s, %d days after the discharge", stay.EncounterID, t.Readmission.Days)}, a))
			flagged++
		}
		if err := bumpRecordVersions(ctx, tx, a.OrgID, patients); err != nil {
			return err
		}
		return appendAudit(ctx, tx, audits)
	})
	return flagged, err
}

// CloseEndedTransitions implements carepath.TransitionService, a batch of
// episodes per transaction.
func (db *DB) CloseEndedTransitions(ctx context.Context, now time.Time) (int, error) {
	a, err := adminIn(ctx)
	if err != nil {
		return 0, err
	}
	const batch = 500
	closed := 0
	for {
		n := 0
		err := db.RunInTx(ctx, func(tx *Tx) error {
			episodes, err := transitionsWhere(ctx, tx, a.OrgID, "t.status = ? AND t.period_end < ? ORDER BY t.period_end LIMIT "+strconv.Itoa(batch),
				carepath.TransitionOpen, formatTime(now))
			if err != nil {
				return err
			}
			var audits []carepath.AuditEvent
			patients := map[string]bool{}
			for _, t := range episodes {
				patients[t.PatientID] = true
				t.Status = carepath.TransitionClosed
				t.Closed = &carepath.TransitionNote{At: tx.Now, ByName: a.Label(), Note: "the 30-day period ended"}
				t.Updated, t.Version = tx.Now, t.Version+1
				if err := saveTransition(ctx, tx, t); err != nil {
					return err
				}
				// What was not done in the period cannot be any more; the
				// period's end task stays, for someone to check the
				// documentation and the code.
				more, err := closeTransitionTasks(ctx, tx, t, "the episode closed: the 30-day period ended", carepath.TaskCancelled,
					rules.KindPostDischarge, rules.KindFollowUpVisit, rules.KindMedRec)
				if err != nil {
					return err
				}
				audits = append(append(audits, withActor(carepath.AuditEvent{Action: carepath.AuditTransitionUpdate, PatientID: t.PatientID,
					Object: "Transition/" + t.ID, Detail: "closed: the 30-day period ended"}, a)), more...)
			}
			n = len(episodes)
			if err := bumpRecordVersions(ctx, tx, a.OrgID, patients); err != nil {
				return err
			}
			return appendAudit(ctx, tx, audits)
		})
		if err != nil || n < batch {
			return closed + n, err
		}
		closed += n
	}
}

// transitionTasks reads an episode's tasks, in the order of the clock.
func transitionTasks(ctx context.Context, db querier, t *carepath.Transition) ([]*carepath.Task, error) {
	var out []*carepath.Task
	keys := rules.TransitionTaskKeys(t.EncounterID)
	for _, kind := range rules.TransitionKinds {
		k := keys[kind]
		task, err := scanTask(db.queryRow(ctx, "SELECT "+taskColumns+taskNames+` FROM task t LEFT JOIN app_user u ON u.org_id = t.org_id AND u.id = t.owner_id
			LEFT JOIN patient p ON p.org_id = t.org_id AND p.id = t.patient_id WHERE `+ruleTaskWhere, t.OrgID, k.RuleID, k.Key.String()).Scan, true)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		} else if err != nil {
			return nil, err
		}
		out = append(out, task)
	}
	return out, nil
}

// closeTransitionTasks closes the episode's open tasks of the kinds with
// status (completed, for the person who recorded what they asked for; or
// cancelled), and returns their audit records.
func closeTransitionTasks(ctx context.Context, tx *Tx, t *carepath.Transition, why string, status carepath.TaskStatus, kinds ...string) ([]carepath.AuditEvent, error) {
	keys := rules.TransitionTaskKeys(t.EncounterID)
	var audits []carepath.AuditEvent
	for _, kind := range kinds {
		k := keys[kind]
		var id, now string
		err := tx.queryRow(ctx, "SELECT t.id, t.status FROM task t WHERE "+ruleTaskWhere, t.OrgID, k.RuleID, k.Key.String()).Scan(&id, &now)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !carepath.TaskStatus(now).Open()) {
			continue
		} else if err != nil {
			return nil, err
		}
		c := carepath.TaskChange{Status: &status, Note: why}
		if status == carepath.TaskCompleted {
			c.Outcome = carepath.OutcomeDone
		}
		_, audit, err := changeTask(ctx, tx, carepath.SystemActor(t.OrgID, "transition of care", "transition"), id, c, false)
		if err != nil {
			return nil, err
		}
		audits = append(audits, audit)
	}
	return audits, nil
}

// AddTransitionTasks implements carepath.TransitionService.
func (db *DB) AddTransitionTasks(ctx context.Context, tasks []*carepath.Task) (int, error) {
	return db.insertRuleTasks(ctx, tasks, func(*Tx, *carepath.Actor, []bool) ([]carepath.AuditEvent, error) { return nil, nil })
}

// FindTransitions implements carepath.TransitionService.
func (db *DB) FindTransitions(ctx context.Context, f carepath.TransitionFilter) ([]*carepath.Transition, int, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, 0, err
	}
	status := cmp.Or(f.Status, carepath.TransitionOpen)
	if status != carepath.TransitionOpen && status != carepath.TransitionClosed {
		return nil, 0, carepath.Errorf(carepath.EINVALID, "Unknown status %q: use open or closed.", f.Status)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	where, args := "t.status = ?", []any{status}
	if f.PatientID != "" {
		where, args = where+" AND t.patient_id = ?", append(args, f.PatientID)
	}
	if f.EncounterID != "" {
		where, args = where+" AND t.encounter_id = ?", append(args, f.EncounterID)
	}
	if f.CareManagerID != "" {
		where += ` AND EXISTS (SELECT 1 FROM care_team_member c WHERE c.org_id = t.org_id AND c.patient_id = t.patient_id
			AND c.user_id = ? AND c.role = ?)`
		args = append(args, f.CareManagerID, carepath.CareTeamPrimaryCareManager)
	}
	order := " ORDER BY t.next_due, t.band_rank, t.discharged_at, t.id"
	if status == carepath.TransitionClosed {
		order = " ORDER BY t.discharged_at DESC, t.id"
	}
	var out []*carepath.Transition
	total := 0
	err = db.inReadTx(ctx, func(r *readTx) error {
		if err := r.queryRow(ctx, "SELECT COUNT(*) FROM transition t WHERE t.org_id = ? AND "+where, append([]any{a.OrgID}, args...)...).Scan(&total); err != nil {
			return err
		}
		if out, err = transitionsWhere(ctx, r, a.OrgID, where+order+" LIMIT "+strconv.Itoa(limit)+" OFFSET "+strconv.Itoa(max(f.Offset, 0)), args...); err != nil {
			return err
		}
		return fillTransitions(ctx, r, out, f.WithTasks)
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, db.RecordAudit(ctx, carepath.AuditEvent{Action: carepath.AuditTransitionList, Object: "Transitions",
		Detail: fmt.Sprintf("%s: %d of %d episodes", status, len(out), total)})
}

// fillTransitions reads each episode's stay scores and reads its clock
// (and, withTasks, its tasks).
func fillTransitions(ctx context.Context, db querier, ts []*carepath.Transition, withTasks bool) error {
	if len(ts) == 0 {
		return nil
	}
	loc, err := orgLocation(ctx, db, ts[0].OrgID)
	if err != nil {
		return err
	}
	byStay := map[string]*carepath.Transition{}
	var patients, stays []any
	for _, t := range ts {
		byStay[t.PatientID+"/"+t.EncounterID] = t
		patients, stays = append(patients, t.PatientID), append(stays, t.EncounterID)
		rules.ReadTCMClock(t, loc)
	}
	// A page at a time, under the engines' limits on parameters.
	for len(patients) > 0 {
		n := min(len(patients), 400)
		scores, err := riskScoresWhere(ctx, db, ts[0].OrgID, "s.patient_id IN ("+placeholders(n)+") AND s.encounter_id IN ("+placeholders(n)+")",
			append(slices.Clone(patients[:n]), stays[:n]...))
		if err != nil {
			return err
		}
		for _, s := range scores {
			if t := byStay[s.PatientID+"/"+s.EncounterID]; t != nil {
				t.Scores = append(t.Scores, s)
			}
		}
		patients, stays = patients[n:], stays[n:]
	}
	if withTasks {
		for _, t := range ts {
			if t.Tasks, err = transitionTasks(ctx, db, t); err != nil {
				return err
			}
		}
	}
	return nil
}

// FindTransition implements carepath.TransitionService.
func (db *DB) FindTransition(ctx context.Context, id string) (*carepath.Transition, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, err
	}
	var t *carepath.Transition
	err = db.inReadTx(ctx, func(r *readTx) error {
		t, err = findTransition(ctx, r, a.OrgID, id)
		if err != nil {
			return err
		}
		return fillTransitions(ctx, r, []*carepath.Transition{t}, true)
	})
	if err != nil {
		return nil, err
	}
	return t, db.RecordAudit(ctx, carepath.AuditEvent{Action: carepath.AuditTransitionView, PatientID: t.PatientID, Object: "Transition/" + t.ID})
}

func findTransition(ctx context.Context, db querier, org, id string) (*carepath.Transition, error) {
	ts, err := transitionsWhere(ctx, db, org, "t.id = ?", id)
	if err == nil && len(ts) == 0 {
		return nil, carepath.Errorf(carepath.ENOTFOUND, "Transition not found.")
	} else if err != nil {
		return nil, err
	}
	return ts[0], nil
}

// contactTaskWorked records on the stay's open episode what was done on
// its contact task t (change c), as rules.ContactFromTask reads it.
// Nothing when the episode is closed or has its contact already.
func contactTaskWorked(ctx context.Context, tx *Tx, a *carepath.Actor, t *carepath.Task, c carepath.TaskChange) error {
	k := t.Origin.EventKey
	if k.Type != "Encounter" || k.What != carepath.StayDischarge {
		return nil
	}
	ts, err := transitionsWhere(ctx, tx, a.OrgID, "t.encounter_id = ? AND t.status = ?", k.ID, carepath.TransitionOpen)
	if err != nil || len(ts) == 0 || ts[0].Contact != nil { // the contact documented already
		return err
	}
	tr := ts[0]
	what := rules.ContactFromTask(tr, t, c.Note, a, tx.Now)
	tr.Updated, tr.Version = tx.Now, tr.Version+1
	if err := saveTransition(ctx, tx, tr); err != nil {
		return err
	}
	if err := bumpRecordVersions(ctx, tx, a.OrgID, map[string]bool{tr.PatientID: true}); err != nil {
		return err
	}
	return appendAudit(ctx, tx, []carepath.AuditEvent{withActor(carepath.AuditEvent{Action: carepath.AuditTransitionUpdate,
		PatientID: tr.PatientID, Object: "Transition/" + tr.ID, Detail: what + " (Task/" + t.ID + ")"}, a)})
}

// openTransitionOf is the patient's latest open episode, or nil.
func openTransitionOf(ctx context.Context, db querier, org, patientID string) (*carepath.Transition, error) {
	ts, err := transitionsWhere(ctx, db, org, "t.patient_id = ? AND t.status = ? ORDER BY t.discharged_at DESC LIMIT 1", patientID, carepath.TransitionOpen)
	if err != nil || len(ts) == 0 {
		return nil, err
	}
	return ts[0], nil
}

// UpdateTransition implements carepath.TransitionService.
func (db *DB) UpdateTransition(ctx context.Context, id string, c carepath.TransitionChange) (*carepath.Transition, error) {
	a, err := writerIn(ctx)
	if err != nil {
		return nil, err
	}
	var t *carepath.Transition
	err = db.RunInTx(ctx, func(tx *Tx) error {
		if t, err = findTransition(ctx, tx, a.OrgID, id); err != nil {
			return err
		}
		if c.Version == 0 {
			return errNoVersion("transition")
		}
		if c.Version != t.Version {
			return carepath.Errorf(carepath.ECONFLICT, "This transition was changed by someone else since you opened it. Reload it and try again.")
		}
		what, closes, err := rules.ApplyTransitionChange(t, c, a, tx.Now)
		if err != nil {
			return err
		}
		t.Updated, t.Version = tx.Now, t.Version+1
		if err := saveTransition(ctx, tx, t); err != nil {
			return err
		}
		audits := []carepath.AuditEvent{withActor(carepath.AuditEvent{Action: carepath.AuditTransitionUpdate, PatientID: t.PatientID,
			Object: "Transition/" + t.ID, Detail: strings.Join(what, "; ")}, a)}
		for _, cl := range closes {
			more, err := closeTransitionTasks(ctx, tx, t, cl.Why+" (recorded by "+a.Label()+")", cl.Status, cl.Kind)
			if err != nil {
				return err
			}
			audits = append(audits, more...)
		}
		if c.Complete {
			if err := writeMedicationList(ctx, tx, a, t); err != nil {
				return err
			}
			audits = append(audits, withActor(carepath.AuditEvent{Action: carepath.AuditMedicationListUpdate, PatientID: t.PatientID,
				Object: "Transition/" + t.ID, Detail: fmt.Sprintf("reconciled list of %d medicines", len(medrec.Kept(t.MedRec.Lines)))}, a))
		}
		// The chart shows the episode and the current list: its cached
		// copy is out of date.
		if err := bumpRecordVersions(ctx, tx, a.OrgID, map[string]bool{t.PatientID: true}); err != nil {
			return err
		}
		return appendAudit(ctx, tx, audits)
	})
	if err != nil {
		return nil, err
	}
	return db.FindTransition(ctx, id)
}

// writeMedicationList makes the completed reconciliation the patient's
// current list.
func writeMedicationList(ctx context.Context, tx *Tx, a *carepath.Actor, t *carepath.Transition) error {
	doc, err := json.Marshal(medLinesToDoc(medrec.Kept(t.MedRec.Lines)))
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO medication_list (org_id, id, patient_id, transition_id, reconciled_at, reconciled_by, doc)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, a.OrgID, newID(), t.PatientID, t.ID, formatTime(t.MedRec.Completed.At), a.Label(), string(doc))
	return err
}

// FindMedicationList implements carepath.TransitionService.
func (db *DB) FindMedicationList(ctx context.Context, patientID string) (*carepath.MedicationList, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, err
	}
	l, err := currentMedicationList(ctx, db, a.OrgID, patientID)
	if err != nil {
		return nil, err
	}
	return l, db.RecordAudit(ctx, carepath.AuditEvent{Action: carepath.AuditPatientView, PatientID: patientID, Object: "MedicationList/" + l.TransitionID})
}

// currentMedicationList is the patient's latest reconciled list, or
// ENOTFOUND.
func currentMedicationList(ctx context.Context, db querier, org, patientID string) (*carepath.MedicationList, error) {
	l := &carepath.MedicationList{PatientID: patientID}
	var at, doc string
	err := db.queryRow(ctx, `SELECT transition_id, reconciled_at, reconciled_by, doc FROM medication_list WHERE org_id = ? AND patient_id = ?
		ORDER BY reconciled_at DESC, id DESC LIMIT 1`, org, patientID).Scan(&l.TransitionID, &at, &l.Reconciled.ByName, &doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, carepath.Errorf(carepath.ENOTFOUND, "No reconciled medication list.")
	} else if err != nil {
		return nil, err
	}
	l.Reconciled.At = parseTime(at)
	var lines []medLineDoc
	if err := json.Unmarshal([]byte(doc), &lines); err != nil {
		return nil, err
	}
	l.Lines = medLinesFromDoc(lines)
	return l, nil
}

// medicationListResources renders the patient's current reconciled list
// as FHIR R4 MedicationStatements, one a medicine: active, asserted when
// reconciled and by whom, with the decision (and what to clarify) as a
// note. None without a list.
func medicationListResources(ctx context.Context, db querier, org, patientID string) ([][]byte, error) {
	l, err := currentMedicationList(ctx, db, org, patientID)
	if carepath.ErrorCode(err) == carepath.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return fhir.RenderMedicationList(l)
}
