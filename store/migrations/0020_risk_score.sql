-- Readmission and comorbidity scores computed at a discharge (issue 7):
-- LACE, HOSPITAL, Charlson, each with the variant and version that
-- computed it and its components (points, words, facts) as JSON. A stay
-- scored again keeps one of each.
CREATE TABLE risk_score (
    org_id       TEXT NOT NULL REFERENCES organization (id),
    patient_id   TEXT NOT NULL,
    encounter_id TEXT NOT NULL,
    name         TEXT NOT NULL,
    variant      TEXT NOT NULL,
    version      TEXT NOT NULL,
    source       TEXT NOT NULL DEFAULT '',
    total        INTEGER NOT NULL,
    band         TEXT NOT NULL DEFAULT '',
    complete     INTEGER NOT NULL,
    components   TEXT NOT NULL,
    computed_at  TEXT NOT NULL,
    PRIMARY KEY (org_id, patient_id, encounter_id, name)
);
CREATE INDEX risk_score_latest ON risk_score (org_id, patient_id, name, computed_at);
