-- An assessment begun and saved for later (a call cut short): one draft per
-- patient, instrument and staff member, gone once the assessment is saved.
CREATE TABLE assessment_draft (
    org_id      TEXT NOT NULL REFERENCES organization (id),
    patient_id  TEXT NOT NULL,
    instrument  TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    answered_by TEXT NOT NULL DEFAULT '',
    language    TEXT NOT NULL DEFAULT '',
    answers     TEXT NOT NULL, -- JSON: item code -> answer codes
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (org_id, patient_id, instrument, user_id)
);
