-- Version 8: people and systems that sign in, and the access log (issue 7, SEC-01).
-- Keep in step with ../postgres/0008_access.sql.

-- Accounts: staff (their role is also in staff_users), provider users scoped to their organisation's
-- NPIs (`npis`: JSON array), state portal staff. Passwords are argon2 PHC strings, never plain.
CREATE TABLE user_accounts (
    user_id       TEXT NOT NULL PRIMARY KEY,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    npis          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

-- API tokens for system clients; only a SHA-256 of the token is kept.
CREATE TABLE api_tokens (
    token_hash TEXT NOT NULL PRIMARY KEY,
    user_id    TEXT NOT NULL,
    label      TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Every read or write of member data through the server: who, what, when, why (SEC-01).
CREATE TABLE access_log (
    id        INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    role      TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    member_id TEXT,
    reason    TEXT NOT NULL,
    outcome   TEXT NOT NULL
);
CREATE INDEX access_log_by_member ON access_log (member_id, at);

-- What each payment cycle sent each payee, kept as sent (835 and voucher), so a provider can
-- download it again from the portal (PAY-06).
CREATE TABLE remittance_files (
    cycle      INTEGER NOT NULL,
    pay_to_npi TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('835', 'voucher')),
    content    TEXT NOT NULL,
    PRIMARY KEY (cycle, pay_to_npi, kind)
);
