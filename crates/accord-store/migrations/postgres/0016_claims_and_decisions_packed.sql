-- CLM-01, CLM-03: the engine JSON of each claim and decision, kept LZ4-compressed (about half
-- its text: 1.4 KB → 0.7 KB a claim, 1.3 KB → 0.6 KB a decision; every claim is written once at
-- intake and every decision once when decided, and the payment cycle reads both). A row written
-- from this migration on has the text column empty ('', so `claim IS NOT NULL` still tells a
-- claim with engine JSON) and the text in the packed column (a size-prefixed LZ4 block of its
-- UTF-8 text); a row written before keeps its text and the packed column NULL. Readers take the
-- packed column when it is there. Decision 0033.
ALTER TABLE claims ADD COLUMN claim_packed BYTEA;
ALTER TABLE decisions ADD COLUMN decision_packed BYTEA;
