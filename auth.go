package carepath

import (
	"context"
	"strings"
	"time"
)

// Role is what a user does in their organization. It decides what they may
// see and change; see the Can* methods.
type Role string

const (
	RoleAdministrator    Role = "administrator"
	RoleSupervisor       Role = "supervisor"
	RoleCareManager      Role = "care_manager"
	RoleNurse            Role = "nurse"
	RoleSocialWorker     Role = "social_worker"
	RoleBehavioralHealth Role = "behavioral_health_care_manager"
	RolePhysician        Role = "physician" // physician or other billing practitioner
	RolePharmacist       Role = "pharmacist"
	RoleAuditor          Role = "auditor" // reads everything, changes nothing
)

// Roles lists every role, in the order screens show them.
var Roles = []Role{RoleAdministrator, RoleSupervisor, RoleCareManager, RoleNurse, RoleSocialWorker,
	RoleBehavioralHealth, RolePhysician, RolePharmacist, RoleAuditor}

var roleLabels = map[Role]string{
	RoleAdministrator:    "Administrator",
	RoleSupervisor:       "Supervisor",
	RoleCareManager:      "Care manager",
	RoleNurse:            "Nurse",
	RoleSocialWorker:     "Social worker",
	RoleBehavioralHealth: "Behavioral health care manager",
	RolePhysician:        "Physician / billing practitioner",
	RolePharmacist:       "Pharmacist",
	RoleAuditor:          "Auditor (read-only)",
}

// ParseRole accepts a role's name ("care_manager") or label ("Care
// manager"), in any case, with hyphens or spaces for underscores. EINVALID
// names the valid roles.
func ParseRole(s string) (Role, error) {
	norm := strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToLower(strings.TrimSpace(s)))
	for _, r := range Roles {
		if norm == string(r) || strings.EqualFold(s, roleLabels[r]) {
			return r, nil
		}
	}
	names := make([]string, len(Roles))
	for i, r := range Roles {
		names[i] = string(r)
	}
	return "", Errorf(EINVALID, "Unknown role %q: use one of %s.", s, strings.Join(names, ", "))
}

// Label is the role's name for people.
func (r Role) Label() string { return roleLabels[r] }

// CanManageUsers: only administrators add, disable and reset users.
func (r Role) CanManageUsers() bool { return r == RoleAdministrator }

// CanWriteClinical: everyone but the auditor may change patient data (each
// feature may narrow this further).
func (r Role) CanWriteClinical() bool { return r != RoleAuditor && r != "" }

// CanReadAudit: auditors and administrators read the audit trail.
func (r Role) CanReadAudit() bool { return r == RoleAuditor || r == RoleAdministrator }

// HasCaseload: the roles whose default view of patients is their own
// caseload, the patients whose care team they are on.
func (r Role) HasCaseload() bool {
	switch r {
	case RoleCareManager, RoleNurse, RoleSocialWorker, RoleBehavioralHealth:
		return true
	}
	return false
}

// User is a member of an organization's staff who signs in.
type User struct {
	ID    string
	OrgID string
	Email string // lower case; unique across organizations
	Name  string
	Role  Role

	Disabled           bool
	MustChangePassword bool // set by an administrator's reset
	// FailedSignIns counts the failures in a row from browsers the user
	// has not signed in on before; ThrottledUntil is when the next such
	// attempt will be heard (SignInDelay).
	FailedSignIns  int
	ThrottledUntil time.Time
	PasswordSetAt  time.Time
	Created        time.Time
}

// Label names the user for screens and the audit trail.
func (u *User) Label() string {
	if u.Name != "" {
		return u.Name
	}
	return u.Email
}

// Sign-in policy.
//
// Failed sign-ins slow the next attempts down; they never lock an account.
// Three counts of failures in a row are kept: of an account from browsers
// it has not signed in on, of an account from one browser it has signed in
// on (its device cookie, OWASP's "slow brute force protection with device
// cookies"), and of an address from browsers without such a cookie. Each
// count past its free failures delays the next attempt it covers
// (SignInDelay). So a script guessing a nurse's password from elsewhere
// slows the guessing down to a trickle, but not the nurse at her usual
// workstation, and a throttled clinic address does not refuse the staff
// who have signed in there before.
const (
	// FreeSignInFailures is how many failures in a row an account (or
	// one of its browsers) has before attempts slow down;
	// FreeAddressFailures the same for an address, shared by a clinic's
	// staff behind one router.
	FreeSignInFailures  = 5
	FreeAddressFailures = 20
	// MaxSignInDelay is the longest wait between attempts: the delay
	// doubles from 1 second up to it.
	MaxSignInDelay = 15 * time.Minute
	// SignInDeviceMaxAge is how long a browser stays known after its
	// last good sign-in.
	SignInDeviceMaxAge = 90 * 24 * time.Hour
	// MinPasswordLength follows NIST SP 800-63B for user-chosen passwords.
	MinPasswordLength = 12
	// SessionIdleTimeout ends a session nobody has used for that long;
	// SessionMaxAge ends any session, used or not.
	SessionIdleTimeout = 30 * time.Minute
	SessionMaxAge      = 12 * time.Hour
)

// CheckPassword returns EINVALID when a new password breaks the policy.
func CheckPassword(pw string) error {
	if n := len([]rune(pw)); n < MinPasswordLength {
		return Errorf(EINVALID, "A password needs at least %d characters (this one has %d).", MinPasswordLength, n)
	}
	if len(pw) > 256 {
		return Errorf(EINVALID, "A password may have at most 256 bytes.")
	}
	return nil
}

// SignInDelay is how long the next attempt waits after failures in a row
// of which free are free: none up to free, then 1 second, doubling with
// each further failure, up to MaxSignInDelay.
func SignInDelay(failures, free int) time.Duration {
	over := failures - free
	if over <= 0 {
		return 0
	}
	if over > 20 {
		return MaxSignInDelay
	}
	return min(time.Second<<(over-1), MaxSignInDelay)
}

// SignInAttempt is one try at signing in.
type SignInAttempt struct {
	Email, Password string
	Source          string // the client's address
	// Devices are the device secrets the browser holds from good
	// sign-ins on it (its cookie; a shared workstation holds several).
	Devices []string
}

// SignIn is a good sign-in: the user, and the browser's device secrets
// to keep (the user's own first, new or renewed).
type SignIn struct {
	User    *User
	Devices []string
}

// Session is a signed-in browser.
type Session struct {
	OrgID     string
	UserID    string
	Created   time.Time
	LastSeen  time.Time
	ExpiresAt time.Time // the absolute timeout
	IP        string
	UserAgent string
}

// APIToken is a bearer token for the JSON API, shown once at creation and
// stored only as a hash.
type APIToken struct {
	ID      string
	OrgID   string
	UserID  string
	Name    string
	Created time.Time
}

// Actor is who performs a service call: a signed-in user, or the system (the
// command line, an import, a scheduled job) on an operator's behalf.
type Actor struct {
	User *User // nil for the system
	// System describes a system actor, e.g. "cli: carepath user add (root)".
	System string
	// OrgID is the organization the actor works in; for a user, theirs.
	OrgID string
	// Source is where the request came from: an IP address, or "cli".
	Source string
}

// ActorID is the user's id, or "system".
func (a *Actor) ActorID() string {
	if a.User != nil {
		return a.User.ID
	}
	return "system"
}

// Label is who a history says acted: the user's name, or the actor's (a
// rule, the sweep).
func (a *Actor) Label() string {
	if a.User != nil && a.User.Name != "" {
		return a.User.Name
	}
	return a.Name()
}

// Name is how the audit trail names the actor.
func (a *Actor) Name() string {
	if a.User != nil {
		return a.User.Email
	}
	return a.System
}

// Role is the user's role; the system acts with an administrator's rights.
func (a *Actor) Role() Role {
	if a.User != nil {
		return a.User.Role
	}
	return RoleAdministrator
}

type actorKey struct{}

// NewContextWithActor returns ctx carrying the actor every service call made
// with it is authorized and audited as.
func NewContextWithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFromContext returns the actor ctx carries, or nil.
func ActorFromContext(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey{}).(*Actor)
	return a
}

// SystemActor is the actor of the command line and of background work in an
// organization.
func SystemActor(orgID, what, source string) *Actor {
	return &Actor{System: what, OrgID: orgID, Source: source}
}

// UserService manages staff accounts and signs them in.
type UserService interface {
	// CreateUser adds a user to the actor's organization (the system actor
	// may name any organization in u.OrgID). Only administrators may. With
	// u.MustChangePassword the password is a temporary one, to be replaced
	// at the first sign-in.
	// EINVALID for a bad email, role or password; ECONFLICT if the email is
	// taken.
	CreateUser(ctx context.Context, u *User, password string) error
	// FindUsers lists the users of the actor's organization, by email.
	// Administrators only.
	FindUsers(ctx context.Context) ([]*User, error)
	// FindUserByID returns a user of the actor's organization, or ENOTFOUND.
	FindUserByID(ctx context.Context, id string) (*User, error)
	// FindUserByEmail returns a user of the actor's organization, or ENOTFOUND.
	FindUserByEmail(ctx context.Context, email string) (*User, error)
	// DisableUser disables a user of the actor's organization and revokes
	// their sessions and tokens. Administrators only.
	DisableUser(ctx context.Context, id string) error
	// ResetPassword sets a new password for a user of the actor's
	// organization (who must then change it), clears their failed
	// sign-ins, and ends their sessions and API tokens. Administrators
	// only.
	ResetPassword(ctx context.Context, id, password string) error
	// ChangePassword sets the signed-in user's own password, checking the
	// current one (EUNAUTHORIZED if wrong) and the policy (EINVALID),
	// clears an administrator's must-change flag, and ends every session
	// and API token of the user: whoever else held one is out (the caller
	// starts a new session for the browser that made the change).
	ChangePassword(ctx context.Context, current, next string) error
	// Authenticate checks an email and password. It returns EUNAUTHORIZED
	// with one message for every failure (unknown email, wrong password,
	// disabled), and ETHROTTLED, without checking the password, for an
	// attempt that comes before its delay has passed (see the sign-in
	// policy); unknown emails are throttled alike, so that the answers do
	// not tell which emails have accounts. Every attempt of an account is
	// audited.
	Authenticate(ctx context.Context, a SignInAttempt) (*SignIn, error)
}

// SessionService keeps signed-in sessions on the server.
type SessionService interface {
	// CreateSession starts a session for the user and returns its secret
	// token (for the cookie); only its hash is stored.
	CreateSession(ctx context.Context, u *User, ip, userAgent string) (token string, err error)
	// FindSession returns the live session for a token and its user,
	// marking it used; EUNAUTHORIZED when it is unknown, revoked, idle past
	// SessionIdleTimeout, past SessionMaxAge, or its user is disabled.
	FindSession(ctx context.Context, token string) (*Session, *User, error)
	// RevokeSession ends a session (sign-out).
	RevokeSession(ctx context.Context, token string) error
}

// TokenService issues API bearer tokens.
type TokenService interface {
	// CreateAPIToken issues a token for a user of the actor's organization
	// and returns its secret, shown once. Administrators, or the user.
	CreateAPIToken(ctx context.Context, userID, name string) (*APIToken, string, error)
	// FindAPIToken returns the user of a live token, marking it used;
	// EUNAUTHORIZED otherwise.
	FindAPIToken(ctx context.Context, secret string) (*User, error)
	// RevokeAPIToken revokes a token of the actor's organization.
	RevokeAPIToken(ctx context.Context, id string) error
}
