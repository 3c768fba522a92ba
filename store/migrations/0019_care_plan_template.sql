-- An organization's own care plan templates, beside the built-in ones
-- (issue 6): administrators add them; the template is one JSON document.
CREATE TABLE care_plan_template (
    org_id     TEXT NOT NULL REFERENCES organization (id),
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    document   TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (org_id, id)
);
