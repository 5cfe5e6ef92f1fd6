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
        if let Some(d) = plain_decimal(t) {
            return Ok(Self(d));
        }
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

    /// The exact amount as text, scale kept (`80.50` stays `80.50`): what `Decimal` writes.
    pub fn exact_string(self) -> String {
        with_exact_text(self.0, str::to_owned)
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
        let mut r = self.round_cents().0;
        r.rescale(2);
        let mut buf = [0u8; TEXT_MAX];
        match exact_text(r, &mut buf) {
            Some(text) => f.write_str(text),
            None => write!(f, "{r:.2}"),
        }
    }
}

/// Longest text [`exact_text`] writes: a sign, 20 digits of a `u64` or 28 of the scale, a
/// leading zero and a point.
const TEXT_MAX: usize = 32;

/// `d` as `Decimal`'s `Display` writes it (scale kept, a `-` when the sign bit is set), or `None`
/// when its mantissa does not fit 64 bits. `Decimal` divides its 96-bit mantissa by ten a digit at
/// a time; amounts of money fit a `u64`, and this runs where every claim, decision and remittance
/// writes its amounts.
fn exact_text(d: Decimal, buf: &mut [u8; TEXT_MAX]) -> Option<&str> {
    let mut rest = u64::try_from(d.mantissa().unsigned_abs()).ok()?;
    let scale = d.scale() as usize;
    // Digits from the right: the fraction's `scale` digits (zero-padded), then the whole part
    // (at least one digit), then the sign.
    let mut at = TEXT_MAX;
    let mut put = |buf: &mut [u8; TEXT_MAX], b: u8| {
        at -= 1;
        buf[at] = b;
    };
    for _ in 0..scale {
        put(buf, b'0' + (rest % 10) as u8);
        rest /= 10;
    }
    if scale > 0 {
        put(buf, b'.');
    }
    loop {
        put(buf, b'0' + (rest % 10) as u8);
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if d.is_sign_negative() {
        put(buf, b'-');
    }
    std::str::from_utf8(&buf[at..]).ok()
}

/// `f` of `d`'s exact text: written on the stack by [`exact_text`], or by `Decimal` when its
/// mantissa does not fit 64 bits.
fn with_exact_text<R>(d: Decimal, f: impl FnOnce(&str) -> R) -> R {
    let mut buf = [0u8; TEXT_MAX];
    match exact_text(d, &mut buf) {
        Some(text) => f(text),
        None => f(&d.to_string()),
    }
}

/// A plain amount (`-?digits(.digits)?`, at most four decimals and 18 digits in all), read
/// without the general parser's copying and normalising; `None` for anything else (signs of
/// zero, separators, `$`, exponents), which [`Money::parse`] reads the general way. The result
/// is the decimal `Decimal::from_str` gives: same mantissa and scale.
fn plain_decimal(t: &str) -> Option<Decimal> {
    let (negative, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, f),
        None => (digits, ""),
    };
    let with_point = digits.len() != whole.len();
    if whole.is_empty()
        || (with_point && fraction.is_empty())
        || fraction.len() > 4
        || whole.len() + fraction.len() > 18
    {
        return None;
    }
    let mut mantissa: i64 = 0;
    for b in whole.bytes().chain(fraction.bytes()) {
        if !b.is_ascii_digit() {
            return None;
        }
        mantissa = mantissa * 10 + i64::from(b - b'0');
    }
    if negative && mantissa == 0 {
        return None;
    }
    let signed = if negative { -mantissa } else { mantissa };
    Some(Decimal::new(signed, fraction.len() as u32))
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
        with_exact_text(self.0, |text| s.serialize_str(text))
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(MoneyText)
    }
}

/// Reads an amount from the text in hand, borrowed or not, without copying it first.
struct MoneyText;

impl serde::de::Visitor<'_> for MoneyText {
    type Value = Money;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an amount of money as text, e.g. \"80.50\"")
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Money, E> {
        Money::parse(s).map_err(E::custom)
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
            fn exact_text_is_what_decimal_writes(mantissa in any::<i64>(), scale in 0u32..=12, negative_zero in any::<bool>()) {
                let mut d = Decimal::new(mantissa, scale);
                if mantissa == 0 && negative_zero {
                    d.set_sign_negative(true);
                }
                let mut buf = [0u8; TEXT_MAX];
                let general = d.to_string();
                prop_assert_eq!(exact_text(d, &mut buf), Some(general.as_str()));
            }

            #[test]
            fn display_is_two_places_of_the_rounded_amount(mantissa in any::<i64>(), scale in 0u32..=6) {
                let m = Money::new(Decimal::new(mantissa, scale));
                let r = m.round_cents().amount();
                prop_assert_eq!(m.to_string(), format!("{r:.2}"));
            }

            #[test]
            fn plain_amounts_read_as_the_general_parser_reads_them(
                text in "-?[0-9]{0,15}(\\.[0-9]{0,5})?",
            ) {
                let general = Decimal::from_str(&text).ok()
                    .filter(|d| d.normalize().scale() <= 4);
                if let Some(fast) = plain_decimal(&text) {
                    let general = general.expect("the general parser reads it too");
                    prop_assert_eq!(fast, general);
                    prop_assert_eq!(fast.scale(), general.scale());
                    prop_assert_eq!(fast.is_sign_negative(), general.is_sign_negative());
                }
                let parsed = Money::parse(&text).ok().map(Money::amount);
                prop_assert_eq!(parsed.map(|d| (d, d.scale())), general.map(|d| (d, d.scale())));
            }

            #[test]
            fn json_round_trips_with_its_scale(mantissa in any::<i64>(), scale in 0u32..=4) {
                let m = Money::new(Decimal::new(mantissa, scale));
                let json = serde_json::to_string(&m).unwrap();
                prop_assert_eq!(&json, &format!("\"{}\"", m.amount()));
                let back: Money = serde_json::from_str(&json).unwrap();
                prop_assert_eq!(back.amount().scale(), scale);
                prop_assert_eq!(back, m);
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
