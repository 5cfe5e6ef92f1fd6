-- Version 2: the portal and `events_for` read one record's history; index it.
CREATE INDEX events_by_entity ON events (entity, entity_id, id);
