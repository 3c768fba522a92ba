-- Progress notes (issue 18): written from a template, signed by their
-- author and then only amended. The sections and amendments are the
-- document; who, what about, how sensitive, when, and the version are
-- columns.
CREATE TABLE note (
    org_id        TEXT NOT NULL REFERENCES organization (id),
    id            TEXT NOT NULL,
    patient_id    TEXT NOT NULL,
    template      TEXT NOT NULL,
    task_id       TEXT NOT NULL DEFAULT '',
    goal_id       TEXT NOT NULL DEFAULT '',
    transition_id TEXT NOT NULL DEFAULT '',
    contact_id    TEXT NOT NULL DEFAULT '',
    sensitive     TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL,
    author_id     TEXT NOT NULL,
    document      TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    signed_at     TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX note_patient ON note (org_id, patient_id, created_at);
