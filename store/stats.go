package store

import (
	"context"

	"carepath"
)

// ResourceCounts returns how many resources of each kind every organization
// holds, ordered by organization and kind.
func (db *DB) ResourceCounts(ctx context.Context) ([]carepath.ResourceCount, error) {
	rows, err := db.query(ctx, `SELECT org_id, resource_type, COUNT(*) FROM fhir_resource
		GROUP BY org_id, resource_type ORDER BY org_id, resource_type`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []carepath.ResourceCount
	for rows.Next() {
		var c carepath.ResourceCount
		if err := rows.Scan(&c.OrgID, &c.ResourceType, &c.Count); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CountPatients returns the number of patients of one organization.
func (db *DB) CountPatients(ctx context.Context, orgID string) (int, error) {
	var n int
	err := db.queryRow(ctx, "SELECT COUNT(*) FROM patient WHERE org_id = ?", orgID).Scan(&n)
	return n, err
}

// RecordCounts returns how many typed records of each table an
// organization holds (patient, condition, observation...).
func (db *DB) RecordCounts(ctx context.Context, orgID string) (map[string]int64, error) {
	out := map[string]int64{}
	for _, t := range typedTables {
		var n int64
		if err := db.queryRow(ctx, "SELECT COUNT(*) FROM "+t.name+" WHERE org_id = ?", orgID).Scan(&n); err != nil {
			return nil, err
		}
		out[t.name] = n
	}
	return out, nil
}
