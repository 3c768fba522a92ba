-- Living care plans (issue 6): one per patient. The plan's content
-- (problems, goals, interventions, the narrative elements) is one JSON
-- document, written whole at each change as the next revision; every
-- revision keeps its document, so that any two can be compared.
CREATE TABLE care_plan (
    org_id          TEXT NOT NULL REFERENCES organization (id),
    id              TEXT NOT NULL,
    patient_id      TEXT NOT NULL,
    status          TEXT NOT NULL,
    revision        INTEGER NOT NULL,
    document        TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    signed_by       TEXT NOT NULL DEFAULT '',
    signed_at       TEXT NOT NULL DEFAULT '',
    signed_revision INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, id)
);
CREATE UNIQUE INDEX care_plan_patient ON care_plan (org_id, patient_id);

CREATE TABLE care_plan_revision (
    org_id      TEXT NOT NULL REFERENCES organization (id),
    plan_id     TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    why         TEXT NOT NULL,
    substantial INTEGER NOT NULL DEFAULT 0,
    document    TEXT NOT NULL,
    PRIMARY KEY (org_id, plan_id, revision)
);

-- The goals of the current plans, rewritten with each revision: a goal is
-- found by its id (PATCH /api/v1/goals/{id}), and the treat-to-target
-- sweep reads the active ones whose review day has come.
CREATE TABLE plan_goal (
    org_id         TEXT NOT NULL REFERENCES organization (id),
    id             TEXT NOT NULL,
    plan_id        TEXT NOT NULL,
    patient_id     TEXT NOT NULL,
    status         TEXT NOT NULL,
    review_by      TEXT NOT NULL DEFAULT '',
    responsible_id TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, id)
);
CREATE INDEX plan_goal_plan ON plan_goal (org_id, plan_id);
CREATE INDEX plan_goal_review ON plan_goal (org_id, review_by) WHERE status = 'active';
