package fhir

// The R4 JSON shapes of the resources Carepath converts, with only the
// elements it reads. Everything else a source sends is kept in the stored
// JSON. Decoding is strict about types (a STU3 string where R4 has a
// CodeableConcept is an error) and ignores unknown elements.

type coding struct {
	System  string `json:"system"`
	Code    string `json:"code"`
	Display string `json:"display"`
}

type codeableConcept struct {
	Coding []coding `json:"coding"`
	Text   string   `json:"text"`
}

type reference struct {
	Reference string `json:"reference"`
	Display   string `json:"display"`
}

type period struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

type quantity struct {
	Value *float64 `json:"value"`
	Unit  string   `json:"unit"`
	Code  string   `json:"code"`
}

type identifier struct {
	Type   codeableConcept `json:"type"`
	System string          `json:"system"`
	Value  string          `json:"value"`
}

type humanName struct {
	Use    string   `json:"use"`
	Text   string   `json:"text"`
	Family string   `json:"family"`
	Given  []string `json:"given"`
	Prefix []string `json:"prefix"`
}

type contactPoint struct {
	System string `json:"system"`
	Value  string `json:"value"`
	Use    string `json:"use"`
}

type address struct {
	Use        string   `json:"use"`
	Text       string   `json:"text"`
	Line       []string `json:"line"`
	City       string   `json:"city"`
	State      string   `json:"state"`
	PostalCode string   `json:"postalCode"`
	Country    string   `json:"country"`
}

type r4Patient struct {
	ID               string           `json:"id"`
	Identifier       []identifier     `json:"identifier"`
	Name             []humanName      `json:"name"`
	Telecom          []contactPoint   `json:"telecom"`
	Gender           string           `json:"gender"`
	BirthDate        string           `json:"birthDate"`
	DeceasedBoolean  *bool            `json:"deceasedBoolean"`
	DeceasedDateTime string           `json:"deceasedDateTime"`
	Address          []address        `json:"address"`
	MaritalStatus    *codeableConcept `json:"maritalStatus"`
	Communication    []struct {
		Language  codeableConcept `json:"language"`
		Preferred *bool           `json:"preferred"`
	} `json:"communication"`
}

type r4RelatedPerson struct {
	ID           string            `json:"id"`
	Active       *bool             `json:"active"`
	Patient      *reference        `json:"patient"`
	Relationship []codeableConcept `json:"relationship"`
	Name         []humanName       `json:"name"`
	Telecom      []contactPoint    `json:"telecom"`
}

type r4Practitioner struct {
	ID         string         `json:"id"`
	Active     *bool          `json:"active"`
	Identifier []identifier   `json:"identifier"`
	Name       []humanName    `json:"name"`
	Telecom    []contactPoint `json:"telecom"`
}

type r4Organization struct {
	ID      string            `json:"id"`
	Active  *bool             `json:"active"`
	Name    string            `json:"name"`
	Type    []codeableConcept `json:"type"`
	Telecom []contactPoint    `json:"telecom"`
	Address []address         `json:"address"`
}

type r4Coverage struct {
	ID           string           `json:"id"`
	Status       string           `json:"status"`
	Type         *codeableConcept `json:"type"`
	SubscriberID string           `json:"subscriberId"`
	Beneficiary  *reference       `json:"beneficiary"`
	Relationship *codeableConcept `json:"relationship"`
	Period       *period          `json:"period"`
	Payor        []reference      `json:"payor"`
}

type r4Condition struct {
	ID                 string            `json:"id"`
	ClinicalStatus     *codeableConcept  `json:"clinicalStatus"`
	VerificationStatus *codeableConcept  `json:"verificationStatus"`
	Category           []codeableConcept `json:"category"`
	Code               *codeableConcept  `json:"code"`
	Subject            *reference        `json:"subject"`
	Encounter          *reference        `json:"encounter"`
	OnsetDateTime      string            `json:"onsetDateTime"`
	OnsetPeriod        *period           `json:"onsetPeriod"`
	OnsetString        string            `json:"onsetString"`
	AbatementDateTime  string            `json:"abatementDateTime"`
	AbatementPeriod    *period           `json:"abatementPeriod"`
	AbatementString    string            `json:"abatementString"`
	RecordedDate       string            `json:"recordedDate"`
}

type dosage struct {
	Text string `json:"text"`
}

type r4MedicationRequest struct {
	ID                        string            `json:"id"`
	Status                    string            `json:"status"`
	Intent                    string            `json:"intent"`
	MedicationCodeableConcept *codeableConcept  `json:"medicationCodeableConcept"`
	MedicationReference       *reference        `json:"medicationReference"`
	Subject                   *reference        `json:"subject"`
	Encounter                 *reference        `json:"encounter"`
	AuthoredOn                string            `json:"authoredOn"`
	Requester                 *reference        `json:"requester"`
	ReasonCode                []codeableConcept `json:"reasonCode"`
	ReasonReference           []reference       `json:"reasonReference"`
	DosageInstruction         []dosage          `json:"dosageInstruction"`
}

type r4MedicationStatement struct {
	ID                        string            `json:"id"`
	Status                    string            `json:"status"`
	MedicationCodeableConcept *codeableConcept  `json:"medicationCodeableConcept"`
	MedicationReference       *reference        `json:"medicationReference"`
	Subject                   *reference        `json:"subject"`
	Context                   *reference        `json:"context"`
	EffectiveDateTime         string            `json:"effectiveDateTime"`
	EffectivePeriod           *period           `json:"effectivePeriod"`
	DateAsserted              string            `json:"dateAsserted"`
	ReasonCode                []codeableConcept `json:"reasonCode"`
	Dosage                    []dosage          `json:"dosage"`
}

type r4AllergyIntolerance struct {
	ID                 string           `json:"id"`
	ClinicalStatus     *codeableConcept `json:"clinicalStatus"`
	VerificationStatus *codeableConcept `json:"verificationStatus"`
	Type               string           `json:"type"`
	Category           []string         `json:"category"`
	Criticality        string           `json:"criticality"`
	Code               *codeableConcept `json:"code"`
	Patient            *reference       `json:"patient"`
	RecordedDate       string           `json:"recordedDate"`
	Reaction           []struct {
		Manifestation []codeableConcept `json:"manifestation"`
	} `json:"reaction"`
}

type r4Encounter struct {
	ID              string            `json:"id"`
	Status          string            `json:"status"`
	Class           *coding           `json:"class"`
	Type            []codeableConcept `json:"type"`
	Subject         *reference        `json:"subject"`
	Period          *period           `json:"period"`
	ReasonCode      []codeableConcept `json:"reasonCode"`
	Hospitalization *struct {
		AdmitSource          *codeableConcept `json:"admitSource"`
		DischargeDisposition *codeableConcept `json:"dischargeDisposition"`
	} `json:"hospitalization"`
	ServiceProvider *reference `json:"serviceProvider"`
}

type r4ObservationValue struct {
	ValueQuantity        *quantity        `json:"valueQuantity"`
	ValueCodeableConcept *codeableConcept `json:"valueCodeableConcept"`
	ValueString          *string          `json:"valueString"`
	ValueBoolean         *bool            `json:"valueBoolean"`
	ValueInteger         *int64           `json:"valueInteger"`
	ValueDateTime        string           `json:"valueDateTime"`
}

type r4Observation struct {
	ID                string            `json:"id"`
	Status            string            `json:"status"`
	Category          []codeableConcept `json:"category"`
	Code              *codeableConcept  `json:"code"`
	Subject           *reference        `json:"subject"`
	Encounter         *reference        `json:"encounter"`
	EffectiveDateTime string            `json:"effectiveDateTime"`
	EffectivePeriod   *period           `json:"effectivePeriod"`
	EffectiveInstant  string            `json:"effectiveInstant"`
	Issued            string            `json:"issued"`
	r4ObservationValue
	Component []struct {
		Code *codeableConcept `json:"code"`
		r4ObservationValue
	} `json:"component"`
}

type r4Procedure struct {
	ID                string           `json:"id"`
	Status            string           `json:"status"`
	Code              *codeableConcept `json:"code"`
	Subject           *reference       `json:"subject"`
	Encounter         *reference       `json:"encounter"`
	PerformedDateTime string           `json:"performedDateTime"`
	PerformedPeriod   *period          `json:"performedPeriod"`
}

type r4Immunization struct {
	ID                 string           `json:"id"`
	Status             string           `json:"status"`
	VaccineCode        *codeableConcept `json:"vaccineCode"`
	Patient            *reference       `json:"patient"`
	Encounter          *reference       `json:"encounter"`
	OccurrenceDateTime string           `json:"occurrenceDateTime"`
	OccurrenceString   string           `json:"occurrenceString"`
}

type r4CarePlan struct {
	ID        string            `json:"id"`
	Status    string            `json:"status"`
	Intent    string            `json:"intent"`
	Title     string            `json:"title"`
	Category  []codeableConcept `json:"category"`
	Subject   *reference        `json:"subject"`
	Period    *period           `json:"period"`
	Addresses []reference       `json:"addresses"`
	Goal      []reference       `json:"goal"`
	Activity  []struct {
		Reference *reference `json:"reference"`
		Detail    *struct {
			Code   *codeableConcept `json:"code"`
			Status string           `json:"status"`
		} `json:"detail"`
	} `json:"activity"`
}

type r4Goal struct {
	ID                string           `json:"id"`
	LifecycleStatus   string           `json:"lifecycleStatus"`
	AchievementStatus *codeableConcept `json:"achievementStatus"`
	Priority          *codeableConcept `json:"priority"`
	Description       *codeableConcept `json:"description"`
	Subject           *reference       `json:"subject"`
	StartDate         string           `json:"startDate"`
	Target            []struct {
		Measure        *codeableConcept `json:"measure"`
		DetailQuantity *quantity        `json:"detailQuantity"`
		DetailRange    *struct {
			Low  *quantity `json:"low"`
			High *quantity `json:"high"`
		} `json:"detailRange"`
		DetailString          string           `json:"detailString"`
		DetailCodeableConcept *codeableConcept `json:"detailCodeableConcept"`
		DueDate               string           `json:"dueDate"`
	} `json:"target"`
}
