package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/mail"
	"strings"
	"time"

	"carepath"
	"carepath/password"
)

// newID returns a random id: 16 characters of lower-case base32 (80 bits).
func newID() string {
	b := make([]byte, 10)
	rand.Read(b)
	return strings.ToLower(base32.StdEncoding.EncodeToString(b))
}

// newSecret returns a random secret (256 bits) for a cookie or a bearer
// token, with a prefix that says what it is.
func newSecret(prefix string) string {
	b := make([]byte, 32)
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// hashSecret is how secrets are stored: a leaked table gives no usable
// token. (They are random and long, so a fast hash is enough.)
func hashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// actorIn returns the actor of ctx, EUNAUTHORIZED without one.
func actorIn(ctx context.Context) (*carepath.Actor, error) {
	a := carepath.ActorFromContext(ctx)
	if a == nil {
		return nil, carepath.Errorf(carepath.EUNAUTHORIZED, "Please sign in.")
	}
	return a, nil
}

// adminIn returns the actor when they may manage users. Others get
// ENOTFOUND: what they may not manage, they do not see.
func adminIn(ctx context.Context) (*carepath.Actor, error) {
	a, err := actorIn(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Role().CanManageUsers() {
		return nil, carepath.Errorf(carepath.ENOTFOUND, "Not found.")
	}
	return a, nil
}

const userColumns = "org_id, id, email, name, role, disabled, must_change_password, failed_sign_ins, throttled_until, password_set_at, created_at"

func scanUser(scan func(...any) error) (*carepath.User, error) {
	var u carepath.User
	var role, throttled, pwAt, created string
	if err := scan(&u.OrgID, &u.ID, &u.Email, &u.Name, &role, &u.Disabled, &u.MustChangePassword, &u.FailedSignIns,
		&throttled, &pwAt, &created); err != nil {
		return nil, err
	}
	u.Role = carepath.Role(role)
	u.ThrottledUntil = parseTime(throttled)
	u.PasswordSetAt = parseTime(pwAt)
	u.Created = parseTime(created)
	return &u, nil
}

// parseTime reads a stored instant; "" is the zero time.
func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339, s)
	return t
}

// normalizeEmail lower-cases an address and checks its form.
func normalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.IndexByte(s, '@')+1:], ".") && !strings.HasSuffix(s, "@localhost") {
		return "", carepath.Errorf(carepath.EINVALID, "%q is not an email address.", s)
	}
	return s, nil
}

// CreateUser implements carepath.UserService.
func (db *DB) CreateUser(ctx context.Context, u *carepath.User, pw string) error {
	a, err := adminIn(ctx)
	if err != nil {
		return err
	}
	if a.User != nil || u.OrgID == "" {
		u.OrgID = a.OrgID
	}
	if u.Email, err = normalizeEmail(u.Email); err != nil {
		return err
	}
	if u.Role, err = carepath.ParseRole(string(u.Role)); err != nil {
		return err
	}
	if err := carepath.CheckPassword(pw); err != nil {
		return err
	}
	u.Name = strings.TrimSpace(u.Name)
	hash, err := password.Hash(pw, password.Default)
	if err != nil {
		return err
	}
	u.ID = newID()
	return db.RunInTx(ctx, func(tx *Tx) error {
		u.Created, u.PasswordSetAt = tx.Now, tx.Now
		_, err := tx.Exec(ctx, `INSERT INTO app_user (org_id, id, email, name, role, password_hash, must_change_password, password_set_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			u.OrgID, u.ID, u.Email, u.Name, string(u.Role), hash, u.MustChangePassword, formatTime(tx.Now), formatTime(tx.Now))
		if carepath.ErrorCode(mapError(err)) == carepath.ECONFLICT {
			return carepath.Errorf(carepath.ECONFLICT, "A user with email %s already exists.", u.Email)
		} else if err != nil {
			return err
		}
		return appendAudit(ctx, tx, []carepath.AuditEvent{withActor(carepath.AuditEvent{OrgID: u.OrgID,
			Action: carepath.AuditUserCreate, Object: "User/" + u.ID, Detail: u.Email + " as " + string(u.Role)}, a)})
	})
}

// FindUsers implements carepath.UserService.
func (db *DB) FindUsers(ctx context.Context) ([]*carepath.User, error) {
	a, err := adminIn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, "SELECT "+userColumns+" FROM app_user WHERE org_id = ? ORDER BY email", a.OrgID)
	return collect(rows, err, scanUser)
}

// FindUserByID implements carepath.UserService.
func (db *DB) FindUserByID(ctx context.Context, id string) (*carepath.User, error) {
	a, err := actorIn(ctx)
	if err != nil {
		return nil, err
	}
	return db.findUser(ctx, "org_id = ? AND id = ?", a.OrgID, id)
}

// FindUserByEmail implements carepath.UserService.
func (db *DB) FindUserByEmail(ctx context.Context, email string) (*carepath.User, error) {
	a, err := actorIn(ctx)
	if err != nil {
		return nil, err
	}
	return db.findUser(ctx, "org_id = ? AND email = ?", a.OrgID, strings.ToLower(strings.TrimSpace(email)))
}

func (db *DB) findUser(ctx context.Context, where string, args ...any) (*carepath.User, error) {
	u, err := scanUser(db.queryRow(ctx, "SELECT "+userColumns+" FROM app_user WHERE "+where, args...).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, carepath.Errorf(carepath.ENOTFOUND, "User not found.")
	}
	return u, err
}

// DisableUser implements carepath.UserService.
func (db *DB) DisableUser(ctx context.Context, id string) error {
	a, err := adminIn(ctx)
	if err != nil {
		return err
	}
	if a.User != nil && a.User.ID == id {
		// The last administrator could lock everyone out of user management.
		return carepath.Errorf(carepath.EINVALID, "You cannot disable your own account; another administrator can.")
	}
	return db.RunInTx(ctx, func(tx *Tx) error {
		if err := execFound(ctx, tx, "User not found.", "UPDATE app_user SET disabled = TRUE WHERE org_id = ? AND id = ?", a.OrgID, id); err != nil {
			return err
		}
		if err := revokeSessions(ctx, tx, a.OrgID, id); err != nil {
			return err
		}
		if err := revokeTokens(ctx, tx, a.OrgID, id); err != nil {
			return err
		}
		return appendAudit(ctx, tx, []carepath.AuditEvent{withActor(carepath.AuditEvent{
			Action: carepath.AuditUserDisable, Object: "User/" + id}, a)})
	})
}

// revokeSessions ends a user's sessions.
func revokeSessions(ctx context.Context, tx *Tx, org, userID string) error {
	_, err := tx.Exec(ctx, "UPDATE user_session SET revoked_at = ? WHERE org_id = ? AND user_id = ? AND revoked_at = ''", formatTime(tx.Now), org, userID)
	return err
}

// revokeTokens ends a user's API tokens.
func revokeTokens(ctx context.Context, tx *Tx, org, userID string) error {
	_, err := tx.Exec(ctx, "UPDATE api_token SET revoked_at = ? WHERE org_id = ? AND user_id = ? AND revoked_at = ''", formatTime(tx.Now), org, userID)
	return err
}

// ResetPassword implements carepath.UserService.
func (db *DB) ResetPassword(ctx context.Context, id, pw string) error {
	a, err := adminIn(ctx)
	if err != nil {
		return err
	}
	if err := carepath.CheckPassword(pw); err != nil {
		return err
	}
	hash, err := password.Hash(pw, password.Default)
	if err != nil {
		return err
	}
	return db.RunInTx(ctx, func(tx *Tx) error {
		if err := execFound(ctx, tx, "User not found.", `UPDATE app_user SET password_hash = ?, password_set_at = ?, must_change_password = TRUE,
			failed_sign_ins = 0, throttled_until = '' WHERE org_id = ? AND id = ?`, hash, formatTime(tx.Now), a.OrgID, id); err != nil {
			return err
		}
		if err := revokeSessions(ctx, tx, a.OrgID, id); err != nil {
			return err
		}
		if err := revokeTokens(ctx, tx, a.OrgID, id); err != nil {
			return err
		}
		return appendAudit(ctx, tx, []carepath.AuditEvent{withActor(carepath.AuditEvent{
			Action: carepath.AuditPasswordReset, Object: "User/" + id}, a)})
	})
}

// ChangePassword implements carepath.UserService.
func (db *DB) ChangePassword(ctx context.Context, current, next string) error {
	a, err := actorIn(ctx)
	if err != nil {
		return err
	}
	if a.User == nil {
		return carepath.Errorf(carepath.EINVALID, "Only a signed-in user changes their own password; use user reset-password.")
	}
	var hash string
	if err := db.queryRow(ctx, "SELECT password_hash FROM app_user WHERE org_id = ? AND id = ?", a.OrgID, a.User.ID).Scan(&hash); err != nil {
		return err
	}
	if ok, _, err := password.Verify(current, hash); err != nil || !ok {
		return carepath.Errorf(carepath.EUNAUTHORIZED, "The current password is not right.")
	}
	if err := carepath.CheckPassword(next); err != nil {
		return err
	}
	if next == current {
		return carepath.Errorf(carepath.EINVALID, "The new password must differ from the current one.")
	}
	newHash, err := password.Hash(next, password.Default)
	if err != nil {
		return err
	}
	return db.RunInTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE app_user SET password_hash = ?, password_set_at = ?, must_change_password = FALSE WHERE org_id = ? AND id = ?",
			newHash, formatTime(tx.Now), a.OrgID, a.User.ID); err != nil {
			return err
		}
		// Whoever held a session or a token under the old password is
		// out; the browser that made the change gets a new session.
		if err := revokeSessions(ctx, tx, a.OrgID, a.User.ID); err != nil {
			return err
		}
		if err := revokeTokens(ctx, tx, a.OrgID, a.User.ID); err != nil {
			return err
		}
		return appendAudit(ctx, tx, []carepath.AuditEvent{withActor(carepath.AuditEvent{
			Action: carepath.AuditPasswordChange, Object: "User/" + a.User.ID}, a)})
	})
}

// newTimeID returns an id that sorts by when it was made: 48 bits of
// Unix milliseconds and 32 random bits, in 16 characters of lower-case
// base32hex (whose alphabet sorts as its values do).
func newTimeID(at time.Time) string {
	var b [10]byte
	ms := uint64(at.UnixMilli())
	for i := 5; i >= 0; i-- {
		b[i] = byte(ms)
		ms >>= 8
	}
	rand.Read(b[6:])
	return strings.ToLower(base32.HexEncoding.EncodeToString(b[:]))
}
