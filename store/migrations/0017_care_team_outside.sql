-- The care team's members from outside the organization (issue 6): the
-- patient's PCP, specialists, pharmacist, therapist, home health, community
-- organizations and family caregivers, with how to reach them. The staff
-- of the organization stay in care_team_member.
CREATE TABLE care_team_outside (
    org_id       TEXT NOT NULL REFERENCES organization (id),
    patient_id   TEXT NOT NULL,
    id           TEXT NOT NULL,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL,
    organization TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, patient_id, id)
);
