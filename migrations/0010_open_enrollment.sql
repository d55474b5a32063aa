-- Open enrollment: whether a visitor without an invitation may run a flow. Off for every flow, including
-- flows a blueprint created without an invitation stage; only an admin turns it on (Flows & Stages).
ALTER TABLE flows ADD COLUMN open_enrollment BIGINT NOT NULL DEFAULT 0;
