package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"carepath"
	"carepath/password"
)

// signInRefused is the one answer to every failed sign-in, so that it does
// not tell whether an email has an account.
var signInRefused = carepath.Errorf(carepath.EUNAUTHORIZED, "The email or password is not right.")

// signInThrottled answers an attempt made before its delay has passed,
// without checking the password.
func signInThrottled(wait time.Duration) error {
	secs := int((wait + time.Second - 1) / time.Second)
	when := fmt.Sprintf("%d seconds", secs)
	switch {
	case secs == 1:
		when = "a second"
	case secs >= 90:
		when = fmt.Sprintf("%d minutes", (secs+59)/60)
	}
	return carepath.Errorf(carepath.ETHROTTLED, "Too many failed sign-ins: try again in %s. On a computer where you have signed in before, you can sign in now.", when)
}

// maxDevices bounds the device secrets one browser keeps (users sharing a
// workstation each have theirs).
const maxDevices = 5

// signInDevice is a browser a user has signed in on.
type signInDevice struct {
	secret, hash string
	notBefore    time.Time
}

// throttleMemory counts failures in a row of keys the database has no row
// for: an address, and an email with no account (throttled like an
// account, so that the answers do not tell which emails have one). It is
// this process's own: another server behind the same database keeps its
// own count. A key is forgotten an hour after its last wait ended.
type throttleMemory struct {
	mu    sync.Mutex
	keys  map[string]*throttleCount
	swept time.Time
}

type throttleCount struct {
	failures  int
	notBefore time.Time
}

// throttleForget is how long after its wait a count of failures lasts.
const throttleForget = time.Hour

// wait is how long key must still wait at now.
func (m *throttleMemory) wait(key string, now time.Time) time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	if c := m.keys[key]; c != nil && now.Before(c.notBefore) {
		return c.notBefore.Sub(now)
	}
	return 0
}

// fail counts a failure of key at now, of which free are free.
func (m *throttleMemory) fail(key string, now time.Time, free int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.keys == nil {
		m.keys = map[string]*throttleCount{}
	}
	if now.Sub(m.swept) > time.Minute { // memory stays bounded
		for k, c := range m.keys {
			if now.Sub(c.notBefore) > throttleForget {
				delete(m.keys, k)
			}
		}
		m.swept = now
	}
	c := m.keys[key]
	if c == nil || now.Sub(c.notBefore) > throttleForget {
		c = &throttleCount{}
		m.keys[key] = c
	}
	c.failures++
	c.notBefore = now.Add(carepath.SignInDelay(c.failures, free))
}

// Authenticate implements carepath.UserService. The password is checked
// outside any transaction (it takes tens of milliseconds); the counts, the
// device and the audit record are then written in one.
func (db *DB) Authenticate(ctx context.Context, in carepath.SignInAttempt) (*carepath.SignIn, error) {
	email := strings.ToLower(strings.TrimSpace(in.Email))
	now := db.Now().UTC()
	address := "address " + in.Source
	var hash string
	row := db.queryRow(ctx, "SELECT "+userColumns+", password_hash FROM app_user WHERE email = ?", email)
	u, err := scanUser(func(dest ...any) error { return row.Scan(append(dest, &hash)...) })
	if errors.Is(err, sql.ErrNoRows) {
		// No organization to audit in; throttled and timed as an account.
		if wait := max(db.signIns.wait("email "+email, now), db.signIns.wait(address, now)); wait > 0 {
			return nil, signInThrottled(wait)
		}
		password.Dummy(in.Password)
		db.signIns.fail("email "+email, now, carepath.FreeSignInFailures)
		db.signIns.fail(address, now, carepath.FreeAddressFailures)
		return nil, signInRefused
	} else if err != nil {
		return nil, err
	}
	device, err := db.knownDevice(ctx, u, in.Devices, now)
	if err != nil {
		return nil, err
	}
	attempt := carepath.AuditEvent{OrgID: u.OrgID, ActorID: u.ID, Actor: u.Email, Source: in.Source, Object: "User/" + u.ID}
	from := "a browser not signed in on before"
	var wait time.Duration
	if device != nil {
		from = "a browser signed in on before"
		wait = device.notBefore.Sub(now)
	} else {
		wait = max(u.ThrottledUntil.Sub(now), db.signIns.wait(address, now))
	}
	if wait > 0 {
		attempt.Action, attempt.Detail = carepath.AuditSignInFailed, fmt.Sprintf("throttled, from %s: the next attempt is heard at %s", from, formatTime(now.Add(wait)))
		if err := db.RunInTx(ctx, func(tx *Tx) error { return appendAudit(ctx, tx, []carepath.AuditEvent{attempt}) }); err != nil {
			return nil, err
		}
		return nil, signInThrottled(wait)
	}
	var problem string
	switch ok, rehash, err := password.Verify(in.Password, hash); {
	case u.Disabled:
		problem = "account disabled"
	case err != nil:
		return nil, fmt.Errorf("user %s: %w", u.ID, err)
	case !ok:
		problem = "wrong password"
	case rehash:
		if h, err := password.Hash(in.Password, password.Default); err == nil {
			hash = h
		}
	}
	out := &carepath.SignIn{User: u}
	err = db.RunInTx(ctx, func(tx *Tx) error {
		if problem == "" {
			attempt.Action, attempt.Detail = carepath.AuditSignIn, "from "+from
			// A good sign-in clears the count of the way it came.
			if device == nil {
				if _, err := tx.Exec(ctx, "UPDATE app_user SET failed_sign_ins = 0, throttled_until = '', password_hash = ? WHERE org_id = ? AND id = ?",
					hash, u.OrgID, u.ID); err != nil {
					return err
				}
			} else if _, err := tx.Exec(ctx, "UPDATE app_user SET password_hash = ? WHERE org_id = ? AND id = ?", hash, u.OrgID, u.ID); err != nil {
				return err
			}
			secret, err := keepDevice(ctx, tx, u, device)
			if err != nil {
				return err
			}
			out.Devices = append(out.Devices, secret)
			return appendAudit(ctx, tx, []carepath.AuditEvent{attempt})
		}
		attempt.Action, attempt.Detail = carepath.AuditSignInFailed, problem+", from "+from
		if problem == "wrong password" {
			// Counted in SQL, so that concurrent failures all count.
			var failed int
			if device != nil {
				if err := tx.queryRow(ctx, "UPDATE sign_in_device SET failed_sign_ins = failed_sign_ins + 1 WHERE token_hash = ? RETURNING failed_sign_ins",
					device.hash).Scan(&failed); err != nil {
					return err
				}
			} else if err := tx.queryRow(ctx, "UPDATE app_user SET failed_sign_ins = failed_sign_ins + 1 WHERE org_id = ? AND id = ? RETURNING failed_sign_ins",
				u.OrgID, u.ID).Scan(&failed); err != nil {
				return err
			}
			next := tx.Now.Add(carepath.SignInDelay(failed, carepath.FreeSignInFailures))
			if device != nil {
				_, err = tx.Exec(ctx, "UPDATE sign_in_device SET not_before = ? WHERE token_hash = ?", formatTime(next), device.hash)
			} else {
				_, err = tx.Exec(ctx, "UPDATE app_user SET throttled_until = ? WHERE org_id = ? AND id = ?", formatTime(next), u.OrgID, u.ID)
			}
			if err != nil {
				return err
			}
			attempt.Detail += fmt.Sprintf(" (%d in a row); the next attempt is heard at %s", failed, formatTime(next))
		}
		return appendAudit(ctx, tx, []carepath.AuditEvent{attempt})
	})
	if err != nil {
		return nil, err
	}
	if problem != "" {
		if device == nil {
			db.signIns.fail(address, now, carepath.FreeAddressFailures)
		}
		return nil, signInRefused
	}
	// The browser keeps the others' secrets too (a shared workstation).
	for _, s := range in.Devices {
		if len(out.Devices) < maxDevices && s != out.Devices[0] && strings.HasPrefix(s, "cpd_") {
			out.Devices = append(out.Devices, s)
		}
	}
	u.FailedSignIns, u.ThrottledUntil = 0, time.Time{}
	return out, nil
}

// knownDevice is the browser's device of u among the secrets it sent, live
// at now, or nil.
func (db *DB) knownDevice(ctx context.Context, u *carepath.User, secrets []string, now time.Time) (*signInDevice, error) {
	for _, secret := range secrets {
		if !strings.HasPrefix(secret, "cpd_") {
			continue
		}
		d := signInDevice{secret: secret, hash: hashSecret(secret)}
		var expires, notBefore string
		err := db.queryRow(ctx, "SELECT expires_at, not_before FROM sign_in_device WHERE token_hash = ? AND org_id = ? AND user_id = ?",
			d.hash, u.OrgID, u.ID).Scan(&expires, &notBefore)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		} else if err != nil {
			return nil, err
		}
		if now.Before(parseTime(expires)) {
			d.notBefore = parseTime(notBefore)
			return &d, nil
		}
	}
	return nil, nil
}

// keepDevice renews the device a good sign-in came from, or records the
// browser as a new one of u, and returns its secret.
func keepDevice(ctx context.Context, tx *Tx, u *carepath.User, d *signInDevice) (string, error) {
	expires := formatTime(tx.Now.Add(carepath.SignInDeviceMaxAge))
	if d != nil {
		_, err := tx.Exec(ctx, "UPDATE sign_in_device SET last_used_at = ?, expires_at = ?, failed_sign_ins = 0, not_before = '' WHERE token_hash = ?",
			formatTime(tx.Now), expires, d.hash)
		return d.secret, err
	}
	secret := newSecret("cpd_")
	_, err := tx.Exec(ctx, `INSERT INTO sign_in_device (org_id, token_hash, user_id, created_at, last_used_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
		u.OrgID, hashSecret(secret), u.ID, formatTime(tx.Now), formatTime(tx.Now), expires)
	return secret, err
}
