package synth

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"
)

const (
	snomed     = "http://snomed.info/sct"
	icd10      = "http://hl7.org/fhir/sid/icd-10-cm"
	loinc      = "http://loinc.org"
	rxnorm     = "http://www.nlm.nih.gov/research/umls/rxnorm"
	ucum       = "http://unitsofmeasure.org"
	actCode    = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
	obsCat     = "http://terminology.hl7.org/CodeSystem/observation-category"
	mrnSystem  = "urn:carepath:synthetic:mrn"
	v20203     = "http://terminology.hl7.org/CodeSystem/v2-0203"
	admitSrc   = "http://terminology.hl7.org/CodeSystem/admit-source"
	dischDisp  = "http://terminology.hl7.org/CodeSystem/discharge-disposition"
	bcp47      = "urn:ietf:bcp:47"
	roleCode   = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
	cvx        = "http://hl7.org/fhir/sid/cvx"
	sopt       = "https://nahdo.org/sopt"
	condClin   = "http://terminology.hl7.org/CodeSystem/condition-clinical"
	condVer    = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
	condCat    = "http://terminology.hl7.org/CodeSystem/condition-category"
	allergyCli = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
	allergyVer = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
)

func dateTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }
func date(t time.Time) string     { return t.UTC().Format("2006-01-02") }

func urn(id string) string { return "urn:uuid:" + id }

func (p *person) put(typ, id string, res any) {
	e := bundleEntry{FullURL: urn(id), Resource: res}
	e.Request.Method, e.Request.URL = "PUT", typ+"/"+id
	p.entries = append(p.entries, e)
}

// share adds a shared resource (practitioner, organization) the first time
// the bundle points to it; the same id in every bundle makes it one record.
func (p *person) share(typ, id string, res any) ref {
	if !p.shared[id] {
		p.shared[id] = true
		p.put(typ, id, res)
	}
	return ref{Reference: urn(id)}
}

func (p *person) subject() ref { return ref{Reference: urn(p.id)} }

func (p *person) alive(t time.Time) bool { return p.died.IsZero() || t.Before(p.died) }

// history writes the patient's record: demographics, conditions,
// medications, allergies, coverage, caregivers, and three years of
// encounters with the measurements taken at them.
func (p *person) history() {
	r := p.r
	start := p.g.asOf.Add(-History)
	p.trends()

	// Encounters are planned first so that a death during a stay ends the
	// record, then written in time order.
	var visits []visit
	n := p.chronicCount()
	years := History.Hours() / 24 / 365
	poisson := func(rate float64) int {
		// Knuth's method is fine for the small rates used here.
		l, k, x := math.Exp(-rate), 0, 1.0
		for {
			x *= r.Float64()
			if x <= l {
				return k
			}
			k++
		}
	}
	at := func() time.Time {
		d := time.Duration(r.Int64N(int64(History)))
		t := start.Add(d).Truncate(24 * time.Hour)
		return t.Add(time.Duration(8*60+r.IntN(9*60)) * time.Minute)
	}
	for range poisson(years * math.Min(1+0.8*float64(n), 6)) {
		visits = append(visits, visit{at(), "AMB"})
	}
	for range poisson(years * (0.12 + 0.10*float64(n))) {
		visits = append(visits, visit{at(), "EMER"})
	}
	inpatientRate := 0.02 + 0.05*float64(n)
	if p.has["heart_failure"] || p.has["copd"] {
		inpatientRate += 0.15
	}
	for range poisson(years * inpatientRate) {
		visits = append(visits, visit{at(), "IMP"})
	}
	// A few recent discharges in every panel, so that transitions of care
	// have work the day the data is loaded.
	if n >= 2 && p.chance(0.06) {
		days := 2 + r.IntN(20)
		visits = append(visits, visit{p.g.asOf.AddDate(0, 0, -days).Add(time.Duration(9+r.IntN(8)) * time.Hour), "IMP"})
	}
	if len(visits) == 0 || !hasClass(visits, "AMB") {
		visits = append(visits, visit{at(), "AMB"})
	}
	sort.Slice(visits, func(i, j int) bool { return visits[i].at.Before(visits[j].at) })

	p.patient()
	p.writeConditions()
	p.coverage()
	p.caregiver()
	p.allergies()
	p.medications(start)
	p.smokingStatus(start)
	for _, v := range visits {
		if !p.alive(v.at) {
			break
		}
		switch v.class {
		case "AMB":
			p.ambulatory(v.at)
		case "EMER":
			p.emergency(v.at, false)
		case "IMP":
			p.inpatient(v.at)
		}
	}
	p.carePlans(start)
	if !p.died.IsZero() {
		// The patient resource was written first; record the death on it.
		pt := p.entries[0].Resource.(*patientJSON)
		pt.DeceasedDateTime = dateTime(p.died)
	}
}

type visit struct {
	at    time.Time
	class string
}

func hasClass(vs []visit, class string) bool {
	for _, v := range vs {
		if v.class == class {
			return true
		}
	}
	return false
}

// trends sets each patient's baseline and yearly drift for the vitals and
// labs, so that charts show believable lines with noise around them.
func (p *person) trends() {
	r := p.r
	p.height = 176 + r.NormFloat64()*7
	if p.sex == "female" {
		p.height = 162 + r.NormFloat64()*6.5
	}
	p.bmi = 21 + r.Float64()*8.5
	if p.has["obesity"] {
		p.bmi = 30.5 + r.Float64()*11
	}
	p.bmiSlope = r.NormFloat64() * 0.6
	p.sbp0 = 112 + float64(p.age)*0.2 + r.NormFloat64()*8
	p.sbpSlope = r.NormFloat64() * 2
	if p.has["hypertension"] {
		p.sbp0 += 18
		p.sbpSlope = -1.5 + r.NormFloat64()*3
	}
	p.hr = 62 + r.Float64()*24
	p.a1c0 = 5.0 + r.Float64()*0.8
	if p.has["diabetes"] {
		p.a1c0 = 6.4 + r.Float64()*3.8
		p.a1cSlope = -0.5 + r.Float64()*0.8
	}
	p.egfr0 = math.Max(60, 118-float64(p.age)*0.8+r.NormFloat64()*8)
	p.egfrSlope = -1 + r.NormFloat64()*0.5
	if p.has["ckd"] {
		p.egfr0 = 32 + r.Float64()*27
		p.egfrSlope = -1 - r.Float64()*3
	}
	p.ldl0 = 95 + r.Float64()*80
	if p.has["depression"] {
		p.phq0 = 10 + r.Float64()*14
		p.phqSlope = -3 + r.NormFloat64()*2.5
	}
}

// drift returns base + slope per year since the start of history + noise.
func (p *person) drift(base, slope, noise float64, t time.Time) float64 {
	yrs := t.Sub(p.g.asOf.Add(-History)).Hours() / 24 / 365
	return base + slope*yrs + p.r.NormFloat64()*noise
}

func round(x float64, places int) float64 {
	f := math.Pow(10, float64(places))
	return math.Round(x*f) / f
}

func (p *person) patient() {
	r := p.r
	given := pick(r, femaleNames)
	if p.sex == "male" {
		given = pick(r, maleNames)
	}
	family := pick(r, familyNames)
	pl := pick(r, places)
	lang := weighted(r, languages, func(l language) float64 { return l.share })
	marital := "S"
	switch y := r.Float64(); {
	case p.age >= 30 && y < 0.5:
		marital = "M"
	case p.age >= 70 && y < 0.75:
		marital = "W"
	case p.age >= 40 && y < 0.62:
		marital = "D"
	}
	pt := &patientJSON{ResourceType: "Patient", ID: p.id, Active: true,
		Identifier: []identifier{{Type: &concept{Coding: []coding{{System: v20203, Code: "MR", Display: "Medical record number"}}},
			System: mrnSystem, Value: fmt.Sprintf("MRN%08d", r.IntN(1e8))}},
		Name:      []humanName{{Use: "official", Family: family, Given: []string{given}}},
		Telecom:   []contactPoint{{System: "phone", Value: phone(r), Use: "home"}},
		Gender:    p.sex,
		BirthDate: date(p.birth),
		Address: []address{{Use: "home", Line: []string{fmt.Sprintf("%d %s", 1+r.IntN(999), pick(r, streets))},
			City: pl.city, State: "MA", PostalCode: pl.zip, Country: "US"}},
		MaritalStatus:       &concept{Coding: []coding{{System: "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", Code: marital}}},
		GeneralPractitioner: []ref{p.share("Practitioner", p.pcp.ID, p.pcp)},
	}
	if r.Float64() < 0.45 {
		pt.Telecom = append(pt.Telecom, contactPoint{System: "email", Value: fmt.Sprintf("%s.%s%d@example.org", lower(given), lower(family), r.IntN(100)), Use: "home"})
	}
	pt.Communication = append(pt.Communication, struct {
		Language  concept `json:"language"`
		Preferred bool    `json:"preferred"`
	}{concept{Coding: []coding{{System: bcp47, Code: lang.code, Display: lang.display}}, Text: lang.display}, true})
	// The patient goes first in the bundle: history() sets a death on it.
	p.entries = append([]bundleEntry{{FullURL: urn(p.id), Resource: pt}}, p.entries...)
	p.entries[0].Request.Method, p.entries[0].Request.URL = "PUT", "Patient/"+p.id
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		} else if c == ' ' || c == '\'' {
			b[i] = '-'
		}
	}
	return string(b)
}

func (p *person) writeConditions() {
	for _, c := range p.conditions {
		c.id = uuid(p.r)
		p.put("Condition", c.id, &conditionJSON{ResourceType: "Condition", ID: c.id,
			ClinicalStatus:     concept{Coding: []coding{{System: condClin, Code: "active"}}},
			VerificationStatus: concept{Coding: []coding{{System: condVer, Code: "confirmed"}}},
			Category:           []concept{{Coding: []coding{{System: condCat, Code: "problem-list-item", Display: "Problem List Item"}}}},
			Code: concept{Coding: []coding{{System: snomed, Code: c.snomed, Display: c.display},
				{System: icd10, Code: c.icd10, Display: c.display}}, Text: c.display},
			Subject: p.subject(), OnsetDateTime: dateTime(c.onset), RecordedDate: dateTime(c.onset)})
	}
}

func (p *person) coverage() {
	r := p.r
	var kinds []string
	switch {
	case p.age >= 65:
		kinds = append(kinds, "medicare")
		if r.Float64() < 0.15 {
			kinds = append(kinds, "medicaid")
		}
	case r.Float64() < 0.22:
		kinds = append(kinds, "medicaid")
	case r.Float64() < 0.90:
		kinds = append(kinds, "commercial")
	}
	types := map[string]coding{"medicare": {System: sopt, Code: "1", Display: "MEDICARE"},
		"medicaid": {System: sopt, Code: "2", Display: "MEDICAID"}, "commercial": {System: sopt, Code: "5", Display: "PRIVATE HEALTH INSURANCE"}}
	for _, k := range kinds {
		payor := p.g.payors[k]
		id := uuid(r)
		pr := p.share("Organization", payor.ID, payor)
		pr.Display = payor.Name
		p.put("Coverage", id, &coverageJSON{ResourceType: "Coverage", ID: id, Status: "active",
			Type: concept{Coding: []coding{types[k]}}, SubscriberID: fmt.Sprintf("%c%09d", 'A'+rune(r.IntN(26)), r.IntN(1e9)),
			Beneficiary:  p.subject(),
			Relationship: concept{Coding: []coding{{System: "http://terminology.hl7.org/CodeSystem/subscriber-relationship", Code: "self"}}},
			Period:       period{Start: date(p.g.asOf.AddDate(-1-r.IntN(8), -r.IntN(12), 0))}, Payor: []ref{pr}})
	}
}

// caregiver gives most patients with dementia, and some of the oldest, a
// family caregiver.
func (p *person) caregiver() {
	r := p.r
	if !(p.has["dementia"] && r.Float64() < 0.75 || p.age >= 75 && r.Float64() < 0.3) {
		return
	}
	rels := []coding{{System: roleCode, Code: "DAU", Display: "daughter"}, {System: roleCode, Code: "SON", Display: "son"},
		{System: roleCode, Code: "SPS", Display: "spouse"}, {System: roleCode, Code: "NIECE", Display: "niece"}}
	rel := pick(r, rels)
	sexNames := femaleNames
	if rel.Code == "SON" {
		sexNames = maleNames
	}
	id := uuid(r)
	p.put("RelatedPerson", id, &relatedPersonJSON{ResourceType: "RelatedPerson", ID: id, Active: true, Patient: p.subject(),
		Relationship: []concept{{Coding: []coding{rel, {System: roleCode, Code: "CAREGIVER", Display: "caregiver"}}}},
		Name:         []humanName{{Use: "official", Family: pick(r, familyNames), Given: []string{pick(r, sexNames)}}},
		Telecom:      []contactPoint{{System: "phone", Value: phone(r), Use: "mobile"}}})
}

func (p *person) allergies() {
	r := p.r
	type allergy struct{ code, display, reaction string }
	all := []struct {
		a     allergy
		share float64
	}{{allergy{"91936005", "Allergy to penicillin", "Hives"}, 0.10}, {allergy{"91939003", "Allergy to sulfonamide", "Rash"}, 0.04},
		{allergy{"91935009", "Allergy to peanut", "Anaphylaxis"}, 0.02}, {allergy{"294505008", "Allergy to aspirin", "Wheezing"}, 0.02}}
	for _, x := range all {
		if r.Float64() >= x.share {
			continue
		}
		id := uuid(r)
		a := &allergyJSON{ResourceType: "AllergyIntolerance", ID: id,
			ClinicalStatus:     concept{Coding: []coding{{System: allergyCli, Code: "active"}}},
			VerificationStatus: concept{Coding: []coding{{System: allergyVer, Code: "confirmed"}}},
			Type:               "allergy", Category: []string{"medication"}, Criticality: "low",
			Code:    concept{Coding: []coding{{System: snomed, Code: x.a.code, Display: x.a.display}}, Text: x.a.display},
			Patient: p.subject(), RecordedDate: dateTime(p.birth.AddDate(18+r.IntN(max(p.age-18, 1)), 0, 0))}
		if x.a.code == "91935009" {
			a.Category, a.Criticality = []string{"food"}, "high"
		}
		a.Reaction = append(a.Reaction, struct {
			Manifestation []concept `json:"manifestation"`
		}{[]concept{{Coding: []coding{{System: snomed, Display: x.a.reaction}}, Text: x.a.reaction}}})
		p.put("AllergyIntolerance", id, a)
	}
}

func (p *person) medications(start time.Time) {
	r := p.r
	for _, c := range p.conditions {
		for _, m := range c.meds {
			authored := c.onset.AddDate(0, 0, 7+r.IntN(60))
			if authored.Before(start) {
				authored = start.AddDate(0, 0, r.IntN(90))
			}
			if authored.After(p.g.asOf) {
				authored = p.g.asOf.AddDate(0, 0, -1)
			}
			status := "active"
			if r.Float64() < 0.08 {
				status = "stopped"
			}
			id := uuid(r)
			if status == "active" {
				p.activeMeds = append(p.activeMeds, activeMed{m, authored})
			}
			p.put("MedicationRequest", id, &medicationRequestJSON{ResourceType: "MedicationRequest", ID: id, Status: status,
				Intent:                    "order",
				MedicationCodeableConcept: concept{Coding: []coding{{System: rxnorm, Code: m.rxnorm, Display: m.display}}, Text: m.display},
				Subject:                   p.subject(), AuthoredOn: dateTime(authored.Add(10 * time.Hour)),
				Requester:         p.share("Practitioner", p.pcp.ID, p.pcp),
				ReasonReference:   []ref{{Reference: urn(c.id), Display: c.display}},
				DosageInstruction: []dosage{{Text: m.dosage}}})
		}
	}
}

func (p *person) smokingStatus(start time.Time) {
	codes := map[string]coding{"current": {System: snomed, Code: "449868002", Display: "Smokes tobacco daily"},
		"former": {System: snomed, Code: "8517006", Display: "Ex-smoker"}, "never": {System: snomed, Code: "266919005", Display: "Never smoked tobacco"}}
	v := codes[p.smoker]
	id := uuid(p.r)
	p.put("Observation", id, &observationJSON{ResourceType: "Observation", ID: id, Status: "final",
		Category: []concept{{Coding: []coding{{System: obsCat, Code: "social-history", Display: "Social History"}}}},
		Code:     concept{Coding: []coding{{System: loinc, Code: "72166-2", Display: "Tobacco smoking status"}}, Text: "Tobacco smoking status"},
		Subject:  p.subject(), EffectiveDateTime: dateTime(start.Add(10 * time.Hour)), ValueCodeableConcept: &concept{Coding: []coding{v}, Text: v.Display}})
}

func (p *person) encounter(class, typeCode, typeDisplay string, startAt, end time.Time, provider organizationJSON, reason *condState) (string, *encounterJSON) {
	id := uuid(p.r)
	classDisplay := map[string]string{"AMB": "ambulatory", "EMER": "emergency", "IMP": "inpatient encounter"}[class]
	e := &encounterJSON{ResourceType: "Encounter", ID: id, Status: "finished", Class: coding{System: actCode, Code: class, Display: classDisplay},
		Type:    []concept{{Coding: []coding{{System: snomed, Code: typeCode, Display: typeDisplay}}, Text: typeDisplay}},
		Subject: p.subject(), Period: period{Start: dateTime(startAt), End: dateTime(end)}}
	e.ServiceProvider = p.share("Organization", provider.ID, provider)
	e.ServiceProvider.Display = provider.Name
	e.Participant = append(e.Participant, struct {
		Individual ref `json:"individual"`
	}{p.share("Practitioner", p.pcp.ID, p.pcp)})
	if reason != nil {
		e.ReasonCode = []concept{{Coding: []coding{{System: snomed, Code: reason.snomed, Display: reason.display}}}}
	}
	p.put("Encounter", id, e)
	return id, e
}

func (p *person) obs(enc string, at time.Time, category, code, display string, value float64, unit, ucumCode string) {
	id := uuid(p.r)
	catDisplay := map[string]string{"vital-signs": "Vital Signs", "laboratory": "Laboratory", "survey": "Survey"}[category]
	o := &observationJSON{ResourceType: "Observation", ID: id, Status: "final",
		Category: []concept{{Coding: []coding{{System: obsCat, Code: category, Display: catDisplay}}}},
		Code:     concept{Coding: []coding{{System: loinc, Code: code, Display: display}}, Text: display},
		Subject:  p.subject(), Encounter: &ref{Reference: urn(enc)}, EffectiveDateTime: dateTime(at),
		ValueQuantity: &quantity{Value: value, Unit: unit, System: ucum, Code: ucumCode}}
	p.put("Observation", id, o)
}

func (p *person) vitals(enc string, at time.Time) {
	sbp := math.Round(p.drift(p.sbp0, p.sbpSlope, 7, at))
	dbp := math.Round(sbp*0.6 + p.r.NormFloat64()*5)
	id := uuid(p.r)
	p.put("Observation", id, &observationJSON{ResourceType: "Observation", ID: id, Status: "final",
		Category: []concept{{Coding: []coding{{System: obsCat, Code: "vital-signs", Display: "Vital Signs"}}}},
		Code:     concept{Coding: []coding{{System: loinc, Code: "85354-9", Display: "Blood pressure panel with all children optional"}}, Text: "Blood pressure"},
		Subject:  p.subject(), Encounter: &ref{Reference: urn(enc)}, EffectiveDateTime: dateTime(at),
		Component: []component{
			{concept{Coding: []coding{{System: loinc, Code: "8480-6", Display: "Systolic blood pressure"}}}, quantity{sbp, "mm[Hg]", ucum, "mm[Hg]"}},
			{concept{Coding: []coding{{System: loinc, Code: "8462-4", Display: "Diastolic blood pressure"}}}, quantity{dbp, "mm[Hg]", ucum, "mm[Hg]"}},
		}})
	bmi := p.drift(p.bmi, p.bmiSlope, 0.3, at)
	h := p.height / 100
	p.obs(enc, at, "vital-signs", "29463-7", "Body weight", round(bmi*h*h, 1), "kg", "kg")
	p.obs(enc, at, "vital-signs", "39156-5", "Body mass index (BMI) [Ratio]", round(bmi, 1), "kg/m2", "kg/m2")
	p.obs(enc, at, "vital-signs", "8867-4", "Heart rate", math.Round(p.hr+p.r.NormFloat64()*6), "/min", "/min")
}

func (p *person) ambulatory(at time.Time) {
	enc, _ := p.encounter("AMB", "390906007", "Follow-up encounter", at, at.Add(20*time.Minute), p.g.clinic, nil)
	p.vitals(enc, at)
	labAt := at.Add(30 * time.Minute)
	r := p.r
	if p.has["diabetes"] || p.has["obesity"] && r.Float64() < 0.3 {
		p.obs(enc, labAt, "laboratory", "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood",
			round(math.Max(4.5, p.drift(p.a1c0, p.a1cSlope, 0.25, at)), 1), "%", "%")
	}
	if p.has["ckd"] || p.has["diabetes"] || p.has["hypertension"] && r.Float64() < 0.5 || p.age >= 60 && r.Float64() < 0.4 {
		p.obs(enc, labAt, "laboratory", "98979-8", "Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (CKD-EPI 2021)",
			math.Round(math.Max(8, p.drift(p.egfr0, p.egfrSlope, 3, at))), "mL/min/{1.73_m2}", "mL/min/{1.73_m2}")
	}
	if (p.has["hyperlipidemia"] || p.has["cad"] || p.has["diabetes"]) && r.Float64() < 0.5 {
		p.obs(enc, labAt, "laboratory", "18262-6", "Cholesterol in LDL [Mass/volume] in Serum or Plasma by Direct assay",
			math.Round(math.Max(40, p.drift(p.ldl0, -8, 10, at))), "mg/dL", "mg/dL")
	}
	if p.has["depression"] && r.Float64() < 0.7 {
		p.obs(enc, at, "survey", "44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]",
			math.Round(math.Min(27, math.Max(0, p.drift(p.phq0, p.phqSlope, 2, at)))), "{score}", "{score}")
	}
	if at.Month() >= time.September && at.Month() <= time.November && r.Float64() < 0.5 {
		code, display := "150", "influenza, injectable, quadrivalent, preservative free"
		if p.age >= 65 {
			code, display = "197", "influenza, high-dose, quadrivalent"
		}
		id := uuid(r)
		p.put("Immunization", id, &immunizationJSON{ResourceType: "Immunization", ID: id, Status: "completed",
			VaccineCode: concept{Coding: []coding{{System: cvx, Code: code, Display: display}}, Text: display},
			Patient:     p.subject(), Encounter: ref{Reference: urn(enc)}, OccurrenceDateTime: dateTime(at), PrimarySource: true})
	}
}

// acuteReason picks the condition that brought the patient in.
func (p *person) acuteReason() *condState {
	for _, key := range []string{"heart_failure", "copd", "afib", "cad", "diabetes", "ckd", "dementia"} {
		for _, c := range p.conditions {
			if c.key == key && p.r.Float64() < 0.6 {
				return c
			}
		}
	}
	if len(p.conditions) > 0 {
		return p.conditions[p.r.IntN(len(p.conditions))]
	}
	return nil
}

func (p *person) emergency(at time.Time, admitted bool) string {
	hours := 2 + p.r.IntN(6)
	enc, _ := p.encounter("EMER", "50849002", "Emergency room admission", at, at.Add(time.Duration(hours)*time.Hour), p.g.hospital, p.acuteReason())
	p.vitals(enc, at.Add(15*time.Minute))
	return enc
}

func (p *person) inpatient(at time.Time) {
	r := p.r
	src := coding{System: admitSrc, Code: "gp", Display: "General Practitioner referral"}
	admit := at
	if r.Float64() < 0.7 {
		p.emergency(at, true)
		admit = at.Add(4 * time.Hour)
		src = coding{System: admitSrc, Code: "emd", Display: "From accident/emergency department"}
	}
	los := 1 + r.IntN(5)
	if r.Float64() < 0.25 {
		los += 3 + r.IntN(8)
	}
	discharge := admit.AddDate(0, 0, los).Truncate(24 * time.Hour).Add(time.Duration(10+r.IntN(8)) * time.Hour)
	if discharge.After(p.g.asOf) {
		discharge = p.g.asOf.Add(-time.Duration(1+r.IntN(6)) * time.Hour)
		if !discharge.After(admit) {
			return
		}
	}
	disp := weighted(r, dispositions, func(d disposition) float64 { return d.share })
	if disp.code == "exp" && p.age < 60 {
		disp = dispositions[0]
	}
	reason := p.acuteReason()
	enc, e := p.encounter("IMP", "32485007", "Hospital admission", admit, discharge, p.g.hospital, reason)
	e.Hospitalization = &hospitalization{AdmitSource: concept{Coding: []coding{src}},
		DischargeDisposition: concept{Coding: []coding{{System: dischDisp, Code: disp.code, Display: disp.display}}}}
	labs := discharge.Add(-6 * time.Hour)
	p.obs(enc, labs, "laboratory", "718-7", "Hemoglobin [Mass/volume] in Blood", round(13.2+r.NormFloat64()*1.6, 1), "g/dL", "g/dL")
	p.obs(enc, labs, "laboratory", "2951-2", "Sodium [Moles/volume] in Serum or Plasma", math.Round(138+r.NormFloat64()*3.5), "mmol/L", "mmol/L")
	p.vitals(enc, labs)
	if r.Float64() < 0.35 {
		code, display := "40701008", "Echocardiography"
		if reason != nil && reason.key == "copd" {
			code, display = "23426006", "Measurement of respiratory function"
		}
		id := uuid(r)
		p.put("Procedure", id, &procedureJSON{ResourceType: "Procedure", ID: id, Status: "completed",
			Code:    concept{Coding: []coding{{System: snomed, Code: code, Display: display}}, Text: display},
			Subject: p.subject(), Encounter: ref{Reference: urn(enc)}, PerformedDateTime: dateTime(admit.Add(20 * time.Hour))})
	}
	if disp.code == "exp" {
		p.died = discharge
	}
	if (disp.code == "home" || disp.code == "alt-home" || disp.code == "aadvice") && p.g.asOf.Sub(discharge) < 45*24*time.Hour {
		p.dischargeMedications(enc, admit, discharge, reason)
	}
}

// dischargeNew are medicines a discharge may start, by the condition that
// brought the patient in.
var dischargeNew = map[string]medication{
	"heart_failure": {"313988", "furosemide 40 MG Oral Tablet", "1 tablet by mouth every morning"},
	"copd":          {"312615", "prednisone 20 MG Oral Tablet", "2 tablets by mouth daily for 5 days"},
	"":              {"198440", "acetaminophen 500 MG Oral Tablet", "1-2 tablets by mouth every 6 hours as needed for pain"},
}

// dischargeMedications writes a recent stay's discharge orders, for the
// reconciliation after it: most of the medicines before the admission
// continued, some with a new dosage, some left off, and now and then a new
// one. Its own random stream (from the stay) leaves the rest of the
// person's history as it was.
func (p *person) dischargeMedications(enc string, admit, discharge time.Time, reason *condState) {
	h := fnv.New64a()
	h.Write([]byte(enc))
	r := rand.New(rand.NewPCG(p.g.seed, h.Sum64()))
	order := func(m medication) {
		id := uuid(r)
		p.put("MedicationRequest", id, &medicationRequestJSON{ResourceType: "MedicationRequest", ID: id, Status: "active", Intent: "order",
			MedicationCodeableConcept: concept{Coding: []coding{{System: rxnorm, Code: m.rxnorm, Display: m.display}}, Text: m.display},
			Subject:                   p.subject(), Encounter: &ref{Reference: urn(enc)}, AuthoredOn: dateTime(discharge.Add(-2 * time.Hour)),
			Requester: p.share("Practitioner", p.pcp.ID, p.pcp), DosageInstruction: []dosage{{Text: m.dosage}}})
	}
	for _, m := range p.activeMeds {
		if !m.authored.Before(admit) {
			continue
		}
		switch x := r.Float64(); {
		case x < 0.12 && strings.Contains(m.dosage, "tablet by mouth daily"):
			m.dosage = strings.Replace(m.dosage, "daily", "twice daily", 1)
			order(m.medication)
		case x < 0.22:
			// left off the discharge list
		default:
			order(m.medication)
		}
	}
	if r.Float64() < 0.6 {
		key := ""
		if reason != nil {
			key = reason.key
		}
		m, ok := dischargeNew[key]
		if !ok {
			m = dischargeNew[""]
		}
		// Not one the patient takes already.
		if !slices.ContainsFunc(p.activeMeds, func(a activeMed) bool { return a.rxnorm == m.rxnorm }) {
			order(m)
		}
	}
}

// carePlans writes the self-management plans and goals a source EHR would
// carry for diabetes and hypertension.
func (p *person) carePlans(start time.Time) {
	plans := []struct {
		key, planCode, planDisplay, goalText, measure, measureDisplay, unit string
		target                                                              float64
	}{
		{"diabetes", "698360004", "Diabetes self management plan", "Hemoglobin A1c below 7.0%", "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", "%", 7.0},
		{"hypertension", "443402002", "Hypertension self management plan", "Systolic blood pressure below 130 mm[Hg]", "8480-6", "Systolic blood pressure", "mm[Hg]", 130},
	}
	for _, pl := range plans {
		var cond *condState
		for _, c := range p.conditions {
			if c.key == pl.key {
				cond = c
			}
		}
		if cond == nil || p.r.Float64() < 0.4 {
			continue
		}
		begin := cond.onset
		if begin.Before(start) {
			begin = start.AddDate(0, 0, p.r.IntN(120))
		}
		goalID, planID := uuid(p.r), uuid(p.r)
		g := &goalJSON{ResourceType: "Goal", ID: goalID, LifecycleStatus: "active",
			AchievementStatus: concept{Coding: []coding{{System: "http://terminology.hl7.org/CodeSystem/goal-achievement", Code: "in-progress", Display: "In Progress"}}},
			Description:       concept{Text: pl.goalText}, Subject: p.subject(), StartDate: date(begin)}
		g.Target = append(g.Target, struct {
			Measure        concept  `json:"measure"`
			DetailQuantity quantity `json:"detailQuantity"`
			DueDate        string   `json:"dueDate"`
		}{concept{Coding: []coding{{System: loinc, Code: pl.measure, Display: pl.measureDisplay}}}, quantity{pl.target, pl.unit, ucum, pl.unit}, date(begin.AddDate(1, 0, 0))})
		p.put("Goal", goalID, g)
		cp := &carePlanJSON{ResourceType: "CarePlan", ID: planID, Status: "active", Intent: "plan", Title: pl.planDisplay,
			Category: []concept{{Coding: []coding{{System: snomed, Code: pl.planCode, Display: pl.planDisplay}}}},
			Subject:  p.subject(), Period: period{Start: date(begin)}, Addresses: []ref{{Reference: urn(cond.id)}}, Goal: []ref{{Reference: urn(goalID)}}}
		for _, act := range [][2]string{{"160670007", "Diabetic diet"}, {"229065009", "Exercise therapy"}} {
			if pl.key == "hypertension" && act[0] == "160670007" {
				act = [2]string{"386463000", "Prescribed activity/exercise education"}
			}
			a := struct {
				Detail struct {
					Code   concept `json:"code"`
					Status string  `json:"status"`
				} `json:"detail"`
			}{}
			a.Detail.Code, a.Detail.Status = concept{Coding: []coding{{System: snomed, Code: act[0], Display: act[1]}}, Text: act[1]}, "in-progress"
			cp.Activity = append(cp.Activity, a)
		}
		p.put("CarePlan", planID, cp)
	}
}
