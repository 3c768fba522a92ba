-- Health concerns a screen proposes (a positive social-needs domain), which
-- the care manager confirms with the patient or records as declined: never
-- added to the record silently.
CREATE TABLE health_concern (
    org_id        TEXT NOT NULL REFERENCES organization (id),
    id            TEXT NOT NULL,
    patient_id    TEXT NOT NULL,
    domain        TEXT NOT NULL,            -- e.g. housing, food
    why           TEXT NOT NULL DEFAULT '', -- the answers that made it positive
    assessment_id TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'proposed', -- proposed, confirmed, declined
    decided_by    TEXT NOT NULL DEFAULT '',
    decided_at    TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX health_concern_patient ON health_concern (org_id, patient_id, domain, status);
