-- The clinical record: tenants, every imported FHIR resource as sent, and the
-- typed tables that Carepath reads. org_id leads every primary key and main
-- index so that PostgreSQL can later be sharded by tenant.
-- JSONDOC is TEXT on SQLite and JSON on PostgreSQL (validated, kept byte for byte).
-- Tables are ordinary rowid tables on SQLite: rows append in insert order
-- (measured: twice as fast as WITHOUT ROWID on 10,000 patients). Records in a
-- patient's compartment are keyed (org_id, patient_id, id): one patient's
-- records, which arrive together, share a few index pages instead of each
-- landing on a random one (ids are random UUIDs). See BENCHMARKS.md.
-- Dates and date-times are ISO 8601 text (UTC, second precision for instants)
-- so that they sort correctly as text on both engines.

CREATE TABLE organization (
    id         TEXT NOT NULL PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    time_zone  TEXT NOT NULL DEFAULT 'America/New_York',
    demo       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL
);

-- Every resource an import wrote, as it was sent (compacted, with bundle-local
-- references rewritten to Type/id). A rowid table on SQLite: large values
-- belong there (measured, see docs/architecture).
CREATE TABLE fhir_resource (
    org_id        TEXT NOT NULL REFERENCES organization (id),
    resource_type TEXT NOT NULL,
    id            TEXT NOT NULL,
    patient_id    TEXT NOT NULL DEFAULT '',
    version_id    INTEGER NOT NULL DEFAULT 1,
    content_hash  TEXT NOT NULL,
    last_updated  TEXT NOT NULL,
    resource      JSONDOC NOT NULL,
    PRIMARY KEY (org_id, resource_type, id)
);

CREATE TABLE import_run (
    org_id          TEXT NOT NULL REFERENCES organization (id),
    id              TEXT NOT NULL,
    started_at      TEXT NOT NULL,
    finished_at     TEXT NOT NULL DEFAULT '',
    paths           TEXT NOT NULL,
    units_ok        INTEGER NOT NULL DEFAULT 0,
    units_failed    INTEGER NOT NULL DEFAULT 0,
    created         INTEGER NOT NULL DEFAULT 0,
    updated         INTEGER NOT NULL DEFAULT 0,
    unchanged       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE patient (
    org_id        TEXT NOT NULL REFERENCES organization (id),
    id            TEXT NOT NULL,
    mrn           TEXT NOT NULL DEFAULT '',
    family        TEXT NOT NULL DEFAULT '',
    given         TEXT NOT NULL DEFAULT '',
    name_key      TEXT NOT NULL DEFAULT '', -- lower-case "family given", for search and sort
    birth_date    TEXT NOT NULL DEFAULT '',
    sex           TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    address_line  TEXT NOT NULL DEFAULT '',
    city          TEXT NOT NULL DEFAULT '',
    state         TEXT NOT NULL DEFAULT '',
    postal_code   TEXT NOT NULL DEFAULT '',
    country       TEXT NOT NULL DEFAULT '',
    language      TEXT NOT NULL DEFAULT '',
    language_name TEXT NOT NULL DEFAULT '',
    deceased      BOOLEAN NOT NULL DEFAULT FALSE,
    deceased_at   TEXT NOT NULL DEFAULT '',
    marital       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, id)
);
CREATE INDEX patient_name ON patient (org_id, name_key);

CREATE TABLE patient_identifier (
    org_id     TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    system     TEXT NOT NULL,
    value      TEXT NOT NULL,
    type       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, patient_id, system, value)
);
CREATE INDEX patient_identifier_value ON patient_identifier (org_id, value);

CREATE TABLE related_person (
    org_id               TEXT NOT NULL,
    patient_id           TEXT NOT NULL DEFAULT '',
    id                   TEXT NOT NULL,
    name                 TEXT NOT NULL DEFAULT '',
    relationship_code    TEXT NOT NULL DEFAULT '',
    relationship_display TEXT NOT NULL DEFAULT '',
    phone                TEXT NOT NULL DEFAULT '',
    email                TEXT NOT NULL DEFAULT '',
    active               BOOLEAN NOT NULL DEFAULT TRUE,
    PRIMARY KEY (org_id, patient_id, id)
);

CREATE TABLE practitioner (
    org_id TEXT NOT NULL,
    id     TEXT NOT NULL,
    npi    TEXT NOT NULL DEFAULT '',
    name   TEXT NOT NULL DEFAULT '',
    phone  TEXT NOT NULL DEFAULT '',
    email  TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE care_organization (
    org_id  TEXT NOT NULL,
    id      TEXT NOT NULL,
    name    TEXT NOT NULL DEFAULT '',
    type    TEXT NOT NULL DEFAULT '',
    phone   TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    active  BOOLEAN NOT NULL DEFAULT TRUE,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE coverage (
    org_id         TEXT NOT NULL,
    patient_id     TEXT NOT NULL DEFAULT '',
    id             TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT '',
    type_system    TEXT NOT NULL DEFAULT '',
    type_code      TEXT NOT NULL DEFAULT '',
    type_display   TEXT NOT NULL DEFAULT '',
    payor_id       TEXT NOT NULL DEFAULT '',
    payor_name     TEXT NOT NULL DEFAULT '',
    subscriber_id  TEXT NOT NULL DEFAULT '',
    relationship   TEXT NOT NULL DEFAULT '',
    period_start   TEXT NOT NULL DEFAULT '',
    period_end     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, patient_id, id)
);

CREATE TABLE condition (
    org_id              TEXT NOT NULL,
    patient_id          TEXT NOT NULL DEFAULT '',
    id                  TEXT NOT NULL,
    encounter_id        TEXT NOT NULL DEFAULT '',
    code_system         TEXT NOT NULL DEFAULT '',
    code                TEXT NOT NULL DEFAULT '',
    display             TEXT NOT NULL DEFAULT '',
    category            TEXT NOT NULL DEFAULT '',
    clinical_status     TEXT NOT NULL DEFAULT '',
    verification_status TEXT NOT NULL DEFAULT '',
    onset               TEXT NOT NULL DEFAULT '',
    abatement           TEXT NOT NULL DEFAULT '',
    recorded            TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, patient_id, id)
);
CREATE INDEX condition_code ON condition (org_id, code);

CREATE TABLE medication (
    org_id        TEXT NOT NULL,
    patient_id    TEXT NOT NULL DEFAULT '',
    resource_type TEXT NOT NULL,
    id            TEXT NOT NULL,
    encounter_id  TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT '',
    intent        TEXT NOT NULL DEFAULT '',
    code_system   TEXT NOT NULL DEFAULT '',
    code          TEXT NOT NULL DEFAULT '',
    display       TEXT NOT NULL DEFAULT '',
    authored      TEXT NOT NULL DEFAULT '',
    requester_id  TEXT NOT NULL DEFAULT '',
    dosage        TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, patient_id, resource_type, id)
);

CREATE TABLE allergy (
    org_id              TEXT NOT NULL,
    patient_id          TEXT NOT NULL DEFAULT '',
    id                  TEXT NOT NULL,
    code_system         TEXT NOT NULL DEFAULT '',
    code                TEXT NOT NULL DEFAULT '',
    display             TEXT NOT NULL DEFAULT '',
    clinical_status     TEXT NOT NULL DEFAULT '',
    verification_status TEXT NOT NULL DEFAULT '',
    type                TEXT NOT NULL DEFAULT '',
    category            TEXT NOT NULL DEFAULT '',
    criticality         TEXT NOT NULL DEFAULT '',
    reaction            TEXT NOT NULL DEFAULT '',
    recorded            TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, patient_id, id)
);

CREATE TABLE encounter (
    org_id                        TEXT NOT NULL,
    patient_id                    TEXT NOT NULL DEFAULT '',
    id                            TEXT NOT NULL,
    status                        TEXT NOT NULL DEFAULT '',
    class                         TEXT NOT NULL DEFAULT '',
    type_system                   TEXT NOT NULL DEFAULT '',
    type_code                     TEXT NOT NULL DEFAULT '',
    type_display                  TEXT NOT NULL DEFAULT '',
    period_start                  TEXT NOT NULL DEFAULT '',
    period_end                    TEXT NOT NULL DEFAULT '',
    admit_source_code             TEXT NOT NULL DEFAULT '',
    admit_source_display          TEXT NOT NULL DEFAULT '',
    discharge_disposition_code    TEXT NOT NULL DEFAULT '',
    discharge_disposition_display TEXT NOT NULL DEFAULT '',
    reason_system                 TEXT NOT NULL DEFAULT '',
    reason_code                   TEXT NOT NULL DEFAULT '',
    reason_display                TEXT NOT NULL DEFAULT '',
    service_provider_id           TEXT NOT NULL DEFAULT '',
    service_provider_name         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, patient_id, id)
);
CREATE INDEX encounter_class ON encounter (org_id, class, period_end);

CREATE TABLE observation (
    org_id            TEXT NOT NULL,
    patient_id        TEXT NOT NULL DEFAULT '',
    id                TEXT NOT NULL,
    encounter_id      TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL DEFAULT '',
    category          TEXT NOT NULL DEFAULT '',
    code_system       TEXT NOT NULL DEFAULT '',
    code              TEXT NOT NULL DEFAULT '',
    display           TEXT NOT NULL DEFAULT '',
    effective         TEXT NOT NULL DEFAULT '',
    value_num         DOUBLE PRECISION,
    unit              TEXT NOT NULL DEFAULT '',
    value_text        TEXT NOT NULL DEFAULT '',
    value_code_system TEXT NOT NULL DEFAULT '',
    value_code        TEXT NOT NULL DEFAULT '',
    value_display     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, patient_id, id)
);
CREATE INDEX observation_patient_code ON observation (org_id, patient_id, code, effective);

CREATE TABLE observation_component (
    org_id         TEXT NOT NULL,
    patient_id     TEXT NOT NULL DEFAULT '',
    observation_id TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    code_system    TEXT NOT NULL DEFAULT '',
    code           TEXT NOT NULL DEFAULT '',
    display        TEXT NOT NULL DEFAULT '',
    value_num      DOUBLE PRECISION,
    unit           TEXT NOT NULL DEFAULT '',
    value_text     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, patient_id, observation_id, seq)
);

CREATE TABLE procedure_performed (
    org_id          TEXT NOT NULL,
    patient_id      TEXT NOT NULL DEFAULT '',
    id              TEXT NOT NULL,
    encounter_id    TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT '',
    code_system     TEXT NOT NULL DEFAULT '',
    code            TEXT NOT NULL DEFAULT '',
    display         TEXT NOT NULL DEFAULT '',
    performed_start TEXT NOT NULL DEFAULT '',
    performed_end   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, patient_id, id)
);

CREATE TABLE immunization (
    org_id       TEXT NOT NULL,
    patient_id   TEXT NOT NULL DEFAULT '',
    id           TEXT NOT NULL,
    encounter_id TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT '',
    code_system  TEXT NOT NULL DEFAULT '',
    code         TEXT NOT NULL DEFAULT '',
    display      TEXT NOT NULL DEFAULT '',
    occurrence   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, patient_id, id)
);

CREATE TABLE source_care_plan (
    org_id           TEXT NOT NULL,
    patient_id       TEXT NOT NULL DEFAULT '',
    id               TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT '',
    intent           TEXT NOT NULL DEFAULT '',
    title            TEXT NOT NULL DEFAULT '',
    category_system  TEXT NOT NULL DEFAULT '',
    category_code    TEXT NOT NULL DEFAULT '',
    category_display TEXT NOT NULL DEFAULT '',
    period_start     TEXT NOT NULL DEFAULT '',
    period_end       TEXT NOT NULL DEFAULT '',
    addresses        TEXT NOT NULL DEFAULT '', -- Condition ids, space-separated
    goal_ids         TEXT NOT NULL DEFAULT '', -- Goal ids, space-separated
    PRIMARY KEY (org_id, patient_id, id)
);

CREATE TABLE source_care_plan_activity (
    org_id       TEXT NOT NULL,
    care_plan_id TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    code_system  TEXT NOT NULL DEFAULT '',
    code         TEXT NOT NULL DEFAULT '',
    display      TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, care_plan_id, seq)
);

CREATE TABLE source_goal (
    org_id              TEXT NOT NULL,
    patient_id          TEXT NOT NULL DEFAULT '',
    id                  TEXT NOT NULL,
    lifecycle_status    TEXT NOT NULL DEFAULT '',
    achievement_status  TEXT NOT NULL DEFAULT '',
    description         TEXT NOT NULL DEFAULT '',
    priority            TEXT NOT NULL DEFAULT '',
    start_date          TEXT NOT NULL DEFAULT '',
    target_code_system  TEXT NOT NULL DEFAULT '',
    target_code         TEXT NOT NULL DEFAULT '',
    target_display      TEXT NOT NULL DEFAULT '',
    target_detail       TEXT NOT NULL DEFAULT '',
    target_due          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, patient_id, id)
);
