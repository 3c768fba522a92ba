package carepath

import (
	"context"
	"time"
)

// Event kinds the work rules act on.
const (
	EventDischarge = "encounter.discharge" // a stay ended
)

// Event is something that happened to a patient that rules may act on: an
// imported or recorded discharge, say. Key names the occurrence, so that the
// same event arriving twice (a re-import, a retried call) is one event.
type Event struct {
	OrgID       string
	Key         string // e.g. "Encounter/abc:discharge"
	Kind        string
	PatientID   string
	At          time.Time         // when it happened
	Facts       map[string]string // what the rules read
	Created     time.Time
	ProcessedAt time.Time
	Result      string // what the rules did, in words
}

// EncounterService records encounters that outside systems report.
type EncounterService interface {
	// RecordEncounter stores an encounter (an admission, a discharge, an ED
	// visit) of a patient of the actor's organization as if imported, with
	// its discharge event when it ends a stay, in one transaction. A
	// repeated call with the same encounter id updates it and makes no
	// second event. ENOTFOUND for another organization's patient or a role
	// that may not change clinical data; EINVALID for a bad encounter.
	RecordEncounter(ctx context.Context, e *Encounter) error
}
