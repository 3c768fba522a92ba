-- A browser where a user has signed in (OWASP's device cookies). Sign-in
-- attempts that present it are throttled on their own (failed_sign_ins,
-- not_before), so that failures from elsewhere slow an account down
-- everywhere but on the browsers its user works at. The secret lives in
-- the browser's cookie; only its SHA-256 is kept.
CREATE TABLE sign_in_device (
    org_id          TEXT NOT NULL,
    token_hash      TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    last_used_at    TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    failed_sign_ins INTEGER NOT NULL DEFAULT 0,
    not_before      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (token_hash)
);
CREATE INDEX sign_in_device_user ON sign_in_device (org_id, user_id);

-- Failed sign-ins slow an account down; they no longer lock it.
ALTER TABLE app_user RENAME COLUMN locked_until TO throttled_until;
