-- A generation number of what the invitee's landing page reads of an invitation (issue 13): every change
-- to invitations, the roles and groups they grant (and those roles' and groups' names), and their
-- creators' names and standing adds one, in the transaction of the change, by triggers. Each instance keeps
-- the invitations it looked up by token in memory (service::invitations::InvitationCache) and reads this
-- row with the flow definitions' generation, in one query per request, so a change made through any
-- instance (a use, an edit, a disabled link or creator) holds on every instance at its next request.
CREATE TABLE invitation_generation (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    n BIGINT NOT NULL
);
INSERT INTO invitation_generation (id, n) VALUES (1, 0);
--@sqlite CREATE TRIGGER invitation_generation_invitations_insert AFTER INSERT ON invitations BEGIN UPDATE invitation_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER invitation_generation_invitations_update AFTER UPDATE ON invitations BEGIN UPDATE invitation_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER invitation_generation_invitations_delete AFTER DELETE ON invitations BEGIN UPDATE invitation_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER invitation_generation_invitation_roles_insert AFTER INSERT ON invitation_roles BEGIN UPDATE invitation_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER invitation_generation_invitation_roles_update AFTER UPDATE ON invitation_roles BEGIN UPDATE invitation_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER invitation_generation_invitation_roles_delete AFTER DELETE ON invitation_roles BEGIN UPDATE invitation_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER invitation_generation_invitation_groups_insert AFTER INSERT ON invitation_groups BEGIN UPDATE invitation_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER invitation_generation_invitation_groups_update AFTER UPDATE ON invitation_groups BEGIN UPDATE invitation_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER invitation_generation_invitation_groups_delete AFTER DELETE ON invitation_groups BEGIN UPDATE invitation_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER invitation_generation_directory_roles_update AFTER UPDATE OF name ON directory_roles BEGIN UPDATE invitation_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER invitation_generation_directory_roles_delete AFTER DELETE ON directory_roles BEGIN UPDATE invitation_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER invitation_generation_directory_groups_update AFTER UPDATE OF name ON directory_groups BEGIN UPDATE invitation_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER invitation_generation_directory_groups_delete AFTER DELETE ON directory_groups BEGIN UPDATE invitation_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER invitation_generation_users_update AFTER UPDATE OF name, username, is_active ON users BEGIN UPDATE invitation_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER invitation_generation_users_delete AFTER DELETE ON users BEGIN UPDATE invitation_generation SET n = n + 1 WHERE id = 1; END;
-- PostgreSQL: one statement-level trigger per table (a bulk change adds one once).
--@postgres CREATE FUNCTION invitation_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
--@postgres BEGIN
--@postgres     UPDATE invitation_generation SET n = n + 1 WHERE id = 1;
--@postgres     RETURN NULL;
--@postgres END $$;
--@postgres CREATE TRIGGER invitation_generation_invitations AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON invitations
--@postgres     FOR EACH STATEMENT EXECUTE FUNCTION invitation_generation_bump();
--@postgres CREATE TRIGGER invitation_generation_invitation_roles AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON invitation_roles
--@postgres     FOR EACH STATEMENT EXECUTE FUNCTION invitation_generation_bump();
--@postgres CREATE TRIGGER invitation_generation_invitation_groups AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON invitation_groups
--@postgres     FOR EACH STATEMENT EXECUTE FUNCTION invitation_generation_bump();
--@postgres CREATE TRIGGER invitation_generation_directory_roles AFTER UPDATE OF name OR DELETE OR TRUNCATE ON directory_roles
--@postgres     FOR EACH STATEMENT EXECUTE FUNCTION invitation_generation_bump();
--@postgres CREATE TRIGGER invitation_generation_directory_groups AFTER UPDATE OF name OR DELETE OR TRUNCATE ON directory_groups
--@postgres     FOR EACH STATEMENT EXECUTE FUNCTION invitation_generation_bump();
--@postgres CREATE TRIGGER invitation_generation_users AFTER UPDATE OF name, username, is_active OR DELETE OR TRUNCATE ON users
--@postgres     FOR EACH STATEMENT EXECUTE FUNCTION invitation_generation_bump();
