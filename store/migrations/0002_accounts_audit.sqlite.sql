-- The audit trail is append-only: the database refuses to change or delete a
-- record, so that only someone who drops these triggers can, and the hash
-- chain then shows it.
CREATE TRIGGER audit_event_append_only_update BEFORE UPDATE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only');
END;
CREATE TRIGGER audit_event_append_only_delete BEFORE DELETE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only');
END;
