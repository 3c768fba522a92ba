-- The communication log (issue 18): every contact about a patient, with
-- whom, how, when, how long, how it ended, what it was about, and the
-- program time it logged (time_entry_id, '' for none).
CREATE TABLE contact (
    org_id        TEXT NOT NULL REFERENCES organization (id),
    id            TEXT NOT NULL,
    patient_id    TEXT NOT NULL,
    channel       TEXT NOT NULL,
    direction     TEXT NOT NULL,
    party         TEXT NOT NULL,
    party_id      TEXT NOT NULL DEFAULT '',
    party_name    TEXT NOT NULL DEFAULT '',
    at            TEXT NOT NULL,
    seconds       INTEGER NOT NULL DEFAULT 0,
    outcome       TEXT NOT NULL,
    interactive   INTEGER NOT NULL DEFAULT 0,
    task_id       TEXT NOT NULL DEFAULT '',
    goal_id       TEXT NOT NULL DEFAULT '',
    transition_id TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    program       TEXT NOT NULL DEFAULT '',
    time_entry_id TEXT NOT NULL DEFAULT '',
    by_id         TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX contact_patient ON contact (org_id, patient_id, at);
