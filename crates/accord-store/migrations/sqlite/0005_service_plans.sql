-- Version 5: service plans (SP-01..SP-06). Keep in step with ../postgres/0005_service_plans.sql.

-- One row per service plan: the columns plans are found by, and the whole plan as a JSON document
-- (lines, notes, documents), which only accord-service-plan interprets. `revision` counts the
-- changes applied; a change saved from a stale copy is refused. Every change is also an event
-- (entity `service_plan`).
CREATE TABLE service_plans (
    plan_id     TEXT NOT NULL PRIMARY KEY,
    member_id   TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'authorized', 'amending')),
    plan_begin  TEXT NOT NULL,
    plan_end    TEXT NOT NULL,
    predecessor TEXT REFERENCES service_plans (plan_id),
    revision    INTEGER NOT NULL,
    document    TEXT NOT NULL,
    CHECK (plan_begin <= plan_end)
);
CREATE INDEX service_plans_by_member ON service_plans (member_id, plan_begin);
