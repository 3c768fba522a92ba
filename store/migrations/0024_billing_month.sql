-- A month's close (issue 8): the lines and reasons frozen when a month is
-- closed, the practitioners' sign-offs, and the closed months. Entries
-- logged after the close are shown as adjustments, computed against the
-- frozen lines.
CREATE TABLE billing_month (
    org_id    TEXT NOT NULL REFERENCES organization (id),
    month     TEXT NOT NULL,
    closed_at TEXT NOT NULL,
    closed_by TEXT NOT NULL,
    patients  INTEGER NOT NULL,
    lines     INTEGER NOT NULL,
    PRIMARY KEY (org_id, month)
);

CREATE TABLE billing_line (
    org_id          TEXT NOT NULL REFERENCES organization (id),
    month           TEXT NOT NULL,
    patient_id      TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    billed          INTEGER NOT NULL, -- 1 a line, 0 a reason it is not billed
    kind            TEXT NOT NULL,    -- a reason's kind (consent, threshold...); '' for a line
    program         TEXT NOT NULL,
    code            TEXT NOT NULL,
    units           INTEGER NOT NULL,
    practitioner_id TEXT NOT NULL,
    minutes         INTEGER NOT NULL,
    entries         TEXT NOT NULL, -- JSON list of time entry or transition ids
    why             TEXT NOT NULL,
    source          TEXT NOT NULL,
    PRIMARY KEY (org_id, month, patient_id, seq)
);

CREATE TABLE billing_signoff (
    org_id          TEXT NOT NULL REFERENCES organization (id),
    month           TEXT NOT NULL,
    practitioner_id TEXT NOT NULL,
    signed_at       TEXT NOT NULL,
    PRIMARY KEY (org_id, month, practitioner_id)
);
