package store

import (
	"context"
	"fmt"
	"strings"
	"unsafe"

	"carepath"
)

// ImportUnits implements carepath.ClinicalImporter.
//
// All units are first tried together in one transaction: references and
// existing content hashes are looked up with a few batched queries, every
// unit is checked in order (a rejected unit adds nothing to the buffers), and
// the rows of the accepted units are written with multi-row upserts. If that
// transaction fails, each unit is retried in a transaction of its own, so one
// unit's failure never takes another's writes with it.
//
// The actor in ctx (EUNAUTHORIZED without one) is audited, in the same
// transaction, with a record per patient per unit that wrote something.
// On SQLite the first call enlarges the writer's cache for the import;
// ImportFinished returns it to its serving size.
func (db *DB) ImportUnits(ctx context.Context, orgID string, units []*carepath.ImportUnit) ([]carepath.ImportResult, error) {
	actor, err := actorIn(ctx)
	if err != nil {
		return nil, err
	}
	if actor.User != nil && actor.OrgID != orgID || !actor.Role().CanWriteClinical() {
		return nil, carepath.Errorf(carepath.ENOTFOUND, "Organization not found.")
	}
	if err := db.importCache(ctx, true); err != nil {
		return nil, err
	}
	importAudited := func(ctx context.Context, tx batchTx, orgID string, units []*carepath.ImportUnit) ([]carepath.ImportResult, error) {
		results, err := importBatch(ctx, tx, orgID, units)
		if err != nil {
			return nil, err
		}
		return results, appendAudit(ctx, tx, importAudit(actor, orgID, units, results))
	}
	var results []carepath.ImportResult
	err = db.runImportTx(ctx, func(tx batchTx) error {
		var err error
		results, err = importAudited(ctx, tx, orgID, units)
		return err
	})
	if err == nil {
		return results, nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if len(units) == 1 {
		return []carepath.ImportResult{{Err: err}}, nil
	}
	results = make([]carepath.ImportResult, len(units))
	for i, u := range units {
		err := db.runImportTx(ctx, func(tx batchTx) error {
			rs, err := importAudited(ctx, tx, orgID, units[i:i+1])
			if err == nil {
				results[i] = rs[0]
			}
			return err
		})
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			results[i] = carepath.ImportResult{Err: fmt.Errorf("%s: %w", u.Source, err)}
		}
	}
	return results, nil
}

type resourceKey struct{ typ, id string }

// importAudit returns the audit records of the units that wrote something:
// one per patient whose records a unit created or changed.
func importAudit(a *carepath.Actor, org string, units []*carepath.ImportUnit, results []carepath.ImportResult) []carepath.AuditEvent {
	var events []carepath.AuditEvent
	for i, u := range units {
		r := results[i]
		if r.Err != nil || r.Created+r.Updated == 0 {
			continue
		}
		detail := fmt.Sprintf("%d created, %d updated, %d unchanged", r.Created, r.Updated, r.Unchanged)
		var patients []string
		seen := map[string]bool{}
		for _, res := range u.Resources {
			if res.PatientID != "" && !seen[res.PatientID] {
				seen[res.PatientID] = true
				patients = append(patients, res.PatientID)
			}
		}
		if len(patients) == 0 {
			patients = []string{""} // practitioners, organizations: no patient's data
		}
		for _, p := range patients {
			events = append(events, withActor(carepath.AuditEvent{OrgID: org, Action: carepath.AuditImport,
				PatientID: p, Object: u.Source, Detail: detail}, a))
		}
	}
	return events
}

func importBatch(ctx context.Context, tx batchTx, org string, units []*carepath.ImportUnit) ([]carepath.ImportResult, error) {
	// What the database holds before this batch: content hashes of the
	// resources it writes, and which of the external references exist.
	byType := map[string][]string{}
	for _, u := range units {
		for _, r := range u.Resources {
			byType[r.Type] = append(byType[r.Type], r.ID)
		}
		for _, ref := range u.ExternalRefs {
			byType[ref.Type] = append(byType[ref.Type], ref.ID)
		}
	}
	stored, err := storedHashes(ctx, tx, org, byType)
	if err != nil {
		return nil, err
	}

	buf := map[*bulkTable]*bulkBuffer{resourceTable: newBulkBuffer(resourceTable)}
	for _, t := range typedTables {
		buf[t] = newBulkBuffer(t)
	}
	replaced := map[*bulkTable][]parentRef{} // child table -> stored parents whose old children go
	written := map[resourceKey]bool{}        // records already buffered by this batch
	touched := map[string]bool{}             // patients whose records this batch writes
	var events []carepath.Event              // for the work rules: recent discharges
	var moved []storedRow                    // rows of records that moved to another patient
	now := formatTime(tx.now())
	results := make([]carepath.ImportResult, len(units))
	for i, u := range units {
		var missing []string
		for _, ref := range u.ExternalRefs {
			if _, ok := stored[resourceKey{ref.Type, ref.ID}]; !ok {
				missing = append(missing, fmt.Sprintf("entry %d: reference %s/%s is not in the bundle and not stored", ref.EntryIndex, ref.Type, ref.ID))
			}
		}
		if len(missing) > 0 {
			results[i].Err = carepath.Errorf(carepath.EINVALID, "dangling reference: %s", strings.Join(missing, "; "))
			results[i].Dangling = true
			continue
		}
		res := &results[i]
		for _, r := range u.Resources {
			key := resourceKey{r.Type, r.ID}
			old, exists := stored[key]
			switch {
			case !exists:
				res.Created++
			case old.hash == r.Hash, r.CreateOnly:
				res.Unchanged++
				continue
			default:
				res.Updated++
			}
			stored[key] = storedResource{hash: r.Hash, patient: r.PatientID}
			touched[r.PatientID] = true
			if exists {
				touched[old.patient] = true // a record that moved leaves its old patient's chart
			}
			buf[resourceTable].add([]any{org, r.Type, r.ID, r.PatientID, 1, r.Hash, now, bytesAsString(r.JSON)})
			if r.Record == nil {
				continue
			}
			child := childTableOf(r.Record)
			if child != nil && written[key] {
				// Children of the version buffered earlier in this batch go
				// before this version's are added.
				buf[child].dropParent(childOf(child).parentIdx, r.ID)
			}
			switch rec := r.Record.(type) {
			case *carepath.Encounter:
				if ev, ok := dischargeEvent(org, rec, tx.now()); ok {
					events = append(events, ev)
				} else if ev, ok := admissionEvent(org, rec, tx.now()); ok {
					events = append(events, ev)
				}
			case *carepath.Observation:
				if ev, ok := vitalSignEvent(org, rec, tx.now()); ok {
					events = append(events, ev)
				}
			}
			table := recordRows(org, r.Record, buf)
			if exists && old.patient != r.PatientID && patientKeyed(table) {
				// Keyed by patient, the row under the old patient would stay.
				oldKey := recordKey(table, org, old.patient, r.Type, r.ID)
				if written[key] {
					buf[table].remove(oldKey)
				} else {
					moved = append(moved, storedRow{table, oldKey})
				}
			}
			if child != nil && exists && !written[key] {
				replaced[child] = append(replaced[child], parentRef{patient: old.patient, id: r.ID})
			}
			written[key] = true
		}
	}

	// A batch that only creates leaves nothing to update: its rows can go in
	// as plain inserts where an engine has a faster path for them.
	allNew := true
	for _, r := range results {
		allNew = allNew && r.Updated == 0
	}
	for _, b := range buf {
		b.allNew = allNew
	}

	for _, m := range moved {
		where := make([]string, len(m.key))
		for i, c := range m.t.cols[:len(m.key)] {
			where[i] = c + " = ?"
		}
		if err := tx.exec(ctx, "DELETE FROM "+m.t.name+" WHERE "+strings.Join(where, " AND "), m.key...); err != nil {
			return nil, err
		}
	}
	for _, c := range childTables {
		if err := deleteChildren(ctx, tx, org, c, replaced[c.t]); err != nil {
			return nil, err
		}
	}
	if err := tx.flush(ctx, buf[resourceTable]); err != nil {
		return nil, err
	}
	for _, t := range typedTables {
		if err := tx.flush(ctx, buf[t]); err != nil {
			return nil, err
		}
	}
	delete(touched, "")
	if err := bumpRecordVersions(ctx, tx, org, touched); err != nil {
		return nil, err
	}
	for _, ev := range events {
		if err := recordEvent(ctx, tx, tx.now(), ev); err != nil {
			return nil, err
		}
	}
	return results, nil
}

// bumpRecordVersions marks the patients' records as changed (see
// carepath.Patient.RecordVersion), after their rows are written.
func bumpRecordVersions(ctx context.Context, tx batchTx, org string, patients map[string]bool) error {
	const chunk = 500
	ids := make([]any, 0, chunk)
	// Chunks keep each statement under the engines' limits on parameters.
	flush := func() error {
		if len(ids) == 0 {
			return nil
		}
		err := tx.exec(ctx, "UPDATE patient SET record_version = record_version + 1 WHERE org_id = ? AND id IN ("+
			placeholders(len(ids))+")", append([]any{org}, ids...)...)
		ids = ids[:0]
		return err
	}
	for p := range patients {
		if ids = append(ids, p); len(ids) == chunk {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// storedResource is what a batch needs to know of a stored resource.
type storedResource struct {
	hash    string
	patient string // the compartment its typed record is keyed by
}

// storedRow is the key of a stored row of table t.
type storedRow struct {
	t   *bulkTable
	key []any
}

// parentRef names a stored record that owns child rows.
type parentRef struct{ patient, id string }

// storedHashes returns the content hash and patient of every listed
// resource that the organization already holds.
func storedHashes(ctx context.Context, tx batchTx, org string, byType map[string][]string) (map[resourceKey]storedResource, error) {
	out := map[resourceKey]storedResource{}
	for typ, ids := range byType {
		err := inChunks(ids, 500, func(chunk []string) error {
			args := make([]any, 0, len(chunk)+2)
			args = append(args, org, typ)
			for _, id := range chunk {
				args = append(args, id)
			}
			return tx.each(ctx, "SELECT id, content_hash, patient_id FROM fhir_resource WHERE org_id = ? AND resource_type = ? AND id IN ("+
				placeholders(len(chunk))+")", args, func(scan func(...any) error) error {
				var id string
				var sr storedResource
				if err := scan(&id, &sr.hash, &sr.patient); err != nil {
					return err
				}
				out[resourceKey{typ, id}] = sr
				return nil
			})
		})
		if err != nil {
			return nil, fmt.Errorf("read stored resources: %w", err)
		}
	}
	return out, nil
}

func deleteChildren(ctx context.Context, tx batchTx, org string, c childTable, parents []parentRef) error {
	parentCol := c.t.cols[c.parentIdx]
	groups := map[string][]string{} // patient -> parents, when the child table is keyed by patient
	for _, p := range parents {
		g := ""
		if c.patientKeyed {
			g = p.patient
		}
		groups[g] = append(groups[g], p.id)
	}
	for patient, ids := range groups {
		err := inChunks(ids, 500, func(chunk []string) error {
			args := []any{org}
			where := "org_id = ?"
			if c.patientKeyed {
				args, where = append(args, patient), where+" AND patient_id = ?"
			}
			for _, id := range chunk {
				args = append(args, id)
			}
			return tx.exec(ctx, "DELETE FROM "+c.t.name+" WHERE "+where+" AND "+parentCol+" IN ("+placeholders(len(chunk))+")", args...)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// bytesAsString views imported JSON as a string without copying it: the
// bytes are never modified after parsing, and the drivers copy them anyway.
func bytesAsString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
