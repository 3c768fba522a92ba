-- Accounts, sessions, API tokens, care teams and the audit trail.
-- Emails are unique across organizations: a person signs in with an email
-- alone and lands in their one organization.

CREATE TABLE app_user (
    org_id           TEXT NOT NULL REFERENCES organization (id),
    id               TEXT NOT NULL,
    email            TEXT NOT NULL UNIQUE, -- lower case
    name             TEXT NOT NULL DEFAULT '',
    role             TEXT NOT NULL,
    password_hash    TEXT NOT NULL,        -- argon2id, PHC string format
    password_set_at  TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    disabled         BOOLEAN NOT NULL DEFAULT FALSE,
    failed_sign_ins  INTEGER NOT NULL DEFAULT 0, -- consecutive, reset by a good sign-in
    locked_until     TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    PRIMARY KEY (org_id, id)
);

-- A signed-in browser. The token is never stored, only its SHA-256.
CREATE TABLE user_session (
    org_id        TEXT NOT NULL,
    token_hash    TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    expires_at    TEXT NOT NULL, -- the absolute timeout
    revoked_at    TEXT NOT NULL DEFAULT '',
    ip            TEXT NOT NULL DEFAULT '',
    user_agent    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (token_hash)
);
CREATE INDEX user_session_user ON user_session (org_id, user_id);

-- A bearer token for the JSON API. Stored as its SHA-256; shown once.
CREATE TABLE api_token (
    org_id       TEXT NOT NULL,
    id           TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    last_used_at TEXT NOT NULL DEFAULT '',
    revoked_at   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, id)
);

-- Who works with a patient. A care manager's caseload is the patients whose
-- care team they are on.
CREATE TABLE care_team_member (
    org_id      TEXT NOT NULL,
    patient_id  TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    role        TEXT NOT NULL,          -- e.g. primary_care_manager
    since       TEXT NOT NULL,
    PRIMARY KEY (org_id, patient_id, user_id)
);
CREATE INDEX care_team_member_user ON care_team_member (org_id, user_id, patient_id);

-- The patient panel searches by birth date too.
CREATE INDEX patient_birth_date ON patient (org_id, birth_date);

-- The audit trail: one chain per organization. Each record carries the hash
-- of the one before; audit_head holds the chain's last link, so that
-- records cut from its end are noticed too.
CREATE TABLE audit_event (
    org_id      TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    at          TEXT NOT NULL,          -- UTC, microseconds, fixed width
    actor_id    TEXT NOT NULL,          -- user id, or "system"
    actor       TEXT NOT NULL,          -- email or a description of the system actor
    action      TEXT NOT NULL,          -- e.g. patient.view, patient.search, import
    patient_id  TEXT NOT NULL DEFAULT '',
    object      TEXT NOT NULL DEFAULT '', -- what was touched, e.g. Patient/123 or a route
    source      TEXT NOT NULL DEFAULT '', -- where from: IP address, or "cli"
    detail      TEXT NOT NULL DEFAULT '',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    PRIMARY KEY (org_id, seq)
);
CREATE INDEX audit_event_patient ON audit_event (org_id, patient_id, seq);

CREATE TABLE audit_head (
    org_id  TEXT NOT NULL PRIMARY KEY,
    seq     BIGINT NOT NULL,
    hash    TEXT NOT NULL
);
