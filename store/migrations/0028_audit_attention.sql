-- What is wrong with an organization's audit chain, as an append found it
-- (records past its head that Carepath did not write), until a
-- verification finds the chain whole again: shown to administrators and
-- auditors and logged, while the appends go on after the strays.
ALTER TABLE audit_head ADD COLUMN attention TEXT NOT NULL DEFAULT '';
