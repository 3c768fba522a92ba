-- Benchmark data for the work engine (issue 4): ten tasks per patient, one
-- in ten still open, owned by the patient's primary care manager (or, for
-- patients without one, in the care managers' queue), due within 30 days
-- either side of now, a tenth of them urgent or asap. Run with the sqlite3
-- shell on a migrated database: sqlite3 DB < scripts/seed-tasks.sql
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 9)
INSERT INTO task (org_id, id, patient_id, kind, title, status, priority, owner_id, queue, due_at, origin, reason,
                  created_at, updated_at, completed_at)
SELECT p.org_id, lower(hex(randomblob(8))), p.id,
       CASE n.i % 3 WHEN 0 THEN 'check-in' WHEN 1 THEN 'general' ELSE 'post-discharge-contact' END,
       'Benchmark task ' || n.i,
       CASE WHEN abs(random()) % 10 = 0 THEN 'accepted' ELSE 'completed' END,
       CASE abs(random()) % 20 WHEN 0 THEN 'urgent' WHEN 1 THEN 'asap' ELSE 'routine' END,
       COALESCE(m.user_id, ''), CASE WHEN m.user_id IS NULL THEN 'care_manager' ELSE '' END,
       strftime('%Y-%m-%dT%H:%M:%SZ', 'now', (abs(random()) % 5184000 - 2592000) || ' seconds'),
       'person', 'benchmark data',
       strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ''
FROM patient p CROSS JOIN n
LEFT JOIN care_team_member m ON m.org_id = p.org_id AND m.patient_id = p.id AND m.role = 'primary_care_manager';
UPDATE task SET completed_at = updated_at WHERE status = 'completed' AND completed_at = '' AND reason = 'benchmark data';
ANALYZE task;
