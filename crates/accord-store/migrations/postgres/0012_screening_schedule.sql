-- Version 12: the NET-07 monthly screening schedule. Keep in step with
-- ../sqlite/0012_screening_schedule.sql.
-- Each screening now records the list's own date (as published), who ran it, and its matches
-- split into confirmed and held for review; screenings stored before this version keep their
-- totals and show no list date or runner.
ALTER TABLE exclusion_screenings ADD COLUMN list_date TEXT;
ALTER TABLE exclusion_screenings ADD COLUMN screened_by TEXT NOT NULL DEFAULT '';
ALTER TABLE exclusion_screenings ADD COLUMN confirmed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE exclusion_screenings ADD COLUMN for_review BIGINT NOT NULL DEFAULT 0;

-- NET-07: whom each screening covered (every provider and staff member on file that day), so
-- the schedule can name anyone not screened in the last month. Screenings stored before this
-- version cover no one here: after upgrading, everyone counts as unscreened until the next run.
CREATE TABLE exclusion_screened (
    screening_id TEXT COLLATE "C" NOT NULL REFERENCES exclusion_screenings (screening_id),
    npi          TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (screening_id, npi)
);
CREATE INDEX exclusion_screened_by_npi ON exclusion_screened (npi, screening_id);
