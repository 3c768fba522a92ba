-- When a schedule makes its next occurrence: at the last one's deadline,
-- or at once when the last one closes (set in the closing transaction).
-- The sweep then finds due schedules in one range of schedule_fire instead
-- of checking every schedule's last task each time (measured: 66 ms per
-- batch of 500 at 4,725 schedules and 1,000,000 tasks).
ALTER TABLE schedule ADD COLUMN fire_at TEXT NOT NULL DEFAULT '';
UPDATE schedule SET fire_at = last_due
WHERE last_task_id <> '' AND EXISTS (SELECT 1 FROM task t WHERE t.org_id = schedule.org_id AND t.id = schedule.last_task_id
    AND t.status IN ('requested', 'accepted', 'in-progress', 'on-hold'));
DROP INDEX schedule_active;
CREATE INDEX schedule_fire ON schedule (org_id, fire_at, id) WHERE status = 'active';
-- A closing task finds its schedule.
CREATE INDEX schedule_last_task ON schedule (org_id, last_task_id);
