-- Benchmark data for the month's close (issue 8): every living patient of
-- the demo enrolled in CCM since 1 September 2026, billed by the demo's
-- physician, with a written consent (every tenth patient without one), and
-- 15 time entries each in October 2026 (1,500,000 at 100,000 patients) of
-- 2 to 5 minutes, by 2,000 clinical staff whose entries never overlap (each
-- person's 750 entries 50 minutes apart). Run with the sqlite3 shell on the
-- demo database: sqlite3 DB < scripts/seed-billing.sql
BEGIN;
CREATE TEMP TABLE bench_patient AS
  SELECT org_id, id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS i FROM patient WHERE NOT deceased;
INSERT INTO enrollment (org_id, id, patient_id, program, practitioner_id, start_day, eligibility, by_id, created_at)
  SELECT b.org_id, 'bench-e-' || b.i, b.id, 'CCM', u.id, '2026-09-01', 'benchmark', u.id, '2026-09-01T12:00:00Z'
  FROM bench_patient b JOIN app_user u ON u.org_id = b.org_id AND u.email = 'physician@demo.carepath.example';
INSERT INTO consent (org_id, id, patient_id, program, method, given_at, obtained_by, cost_sharing, one_practitioner, right_to_stop, created_at)
  SELECT b.org_id, 'bench-c-' || b.i, b.id, 'CCM', 'written', '2026-09-01T12:00:00Z', 'bench', 1, 1, 1, '2026-09-01T12:00:00Z'
  FROM bench_patient b WHERE b.i % 10 <> 0;
WITH RECURSIVE n(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM n WHERE j < 14)
INSERT INTO time_entry (org_id, id, patient_id, program, user_id, staff, start_at, end_at, seconds, activity, note, interactive, created_at)
  SELECT b.org_id, 'bench-t-' || b.i || '-' || n.j, b.id, 'CCM', 'bench-staff-' || (b.i % 2000), 'clinical staff',
    strftime('%Y-%m-%dT%H:%M:%SZ', '2026-10-01 12:00:00', '+' || (((b.i / 2000) * 15 + n.j) * 50) || ' minutes'),
    strftime('%Y-%m-%dT%H:%M:%SZ', '2026-10-01 12:00:00', '+' || (((b.i / 2000) * 15 + n.j) * 50 + 2 + (b.i + n.j) % 4) || ' minutes'),
    60 * (2 + (b.i + n.j) % 4), 'call with patient', 'benchmark entry', 0, '2026-10-31T20:00:00Z'
  FROM bench_patient b CROSS JOIN n;
COMMIT;
