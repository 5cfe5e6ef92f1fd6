-- Version 6: utilization management (issue 5). Keep the sqlite and postgres files in step.

-- Authorization requests on record: a few columns to find and order them by, and the whole case
-- (request, clock, screening trace, decision, history) as a JSON document the UM engine reads.
CREATE TABLE um_requests (
    request_id     TEXT NOT NULL PRIMARY KEY,
    member_id      TEXT NOT NULL,
    servicing_npi  TEXT NOT NULL,
    status         TEXT NOT NULL,
    urgency        TEXT NOT NULL,
    review_type    TEXT NOT NULL,
    received_at    TEXT NOT NULL,
    due_at         TEXT NOT NULL,
    decided_at     TEXT,
    document       TEXT NOT NULL
);
CREATE INDEX um_requests_by_status ON um_requests (status, due_at);
CREATE INDEX um_requests_by_member ON um_requests (member_id);

-- UM-07 notifications of emergency and urgent admissions.
CREATE TABLE admission_notifications (
    notification_id TEXT NOT NULL PRIMARY KEY,
    member_id       TEXT NOT NULL,
    provider_npi    TEXT NOT NULL,
    admitted_at     TEXT NOT NULL,
    notified_at     TEXT NOT NULL,
    due_at          TEXT NOT NULL,
    late            INTEGER NOT NULL,
    document        TEXT NOT NULL
);

-- Plan staff and their roles (UM-05 authority) and reporting lines (APL-03 independence).
CREATE TABLE staff_users (
    user_id    TEXT NOT NULL PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    reports_to TEXT
);
