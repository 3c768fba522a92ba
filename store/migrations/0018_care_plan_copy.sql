-- The patient's copies of their care plan (issue 6): which revision, when,
-- how and by whom it was given. CMS asks that the patient (or caregiver)
-- get a copy of the comprehensive plan; this is the record that they did.
CREATE TABLE care_plan_copy (
    org_id     TEXT NOT NULL REFERENCES organization (id),
    plan_id    TEXT NOT NULL,
    id         TEXT NOT NULL,
    revision   INTEGER NOT NULL,
    given_at   TEXT NOT NULL,
    given_by   TEXT NOT NULL,
    how        TEXT NOT NULL,
    language   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, plan_id, id)
);
