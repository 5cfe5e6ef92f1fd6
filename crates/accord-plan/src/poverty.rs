//! `poverty_guidelines.csv` (optional; PAY-05): HHS poverty guidelines by year and family size,
//! used for the state sliding fee scale. Published yearly in the Federal Register (2025: 90 FR
//! 5917, 48 contiguous states and DC). A row with `family_size = additional` gives the amount
//! added for each person beyond the largest listed size.

use std::collections::BTreeMap;
use std::path::Path;

use accord_core::Money;
use rust_decimal::Decimal;

use crate::errors::PlanError;
use crate::table::{self, Col, req};

/// Poverty guidelines by year.
#[derive(Debug, Clone, Default)]
pub struct PovertyGuidelines {
    by_year: BTreeMap<i16, YearTable>,
}

#[derive(Debug, Clone, Default)]
struct YearTable {
    sizes: BTreeMap<u32, Money>,
    additional: Option<Money>,
}

impl PovertyGuidelines {
    /// PAY-05: the annual poverty guideline for `year` and `family_size` (at least 1). Sizes beyond
    /// the largest listed add the `additional` amount per person.
    pub fn guideline(&self, year: i16, family_size: u32) -> Option<Money> {
        if family_size == 0 {
            return None;
        }
        let y = self.by_year.get(&year)?;
        if let Some(m) = y.sizes.get(&family_size) {
            return Some(*m);
        }
        let (&max, &at_max) = y.sizes.range(..family_size).next_back()?;
        let extra = y.additional?;
        Some(at_max + extra.times(Decimal::from(family_size - max)))
    }

    /// PAY-05: income as a percent of the guideline (e.g. 150 for 150% FPL), exact.
    pub fn percent_of_guideline(
        &self,
        year: i16,
        family_size: u32,
        annual_income: Money,
    ) -> Option<Decimal> {
        let g = self.guideline(year, family_size)?;
        if g.is_zero() {
            return None;
        }
        Some(annual_income.amount() * Decimal::ONE_HUNDRED / g.amount())
    }

    /// Years present.
    pub fn years(&self) -> impl Iterator<Item = i16> + '_ {
        self.by_year.keys().copied()
    }

    /// True when no guidelines were loaded.
    pub fn is_empty(&self) -> bool {
        self.by_year.is_empty()
    }
}

const COLS: &[Col] = &[req("year"), req("family_size"), req("annual_amount")];

pub(crate) fn parse(file: &Path, text: &str, errors: &mut Vec<PlanError>) -> PovertyGuidelines {
    let mut out = PovertyGuidelines::default();
    table::read_table(file, text, COLS, errors, |r| {
        let year = r.required("year", |s| {
            s.parse::<i16>()
                .ok()
                .filter(|y| (1960..=2200).contains(y))
                .ok_or_else(|| format!("{s:?} is not a year"))
        });
        let size = r.required("family_size", |s| {
            if s.eq_ignore_ascii_case("additional") {
                Ok(None)
            } else {
                table::parse_u32(s)
                    .and_then(|n| {
                        if n == 0 {
                            Err("must be at least 1".into())
                        } else {
                            Ok(n)
                        }
                    })
                    .map(Some)
            }
        });
        let amount = r.required("annual_amount", table::parse_money);
        let (Some(year), Some(size), Some(amount)) = (year, size, amount) else {
            return;
        };
        let y = out.by_year.entry(year).or_default();
        let dup = match size {
            Some(n) => y.sizes.insert(n, amount).is_some(),
            None => y.additional.replace(amount).is_some(),
        };
        if dup {
            r.error(
                "family_size",
                format!("{year} lists this family size twice"),
            );
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pay_05_hhs_2025_contiguous_states() {
        let text =
            "year,family_size,annual_amount\n2025,1,15650\n2025,2,21150\n2025,additional,5500\n";
        let mut errors = Vec::new();
        let p = parse(Path::new("poverty_guidelines.csv"), text, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(p.guideline(2025, 1), Some(Money::from_cents(1_565_000)));
        assert_eq!(p.guideline(2025, 4), Some(Money::from_cents(3_215_000)));
        assert_eq!(
            p.percent_of_guideline(2025, 1, Money::from_cents(3_130_000)),
            Some(Decimal::from(200))
        );
        assert_eq!(p.guideline(2024, 1), None);
    }
}
