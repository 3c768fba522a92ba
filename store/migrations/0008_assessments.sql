-- Assessments (issue 5): one instrument taken with a patient, its answers
-- and its scored result, as a QuestionnaireResponse holds them; the coded
-- observations (an item each and the total) go to the observation table,
-- where charts and the API read every other observation.
CREATE TABLE assessment (
    org_id         TEXT NOT NULL REFERENCES organization (id),
    id             TEXT NOT NULL,
    patient_id     TEXT NOT NULL,
    instrument     TEXT NOT NULL,
    version        TEXT NOT NULL,
    answered_by    TEXT NOT NULL,
    language       TEXT NOT NULL DEFAULT '',
    answers        TEXT NOT NULL, -- JSON: item code -> answer codes
    total          INTEGER,
    band           TEXT NOT NULL DEFAULT '',
    positive       INTEGER NOT NULL DEFAULT 0,
    result         TEXT NOT NULL, -- JSON: points, findings, domains, tasks
    submission_key TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE UNIQUE INDEX assessment_submission ON assessment (org_id, submission_key);
CREATE INDEX assessment_patient ON assessment (org_id, patient_id, created_at);
