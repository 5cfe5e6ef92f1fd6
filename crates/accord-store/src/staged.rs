//! Rows made ready to write away from the writer (decision 0033). Turning records into bound
//! values — texts copied, traces compressed, events encoded — is pure work: [`Staged`] does it on
//! whichever thread builds it, and [`UnitOfWork::write_staged`] only runs the inserts. Intake
//! builds the next batch's rows while the database writes the last one.

use std::collections::HashMap;

use crate::codec::Value;
use crate::events::NewEvent;
use crate::store::UnitOfWork;
use crate::{StoreError, bulk};

/// One table's rows: `(table, columns, rows)`.
pub(crate) type TableRows = (&'static str, &'static [&'static str], Vec<Vec<Value>>);

/// Inserts ready to run, in order, then the quality read's paid flags and the events.
#[derive(Debug, Default)]
pub struct Staged {
    /// `(table, columns, rows)`, inserted in this order (parents before children).
    pub(crate) inserts: Vec<TableRows>,
    /// QM-01: `(tracking, paid)` flags for quality records not in this batch.
    pub(crate) paid: Vec<(String, bool)>,
    /// Events, written last, under the unit of work's actor, time and reason.
    pub(crate) events: Vec<NewEvent>,
}

impl Staged {
    /// This batch's rows, then `next`'s. A paid flag for a quality record staged here is set in
    /// the record itself rather than by an update after it.
    pub fn then(mut self, next: Staged) -> Staged {
        self.inserts.extend(next.inserts);
        self.paid.extend(next.paid);
        self.events.extend(next.events);
        self.settle_paid_flags();
        self
    }

    /// Sets each paid flag whose quality record is among the inserts in the record.
    fn settle_paid_flags(&mut self) {
        if self.paid.is_empty() {
            return;
        }
        let Some((_, _, records)) = self
            .inserts
            .iter_mut()
            .find(|(table, _, _)| *table == crate::quality::TABLE)
        else {
            return;
        };
        let at: HashMap<&str, usize> = records
            .iter()
            .enumerate()
            .filter_map(|(i, row)| match row.first() {
                Some(Value::Text(Some(t))) => Some((t.as_str(), i)),
                _ => None,
            })
            .collect();
        // Flags settled here leave `paid`; they are set once `at` no longer borrows the records.
        let mut flags: Vec<(usize, bool)> = Vec::new();
        self.paid
            .retain(|(tracking, paid)| match at.get(tracking.as_str()) {
                Some(&i) => {
                    flags.push((i, *paid));
                    false
                }
                None => true,
            });
        for (i, paid) in flags {
            records[i][crate::quality::PAID_COLUMN] = Value::int(i64::from(paid));
        }
    }
}

impl UnitOfWork {
    /// Writes staged rows: the inserts in order, the paid flags left, then the events.
    pub async fn write_staged(&mut self, staged: Staged) -> Result<(), StoreError> {
        let Staged {
            inserts,
            paid,
            events,
        } = staged;
        for (table, columns, rows) in inserts {
            bulk::insert_rows(&mut self.tx, self.backend, table, columns, rows).await?;
        }
        self.flag_paid_claims(paid.iter().map(|(t, p)| (t.as_str(), *p)))
            .await?;
        self.write_events(events).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quality_row(tracking: &str) -> Vec<Value> {
        vec![Value::text(tracking), Value::int(0), Value::text("record")]
    }

    fn paid_column(staged: &Staged, i: usize) -> Option<i64> {
        match &staged.inserts[0].2[i][crate::quality::PAID_COLUMN] {
            Value::Int(v) => *v,
            _ => None,
        }
    }

    /// QM-01: a decision staged after its claim's quality record sets the record's flag in the
    /// record; a flag for a record not staged here stays an update.
    #[test]
    fn qm_01_paid_flags_settle_into_records_staged_before_them() {
        let claims = Staged {
            inserts: vec![(
                crate::quality::TABLE,
                crate::quality::COLUMNS,
                vec![quality_row("T1"), quality_row("T2")],
            )],
            ..Staged::default()
        };
        let decisions = Staged {
            paid: vec![
                ("T2".into(), true),
                ("T9".into(), true),
                ("T1".into(), false),
            ],
            ..Staged::default()
        };
        let both = claims.then(decisions);
        assert_eq!(paid_column(&both, 0), Some(0));
        assert_eq!(paid_column(&both, 1), Some(1));
        assert_eq!(both.paid, vec![("T9".to_owned(), true)]);
    }
}
