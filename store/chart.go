package store

import (
	"context"
	"database/sql"
	"sort"
	"strconv"
	"strings"

	"carepath"
	"carepath/instrument"
)

// FindChart implements carepath.ChartService. Each section is one query on
// the patient's compartment, whose keys start (org, patient): a chart reads
// a few adjacent index pages per table whatever the population's size.
func (db *DB) FindChart(ctx context.Context, patientID string) (*carepath.Chart, error) {
	c, _, err := db.findChart(ctx, patientID, "", 0)
	return c, err
}

// FindChartWithPrograms implements carepath.ChartService.
func (db *DB) FindChartWithPrograms(ctx context.Context, patientID, month string, read carepath.ChartPrograms) (*carepath.Chart, *carepath.PatientPrograms, error) {
	if month == "" || (read != carepath.ProgramsEnrolled && read != carepath.ProgramsAll) {
		return nil, nil, carepath.Errorf(carepath.EINVALID, "Which month's programs, and how much of them?")
	}
	return db.findChart(ctx, patientID, month, read)
}

// findChart reads a chart and, with a month, the patient's programs in it
// (as much as read asks), in one read transaction, and audits the view in
// one record.
func (db *DB) findChart(ctx context.Context, patientID, month string, read carepath.ChartPrograms) (*carepath.Chart, *carepath.PatientPrograms, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, nil, err
	}
	org := a.OrgID
	var c *carepath.Chart
	var progs *carepath.PatientPrograms
	err = db.inReadTx(ctx, func(r *readTx) error {
		// The identifiers come with the cached sections (below).
		p, err := findPatientAndTeam(ctx, r, org, patientID)
		if err != nil {
			return err
		}
		// The patient's open tasks change all day: never cached.
		tasks, err := patientTasks(ctx, r, org, patientID, db.Now())
		if err != nil {
			return err
		}
		schedules, err := patientSchedules(ctx, r, org, patientID)
		if err != nil {
			return err
		}
		if month != "" {
			if progs, err = patientPrograms(ctx, r, org, patientID, month, read); err != nil {
				return err
			}
		}
		if cached := db.charts.get(org, patientID, p.RecordVersion); cached != nil {
			cc := *cached.chart
			p.Identifiers = cached.identifiers
			cc.Patient, cc.Tasks, cc.Schedules = p, tasks, schedules
			c = &cc
			return nil
		}
		if p.Identifiers, err = patientIdentifiers(ctx, r, org, patientID); err != nil {
			return err
		}
		c = &carepath.Chart{Patient: p}
		if err := readChartSections(ctx, r, c, org, patientID); err != nil {
			return err
		}
		sections := *c
		sections.Patient = nil
		db.charts.put(org, patientID, p.RecordVersion, &sections, p.Identifiers)
		c.Tasks, c.Schedules = tasks, schedules
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	shown := c.Shown()
	if progs != nil {
		shown += "; programs: " + progs.Shown()
	}
	if err := db.RecordAudit(ctx, carepath.AuditEvent{Action: carepath.AuditPatientView, PatientID: patientID, Object: "chart", Detail: shown}); err != nil {
		return nil, nil, err
	}
	return c, progs, nil
}

// readChartSections reads every section of a chart but the patient's own
// record through db (a read transaction) into c.
// The columns of a condition and of an encounter, as scanCondition and
// scanEncounter read them.
const (
	conditionColumns = "id, encounter_id, code_system, code, display, category, clinical_status, verification_status, onset, abatement, recorded"
	encounterColumns = `id, status, class, type_system, type_code, type_display, period_start, period_end, admit_source_code,
		admit_source_display, discharge_disposition_code, discharge_disposition_display, reason_system, reason_code, reason_display,
		service_provider_id, service_provider_name`
)

// conditionOrder is a patient's conditions' order: the active ones first,
// the latest onset first.
const conditionOrder = " ORDER BY clinical_status IN ('active', 'recurrence', 'relapse') DESC, onset DESC, display"

// relatedPersonQuery reads a patient's related persons (org, patient), the
// active ones first, by name.
const relatedPersonQuery = `SELECT id, name, relationship_code, relationship_display, phone, email, active FROM related_person
	WHERE org_id = ? AND patient_id = ? ORDER BY active DESC, name`

func scanRelatedPerson(scan func(...any) error, org, patientID string) (carepath.RelatedPerson, error) {
	r := carepath.RelatedPerson{OrgID: org, PatientID: patientID}
	err := scan(&r.ID, &r.Name, &r.Relationship.Code, &r.Relationship.Display, &r.Phone, &r.Email, &r.Active)
	return r, err
}

func scanCondition(scan func(...any) error, org, patientID string) (carepath.Condition, error) {
	v := carepath.Condition{OrgID: org, PatientID: patientID}
	err := scan(&v.ID, &v.EncounterID, &v.Code.System, &v.Code.Code, &v.Code.Display, &v.Category, &v.ClinicalStatus,
		&v.VerificationStatus, &v.Onset, &v.Abatement, &v.Recorded)
	return v, err
}

func scanEncounter(scan func(...any) error, org, patientID string) (carepath.Encounter, error) {
	v := carepath.Encounter{OrgID: org, PatientID: patientID}
	err := scan(&v.ID, &v.Status, &v.Class, &v.Type.System, &v.Type.Code, &v.Type.Display, &v.PeriodStart, &v.PeriodEnd,
		&v.AdmitSource.Code, &v.AdmitSource.Display, &v.DischargeDisposition.Code, &v.DischargeDisposition.Display,
		&v.Reason.System, &v.Reason.Code, &v.Reason.Display, &v.ServiceProviderID, &v.ServiceProviderName)
	return v, err
}

func readChartSections(ctx context.Context, db querier, c *carepath.Chart, org, patientID string) error {
	k := []any{org, patientID}
	each := func(query string, row func(scan func(...any) error) error) error {
		rows, err := db.query(ctx, query, k...)
		if err != nil {
			return err
		}
		return scanAll(rows, row)
	}
	sections := []func() error{
		func() error {
			return each(relatedPersonQuery, func(scan func(...any) error) error {
				r, err := scanRelatedPerson(scan, org, patientID)
				c.Caregivers = append(c.Caregivers, r)
				return err
			})
		},
		func() error {
			return each(`SELECT id, status, type_code, type_display, payor_id, payor_name, subscriber_id, relationship, period_start, period_end
				FROM coverage WHERE org_id = ? AND patient_id = ? ORDER BY status = 'active' DESC, period_start DESC`, func(scan func(...any) error) error {
				v := carepath.Coverage{OrgID: org, PatientID: patientID}
				err := scan(&v.ID, &v.Status, &v.Type.Code, &v.Type.Display, &v.PayorID, &v.PayorName, &v.SubscriberID, &v.Relationship, &v.PeriodStart, &v.PeriodEnd)
				c.Coverage = append(c.Coverage, v)
				return err
			})
		},
		func() error {
			return each(`SELECT `+conditionColumns+` FROM condition WHERE org_id = ? AND patient_id = ?`+conditionOrder, func(scan func(...any) error) error {
				v, err := scanCondition(scan, org, patientID)
				c.Conditions = append(c.Conditions, v)
				return err
			})
		},
		func() error {
			return each(`SELECT resource_type, id, encounter_id, status, intent, code_system, code, display, authored, requester_id, dosage, reason
				FROM medication WHERE org_id = ? AND patient_id = ? ORDER BY status = 'active' DESC, authored DESC, display`, func(scan func(...any) error) error {
				v := carepath.Medication{OrgID: org, PatientID: patientID}
				err := scan(&v.ResourceType, &v.ID, &v.EncounterID, &v.Status, &v.Intent, &v.Code.System, &v.Code.Code, &v.Code.Display,
					&v.Authored, &v.RequesterID, &v.Dosage, &v.Reason)
				c.Medications = append(c.Medications, v)
				return err
			})
		},
		func() error {
			return each(`SELECT id, code_system, code, display, clinical_status, verification_status, type, category, criticality, reaction, recorded
				FROM allergy WHERE org_id = ? AND patient_id = ? ORDER BY criticality = 'high' DESC, display`, func(scan func(...any) error) error {
				v := carepath.Allergy{OrgID: org, PatientID: patientID}
				err := scan(&v.ID, &v.Code.System, &v.Code.Code, &v.Code.Display, &v.ClinicalStatus, &v.VerificationStatus, &v.Type,
					&v.Category, &v.Criticality, &v.Reaction, &v.Recorded)
				c.Allergies = append(c.Allergies, v)
				return err
			})
		},
		func() error {
			return each(`SELECT `+encounterColumns+` FROM encounter WHERE org_id = ? AND patient_id = ?
				ORDER BY period_start DESC LIMIT `+strconv.Itoa(carepath.ChartEncounters), func(scan func(...any) error) error {
				v, err := scanEncounter(scan, org, patientID)
				c.Encounters = append(c.Encounters, v)
				return err
			})
		},
		func() error { return chartSeries(ctx, db, c, org, patientID) },
		func() error {
			return each(`SELECT id, status, intent, title, category_system, category_code, category_display, period_start, period_end, addresses, goal_ids
				FROM source_care_plan WHERE org_id = ? AND patient_id = ? ORDER BY status = 'active' DESC, period_start DESC`, func(scan func(...any) error) error {
				v := carepath.SourceCarePlan{OrgID: org, PatientID: patientID}
				var addresses, goals string
				err := scan(&v.ID, &v.Status, &v.Intent, &v.Title, &v.Category.System, &v.Category.Code, &v.Category.Display,
					&v.PeriodStart, &v.PeriodEnd, &addresses, &goals)
				v.Addresses, v.GoalIDs = strings.Fields(addresses), strings.Fields(goals)
				c.CarePlans = append(c.CarePlans, v)
				return err
			})
		},
		func() error {
			return each(`SELECT id, lifecycle_status, achievement_status, description, priority, start_date, target_code_system, target_code,
				target_display, target_detail, target_due FROM source_goal WHERE org_id = ? AND patient_id = ?
				ORDER BY lifecycle_status = 'active' DESC, start_date DESC`, func(scan func(...any) error) error {
				v := carepath.SourceGoal{OrgID: org, PatientID: patientID}
				err := scan(&v.ID, &v.LifecycleStatus, &v.AchievementStatus, &v.Description, &v.Priority, &v.Start,
					&v.TargetMeasure.System, &v.TargetMeasure.Code, &v.TargetMeasure.Display, &v.TargetDetail, &v.TargetDue)
				c.Goals = append(c.Goals, v)
				return err
			})
		},
	}
	for _, read := range sections {
		if err := read(); err != nil {
			return err
		}
	}
	var err error
	if c.Risk, err = latestRiskScores(ctx, db, org, patientID); err != nil {
		return err
	}
	if c.Reconciled, err = currentMedicationList(ctx, db, org, patientID); carepath.ErrorCode(err) == carepath.ENOTFOUND {
		c.Reconciled = nil
	} else if err != nil {
		return err
	}
	if c.Transition, err = openTransitionOf(ctx, db, org, patientID); err != nil {
		return err
	}
	return carePlanActivities(ctx, db, org, patientID, c.CarePlans)
}

// scoreCodes are the instruments' total scores, as an SQL list.
var scoreCodes = "('" + strings.Join(instrument.TotalCodes(), "', '") + "')"

// chartSeries reads the patient's numeric vitals and labs, the totals of
// the assessment instruments, and the numeric components of panels (the
// two values of a blood pressure), as one series per code, keeping the
// latest ChartPoints of each.
func chartSeries(ctx context.Context, db querier, c *carepath.Chart, org, patient string) error {
	rows, err := db.query(ctx, `SELECT code_system, code, display, category, unit, effective, value_num FROM observation
		WHERE org_id = ? AND patient_id = ? AND value_num IS NOT NULL AND (category IN ('vital-signs', 'laboratory') OR code IN `+scoreCodes+`)
		UNION ALL
		SELECT oc.code_system, oc.code, oc.display, o.category, oc.unit, o.effective, oc.value_num
		FROM observation_component oc JOIN observation o ON o.org_id = oc.org_id AND o.patient_id = oc.patient_id AND o.id = oc.observation_id
		WHERE oc.org_id = ? AND oc.patient_id = ? AND oc.value_num IS NOT NULL AND o.category IN ('vital-signs', 'laboratory')`,
		org, patient, org, patient)
	if err != nil {
		return err
	}
	byCode := map[string]*carepath.ObservationSeries{}
	err = scanAll(rows, func(scan func(...any) error) error {
		var code carepath.Coding
		var category, unit, effective string
		var value sql.NullFloat64
		if err := scan(&code.System, &code.Code, &code.Display, &category, &unit, &effective, &value); err != nil {
			return err
		}
		s := byCode[code.Code]
		if s == nil {
			s = &carepath.ObservationSeries{Code: code, Category: category, Unit: unit}
			byCode[code.Code] = s
		}
		s.Points = append(s.Points, carepath.ObservationPoint{Effective: effective, Value: value.Float64})
		return nil
	})
	if err != nil {
		return err
	}
	for _, s := range byCode {
		sort.SliceStable(s.Points, func(i, j int) bool { return s.Points[i].Effective < s.Points[j].Effective })
		if n := len(s.Points); n > carepath.ChartPoints {
			s.Points = s.Points[n-carepath.ChartPoints:]
		}
		c.Series = append(c.Series, *s)
	}
	// Vital signs first, then the rest (labs, scores) by name, then by
	// code: a total order, for the series come from a map. (Labs and
	// scores compared equal whatever their names, and two tests of one
	// name by their codes, so their places changed from read to read.)
	sort.Slice(c.Series, func(i, j int) bool {
		a, b := c.Series[i], c.Series[j]
		if (a.Category == "vital-signs") != (b.Category == "vital-signs") {
			return a.Category == "vital-signs"
		}
		if a.Code.Display != b.Code.Display {
			return a.Code.Display < b.Code.Display
		}
		return a.Code.Code < b.Code.Code
	})
	return nil
}

// carePlanActivities reads the activities of all the patient's source care
// plans in one query.
func carePlanActivities(ctx context.Context, db querier, org, patient string, plans []carepath.SourceCarePlan) error {
	if len(plans) == 0 {
		return nil
	}
	byPlan := map[string]*carepath.SourceCarePlan{}
	for i := range plans {
		byPlan[plans[i].ID] = &plans[i]
	}
	// Driven by the patient's plans (an IN list), not by a join the
	// planner may start from the activity table's side: that scanned every
	// activity of the organization (measured at 100,000 patients).
	rows, err := db.query(ctx, `SELECT care_plan_id, code_system, code, display, status FROM source_care_plan_activity
		WHERE org_id = ? AND care_plan_id IN (SELECT id FROM source_care_plan WHERE org_id = ? AND patient_id = ?)
		ORDER BY care_plan_id, seq`, org, org, patient)
	if err != nil {
		return err
	}
	return scanAll(rows, func(scan func(...any) error) error {
		var planID string
		var a carepath.SourceCarePlanActivity
		if err := scan(&planID, &a.Code.System, &a.Code.Code, &a.Code.Display, &a.Status); err != nil {
			return err
		}
		if p := byPlan[planID]; p != nil {
			p.Activities = append(p.Activities, a)
		}
		return nil
	})
}
