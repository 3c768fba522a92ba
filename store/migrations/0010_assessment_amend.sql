-- An amended assessment keeps the original: the correction is a new
-- assessment that names the one it amends, and the original is marked
-- amended (its answers and result stay as they were).
ALTER TABLE assessment ADD COLUMN status TEXT NOT NULL DEFAULT 'final'; -- final, amended
ALTER TABLE assessment ADD COLUMN amends_id TEXT NOT NULL DEFAULT '';
