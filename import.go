package carepath

import "context"

// ImportUnit is what one import transaction writes: the resources of one
// FHIR Bundle (or of one NDJSON line), already parsed, validated and
// converted. Either all of it is written or none of it.
type ImportUnit struct {
	// Source names where the unit came from, for reports: a file, an archive
	// member, a line of an NDJSON file.
	Source    string
	Resources []ImportResource
	// ExternalRefs are references ("Type/id") to resources outside the unit.
	// Each must already be stored for the organization, or the unit is
	// rejected as dangling.
	ExternalRefs []ExternalRef
}

// ExternalRef is a reference from one entry of a unit to a resource that the
// unit does not carry.
type ExternalRef struct {
	EntryIndex int
	Type       string
	ID         string
}

// ImportResource is one resource of an ImportUnit.
type ImportResource struct {
	EntryIndex int    // position in the bundle, for error reports
	Type       string // FHIR resourceType
	ID         string
	PatientID  string // the patient whose compartment holds it, if any
	// JSON is the resource as the source sent it, compacted, with references
	// internal to the bundle (urn:uuid:...) rewritten to "Type/id".
	JSON []byte
	// Hash is a digest of JSON. A resource sent again with the same JSON
	// (white space aside) is unchanged and not rewritten; the same content
	// with its members in another order counts as a change.
	Hash string
	// Record is the typed value for the kinds Carepath works with (*Patient,
	// *Condition, *Encounter...), nil for kinds kept only as JSON.
	Record any
	// CreateOnly marks a conditional create (ifNoneExist): a resource already
	// stored under the same id is left as it is.
	CreateOnly bool
}

// ImportResult reports what writing one unit did.
type ImportResult struct {
	Created   int
	Updated   int
	Unchanged int
	Err       error // non-nil when the unit was rejected; nothing of it was written
	// Dangling is set when the unit was rejected only because resources it
	// points to are not stored (yet): an importer may try it again after the
	// rest of its input.
	Dangling bool
}

// ClinicalImporter writes imported clinical data.
type ClinicalImporter interface {
	// ImportUnits writes each unit in its own all-or-nothing scope (several
	// units may share one database transaction for speed) into the
	// organization orgID, and reports per unit. A unit already stored with the
	// same content is left unchanged; a changed one is updated in place. The
	// returned error is for failures that stop the whole import (the database
	// is gone); a bad unit is reported in its ImportResult. The actor in ctx
	// is audited for every patient whose records a unit writes (EUNAUTHORIZED
	// without an actor; ENOTFOUND for a user of another organization or an
	// auditor).
	ImportUnits(ctx context.Context, orgID string, units []*ImportUnit) ([]ImportResult, error)
}
