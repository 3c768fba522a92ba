-- The review day a goal was last checked for (treat to target): the sweep
-- reads the active goals whose review day has come and that were not yet
-- checked for it, once each.
ALTER TABLE plan_goal ADD COLUMN reviewed_for TEXT NOT NULL DEFAULT '';
