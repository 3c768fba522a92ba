package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"carepath"
	"carepath/internal/testdb"
	"carepath/store"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestMigrate(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		db, err := store.Open(ctx, e.DSN(t))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		ms, err := store.Migrations()
		if err != nil {
			t.Fatal(err)
		}
		st, err := db.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Applied) != len(ms) || st.Version != len(ms) {
			t.Fatalf("first migrate applied %d to version %d; want %d", len(st.Applied), st.Version, len(ms))
		}
		st, err = db.Migrate(ctx)
		if err != nil || len(st.Applied) != 0 || st.Version != len(ms) {
			t.Fatalf("second migrate: %+v, %v; want nothing applied", st, err)
		}
	})
}

func TestOrganizations(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		db := e.Open(t)
		org := &carepath.Organization{Name: "General Hospital"}
		if err := db.CreateOrganization(ctx, org); err != nil {
			t.Fatal(err)
		}
		if org.ID != "general-hospital" || org.TimeZone != "America/New_York" {
			t.Fatalf("created %+v", org)
		}
		for _, key := range []string{"general-hospital", "General Hospital"} {
			got, err := db.FindOrganization(ctx, key)
			if err != nil || got.Name != org.Name {
				t.Fatalf("find %q: %+v, %v", key, got, err)
			}
		}
		if err := db.CreateOrganization(ctx, &carepath.Organization{Name: "General Hospital"}); carepath.ErrorCode(err) != carepath.ECONFLICT {
			t.Fatalf("duplicate name: %v; want conflict", err)
		}
		if err := db.CreateOrganization(ctx, &carepath.Organization{Name: "X", TimeZone: "Mars/Olympus"}); carepath.ErrorCode(err) != carepath.EINVALID {
			t.Fatalf("bad time zone: %v; want invalid", err)
		}
		if _, err := db.FindOrganization(ctx, "nope"); carepath.ErrorCode(err) != carepath.ENOTFOUND {
			t.Fatalf("missing: %v; want not found", err)
		}
	})
}

func TestOrgSlug(t *testing.T) {
	for in, want := range map[string]string{"General Hospital": "general-hospital", "  St. Mary's  ": "st-mary-s",
		"Clinic 42": "clinic-42", "Ünïcode": "n-code", "---": ""} {
		if got := store.OrgSlug(in); got != want {
			t.Errorf("OrgSlug(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestRunInTx(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		db := e.Open(t)
		fixed := time.Date(2026, 5, 22, 14, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return fixed }

		t.Run("rollback on error writes nothing", func(t *testing.T) {
			boom := errors.New("boom")
			err := db.RunInTx(ctx, func(tx *store.Tx) error {
				if _, err := tx.Exec(ctx, "INSERT INTO organization (id, name, created_at) VALUES ('tmp', 'Tmp', ?)", "x"); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("err = %v; want boom", err)
			}
			if _, err := db.FindOrganization(ctx, "tmp"); carepath.ErrorCode(err) != carepath.ENOTFOUND {
				t.Fatalf("rolled-back row is visible: %v", err)
			}
		})

		t.Run("clock is injected", func(t *testing.T) {
			org := &carepath.Organization{Name: "Clock Test"}
			if err := db.CreateOrganization(ctx, org); err != nil {
				t.Fatal(err)
			}
			got, _ := db.FindOrganization(ctx, org.ID)
			if !got.Created.Equal(fixed) {
				t.Fatalf("created %v; want %v", got.Created, fixed)
			}
		})

		t.Run("serialization failures are retried", func(t *testing.T) {
			calls := 0
			err := db.RunInTx(ctx, func(tx *store.Tx) error {
				calls++
				if calls < 3 {
					return fmt.Errorf("wrapped: %w", &pgconn.PgError{Code: "40001"})
				}
				return nil
			})
			if err != nil || calls != 3 {
				t.Fatalf("err %v after %d calls; want success on the 3rd", err, calls)
			}
		})

		t.Run("other errors are not retried", func(t *testing.T) {
			calls := 0
			db.RunInTx(ctx, func(tx *store.Tx) error { calls++; return &pgconn.PgError{Code: "23505"} })
			if calls != 1 {
				t.Fatalf("%d calls; want 1", calls)
			}
		})
	})
}

// newOrg creates an organization for a test.
// importer is the context of a command-line import: a system actor.
func importer() context.Context {
	return carepath.NewContextWithActor(context.Background(), carepath.SystemActor("", "test import", "cli"))
}

func newOrg(t *testing.T, db *store.DB, name string) string {
	t.Helper()
	org := &carepath.Organization{Name: name}
	if err := db.CreateOrganization(context.Background(), org); err != nil {
		t.Fatal(err)
	}
	return org.ID
}

func patientUnit(id, family, given, hash string, idents ...carepath.Identifier) *carepath.ImportUnit {
	return &carepath.ImportUnit{Source: "test", Resources: []carepath.ImportResource{{
		Type: "Patient", ID: id, PatientID: id, Hash: hash,
		JSON:   []byte(fmt.Sprintf(`{"resourceType":"Patient","id":%q,"name":[{"family":%q}]}`, id, family)),
		Record: &carepath.Patient{ID: id, Family: family, Given: given, Identifiers: idents},
	}}}
}

func TestImportUnits(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		ctx := importer()
		db := e.Open(t)
		org := newOrg(t, db, "Import Test")

		res, err := db.ImportUnits(ctx, org, []*carepath.ImportUnit{
			patientUnit("p1", "Rivera", "Emily", "h1", carepath.Identifier{System: "mrn", Value: "A1"}, carepath.Identifier{System: "ssn", Value: "999"}),
			patientUnit("p2", "Chen", "Wei", "h2"),
		})
		if err != nil {
			t.Fatal(err)
		}
		if res[0].Created != 1 || res[1].Created != 1 {
			t.Fatalf("first import: %+v", res)
		}

		// Same content: unchanged. Changed content: updated in place, and
		// the children (identifiers) replaced, not added to.
		res, _ = db.ImportUnits(ctx, org, []*carepath.ImportUnit{
			patientUnit("p1", "Rivera-Lopez", "Emily", "h1b", carepath.Identifier{System: "mrn", Value: "A1"}),
			patientUnit("p2", "Chen", "Wei", "h2"),
		})
		if res[0].Updated != 1 || res[1].Unchanged != 1 {
			t.Fatalf("second import: %+v", res)
		}
		p, err := db.FindPatientByID(system(org), "p1")
		if err != nil {
			t.Fatal(err)
		}
		if p.Family != "Rivera-Lopez" || len(p.Identifiers) != 1 {
			t.Fatalf("after update: %+v", p)
		}
		counts, _ := db.ResourceCounts(ctx)
		if len(counts) != 1 || counts[0].Count != 2 {
			t.Fatalf("counts %+v; want 2 patients", counts)
		}

		t.Run("dangling reference rejects only its unit", func(t *testing.T) {
			bad := patientUnit("p3", "Nguyen", "Linh", "h3")
			bad.ExternalRefs = []carepath.ExternalRef{{EntryIndex: 0, Type: "Practitioner", ID: "nobody"}}
			good := patientUnit("p4", "Okafor", "Ada", "h4")
			good.ExternalRefs = []carepath.ExternalRef{{EntryIndex: 0, Type: "Patient", ID: "p1"}}
			res, err := db.ImportUnits(ctx, org, []*carepath.ImportUnit{bad, good})
			if err != nil {
				t.Fatal(err)
			}
			if res[0].Err == nil || !res[0].Dangling || res[1].Err != nil {
				t.Fatalf("results %+v", res)
			}
			if _, err := db.FindPatientByID(system(org), "p3"); carepath.ErrorCode(err) != carepath.ENOTFOUND {
				t.Fatal("rejected unit was written")
			}
			if _, err := db.FindPatientByID(system(org), "p4"); err != nil {
				t.Fatal("accepted unit was not written")
			}
		})

		t.Run("a unit that fails in the database does not take the batch with it", func(t *testing.T) {
			// An observation component table row with the same key twice in
			// one statement is fine (deduplicated); a value the database
			// rejects is not: resource_type longer than the column allows
			// on neither engine... use an invalid JSON document, which
			// PostgreSQL's jsonb rejects and SQLite's TEXT accepts.
			if e.Name != "postgres" {
				t.Skip("SQLite stores JSON as text and accepts any document")
			}
			bad := patientUnit("p5", "Bad", "Json", "h5")
			bad.Resources[0].JSON = []byte(`{not json`)
			res, err := db.ImportUnits(ctx, org, []*carepath.ImportUnit{patientUnit("p6", "Kim", "Min", "h6"), bad})
			if err != nil {
				t.Fatal(err)
			}
			if res[0].Err != nil || res[0].Created != 1 || res[1].Err == nil {
				t.Fatalf("results %+v", res)
			}
		})

		t.Run("tenants are isolated", func(t *testing.T) {
			other := newOrg(t, db, "Other Org")
			if _, err := db.FindPatientByID(system(other), "p1"); carepath.ErrorCode(err) != carepath.ENOTFOUND {
				t.Fatalf("other tenant sees p1: %v", err)
			}
			res, _ := db.ImportUnits(ctx, other, []*carepath.ImportUnit{patientUnit("p1", "Elsewhere", "Same Id", "hx")})
			if res[0].Created != 1 {
				t.Fatalf("same id in another org: %+v", res)
			}
			p, _ := db.FindPatientByID(system(org), "p1")
			if p.Family != "Rivera-Lopez" {
				t.Fatalf("other tenant's import changed ours: %+v", p)
			}
		})
	})
}

func TestFindPatients(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		ctx := importer()
		db := e.Open(t)
		org := newOrg(t, db, "Panel")
		var units []*carepath.ImportUnit
		for i := 0; i < 45; i++ {
			units = append(units, patientUnit(fmt.Sprintf("s%02d", i), "Smith", fmt.Sprintf("Pat%02d", i), "h"))
		}
		units = append(units, patientUnit("j1", "Jones", "Ann", "h", carepath.Identifier{System: "mrn", Value: "MRN777"}))
		if _, err := db.ImportUnits(ctx, org, units); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			query       string
			offset      int
			total, page int
			first       string
		}{
			{"", 0, 46, 40, "Jones"},
			{"smi", 0, 45, 40, "Smith"},
			{"SMITH pat4", 0, 5, 5, "Smith"},
			{"smith", 40, 45, 5, "Smith"},
			{"MRN777", 0, 1, 1, "Jones"},
			{"mrn77", 0, 0, 0, ""},
			{"zz", 0, 0, 0, ""},
		} {
			ps, total, err := db.FindPatients(system(org), carepath.PatientFilter{Query: tc.query, Offset: tc.offset, Limit: 40})
			if err != nil {
				t.Fatal(err)
			}
			if total != tc.total || len(ps) != tc.page || len(ps) > 0 && ps[0].Family != tc.first {
				t.Errorf("query %q offset %d: total %d, page %d; want %d, %d starting with %s", tc.query, tc.offset, total, len(ps), tc.total, tc.page, tc.first)
			}
		}
	})
}

func TestCloseTwice(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		db := e.Open(t)
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		if err := db.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
	})
}

// TestRecordMovesToAnotherPatient: typed records are keyed by patient, so
// a resource that comes back filed under another patient must leave no row
// (nor child rows) under the first one.
func TestRecordMovesToAnotherPatient(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		ctx := importer()
		db := e.Open(t)
		org := newOrg(t, db, "Moves")
		v := 120.0
		obs := func(patient, hash string) *carepath.ImportUnit {
			return &carepath.ImportUnit{Source: "test", Resources: []carepath.ImportResource{{
				Type: "Observation", ID: "bp1", PatientID: patient, Hash: hash, JSON: []byte(`{"resourceType":"Observation","id":"bp1"}`),
				Record: &carepath.Observation{ID: "bp1", PatientID: patient, Code: carepath.Coding{Code: "85354-9"},
					Components: []carepath.ObservationComponent{{Code: carepath.Coding{Code: "8480-6"}, ValueNum: &v}}},
			}}}
		}
		for _, step := range []struct{ patient, hash string }{{"p1", "h1"}, {"p2", "h2"}} {
			if res, err := db.ImportUnits(ctx, org, []*carepath.ImportUnit{obs(step.patient, step.hash)}); err != nil || res[0].Err != nil {
				t.Fatalf("%+v %v", res, err)
			}
		}
		counts, err := db.RecordCounts(ctx, org)
		if err != nil {
			t.Fatal(err)
		}
		if counts["observation"] != 1 || counts["observation_component"] != 1 {
			t.Fatalf("after the move: %d observations, %d components; want 1 and 1", counts["observation"], counts["observation_component"])
		}
		// Twice in one batch, under two patients: the last one wins.
		res, err := db.ImportUnits(ctx, org, []*carepath.ImportUnit{obs("p3", "h3"), obs("p4", "h4")})
		if err != nil || res[0].Err != nil || res[1].Err != nil {
			t.Fatalf("%+v %v", res, err)
		}
		counts, _ = db.RecordCounts(ctx, org)
		stored, _ := db.ReadResource(ctx, org, "Observation", "bp1")
		if counts["observation"] != 1 || counts["observation_component"] != 1 || stored.PatientID != "p4" {
			t.Fatalf("after two moves in one batch: %v, compartment %q", counts, stored.PatientID)
		}
	})
}

// TestImportRaceOnPostgres: a batch that found none of its resources stored
// copies them straight into their tables. When another transaction stores
// one of them meanwhile, the copy must give way to the upsert, not fail the
// batch.
func TestImportRaceOnPostgres(t *testing.T) {
	for _, e := range testdb.Engines(t) {
		if e.Name != "postgres" {
			continue
		}
		ctx := importer()
		dsn := e.DSN(t)
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		org := newOrg(t, db, "Race Health")

		other, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		otherTx, err := other.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer otherTx.Rollback()
		if _, err := otherTx.Exec(`INSERT INTO fhir_resource (org_id, resource_type, id, patient_id, content_hash, last_updated, resource)
			VALUES ($1, 'Patient', 'p1', 'p1', 'theirs', '2026-01-01T00:00:00Z', '{}')`, org); err != nil {
			t.Fatal(err)
		}

		type outcome struct {
			res []carepath.ImportResult
			err error
		}
		done := make(chan outcome, 1)
		go func() {
			res, err := db.ImportUnits(ctx, org, []*carepath.ImportUnit{patientUnit("p1", "Rivera", "Ana", "ours")})
			done <- outcome{res, err}
		}()
		// The import's copy now waits for the other transaction's row.
		for waited := 0; ; waited++ {
			var n int
			if err := other.QueryRow("SELECT count(*) FROM pg_locks WHERE NOT granted").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n > 0 {
				break
			}
			if waited == 500 {
				t.Fatal("the import never waited for the other transaction")
			}
			time.Sleep(10 * time.Millisecond)
		}
		if err := otherTx.Commit(); err != nil {
			t.Fatal(err)
		}
		got := <-done
		if got.err != nil || got.res[0].Err != nil {
			t.Fatalf("import after a concurrent insert: %v %+v", got.err, got.res)
		}
		r, err := db.ReadResource(ctx, org, "Patient", "p1")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(r.JSON), "Rivera") {
			t.Errorf("stored %s, want the import's version", r.JSON)
		}
		if p, err := db.FindPatientByID(system(org), "p1"); err != nil || p.Family != "Rivera" {
			t.Errorf("patient %+v %v", p, err)
		}
	}
}
