//! PAY-05 state non-Medicaid funds, pure: where a member falls on the state sliding fee scale, and
//! what a provider may bill the state for a service.
//!
//! PAY-05 (seed 002): the state is the payer of last resort. Bill the rate less third-party
//! collections. Members on the sliding fee scale (income at or below the scale's ceiling, a percent
//! of the federal poverty guideline for the family size): the provider keeps self-pay and bills
//! 100% of the rate; above the scale, self-pay is deducted like third-party collections. Services
//! a member's insurer does not cover are billable to the state with the insurer's denial on file.

use accord_core::Money;
use accord_plan::{PovertyGuidelines, SlidingFeeScale};
use rust_decimal::Decimal;
use serde::Serialize;

/// Why a PAY-05 computation cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FundingError {
    /// `poverty_guidelines.csv` has no figure for the year and family size.
    #[error("family_size: no poverty guideline for {year} and a family of {family_size}")]
    NoGuideline {
        /// Year.
        year: i16,
        /// Family size.
        family_size: u32,
    },
    /// Income below zero.
    #[error("annual_income: {0} must not be negative")]
    NegativeIncome(Money),
    /// An amount below zero.
    #[error("{field}: {amount} must not be negative")]
    NegativeAmount {
        /// Which amount.
        field: &'static str,
        /// Its value.
        amount: Money,
    },
    /// The plan has no sliding fee tiers.
    #[error("sliding_fee: the plan has no sliding fee tiers")]
    NoTiers,
    /// A service the insurer does not cover needs the insurer's denial on file.
    #[error(
        "insurer_denial: the insurer does not cover this service and its denial is not on file; \
         file the denial, then bill the state"
    )]
    DenialNotOnFile,
}

/// Where a member falls on the sliding fee scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Placement {
    /// Income as a percent of the poverty guideline, four places (so 200.0031% does not read
    /// as 200%).
    pub percent_of_guideline: Decimal,
    /// The tier (`None`: above the scale).
    pub tier: Option<String>,
    /// The tier's member fee, percent of the rate (100 above the scale).
    pub member_fee_percent: Decimal,
}

impl Placement {
    /// On the scale (at or below its ceiling).
    pub fn on_scale(&self) -> bool {
        self.tier.is_some()
    }
}

/// PAY-05: the member's tier from annual household income and family size in `year`: the first
/// tier whose `up_to_percent` is at or above the income's percent of the guideline (exactly at a
/// tier's limit is in that tier); above the last tier the member is above the scale.
pub fn sliding_fee_tier(
    guidelines: &PovertyGuidelines,
    scale: &SlidingFeeScale,
    year: i16,
    family_size: u32,
    annual_income: Money,
) -> Result<Placement, FundingError> {
    if annual_income.is_negative() {
        return Err(FundingError::NegativeIncome(annual_income));
    }
    if scale.tiers.is_empty() {
        return Err(FundingError::NoTiers);
    }
    let pct = guidelines
        .percent_of_guideline(year, family_size, annual_income)
        .ok_or(FundingError::NoGuideline { year, family_size })?;
    let tier = scale.tiers.iter().find(|t| pct <= t.up_to_percent);
    Ok(Placement {
        percent_of_guideline: pct.round_dp(4).normalize(),
        tier: tier.map(|t| t.name.clone()),
        member_fee_percent: tier.map_or(Decimal::ONE_HUNDRED, |t| t.member_fee_percent),
    })
}

/// What the member's other insurance did with the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OtherInsurance {
    /// No other insurance, or it paid what it paid (its collections are deducted).
    CoveredOrNone,
    /// The insurer does not cover the service.
    NotCovered {
        /// The insurer's denial is on file.
        denial_on_file: bool,
    },
}

/// One service billed to the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateService {
    /// The state's rate for the service (the Rule 132 rate), payment in full.
    pub rate: Money,
    /// Collected from third parties (insurers).
    pub third_party_collected: Money,
    /// Collected from the member.
    pub self_pay_collected: Money,
    /// The member is on the sliding fee scale ([`Placement::on_scale`]).
    pub on_sliding_scale: bool,
    /// The other insurance's answer.
    pub other_insurance: OtherInsurance,
}

/// The amount billable to the state, with what was deducted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StateBillable {
    /// The rate.
    pub rate: Money,
    /// Third-party collections deducted.
    pub third_party_deducted: Money,
    /// Self-pay deducted (above the scale).
    pub self_pay_deducted: Money,
    /// Self-pay the provider keeps without deduction (on the scale).
    pub self_pay_kept: Money,
    /// Billable to the state, never below zero.
    pub billable: Money,
    /// In words, citing PAY-05.
    pub explanation: String,
}

/// PAY-05: the amount billable to the state for one service.
pub fn state_billable(s: &StateService) -> Result<StateBillable, FundingError> {
    for (field, amount) in [
        ("rate", s.rate),
        ("third_party_collected", s.third_party_collected),
        ("self_pay_collected", s.self_pay_collected),
    ] {
        if amount.is_negative() {
            return Err(FundingError::NegativeAmount { field, amount });
        }
    }
    if s.other_insurance
        == (OtherInsurance::NotCovered {
            denial_on_file: false,
        })
    {
        return Err(FundingError::DenialNotOnFile);
    }
    let (self_pay_deducted, self_pay_kept) = if s.on_sliding_scale {
        (Money::ZERO, s.self_pay_collected)
    } else {
        (s.self_pay_collected, Money::ZERO)
    };
    let billable = (s.rate - s.third_party_collected - self_pay_deducted)
        .floor_zero()
        .round_cents();
    let explanation = if s.on_sliding_scale {
        format!(
            "PAY-05: rate {} less third-party collections {}; the member is on the sliding fee \
             scale, so the provider keeps self-pay {}: bill the state {billable}",
            s.rate, s.third_party_collected, s.self_pay_collected
        )
    } else {
        format!(
            "PAY-05: rate {} less third-party collections {} less self-pay {} (the member is \
             above the sliding fee scale): bill the state {billable}",
            s.rate, s.third_party_collected, s.self_pay_collected
        )
    };
    Ok(StateBillable {
        rate: s.rate,
        third_party_deducted: s.third_party_collected,
        self_pay_deducted,
        self_pay_kept,
        billable,
        explanation,
    })
}
