-- Programs and billing (issue 8): enrollments in programs with their
-- billing practitioner, consents with their disclosures, and the time
-- logged on patients. A person's time entries do not overlap: the store
-- checks it in the transaction that adds one, under the person's lock
-- (time_lock, one row a person, updated first).
CREATE TABLE enrollment (
    org_id          TEXT NOT NULL REFERENCES organization (id),
    id              TEXT NOT NULL,
    patient_id      TEXT NOT NULL,
    program         TEXT NOT NULL,
    practitioner_id TEXT NOT NULL,
    start_day       TEXT NOT NULL,
    end_day         TEXT NOT NULL DEFAULT '',
    eligibility     TEXT NOT NULL DEFAULT '',
    end_reason      TEXT NOT NULL DEFAULT '',
    by_id           TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX enrollment_patient ON enrollment (org_id, patient_id, program, start_day);
CREATE INDEX enrollment_program ON enrollment (org_id, program, start_day);

CREATE TABLE consent (
    org_id           TEXT NOT NULL REFERENCES organization (id),
    id               TEXT NOT NULL,
    patient_id       TEXT NOT NULL,
    program          TEXT NOT NULL,
    method           TEXT NOT NULL,
    given_at         TEXT NOT NULL,
    obtained_by      TEXT NOT NULL,
    cost_sharing     INTEGER NOT NULL,
    one_practitioner INTEGER NOT NULL,
    right_to_stop    INTEGER NOT NULL,
    note             TEXT NOT NULL DEFAULT '',
    revoked_at       TEXT NOT NULL DEFAULT '',
    revoked_by       TEXT NOT NULL DEFAULT '',
    revoke_reason    TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX consent_patient ON consent (org_id, patient_id, program);

CREATE TABLE time_entry (
    org_id      TEXT NOT NULL REFERENCES organization (id),
    id          TEXT NOT NULL,
    patient_id  TEXT NOT NULL,
    program     TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    staff       TEXT NOT NULL,
    start_at    TEXT NOT NULL,
    end_at      TEXT NOT NULL,
    minutes     INTEGER NOT NULL,
    activity    TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    interactive INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX time_entry_patient ON time_entry (org_id, patient_id, start_at);
CREATE INDEX time_entry_user ON time_entry (org_id, user_id, start_at);
CREATE INDEX time_entry_month ON time_entry (org_id, start_at);

CREATE TABLE time_lock (
    org_id  TEXT NOT NULL,
    user_id TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
