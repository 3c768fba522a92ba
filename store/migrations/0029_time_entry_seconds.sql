-- Time is recorded as worked, to the second (issue 16): a timer run of 6
-- seconds logged a minute, and it was billed. A month's minutes are its
-- seconds, summed and counted in whole minutes actually worked. Entries
-- so far were whole minutes.
DROP INDEX time_entry_month;
ALTER TABLE time_entry ADD COLUMN seconds INTEGER NOT NULL DEFAULT 0;
UPDATE time_entry SET seconds = minutes * 60;
ALTER TABLE time_entry DROP COLUMN minutes;
CREATE INDEX time_entry_month ON time_entry (org_id, start_at, patient_id, id, program, user_id, staff, seconds, interactive);
