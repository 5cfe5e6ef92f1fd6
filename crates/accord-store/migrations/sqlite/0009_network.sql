-- Version 9: the provider network (issue 8). Keep in step with ../postgres/0009_network.sql.
-- Status spans and sanctions stay in provider_status and sanctions (version 1), which the
-- standing rule reads; these tables hold what produces them.

-- NET-04: provider record changes as dated events, with the notice rule's due date and whether
-- the notice came late.
CREATE TABLE provider_changes (
    change_id      TEXT NOT NULL PRIMARY KEY,
    npi            TEXT NOT NULL REFERENCES providers (npi),
    kind           TEXT NOT NULL,
    field          TEXT NOT NULL,
    value          TEXT NOT NULL,
    effective_date TEXT NOT NULL,
    reported_date  TEXT NOT NULL,
    due_date       TEXT NOT NULL,
    late           INTEGER NOT NULL,
    description    TEXT NOT NULL
);
CREATE INDEX provider_changes_by_npi ON provider_changes (npi, effective_date);

-- NET-02: credentialing applications: the columns the pipeline lists by, and the application
-- (form, checklist with evidence and verification dates, committee decision) as a JSON document
-- only accord-network interprets. `revision` counts the saves; a stale save is refused.
CREATE TABLE credentialing_applications (
    application_id TEXT NOT NULL PRIMARY KEY,
    npi            TEXT NOT NULL,
    cycle          TEXT NOT NULL,
    phase          TEXT NOT NULL,
    received       TEXT NOT NULL,
    decided_on     TEXT,
    outcome        TEXT,
    revision       INTEGER NOT NULL,
    document       TEXT NOT NULL
);
CREATE INDEX credentialing_applications_by_npi ON credentialing_applications (npi, received);
CREATE INDEX credentialing_applications_by_phase ON credentialing_applications (phase, received);

-- NET-03: each provider's last (re-)credentialing decision, from which the cycle is reckoned.
CREATE TABLE credentialing_cycles (
    npi             TEXT NOT NULL PRIMARY KEY REFERENCES providers (npi),
    credentialed_on TEXT NOT NULL,
    application_id  TEXT NOT NULL
);

-- NET-07: each screening against the federal exclusion list (the list itself is not kept).
CREATE TABLE exclusion_screenings (
    screening_id TEXT NOT NULL PRIMARY KEY,
    screened_on  TEXT NOT NULL,
    source       TEXT NOT NULL,
    digest       TEXT NOT NULL,
    entries      INTEGER NOT NULL,
    subjects     INTEGER NOT NULL,
    matches      INTEGER NOT NULL
);

-- NET-07: the providers a screening found, confirmed or held for review, with the list's row.
CREATE TABLE exclusion_matches (
    match_id     TEXT NOT NULL PRIMARY KEY,
    screening_id TEXT NOT NULL REFERENCES exclusion_screenings (screening_id),
    npi          TEXT NOT NULL REFERENCES providers (npi),
    basis        TEXT NOT NULL,
    status       TEXT NOT NULL,
    entry        TEXT NOT NULL,
    reviewed_by  TEXT,
    reviewed_on  TEXT,
    note         TEXT NOT NULL
);
CREATE INDEX exclusion_matches_by_status ON exclusion_matches (status, npi);
