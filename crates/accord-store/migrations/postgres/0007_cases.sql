-- Version 7: cases with deadlines (issue 6). Keep in step with ../sqlite/0007_cases.sql.

-- One row per case (appeal, complaint, claim dispute, portal ticket, audit, recovery, …): the
-- columns queues and look-ups use, and the case itself as a JSON document — its filing, receipt
-- instant and every event in order — which only accord-cases interprets (the state is always
-- recomputed from them). `phase`, `next_due` and `closed_at` are as of the last save; a closed case
-- never reopens. `revision` counts the saves; a change saved from a stale copy is refused. Every
-- change is also an event (entity `case`).
CREATE TABLE cases (
    case_id   TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    kind      TEXT NOT NULL,
    subject   TEXT COLLATE "C" NOT NULL,
    phase     TEXT NOT NULL,
    filed_at  TEXT NOT NULL,
    next_due  TEXT,
    closed_at TEXT,
    revision  BIGINT NOT NULL,
    document  TEXT NOT NULL
);
CREATE INDEX cases_by_phase ON cases (phase, next_due);
CREATE INDEX cases_by_subject ON cases (subject);
CREATE INDEX cases_by_kind ON cases (kind, filed_at);
