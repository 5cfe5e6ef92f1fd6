-- The explanation trace of each decision, kept apart from the decision and LZ4-compressed: about
-- three quarters of a decision's bytes, read only to explain a claim, never to pay or report on
-- it. A decision with no row here carries its trace inline (decisions made before this table).
CREATE TABLE decision_traces (
    tracking TEXT NOT NULL PRIMARY KEY REFERENCES claims (tracking),
    trace    BLOB NOT NULL
);
