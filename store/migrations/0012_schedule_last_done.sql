-- A screening's schedule knows when the screening was last done (recorded
-- here or imported): its tasks say so, and the next falls due from it.
ALTER TABLE schedule ADD COLUMN last_done TEXT NOT NULL DEFAULT '';
