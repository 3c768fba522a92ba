package store

import (
	"strings"

	"carepath"
)

// The tables an import writes, and how each typed record becomes a row. The
// column lists follow migrations/0001_clinical_record.sql.

var resourceTable = &bulkTable{
	name:    "fhir_resource",
	cols:    []string{"org_id", "resource_type", "id", "patient_id", "version_id", "content_hash", "last_updated", "resource"},
	keyCols: 3,
	// The version only moves when the content does.
	onDup: `DO UPDATE SET patient_id = excluded.patient_id, version_id = fhir_resource.version_id + 1,
		content_hash = excluded.content_hash, last_updated = excluded.last_updated, resource = excluded.resource
		WHERE fhir_resource.content_hash <> excluded.content_hash`,
}

var (
	patientTable = &bulkTable{name: "patient", keyCols: 2, cols: []string{"org_id", "id", "mrn", "family", "given", "name_key",
		"birth_date", "sex", "phone", "email", "address_line", "city", "state", "postal_code", "country", "language",
		"language_name", "deceased", "deceased_at", "marital"}}
	patientIdentifierTable = &bulkTable{name: "patient_identifier", keyCols: 4,
		cols: []string{"org_id", "patient_id", "system", "value", "type"}}
	relatedPersonTable = &bulkTable{name: "related_person", keyCols: 3, cols: []string{"org_id", "patient_id", "id", "name",
		"relationship_code", "relationship_display", "phone", "email", "active"}}
	practitionerTable = &bulkTable{name: "practitioner", keyCols: 2,
		cols: []string{"org_id", "id", "npi", "name", "phone", "email", "active"}}
	careOrganizationTable = &bulkTable{name: "care_organization", keyCols: 2,
		cols: []string{"org_id", "id", "name", "type", "phone", "address", "active"}}
	coverageTable = &bulkTable{name: "coverage", keyCols: 3, cols: []string{"org_id", "patient_id", "id", "status",
		"type_system", "type_code", "type_display", "payor_id", "payor_name", "subscriber_id", "relationship",
		"period_start", "period_end"}}
	conditionTable = &bulkTable{name: "condition", keyCols: 3, cols: []string{"org_id", "patient_id", "id", "encounter_id",
		"code_system", "code", "display", "category", "clinical_status", "verification_status", "onset", "abatement", "recorded"}}
	medicationTable = &bulkTable{name: "medication", keyCols: 4, cols: []string{"org_id", "patient_id", "resource_type", "id",
		"encounter_id", "status", "intent", "code_system", "code", "display", "authored", "requester_id", "dosage", "reason"}}
	allergyTable = &bulkTable{name: "allergy", keyCols: 3, cols: []string{"org_id", "patient_id", "id", "code_system", "code",
		"display", "clinical_status", "verification_status", "type", "category", "criticality", "reaction", "recorded"}}
	encounterTable = &bulkTable{name: "encounter", keyCols: 3, cols: []string{"org_id", "patient_id", "id", "status", "class",
		"type_system", "type_code", "type_display", "period_start", "period_end", "admit_source_code", "admit_source_display",
		"discharge_disposition_code", "discharge_disposition_display", "reason_system", "reason_code", "reason_display",
		"service_provider_id", "service_provider_name"}}
	observationTable = &bulkTable{name: "observation", keyCols: 3, cols: []string{"org_id", "patient_id", "id", "encounter_id",
		"status", "category", "code_system", "code", "display", "effective", "value_num", "unit", "value_text",
		"value_code_system", "value_code", "value_display"}}
	observationComponentTable = &bulkTable{name: "observation_component", keyCols: 4, cols: []string{"org_id",
		"patient_id", "observation_id", "seq", "code_system", "code", "display", "value_num", "unit", "value_text"}}
	procedureTable = &bulkTable{name: "procedure_performed", keyCols: 3, cols: []string{"org_id", "patient_id", "id",
		"encounter_id", "status", "code_system", "code", "display", "performed_start", "performed_end"}}
	immunizationTable = &bulkTable{name: "immunization", keyCols: 3, cols: []string{"org_id", "patient_id", "id",
		"encounter_id", "status", "code_system", "code", "display", "occurrence"}}
	carePlanTable = &bulkTable{name: "source_care_plan", keyCols: 3, cols: []string{"org_id", "patient_id", "id", "status",
		"intent", "title", "category_system", "category_code", "category_display", "period_start", "period_end",
		"addresses", "goal_ids"}}
	carePlanActivityTable = &bulkTable{name: "source_care_plan_activity", keyCols: 3, cols: []string{"org_id",
		"care_plan_id", "seq", "code_system", "code", "display", "status"}}
	goalTable = &bulkTable{name: "source_goal", keyCols: 3, cols: []string{"org_id", "patient_id", "id", "lifecycle_status",
		"achievement_status", "description", "priority", "start_date", "target_code_system", "target_code",
		"target_display", "target_detail", "target_due"}}
)

// childTable is a table whose rows belong to a parent record and are
// replaced whole when the parent changes. The parent's id is column
// parentIdx; when patientKeyed, column 1 is the parent's patient.
type childTable struct {
	t            *bulkTable
	parentIdx    int
	patientKeyed bool
}

var childTables = []childTable{
	{patientIdentifierTable, 1, false},
	{observationComponentTable, 2, true},
	{carePlanActivityTable, 1, false},
}

func childOf(t *bulkTable) childTable {
	for _, c := range childTables {
		if c.t == t {
			return c
		}
	}
	panic("store: " + t.name + " is not a child table")
}

// typedTables lists every table a record can write, in flush order.
var typedTables = []*bulkTable{
	patientTable, patientIdentifierTable, relatedPersonTable, practitionerTable, careOrganizationTable, coverageTable,
	conditionTable, medicationTable, allergyTable, encounterTable, observationTable, observationComponentTable,
	procedureTable, immunizationTable, carePlanTable, carePlanActivityTable, goalTable,
}

// childTableOf returns the table of rows that a record owns and that are
// replaced whole when it changes, or nil.
func childTableOf(rec any) *bulkTable {
	switch rec.(type) {
	case *carepath.Patient:
		return patientIdentifierTable
	case *carepath.Observation:
		return observationComponentTable
	case *carepath.SourceCarePlan:
		return carePlanActivityTable
	}
	return nil
}

// patientKeyed reports whether a table's rows are keyed by patient
// (org_id, patient_id, ...).
func patientKeyed(t *bulkTable) bool { return t.cols[1] == "patient_id" }

// recordKey is the primary key of a patient-keyed record's row.
func recordKey(t *bulkTable, org, patient, typ, id string) []any {
	if t == medicationTable {
		return []any{org, patient, typ, id}
	}
	return []any{org, patient, id}
}

// recordRows appends the rows of one typed record to the buffers and
// returns the record's own table.
func recordRows(org string, rec any, buf map[*bulkTable]*bulkBuffer) (main *bulkTable) {
	add := func(t *bulkTable, row ...any) {
		if main == nil {
			main = t
		}
		buf[t].add(row)
	}
	switch r := rec.(type) {
	case *carepath.Patient:
		add(patientTable, org, r.ID, r.MRN, r.Family, r.Given, carepath.NameKey(r.Family, r.Given), r.BirthDate, r.Sex, r.Phone,
			r.Email, r.AddressLine, r.City, r.State, r.PostalCode, r.Country, r.Language.Code, r.Language.Display,
			r.Deceased, r.DeceasedAt, r.Marital)
		for _, id := range r.Identifiers {
			add(patientIdentifierTable, org, r.ID, id.System, id.Value, id.Type)
		}
	case *carepath.RelatedPerson:
		add(relatedPersonTable, org, r.PatientID, r.ID, r.Name, r.Relationship.Code, r.Relationship.Display, r.Phone,
			r.Email, r.Active)
	case *carepath.Practitioner:
		add(practitionerTable, org, r.ID, r.NPI, r.Name, r.Phone, r.Email, r.Active)
	case *carepath.CareOrganization:
		add(careOrganizationTable, org, r.ID, r.Name, r.Type, r.Phone, r.Address, r.Active)
	case *carepath.Coverage:
		add(coverageTable, org, r.PatientID, r.ID, r.Status, r.Type.System, r.Type.Code, r.Type.Display, r.PayorID,
			r.PayorName, r.SubscriberID, r.Relationship, r.PeriodStart, r.PeriodEnd)
	case *carepath.Condition:
		add(conditionTable, org, r.PatientID, r.ID, r.EncounterID, r.Code.System, r.Code.Code, r.Code.Display,
			r.Category, r.ClinicalStatus, r.VerificationStatus, r.Onset, r.Abatement, r.Recorded)
	case *carepath.Medication:
		add(medicationTable, org, r.PatientID, r.ResourceType, r.ID, r.EncounterID, r.Status, r.Intent, r.Code.System,
			r.Code.Code, r.Code.Display, r.Authored, r.RequesterID, r.Dosage, r.Reason)
	case *carepath.Allergy:
		add(allergyTable, org, r.PatientID, r.ID, r.Code.System, r.Code.Code, r.Code.Display, r.ClinicalStatus,
			r.VerificationStatus, r.Type, r.Category, r.Criticality, r.Reaction, r.Recorded)
	case *carepath.Encounter:
		add(encounterTable, org, r.PatientID, r.ID, r.Status, r.Class, r.Type.System, r.Type.Code, r.Type.Display,
			r.PeriodStart, r.PeriodEnd, r.AdmitSource.Code, r.AdmitSource.Display, r.DischargeDisposition.Code,
			r.DischargeDisposition.Display, r.Reason.System, r.Reason.Code, r.Reason.Display, r.ServiceProviderID,
			r.ServiceProviderName)
	case *carepath.Observation:
		add(observationTable, org, r.PatientID, r.ID, r.EncounterID, r.Status, r.Category, r.Code.System, r.Code.Code,
			r.Code.Display, r.Effective, nullFloat(r.ValueNum), r.Unit, r.ValueText, r.ValueCode.System, r.ValueCode.Code,
			r.ValueCode.Display)
		for i, c := range r.Components {
			add(observationComponentTable, org, r.PatientID, r.ID, i, c.Code.System, c.Code.Code, c.Code.Display, nullFloat(c.ValueNum),
				c.Unit, c.ValueText)
		}
	case *carepath.Procedure:
		add(procedureTable, org, r.PatientID, r.ID, r.EncounterID, r.Status, r.Code.System, r.Code.Code, r.Code.Display,
			r.PerformedStart, r.PerformedEnd)
	case *carepath.Immunization:
		add(immunizationTable, org, r.PatientID, r.ID, r.EncounterID, r.Status, r.Vaccine.System, r.Vaccine.Code,
			r.Vaccine.Display, r.Occurrence)
	case *carepath.SourceCarePlan:
		add(carePlanTable, org, r.PatientID, r.ID, r.Status, r.Intent, r.Title, r.Category.System, r.Category.Code,
			r.Category.Display, r.PeriodStart, r.PeriodEnd, strings.Join(r.Addresses, " "), strings.Join(r.GoalIDs, " "))
		for i, a := range r.Activities {
			add(carePlanActivityTable, org, r.ID, i, a.Code.System, a.Code.Code, a.Code.Display, a.Status)
		}
	case *carepath.SourceGoal:
		add(goalTable, org, r.PatientID, r.ID, r.LifecycleStatus, r.AchievementStatus, r.Description, r.Priority, r.Start,
			r.TargetMeasure.System, r.TargetMeasure.Code, r.TargetMeasure.Display, r.TargetDetail, r.TargetDue)
	}
	return main
}

func nullFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}
