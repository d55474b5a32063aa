-- A generation number of the flow definitions (issue 13): every insert, update or delete on flows,
-- stages, their bindings, policies or policy bindings adds one, in the transaction of the change, by
-- triggers. Each instance keeps the flows (with stages and policies) it loaded in memory
-- (service::flows::FlowCache) and reads this one row per request to know whether they are still
-- current, so a change made through any instance reaches every instance at its next request.
CREATE TABLE flow_generation (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    n BIGINT NOT NULL
);
INSERT INTO flow_generation (id, n) VALUES (1, 0);
--@sqlite CREATE TRIGGER flow_generation_flows_insert AFTER INSERT ON flows BEGIN UPDATE flow_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER flow_generation_flows_update AFTER UPDATE ON flows BEGIN UPDATE flow_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER flow_generation_flows_delete AFTER DELETE ON flows BEGIN UPDATE flow_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER flow_generation_stages_insert AFTER INSERT ON stages BEGIN UPDATE flow_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER flow_generation_stages_update AFTER UPDATE ON stages BEGIN UPDATE flow_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER flow_generation_stages_delete AFTER DELETE ON stages BEGIN UPDATE flow_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER flow_generation_bindings_insert AFTER INSERT ON flow_stage_bindings BEGIN UPDATE flow_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER flow_generation_bindings_update AFTER UPDATE ON flow_stage_bindings BEGIN UPDATE flow_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER flow_generation_bindings_delete AFTER DELETE ON flow_stage_bindings BEGIN UPDATE flow_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER flow_generation_policies_insert AFTER INSERT ON policies BEGIN UPDATE flow_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER flow_generation_policies_update AFTER UPDATE ON policies BEGIN UPDATE flow_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER flow_generation_policies_delete AFTER DELETE ON policies BEGIN UPDATE flow_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER flow_generation_policy_bindings_insert AFTER INSERT ON policy_bindings BEGIN UPDATE flow_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER flow_generation_policy_bindings_update AFTER UPDATE ON policy_bindings BEGIN UPDATE flow_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER flow_generation_policy_bindings_delete AFTER DELETE ON policy_bindings BEGIN UPDATE flow_generation SET n = n + 1 WHERE id = 1; END;
-- PostgreSQL: one statement-level trigger per table (a bulk change adds one once).
--@postgres CREATE FUNCTION flow_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
--@postgres BEGIN
--@postgres     UPDATE flow_generation SET n = n + 1 WHERE id = 1;
--@postgres     RETURN NULL;
--@postgres END $$;
--@postgres CREATE TRIGGER flow_generation_flows AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON flows
--@postgres     FOR EACH STATEMENT EXECUTE FUNCTION flow_generation_bump();
--@postgres CREATE TRIGGER flow_generation_stages AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON stages
--@postgres     FOR EACH STATEMENT EXECUTE FUNCTION flow_generation_bump();
--@postgres CREATE TRIGGER flow_generation_bindings AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON flow_stage_bindings
--@postgres     FOR EACH STATEMENT EXECUTE FUNCTION flow_generation_bump();
--@postgres CREATE TRIGGER flow_generation_policies AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON policies
--@postgres     FOR EACH STATEMENT EXECUTE FUNCTION flow_generation_bump();
--@postgres CREATE TRIGGER flow_generation_policy_bindings AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON policy_bindings
--@postgres     FOR EACH STATEMENT EXECUTE FUNCTION flow_generation_bump();
