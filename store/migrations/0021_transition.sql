-- Transitions of care (issue 7): the episode a discharge to a community
-- setting opens, one per stay. The columns are what the board and the
-- readmission watch query; doc holds the clock, the protocol band and the
-- documentation (contact, attempts, visit, complexity, the reconciliation's
-- lines and decisions, the readmission, the closing) as JSON.
CREATE TABLE transition (
    org_id        TEXT NOT NULL REFERENCES organization (id),
    id            TEXT NOT NULL,
    patient_id    TEXT NOT NULL,
    encounter_id  TEXT NOT NULL,
    status        TEXT NOT NULL,
    admitted_at   TEXT NOT NULL,
    discharged_at TEXT NOT NULL,
    band          TEXT NOT NULL,
    next_due      TEXT NOT NULL,
    period_end    TEXT NOT NULL,
    readmitted_at TEXT NOT NULL DEFAULT '',
    doc           TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    version       INTEGER NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE UNIQUE INDEX transition_stay ON transition (org_id, encounter_id);
CREATE INDEX transition_patient ON transition (org_id, patient_id, discharged_at);
CREATE INDEX transition_board ON transition (org_id, status, next_due);

-- A patient's reconciled medication lists, the latest being the current
-- one: the lines kept when a reconciliation was completed, as JSON.
CREATE TABLE medication_list (
    org_id        TEXT NOT NULL REFERENCES organization (id),
    id            TEXT NOT NULL,
    patient_id    TEXT NOT NULL,
    transition_id TEXT NOT NULL,
    reconciled_at TEXT NOT NULL,
    reconciled_by TEXT NOT NULL,
    doc           TEXT NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX medication_list_patient ON medication_list (org_id, patient_id, reconciled_at);
