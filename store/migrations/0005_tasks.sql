-- The work engine's tasks and their history (issue 4).
CREATE TABLE task (
    org_id       TEXT NOT NULL REFERENCES organization (id),
    id           TEXT NOT NULL,
    patient_id   TEXT NOT NULL DEFAULT '',
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    status       TEXT NOT NULL,
    priority     TEXT NOT NULL,
    owner_id     TEXT NOT NULL DEFAULT '',
    queue        TEXT NOT NULL DEFAULT '',
    program      TEXT NOT NULL DEFAULT '',
    due_at       TEXT NOT NULL,
    not_before   TEXT NOT NULL DEFAULT '',
    origin       TEXT NOT NULL,
    created_by   TEXT NOT NULL DEFAULT '',
    rule_id      TEXT NOT NULL DEFAULT '',
    rule_version INTEGER NOT NULL DEFAULT 0,
    event_key    TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL DEFAULT '',
    facts        TEXT NOT NULL DEFAULT '{}',
    attempts     INTEGER NOT NULL DEFAULT 0,
    outcome      TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    completed_at TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (org_id, id)
);

-- Open work by owner and by queue ("my work", read per priority in
-- deadline order), and of the whole organization (the team view), in
-- deadline order. They carry the columns a worklist filters on, so that a
-- page of a caseload's 16,000 open tasks is chosen from the index alone
-- (see BENCHMARKS.md: 1.1 s with an OR and table lookups at first).
CREATE INDEX task_open_owner ON task (org_id, owner_id, priority, due_at, id, not_before, kind, program)
    WHERE status IN ('requested', 'accepted', 'in-progress', 'on-hold');
CREATE INDEX task_open_queue ON task (org_id, queue, priority, due_at, id, not_before, kind, program)
    WHERE owner_id = '' AND status IN ('requested', 'accepted', 'in-progress', 'on-hold');
CREATE INDEX task_open_due ON task (org_id, due_at, owner_id, priority, not_before, id)
    WHERE status IN ('requested', 'accepted', 'in-progress', 'on-hold');
-- A patient's tasks, and their open ones (read with every chart view: the
-- closed ones are most of a patient's tasks and are not read for it).
CREATE INDEX task_patient ON task (org_id, patient_id, due_at);
CREATE INDEX task_open_patient ON task (org_id, patient_id, due_at, priority, id)
    WHERE status IN ('requested', 'accepted', 'in-progress', 'on-hold');
-- A rule makes one task per event.
CREATE UNIQUE INDEX task_rule_event ON task (org_id, rule_id, event_key) WHERE rule_id <> '';

CREATE TABLE task_event (
    org_id     TEXT NOT NULL,
    task_id    TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    at         TEXT NOT NULL,
    actor_id   TEXT NOT NULL DEFAULT '',
    actor      TEXT NOT NULL DEFAULT '',
    action     TEXT NOT NULL,
    from_value TEXT NOT NULL DEFAULT '',
    to_value   TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, task_id, seq),
    FOREIGN KEY (org_id, task_id) REFERENCES task (org_id, id)
);
