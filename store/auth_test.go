package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"carepath"
	"carepath/internal/testdb"
	"carepath/store"
)

// system is the command line's actor in an organization.
func system(org string) context.Context {
	return carepath.NewContextWithActor(context.Background(), carepath.SystemActor(org, "test", "cli"))
}

// as is a signed-in user's actor.
func as(u *carepath.User) context.Context {
	return carepath.NewContextWithActor(context.Background(), &carepath.Actor{User: u, OrgID: u.OrgID, Source: "192.0.2.1"})
}

func addUser(t *testing.T, db *store.DB, org, email string, role carepath.Role) *carepath.User {
	t.Helper()
	u := &carepath.User{OrgID: org, Email: email, Role: role}
	if err := db.CreateUser(system(org), u, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	return u
}

// clock is a settable time for the DB.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func newClock(db *store.DB) *clock {
	c := &clock{t: time.Date(2026, 5, 22, 14, 0, 0, 0, time.UTC)}
	db.Now = c.now
	return c
}
func code(err error) string { return carepath.ErrorCode(err) }
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
func wantCode(t *testing.T, what string, err error, c string) {
	t.Helper()
	if code(err) != c {
		t.Errorf("%s: error %v, want code %s", what, err, c)
	}
}

func TestUsers(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		db := e.Open(t)
		org := newOrg(t, db, "General Clinic")
		other := newOrg(t, db, "Other Clinic")
		admin := addUser(t, db, org, "Admin@Example.org", carepath.RoleAdministrator)
		if admin.Email != "admin@example.org" || admin.ID == "" {
			t.Fatalf("created %+v: want a lower-case email and an id", admin)
		}
		cm := addUser(t, db, org, "cm@example.org", carepath.RoleCareManager)
		stranger := addUser(t, db, other, "someone@other.example", carepath.RoleAdministrator)

		t.Run("validation", func(t *testing.T) {
			for _, tc := range []struct {
				u    carepath.User
				pw   string
				want string
			}{
				{carepath.User{Email: "not an email", Role: carepath.RoleNurse}, "a long enough password", carepath.EINVALID},
				{carepath.User{Email: "n@example.org", Role: "surgeon"}, "a long enough password", carepath.EINVALID},
				{carepath.User{Email: "n@example.org", Role: carepath.RoleNurse}, "short", carepath.EINVALID},
				{carepath.User{Email: "CM@example.org", Role: carepath.RoleNurse}, "a long enough password", carepath.ECONFLICT},
				{carepath.User{Email: "someone@other.example", Role: carepath.RoleNurse}, "a long enough password", carepath.ECONFLICT},
			} {
				u := tc.u
				wantCode(t, fmt.Sprintf("create %+v", tc.u), db.CreateUser(as(admin), &u, tc.pw), tc.want)
			}
		})
		t.Run("only administrators manage users", func(t *testing.T) {
			u := &carepath.User{Email: "new@example.org", Role: carepath.RoleNurse}
			wantCode(t, "care manager creates", db.CreateUser(as(cm), u, "a long enough password"), carepath.ENOTFOUND)
			wantCode(t, "care manager disables", db.DisableUser(as(cm), admin.ID), carepath.ENOTFOUND)
			wantCode(t, "care manager resets", db.ResetPassword(as(cm), admin.ID, "another long password"), carepath.ENOTFOUND)
			wantCode(t, "no actor", db.CreateUser(context.Background(), u, "a long enough password"), carepath.EUNAUTHORIZED)
		})
		t.Run("tenants", func(t *testing.T) {
			users, err := db.FindUsers(as(admin))
			must(t, err)
			if len(users) != 2 || users[0].Email != "admin@example.org" || users[1].Email != "cm@example.org" {
				t.Errorf("users of the organization: %+v", users)
			}
			_, err = db.FindUserByID(as(admin), stranger.ID)
			wantCode(t, "another tenant's user", err, carepath.ENOTFOUND)
			wantCode(t, "disable another tenant's user", db.DisableUser(as(admin), stranger.ID), carepath.ENOTFOUND)
			// An administrator's new user lands in their organization,
			// whatever the request says.
			u := &carepath.User{OrgID: other, Email: "planted@example.org", Role: carepath.RoleNurse}
			must(t, db.CreateUser(as(admin), u, "a long enough password"))
			if u.OrgID != org {
				t.Errorf("user created in %q, want the administrator's %q", u.OrgID, org)
			}
		})
	})
}

func TestSignIn(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		db := e.Open(t)
		clk := newClock(db)
		org := newOrg(t, db, "General Clinic")
		admin := addUser(t, db, org, "admin@example.org", carepath.RoleAdministrator)
		nurse := addUser(t, db, org, "nurse@example.org", carepath.RoleNurse)
		ctx := context.Background()
		const right = "a long enough password"
		signIn := func(email, pw, source string, devices ...string) (*carepath.SignIn, error) {
			return db.Authenticate(ctx, carepath.SignInAttempt{Email: email, Password: pw, Source: source, Devices: devices})
		}

		// A good sign-in at her workstation: the browser is now known.
		in, err := signIn(" Nurse@Example.org ", right, "192.0.2.7")
		if err != nil || in.User.ID != nurse.ID || len(in.Devices) != 1 || !strings.HasPrefix(in.Devices[0], "cpd_") {
			t.Fatalf("good sign-in: %+v %v", in, err)
		}
		workstation := in.Devices[0]
		_, err = signIn("nobody@example.org", right, "192.0.2.7")
		wantCode(t, "unknown email", err, carepath.EUNAUTHORIZED)

		// The security review's probe: someone elsewhere guesses her
		// password. Five failures are free; then each waits a growing
		// delay (1 s, 2 s...), refused unheard until it has passed.
		attacker := "203.0.113.9"
		for i := 1; i <= 7; i++ {
			_, err := signIn("nurse@example.org", fmt.Sprintf("guess number %d", i), attacker)
			wantCode(t, fmt.Sprintf("guess %d", i), err, carepath.EUNAUTHORIZED)
			wait := carepath.SignInDelay(i, carepath.FreeSignInFailures)
			if wait > 0 {
				_, err := signIn("nurse@example.org", right, attacker)
				wantCode(t, fmt.Sprintf("right password right after guess %d", i), err, carepath.ETHROTTLED)
				if !strings.Contains(carepath.ErrorMessage(err), "try again in") {
					t.Errorf("a throttled attempt says %q", carepath.ErrorMessage(err))
				}
				clk.add(wait)
			}
		}
		// She is not locked out: at her workstation she signs in at once,
		// while a browser she has never used still waits.
		if _, err := signIn("nurse@example.org", "guess number 8", attacker); err != nil {
			wantCode(t, "guess 8", err, carepath.EUNAUTHORIZED)
		}
		in, err = signIn("nurse@example.org", right, "192.0.2.7", "cpd_forged", workstation)
		if err != nil || in.User.ID != nurse.ID || in.Devices[0] != workstation || !slices.Contains(in.Devices, "cpd_forged") {
			t.Fatalf("the nurse at her workstation while guessing goes on: %+v %v", in, err)
		}
		_, err = signIn("nurse@example.org", right, "192.0.2.99")
		wantCode(t, "the nurse on a new browser while guessing goes on", err, carepath.ETHROTTLED)
		// The guessing is slowed down, never stopped for good: after the
		// wait, a try is heard.
		clk.add(carepath.SignInDelay(8, carepath.FreeSignInFailures))
		if u, err := db.FindUserByID(system(org), nurse.ID); err != nil || u.FailedSignIns != 8 || !u.ThrottledUntil.After(clk.now().Add(-time.Second)) {
			t.Errorf("the account's count: %+v %v", u, err)
		}
		in, err = signIn("nurse@example.org", right, "192.0.2.99")
		if err != nil {
			t.Fatalf("a new browser after the wait: %v", err)
		}

		// A known browser's own failures slow down that browser only.
		for i := 1; i <= carepath.FreeSignInFailures+1; i++ {
			_, err := signIn("nurse@example.org", "mistyped it again!", "192.0.2.7", workstation)
			wantCode(t, "a mistyped password at the workstation", err, carepath.EUNAUTHORIZED)
		}
		_, err = signIn("nurse@example.org", right, "192.0.2.7", workstation)
		wantCode(t, "the workstation after its own failures", err, carepath.ETHROTTLED)
		if _, err := signIn("nurse@example.org", right, "192.0.2.99", in.Devices[0]); err != nil {
			t.Errorf("her other browser: %v", err)
		}

		// An email without an account is throttled alike: the answers do
		// not tell which emails have one.
		for i := 1; i <= carepath.FreeSignInFailures+1; i++ {
			_, err := signIn("ghost@example.org", "guess", "198.51.100.1")
			wantCode(t, "an unknown email", err, carepath.EUNAUTHORIZED)
		}
		_, errGhost := signIn("ghost@example.org", "guess", "198.51.100.1")
		wantCode(t, "an unknown email after its free failures", errGhost, carepath.ETHROTTLED)

		// An address spraying many accounts slows down after its free
		// failures, except for browsers that have signed in there before.
		clk.add(time.Hour)
		for i := 1; i <= carepath.FreeAddressFailures+1; i++ {
			_, err := signIn(fmt.Sprintf("user%d@example.org", i), "guess", "198.51.100.2")
			wantCode(t, "spraying", err, carepath.EUNAUTHORIZED)
		}
		_, err = signIn("admin@example.org", right, "198.51.100.2")
		wantCode(t, "a new browser at the sprayed address", err, carepath.ETHROTTLED)
		if _, err := signIn("nurse@example.org", right, "198.51.100.2", in.Devices[0]); err != nil {
			t.Errorf("a known browser at the sprayed address: %v", err)
		}

		// An administrator's reset clears the count and ends sessions and
		// API tokens; a disabled user cannot sign in.
		token, err := db.CreateSession(ctx, nurse, "192.0.2.7", "test")
		must(t, err)
		_, apiSecret, err := db.CreateAPIToken(as(nurse), nurse.ID, "EHR sync")
		must(t, err)
		must(t, db.ResetPassword(as(admin), nurse.ID, "a brand new password"))
		_, _, err = db.FindSession(ctx, token)
		wantCode(t, "session after a password reset", err, carepath.EUNAUTHORIZED)
		_, err = db.FindAPIToken(ctx, apiSecret)
		wantCode(t, "API token after a password reset", err, carepath.EUNAUTHORIZED)
		if u, _ := db.FindUserByID(system(org), nurse.ID); u.FailedSignIns != 0 || !u.ThrottledUntil.IsZero() {
			t.Errorf("after the reset: %d failures, throttled until %s", u.FailedSignIns, u.ThrottledUntil)
		}
		clk.add(time.Hour)
		in, err = signIn("nurse@example.org", "a brand new password", "192.0.2.50")
		if err != nil || !in.User.MustChangePassword {
			t.Errorf("after reset: %+v %v; want a sign-in that must change the password", in, err)
		}
		must(t, db.DisableUser(as(admin), nurse.ID))
		_, err = signIn("nurse@example.org", "a brand new password", "192.0.2.50")
		wantCode(t, "disabled user", err, carepath.EUNAUTHORIZED)

		// Every attempt is in the audit trail, with its reason.
		events, err := db.FindAuditEvents(as(admin), carepath.AuditFilter{ActorID: nurse.ID, Limit: 1000})
		must(t, err)
		var got []string
		for _, e := range events {
			got = append(got, e.Action+": "+e.Detail)
		}
		all := strings.Join(got, "\n")
		for _, want := range []string{"sign_in: from a browser not signed in on before", "sign_in: from a browser signed in on before",
			"sign_in.failed: wrong password, from a browser not signed in on before (6 in a row); the next attempt is heard at 2026-05-22T14:00:01Z",
			"sign_in.failed: throttled, from a browser not signed in on before: the next attempt is heard at",
			"sign_in.failed: wrong password, from a browser signed in on before (6 in a row)", "sign_in.failed: account disabled"} {
			if !strings.Contains(all, want) {
				t.Errorf("the audit of the nurse's sign-ins lacks %q:\n%s", want, all)
			}
		}
	})
}

// TestPasswordChangeEndsSessionsAndTokens: whoever held a session or a
// token under the old password is out after a change.
func TestPasswordChangeEndsSessionsAndTokens(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		db := e.Open(t)
		org := newOrg(t, db, "General Clinic")
		cm := addUser(t, db, org, "cm@example.org", carepath.RoleCareManager)
		ctx := context.Background()
		laptop, err := db.CreateSession(ctx, cm, "192.0.2.7", "laptop")
		must(t, err)
		stolen, err := db.CreateSession(ctx, cm, "203.0.113.9", "someone else")
		must(t, err)
		_, apiSecret, err := db.CreateAPIToken(as(cm), cm.ID, "script")
		must(t, err)
		wantCode(t, "a wrong current password", db.ChangePassword(as(cm), "not my password!", "my own new password"), carepath.EUNAUTHORIZED)
		if _, _, err := db.FindSession(ctx, stolen); err != nil {
			t.Fatalf("a refused change ended a session: %v", err)
		}
		must(t, db.ChangePassword(as(cm), "a long enough password", "my own new password"))
		for name, secret := range map[string]string{"the laptop's session": laptop, "the other session": stolen} {
			_, _, err := db.FindSession(ctx, secret)
			wantCode(t, name+" after a password change", err, carepath.EUNAUTHORIZED)
		}
		_, err = db.FindAPIToken(ctx, apiSecret)
		wantCode(t, "the API token after a password change", err, carepath.EUNAUTHORIZED)
	})
}

func TestSessions(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		db := e.Open(t)
		clk := newClock(db)
		org := newOrg(t, db, "General Clinic")
		cm := addUser(t, db, org, "cm@example.org", carepath.RoleCareManager)
		ctx := context.Background()

		token, err := db.CreateSession(ctx, cm, "192.0.2.7", "Chromium")
		must(t, err)
		s, u, err := db.FindSession(ctx, token)
		if err != nil || u.ID != cm.ID || s.IP != "192.0.2.7" {
			t.Fatalf("fresh session: %+v %+v %v", s, u, err)
		}
		for _, bad := range []string{"", "cps_", token + "x", "cpt_" + token[4:]} {
			_, _, err := db.FindSession(ctx, bad)
			wantCode(t, "token "+bad, err, carepath.EUNAUTHORIZED)
		}
		// Used every 20 minutes, it lives until its absolute timeout.
		end := clk.now().Add(carepath.SessionMaxAge)
		for clk.now().Add(20 * time.Minute).Before(end) {
			clk.add(20 * time.Minute)
			if _, _, err := db.FindSession(ctx, token); err != nil {
				t.Fatalf("at %v, used 20 minutes ago: %v", clk.now(), err)
			}
		}
		clk.add(20 * time.Minute) // 12 hours after sign-in
		_, _, err = db.FindSession(ctx, token)
		wantCode(t, "past the absolute timeout", err, carepath.EUNAUTHORIZED)

		// Idle for the idle timeout, it ends.
		token, _ = db.CreateSession(ctx, cm, "192.0.2.7", "Chromium")
		clk.add(carepath.SessionIdleTimeout - time.Second)
		if _, _, err := db.FindSession(ctx, token); err != nil {
			t.Fatalf("just inside the idle timeout: %v", err)
		}
		clk.add(carepath.SessionIdleTimeout)
		_, _, err = db.FindSession(ctx, token)
		wantCode(t, "idle", err, carepath.EUNAUTHORIZED)

		// Signed out, it ends.
		token, _ = db.CreateSession(ctx, cm, "192.0.2.7", "Chromium")
		must(t, db.RevokeSession(ctx, token))
		_, _, err = db.FindSession(ctx, token)
		wantCode(t, "revoked", err, carepath.EUNAUTHORIZED)
	})
}

func TestAPITokens(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		db := e.Open(t)
		org := newOrg(t, db, "General Clinic")
		admin := addUser(t, db, org, "admin@example.org", carepath.RoleAdministrator)
		cm := addUser(t, db, org, "cm@example.org", carepath.RoleCareManager)
		nurse := addUser(t, db, org, "nurse@example.org", carepath.RoleNurse)

		tok, secret, err := db.CreateAPIToken(system(org), cm.ID, "integration")
		must(t, err)
		if !strings.HasPrefix(secret, "cpt_") || len(secret) < 40 {
			t.Errorf("secret %q", secret)
		}
		u, err := db.FindAPIToken(context.Background(), secret)
		if err != nil || u.ID != cm.ID {
			t.Fatalf("token's user: %+v %v", u, err)
		}
		_, _, err = db.CreateAPIToken(as(nurse), cm.ID, "not mine")
		wantCode(t, "a nurse issues a token for someone else", err, carepath.ENOTFOUND)
		wantCode(t, "a nurse revokes someone else's token", db.RevokeAPIToken(as(nurse), tok.ID), carepath.ENOTFOUND)
		must(t, db.RevokeAPIToken(as(admin), tok.ID))
		_, err = db.FindAPIToken(context.Background(), secret)
		wantCode(t, "revoked token", err, carepath.EUNAUTHORIZED)

		_, secret, err = db.CreateAPIToken(as(nurse), nurse.ID, "my own")
		must(t, err)
		must(t, db.DisableUser(as(admin), nurse.ID))
		_, err = db.FindAPIToken(context.Background(), secret)
		wantCode(t, "disabled user's token", err, carepath.EUNAUTHORIZED)
	})
}

func TestAuditTrail(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		db := e.Open(t)
		org := newOrg(t, db, "General Clinic")
		other := newOrg(t, db, "Other Clinic")
		auditor := addUser(t, db, org, "auditor@example.org", carepath.RoleAuditor)
		cm := addUser(t, db, org, "cm@example.org", carepath.RoleCareManager)
		addUser(t, db, other, "admin@other.example", carepath.RoleAdministrator)

		// Concurrent requests share commits and keep one unbroken chain.
		var wg sync.WaitGroup
		for i := range 200 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := db.RecordAudit(as(cm), carepath.AuditEvent{Action: carepath.AuditPatientView,
					PatientID: fmt.Sprintf("p%d", i%7), Object: "GET /patients/p"})
				if err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		wantCode(t, "audit without an actor", db.RecordAudit(context.Background(), carepath.AuditEvent{Action: "x"}), carepath.EUNAUTHORIZED)

		_, err := db.FindAuditEvents(as(cm), carepath.AuditFilter{})
		wantCode(t, "a care manager reads the trail", err, carepath.ENOTFOUND)
		events, err := db.FindAuditEvents(as(auditor), carepath.AuditFilter{PatientID: "p3"})
		must(t, err)
		if len(events) != 29 {
			t.Errorf("%d views of p3, want 29", len(events))
		}
		for _, ev := range events {
			if ev.OrgID != org || ev.ActorID != cm.ID || ev.Actor != "cm@example.org" || ev.Source != "192.0.2.1" || ev.PatientID != "p3" {
				t.Fatalf("record %+v", ev)
			}
		}

		vs, err := db.VerifyAudit(system(""))
		must(t, err)
		if len(vs) != 2 {
			t.Fatalf("verified %d chains, want one per organization: %+v", len(vs), vs)
		}
		for _, v := range vs {
			if v.BrokenAt != 0 || v.Records != v.HeadSeq || v.Records == 0 {
				t.Errorf("chain %+v: want whole", v)
			}
		}
		// 2 user creations, 200 views, 1 read of the trail by the auditor.
		if vs[0].OrgID != org || vs[0].Records != 203 {
			t.Errorf("chain of %s: %+v, want 203 records", org, vs[0])
		}
	})
}

// TestAuditTamper: the database refuses to change the trail, and someone
// who gets past that (by dropping the guard) is found by the chain check.
func TestAuditTamper(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		dsn := e.DSN(t)
		db, err := store.Open(ctx, dsn)
		must(t, err)
		defer db.Close()
		_, err = db.Migrate(ctx)
		must(t, err)
		org := newOrg(t, db, "General Clinic")
		cm := addUser(t, db, org, "cm@example.org", carepath.RoleCareManager)
		for i := range 9 {
			must(t, db.RecordAudit(as(cm), carepath.AuditEvent{Action: carepath.AuditPatientView, PatientID: fmt.Sprint("p", i)}))
		}
		driver := "sqlite"
		if e.Name == "postgres" {
			driver = "pgx"
		}
		raw, err := sql.Open(driver, dsn)
		must(t, err)
		defer raw.Close()
		exec := func(q string) error { _, err := raw.Exec(q); return err }

		if err := exec("UPDATE audit_event SET detail = 'nothing to see' WHERE seq = 5"); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("changing an audit record: %v, want it refused as append-only", err)
		}
		if err := exec("DELETE FROM audit_event WHERE seq = 5"); err == nil {
			t.Fatal("deleting an audit record was allowed")
		}
		verify := func() carepath.AuditVerification {
			t.Helper()
			vs, err := db.VerifyAudit(system(org))
			must(t, err)
			return vs[0]
		}
		if v := verify(); v.BrokenAt != 0 || v.Records != 10 {
			t.Fatalf("untouched chain: %+v", v)
		}

		// Past the guard: a changed record, a record removed, records cut
		// from the end, each found.
		if e.Name == "postgres" {
			must(t, exec("DROP TRIGGER audit_event_append_only ON audit_event"))
		} else {
			must(t, exec("DROP TRIGGER audit_event_append_only_update"))
			must(t, exec("DROP TRIGGER audit_event_append_only_delete"))
		}
		must(t, exec("UPDATE audit_event SET patient_id = 'someone-else' WHERE seq = 5"))
		if v := verify(); v.BrokenAt != 5 || !strings.Contains(v.Problem, "changed") {
			t.Errorf("after changing record 5: %+v", v)
		}
		must(t, exec("UPDATE audit_event SET patient_id = 'p3' WHERE seq = 5"))
		if v := verify(); v.BrokenAt != 0 {
			t.Errorf("after restoring record 5: %+v", v)
		}
		must(t, exec("DELETE FROM audit_event WHERE seq = 10"))
		if v := verify(); v.BrokenAt != 10 || !strings.Contains(v.Problem, "removed from the end") {
			t.Errorf("after cutting the last record: %+v", v)
		}
		must(t, exec("DELETE FROM audit_event WHERE seq = 7"))
		if v := verify(); v.BrokenAt != 7 || !strings.Contains(v.Problem, "missing") {
			t.Errorf("after removing record 7: %+v", v)
		}
	})
}

func TestImportIsAudited(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		db := e.Open(t)
		org := newOrg(t, db, "General Clinic")
		other := newOrg(t, db, "Other Clinic")
		auditor := addUser(t, db, org, "auditor@example.org", carepath.RoleAuditor)
		cm := addUser(t, db, org, "cm@example.org", carepath.RoleCareManager)

		unit := patientUnit("p1", "Rivera", "Ana", "h1")
		_, err := db.ImportUnits(context.Background(), org, []*carepath.ImportUnit{unit})
		wantCode(t, "import without an actor", err, carepath.EUNAUTHORIZED)
		_, err = db.ImportUnits(as(auditor), org, []*carepath.ImportUnit{unit})
		wantCode(t, "import by the auditor", err, carepath.ENOTFOUND)
		_, err = db.ImportUnits(as(cm), other, []*carepath.ImportUnit{unit})
		wantCode(t, "import into another organization", err, carepath.ENOTFOUND)

		for range 2 { // the second import changes nothing and is not recorded
			res, err := db.ImportUnits(as(cm), org, []*carepath.ImportUnit{unit})
			if err != nil || res[0].Err != nil {
				t.Fatal(err, res)
			}
		}
		events, err := db.FindAuditEvents(as(auditor), carepath.AuditFilter{PatientID: "p1"})
		must(t, err)
		if len(events) != 1 || events[0].Action != carepath.AuditImport || events[0].ActorID != cm.ID ||
			events[0].Detail != "1 created, 0 updated, 0 unchanged" || events[0].Object != "test" {
			t.Errorf("audit of the import: %+v", events)
		}
	})
}

func TestPanelFiltersAndCareTeams(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		db := e.Open(t)
		org := newOrg(t, db, "Panel Clinic")
		other := newOrg(t, db, "Other Clinic")
		ana := addUser(t, db, org, "ana@example.org", carepath.RoleCareManager)
		ben := addUser(t, db, org, "ben@example.org", carepath.RoleNurse)
		auditor := addUser(t, db, org, "auditor@example.org", carepath.RoleAuditor)
		outsider := addUser(t, db, other, "cm@other.example", carepath.RoleCareManager)

		var units []*carepath.ImportUnit
		for i, birth := range []string{"1950-03-01", "1961-07-15", "1972-11-30", "1944-02-29"} {
			u := patientUnit(fmt.Sprintf("p%d", i), []string{"Rivera", "Chen", "Rivera", "Okafor"}[i], []string{"Ana", "Wei", "Luis", "Ada"}[i], "h")
			u.Resources[0].Record.(*carepath.Patient).BirthDate = birth
			units = append(units, u)
		}
		dm := &carepath.Condition{ID: "c1", PatientID: "p1", Code: carepath.Coding{System: "http://snomed.info/sct", Code: "44054006", Display: "Diabetes mellitus type 2"}}
		units = append(units, &carepath.ImportUnit{Source: "test", Resources: []carepath.ImportResource{{Type: "Condition", ID: "c1", PatientID: "p1", Hash: "c", JSON: []byte(`{}`), Record: dm}}})
		_, err := db.ImportUnits(importer(), org, units)
		must(t, err)

		must(t, db.AddCareTeamMembers(as(ana), carepath.CareTeamMember{PatientID: "p0", UserID: ana.ID},
			carepath.CareTeamMember{PatientID: "p1", UserID: ana.ID}, carepath.CareTeamMember{PatientID: "p2", UserID: ben.ID}))
		wantCode(t, "the auditor assigns", db.AddCareTeamMembers(as(auditor), carepath.CareTeamMember{PatientID: "p3", UserID: ana.ID}), carepath.ENOTFOUND)
		wantCode(t, "another tenant's user", db.AddCareTeamMembers(as(ana), carepath.CareTeamMember{PatientID: "p3", UserID: ben.ID},
			carepath.CareTeamMember{PatientID: "p3", UserID: outsider.ID}), carepath.ENOTFOUND)
		wantCode(t, "another tenant assigns ours", db.AddCareTeamMembers(as(outsider), carepath.CareTeamMember{PatientID: "p3", UserID: outsider.ID}), carepath.ENOTFOUND)
		if p, err := db.FindPatientByID(as(ana), "p3"); err != nil || len(p.CareTeam) != 0 {
			t.Errorf("a refused assignment left a member behind: %+v %v", p, err)
		}

		ids := func(f carepath.PatientFilter) string {
			t.Helper()
			ps, total, err := db.FindPatients(as(ben), f)
			must(t, err)
			var out []string
			for _, p := range ps {
				out = append(out, p.ID)
			}
			return fmt.Sprintf("%d:%s", total, strings.Join(out, ","))
		}
		for _, tc := range []struct {
			f    carepath.PatientFilter
			want string
		}{
			{carepath.PatientFilter{}, "4:p1,p3,p0,p2"},
			{carepath.PatientFilter{Query: "Rivera, L"}, "1:p2"},
			{carepath.PatientFilter{Query: "rivera"}, "2:p0,p2"},
			{carepath.PatientFilter{Query: "1961-07-15"}, "1:p1"},
			{carepath.PatientFilter{CareManagerID: ana.ID}, "2:p1,p0"},
			{carepath.PatientFilter{CareManagerID: ana.ID, Query: "rivera"}, "1:p0"},
			{carepath.PatientFilter{ConditionCode: "44054006"}, "1:p1"},
			{carepath.PatientFilter{Sort: carepath.SortByBirthDate}, "4:p3,p0,p1,p2"},
			{carepath.PatientFilter{Sort: carepath.SortByAgeDesc}, "4:p2,p1,p0,p3"},
			{carepath.PatientFilter{Sort: carepath.SortByNameDesc, Limit: 2}, "4:p2,p0"},
			{carepath.PatientFilter{Offset: 3, Limit: 2}, "4:p2"},
		} {
			if got := ids(tc.f); got != tc.want {
				t.Errorf("%+v: got %s, want %s", tc.f, got, tc.want)
			}
		}
		ps, total, err := db.FindPatients(as(outsider), carepath.PatientFilter{})
		if err != nil || total != 0 || len(ps) != 0 {
			t.Errorf("another tenant's panel: %d patients, %v", total, err)
		}
		_, err = db.FindPatientByID(as(outsider), "p0")
		wantCode(t, "another tenant's patient", err, carepath.ENOTFOUND)
		_, err = db.FindPatientByID(context.Background(), "p0")
		wantCode(t, "no actor", err, carepath.ENOTFOUND)

		p, err := db.FindPatientByID(as(ben), "p0")
		must(t, err)
		if len(p.CareTeam) != 1 || p.CareTeam[0].User.Email != "ana@example.org" || p.CareTeam[0].Role != carepath.CareTeamPrimaryCareManager {
			t.Errorf("care team of p0: %+v", p.CareTeam)
		}
		loads, err := db.FindCareManagers(as(ben))
		must(t, err)
		if len(loads) != 2 || loads[0].User.ID != ana.ID || loads[0].Patients != 2 || loads[1].Patients != 1 {
			t.Errorf("caseloads: %+v", loads)
		}

		events, err := db.FindAuditEvents(as(auditor), carepath.AuditFilter{ActorID: ben.ID, Limit: 1000})
		must(t, err)
		views, searches := 0, 0
		for _, e := range events {
			switch e.Action {
			case carepath.AuditPatientView:
				views++
				if e.PatientID != "p0" {
					t.Errorf("view of %q", e.PatientID)
				}
			case carepath.AuditPatientSearch:
				searches++
			}
		}
		if views != 1 || searches != 11 {
			t.Errorf("ben's audit: %d views, %d searches; want 1 and 11", views, searches)
		}
	})
}

// TestConcurrentChartsDoNotStarve: more charts read at once than the
// reader pool has connections, with no statement prepared yet. A read
// transaction that waited for a second connection to prepare a statement
// held its own, and with every connection so held, all waited forever.
func TestConcurrentChartsDoNotStarve(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		db := e.Open(t)
		org := newOrg(t, db, "Busy Clinic")
		cm := addUser(t, db, org, "cm@example.org", carepath.RoleCareManager)
		if _, err := db.ImportUnits(importer(), org, []*carepath.ImportUnit{patientUnit("p1", "Rivera", "Ana", "h")}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(as(cm), 20*time.Second) // a deadlock fails, not hangs
		defer cancel()
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for range 64 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := db.FindChart(ctx, "p1"); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	})
}

// TestAuditStraysAndAnchors is the security review's probe of the chain:
// a record written straight into the database after the head (hashes and
// all) is reported as not linked from the head instead of verifying as
// intact, and appends go on after it instead of failing every audited
// request; and a rewrite of the whole chain, head included, which no hash
// inside the database can show, contradicts an anchor taken before it.
func TestAuditStraysAndAnchors(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		dsn := e.DSN(t)
		db, err := store.Open(ctx, dsn)
		must(t, err)
		defer db.Close()
		_, err = db.Migrate(ctx)
		must(t, err)
		org := newOrg(t, db, "General Clinic")
		cm := addUser(t, db, org, "cm@example.org", carepath.RoleCareManager)
		for i := range 5 {
			must(t, db.RecordAudit(as(cm), carepath.AuditEvent{Action: carepath.AuditPatientView, PatientID: fmt.Sprint("p", i)}))
		}
		verify := func(anchors ...carepath.AuditAnchor) carepath.AuditVerification {
			t.Helper()
			vs, err := db.VerifyAudit(system(org), anchors...)
			must(t, err)
			return vs[0]
		}
		v := verify()
		if v.BrokenAt != 0 || db.AuditAttention(org) != "" {
			t.Fatalf("untouched chain: %+v, attention %q", v, db.AuditAttention(org))
		}
		anchor := carepath.AuditAnchor{OrgID: org, Seq: v.HeadSeq, Hash: v.HeadHash}
		if parsed, err := carepath.ParseAuditAnchor(anchor.String()); err != nil || parsed.Seq != anchor.Seq || parsed.Hash != anchor.Hash {
			t.Fatalf("the anchor %s reads back as %+v, %v", anchor, parsed, err)
		}

		driver := "sqlite"
		if e.Name == "postgres" {
			driver = "pgx"
		}
		raw, err := sql.Open(driver, dsn)
		must(t, err)
		defer raw.Close()
		insert := func(ev carepath.AuditEvent) {
			t.Helper()
			ev.Hash = ev.ChainHash()
			marks := "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
			if driver == "pgx" {
				marks = "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12"
			}
			_, err := raw.Exec(`INSERT INTO audit_event (org_id, seq, at, actor_id, actor, action, patient_id, object, source, detail, prev_hash, hash)
				VALUES (`+marks+`)`, ev.OrgID, ev.Seq, ev.At.Format(carepath.AuditTimeFormat), ev.ActorID, ev.Actor, ev.Action,
				ev.PatientID, ev.Object, ev.Source, ev.Detail, ev.PrevHash, ev.Hash)
			must(t, err)
		}
		// A record past the head, linked to it and hashed as Carepath
		// would: only the head does not know it.
		stray := carepath.AuditEvent{OrgID: org, Seq: v.HeadSeq + 1, At: time.Now().UTC().Truncate(time.Microsecond), ActorID: cm.ID, Actor: cm.Email,
			Action: carepath.AuditPatientView, PatientID: "p9", Source: "192.0.2.1", PrevHash: v.HeadHash}
		insert(stray)
		if v := verify(); v.BrokenAt != stray.Seq || v.Unlinked != 1 || !strings.Contains(v.Problem, "not linked from the chain's head") {
			t.Errorf("with a record written past the head: %+v", v)
		}
		// The server goes on recording, after it, and says so.
		for range 3 {
			if err := db.RecordAudit(as(cm), carepath.AuditEvent{Action: carepath.AuditPatientView, PatientID: "p1"}); err != nil {
				t.Fatalf("an audited request after the stray record: %v", err)
			}
		}
		if att := db.AuditAttention(org); !strings.Contains(att, "1 records after its head") {
			t.Errorf("attention: %q", att)
		}
		if v := verify(anchor); v.BrokenAt != stray.Seq || v.Unlinked != 1 || v.Records != stray.Seq+3 || v.HeadSeq != stray.Seq+3 {
			t.Errorf("after appending past the stray record: %+v", v)
		}

		// A rewrite of the whole chain, consistently (the database's
		// guards dropped, every hash recomputed, the head moved): nothing
		// in the database shows it, the anchor does.
		if e.Name == "postgres" {
			must(t, exec(raw, "DROP TRIGGER audit_event_append_only ON audit_event"))
		} else {
			must(t, exec(raw, "DROP TRIGGER audit_event_append_only_update"))
			must(t, exec(raw, "DROP TRIGGER audit_event_append_only_delete"))
		}
		must(t, exec(raw, "DELETE FROM audit_event WHERE org_id = '"+org+"'"))
		prev := carepath.AuditGenesis
		for i := int64(1); i <= 4; i++ {
			ev := carepath.AuditEvent{OrgID: org, Seq: i, At: time.Now().UTC().Truncate(time.Microsecond), ActorID: cm.ID, Actor: cm.Email,
				Action: carepath.AuditPatientView, PatientID: "someone-else", Source: "192.0.2.1", PrevHash: prev}
			insert(ev)
			prev = ev.ChainHash()
		}
		must(t, exec(raw, "UPDATE audit_head SET seq = 4, hash = '"+prev+"' WHERE org_id = '"+org+"'"))
		if v := verify(); v.BrokenAt != 0 {
			t.Fatalf("the rewritten chain holds together on its own: %+v", v)
		}
		if v := verify(anchor); v.BrokenAt != anchor.Seq || !strings.Contains(v.Problem, "rewritten") {
			t.Errorf("the anchor taken before the rewrite: %+v", v)
		}
		// The rewritten chain verified whole: the attention is over.
		if db.AuditAttention(org) != "" {
			t.Errorf("attention after a whole chain: %q", db.AuditAttention(org))
		}
	})
}

func exec(db *sql.DB, q string) error { _, err := db.Exec(q); return err }

// TestAuditFilterByPatient: the trail is found by a patient's id or by the
// start of their name, as typed, on every engine.
func TestAuditFilterByPatient(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		db := e.Open(t)
		org := newOrg(t, db, "General Clinic")
		cm := addUser(t, db, org, "cm@example.org", carepath.RoleCareManager)
		auditor := addUser(t, db, org, "auditor@example.org", carepath.RoleAuditor)
		_, err := db.ImportUnits(system(org), org, []*carepath.ImportUnit{patientUnit("p1", "Rivera", "Ana", "h1"), patientUnit("p2", "Okafor", "Ben", "h2")})
		must(t, err)
		for _, id := range []string{"p1", "p2"} {
			_, err := db.FindChart(as(cm), id)
			must(t, err)
		}
		for q, want := range map[string]string{"p1": "p1", "Rivera, A": "p1", "oka": "p2", "nobody": ""} {
			events, err := db.FindAuditEvents(as(auditor), carepath.AuditFilter{Patient: q, Newest: true, Limit: 100})
			must(t, err)
			var views []string
			for _, ev := range events {
				if ev.Action == carepath.AuditPatientView && ev.Object == "chart" {
					views = append(views, ev.PatientID)
				}
			}
			if got := strings.Join(views, " "); got != want {
				t.Errorf("the trail of patient %q: chart views of %q, want %q", q, got, want)
			}
		}
	})
}
