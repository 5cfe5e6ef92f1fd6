-- PAY-06: what a claim's 835 needs of the claim itself, kept beside its decision so the payment
-- cycle reads no claim rows: CLM01 as billed (`patient_control`) and the engine claim's few
-- remittance fields as JSON (`remittance_claim`: kind, frequency, member, place of service, type
-- of bill, statement dates). Intake fills both when it decides a claim on receipt; a decision
-- made elsewhere, or before this migration, leaves them NULL and the cycle reads the claim as
-- before. Decision 0040.
ALTER TABLE decisions ADD COLUMN patient_control TEXT;
ALTER TABLE decisions ADD COLUMN remittance_claim TEXT;
