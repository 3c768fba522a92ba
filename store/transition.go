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
	// Before the admission, the latest order of each medicine: an earlier
	// discharge's orders, or a renewal, supersede the ones they repeat.
	admittedAt := formatTime(admitted)
	latest := map[string]int{}
	for _, m := range meds {
		switch {
		case m.EncounterID == encounterID:
			after = append(after, m)
		case m.Status == "active" && m.Authored < admittedAt:
			key := cmp.Or(m.Code.Code, strings.ToLower(m.Code.Display))
			if i, ok := latest[key]; ok {
				before[i] = m // meds come oldest first
				continue
			}
			latest[key] = len(before)
			before = append(before, m)
		}
	}
	return before, after, nil
}

// reconciliationLines turns the comparison into the episode's lines.
// Without a discharge list on record nothing can be said stopped: each
// medicine before the admission is to confirm.
func reconciliationLines(before, after []carepath.Medication) []carepath.MedRecLine {
	var lines []carepath.MedRecLine
	if len(after) == 0 {
		for _, m := range before {
			lines = append(lines, carepath.MedRecLine{Kind: carepath.MedRecConfirm, Medicine: m.Code.Display, Code: m.Code.Code,
				Before: cmp.Or(m.Dosage, "(no dosage recorded)"), Why: "no discharge list on record: confirm with the patient and the discharge summary"})
		}
		return lines
	}
	for _, l := range medrec.Compare(before, after) {
		line := carepath.MedRecLine{Kind: l.Kind, Why: l.Why}
		if l.Before != nil {
			line.Medicine, line.Code, line.Before = l.Before.Code.Display, l.Before.Code.Code, cmp.Or(l.Before.Dosage, "(no dosage recorded)")
		}
		if l.After != nil {
			line.Medicine, line.Code, line.After = l.After.Code.Display, l.After.Code.Code, cmp.Or(l.After.Dosage, "(no dosage recorded)")
		}
		lines = append(lines, line)
	}
	return lines
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
		t.MedRec.Lines = reconciliationLines(before, after)
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
		if err := bumpRecordVersions(ctx, sqlBatchTx{tx}, a.OrgID, map[string]bool{t.PatientID: true}); err != nil {
			return err
		}
		return appendAudit(ctx, sqlBatchTx{tx}, audits)
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
func firstStayAfter(ctx context.Context, db querier, org, patientID, exceptID string, discharged time.Time) (*carepath.Encounter, error) {
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
	return &stays[0], nil
}

// readmissionOf is stay as the readmission of episode t; its days are
// calendar days in the organization's time zone.
func readmissionOf(t *carepath.Transition, stay *carepath.Encounter, loc *time.Location) *carepath.Readmission {
	admitted := parseTime(stay.PeriodStart)
	return &carepath.Readmission{EncounterID: stay.ID, Class: stay.Class, Facility: stay.ServiceProviderName, Admitted: admitted,
		Days: calendar.DaysBetween(t.Discharged, admitted, loc)}
}

// FlagReadmission implements carepath.TransitionService.
func (db *DB) FlagReadmission(ctx context.Context, stay carepath.Encounter) (int, error) {
	a, err := adminIn(ctx)
	if err != nil {
		return 0, err
	}
	admitted, err := time.Parse(time.RFC3339, stay.PeriodStart)
	if err != nil || !carepath.IsStay(stay.Class) {
		return 0, nil
	}
	flagged := 0
	err = db.RunInTx(ctx, func(tx *Tx) error {
		episodes, err := transitionsWhere(ctx, tx, a.OrgID, `t.patient_id = ? AND t.encounter_id <> ? AND t.discharged_at < ?
			AND t.discharged_at >= ? AND t.readmitted_at = ''`, stay.PatientID, stay.ID, formatTime(admitted), formatTime(admitted.Add(-readmissionWindow)))
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
				Object: "Transition/" + t.ID, Detail: fmt.Sprintf("readmitted: Encounter/%s, %d days after the discharge", stay.ID, t.Readmission.Days)}, a))
			flagged++
		}
		if err := bumpRecordVersions(ctx, sqlBatchTx{tx}, a.OrgID, patients); err != nil {
			return err
		}
		return appendAudit(ctx, sqlBatchTx{tx}, audits)
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
				t.Closed = &carepath.TransitionNote{At: tx.Now, ByName: actorLabel(a), Note: "the 30-day period ended"}
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
			if err := bumpRecordVersions(ctx, sqlBatchTx{tx}, a.OrgID, patients); err != nil {
				return err
			}
			return appendAudit(ctx, sqlBatchTx{tx}, audits)
		})
		if err != nil || n < batch {
			return closed + n, err
		}
		closed += n
	}
}

// transitionKinds are an episode's kinds of task, in the order of the clock.
var transitionKinds = []string{rules.KindPostDischarge, rules.KindMedRec, rules.KindFollowUpVisit, rules.KindPeriodEnd}

// transitionTaskKeys are the (rule, event key) of each kind of task an
// episode's stay made.
func transitionTaskKeys(encounterID string) map[string][2]string {
	key := func(event string) string { return carepath.EncounterEventKey(encounterID, event) }
	return map[string][2]string{
		rules.KindPostDischarge: {rules.PostDischargeContact.ID, key("discharge")},
		rules.KindFollowUpVisit: {rules.TransitionProtocol.ID, key("follow-up-visit")},
		rules.KindMedRec:        {rules.TransitionProtocol.ID, key("medication-reconciliation")},
		rules.KindPeriodEnd:     {rules.TransitionProtocol.ID, key("tcm-period-end")},
	}
}

// transitionTasks reads an episode's tasks, in the order of the clock.
func transitionTasks(ctx context.Context, db querier, t *carepath.Transition) ([]*carepath.Task, error) {
	var out []*carepath.Task
	keys := transitionTaskKeys(t.EncounterID)
	for _, kind := range transitionKinds {
		k := keys[kind]
		task, err := scanTask(db.queryRow(ctx, "SELECT "+taskColumns+taskNames+` FROM task t LEFT JOIN app_user u ON u.org_id = t.org_id AND u.id = t.owner_id
			LEFT JOIN patient p ON p.org_id = t.org_id AND p.id = t.patient_id WHERE `+ruleTaskWhere, t.OrgID, k[0], k[1]).Scan, true)
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
	keys := transitionTaskKeys(t.EncounterID)
	var audits []carepath.AuditEvent
	for _, kind := range kinds {
		k := keys[kind]
		var id, now string
		err := tx.queryRow(ctx, "SELECT t.id, t.status FROM task t WHERE "+ruleTaskWhere, t.OrgID, k[0], k[1]).Scan(&id, &now)
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
		readClock(t, loc)
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

// readClock fills in the TCM code the documentation supports and each
// element's state.
func readClock(t *carepath.Transition, loc *time.Location) {
	clock := rules.TCMClock{Discharged: t.Discharged, Contact: t.ContactDue, FaceToFaceHigh: t.VisitDueHigh,
		FaceToFaceModerate: t.VisitDueModerate, PeriodEnd: t.PeriodEnd}
	doc := rules.TCMDocumentation{Complexity: t.Complexity}
	if t.Contact != nil {
		doc.ContactAt = t.Contact.At
	}
	for _, a := range t.Attempts {
		doc.Attempts = append(doc.Attempts, a.At)
	}
	if t.Visit != nil {
		doc.VisitAt = t.Visit.At
	}
	if t.MedRec.Completed != nil {
		doc.MedRecAt = t.MedRec.Completed.At
	}
	t.Code, t.Elements = clock.Code(doc, loc)
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
// its contact task t (change c): an attempt that reached the patient, or
// the task completed as reached or done, is the interactive contact;
// another attempt, or a completion with another outcome, an attempt.
// Nothing when the episode is closed or has its contact already.
func contactTaskWorked(ctx context.Context, tx *Tx, a *carepath.Actor, t *carepath.Task, c carepath.TaskChange) error {
	encounter, event, ok := carepath.ParseEncounterEventKey(t.Origin.EventKey)
	if !ok || event != "discharge" {
		return nil
	}
	ts, err := transitionsWhere(ctx, tx, a.OrgID, "t.encounter_id = ? AND t.status = ?", encounter, carepath.TransitionOpen)
	if err != nil || len(ts) == 0 || ts[0].Contact != nil {
		return err
	}
	tr := ts[0]
	note := carepath.TransitionNote{At: tx.Now, ByID: a.ActorID(), ByName: actorLabel(a), Outcome: t.Outcome, Note: strings.TrimSpace(c.Note)}
	what := "contact, from its task"
	if t.Outcome == carepath.OutcomeReached || t.Outcome == carepath.OutcomeDone && t.Status == carepath.TaskCompleted {
		note.Outcome = ""
		tr.Contact = &note
	} else {
		tr.Attempts = append(tr.Attempts, note)
		what = "contact attempt, from its task: " + t.Outcome
	}
	tr.Updated, tr.Version = tx.Now, tr.Version+1
	if err := saveTransition(ctx, tx, tr); err != nil {
		return err
	}
	if err := bumpRecordVersions(ctx, sqlBatchTx{tx}, a.OrgID, map[string]bool{tr.PatientID: true}); err != nil {
		return err
	}
	return appendAudit(ctx, sqlBatchTx{tx}, []carepath.AuditEvent{withActor(carepath.AuditEvent{Action: carepath.AuditTransitionUpdate,
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
		what, closeKinds, err := applyTransitionChange(t, c, a, tx.Now)
		if err != nil {
			return err
		}
		t.Updated, t.Version = tx.Now, t.Version+1
		if err := saveTransition(ctx, tx, t); err != nil {
			return err
		}
		audits := []carepath.AuditEvent{withActor(carepath.AuditEvent{Action: carepath.AuditTransitionUpdate, PatientID: t.PatientID,
			Object: "Transition/" + t.ID, Detail: strings.Join(what, "; ")}, a)}
		for _, kind := range transitionKinds {
			why, ok := closeKinds[kind]
			if !ok {
				continue
			}
			status := carepath.TaskCompleted
			if c.Close != nil && kind != rules.KindPeriodEnd {
				status = carepath.TaskCancelled // closed before it was done
			}
			more, err := closeTransitionTasks(ctx, tx, t, why+" (recorded by "+actorLabel(a)+")", status, kind)
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
				Object: "Transition/" + t.ID, Detail: fmt.Sprintf("reconciled list of %d medicines", len(keptLines(t.MedRec.Lines)))}, a))
		}
		// The chart shows the episode and the current list: its cached
		// copy is out of date.
		if err := bumpRecordVersions(ctx, sqlBatchTx{tx}, a.OrgID, map[string]bool{t.PatientID: true}); err != nil {
			return err
		}
		return appendAudit(ctx, sqlBatchTx{tx}, audits)
	})
	if err != nil {
		return nil, err
	}
	return db.FindTransition(ctx, id)
}

// applyTransitionChange checks c and applies it to t (read in the
// caller's transaction, which an error rolls back), returning what it did
// in words and which tasks it fulfils (kind: why). Every problem is named
// in the one error, each by the input it concerns (contact.at,
// attempt.outcome, lines.N.decision for line N, reported.K.medicine for
// the K-th medicine reported, complete, close...).
func applyTransitionChange(t *carepath.Transition, c carepath.TransitionChange, a *carepath.Actor, now time.Time) (what []string, closeKinds map[string]string, err error) {
	closeKinds = map[string]string{}
	var problems carepath.Problems
	problem := problems.Add
	if t.Status != carepath.TransitionOpen {
		return nil, nil, carepath.Errorf(carepath.EINVALID, "This transition is closed; it cannot change any more.")
	}
	// when checks a recorded time: not in the future, not before the
	// discharge; zero is now.
	when := func(field, name string, at time.Time) time.Time {
		switch {
		case at.IsZero():
			return now
		case at.After(now.Add(5 * time.Minute)):
			problem(field, "%s time is in the future", name)
		case at.Before(t.Discharged):
			problem(field, "%s time is before the discharge", name)
		}
		return at
	}
	by := func(n carepath.TransitionNote, at time.Time) *carepath.TransitionNote {
		return &carepath.TransitionNote{At: at, ByID: a.ActorID(), ByName: actorLabel(a), Outcome: strings.TrimSpace(n.Outcome), Note: strings.TrimSpace(n.Note)}
	}
	if c.Contact != nil {
		at := when("contact.at", "the contact's", c.Contact.At)
		t.Contact = by(*c.Contact, at)
		what = append(what, "contact "+formatTime(at))
		closeKinds[rules.KindPostDischarge] = "interactive contact recorded on the transition"
	}
	if c.Attempt != nil {
		at := when("attempt.at", "the attempt's", c.Attempt.At)
		if strings.TrimSpace(c.Attempt.Outcome) == "" {
			problem("attempt.outcome", "an attempt needs its outcome (no answer, left voicemail...)")
		}
		t.Attempts = append(t.Attempts, *by(*c.Attempt, at))
		what = append(what, "contact attempt "+formatTime(at)+": "+c.Attempt.Outcome)
	}
	if c.Visit != nil {
		at := when("visit.at", "the visit's", c.Visit.At)
		t.Visit = by(*c.Visit, at)
		what = append(what, "face-to-face visit "+formatTime(at))
		closeKinds[rules.KindFollowUpVisit] = "face-to-face visit recorded on the transition"
	}
	if c.Complexity != nil {
		if !slices.Contains(carepath.TransitionComplexities, *c.Complexity) {
			problem("complexity", "the complexity %q is not one of %s", *c.Complexity, strings.Join(carepath.TransitionComplexities, ", "))
		}
		t.Complexity, t.ComplexityBy = *c.Complexity, by(carepath.TransitionNote{}, now)
		what = append(what, "complexity "+*c.Complexity)
	}
	if t.MedRec.Completed != nil && (len(c.Decisions) > 0 || len(c.Reported) > 0 || c.Complete) {
		problem("complete", "the reconciliation was completed already")
	}
	// decide records a decision on line i; field names its input.
	decide := func(i int, field, decision, note string) {
		line := &t.MedRec.Lines[i]
		note = strings.TrimSpace(note)
		// A decision as it stands (a form sends every line) is no change:
		// who made it stays.
		if decision == "" || decision == line.Decision && line.DecidedBy != nil && note == line.DecidedBy.Note {
			return
		}
		if !slices.Contains(carepath.MedDecisions, decision) {
			problem(field+".decision", "line %d: the decision %q is not one of continue, stop, clarify", i+1, decision)
			return
		}
		if decision == carepath.MedClarify && note == "" {
			problem(field+".note", "line %d (%s): say what to clarify with the prescriber", i+1, line.Medicine)
		}
		line.Decision, line.DecidedBy = decision, by(carepath.TransitionNote{Note: note}, now)
		what = append(what, fmt.Sprintf("%s: %s", line.Medicine, decision))
	}
	for _, d := range c.Decisions {
		field := fmt.Sprintf("lines.%d", d.Line)
		if d.Line < 0 || d.Line >= len(t.MedRec.Lines) {
			problem(field, "there is no line %d", d.Line+1)
			continue
		}
		line := &t.MedRec.Lines[d.Line]
		if d.PatientTakes != "" && d.PatientTakes != line.PatientTakes {
			if !slices.Contains(carepath.PatientTakes, d.PatientTakes) {
				problem(field+".takes", "line %d: what the patient takes must be one of %s", d.Line+1, strings.Join(carepath.PatientTakes, ", "))
			}
			line.PatientTakes = d.PatientTakes
			what = append(what, fmt.Sprintf("%s: the patient takes it %s", line.Medicine, d.PatientTakes))
		}
		decide(d.Line, field, d.Decision, d.Note)
	}
	// A medicine the patient reports is a new line, decided in the same
	// change when the decision comes with it.
	reported := map[int]string{} // line -> its input
	for k, r := range c.Reported {
		field := fmt.Sprintf("reported.%d", k)
		name := strings.TrimSpace(r.Medicine)
		if name == "" {
			problem(field+".medicine", "a medicine the patient reports needs its name")
			continue
		}
		t.MedRec.Lines = append(t.MedRec.Lines, carepath.MedRecLine{Kind: "reported", Medicine: name, Before: strings.TrimSpace(r.Before),
			Why: "the patient takes it; on neither list", PatientTakes: "as listed", PatientNote: strings.TrimSpace(r.PatientNote)})
		what = append(what, "reported medicine "+name)
		i := len(t.MedRec.Lines) - 1
		reported[i] = field
		if r.Decision != "" {
			note := ""
			if r.DecidedBy != nil {
				note = r.DecidedBy.Note
			}
			decide(i, field, r.Decision, note)
		}
	}
	if c.Complete {
		undecided := false
		for i, l := range t.MedRec.Lines {
			if l.Decision == "" {
				undecided = true
				field := fmt.Sprintf("lines.%d", i)
				if f, ok := reported[i]; ok {
					field = f
				}
				problem(field+".decision", "line %d (%s) is undecided", i+1, l.Medicine)
			}
		}
		if undecided {
			problem("complete", "every line needs a decision before the reconciliation is complete")
		}
		t.MedRec.Completed = by(carepath.TransitionNote{}, now)
		what = append(what, "reconciliation completed")
		closeKinds[rules.KindMedRec] = "medication reconciliation completed on the transition"
	}
	if c.Close != nil {
		reason := strings.TrimSpace(*c.Close)
		if reason == "" {
			problem("close", "closing a transition needs the reason")
		}
		t.Status, t.Closed = carepath.TransitionClosed, by(carepath.TransitionNote{Note: reason}, now)
		what = append(what, "closed: "+reason)
		for _, kind := range transitionKinds {
			if _, done := closeKinds[kind]; !done {
				closeKinds[kind] = "transition closed: " + reason
			}
		}
	}
	if err := carepath.Invalid("This change cannot be recorded", problems...); err != nil {
		return nil, nil, err
	}
	if len(what) == 0 {
		return nil, nil, carepath.Errorf(carepath.EINVALID, "Nothing to change.")
	}
	return what, closeKinds, nil
}

// keptLines are the reconciled list: the lines continued or to clarify.
func keptLines(lines []carepath.MedRecLine) []carepath.MedRecLine {
	var kept []carepath.MedRecLine
	for _, l := range lines {
		if l.Decision == carepath.MedContinue || l.Decision == carepath.MedClarify {
			kept = append(kept, l)
		}
	}
	return kept
}

// writeMedicationList makes the completed reconciliation the patient's
// current list.
func writeMedicationList(ctx context.Context, tx *Tx, a *carepath.Actor, t *carepath.Transition) error {
	doc, err := json.Marshal(medLinesToDoc(keptLines(t.MedRec.Lines)))
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO medication_list (org_id, id, patient_id, transition_id, reconciled_at, reconciled_by, doc)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, a.OrgID, newID(), t.PatientID, t.ID, formatTime(t.MedRec.Completed.At), actorLabel(a), string(doc))
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
	at := l.Reconciled.At.UTC().Format(time.RFC3339)
	var out [][]byte
	for i, line := range l.Lines {
		note := "Reconciled after a discharge (Transition/" + l.TransitionID + "): " + line.Decision
		if line.Decision == carepath.MedClarify && line.DecidedBy != nil {
			note = "Reconciled after a discharge (Transition/" + l.TransitionID + "): to clarify with the prescriber: " + line.DecidedBy.Note
		}
		med := map[string]any{"text": line.Medicine}
		if line.Code != "" {
			med["coding"] = []map[string]string{{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": line.Code, "display": line.Medicine}}
		}
		doc := map[string]any{"resourceType": "MedicationStatement", "id": fmt.Sprintf("reconciled-%s-%d", l.TransitionID, i+1), "status": "active",
			"medicationCodeableConcept": med, "subject": map[string]string{"reference": "Patient/" + patientID},
			"effectiveDateTime": at, "dateAsserted": at, "informationSource": map[string]string{"display": l.Reconciled.ByName},
			"dosage": []map[string]string{{"text": cmp.Or(line.After, line.Before)}}, "note": []map[string]string{{"text": note}}}
		b, err := json.Marshal(doc)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}
