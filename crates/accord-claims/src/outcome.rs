//! What the engine returns: per-line and per-claim outcomes with the CARC/RARC and group codes an
//! 835 carries (PAY-06), the 277CA rejection reasons for claims that fail clean-claim checks, the
//! CLM-10 reversal, and the explanation trace.

use accord_core::{Date, Money, ProcedureCode};
use std::borrow::Cow;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A short code (CARC, RARC, rule ID, queue name): static in the engine, owned when read back.
pub type Code = Cow<'static, str>;

/// Claim adjustment group code (CAS01).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Group {
    /// Contractual obligation: the provider writes it off.
    CO,
    /// Patient responsibility.
    PR,
    /// Other adjustment (e.g. the prior payer's payment, CARC 23).
    OA,
    /// Payer-initiated reduction.
    PI,
}

impl Group {
    /// The X12 code.
    pub fn as_str(self) -> &'static str {
        match self {
            Group::CO => "CO",
            Group::PR => "PR",
            Group::OA => "OA",
            Group::PI => "PI",
        }
    }
}

/// One adjustment on a line (CAS group, reason, amount, units).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustment {
    /// Group code.
    pub group: Group,
    /// Claim adjustment reason code, e.g. `119`, `B7`.
    pub carc: Code,
    /// Remittance advice remark code, when one adds information (e.g. `N362`).
    pub rarc: Option<Code>,
    /// Amount adjusted (positive reduces payment).
    pub amount: Money,
    /// Units denied by this adjustment, when units were cut.
    pub units: Option<Decimal>,
}

/// The outcome of one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineStatus {
    /// Paid in full of the allowed amount (possibly zero after COB).
    Paid,
    /// Some units allowed, some denied.
    PartiallyPaid,
    /// Nothing allowed.
    Denied,
    /// Held for a person; see [`Pend`].
    Pended,
}

/// Why and where a line waits for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pend {
    /// Work queue, e.g. `documentation`, `pricing`, `cob`.
    pub queue: Code,
    /// Reason shown to staff and provider.
    pub reason: String,
}

/// The decision on one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineDecision {
    /// Line number as billed.
    pub number: u32,
    /// Procedure code.
    pub procedure: ProcedureCode,
    /// Modifiers as billed.
    pub modifiers: Vec<String>,
    /// Date of service.
    pub service_date: Date,
    /// Outcome.
    pub status: LineStatus,
    /// Billed charge.
    pub billed: Money,
    /// Units billed.
    pub units_billed: Decimal,
    /// Units allowed.
    pub units_allowed: Decimal,
    /// Fee-schedule rate per unit used (PAY-01), when priced.
    pub rate: Option<Money>,
    /// Allowed amount (PAY-01): lesser of billed and rate × units allowed.
    pub allowed: Money,
    /// Amount the plan pays.
    pub paid: Money,
    /// Member responsibility (PR adjustments).
    pub patient_responsibility: Money,
    /// Adjustments; `billed == paid + Σ amount` (the 835 balancing identity).
    pub adjustments: Vec<Adjustment>,
    /// Pend details when pended.
    pub pend: Option<Pend>,
    /// Remarks that do not change payment (e.g. CLM-09 documentation flag for audit).
    pub flags: Vec<String>,
    /// CLM-07, UM-04: the authorizations this line used and the units it took from each; the
    /// shell counts them as used so later claims see what is left.
    #[serde(default)]
    pub authorizations: Vec<(String, Decimal)>,
}

impl LineDecision {
    /// Sum of all adjustments.
    pub fn adjusted(&self) -> Money {
        self.adjustments.iter().map(|a| a.amount).sum()
    }
}

/// 835 CLP02 claim status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    /// `1`: processed as primary.
    ProcessedPrimary,
    /// `2`: processed as secondary (a prior payer's adjudication was applied).
    ProcessedSecondary,
    /// `4`: denied.
    Denied,
    /// `22`: reversal of previous payment (CLM-10).
    Reversal,
    /// Not on an 835 yet: at least one line is pended.
    Pended,
    /// Not adjudicated: failed clean-claim checks; answered on the 277CA.
    Rejected,
}

impl ClaimStatus {
    /// CLP02 code, when the status goes on an 835.
    pub fn clp02(self) -> Option<&'static str> {
        match self {
            ClaimStatus::ProcessedPrimary => Some("1"),
            ClaimStatus::ProcessedSecondary => Some("2"),
            ClaimStatus::Denied => Some("4"),
            ClaimStatus::Reversal => Some("22"),
            ClaimStatus::Pended | ClaimStatus::Rejected => None,
        }
    }
}

/// 277CA claim status category for a rejection (STC01-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RejectCategory {
    /// A6: rejected for missing information.
    A6,
    /// A7: rejected for invalid information.
    A7,
    /// A8: rejected for a relational field in error.
    A8,
}

/// One reason a claim was rejected before adjudication (CLM-03, CLM-04).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// 277CA category.
    pub category: RejectCategory,
    /// Rule cited.
    pub rule: Code,
    /// Line number, when the problem is on a line.
    pub line: Option<u32>,
    /// Plain-language reason.
    pub message: String,
}

/// One entry of the explanation trace: a rule applied, in pipeline order, with the facts used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceStep {
    /// Pipeline step, e.g. `eligibility`, `benefit_limits`.
    pub step: Code,
    /// Rule ID(s) applied, e.g. `CLM-08`.
    pub rule: Code,
    /// Line number, or `None` for the whole claim.
    pub line: Option<u32>,
    /// What was found and decided, with the facts used, in plain language (the line's code and
    /// date are not repeated: see `line`).
    pub text: Code,
}

/// The CLM-10 reversal of an earlier claim's payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reversal {
    /// Tracking number of the claim reversed.
    pub original_tracking: String,
    /// CLP02 `22`.
    pub status: ClaimStatus,
    /// The original lines with every amount negated.
    pub lines: Vec<LineDecision>,
    /// Total reversed (negative of the original payment).
    pub paid: Money,
}

/// The engine's answer for one claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// Tracking number.
    pub tracking: String,
    /// Claim status (CLP02 where it goes on an 835).
    pub status: ClaimStatus,
    /// 277CA reasons when rejected (empty otherwise).
    pub rejections: Vec<Rejection>,
    /// Line decisions (empty when rejected or void).
    pub lines: Vec<LineDecision>,
    /// Total billed.
    pub billed: Money,
    /// Total allowed.
    pub allowed: Money,
    /// Total paid by the plan for this claim (not counting the reversal).
    pub paid: Money,
    /// Total member responsibility.
    pub patient_responsibility: Money,
    /// CLM-10: the reversal of the original claim, for corrected and void claims.
    pub reversal: Option<Reversal>,
    /// Every rule applied, in order. Keep it the last field: the store keeps traces apart and
    /// puts them back at the end of the decision's JSON.
    pub trace: Vec<TraceStep>,
}

impl Decision {
    /// The trace as JSON (the serde form the store and the API keep).
    pub fn trace_json(&self) -> String {
        serde_json::to_string(&self.trace).unwrap_or_else(|_| "[]".to_owned())
    }

    /// Net effect of this decision including the reversal (new payment minus the reversed one).
    pub fn net_paid(&self) -> Money {
        self.paid + self.reversal.as_ref().map_or(Money::ZERO, |r| r.paid)
    }
}
