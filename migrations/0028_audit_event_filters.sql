-- The audit log's lists (issue 14): the events of one object (an invitation's timeline, the REST
-- API's context_model_pk) and of one actor (its username filter), newest first.
CREATE INDEX audit_events_object ON audit_events (model, object_pk, created);
CREATE INDEX audit_events_actor ON audit_events (actor_name, created);
