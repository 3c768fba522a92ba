package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"carepath"
	"carepath/fhir"
)

// StoredResource is a resource as an import stored it.
type StoredResource struct {
	Type        string
	ID          string
	PatientID   string
	VersionID   int
	LastUpdated string
	JSON        []byte
}

// ReadResource returns one stored resource of an organization, or
// ENOTFOUND.
func (db *DB) ReadResource(ctx context.Context, orgID, typ, id string) (*StoredResource, error) {
	r := StoredResource{Type: typ, ID: id}
	var doc string
	err := db.queryRow(ctx, `SELECT patient_id, version_id, last_updated, resource FROM fhir_resource
		WHERE org_id = ? AND resource_type = ? AND id = ?`, orgID, typ, id).Scan(&r.PatientID, &r.VersionID, &r.LastUpdated, &doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, carepath.Errorf(carepath.ENOTFOUND, "%s/%s not found.", typ, id)
	} else if err != nil {
		return nil, err
	}
	r.JSON = []byte(doc)
	return &r, nil
}

// ExportPatientRecord implements carepath.ChartService.
func (db *DB) ExportPatientRecord(ctx context.Context, patientID string) ([]byte, error) {
	a, err := readerIn(ctx)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	n := 0
	err = db.inReadTx(ctx, func(r *readTx) error {
		if _, err := findPatient(ctx, r, a.OrgID, patientID); err != nil {
			return err
		}
		rows, err := r.query(ctx, `SELECT resource_type, resource FROM fhir_resource WHERE org_id = ? AND patient_id = ?
			ORDER BY resource_type <> 'Patient', resource_type, id`, a.OrgID, patientID)
		if err != nil {
			return err
		}
		bundle := fhir.NewCollectionBundle(&out, time.Now())
		var typ string
		var doc []byte
		err = scanAll(rows, func(scan func(...any) error) error {
			if err := scan(&typ, &doc); err != nil {
				return err
			}
			bundle.Add(doc)
			return nil
		})
		if err != nil {
			return err
		}
		// Assessments taken here: each a QuestionnaireResponse, and its
		// total an Observation derived from it.
		docs, err := assessmentResources(ctx, r, a.OrgID, patientID)
		if err != nil {
			return err
		}
		// The current reconciled medication list, as MedicationStatements.
		meds, err := medicationListResources(ctx, r, a.OrgID, patientID)
		for _, doc := range append(docs, meds...) {
			bundle.Add(doc)
		}
		n = bundle.Close()
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := db.RecordAudit(ctx, carepath.AuditEvent{Action: carepath.AuditExport, PatientID: patientID,
		Object: "record", Detail: fmt.Sprintf("FHIR bundle of %d resources", n)}); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
