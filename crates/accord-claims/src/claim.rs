//! The claim as the engine receives it: what an 837P/837I (or the API/portal) carries, already
//! parsed into Accord's valid-by-construction identifiers. The shell (intake) builds it; the
//! engine never reads X12.

use accord_core::{
    Date, Icd10Code, MemberId, Modifier, Money, Npi, PlaceOfService, ProcedureCode, RevenueCode,
    Units,
};
use serde::{Deserialize, Serialize};

/// Professional (837P / CMS-1500) or institutional (837I / UB-04).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimKind {
    /// 837P.
    Professional,
    /// 837I.
    Institutional,
}

/// Claim frequency (CLM05-3), CLM-10.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "code")]
pub enum Frequency {
    /// `1`: original claim.
    Original,
    /// `7`: replacement of a prior claim (corrected claim).
    Corrected {
        /// Tracking number of the claim replaced (REF*F8).
        original: String,
    },
    /// `8`: void / cancel of a prior claim.
    Void {
        /// Tracking number of the claim voided (REF*F8).
        original: String,
    },
}

impl Frequency {
    /// The tracking number this claim replaces or voids, if any.
    pub fn original(&self) -> Option<&str> {
        match self {
            Frequency::Original => None,
            Frequency::Corrected { original } | Frequency::Void { original } => Some(original),
        }
    }
}

/// One claim adjustment (CAS) reported by a prior payer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorAdjustment {
    /// Group code as the prior payer reported it (`CO`, `PR`, `OA`, `PI`).
    pub group: String,
    /// CARC as reported.
    pub reason: String,
    /// Amount.
    pub amount: Money,
}

/// The primary (prior) payer's adjudication, sent with a secondary claim (PAY-03: its EOB
/// accompanies the claim).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherPayer {
    /// Prior payer name.
    pub payer_name: String,
    /// Prior payer ID.
    pub payer_id: String,
    /// Claim-level amount the prior payer paid (used when lines carry no amount of their own).
    pub paid: Money,
    /// Adjudication / determination date (CLM-02 for secondary claims).
    pub determination_date: Date,
    /// Claim-level adjustments the prior payer reported.
    pub adjustments: Vec<PriorAdjustment>,
}

/// What the provider's record says about a line (documentation flags).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineDocumentation {
    /// CLM-09: start and stop times are in the record. `None`: not stated (flagged for audit);
    /// `Some(false)`: stated missing (pended for documentation).
    pub start_stop_recorded: Option<bool>,
    /// CLM-11: the service was performed by an intern, resident or assistant.
    pub performed_by_trainee: bool,
}

/// One service line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimLine {
    /// Line number as billed (LX01), 1-based.
    pub number: u32,
    /// Procedure code (HCPCS/CPT).
    pub procedure: ProcedureCode,
    /// Modifiers in billed order (at most four).
    pub modifiers: Vec<Modifier>,
    /// Revenue code (institutional lines).
    pub revenue_code: Option<RevenueCode>,
    /// Units or days billed.
    pub units: Units,
    /// Billed charge for the line.
    pub charge: Money,
    /// Date of service (first date).
    pub service_from: Date,
    /// Last date when the line spans dates (institutional per diem); `None`: one date.
    pub service_to: Option<Date>,
    /// Rendering provider for this line when it differs from the claim's.
    pub rendering_npi: Option<Npi>,
    /// Place of service for this line when it differs from the claim's.
    pub place_of_service: Option<PlaceOfService>,
    /// Amount the prior payer paid for this line (SVD02), for secondary claims.
    pub other_payer_paid: Option<Money>,
    /// Amounts the member paid out of pocket for this line (state-funded sliding fee, PAY-05).
    pub self_pay_collected: Money,
    /// Documentation flags.
    pub documentation: LineDocumentation,
}

/// A claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    /// Accord's tracking number (CLM-01).
    pub tracking: String,
    /// Professional or institutional.
    pub kind: ClaimKind,
    /// Original, corrected or void (CLM-10).
    pub frequency: Frequency,
    /// Member ID as billed.
    pub member_id: MemberId,
    /// Billing provider.
    pub billing_npi: Npi,
    /// Claim-level rendering provider (professional).
    pub rendering_npi: Option<Npi>,
    /// Supervising provider (CLM-11).
    pub supervising_npi: Option<Npi>,
    /// Attending provider (institutional).
    pub attending_npi: Option<Npi>,
    /// Pay-to provider when different from billing.
    pub pay_to_npi: Option<Npi>,
    /// Claim-level place of service (professional).
    pub place_of_service: Option<PlaceOfService>,
    /// Type of bill (institutional, e.g. `0861`, `0111`).
    pub bill_type: Option<String>,
    /// Admission date (inpatient/residential; PAY-01 prices per diems on it).
    pub admission_date: Option<Date>,
    /// Discharge date (CLM-02 counts inpatient/residential filing from it).
    pub discharge_date: Option<Date>,
    /// Statement period (institutional).
    pub statement_from: Option<Date>,
    /// Statement period end.
    pub statement_to: Option<Date>,
    /// Date Accord received the claim (CLM-01).
    pub received: Date,
    /// Diagnoses, principal first.
    pub diagnoses: Vec<Icd10Code>,
    /// Prior-authorization number given on the claim (REF*G1), if any.
    pub prior_auth_ref: Option<String>,
    /// Emergency / urgent service or admission (UM-07): 837P line EMG indicator or 837I admission
    /// type 1/2.
    pub emergency: bool,
    /// The primary payer's adjudication, for secondary claims (PAY-03).
    pub other_payer: Option<OtherPayer>,
    /// Service lines.
    pub lines: Vec<ClaimLine>,
}

impl Claim {
    /// The rendering NPI for a line: the line's, else the claim's, else the attending, else the
    /// billing provider.
    pub fn rendering_for<'c>(&'c self, line: &'c ClaimLine) -> &'c Npi {
        line.rendering_npi
            .as_ref()
            .or(self.rendering_npi.as_ref())
            .or(self.attending_npi.as_ref())
            .unwrap_or(&self.billing_npi)
    }

    /// The place of service for a line: the line's, else the claim's.
    pub fn place_for<'c>(&'c self, line: &'c ClaimLine) -> Option<&'c PlaceOfService> {
        line.place_of_service
            .as_ref()
            .or(self.place_of_service.as_ref())
    }

    /// Total billed (saturating: absurd charges are rejected at the clean-claim step, but the
    /// total of a rejected claim must still never overflow).
    pub fn total_charge(&self) -> Money {
        let total = self
            .lines
            .iter()
            .try_fold(rust_decimal::Decimal::ZERO, |acc, l| {
                acc.checked_add(l.charge.amount())
            });
        Money::new(total.unwrap_or(rust_decimal::Decimal::MAX))
    }
}
