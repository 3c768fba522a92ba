package store

import (
	"cmp"
	"context"
	"slices"
	"time"

	"carepath"
	"carepath/billing"
	"carepath/calendar"
	"carepath/rules"
)

// deviceVitals are the readings a home device sends for RPM: blood
// pressure (panel and systolic), weight, heart rate, oxygen saturation,
// glucose.
var deviceVitals = []any{"85354-9", "8480-6", "29463-7", "8867-4", "59408-5", "2708-6", "2339-0"}

// orgMonth reads a month (YYYY-MM) in the organization's time zone.
func orgMonth(ctx context.Context, db querier, org, month string) (billing.Month, error) {
	loc, err := orgLocation(ctx, db, org)
	if err != nil {
		return billing.Month{}, err
	}
	m, err := billing.ParseMonth(month, loc)
	if err != nil {
		return m, carepath.Errorf(carepath.EINVALID, "The month %q is not YYYY-MM.", month)
	}
	return m, nil
}

// readMonths reads what the billing engine bills a month from, for every
// patient with an enrollment overlapping it, time in it or a transition
// visit in it (or for one patient, when patientID is set): a few queries
// for the whole organization, each read once, so that a month of 100,000
// patients is not 100,000 rounds of queries.
func readMonths(ctx context.Context, db querier, org string, m billing.Month, patientID string) (map[string]*billing.PatientMonth, error) {
	loc := m.Loc
	months := map[string]*billing.PatientMonth{}
	get := func(id string) *billing.PatientMonth {
		pm := months[id]
		if pm == nil {
			pm = &billing.PatientMonth{PatientID: id, Month: m}
			months[id] = pm
		}
		return pm
	}
	// filter narrows a query on alias x to the patient, when there is one.
	filter := func(where string, args []any) (string, []any) {
		if patientID == "" {
			return where, args
		}
		return where + " AND x.patient_id = ?", append(args, patientID)
	}
	day := func(s string) time.Time {
		d, err := calendar.ParseDate(s)
		if err != nil {
			return time.Time{}
		}
		return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
	}
	first, last := m.Start().Format(time.DateOnly), m.End().AddDate(0, 0, -1).Format(time.DateOnly)
	startAt, endAt := formatTime(m.Start()), formatTime(m.End())

	where, args := filter("x.org_id = ? AND x.start_day <= ? AND (x.end_day = '' OR x.end_day >= ?)", []any{org, last, first})
	rows, err := db.query(ctx, "SELECT x.patient_id, x.program, x.practitioner_id, x.start_day, x.end_day FROM enrollment x WHERE "+where, args...)
	if err := eachRow(rows, err, func(scan func(...any) error) error {
		var id, program, practitioner, start, end string
		if err := scan(&id, &program, &practitioner, &start, &end); err != nil {
			return err
		}
		pm := get(id)
		e := billing.Enrollment{Program: program, PractitionerID: practitioner, Start: day(start)}
		if end != "" {
			e.End = day(end).AddDate(0, 0, 1) // through the end day
		}
		pm.Enrollments = append(pm.Enrollments, e)
		switch program {
		case carepath.ProgramCoCM:
			pm.CoCMFirstMonth = !e.Start.Before(m.Start())
		case carepath.ProgramRPM:
			pm.RPMSetupBilled = e.Start.Before(m.Start()) // set-up falls in the episode's first month
		}
		return nil
	}); err != nil {
		return nil, err
	}

	where, args = filter("x.org_id = ? AND x.start_at >= ? AND x.start_at < ?", []any{org, startAt, endAt})
	rows, err = db.query(ctx, "SELECT x.id, x.patient_id, x.program, x.user_id, x.staff, x.start_at, x.seconds, x.interactive FROM time_entry x WHERE "+where, args...)
	if err := eachRow(rows, err, func(scan func(...any) error) error {
		var id, patient, program, user, staff, start string
		var seconds, interactive int
		if err := scan(&id, &patient, &program, &user, &staff, &start, &seconds, &interactive); err != nil {
			return err
		}
		pm := get(patient)
		pm.Time = append(pm.Time, billing.TimeEntry{ID: id, Program: program, ByID: user, Staff: billing.Staff(staff), Start: parseTime(start),
			Seconds: seconds, Interactive: interactive == 1})
		return nil
	}); err != nil {
		return nil, err
	}

	// Transitions whose visit falls in the month (an episode's visit is
	// within 30 days of its discharge).
	where, args = filter("x.org_id = ? AND x.discharged_at >= ? AND x.discharged_at < ?", []any{org, formatTime(m.Start().AddDate(0, 0, -31)), endAt})
	episodes, err := transitionsWhere(ctx, db, org, "t.id IN (SELECT x.id FROM transition x WHERE "+where+")", args...)
	if err != nil {
		return nil, err
	}
	for _, t := range episodes {
		if t.Visit == nil || !m.Contains(t.Visit.At) {
			continue
		}
		rules.ReadTCMClock(t, loc)
		pm := get(t.PatientID)
		pm.TCM = append(pm.TCM, billing.TCMService{EpisodeID: t.ID, Code: t.Code, Why: t.Elements[len(t.Elements)-1], ServiceDate: t.Visit.At})
	}
	if len(months) == 0 {
		return months, nil
	}

	// Consents given before the month's end, of the patients in it.
	where, args = filter("x.org_id = ? AND x.given_at < ?", []any{org, endAt})
	rows, err = db.query(ctx, "SELECT x.patient_id, x.program, x.given_at, x.revoked_at, x.cost_sharing, x.one_practitioner, x.right_to_stop FROM consent x WHERE "+where, args...)
	if err := eachRow(rows, err, func(scan func(...any) error) error {
		var patient, program, given, revoked string
		var cost, one, stop int
		if err := scan(&patient, &program, &given, &revoked, &cost, &one, &stop); err != nil {
			return err
		}
		if pm := months[patient]; pm != nil {
			pm.Consents = append(pm.Consents, billing.Consent{Program: program, At: parseTime(given), Revoked: parseOptionalTime(revoked),
				CostSharing: cost == 1, OnePractitioner: one == 1, CanStop: stop == 1})
		}
		return nil
	}); err != nil {
		return nil, err
	}

	// Care plans substantially revised in the month (complex CCM).
	where, args = filter("x.org_id = ? AND v.substantial = 1 AND v.created_at >= ? AND v.created_at < ?", []any{org, startAt, endAt})
	rows, err = db.query(ctx, `SELECT DISTINCT x.patient_id FROM care_plan_revision v JOIN care_plan x ON x.org_id = v.org_id AND x.id = v.plan_id WHERE `+where, args...)
	if err := eachRow(rows, err, func(scan func(...any) error) error {
		var patient string
		if err := scan(&patient); err != nil {
			return err
		}
		if pm := months[patient]; pm != nil {
			pm.PlanRevised = true
		}
		return nil
	}); err != nil {
		return nil, err
	}

	// The month's medical decision making, as the practitioners recorded it.
	where, args = filter("x.org_id = ? AND x.month = ?", []any{org, m.String()})
	rows, err = db.query(ctx, "SELECT x.patient_id, x.complexity FROM billing_complexity x WHERE "+where, args...)
	if err := eachRow(rows, err, func(scan func(...any) error) error {
		var patient, complexity string
		if err := scan(&patient, &complexity); err != nil {
			return err
		}
		if pm := months[patient]; pm != nil {
			pm.Complexity = complexity
		}
		return nil
	}); err != nil {
		return nil, err
	}

	// APCM's level: the chronic conditions of its patients.
	where, args = filter("x.org_id = ? AND e.program = ? AND e.start_day <= ? AND (e.end_day = '' OR e.end_day >= ?)", []any{org, carepath.ProgramAPCM, last, first})
	// From the enrollments (CROSS JOIN keeps SQLite to that order): the
	// other way round it walked every condition of the organization.
	rows, err = db.query(ctx, `SELECT x.patient_id, x.code_system, x.code, x.clinical_status FROM enrollment e
		CROSS JOIN condition x WHERE e.org_id = x.org_id AND e.patient_id = x.patient_id AND `+where, args...)
	conditions := map[string][]carepath.Condition{}
	if err := eachRow(rows, err, func(scan func(...any) error) error {
		var c carepath.Condition
		if err := scan(&c.PatientID, &c.Code.System, &c.Code.Code, &c.ClinicalStatus); err != nil {
			return err
		}
		conditions[c.PatientID] = append(conditions[c.PatientID], c)
		return nil
	}); err != nil {
		return nil, err
	}
	for patient, cs := range conditions {
		if pm := months[patient]; pm != nil {
			pm.ChronicConditions = billing.ChronicCount(cs)
		}
	}

	// RPM: the days with device readings, of its patients.
	where, args = filter("x.org_id = ? AND e.program = ? AND e.start_day <= ? AND (e.end_day = '' OR e.end_day >= ?) AND x.effective >= ? AND x.effective < ?",
		[]any{org, carepath.ProgramRPM, last, first, startAt, endAt})
	rows, err = db.query(ctx, `SELECT x.patient_id, x.effective FROM enrollment e CROSS JOIN observation x
		WHERE e.org_id = x.org_id AND e.patient_id = x.patient_id AND x.code IN (`+placeholders(len(deviceVitals))+") AND "+where,
		append(slices.Clone(deviceVitals), args...)...)
	days := map[string]map[string]bool{}
	if err := eachRow(rows, err, func(scan func(...any) error) error {
		var patient, at string
		if err := scan(&patient, &at); err != nil {
			return err
		}
		if t, err := time.Parse(time.RFC3339, at); err == nil {
			if days[patient] == nil {
				days[patient] = map[string]bool{}
			}
			days[patient][t.In(loc).Format(time.DateOnly)] = true
		}
		return nil
	}); err != nil {
		return nil, err
	}
	for patient, ds := range days {
		if pm := months[patient]; pm != nil {
			pm.ReadingDays = len(ds)
		}
	}

	// TCM is billed by the practitioner of the patient's APCM or CCM.
	for _, pm := range months {
		var apcm, ccm string
		for _, e := range pm.Enrollments {
			switch e.Program {
			case carepath.ProgramAPCM:
				apcm = e.PractitionerID
			case carepath.ProgramCCM:
				ccm = e.PractitionerID
			}
		}
		for i := range pm.TCM {
			pm.TCM[i].PractitionerID = cmp.Or(apcm, ccm)
		}
	}
	return months, nil
}
