-- A patient's record version: every import that writes any of the
-- patient's records adds one, so that a chart read earlier can tell it is
-- still current (the server's chart cache).
ALTER TABLE patient ADD COLUMN record_version INTEGER NOT NULL DEFAULT 0;
