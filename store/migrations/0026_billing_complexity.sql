-- The month's medical decision making for a patient, recorded by the
-- billing practitioner (issue 8): complex CCM needs moderate or high.
CREATE TABLE billing_complexity (
    org_id     TEXT NOT NULL REFERENCES organization (id),
    patient_id TEXT NOT NULL,
    month      TEXT NOT NULL,
    complexity TEXT NOT NULL,
    by_id      TEXT NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (org_id, month, patient_id)
);
