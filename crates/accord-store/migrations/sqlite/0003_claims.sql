-- Version 3: claims received (CLM-01). Keep in step with ../postgres/0003_claims.sql.
-- An interchange is recorded once per (sender, ISA13), so a resubmitted file creates no claims.
CREATE TABLE received_files (
    sender              TEXT NOT NULL,
    interchange_control TEXT NOT NULL,
    file_name           TEXT NOT NULL,
    received_at         TEXT NOT NULL,
    claims              INTEGER NOT NULL,
    PRIMARY KEY (sender, interchange_control)
);

-- Every claim received, accepted or rejected, with its tracking number (CLM-01).
CREATE TABLE claims (
    tracking            TEXT NOT NULL PRIMARY KEY,
    sender              TEXT NOT NULL,
    interchange_control TEXT NOT NULL,
    patient_control     TEXT NOT NULL,
    member_id           TEXT,
    billing_npi         TEXT,
    total_charge        TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')),
    reasons             TEXT NOT NULL,
    claim               TEXT,
    received_at         TEXT NOT NULL,
    FOREIGN KEY (sender, interchange_control) REFERENCES received_files (sender, interchange_control)
);
CREATE INDEX claims_by_member ON claims (member_id, tracking);
