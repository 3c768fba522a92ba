package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"

	"carepath"
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
	doc := encounterJSON(e)
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

// encounterJSON is the FHIR R4 Encounter an outside system's report stands
// for, kept beside the typed row like any imported resource.
func encounterJSON(e *carepath.Encounter) []byte {
	type coding struct {
		System  string `json:"system,omitempty"`
		Code    string `json:"code"`
		Display string `json:"display,omitempty"`
	}
	type concept struct {
		Coding []coding `json:"coding"`
	}
	doc := map[string]any{
		"resourceType": "Encounter", "id": e.ID, "status": e.Status,
		"class":   coding{System: "http://terminology.hl7.org/CodeSystem/v3-ActCode", Code: e.Class, Display: carepath.EncounterClasses[e.Class]},
		"subject": map[string]string{"reference": "Patient/" + e.PatientID},
		"period":  map[string]string{"start": e.PeriodStart, "end": e.PeriodEnd},
	}
	if e.PeriodEnd == "" {
		doc["period"] = map[string]string{"start": e.PeriodStart}
	}
	if e.DischargeDisposition.Code != "" {
		doc["hospitalization"] = map[string]any{"dischargeDisposition": concept{Coding: []coding{{
			System: "http://terminology.hl7.org/CodeSystem/discharge-disposition", Code: e.DischargeDisposition.Code, Display: e.DischargeDisposition.Display}}}}
	}
	if e.ServiceProviderName != "" {
		doc["serviceProvider"] = map[string]string{"display": e.ServiceProviderName}
	}
	b, _ := json.Marshal(doc)
	return b
}
