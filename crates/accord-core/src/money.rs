//! Money: an exact decimal amount in US dollars, with one rounding rule.
//!
//! Amounts are `rust_decimal::Decimal`, never floats. Arithmetic keeps full precision; rounding to
//! cents happens only where a figure becomes payable or is written to a remittance, and always the
//! same way: half away from zero (the convention of fee schedules and of X12 monetary amounts,
//! where 12.345 is 12.35). See `docs/decisions/0003-money.md`.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A US-dollar amount. May be negative (adjustments, recoveries, negative balances).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Money(Decimal);

/// Why a text was not an amount of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("amount {input:?}: {reason}")]
pub struct MoneyError {
    /// The input as given.
    pub input: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl Money {
    /// Zero dollars.
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Wraps an exact decimal amount (no rounding).
    pub const fn new(amount: Decimal) -> Self {
        Self(amount)
    }

    /// Whole cents, e.g. `Money::from_cents(1999)` is $19.99.
    pub fn from_cents(cents: i64) -> Self {
        Self(Decimal::new(cents, 2))
    }

    /// Parses `12`, `12.5`, `-3.25` or `$1,234.56`. More than four decimal places is refused:
    /// no fee schedule or X12 amount carries more, so it is a typo.
    pub fn parse(input: &str) -> Result<Self, MoneyError> {
        let t = input.trim();
        let cleaned: String = t.chars().filter(|c| *c != '$' && *c != ',').collect();
        let d = Decimal::from_str(&cleaned).map_err(|_| MoneyError {
            input: t.to_owned(),
            reason: "is not a number",
        })?;
        if d.normalize().scale() > 4 {
            return Err(MoneyError {
                input: t.to_owned(),
                reason: "has more than 4 decimal places",
            });
        }
        Ok(Self(d))
    }

    /// The exact amount.
    pub const fn amount(self) -> Decimal {
        self.0
    }

    /// Rounded to cents, half away from zero: Accord's one rounding rule for payable amounts.
    pub fn round_cents(self) -> Self {
        Self(
            self.0
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero),
        )
    }

    /// This amount times a quantity (rate × units), exact; round where it becomes payable.
    pub fn times(self, quantity: Decimal) -> Self {
        Self(self.0 * quantity)
    }

    /// The smaller of two amounts (PAY-01's "lesser of billed and rate").
    pub fn min(self, other: Money) -> Self {
        if other.0 < self.0 { other } else { self }
    }

    /// The larger of two amounts.
    pub fn max(self, other: Money) -> Self {
        if other.0 > self.0 { other } else { self }
    }

    /// Zero if negative: what remains can never be owed below nothing (PAY-03, PAY-04).
    pub fn floor_zero(self) -> Self {
        self.max(Money::ZERO)
    }

    /// True when the amount is exactly zero.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// True when the amount is below zero.
    pub fn is_negative(self) -> bool {
        self.0 < Decimal::ZERO
    }

    /// The amount as X12 writes it: no currency sign, no thousands separator, no trailing zeros
    /// beyond cents (e.g. `125`, `80.5`, `-12.25`).
    pub fn to_x12(self) -> String {
        self.round_cents().0.normalize().to_string()
    }
}

impl fmt::Display for Money {
    /// Two decimal places, with a minus sign when negative: `1234.50`, `-12.00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.round_cents().0;
        write!(f, "{r:.2}")
    }
}

impl FromStr for Money {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, MoneyError> {
        Self::parse(s)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        self.0 -= rhs.0;
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(
            Money::new(dec!(12.345)).round_cents(),
            Money::new(dec!(12.35))
        );
        assert_eq!(
            Money::new(dec!(12.344)).round_cents(),
            Money::new(dec!(12.34))
        );
        assert_eq!(
            Money::new(dec!(-12.345)).round_cents(),
            Money::new(dec!(-12.35))
        );
        assert_eq!(
            Money::new(dec!(0.125)).round_cents(),
            Money::new(dec!(0.13))
        );
    }

    #[test]
    fn parses_with_sign_and_separators() {
        assert_eq!(
            Money::parse("$1,234.56").unwrap(),
            Money::from_cents(123_456)
        );
        assert_eq!(Money::parse("-3.25").unwrap(), Money::from_cents(-325));
        assert!(Money::parse("12.34567").is_err());
        assert!(Money::parse("twelve").is_err());
    }

    #[test]
    fn display_and_x12_forms() {
        assert_eq!(Money::from_cents(8050).to_string(), "80.50");
        assert_eq!(Money::from_cents(8050).to_x12(), "80.5");
        assert_eq!(Money::from_cents(12_500).to_x12(), "125");
        assert_eq!(Money::from_cents(-100).to_string(), "-1.00");
    }

    #[test]
    fn pay_01_lesser_of_billed_and_rate() {
        let billed = Money::from_cents(15_000);
        let rate = Money::from_cents(12_000);
        assert_eq!(billed.min(rate), rate);
        assert_eq!(rate.min(billed), rate);
    }

    #[test]
    fn rate_times_units_is_exact() {
        let rate = Money::new(dec!(18.33));
        assert_eq!(rate.times(dec!(3)), Money::new(dec!(54.99)));
        let sum: Money = [Money::from_cents(1), Money::from_cents(2)]
            .into_iter()
            .sum();
        assert_eq!(sum, Money::from_cents(3));
        assert_eq!(
            (Money::from_cents(1) - Money::from_cents(5)).floor_zero(),
            Money::ZERO
        );
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn rounding_is_within_half_a_cent(cents in -10_000_000i64..10_000_000, mills in 0i64..10) {
                let exact = Money::new(Decimal::new(cents * 10 + mills, 3));
                let diff = (exact.round_cents().amount() - exact.amount()).abs();
                prop_assert!(diff <= dec!(0.005));
                prop_assert_eq!(exact.round_cents().round_cents(), exact.round_cents());
            }

            #[test]
            fn display_parses_back(cents in -1_000_000_000i64..1_000_000_000) {
                let m = Money::from_cents(cents);
                prop_assert_eq!(Money::parse(&m.to_string()).unwrap(), m);
                prop_assert_eq!(Money::parse(&m.to_x12()).unwrap(), m);
            }
        }
    }
}
