//! Typed 837 claim data, as read by [`crate::r837`] and written by [`crate::w837`].
//!
//! Identifiers stay validated strings (Accord's domain types live elsewhere);
//! money and quantities are `Decimal`. Situational segments that the typed
//! model does not name are kept verbatim in `other_segments` so nothing present
//! in a file is dropped.

use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Serialize;

/// Professional (837P) or institutional (837I) claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub enum ClaimKind {
    #[default]
    Professional,
    Institutional,
}

impl ClaimKind {
    /// Base implementation guide version written by Accord.
    pub fn version(self) -> &'static str {
        match self {
            ClaimKind::Professional => "005010X222A1",
            ClaimKind::Institutional => "005010X223A2",
        }
    }

    /// Recognises the TR3 versions Accord reads, errata included.
    pub fn from_version(v: &str) -> Option<Self> {
        match v {
            "005010X222A1" | "005010X222A2" | "005010X222" => Some(ClaimKind::Professional),
            "005010X223A2" | "005010X223A3" | "005010X223A1" | "005010X223" => {
                Some(ClaimKind::Institutional)
            }
            _ => None,
        }
    }
}

/// A reference (REF): qualifier and value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Ref {
    pub qualifier: String,
    pub value: String,
}

/// A street address (N3/N4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Address {
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

/// A contact (PER): function code, name and communication numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Contact {
    pub function: String,
    pub name: Option<String>,
    /// (qualifier, number) pairs: TE, EM, FX, EX.
    pub numbers: Vec<(String, String)>,
}

/// A person or organisation (NM1 loop): submitter, receiver, provider, subscriber, payer…
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Entity {
    /// NM101 entity identifier code (41, 40, 85, 87, IL, PR, QC, 82, 71, DN…).
    pub entity_code: String,
    /// NM102: 1 person, 2 non-person.
    pub entity_type: String,
    /// NM103 last or organisation name.
    pub name: String,
    pub first_name: Option<String>,
    pub middle_name: Option<String>,
    pub suffix: Option<String>,
    /// NM108 (XX = NPI, MI = member id, PI = payer id, 46 = ETIN…).
    pub id_qualifier: Option<String>,
    pub id: Option<String>,
    pub address: Option<Address>,
    pub refs: Vec<Ref>,
    pub contacts: Vec<Contact>,
    /// PRV: (provider code, taxonomy).
    pub taxonomy: Option<(String, String)>,
    /// DMG: birth date CCYYMMDD and gender.
    pub birth_date: Option<String>,
    pub gender: Option<String>,
    /// Dates attached to this entity (e.g. 2330B DTP*573 adjudication date).
    pub dates: Vec<DateRef>,
    /// Other segments of this loop, verbatim (elements separated by `*`).
    pub other_segments: Vec<String>,
}

/// A date or period (DTP, or DTP-like): qualifier, format (D8 / RD8 / DT) and value as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct DateRef {
    pub qualifier: String,
    pub format: String,
    pub value: String,
}

impl DateRef {
    /// First date (start of a period), as `jiff::civil::Date` if well-formed.
    pub fn start(&self) -> Option<jiff::civil::Date> {
        crate::validate::parse_ccyymmdd(self.value.get(..8)?)
    }
    /// Last date (end of a period or the single date).
    pub fn end(&self) -> Option<jiff::civil::Date> {
        if self.format == "RD8" {
            crate::validate::parse_ccyymmdd(self.value.get(9..17)?)
        } else {
            self.start()
        }
    }
}

/// A code from an HI segment: diagnosis (ABK/ABF/ABJ/APR/ABN, BK/BF), procedure, occurrence, value, condition code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct HealthCode {
    /// HI0x-01 code list qualifier (ABK principal, ABF other, ABJ admitting, APR reason for visit…).
    pub qualifier: String,
    pub code: String,
    pub date_format: Option<String>,
    pub date: Option<String>,
    pub amount: Option<Decimal>,
    /// HI0x-09 present-on-admission indicator (institutional).
    pub present_on_admission: Option<String>,
}

impl HealthCode {
    pub fn is_diagnosis(&self) -> bool {
        matches!(
            self.qualifier.as_str(),
            "ABK" | "ABF" | "ABJ" | "APR" | "ABN" | "BK" | "BF" | "BJ" | "PR" | "BN"
        )
    }
}

/// One CAS adjustment: reason code, amount, quantity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Adjustment {
    pub reason: String,
    pub amount: Decimal,
    pub quantity: Option<Decimal>,
}

/// A CAS segment: group code (CO/PR/OA/PI/CR) and up to six adjustments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct AdjustmentGroup {
    pub group: String,
    pub adjustments: Vec<Adjustment>,
}

/// Loops 2320/2330: another payer that already adjudicated the claim (COB).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct OtherSubscriber {
    /// SBR01 payer responsibility sequence (P/S/T…).
    pub responsibility: String,
    /// SBR02 individual relationship code.
    pub relationship: String,
    pub group_number: Option<String>,
    pub group_name: Option<String>,
    pub insurance_type: Option<String>,
    pub claim_filing: Option<String>,
    pub adjustments: Vec<AdjustmentGroup>,
    /// AMT*D: what the other payer paid.
    pub payer_paid: Option<Decimal>,
    /// Other AMT segments (A8 non-covered, EAF remaining patient liability).
    pub amounts: Vec<(String, Decimal)>,
    /// OI/MIA/MOA segments verbatim.
    pub other_segments: Vec<String>,
    /// 2330A other subscriber.
    pub subscriber: Option<Entity>,
    /// 2330B other payer; its dates hold DTP*573 (adjudication date).
    pub payer: Option<Entity>,
    /// 2330C-I other payer providers.
    pub other_entities: Vec<Entity>,
}

impl OtherSubscriber {
    /// DTP*573 date claim paid (adjudication date) from 2330B.
    pub fn adjudication_date(&self) -> Option<&str> {
        self.payer
            .as_ref()?
            .dates
            .iter()
            .find(|d| d.qualifier == "573")
            .map(|d| d.value.as_str())
    }
}

/// Loop 2430: line adjudication by another payer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct LineAdjudication {
    /// SVD01 other payer primary identifier.
    pub payer_id: String,
    pub paid: Decimal,
    /// SVD03 composite verbatim (qualifier:code:modifiers).
    pub procedure: String,
    pub revenue_code: Option<String>,
    pub paid_units: Option<Decimal>,
    pub bundled_line: Option<String>,
    pub adjustments: Vec<AdjustmentGroup>,
    /// DTP*573 adjudication date.
    pub adjudication_date: Option<String>,
    pub other_segments: Vec<String>,
}

/// A procedure code with qualifier (HC, HP, ER, WK, IV…) and up to four modifiers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Procedure {
    pub qualifier: String,
    pub code: String,
    pub modifiers: Vec<String>,
    pub description: Option<String>,
}

/// Loop 2400: one service line (SV1 professional, SV2 institutional).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct ServiceLine {
    /// LX01.
    pub line_number: u32,
    /// SV2-01 revenue code (institutional).
    pub revenue_code: Option<String>,
    pub procedure: Option<Procedure>,
    pub charge: Decimal,
    /// UN units, MJ minutes, DA days.
    pub unit_basis: String,
    pub units: Option<Decimal>,
    /// SV1-05 place of service when it differs from the claim's.
    pub place_of_service: Option<String>,
    /// SV1-07 diagnosis code pointers (1-12).
    pub diagnosis_pointers: Vec<String>,
    /// SV1-09 emergency indicator, SV1-11 EPSDT, SV1-12 family planning.
    pub emergency: Option<String>,
    /// SV2-07 non-covered charge.
    pub non_covered: Option<Decimal>,
    pub dates: Vec<DateRef>,
    pub refs: Vec<Ref>,
    pub amounts: Vec<(String, Decimal)>,
    pub notes: Vec<(String, String)>,
    /// 2420 line providers.
    pub providers: Vec<Entity>,
    /// 2430 line adjudication (COB).
    pub adjudications: Vec<LineAdjudication>,
    /// Other segments of the line (LIN/CTP drug, PWK, CR1, QTY, MEA, HCP…), verbatim.
    pub other_segments: Vec<String>,
}

impl ServiceLine {
    /// DTP*472 service date (or period) of the line.
    pub fn service_date(&self) -> Option<&DateRef> {
        self.dates.iter().find(|d| d.qualifier == "472")
    }
}

/// Loop 2000B: the subscriber and the destination payer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Subscriber {
    pub responsibility: String,
    pub relationship: Option<String>,
    pub group_number: Option<String>,
    pub group_name: Option<String>,
    pub insurance_type: Option<String>,
    pub claim_filing: Option<String>,
    /// 2010BA.
    pub person: Entity,
    /// 2010BB.
    pub payer: Entity,
    /// PAT segment when the subscriber is the patient, other segments, verbatim.
    pub other_segments: Vec<String>,
}

/// Loop 2000C: a patient who is not the subscriber.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Patient {
    /// PAT01 relationship to the subscriber.
    pub relationship: String,
    pub person: Entity,
    pub other_segments: Vec<String>,
}

/// Loop 2000A: billing provider hierarchy level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct BillingProvider {
    /// 2010AA.
    pub provider: Entity,
    /// 2010AB pay-to address.
    pub pay_to: Option<Entity>,
    /// 2010AC pay-to plan.
    pub pay_to_plan: Option<Entity>,
    /// PRV/CUR at the 2000A level.
    pub taxonomy: Option<(String, String)>,
    pub other_segments: Vec<String>,
}

/// Where the claim came from, for acknowledgments and tracing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Provenance {
    pub interchange_control: String,
    pub group_control: String,
    pub set_control: String,
    /// ST03 / GS08 version as received.
    pub version: String,
    /// BHT03 originator reference, BHT04 date, BHT06 type (CH/RP).
    pub bht_reference: String,
    pub bht_date: String,
    pub bht_type: String,
    /// Segment ordinal of CLM in the file.
    pub clm_segment: u64,
}

/// One claim (loop 2300) with everything above it in the hierarchy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Claim {
    pub kind: ClaimKind,
    pub provenance: Provenance,
    /// The hierarchy above the claim is shared (`Arc`) between the claims under it:
    /// reading a claim does not copy its billing provider or subscriber.
    pub submitter: Arc<Entity>,
    pub receiver: Arc<Entity>,
    pub billing: Arc<BillingProvider>,
    pub subscriber: Arc<Subscriber>,
    pub patient: Option<Arc<Patient>>,
    /// CLM01 patient control number.
    pub claim_id: String,
    /// CLM02 total charge.
    pub total_charge: Decimal,
    /// CLM05-1 place of service (837P) or facility type code (837I, first two digits of bill type).
    pub facility_code: String,
    /// CLM05-2: B place of service, A uniform billing facility type.
    pub facility_qualifier: String,
    /// CLM05-3 frequency: 1 original, 7 replacement, 8 void.
    pub frequency_code: String,
    pub provider_signature: Option<String>,
    pub assignment: Option<String>,
    pub benefits_assigned: Option<String>,
    pub release_of_information: Option<String>,
    pub patient_signature_source: Option<String>,
    /// CLM11 related causes (AA auto accident, EM, OA) and state.
    pub related_causes: Option<String>,
    pub special_program: Option<String>,
    pub delay_reason: Option<String>,
    /// DTP segments of 2300 (431 onset, 435 admission, 096 discharge, 434 statement period, 472…).
    pub dates: Vec<DateRef>,
    /// CL1 institutional claim code: admission type, source, patient status.
    pub admission_type: Option<String>,
    pub admission_source: Option<String>,
    pub patient_status: Option<String>,
    /// All HI codes in order (diagnoses and institutional procedures/occurrences/values).
    pub health_codes: Vec<HealthCode>,
    /// REF (G1 prior authorization, F8 payer claim control number of the original, D9, EA…).
    pub refs: Vec<Ref>,
    /// AMT (F5 patient amount paid…).
    pub amounts: Vec<(String, Decimal)>,
    /// NTE (code, text).
    pub notes: Vec<(String, String)>,
    /// 2310 providers (82 rendering, 71 attending, 72 operating, DN referring, 77 facility…).
    pub providers: Vec<Entity>,
    /// 2320/2330.
    pub other_subscribers: Vec<OtherSubscriber>,
    /// 2400.
    pub lines: Vec<ServiceLine>,
    /// Other 2300 segments verbatim (PWK, CN1, K3, CR1, CRC, HCP…).
    pub other_segments: Vec<String>,
}

impl Claim {
    fn reference(&self, q: &str) -> Option<&str> {
        self.refs
            .iter()
            .find(|r| r.qualifier == q)
            .map(|r| r.value.as_str())
    }
    /// REF*G1 prior authorization.
    pub fn prior_authorization(&self) -> Option<&str> {
        self.reference("G1")
    }
    /// REF*F8 payer claim control number of the claim being replaced or voided.
    pub fn original_reference(&self) -> Option<&str> {
        self.reference("F8")
    }
    pub fn date(&self, qualifier: &str) -> Option<&DateRef> {
        self.dates.iter().find(|d| d.qualifier == qualifier)
    }
    /// Diagnoses only, in order (principal first).
    pub fn diagnoses(&self) -> impl Iterator<Item = &HealthCode> {
        self.health_codes.iter().filter(|h| h.is_diagnosis())
    }
    /// Patient: the 2000C patient, or the subscriber when PAT is absent.
    pub fn patient_entity(&self) -> &Entity {
        self.patient
            .as_ref()
            .map(|p| &p.person)
            .unwrap_or(&self.subscriber.person)
    }
    /// Bill type (837I): facility code + frequency code, e.g. "0111" → "111".
    pub fn bill_type(&self) -> String {
        format!("{}{}", self.facility_code, self.frequency_code)
    }
    /// First provider with the given NM101 code (82 rendering, 71 attending, DN referring).
    pub fn provider(&self, code: &str) -> Option<&Entity> {
        self.providers.iter().find(|p| p.entity_code == code)
    }
}
