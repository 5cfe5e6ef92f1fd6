-- QM-01: every claim received with engine JSON, as the quality measures read it: a compact text
-- record (member, kind, NPIs, places of service, bill type, dates, diagnoses, and per line
-- procedure, revenue code, dates, rendering NPI and place of service; format in
-- `accord_store::quality`), written with the claim. `paid` is 1 exactly when the claim's current
-- decision is processed_primary or processed_secondary: the store sets it in the same
-- transaction as every decision it writes or changes. `reversed_by` is the corrected or void
-- claim whose decision reversed this one (CLM-10: the original keeps its paid decision, but its
-- services no longer count). Keyed by tracking number so the report
-- reads it in pages of one index range each. Existing claims are filled in by the migration
-- runner in this migration's transaction.
CREATE TABLE quality_claims (
    tracking    TEXT COLLATE "C" NOT NULL PRIMARY KEY REFERENCES claims (tracking),
    paid        BIGINT NOT NULL DEFAULT 0 CHECK (paid IN (0, 1)),
    reversed_by TEXT COLLATE "C",
    record      TEXT   NOT NULL
);
