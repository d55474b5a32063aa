-- How many invitations exist, kept by triggers in the transaction of every insert and delete
-- (cascades included), so the unfiltered list's count (DRF's `count`, the dashboard's pages) reads one
-- row instead of counting 100,000 (an exact COUNT(*) costs PostgreSQL 20-30 ms there).
CREATE TABLE invitation_count (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    n BIGINT NOT NULL
);
INSERT INTO invitation_count (id, n) SELECT 1, COUNT(*) FROM invitations;
--@sqlite CREATE TRIGGER invitation_count_insert AFTER INSERT ON invitations BEGIN
--@sqlite     UPDATE invitation_count SET n = n + 1 WHERE id = 1;
--@sqlite END;
--@sqlite CREATE TRIGGER invitation_count_delete AFTER DELETE ON invitations BEGIN
--@sqlite     UPDATE invitation_count SET n = n - 1 WHERE id = 1;
--@sqlite END;
-- PostgreSQL: one statement-level trigger per operation adds the statement's row count (a bulk delete
-- or a cascade updates the counter once, not once per row). TRUNCATE resets it.
--@postgres CREATE FUNCTION invitation_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
--@postgres BEGIN
--@postgres     UPDATE invitation_count SET n = n + (SELECT COUNT(*) FROM new_rows) WHERE id = 1;
--@postgres     RETURN NULL;
--@postgres END $$;
--@postgres CREATE FUNCTION invitation_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
--@postgres BEGIN
--@postgres     UPDATE invitation_count SET n = n - (SELECT COUNT(*) FROM old_rows) WHERE id = 1;
--@postgres     RETURN NULL;
--@postgres END $$;
--@postgres CREATE FUNCTION invitation_count_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
--@postgres BEGIN
--@postgres     UPDATE invitation_count SET n = 0 WHERE id = 1;
--@postgres     RETURN NULL;
--@postgres END $$;
--@postgres CREATE TRIGGER invitation_count_insert AFTER INSERT ON invitations
--@postgres     REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION invitation_count_insert();
--@postgres CREATE TRIGGER invitation_count_delete AFTER DELETE ON invitations
--@postgres     REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION invitation_count_delete();
--@postgres CREATE TRIGGER invitation_count_truncate AFTER TRUNCATE ON invitations
--@postgres     FOR EACH STATEMENT EXECUTE FUNCTION invitation_count_truncate();
