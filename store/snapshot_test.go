package store_test

import (
	"sync/atomic"
	"testing"
	"time"

	"carepath"
	"carepath/internal/testdb"
)

// Verifying the audit trail while records are appended sees one snapshot:
// the head and the records as one commit left them. On PostgreSQL a read
// transaction at the default isolation sees each statement's own state,
// so a record appended between reading the head and the records looked
// "written beside the chain" (seen in CI: audit verify beside a serving
// process).
func TestVerifyWhileAppending(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		db := e.Open(t)
		org := newOrg(t, db, "General Clinic")
		writer := system(org)
		var stop atomic.Bool
		done := make(chan error, 1)
		go func() {
			var err error
			for i := 0; !stop.Load() && err == nil; i++ {
				err = db.RecordAudit(writer, carepath.AuditEvent{Action: carepath.AuditPatientView, Object: "Patient/p1", Detail: "chart"})
			}
			done <- err
		}()
		deadline := time.Now().Add(1500 * time.Millisecond)
		checks := 0
		for time.Now().Before(deadline) {
			vs, err := db.VerifyAudit(system(org))
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) != 1 || vs[0].BrokenAt != 0 {
				t.Fatalf("after %d checks: %+v", checks, vs)
			}
			checks++
		}
		stop.Store(true)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		t.Logf("%d checks", checks)
	})
}
