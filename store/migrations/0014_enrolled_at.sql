-- When the rules last enrolled the organization's patients in schedules,
-- so that every process that sweeps (the server, cron's carepath sweep)
-- enrolls once an interval, not once a run: the check reads every
-- caseload and matching condition (1.3 s at 100,000 patients).
ALTER TABLE organization ADD COLUMN enrolled_at TEXT NOT NULL DEFAULT '';
