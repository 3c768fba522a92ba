package store

import (
	"context"
	"database/sql"
	"errors"

	"carepath"
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
