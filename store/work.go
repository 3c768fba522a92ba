package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"carepath"
	"carepath/rules"
)

// The work engine's state: events waiting for the rules, schedules, holidays
// (migration 0006). The sweeps in the jobs package drive it.

// recordEvent adds an event in tx unless its key is already there.
func recordEvent(ctx context.Context, tx batchTx, now time.Time, e carepath.Event) error {
	return tx.exec(ctx, `INSERT INTO work_event (org_id, event_key, kind, patient_id, occurred_at, facts, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org_id, event_key) DO NOTHING`,
		e.OrgID, e.Key.String(), e.Kind, e.PatientID, formatTime(e.At), eventFactsJSON(e), formatTime(now))
}

// An event's facts are stored as one JSON object of strings, by name:
// encounter, class, start, end, facility, disposition, disposition_display
// for a stay; observation, code, display, effective and, for reading N,
// readingN_code, _name, _value, _unit and _why for a vital sign. The
// names are those the events of earlier versions were stored with, so
// that a pending event outlives an upgrade.

// eventFactsJSON writes an event's facts as they are stored.
func eventFactsJSON(e carepath.Event) string {
	f := map[string]string{}
	if st := e.Stay; st != nil {
		f["encounter"], f["class"], f["start"], f["facility"] = st.EncounterID, st.Class, formatTime(st.Start), st.Facility
		if !st.End.IsZero() {
			f["end"], f["disposition"], f["disposition_display"] = formatTime(st.End), st.Disposition, st.DispositionDisplay
		}
	}
	if v := e.VitalSign; v != nil {
		f["observation"], f["code"], f["display"], f["effective"] = v.ObservationID, v.Code.Code, v.Code.Display, formatTime(v.Effective)
		for i, r := range v.Readings {
			p := "reading" + strconv.Itoa(i+1)
			f[p+"_code"], f[p+"_name"], f[p+"_value"], f[p+"_unit"], f[p+"_why"] = r.Code, r.Name, strconv.FormatFloat(r.Value, 'f', -1, 64), r.Unit, r.Why
		}
	}
	b, _ := json.Marshal(f)
	return string(b)
}

// readEventFacts reads the stored facts of an event of its kind into e.
func readEventFacts(e *carepath.Event, stored string) error {
	var f map[string]string
	if err := json.Unmarshal([]byte(stored), &f); err != nil {
		return fmt.Errorf("event %s: facts: %w", e.Key, err)
	}
	switch e.Kind {
	case carepath.EventDischarge, carepath.EventAdmission:
		e.Stay = &carepath.StayFacts{EncounterID: f["encounter"], Class: f["class"], Start: parseTime(f["start"]), End: parseTime(f["end"]),
			Facility: f["facility"], Disposition: f["disposition"], DispositionDisplay: f["disposition_display"]}
	case carepath.EventVitalSign:
		v := &carepath.VitalSignFacts{ObservationID: f["observation"], Code: carepath.Coding{Code: f["code"], Display: f["display"]},
			Effective: parseTime(f["effective"])}
		for i := 1; f["reading"+strconv.Itoa(i)+"_code"] != ""; i++ {
			p := "reading" + strconv.Itoa(i)
			value, _ := strconv.ParseFloat(f[p+"_value"], 64)
			v.Readings = append(v.Readings, carepath.VitalReading{Code: f[p+"_code"], Name: f[p+"_name"], Value: value, Unit: f[p+"_unit"], Why: f[p+"_why"]})
		}
		e.VitalSign = v
	}
	return nil
}

// dischargeWindow bounds the discharges an import turns into events: older
// stays are history, not work (the rules ignore discharges older than a
// week; a month leaves room for other rules to come).
const dischargeWindow = 30 * 24 * time.Hour

// dischargeEvent is the event of an encounter that ended a stay recently,
// or ok false.
func dischargeEvent(org string, e *carepath.Encounter, now time.Time) (carepath.Event, bool) {
	if !carepath.IsStay(e.Class) {
		return carepath.Event{}, false
	}
	end := e.PeriodEnd.Time()
	if !e.PeriodEnd.IsInstant() || now.Sub(end) > dischargeWindow || end.After(now.Add(24*time.Hour)) {
		return carepath.Event{}, false
	}
	stay := e.StayFacts()
	return carepath.Event{OrgID: org, Key: carepath.EncounterEventKey(e.ID, carepath.StayDischarge), Kind: carepath.EventDischarge, PatientID: e.PatientID, At: end,
		Stay: &stay}, true
}

// admissionEvent is the event of a stay that began recently and has not
// ended (a readmission while an episode is open), or ok false. A stay
// reported with its end makes a discharge event instead, which the
// readmission watch reads as well.
func admissionEvent(org string, e *carepath.Encounter, now time.Time) (carepath.Event, bool) {
	if !carepath.IsStay(e.Class) || !e.PeriodEnd.IsZero() {
		return carepath.Event{}, false
	}
	start := e.PeriodStart.Time()
	if !e.PeriodStart.IsInstant() || now.Sub(start) > dischargeWindow || start.After(now.Add(24*time.Hour)) {
		return carepath.Event{}, false
	}
	stay := e.StayFacts()
	return carepath.Event{OrgID: org, Key: carepath.EncounterEventKey(e.ID, carepath.StayAdmission), Kind: carepath.EventAdmission, PatientID: e.PatientID, At: start,
		Stay: &stay}, true
}

// vitalSignEvent is the event of a recent vital sign that the vital-sign
// rule finds out of range, or ok false. Only those become events: an
// import brings thousands of readings, nearly all in range or old.
func vitalSignEvent(org string, o *carepath.Observation, now time.Time) (carepath.Event, bool) {
	at := o.Effective.Time()
	if !o.Effective.IsInstant() || now.Sub(at) > rules.VitalSignWindow || at.After(now.Add(24*time.Hour)) || o.Status == "entered-in-error" {
		return carepath.Event{}, false
	}
	readings := rules.OutOfRangeVitals(o)
	if len(readings) == 0 {
		return carepath.Event{}, false
	}
	return carepath.Event{OrgID: org, Key: carepath.EventKey{Type: "Observation", ID: o.ID, What: "vital"}, Kind: carepath.EventVitalSign,
		PatientID: o.PatientID, At: at, VitalSign: rules.VitalSignFacts(o, at, readings)}, true
}

// FindPendingEvents implements carepath.WorkStateService.
func (db *DB) FindPendingEvents(ctx context.Context, limit int) ([]carepath.Event, error) {
	a, err := adminIn(ctx)
	if err != nil {
		return nil, err
	}
	return pendingEvents(ctx, db, a.OrgID, "ORDER BY created_at, event_key LIMIT "+strconv.Itoa(limit))
}

// FindPendingEventsByKey implements carepath.WorkStateService.
func (db *DB) FindPendingEventsByKey(ctx context.Context, keys []carepath.EventKey) ([]carepath.Event, error) {
	a, err := adminIn(ctx)
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k.String()
	}
	return pendingEvents(ctx, db, a.OrgID, "AND event_key IN ("+placeholders(len(keys))+") ORDER BY created_at, event_key", args...)
}

// pendingEvents reads the organization's events the rules have not seen,
// as rest (more conditions, the order) says.
func pendingEvents(ctx context.Context, db querier, org, rest string, args ...any) ([]carepath.Event, error) {
	rows, err := db.query(ctx, `SELECT event_key, kind, patient_id, occurred_at, facts, created_at FROM work_event
		WHERE org_id = ? AND processed_at = '' `+rest, append([]any{org}, args...)...)
	return collect(rows, err, func(scan func(...any) error) (carepath.Event, error) {
		e := carepath.Event{OrgID: org}
		var key, at, facts, created string
		if err := scan(&key, &e.Kind, &e.PatientID, &at, &facts, &created); err != nil {
			return e, err
		}
		var err error
		if e.Key, err = carepath.ParseEventKey(key); err != nil {
			return e, err
		}
		e.At, e.Created = parseTime(at), parseTime(created)
		return e, readEventFacts(&e, facts)
	})
}

// MarkEventProcessed implements carepath.WorkStateService.
func (db *DB) MarkEventProcessed(ctx context.Context, key carepath.EventKey, result string) error {
	a, err := adminIn(ctx)
	if err != nil {
		return err
	}
	return db.RunInTx(ctx, func(tx *Tx) error {
		return execFound(ctx, tx, "Event not found.", "UPDATE work_event SET processed_at = ?, result = ? WHERE org_id = ? AND event_key = ?",
			formatTime(tx.Now), result, a.OrgID, key.String())
	})
}

// EnsureSchedules implements carepath.WorkStateService: one statement that
// enrolls every matching patient without a schedule of the rule.
func (db *DB) EnsureSchedules(ctx context.Context, ruleID string, m carepath.ConditionMatch, everyDays int, firstDue time.Time) (int, error) {
	a, err := adminIn(ctx)
	if err != nil {
		return 0, err
	}
	matches, args, err := conditionMatchQuery(a.OrgID, m)
	if err != nil {
		return 0, err
	}
	var n int64
	err = db.RunInTx(ctx, func(tx *Tx) error {
		// The id is derived from the patient, so that it is stable and needs
		// no per-row call into Go.
		q := `INSERT INTO schedule (org_id, id, patient_id, rule_id, every_days, seq, next_due, created_at, updated_at)
			SELECT p.org_id, ? || ':' || p.id, p.id, ?, ?, 1, ?, ?, ?
			FROM (` + matches + `) m JOIN patient p ON p.org_id = ? AND p.id = m.patient_id
			WHERE NOT p.deceased
			AND NOT EXISTS (SELECT 1 FROM schedule s WHERE s.org_id = p.org_id AND s.patient_id = p.id AND s.rule_id = ?)`
		res, err := tx.Exec(ctx, q, append(append(append([]any{ruleID, ruleID, everyDays, formatTime(firstDue), formatTime(tx.Now), formatTime(tx.Now)},
			args...), a.OrgID), ruleID)...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// LastEnrollment implements carepath.WorkStateService.
func (db *DB) LastEnrollment(ctx context.Context) (time.Time, error) {
	a, err := adminIn(ctx)
	if err != nil {
		return time.Time{}, err
	}
	var at string
	if err := db.queryRow(ctx, "SELECT enrolled_at FROM organization WHERE id = ?", a.OrgID).Scan(&at); err != nil {
		return time.Time{}, err
	}
	return parseTime(at), nil
}

// MarkEnrolled implements carepath.WorkStateService.
func (db *DB) MarkEnrolled(ctx context.Context) error {
	a, err := adminIn(ctx)
	if err != nil {
		return err
	}
	return db.RunInTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, "UPDATE organization SET enrolled_at = ? WHERE id = ?", formatTime(tx.Now), a.OrgID)
		return err
	})
}

// conditionMatchQuery is a query of the patient_id of every patient with an
// active condition m matches. The patients come from the condition-code
// index, one range per kind of code: a scan of every patient's conditions
// took 1.5 s per sweep at 100,000 patients.
func conditionMatchQuery(org string, m carepath.ConditionMatch) (string, []any, error) {
	if len(m.SNOMED) == 0 && len(m.ICD10Prefixes) == 0 {
		return "", nil, carepath.Errorf(carepath.EINVALID, "A schedule rule needs conditions to match.")
	}
	active := " AND c.clinical_status IN ('active', 'recurrence', 'relapse')"
	var matches []string
	var args []any
	if len(m.SNOMED) > 0 {
		matches = append(matches, "SELECT c.patient_id FROM condition c WHERE c.org_id = ? AND c.code IN ("+placeholders(len(m.SNOMED))+")"+active)
		args = append(args, org)
		for _, c := range m.SNOMED {
			args = append(args, c)
		}
	}
	for _, prefix := range m.ICD10Prefixes {
		if prefix == "" {
			return "", nil, carepath.Errorf(carepath.EINVALID, "An ICD-10 prefix is not empty.")
		}
		// Codes from the prefix up to the next prefix: I50, I50.1... but not I51.
		next := prefix[:len(prefix)-1] + string(prefix[len(prefix)-1]+1)
		matches = append(matches, "SELECT c.patient_id FROM condition c WHERE c.org_id = ? AND c.code >= ? AND c.code < ?"+
			" AND c.code_system LIKE '%icd-10%'"+active)
		args = append(args, org, prefix, next)
	}
	return strings.Join(matches, " UNION "), args, nil
}

// FindDueSchedules implements carepath.WorkStateService.
func (db *DB) FindDueSchedules(ctx context.Context, now time.Time, limit int) ([]carepath.Schedule, error) {
	a, err := adminIn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, `SELECT s.id, s.patient_id, s.rule_id, s.every_days, s.status, s.seq, s.next_due, s.last_task_id, s.last_due, s.last_done,
		COALESCE((SELECT m.user_id FROM care_team_member m WHERE m.org_id = s.org_id AND m.patient_id = s.patient_id AND m.role = ? ORDER BY m.since LIMIT 1), '')
		FROM schedule s WHERE s.org_id = ? AND s.status = 'active' AND s.fire_at <= ?
		ORDER BY s.fire_at, s.id LIMIT `+strconv.Itoa(limit), carepath.CareTeamPrimaryCareManager, a.OrgID, formatTime(now))
	return collect(rows, err, func(scan func(...any) error) (carepath.Schedule, error) {
		s := carepath.Schedule{OrgID: a.OrgID}
		var next, last, done string
		err := scan(&s.ID, &s.PatientID, &s.RuleID, &s.EveryDays, &s.Status, &s.Seq, &next, &s.LastTaskID, &last, &done, &s.CareManagerID)
		s.NextDue, s.LastDue, s.LastDone = parseTime(next), parseTime(last), parseTime(done)
		return s, err
	})
}

// holdFire is the fire_at of a schedule that waits on its task: after any
// time, so never due until the task's closing sets it.
const holdFire = "9999-12-31T00:00:00Z"

// FireSchedules implements carepath.WorkStateService.
func (db *DB) FireSchedules(ctx context.Context, firings []carepath.ScheduledTask) (int, error) {
	tasks := make([]*carepath.Task, len(firings))
	for i, f := range firings {
		tasks[i] = f.Task
	}
	return db.insertRuleTasks(ctx, tasks, func(tx *Tx, a *carepath.Actor, _ []bool) ([]carepath.AuditEvent, error) {
		// Each schedule moves on from the occurrence read only: a sweep
		// that got here first has moved it on already (and made this same
		// task, which is now the firing's). One prepared statement, run
		// per schedule: each run is a primary-key update. (A multi-row
		// UPDATE ... FROM (VALUES ...) was planned by SQLite as a read of
		// every schedule per statement, and ran ten times slower.)
		update, err := tx.Prepare(ctx, `UPDATE schedule SET seq = seq + 1, last_task_id = ?, last_due = ?, fire_at = ?, next_due = ?, updated_at = ?
			WHERE org_id = ? AND id = ? AND seq = ?`)
		if err != nil {
			return nil, err
		}
		defer update.Close()
		for _, f := range firings {
			// The next one is made when this one is due, or sooner when it
			// closes (changeTask marks it); one already closed (made by a
			// sweep before) fires again at once.
			fireAt := formatTime(f.Task.Due)
			switch {
			case !f.Task.Status.Open():
				fireAt = formatTime(tx.Now)
			case f.Hold:
				fireAt = holdFire // until the task closes or the screening is recorded
			}
			// A check-in's next is an interval after this one; a held
			// screening is due by this task's deadline until it is done.
			nextDue := f.Task.Due.AddDate(0, 0, f.Schedule.EveryDays)
			if f.Hold {
				nextDue = f.Task.Due
			}
			if _, err := update.ExecContext(ctx, f.Task.ID, formatTime(f.Task.Due), fireAt, formatTime(nextDue),
				formatTime(tx.Now), a.OrgID, f.Schedule.ID, f.Schedule.Seq); err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
}

// insertRuleTasks makes rule tasks in one transaction (each once: its rule
// event key), running then with which of them it made, for the change
// that commits with them; every audit record goes in the same transaction.
// Administrators and the system only. It returns how many tasks it made.
func (db *DB) insertRuleTasks(ctx context.Context, tasks []*carepath.Task,
	then func(tx *Tx, a *carepath.Actor, created []bool) ([]carepath.AuditEvent, error)) (int, error) {
	a, err := adminIn(ctx)
	if err != nil {
		return 0, err
	}
	for _, t := range tasks {
		if err := prepareTask(a, t, db.Now()); err != nil {
			return 0, err
		}
	}
	made := 0
	err = db.RunInTx(ctx, func(tx *Tx) error {
		made = 0
		created, err := insertTasks(ctx, tx, a, tasks)
		if err != nil {
			return err
		}
		var audits []carepath.AuditEvent
		for i, t := range tasks {
			if created[i] {
				made++
				audits = append(audits, taskCreatedAudit(a, t))
			}
		}
		more, err := then(tx, a, created)
		if err != nil {
			return err
		}
		return appendAudit(ctx, tx, append(audits, more...))
	})
	return made, err
}

// SetScheduleStatus implements carepath.ScheduleService.
func (db *DB) SetScheduleStatus(ctx context.Context, id, status string) error {
	a, err := writerIn(ctx)
	if err != nil {
		return err
	}
	switch status {
	case carepath.ScheduleActive, carepath.SchedulePaused, carepath.ScheduleStopped:
	default:
		return carepath.Errorf(carepath.EINVALID, "A schedule is active, paused or stopped, not %q.", status)
	}
	return db.RunInTx(ctx, func(tx *Tx) error {
		var patient string
		err := tx.queryRow(ctx, "SELECT patient_id FROM schedule WHERE org_id = ? AND id = ? AND status <> 'stopped'", a.OrgID, id).Scan(&patient)
		if errors.Is(err, sql.ErrNoRows) {
			return carepath.Errorf(carepath.ENOTFOUND, "Schedule not found (or stopped).")
		} else if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE schedule SET status = ?, updated_at = ? WHERE org_id = ? AND id = ?", status, formatTime(tx.Now), a.OrgID, id); err != nil {
			return err
		}
		return appendAudit(ctx, tx, []carepath.AuditEvent{withActor(carepath.AuditEvent{Action: carepath.AuditScheduleChange,
			PatientID: patient, Object: "Schedule/" + id, Detail: status}, a)})
	})
}

// FindPatientSchedules implements carepath.ScheduleService.
func (db *DB) FindPatientSchedules(ctx context.Context, patientID string) ([]carepath.Schedule, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, err
	}
	var out []carepath.Schedule
	err = db.inReadTx(ctx, func(r *readTx) error {
		if _, err := findPatient(ctx, r, a.OrgID, patientID); err != nil {
			return err
		}
		out, err = patientSchedules(ctx, r, a.OrgID, patientID)
		return err
	})
	return out, err
}

// patientSchedules reads a patient's schedules through db.
func patientSchedules(ctx context.Context, db querier, org, patientID string) ([]carepath.Schedule, error) {
	rows, err := db.query(ctx, `SELECT id, rule_id, every_days, status, seq, next_due, last_task_id, last_due, last_done FROM schedule
		WHERE org_id = ? AND patient_id = ? ORDER BY rule_id`, org, patientID)
	return collect(rows, err, func(scan func(...any) error) (carepath.Schedule, error) {
		s := carepath.Schedule{OrgID: org, PatientID: patientID}
		var next, last, done string
		err := scan(&s.ID, &s.RuleID, &s.EveryDays, &s.Status, &s.Seq, &next, &s.LastTaskID, &last, &done)
		s.NextDue, s.LastDue, s.LastDone = parseTime(next), parseTime(last), parseTime(done)
		return s, err
	})
}

// escalationCandidates are the open tasks of an organization due before a
// time that a rule has not escalated (org, due before, rule id), most
// overdue first. Escalations never escalate (rules.ShouldEscalate); they
// are left out here so that they cannot fill the batch.
const escalationCandidates = "SELECT " + taskColumns + taskNames + " FROM task t" + taskNameJoins +
	" WHERE t.org_id = ? AND t.status IN " + openStatuses + " AND t.due_at < ? AND t.kind <> 'escalation'" +
	" AND NOT EXISTS (SELECT 1 FROM task e WHERE e.org_id = t.org_id AND e.rule_id <> '' AND e.rule_id = ?" +
	" AND e.event_key = 'Task/' || t.id || ':overdue') ORDER BY t.due_at"

// FindTasksToEscalate implements carepath.WorkStateService.
func (db *DB) FindTasksToEscalate(ctx context.Context, dueBefore time.Time, ruleID string, limit int) ([]*carepath.Task, error) {
	a, err := adminIn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, escalationCandidates+" LIMIT "+strconv.Itoa(limit), a.OrgID, formatTime(dueBefore), ruleID)
	return collect(rows, err, func(scan func(...any) error) (*carepath.Task, error) { return scanTask(scan, true) })
}

// EscalateTasks implements carepath.WorkStateService.
func (db *DB) EscalateTasks(ctx context.Context, escalations []carepath.Escalation) (int, error) {
	tasks := make([]*carepath.Task, len(escalations))
	for i, e := range escalations {
		tasks[i] = e.Task
	}
	return db.insertRuleTasks(ctx, tasks, func(tx *Tx, a *carepath.Actor, created []bool) ([]carepath.AuditEvent, error) {
		var audits []carepath.AuditEvent
		for i, e := range escalations {
			late := e.Late
			raised := late.Priority.Raise()
			if !created[i] || raised == late.Priority {
				continue
			}
			// As any change, from the version read: a task closed or
			// changed since stays as it is now.
			_, audit, err := changeTask(ctx, tx, a, late.ID, carepath.TaskChange{Priority: &raised, Version: late.Version,
				Note: "escalated to the supervisors: more than a business day late"}, true)
			if code := carepath.ErrorCode(err); code == carepath.ECONFLICT || code == carepath.EINVALID {
				continue
			} else if err != nil {
				return nil, err
			}
			audits = append(audits, audit)
		}
		return audits, nil
	})
}

// FindHolidays implements carepath.WorkStateService.
func (db *DB) FindHolidays(ctx context.Context) ([]carepath.Holiday, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, "SELECT day, name FROM org_holiday WHERE org_id = ? ORDER BY day", a.OrgID)
	return collect(rows, err, func(scan func(...any) error) (carepath.Holiday, error) {
		var h carepath.Holiday
		return h, scan(&h.Day, &h.Name)
	})
}

// AddHoliday implements carepath.WorkStateService.
func (db *DB) AddHoliday(ctx context.Context, h carepath.Holiday) error {
	a, err := adminIn(ctx)
	if err != nil {
		return err
	}
	h.Name = strings.TrimSpace(h.Name)
	if _, err := time.Parse(time.DateOnly, h.Day); err != nil || h.Name == "" {
		return carepath.Errorf(carepath.EINVALID, "A holiday needs a day (YYYY-MM-DD) and a name.")
	}
	return db.RunInTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO org_holiday (org_id, day, name) VALUES (?, ?, ?)
			ON CONFLICT (org_id, day) DO UPDATE SET name = excluded.name`, a.OrgID, h.Day, h.Name); err != nil {
			return err
		}
		return appendAudit(ctx, tx, []carepath.AuditEvent{withActor(carepath.AuditEvent{Action: carepath.AuditHolidayChange,
			Object: "Holiday/" + h.Day, Detail: "closed: " + h.Name}, a)})
	})
}

// DeleteHoliday implements carepath.WorkStateService.
func (db *DB) DeleteHoliday(ctx context.Context, day string) error {
	a, err := adminIn(ctx)
	if err != nil {
		return err
	}
	return db.RunInTx(ctx, func(tx *Tx) error {
		if err := execFound(ctx, tx, "No holiday on "+day+".", "DELETE FROM org_holiday WHERE org_id = ? AND day = ?", a.OrgID, day); err != nil {
			return err
		}
		return appendAudit(ctx, tx, []carepath.AuditEvent{withActor(carepath.AuditEvent{Action: carepath.AuditHolidayChange,
			Object: "Holiday/" + day, Detail: "reopened"}, a)})
	})
}
