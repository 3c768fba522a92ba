package store_test

import (
	"context"
	"strings"
	"testing"

	"carepath"
	"carepath/internal/testdb"
	"carepath/store"
)

// conditionUnit is an import of one problem of patient p1.
func conditionUnit(display, hash string) *carepath.ImportUnit {
	c := &carepath.Condition{ID: "c1", PatientID: "p1", ClinicalStatus: "active",
		Code: carepath.Coding{System: "http://snomed.info/sct", Code: "44054006", Display: display}}
	return &carepath.ImportUnit{Source: "test", Resources: []carepath.ImportResource{{Type: "Condition", ID: "c1", PatientID: "p1",
		Hash: hash, JSON: []byte(`{"resourceType":"Condition","id":"c1"}`), Record: c}}}
}

// TestChartCacheStaysCurrent: charts are kept in memory between views, yet
// every view shows what the database holds now, whoever changed it (this
// process or another one on the same database), and every view is audited.
func TestChartCacheStaysCurrent(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		dsn := e.DSN(t)
		open := func() *store.DB {
			db, err := store.Open(ctx, dsn)
			must(t, err)
			t.Cleanup(func() { db.Close() })
			_, err = db.Migrate(ctx)
			must(t, err)
			return db
		}
		server, other := open(), open() // the serving process, and an import run beside it
		org := newOrg(t, server, "General Clinic")
		cm := addUser(t, server, org, "cm@example.org", carepath.RoleCareManager)
		auditor := addUser(t, server, org, "auditor@example.org", carepath.RoleAuditor)

		_, err := server.ImportUnits(system(org), org, []*carepath.ImportUnit{patientUnit("p1", "Rivera", "Ana", "h1"), conditionUnit("Diabetes", "c-1")})
		must(t, err)
		problem := func(db *store.DB) string {
			t.Helper()
			c, err := db.FindChart(as(cm), "p1")
			must(t, err)
			if len(c.Conditions) != 1 {
				t.Fatalf("chart problems: %+v", c.Conditions)
			}
			return c.Conditions[0].Code.Display
		}
		views := 0
		check := func(what, want string) {
			t.Helper()
			views++
			if got := problem(server); got != want {
				t.Errorf("%s: the chart shows %q, want %q", what, got, want)
			}
		}
		check("first view", "Diabetes")
		hits, _ := server.ChartCacheStats()
		check("second view", "Diabetes")
		if h, _ := server.ChartCacheStats(); h != hits+1 {
			t.Errorf("the second view of an unchanged chart was not served from the cache (hits %d, then %d)", hits, h)
		}

		// Changed by this process's import, then by another process's.
		_, err = server.ImportUnits(system(org), org, []*carepath.ImportUnit{conditionUnit("Diabetes mellitus type 2", "c-2")})
		must(t, err)
		check("after an import", "Diabetes mellitus type 2")
		_, err = other.ImportUnits(system(org), org, []*carepath.ImportUnit{conditionUnit("Type 2 diabetes, controlled", "c-3")})
		must(t, err)
		check("after another process's import", "Type 2 diabetes, controlled")
		// An import that changes nothing keeps the cached chart.
		_, err = other.ImportUnits(system(org), org, []*carepath.ImportUnit{conditionUnit("Type 2 diabetes, controlled", "c-3")})
		must(t, err)
		hits, _ = server.ChartCacheStats()
		check("after an import of the same data", "Type 2 diabetes, controlled")
		if h, _ := server.ChartCacheStats(); h != hits+1 {
			t.Errorf("an unchanged import emptied the cache (hits %d, then %d)", hits, h)
		}

		// The patient's own record and care team are read fresh.
		must(t, server.AddCareTeamMembers(as(cm), carepath.CareTeamMember{PatientID: "p1", UserID: cm.ID}))
		c, err := server.FindChart(as(cm), "p1")
		must(t, err)
		views++
		if len(c.Patient.CareTeam) != 1 || c.Patient.CareTeam[0].UserID != cm.ID {
			t.Errorf("the chart's care team after an assignment: %+v", c.Patient.CareTeam)
		}

		// Another organization finds nothing, cached or not.
		stranger := addUser(t, server, newOrg(t, server, "Other Clinic"), "cm@other.example", carepath.RoleCareManager)
		_, err = server.FindChart(as(stranger), "p1")
		wantCode(t, "another organization's chart", err, carepath.ENOTFOUND)

		events, err := server.FindAuditEvents(as(auditor), carepath.AuditFilter{PatientID: "p1", Limit: 1000})
		must(t, err)
		audited := 0
		for _, ev := range events {
			if ev.Action == carepath.AuditPatientView {
				audited++
			}
		}
		if audited != views {
			t.Errorf("%d chart views audited, want %d (cached views too)", audited, views)
		}
	})
}

// TestChartCacheEvictsLeastRecent: a full cache drops the chart read
// longest ago; without a cache every view reads the database.
func TestChartCacheEvictsLeastRecent(t *testing.T) {
	db := testdb.Engines(t)[0].Open(t)
	org := newOrg(t, db, "General Clinic")
	cm := addUser(t, db, org, "cm@example.org", carepath.RoleCareManager)
	_, err := db.ImportUnits(system(org), org, []*carepath.ImportUnit{patientUnit("p1", "Rivera", "Ana", "h1"),
		patientUnit("p2", "Chen", "Wei", "h2"), patientUnit("p3", "Okafor", "Ada", "h3")})
	must(t, err)
	db.SetChartCache(2)
	views := func(ids ...string) (hits, misses int64) {
		h0, m0 := db.ChartCacheStats()
		for _, id := range ids {
			_, err := db.FindChart(as(cm), id)
			must(t, err)
		}
		h1, m1 := db.ChartCacheStats()
		return h1 - h0, m1 - m0
	}
	if h, m := views("p1", "p2", "p1", "p2"); h != 2 || m != 2 {
		t.Errorf("two charts in a cache of two: %d hits, %d misses; want 2, 2", h, m)
	}
	// p3 pushes out p1 (read before p2's last view), not p2.
	if h, m := views("p3", "p2", "p1"); h != 1 || m != 2 {
		t.Errorf("after a third chart: %d hits, %d misses; want 1, 2", h, m)
	}
	db.SetChartCache(0)
	if h, _ := views("p1", "p1"); h != 0 {
		t.Errorf("with no cache, %d hits", h)
	}
}

// TestChartSeriesOrder: a chart's series come in one order, read after
// read: vital signs, then labs and scores by name, then by code. A score
// and a lab, and two labs of one name under different codes (a test
// reported by two methods), used to trade places from one read to the next.
func TestChartSeriesOrder(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		db := e.Open(t)
		db.SetChartCache(0) // every read sorts afresh
		org := newOrg(t, db, "General Clinic")
		cm := addUser(t, db, org, "cm@example.org", carepath.RoleCareManager)
		unit := patientUnit("p1", "Rivera", "Ana", "h1")
		for i, o := range []struct{ code, display, category string }{
			{"2345-7", "Glucose", "laboratory"}, {"2339-0", "Glucose", "laboratory"}, {"8867-4", "Heart rate", "vital-signs"},
			{"718-7", "Hemoglobin", "laboratory"}, {"41653-7", "Glucose", "laboratory"}, {"44261-6", "Depression score", "survey"},
			{"2951-2", "Sodium", "laboratory"},
		} {
			v := float64(90 + i)
			id := "o" + o.code
			rec := &carepath.Observation{ID: id, PatientID: "p1", Status: "final", Category: o.category, Effective: carepath.MustParseDateTime("2026-11-20T08:00:00Z"),
				Code: carepath.Coding{System: "http://loinc.org", Code: o.code, Display: o.display}, ValueNum: &v, Unit: "mg/dL"}
			unit.Resources = append(unit.Resources, carepath.ImportResource{Type: "Observation", ID: id, PatientID: "p1",
				Hash: id, JSON: []byte(`{"resourceType":"Observation","id":"` + id + `"}`), Record: rec})
		}
		_, err := db.ImportUnits(system(org), org, []*carepath.ImportUnit{unit})
		must(t, err)
		want := "8867-4 44261-6 2339-0 2345-7 41653-7 718-7 2951-2"
		for range 30 {
			c, err := db.FindChart(as(cm), "p1")
			must(t, err)
			var got []string
			for _, s := range c.Series {
				got = append(got, s.Code.Code)
			}
			if g := strings.Join(got, " "); g != want {
				t.Fatalf("series in the order %s; want %s", g, want)
			}
		}
	})
}
