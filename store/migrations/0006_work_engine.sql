-- The work engine's state (issue 4): events waiting for the rules,
-- recurring schedules, and each organization's own holidays. Everything a
-- sweep needs to resume after a restart lives here.

-- Something that happened to a patient, for the rules. The key names the
-- occurrence: the same event twice is one row.
CREATE TABLE work_event (
    org_id       TEXT NOT NULL REFERENCES organization (id),
    event_key    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    patient_id   TEXT NOT NULL DEFAULT '',
    occurred_at  TEXT NOT NULL,
    facts        TEXT NOT NULL DEFAULT '{}',
    created_at   TEXT NOT NULL,
    processed_at TEXT NOT NULL DEFAULT '',
    result       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, event_key)
);
CREATE INDEX work_event_pending ON work_event (org_id, created_at) WHERE processed_at = '';

-- A patient's recurring check-in: occurrence seq is made when the last one
-- is closed or due; last_due is that last one's deadline.
CREATE TABLE schedule (
    org_id       TEXT NOT NULL REFERENCES organization (id),
    id           TEXT NOT NULL,
    patient_id   TEXT NOT NULL,
    rule_id      TEXT NOT NULL,
    every_days   INTEGER NOT NULL,
    status       TEXT NOT NULL DEFAULT 'active', -- active, paused, stopped
    seq          INTEGER NOT NULL DEFAULT 1,     -- the next occurrence's number
    next_due     TEXT NOT NULL,
    last_task_id TEXT NOT NULL DEFAULT '',
    last_due     TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE UNIQUE INDEX schedule_patient_rule ON schedule (org_id, patient_id, rule_id);
CREATE INDEX schedule_active ON schedule (org_id, last_due) WHERE status = 'active';

-- Days an organization closes besides the federal holidays.
CREATE TABLE org_holiday (
    org_id TEXT NOT NULL REFERENCES organization (id),
    day    TEXT NOT NULL, -- YYYY-MM-DD
    name   TEXT NOT NULL,
    PRIMARY KEY (org_id, day)
);
