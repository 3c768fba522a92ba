package synth

// Output shapes: the R4 JSON the generator writes, field order as the FHIR
// specification lists elements (resourceType first, then id), so that the
// output is deterministic and reads like a real server's.

type coding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

type concept struct {
	Coding []coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

type ref struct {
	Reference string `json:"reference,omitempty"`
	Display   string `json:"display,omitempty"`
}

type period struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

type quantity struct {
	Value  float64 `json:"value"`
	Unit   string  `json:"unit,omitempty"`
	System string  `json:"system,omitempty"`
	Code   string  `json:"code,omitempty"`
}

type identifier struct {
	Type   *concept `json:"type,omitempty"`
	System string   `json:"system,omitempty"`
	Value  string   `json:"value,omitempty"`
}

type humanName struct {
	Use    string   `json:"use,omitempty"`
	Family string   `json:"family,omitempty"`
	Given  []string `json:"given,omitempty"`
	Prefix []string `json:"prefix,omitempty"`
}

type contactPoint struct {
	System string `json:"system,omitempty"`
	Value  string `json:"value,omitempty"`
	Use    string `json:"use,omitempty"`
}

type address struct {
	Use        string   `json:"use,omitempty"`
	Line       []string `json:"line,omitempty"`
	City       string   `json:"city,omitempty"`
	State      string   `json:"state,omitempty"`
	PostalCode string   `json:"postalCode,omitempty"`
	Country    string   `json:"country,omitempty"`
}

type patientJSON struct {
	ResourceType     string         `json:"resourceType"`
	ID               string         `json:"id"`
	Identifier       []identifier   `json:"identifier,omitempty"`
	Active           bool           `json:"active"`
	Name             []humanName    `json:"name,omitempty"`
	Telecom          []contactPoint `json:"telecom,omitempty"`
	Gender           string         `json:"gender,omitempty"`
	BirthDate        string         `json:"birthDate,omitempty"`
	DeceasedDateTime string         `json:"deceasedDateTime,omitempty"`
	Address          []address      `json:"address,omitempty"`
	MaritalStatus    *concept       `json:"maritalStatus,omitempty"`
	Communication    []struct {
		Language  concept `json:"language"`
		Preferred bool    `json:"preferred"`
	} `json:"communication,omitempty"`
	GeneralPractitioner []ref `json:"generalPractitioner,omitempty"`
}

type relatedPersonJSON struct {
	ResourceType string         `json:"resourceType"`
	ID           string         `json:"id"`
	Active       bool           `json:"active"`
	Patient      ref            `json:"patient"`
	Relationship []concept      `json:"relationship,omitempty"`
	Name         []humanName    `json:"name,omitempty"`
	Telecom      []contactPoint `json:"telecom,omitempty"`
}

type practitionerJSON struct {
	ResourceType string         `json:"resourceType"`
	ID           string         `json:"id"`
	Identifier   []identifier   `json:"identifier,omitempty"`
	Active       bool           `json:"active"`
	Name         []humanName    `json:"name,omitempty"`
	Telecom      []contactPoint `json:"telecom,omitempty"`
}

type organizationJSON struct {
	ResourceType string         `json:"resourceType"`
	ID           string         `json:"id"`
	Identifier   []identifier   `json:"identifier,omitempty"`
	Active       bool           `json:"active"`
	Type         []concept      `json:"type,omitempty"`
	Name         string         `json:"name"`
	Telecom      []contactPoint `json:"telecom,omitempty"`
	Address      []address      `json:"address,omitempty"`
}

type coverageJSON struct {
	ResourceType string  `json:"resourceType"`
	ID           string  `json:"id"`
	Status       string  `json:"status"`
	Type         concept `json:"type"`
	SubscriberID string  `json:"subscriberId,omitempty"`
	Beneficiary  ref     `json:"beneficiary"`
	Relationship concept `json:"relationship"`
	Period       period  `json:"period"`
	Payor        []ref   `json:"payor"`
}

type conditionJSON struct {
	ResourceType       string    `json:"resourceType"`
	ID                 string    `json:"id"`
	ClinicalStatus     concept   `json:"clinicalStatus"`
	VerificationStatus concept   `json:"verificationStatus"`
	Category           []concept `json:"category"`
	Code               concept   `json:"code"`
	Subject            ref       `json:"subject"`
	OnsetDateTime      string    `json:"onsetDateTime,omitempty"`
	RecordedDate       string    `json:"recordedDate,omitempty"`
}

type medicationRequestJSON struct {
	ResourceType              string   `json:"resourceType"`
	ID                        string   `json:"id"`
	Status                    string   `json:"status"`
	Intent                    string   `json:"intent"`
	MedicationCodeableConcept concept  `json:"medicationCodeableConcept"`
	Subject                   ref      `json:"subject"`
	Encounter                 *ref     `json:"encounter,omitempty"`
	AuthoredOn                string   `json:"authoredOn"`
	Requester                 ref      `json:"requester"`
	ReasonReference           []ref    `json:"reasonReference,omitempty"`
	DosageInstruction         []dosage `json:"dosageInstruction,omitempty"`
}

type dosage struct {
	Text string `json:"text"`
}

type allergyJSON struct {
	ResourceType       string   `json:"resourceType"`
	ID                 string   `json:"id"`
	ClinicalStatus     concept  `json:"clinicalStatus"`
	VerificationStatus concept  `json:"verificationStatus"`
	Type               string   `json:"type"`
	Category           []string `json:"category"`
	Criticality        string   `json:"criticality"`
	Code               concept  `json:"code"`
	Patient            ref      `json:"patient"`
	RecordedDate       string   `json:"recordedDate"`
	Reaction           []struct {
		Manifestation []concept `json:"manifestation"`
	} `json:"reaction,omitempty"`
}

type encounterJSON struct {
	ResourceType string    `json:"resourceType"`
	ID           string    `json:"id"`
	Status       string    `json:"status"`
	Class        coding    `json:"class"`
	Type         []concept `json:"type"`
	Subject      ref       `json:"subject"`
	Participant  []struct {
		Individual ref `json:"individual"`
	} `json:"participant,omitempty"`
	Period          period           `json:"period"`
	ReasonCode      []concept        `json:"reasonCode,omitempty"`
	Hospitalization *hospitalization `json:"hospitalization,omitempty"`
	ServiceProvider ref              `json:"serviceProvider"`
}

type hospitalization struct {
	AdmitSource          concept `json:"admitSource"`
	DischargeDisposition concept `json:"dischargeDisposition"`
}

type observationJSON struct {
	ResourceType         string      `json:"resourceType"`
	ID                   string      `json:"id"`
	Status               string      `json:"status"`
	Category             []concept   `json:"category"`
	Code                 concept     `json:"code"`
	Subject              ref         `json:"subject"`
	Encounter            *ref        `json:"encounter,omitempty"`
	EffectiveDateTime    string      `json:"effectiveDateTime"`
	ValueQuantity        *quantity   `json:"valueQuantity,omitempty"`
	ValueCodeableConcept *concept    `json:"valueCodeableConcept,omitempty"`
	Component            []component `json:"component,omitempty"`
}

type component struct {
	Code          concept  `json:"code"`
	ValueQuantity quantity `json:"valueQuantity"`
}

type procedureJSON struct {
	ResourceType      string  `json:"resourceType"`
	ID                string  `json:"id"`
	Status            string  `json:"status"`
	Code              concept `json:"code"`
	Subject           ref     `json:"subject"`
	Encounter         ref     `json:"encounter"`
	PerformedDateTime string  `json:"performedDateTime"`
}

type immunizationJSON struct {
	ResourceType       string  `json:"resourceType"`
	ID                 string  `json:"id"`
	Status             string  `json:"status"`
	VaccineCode        concept `json:"vaccineCode"`
	Patient            ref     `json:"patient"`
	Encounter          ref     `json:"encounter"`
	OccurrenceDateTime string  `json:"occurrenceDateTime"`
	PrimarySource      bool    `json:"primarySource"`
}

type carePlanJSON struct {
	ResourceType string    `json:"resourceType"`
	ID           string    `json:"id"`
	Status       string    `json:"status"`
	Intent       string    `json:"intent"`
	Title        string    `json:"title"`
	Category     []concept `json:"category"`
	Subject      ref       `json:"subject"`
	Period       period    `json:"period"`
	Addresses    []ref     `json:"addresses"`
	Goal         []ref     `json:"goal"`
	Activity     []struct {
		Detail struct {
			Code   concept `json:"code"`
			Status string  `json:"status"`
		} `json:"detail"`
	} `json:"activity"`
}

type goalJSON struct {
	ResourceType      string  `json:"resourceType"`
	ID                string  `json:"id"`
	LifecycleStatus   string  `json:"lifecycleStatus"`
	AchievementStatus concept `json:"achievementStatus"`
	Description       concept `json:"description"`
	Subject           ref     `json:"subject"`
	StartDate         string  `json:"startDate"`
	Target            []struct {
		Measure        concept  `json:"measure"`
		DetailQuantity quantity `json:"detailQuantity"`
		DueDate        string   `json:"dueDate"`
	} `json:"target"`
}

type bundleJSON struct {
	ResourceType string        `json:"resourceType"`
	Type         string        `json:"type"`
	Entry        []bundleEntry `json:"entry"`
}

type bundleEntry struct {
	FullURL  string `json:"fullUrl"`
	Resource any    `json:"resource"`
	Request  struct {
		Method string `json:"method"`
		URL    string `json:"url"`
	} `json:"request"`
}
