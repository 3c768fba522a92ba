package carepath

import (
	"context"
	"time"
)

// StayRecord is what a stay's readmission risk is read from: the stay,
// the patient's other encounters around it, the labs taken during it, its
// procedures, the patient's conditions and birth date.
type StayRecord struct {
	Stay       Encounter
	Encounters []Encounter
	Labs       []Observation
	Procedures []Procedure
	Conditions []Condition
	BirthDate  string
}

// RiskScore is a score computed for a patient at a discharge (LACE,
// HOSPITAL, Charlson), with the variant and version that computed it and
// every component's points and facts. Complete is false when a component's
// data was missing: Total is then a floor.
type RiskScore struct {
	PatientID   string
	EncounterID string
	Name        string
	Variant     string
	Version     string
	Source      string
	Total       int
	Band        string
	Complete    bool
	Components  []RiskComponent
	Computed    time.Time
	// Discharged is filled in by reads: when the scored stay ended (zero
	// when its record is not here). A score "at discharge" is dated by it,
	// not by when it was computed.
	Discharged time.Time
}

// RiskComponent is one part of a score.
type RiskComponent struct {
	Name    string
	Points  int
	Why     string
	Facts   []string
	Missing bool
}

// RiskService keeps the scores computed at discharges.
type RiskService interface {
	// FindStayRecord reads the record of a patient's stay (ENOTFOUND for
	// another organization's, or no such stay). For the work rules.
	FindStayRecord(ctx context.Context, patientID, encounterID string) (*StayRecord, error)
	// RecordRiskScores stores scores, each replacing the same score of the
	// same stay (a stay scored again keeps one of each). For the work rules.
	RecordRiskScores(ctx context.Context, scores []RiskScore) error
	// FindRiskScores returns the patient's latest score of each name, and
	// audits the read.
	FindRiskScores(ctx context.Context, patientID string) ([]RiskScore, error)
	// FindStays lists the organization's ended inpatient and observation
	// stays, by patient and encounter id. For scoring every discharge on
	// record (a few hundred thousand at most: one read, not pages, since a
	// page by patient would walk every encounter of the organization).
	FindStays(ctx context.Context) ([]StayRef, error)
}

// StayRef names a stay: its patient and encounter.
type StayRef struct {
	PatientID, EncounterID string
}
