-- Version 4: adjudication and payment (issue 4). Keep in step with ../sqlite/0004_adjudication.sql.

-- Approved authorizations (UM-04), imported until the UM module issues them. One row per
-- authorization; `services` is a JSON array of [code, [modifiers]].
CREATE TABLE authorizations (
    auth_id          TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    member_id        TEXT COLLATE "C" NOT NULL,
    provider_npi     TEXT COLLATE "C" NOT NULL,
    services         TEXT NOT NULL,
    level_of_care    TEXT NOT NULL,
    start_date       TEXT NOT NULL,
    end_date         TEXT NOT NULL,
    units_authorized TEXT NOT NULL
);
CREATE INDEX authorizations_by_member ON authorizations (member_id);

-- The current decision on each adjudicated claim; every decision and examiner action is also an
-- event. `cycle` is the payment cycle whose 835 carried it (NULL: not yet remitted).
CREATE TABLE decisions (
    tracking               TEXT COLLATE "C" NOT NULL PRIMARY KEY REFERENCES claims (tracking),
    status                 TEXT NOT NULL,
    member_id              TEXT COLLATE "C",
    pay_to_npi             TEXT COLLATE "C" NOT NULL,
    received_on            TEXT NOT NULL,
    decided_on             TEXT NOT NULL,
    billed                 TEXT NOT NULL,
    allowed                TEXT NOT NULL,
    paid                   TEXT NOT NULL,
    net_paid               TEXT NOT NULL,
    patient_responsibility TEXT NOT NULL,
    clean                  BIGINT NOT NULL,
    decision               TEXT NOT NULL,
    cycle                  BIGINT
);
CREATE INDEX decisions_to_pay ON decisions (cycle, pay_to_npi);

-- Lines of adjudicated claims as later claims see them (CLM-06 duplicates, CLM-08 limits, UM-01
-- thresholds): paid, or pending while pended. Removed when a claim is reversed (CLM-10). `auth_use`
-- is a JSON array of [authorization number, units taken] (CLM-07: units used are counted from claims).
CREATE TABLE history_lines (
    tracking      TEXT COLLATE "C" NOT NULL,
    line          BIGINT NOT NULL,
    member_id     TEXT COLLATE "C" NOT NULL,
    rendering_npi TEXT COLLATE "C" NOT NULL,
    procedure     TEXT NOT NULL,
    modifiers     TEXT NOT NULL,
    service_date  TEXT NOT NULL,
    units         TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('paid', 'pending')),
    auth_use      TEXT NOT NULL,
    PRIMARY KEY (tracking, line)
);
CREATE INDEX history_by_member ON history_lines (member_id, service_date);

-- Payment cycles (PAY-06) and the remittance each wrote per pay-to provider.
CREATE TABLE payment_cycles (
    cycle        BIGINT NOT NULL PRIMARY KEY,
    through_date TEXT NOT NULL,
    run_at       TEXT NOT NULL,
    remittances  BIGINT NOT NULL,
    claims       BIGINT NOT NULL,
    total        TEXT NOT NULL
);

CREATE TABLE remittances (
    cycle          BIGINT NOT NULL REFERENCES payment_cycles (cycle),
    pay_to_npi     TEXT COLLATE "C" NOT NULL,
    trace_number   TEXT NOT NULL,
    claims         BIGINT NOT NULL,
    claim_payments TEXT NOT NULL,
    offsets        TEXT NOT NULL,
    amount         TEXT NOT NULL,
    PRIMARY KEY (cycle, pay_to_npi)
);

-- Money a provider owes the plan (REC-01): a negative net in a cycle opens a balance, later
-- payments offset it (PLB WO) until zero; after 90 days it may be demanded (REC-02).
CREATE TABLE provider_balances (
    pay_to_npi  TEXT COLLATE "C" NOT NULL,
    source      TEXT NOT NULL,
    opened_on   TEXT NOT NULL,
    original    TEXT NOT NULL,
    remaining   TEXT NOT NULL,
    demanded_on TEXT,
    PRIMARY KEY (pay_to_npi, source)
);
