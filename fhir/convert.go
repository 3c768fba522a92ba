package fhir

import (
	"fmt"
	"strings"
	"time"

	"carepath"

	"github.com/go-json-experiment/json"
)

// convert decodes the resource kinds Carepath works with into domain
// records, checking the elements R4 requires and the dates it stores. Other
// kinds return nil: they are kept as JSON only.
func convert(e *entry) (any, error) {
	c := converter{e: e}
	switch e.typ {
	case "Patient":
		return c.patient()
	case "RelatedPerson":
		return c.relatedPerson()
	case "Practitioner":
		return c.practitioner()
	case "Organization":
		return c.organization()
	case "Coverage":
		return c.coverage()
	case "Condition":
		return c.condition()
	case "MedicationRequest":
		return c.medicationRequest()
	case "MedicationStatement":
		return c.medicationStatement()
	case "AllergyIntolerance":
		return c.allergy()
	case "Encounter":
		return c.encounter()
	case "Observation":
		return c.observation()
	case "Procedure":
		return c.procedure()
	case "Immunization":
		return c.immunization()
	case "CarePlan":
		return c.carePlan()
	case "Goal":
		return c.goal()
	}
	return nil, nil
}

// recordPatient returns the patient a typed record belongs to.
func recordPatient(rec any) (string, bool) {
	switch r := rec.(type) {
	case *carepath.Patient:
		return r.ID, true
	case *carepath.RelatedPerson:
		return r.PatientID, true
	case *carepath.Coverage:
		return r.PatientID, true
	case *carepath.Condition:
		return r.PatientID, true
	case *carepath.Medication:
		return r.PatientID, true
	case *carepath.Allergy:
		return r.PatientID, true
	case *carepath.Encounter:
		return r.PatientID, true
	case *carepath.Observation:
		return r.PatientID, true
	case *carepath.Procedure:
		return r.PatientID, true
	case *carepath.Immunization:
		return r.PatientID, true
	case *carepath.SourceCarePlan:
		return r.PatientID, true
	case *carepath.SourceGoal:
		return r.PatientID, true
	}
	return "", false
}

// converter collects the first problem of a resource so that conversion
// code reads as a list of fields.
type converter struct {
	e   *entry
	err error
}

func (c *converter) decode(v any) error {
	if err := json.Unmarshal(c.e.raw, v); err != nil {
		return fmt.Errorf("not valid R4: %s", jsonProblem(err))
	}
	return nil
}

func (c *converter) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf(format, args...)
	}
}

// require records a missing required element.
func (c *converter) require(ok bool, element string) {
	if !ok {
		c.fail("%s is missing (required in R4)", element)
	}
}

// ref returns the id a reference points to when it is a resource of the
// given type ("" for any type), and "" otherwise. References were resolved
// and rewritten to Type/id before conversion.
func ref(r *reference, typ string) string {
	if r == nil {
		return ""
	}
	t, id, ok := strings.Cut(r.Reference, "/")
	if !ok || strings.Contains(t, ":") || typ != "" && t != typ {
		return ""
	}
	id, _, _ = strings.Cut(id, "/")
	return id
}

// dateTime checks a FHIR date or dateTime and returns it as the domain
// keeps it: a partial date as sent, a time (which FHIR gives with its
// zone) as an instant in UTC to the second.
func (c *converter) dateTime(element, v string) carepath.DateTime {
	d, err := carepath.ParseDateTime(v)
	if err == nil && len(v) > 10 {
		_, err = time.Parse(time.RFC3339Nano, v) // FHIR's times carry their zone
	}
	if err != nil {
		c.fail("%s %q is not a valid FHIR date or dateTime", element, v)
		return carepath.DateTime{}
	}
	return d
}

// date is dateTime's value in its stored form, for the times records keep
// as text.
func (c *converter) date(element, v string) string { return c.dateTime(element, v).String() }

func firstCoding(cc *codeableConcept) carepath.Coding {
	if cc == nil {
		return carepath.Coding{}
	}
	if len(cc.Coding) == 0 {
		return carepath.Coding{Display: cc.Text}
	}
	k := cc.Coding[0]
	d := k.Display
	if d == "" {
		d = cc.Text
	}
	return carepath.Coding{System: k.System, Code: k.Code, Display: d}
}

func code(cc *codeableConcept) string { return firstCoding(cc).Code }

func hasConcept(cc *codeableConcept) bool {
	return cc != nil && (len(cc.Coding) > 0 || cc.Text != "")
}

func conceptText(cc *codeableConcept) string {
	k := firstCoding(cc)
	if k.Display != "" {
		return k.Display
	}
	return k.Code
}

func firstCategory(ccs []codeableConcept) string {
	for i := range ccs {
		if k := firstCoding(&ccs[i]); k.Code != "" {
			return k.Code
		}
	}
	return ""
}

// officialName picks the name to show: official or usual first.
func officialName(names []humanName) *humanName {
	for _, use := range []string{"official", "usual", ""} {
		for i := range names {
			if names[i].Use == use || use == "" {
				return &names[i]
			}
		}
	}
	return nil
}

func (n *humanName) display() string {
	if n == nil {
		return ""
	}
	if n.Text != "" {
		return n.Text
	}
	return strings.TrimSpace(strings.Join(append(append([]string{}, n.Given...), n.Family), " "))
}

func contact(cps []contactPoint, system string) string {
	for _, cp := range cps {
		if cp.System == system && cp.Value != "" {
			return cp.Value
		}
	}
	return ""
}

func (c *converter) patient() (any, error) {
	var r r4Patient
	if err := c.decode(&r); err != nil {
		return nil, err
	}
	p := &carepath.Patient{ID: c.e.id, Sex: r.Gender, BirthDate: c.date("birthDate", r.BirthDate)}
	if n := officialName(r.Name); n != nil {
		p.Family, p.Given = n.Family, strings.Join(n.Given, " ")
		if p.Family == "" && p.Given == "" {
			p.Family = n.Text
		}
	}
	for _, id := range r.Identifier {
		if id.Value == "" {
			continue
		}
		t := code(&id.Type)
		p.Identifiers = append(p.Identifiers, carepath.Identifier{System: id.System, Value: id.Value, Type: t})
		if t == "MR" && p.MRN == "" {
			p.MRN = id.Value
		}
	}
	p.Phone, p.Email = contact(r.Telecom, "phone"), contact(r.Telecom, "email")
	if len(r.Address) > 0 {
		a := r.Address[0]
		p.AddressLine, p.City, p.State, p.PostalCode, p.Country = strings.Join(a.Line, ", "), a.City, a.State, a.PostalCode, a.Country
	}
	for i, cm := range r.Communication {
		if i == 0 || cm.Preferred != nil && *cm.Preferred {
			p.Language = firstCoding(&cm.Language)
		}
	}
	if r.DeceasedBoolean != nil {
		p.Deceased = *r.DeceasedBoolean
	}
	if r.DeceasedDateTime != "" {
		p.Deceased, p.DeceasedAt = true, c.date("deceasedDateTime", r.DeceasedDateTime)
	}
	if r.MaritalStatus != nil {
		p.Marital = code(r.MaritalStatus)
	}
	return p, c.err
}

func (c *converter) relatedPerson() (any, error) {
	var r r4RelatedPerson
	if err := c.decode(&r); err != nil {
		return nil, err
	}
	c.require(r.Patient != nil && r.Patient.Reference != "", "patient")
	rp := &carepath.RelatedPerson{ID: c.e.id, PatientID: ref(r.Patient, "Patient"), Name: officialName(r.Name).display(),
		Phone: contact(r.Telecom, "phone"), Email: contact(r.Telecom, "email"), Active: r.Active == nil || *r.Active}
	if len(r.Relationship) > 0 {
		rp.Relationship = firstCoding(&r.Relationship[0])
	}
	return rp, c.err
}

func (c *converter) practitioner() (any, error) {
	var r r4Practitioner
	if err := c.decode(&r); err != nil {
		return nil, err
	}
	p := &carepath.Practitioner{ID: c.e.id, Name: officialName(r.Name).display(), Phone: contact(r.Telecom, "phone"),
		Email: contact(r.Telecom, "email"), Active: r.Active == nil || *r.Active}
	for _, id := range r.Identifier {
		if id.System == "http://hl7.org/fhir/sid/us-npi" {
			p.NPI = id.Value
		}
	}
	return p, c.err
}

func (c *converter) organization() (any, error) {
	var r r4Organization
	if err := c.decode(&r); err != nil {
		return nil, err
	}
	o := &carepath.CareOrganization{ID: c.e.id, Name: r.Name, Phone: contact(r.Telecom, "phone"), Active: r.Active == nil || *r.Active}
	if len(r.Type) > 0 {
		o.Type = conceptText(&r.Type[0])
	}
	if len(r.Address) > 0 {
		a := r.Address[0]
		o.Address = strings.Join(append(append([]string{}, a.Line...), a.City, a.State, a.PostalCode), ", ")
	}
	return o, c.err
}

func (c *converter) coverage() (any, error) {
	var r r4Coverage
	if err := c.decode(&r); err != nil {
		return nil, err
	}
	c.require(r.Status != "", "status")
	c.require(r.Beneficiary != nil && r.Beneficiary.Reference != "", "beneficiary")
	c.require(len(r.Payor) > 0, "payor")
	cv := &carepath.Coverage{ID: c.e.id, PatientID: ref(r.Beneficiary, "Patient"), Status: r.Status, SubscriberID: r.SubscriberID}
	if r.Type != nil {
		cv.Type = firstCoding(r.Type)
	}
	if len(r.Payor) > 0 {
		cv.PayorID, cv.PayorName = ref(&r.Payor[0], "Organization"), r.Payor[0].Display
	}
	if r.Relationship != nil {
		cv.Relationship = code(r.Relationship)
	}
	if r.Period != nil {
		cv.PeriodStart, cv.PeriodEnd = c.date("period.start", r.Period.Start), c.date("period.end", r.Period.End)
	}
	return cv, c.err
}

func (c *converter) condition() (any, error) {
	var r r4Condition
	if err := c.decode(&r); err != nil {
		return nil, err
	}
	c.require(r.Subject != nil && r.Subject.Reference != "", "subject")
	cd := &carepath.Condition{ID: c.e.id, PatientID: ref(r.Subject, "Patient"), EncounterID: ref(r.Encounter, "Encounter"),
		Code: firstCoding(r.Code), Category: firstCategory(r.Category), ClinicalStatus: code(r.ClinicalStatus),
		VerificationStatus: code(r.VerificationStatus), Recorded: c.date("recordedDate", r.RecordedDate)}
	switch {
	case r.OnsetDateTime != "":
		cd.Onset = c.date("onsetDateTime", r.OnsetDateTime)
	case r.OnsetPeriod != nil:
		cd.Onset = c.date("onsetPeriod.start", r.OnsetPeriod.Start)
	}
	switch {
	case r.AbatementDateTime != "":
		cd.Abatement = c.date("abatementDateTime", r.AbatementDateTime)
	case r.AbatementPeriod != nil:
		cd.Abatement = c.date("abatementPeriod.start", r.AbatementPeriod.Start)
	}
	return cd, c.err
}

// medicationCode is the medication's code, looked up in the bundle when the
// resource points to a Medication resource instead of carrying the code.
func (c *converter) medicationCode(cc *codeableConcept, r *reference) carepath.Coding {
	if hasConcept(cc) {
		return firstCoding(cc)
	}
	if r == nil {
		return carepath.Coding{}
	}
	k := carepath.Coding{Display: r.Display}
	if id := ref(r, "Medication"); id != "" {
		k.Code = "Medication/" + id
	}
	return k
}

func reasonText(codes []codeableConcept, refs []reference) string {
	var parts []string
	for i := range codes {
		parts = append(parts, conceptText(&codes[i]))
	}
	for _, r := range refs {
		if r.Display != "" {
			parts = append(parts, r.Display)
		}
	}
	return strings.Join(parts, "; ")
}

func dosageText(ds []dosage) string {
	var parts []string
	for _, d := range ds {
		if d.Text != "" {
			parts = append(parts, d.Text)
		}
	}
	return strings.Join(parts, "; ")
}

func (c *converter) medicationRequest() (any, error) {
	var r r4MedicationRequest
	if err := c.decode(&r); err != nil {
		return nil, err
	}
	c.require(r.Status != "", "status")
	c.require(r.Intent != "", "intent")
	c.require(r.Subject != nil && r.Subject.Reference != "", "subject")
	c.require(r.MedicationCodeableConcept != nil || r.MedicationReference != nil, "medication[x]")
	return &carepath.Medication{ResourceType: "MedicationRequest", ID: c.e.id, PatientID: ref(r.Subject, "Patient"),
		EncounterID: ref(r.Encounter, "Encounter"), Status: r.Status, Intent: r.Intent,
		Code: c.medicationCode(r.MedicationCodeableConcept, r.MedicationReference), Authored: c.date("authoredOn", r.AuthoredOn),
		RequesterID: ref(r.Requester, ""), Dosage: dosageText(r.DosageInstruction),
		Reason: reasonText(r.ReasonCode, r.ReasonReference)}, c.err
}

func (c *converter) medicationStatement() (any, error) {
	var r r4MedicationStatement
	if err := c.decode(&r); err != nil {
		return nil, err
	}
	c.require(r.Status != "", "status")
	c.require(r.Subject != nil && r.Subject.Reference != "", "subject")
	c.require(r.MedicationCodeableConcept != nil || r.MedicationReference != nil, "medication[x]")
	m := &carepath.Medication{ResourceType: "MedicationStatement", ID: c.e.id, PatientID: ref(r.Subject, "Patient"),
		EncounterID: ref(r.Context, "Encounter"), Status: r.Status,
		Code: c.medicationCode(r.MedicationCodeableConcept, r.MedicationReference), Dosage: dosageText(r.Dosage),
		Reason: reasonText(r.ReasonCode, nil)}
	switch {
	case r.EffectiveDateTime != "":
		m.Authored = c.date("effectiveDateTime", r.EffectiveDateTime)
	case r.EffectivePeriod != nil:
		m.Authored = c.date("effectivePeriod.start", r.EffectivePeriod.Start)
	default:
		m.Authored = c.date("dateAsserted", r.DateAsserted)
	}
	return m, c.err
}

func (c *converter) allergy() (any, error) {
	var r r4AllergyIntolerance
	if err := c.decode(&r); err != nil {
		return nil, err
	}
	c.require(r.Patient != nil && r.Patient.Reference != "", "patient")
	a := &carepath.Allergy{ID: c.e.id, PatientID: ref(r.Patient, "Patient"), Code: firstCoding(r.Code),
		ClinicalStatus: code(r.ClinicalStatus), VerificationStatus: code(r.VerificationStatus), Type: r.Type,
		Category: strings.Join(r.Category, ", "), Criticality: r.Criticality, Recorded: c.date("recordedDate", r.RecordedDate)}
	var reactions []string
	for _, re := range r.Reaction {
		for i := range re.Manifestation {
			reactions = append(reactions, conceptText(&re.Manifestation[i]))
		}
	}
	a.Reaction = strings.Join(reactions, ", ")
	return a, c.err
}

func (c *converter) encounter() (any, error) {
	var r r4Encounter
	if err := c.decode(&r); err != nil {
		return nil, err
	}
	c.require(r.Status != "", "status")
	c.require(r.Class != nil && r.Class.Code != "", "class")
	en := &carepath.Encounter{ID: c.e.id, PatientID: ref(r.Subject, "Patient"), Status: r.Status,
		ServiceProviderID: ref(r.ServiceProvider, "Organization")}
	if r.Class != nil {
		en.Class = r.Class.Code
	}
	if r.ServiceProvider != nil {
		en.ServiceProviderName = r.ServiceProvider.Display
	}
	if len(r.Type) > 0 {
		en.Type = firstCoding(&r.Type[0])
	}
	if r.Period != nil {
		en.PeriodStart, en.PeriodEnd = c.dateTime("period.start", r.Period.Start), c.dateTime("period.end", r.Period.End)
	}
	if len(r.ReasonCode) > 0 {
		en.Reason = firstCoding(&r.ReasonCode[0])
	}
	if h := r.Hospitalization; h != nil {
		en.AdmitSource, en.DischargeDisposition = firstCoding(h.AdmitSource), firstCoding(h.DischargeDisposition)
	}
	return en, c.err
}

// value fills the value fields shared by observations and their components.
func (c *converter) value(v *r4ObservationValue) (num *float64, unit, text string, coded carepath.Coding) {
	switch {
	case v.ValueQuantity != nil:
		num, unit = v.ValueQuantity.Value, v.ValueQuantity.Unit
		if unit == "" {
			unit = v.ValueQuantity.Code
		}
	case v.ValueCodeableConcept != nil:
		coded = firstCoding(v.ValueCodeableConcept)
		text = coded.Display
	case v.ValueString != nil:
		text = *v.ValueString
	case v.ValueBoolean != nil:
		text = fmt.Sprint(*v.ValueBoolean)
	case v.ValueInteger != nil:
		f := float64(*v.ValueInteger)
		num = &f
	case v.ValueDateTime != "":
		text = c.date("valueDateTime", v.ValueDateTime)
	}
	return
}

func (c *converter) observation() (any, error) {
	var r r4Observation
	if err := c.decode(&r); err != nil {
		return nil, err
	}
	c.require(r.Status != "", "status")
	c.require(hasConcept(r.Code), "code")
	o := &carepath.Observation{ID: c.e.id, PatientID: ref(r.Subject, "Patient"), EncounterID: ref(r.Encounter, "Encounter"),
		Status: r.Status, Category: firstCategory(r.Category), Code: firstCoding(r.Code)}
	switch {
	case r.EffectiveDateTime != "":
		o.Effective = c.dateTime("effectiveDateTime", r.EffectiveDateTime)
	case r.EffectivePeriod != nil:
		o.Effective = c.dateTime("effectivePeriod.start", r.EffectivePeriod.Start)
	case r.EffectiveInstant != "":
		o.Effective = c.dateTime("effectiveInstant", r.EffectiveInstant)
	default:
		o.Effective = c.dateTime("issued", r.Issued)
	}
	o.ValueNum, o.Unit, o.ValueText, o.ValueCode = c.value(&r.r4ObservationValue)
	for i := range r.Component {
		comp := &r.Component[i]
		if !hasConcept(comp.Code) {
			c.fail("component[%d].code is missing (required in R4)", i)
		}
		oc := carepath.ObservationComponent{Code: firstCoding(comp.Code)}
		oc.ValueNum, oc.Unit, oc.ValueText, _ = c.value(&comp.r4ObservationValue)
		o.Components = append(o.Components, oc)
	}
	return o, c.err
}

func (c *converter) procedure() (any, error) {
	var r r4Procedure
	if err := c.decode(&r); err != nil {
		return nil, err
	}
	c.require(r.Status != "", "status")
	c.require(r.Subject != nil && r.Subject.Reference != "", "subject")
	p := &carepath.Procedure{ID: c.e.id, PatientID: ref(r.Subject, "Patient"), EncounterID: ref(r.Encounter, "Encounter"),
		Status: r.Status, Code: firstCoding(r.Code)}
	switch {
	case r.PerformedDateTime != "":
		p.PerformedStart = c.date("performedDateTime", r.PerformedDateTime)
	case r.PerformedPeriod != nil:
		p.PerformedStart = c.date("performedPeriod.start", r.PerformedPeriod.Start)
		p.PerformedEnd = c.date("performedPeriod.end", r.PerformedPeriod.End)
	}
	return p, c.err
}

func (c *converter) immunization() (any, error) {
	var r r4Immunization
	if err := c.decode(&r); err != nil {
		return nil, err
	}
	c.require(r.Status != "", "status")
	c.require(hasConcept(r.VaccineCode), "vaccineCode")
	c.require(r.Patient != nil && r.Patient.Reference != "", "patient")
	c.require(r.OccurrenceDateTime != "" || r.OccurrenceString != "", "occurrence[x]")
	im := &carepath.Immunization{ID: c.e.id, PatientID: ref(r.Patient, "Patient"), EncounterID: ref(r.Encounter, "Encounter"),
		Status: r.Status, Vaccine: firstCoding(r.VaccineCode), Occurrence: c.date("occurrenceDateTime", r.OccurrenceDateTime)}
	if im.Occurrence == "" {
		im.Occurrence = r.OccurrenceString
	}
	return im, c.err
}

func (c *converter) carePlan() (any, error) {
	var r r4CarePlan
	if err := c.decode(&r); err != nil {
		return nil, err
	}
	c.require(r.Status != "", "status")
	c.require(r.Intent != "", "intent")
	c.require(r.Subject != nil && r.Subject.Reference != "", "subject")
	cp := &carepath.SourceCarePlan{ID: c.e.id, PatientID: ref(r.Subject, "Patient"), Status: r.Status, Intent: r.Intent, Title: r.Title}
	if len(r.Category) > 0 {
		cp.Category = firstCoding(&r.Category[len(r.Category)-1])
	}
	if r.Period != nil {
		cp.PeriodStart, cp.PeriodEnd = c.date("period.start", r.Period.Start), c.date("period.end", r.Period.End)
	}
	for i := range r.Addresses {
		if id := ref(&r.Addresses[i], "Condition"); id != "" {
			cp.Addresses = append(cp.Addresses, id)
		}
	}
	for i := range r.Goal {
		if id := ref(&r.Goal[i], "Goal"); id != "" {
			cp.GoalIDs = append(cp.GoalIDs, id)
		}
	}
	for _, a := range r.Activity {
		var act carepath.SourceCarePlanActivity
		switch {
		case a.Detail != nil:
			act.Code, act.Status = firstCoding(a.Detail.Code), a.Detail.Status
		case a.Reference != nil:
			act.Code = carepath.Coding{Display: a.Reference.Display, Code: a.Reference.Reference}
		default:
			continue
		}
		cp.Activities = append(cp.Activities, act)
	}
	return cp, c.err
}

func (c *converter) goal() (any, error) {
	var r r4Goal
	if err := c.decode(&r); err != nil {
		return nil, err
	}
	c.require(r.LifecycleStatus != "", "lifecycleStatus")
	c.require(hasConcept(r.Description), "description")
	c.require(r.Subject != nil && r.Subject.Reference != "", "subject")
	g := &carepath.SourceGoal{ID: c.e.id, PatientID: ref(r.Subject, "Patient"), LifecycleStatus: r.LifecycleStatus,
		AchievementStatus: code(r.AchievementStatus), Description: conceptText(r.Description),
		Priority: code(r.Priority), Start: c.date("startDate", r.StartDate)}
	if r.Description != nil && r.Description.Text != "" {
		g.Description = r.Description.Text
	}
	if len(r.Target) > 0 {
		t := r.Target[0]
		g.TargetMeasure = firstCoding(t.Measure)
		g.TargetDue = c.date("target.dueDate", t.DueDate)
		switch {
		case t.DetailQuantity != nil && t.DetailQuantity.Value != nil:
			g.TargetDetail = fmt.Sprintf("%g %s", *t.DetailQuantity.Value, t.DetailQuantity.Unit)
		case t.DetailRange != nil:
			g.TargetDetail = rangeText(t.DetailRange.Low, t.DetailRange.High)
		case t.DetailString != "":
			g.TargetDetail = t.DetailString
		case t.DetailCodeableConcept != nil:
			g.TargetDetail = conceptText(t.DetailCodeableConcept)
		}
	}
	return g, c.err
}

func rangeText(low, high *quantity) string {
	switch {
	case low != nil && low.Value != nil && high != nil && high.Value != nil:
		return fmt.Sprintf("%g-%g %s", *low.Value, *high.Value, high.Unit)
	case low != nil && low.Value != nil:
		return fmt.Sprintf(">= %g %s", *low.Value, low.Unit)
	case high != nil && high.Value != nil:
		return fmt.Sprintf("<= %g %s", *high.Value, high.Unit)
	}
	return ""
}
