//! `plan.toml` sections read by the quality and state-funding reports: `[access]` (QM-02 access
//! standards per urgency class, QM-03 aftercare) and `[sliding_fee]` (PAY-05 the state sliding fee
//! scale's tiers). Defaults equal `docs/RULES.md`; validation runs with the rest of `plan.toml`.

use rust_decimal::Decimal;
use serde::Deserialize;

/// QM-02 access standards and QM-03 aftercare (`[access]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccessStandards {
    /// Life-threatening emergency: offered within this many hours of the request (0:
    /// immediately, i.e. at the time of the request).
    pub life_threatening_emergency_hours: u32,
    /// Non-life-threatening emergency, hours (6).
    pub non_life_threatening_emergency_hours: u32,
    /// Urgent, hours (48).
    pub urgent_hours: u32,
    /// Routine, business days on the plan calendar (10).
    pub routine_business_days: u32,
    /// Follow-up with a non-prescriber, business days (30).
    pub follow_up_non_prescriber_business_days: u32,
    /// Follow-up with a prescriber, business days (90).
    pub follow_up_prescriber_business_days: u32,
    /// QM-03: the aftercare appointment falls within this many calendar days of discharge (7).
    pub aftercare_days: u32,
}

impl Default for AccessStandards {
    fn default() -> Self {
        Self {
            life_threatening_emergency_hours: 0,
            non_life_threatening_emergency_hours: 6,
            urgent_hours: 48,
            routine_business_days: 10,
            follow_up_non_prescriber_business_days: 30,
            follow_up_prescriber_business_days: 90,
            aftercare_days: 7,
        }
    }
}

/// PAY-05 the state sliding fee scale (`[sliding_fee]`): tiers by income as a percent of the
/// federal poverty guideline for the family size. A member at or below the last tier's
/// `up_to_percent` is on the scale; above it, self-pay is deducted like third-party collections.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SlidingFeeScale {
    /// Tiers in increasing `up_to_percent`.
    pub tiers: Vec<SlidingFeeTier>,
}

/// One tier of the sliding fee scale.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlidingFeeTier {
    /// The tier's name on statements, e.g. `A`.
    pub name: String,
    /// Income up to and including this percent of the poverty guideline.
    pub up_to_percent: Decimal,
    /// What the member is asked to pay, percent of the rate (0–100).
    pub member_fee_percent: Decimal,
}

impl Default for SlidingFeeScale {
    /// DMH's recommendation (seed 002): a scale tied to 100–200% of the poverty guideline.
    fn default() -> Self {
        let tier = |name: &str, up_to: i64, fee: i64| SlidingFeeTier {
            name: name.into(),
            up_to_percent: Decimal::from(up_to),
            member_fee_percent: Decimal::from(fee),
        };
        Self {
            tiers: vec![tier("A", 100, 0), tier("B", 150, 10), tier("C", 200, 25)],
        }
    }
}

impl SlidingFeeScale {
    /// The scale's ceiling: the last tier's `up_to_percent` (none when the plan has no tiers).
    pub fn ceiling_percent(&self) -> Option<Decimal> {
        self.tiers.last().map(|t| t.up_to_percent)
    }
}

/// Checks `[access]` and `[sliding_fee]`; `err(section, key, message)` reports a problem.
pub(crate) fn validate(
    access: &AccessStandards,
    scale: &SlidingFeeScale,
    err: &mut dyn FnMut(Option<&str>, &str, String),
) {
    for (key, v) in [
        ("routine_business_days", access.routine_business_days),
        (
            "follow_up_non_prescriber_business_days",
            access.follow_up_non_prescriber_business_days,
        ),
        (
            "follow_up_prescriber_business_days",
            access.follow_up_prescriber_business_days,
        ),
        ("aftercare_days", access.aftercare_days),
    ] {
        if v == 0 {
            err(Some("access"), key, "must be at least 1".into());
        }
    }
    let hours = [
        access.life_threatening_emergency_hours,
        access.non_life_threatening_emergency_hours,
        access.urgent_hours,
    ];
    if !hours.is_sorted() {
        err(
            Some("access"),
            "urgent_hours",
            format!(
                "the hour standards must not shorten as urgency falls: life-threatening {}, \
                 non-life-threatening {}, urgent {}",
                hours[0], hours[1], hours[2]
            ),
        );
    }
    let mut previous: Option<Decimal> = None;
    let mut names = std::collections::BTreeSet::new();
    for t in &scale.tiers {
        if t.name.trim().is_empty() {
            err(Some("sliding_fee"), "name", "must not be empty".into());
        } else if !names.insert(t.name.as_str()) {
            err(
                Some("sliding_fee"),
                "name",
                format!("tier {:?} is listed twice", t.name),
            );
        }
        if t.up_to_percent <= Decimal::ZERO || previous.is_some_and(|p| t.up_to_percent <= p) {
            err(
                Some("sliding_fee"),
                "up_to_percent",
                format!(
                    "tier {:?}: {} must be above 0 and above the previous tier's",
                    t.name, t.up_to_percent
                ),
            );
        }
        if t.member_fee_percent < Decimal::ZERO || t.member_fee_percent > Decimal::ONE_HUNDRED {
            err(
                Some("sliding_fee"),
                "member_fee_percent",
                format!(
                    "tier {:?}: {} is not between 0 and 100",
                    t.name, t.member_fee_percent
                ),
            );
        }
        previous = Some(t.up_to_percent);
    }
}
