-- Accord store, version 1 (SQLite). Keep in step with ../postgres/0001_initial.sql: same tables,
-- same columns in the same order, same keys. Dates are ISO-8601 text (YYYY-MM-DD), timestamps
-- RFC 3339 UTC text with nine fractional digits, money a decimal string: all sort and compare as text.

CREATE TABLE members (
    member_id     TEXT    NOT NULL PRIMARY KEY,
    first_name    TEXT    NOT NULL,
    last_name     TEXT    NOT NULL,
    birth_date    TEXT    NOT NULL,
    sex           TEXT    NOT NULL CHECK (sex IN ('F', 'M', 'U')),
    zip           TEXT    NOT NULL,
    family_size   INTEGER,
    annual_income TEXT,
    sud_consent   INTEGER NOT NULL CHECK (sud_consent IN (0, 1))
);

-- ELIG-01
CREATE TABLE eligibility_spans (
    member_id  TEXT NOT NULL REFERENCES members (member_id),
    plan_code  TEXT NOT NULL,
    program    TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date   TEXT,
    PRIMARY KEY (member_id, plan_code, start_date),
    CHECK (end_date IS NULL OR end_date >= start_date)
);

-- ELIG-04
CREATE TABLE other_coverage (
    member_id     TEXT    NOT NULL REFERENCES members (member_id),
    payer_order   INTEGER NOT NULL CHECK (payer_order >= 1),
    payer_name    TEXT    NOT NULL,
    payer_id      TEXT    NOT NULL,
    policy_number TEXT    NOT NULL,
    start_date    TEXT    NOT NULL,
    end_date      TEXT,
    last_attested TEXT,
    PRIMARY KEY (member_id, payer_order, start_date),
    CHECK (end_date IS NULL OR end_date >= start_date)
);

-- NET-01. facility_npi has no foreign key: a facility may be loaded after its staff.
CREATE TABLE providers (
    npi             TEXT NOT NULL PRIMARY KEY,
    kind            TEXT NOT NULL,
    name            TEXT NOT NULL,
    tax_id          TEXT NOT NULL,
    specialty       TEXT NOT NULL,
    license_number  TEXT,
    license_expires TEXT,
    facility_npi    TEXT
);

-- NET-01
CREATE TABLE locations (
    vendor_number TEXT NOT NULL PRIMARY KEY,
    npi           TEXT NOT NULL REFERENCES providers (npi),
    name          TEXT NOT NULL,
    address       TEXT NOT NULL,
    city          TEXT NOT NULL,
    state         TEXT NOT NULL,
    zip           TEXT NOT NULL
);
CREATE INDEX locations_by_npi ON locations (npi);

-- NET-01
CREATE TABLE pay_to_vendors (
    npi           TEXT NOT NULL REFERENCES providers (npi),
    vendor_number TEXT NOT NULL,
    name          TEXT NOT NULL,
    tax_id        TEXT NOT NULL,
    PRIMARY KEY (npi, vendor_number)
);

-- NET-08 participation spans
CREATE TABLE provider_status (
    npi        TEXT NOT NULL REFERENCES providers (npi),
    status     TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date   TEXT,
    reason     TEXT NOT NULL,
    PRIMARY KEY (npi, start_date),
    CHECK (end_date IS NULL OR end_date >= start_date)
);

-- NET-05
CREATE TABLE sanctions (
    npi        TEXT NOT NULL REFERENCES providers (npi),
    level      TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date   TEXT,
    reason     TEXT NOT NULL,
    PRIMARY KEY (npi, level, start_date),
    CHECK (end_date IS NULL OR end_date >= start_date)
);

-- Append-only audit trail and history: every change to any record is one row.
CREATE TABLE events (
    id        INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    at        TEXT    NOT NULL,
    actor     TEXT    NOT NULL,
    entity    TEXT    NOT NULL,
    entity_id TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    reason    TEXT    NOT NULL,
    data      TEXT    NOT NULL
);
