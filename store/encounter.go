package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"

	"carepath"
	"carepath/fhir"
)

// RecordEncounter implements carepath.EncounterService: the encounter goes
// through the import (as a FHIR Encounter from the source "api"), so that it
// is stored, versioned, audited and turned into events exactly as an
// imported one.
func (db *DB) RecordEncounter(ctx context.Context, e *carepath.Encounter) error {
	a, err := writerIn(ctx)
	if err != nil {
		return err
	}
	if err := e.ValidateReport(db.Now()); err != nil {
		return err
	}
	var one int
	err = db.queryRow(ctx, "SELECT 1 FROM patient WHERE org_id = ? AND id = ?", a.OrgID, e.PatientID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return carepath.Errorf(carepath.ENOTFOUND, "Patient not found.")
	} else if err != nil {
		return err
	}
	if e.ID == "" {
		e.ID = newID()
	}
	e.OrgID = a.OrgID
	doc := fhir.RenderEncounter(e)
	sum := sha256.Sum256(doc)
	unit := &carepath.ImportUnit{Source: "api", Resources: []carepath.ImportResource{{Type: "Encounter", ID: e.ID, PatientID: e.PatientID,
		JSON: doc, Hash: hex.EncodeToString(sum[:]), Record: e}},
		ExternalRefs: []carepath.ExternalRef{{Type: "Patient", ID: e.PatientID}}}
	res, err := db.ImportUnits(ctx, a.OrgID, []*carepath.ImportUnit{unit})
	if err != nil {
		return err
	}
	return res[0].Err
}
