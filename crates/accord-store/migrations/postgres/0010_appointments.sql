-- Version 10: appointment-availability records (issue 9, QM-02 access standards, QM-03 aftercare).
-- Keep in step with ../sqlite/0010_appointments.sql.

-- One request for care and the appointment offered: urgency class per QM-02, and for aftercare
-- the inpatient discharge it follows (QM-03). Times are UTC instants (RFC 3339 text).
CREATE TABLE appointments (
    appointment_id TEXT NOT NULL PRIMARY KEY,
    member_id      TEXT NOT NULL,
    provider_npi   TEXT NOT NULL,
    requested_at   TEXT NOT NULL,
    offered_at     TEXT,
    urgency        TEXT NOT NULL,
    discharge_date TEXT
);
CREATE INDEX appointments_by_request ON appointments (requested_at);
