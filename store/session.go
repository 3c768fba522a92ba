package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"carepath"
)

// sessionTouchEvery is how stale last_seen_at may get before a request
// writes it again: the idle timeout is measured to within this much, and a
// busy user costs one write a minute, not one per request.
const sessionTouchEvery = time.Minute

var sessionExpired = carepath.Errorf(carepath.EUNAUTHORIZED, "Your session has ended. Please sign in again.")

// CreateSession implements carepath.SessionService. The secret goes in the
// cookie; the table keeps its hash.
func (db *DB) CreateSession(ctx context.Context, u *carepath.User, ip, userAgent string) (string, error) {
	secret := newSecret("cps_")
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	err := db.RunInTx(ctx, func(tx *Tx) error {
		now := formatTime(tx.Now)
		_, err := tx.Exec(ctx, `INSERT INTO user_session (org_id, token_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, u.OrgID, hashSecret(secret), u.ID, now, now,
			formatTime(tx.Now.Add(carepath.SessionMaxAge)), ip, userAgent)
		return err
	})
	return secret, err
}

// FindSession implements carepath.SessionService.
func (db *DB) FindSession(ctx context.Context, secret string) (*carepath.Session, *carepath.User, error) {
	if !strings.HasPrefix(secret, "cps_") {
		return nil, nil, sessionExpired
	}
	key := hashSecret(secret)
	var s carepath.Session
	var created, seen, expires, revoked string
	row := db.queryRow(ctx, `SELECT s.created_at, s.last_seen_at, s.expires_at, s.revoked_at, s.ip, s.user_agent, `+
		prefixed("u.", userColumns)+` FROM user_session s JOIN app_user u ON u.org_id = s.org_id AND u.id = s.user_id
		WHERE s.token_hash = ?`, key)
	u, err := scanUser(func(dest ...any) error {
		return row.Scan(append([]any{&created, &seen, &expires, &revoked, &s.IP, &s.UserAgent}, dest...)...)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, sessionExpired
	} else if err != nil {
		return nil, nil, err
	}
	s.OrgID, s.UserID = u.OrgID, u.ID
	s.Created, s.LastSeen, s.ExpiresAt = parseTime(created), parseTime(seen), parseTime(expires)
	now := db.Now().UTC()
	if revoked != "" || u.Disabled || !now.Before(s.ExpiresAt) || now.Sub(s.LastSeen) >= carepath.SessionIdleTimeout {
		return nil, nil, sessionExpired
	}
	if now.Sub(s.LastSeen) >= sessionTouchEvery {
		err := db.RunInTx(ctx, func(tx *Tx) error {
			_, err := tx.Exec(ctx, "UPDATE user_session SET last_seen_at = ? WHERE token_hash = ?", formatTime(tx.Now), key)
			return err
		})
		if err != nil {
			return nil, nil, err
		}
		s.LastSeen = now
	}
	return &s, u, nil
}

// RevokeSession implements carepath.SessionService.
func (db *DB) RevokeSession(ctx context.Context, secret string) error {
	return db.RunInTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, "UPDATE user_session SET revoked_at = ? WHERE token_hash = ? AND revoked_at = ''",
			formatTime(tx.Now), hashSecret(secret))
		return err
	})
}

// prefixed qualifies every column of a comma-separated list.
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}

// CreateAPIToken implements carepath.TokenService.
func (db *DB) CreateAPIToken(ctx context.Context, userID, name string) (*carepath.APIToken, string, error) {
	a, err := actorIn(ctx)
	if err != nil {
		return nil, "", err
	}
	if !a.Role().CanManageUsers() && (a.User == nil || a.User.ID != userID) {
		return nil, "", carepath.Errorf(carepath.ENOTFOUND, "User not found.")
	}
	secret := newSecret("cpt_")
	t := &carepath.APIToken{ID: newID(), OrgID: a.OrgID, UserID: userID, Name: strings.TrimSpace(name)}
	err = db.RunInTx(ctx, func(tx *Tx) error {
		var disabled bool
		err := tx.queryRow(ctx, "SELECT disabled FROM app_user WHERE org_id = ? AND id = ?", a.OrgID, userID).Scan(&disabled)
		if errors.Is(err, sql.ErrNoRows) {
			return carepath.Errorf(carepath.ENOTFOUND, "User not found.")
		} else if err != nil {
			return err
		}
		if disabled {
			return carepath.Errorf(carepath.EINVALID, "The user is disabled.")
		}
		t.Created = tx.Now
		if _, err := tx.Exec(ctx, "INSERT INTO api_token (org_id, id, token_hash, user_id, name, created_at) VALUES (?, ?, ?, ?, ?, ?)",
			t.OrgID, t.ID, hashSecret(secret), userID, t.Name, formatTime(tx.Now)); err != nil {
			return err
		}
		return appendAudit(ctx, tx, []carepath.AuditEvent{withActor(carepath.AuditEvent{
			Action: carepath.AuditTokenCreate, Object: "User/" + userID, Detail: "token " + t.ID}, a)})
	})
	if err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

var tokenRefused = carepath.Errorf(carepath.EUNAUTHORIZED, "The API token is not valid.")

// FindAPIToken implements carepath.TokenService.
func (db *DB) FindAPIToken(ctx context.Context, secret string) (*carepath.User, error) {
	if !strings.HasPrefix(secret, "cpt_") {
		return nil, tokenRefused
	}
	key := hashSecret(secret)
	var id, revoked, used string
	row := db.queryRow(ctx, "SELECT t.id, t.revoked_at, t.last_used_at, "+prefixed("u.", userColumns)+
		" FROM api_token t JOIN app_user u ON u.org_id = t.org_id AND u.id = t.user_id WHERE t.token_hash = ?", key)
	u, err := scanUser(func(dest ...any) error { return row.Scan(append([]any{&id, &revoked, &used}, dest...)...) })
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tokenRefused
	} else if err != nil {
		return nil, err
	}
	if revoked != "" || u.Disabled {
		return nil, tokenRefused
	}
	if now := db.Now().UTC(); now.Sub(parseTime(used)) >= sessionTouchEvery {
		err := db.RunInTx(ctx, func(tx *Tx) error {
			_, err := tx.Exec(ctx, "UPDATE api_token SET last_used_at = ? WHERE org_id = ? AND id = ?", formatTime(tx.Now), u.OrgID, id)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return u, nil
}

// RevokeAPIToken implements carepath.TokenService.
func (db *DB) RevokeAPIToken(ctx context.Context, id string) error {
	a, err := actorIn(ctx)
	if err != nil {
		return err
	}
	return db.RunInTx(ctx, func(tx *Tx) error {
		q := "UPDATE api_token SET revoked_at = ? WHERE org_id = ? AND id = ? AND revoked_at = ''"
		args := []any{formatTime(tx.Now), a.OrgID, id}
		if !a.Role().CanManageUsers() {
			q, args = q+" AND user_id = ?", append(args, a.ActorID())
		}
		if err := execFound(ctx, tx, "Token not found.", q, args...); err != nil {
			return err
		}
		return appendAudit(ctx, tx, []carepath.AuditEvent{withActor(carepath.AuditEvent{
			Action: carepath.AuditTokenRevoke, Object: "APIToken/" + id}, a)})
	})
}
