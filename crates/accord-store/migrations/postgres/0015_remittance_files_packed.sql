-- PAY-06: the 835s and vouchers a payment cycle sent, kept LZ4-compressed (about a sixth of their
-- text; at 100,000 claims a cycle keeps about 160 MB of files). A row written from this migration
-- on has `content` empty and the file in `packed` (a size-prefixed LZ4 block of its UTF-8 text);
-- a row written before keeps its text in `content` and `packed` NULL. Readers take `packed` when
-- it is there.
ALTER TABLE remittance_files ADD COLUMN packed BYTEA;
