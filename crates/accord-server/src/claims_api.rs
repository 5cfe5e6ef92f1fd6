//! Claims as JSON (CLM-01…CLM-04): one professional or institutional claim in a JSON body, for
//! practice systems that do not speak X12. The claim is written as an 837 in memory and received
//! by exactly the intake `POST /api/v1/claims/837` and `accord claims submit` use — the same 999
//! and 277CA, the same clean-claim checks against the members and providers on file, stored with a
//! tracking number before the answer, rejected claims kept with their reasons.
//!
//! What this module refuses itself (400, naming the field, nothing stored) is only what would make
//! the 837 unwritable or ambiguous: missing or mistyped fields, X12 separators or control
//! characters in a value, no lines, a corrected claim without its original. Everything the intake
//! judges (member and NPI on file, code formats, dates) is judged there, so a JSON claim and an
//! 837 claim with the same content get the same answer.

use std::sync::Arc;

use accord_core::Date;
use accord_service::intake::{IntakeReference, Numbering, submit};
use accord_x12::model::{
    Address, BillingProvider, Claim, ClaimKind, Contact, DateRef, Entity, HealthCode, Procedure,
    Ref, ServiceLine, Subscriber,
};
use accord_x12::write::{Envelope, ccyymmdd};
use axum::Json;
use axum::extract::State;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::audit;
use crate::auth::{Caller, Role};
use crate::error::{ApiError, ApiErrorBody, ApiJson};

/// The sender every JSON claim is received from (NM1*41 and the ISA sender).
pub const JSON_SENDER: &str = "ACCORDAPI";

/// Most service lines on one claim (the 837P limit; an 837I allows more, but a JSON claim of more
/// than 50 lines is better sent as an 837).
pub const MAX_LINES: usize = 50;

/// Most diagnoses on one claim (the HI segments' twelve).
pub const MAX_DIAGNOSES: usize = 12;

/// One JSON claim submission is received at a time in this process, so the interchange control
/// number it is given (the next tracking sequence) is never handed out twice.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Professional (837P) or institutional (837I).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JsonClaimKind {
    /// An 837P claim: place of service, procedure lines with one date each.
    Professional,
    /// An 837I claim: type of bill, statement period, revenue-code lines.
    Institutional,
}

/// Whether the claim is new, replaces or voids one on file (CLM-10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JsonFrequency {
    /// A new claim (frequency 1).
    #[default]
    Original,
    /// Replaces `original_claim` (frequency 7).
    Corrected,
    /// Voids `original_claim` (frequency 8).
    Void,
}

/// A postal address.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JsonAddress {
    /// Street.
    pub line1: String,
    /// Second line.
    #[serde(default)]
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// State (two letters).
    pub state: String,
    /// ZIP code (5 or 9 digits).
    pub zip: String,
}

/// The billing provider (loop 2010AA).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JsonBillingProvider {
    /// NPI. A provider user may only bill as one of its organisation's NPIs.
    pub npi: String,
    /// Organisation name.
    pub name: String,
    /// Federal tax ID (EIN).
    pub tax_id: String,
    /// Provider taxonomy code.
    #[serde(default)]
    pub taxonomy: Option<String>,
    /// Address (required by the 837).
    pub address: JsonAddress,
}

/// A pay-to provider other than the billing provider (loop 2010AB).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JsonPayTo {
    /// NPI of the provider paid.
    pub npi: String,
    /// Name.
    pub name: String,
    /// Address.
    pub address: JsonAddress,
}

/// The member (subscriber, loop 2010BA).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JsonMember {
    /// Member ID as on the card.
    pub id: String,
    /// Last name.
    pub last_name: String,
    /// First name.
    pub first_name: String,
    /// Date of birth.
    #[schema(value_type = String, format = Date)]
    pub birth_date: Date,
    /// `F`, `M` or `U`.
    #[serde(default)]
    pub sex: Option<String>,
}

/// An inpatient or residential admission (institutional).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JsonAdmission {
    /// Admission date.
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    /// Hour of admission, 0–23.
    #[serde(default)]
    pub hour: Option<u8>,
    /// UB admission type code (CL1-01).
    pub admission_type: String,
    /// UB point-of-origin code (CL1-02).
    pub source: String,
}

/// One service line (loop 2400).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JsonLine {
    /// HCPCS/CPT code.
    pub code: String,
    /// Up to four modifiers.
    #[serde(default)]
    pub modifiers: Vec<String>,
    /// Revenue code (institutional lines: required).
    #[serde(default)]
    pub revenue_code: Option<String>,
    /// Units (professional) or days (institutional), e.g. `"4"`.
    #[schema(value_type = String)]
    pub units: Decimal,
    /// Charge for the line, e.g. `"120.00"`.
    #[schema(value_type = String)]
    pub charge: Decimal,
    /// Date of service (first date of a period).
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    /// Last date of a period of service (institutional per-diem lines).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub through: Option<Date>,
    /// The line's place of service when it differs from the claim's (professional).
    #[serde(default)]
    pub place_of_service: Option<String>,
}

/// A claim as JSON (`POST /api/v1/claims`). Field by field it is the 837's claim; see
/// `docs/server.md` for an example of each kind.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JsonClaim {
    /// `professional` or `institutional`.
    pub kind: JsonClaimKind,
    /// The provider's own claim number (CLM01), echoed on the 277CA and 835.
    pub patient_control_number: String,
    /// `original` (default), `corrected` or `void`.
    #[serde(default)]
    pub frequency: JsonFrequency,
    /// The tracking number of the claim corrected or voided (REF*F8).
    #[serde(default)]
    pub original_claim: Option<String>,
    /// The billing provider.
    pub billing_provider: JsonBillingProvider,
    /// The provider paid, when not the billing provider.
    #[serde(default)]
    pub pay_to: Option<JsonPayTo>,
    /// The member.
    pub member: JsonMember,
    /// ICD-10-CM codes, principal first (dots optional).
    pub diagnoses: Vec<String>,
    /// Rendering provider NPI (professional), when not the billing provider.
    #[serde(default)]
    pub rendering_npi: Option<String>,
    /// Attending provider NPI (institutional).
    #[serde(default)]
    pub attending_npi: Option<String>,
    /// Place of service (professional: required).
    #[serde(default)]
    pub place_of_service: Option<String>,
    /// Type of bill, three digits with or without the leading zero (institutional: required);
    /// its last digit is the frequency.
    #[serde(default)]
    pub type_of_bill: Option<String>,
    /// Statement period start (institutional: required).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub statement_from: Option<Date>,
    /// Statement period end (institutional: required).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub statement_through: Option<Date>,
    /// Admission (institutional inpatient and residential stays).
    #[serde(default)]
    pub admission: Option<JsonAdmission>,
    /// UB patient status code (CL1-03; institutional: required).
    #[serde(default)]
    pub patient_status: Option<String>,
    /// Prior authorization number (REF*G1).
    #[serde(default)]
    pub prior_authorization: Option<String>,
    /// Service lines, 1 to 50.
    pub lines: Vec<JsonLine>,
}

/// One claim as the 277CA acknowledged it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimAcknowledgment {
    /// Tracking number (the plan's claim number from now on).
    pub tracking: String,
    /// `accepted` into adjudication, or `rejected` (kept on record with its reasons).
    pub status: String,
    /// The 277CA category: `A2` accepted, or `A6`/`A7`/`A8` for a rejection.
    pub category: String,
    /// Every reason for a rejection: 277CA category, the 837 element, what is wrong and the rule.
    #[schema(value_type = Vec<Object>)]
    pub reasons: serde_json::Value,
}

/// What intake did with a JSON claim.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimReceipt {
    /// Tracking numbers given (one per claim).
    pub tracking: Vec<String>,
    /// The acknowledgment status: `accepted` or `rejected`.
    pub acknowledgment: String,
    /// Per claim: status, 277CA category and reasons.
    pub claims: Vec<ClaimAcknowledgment>,
    /// The acknowledgments as X12, as an 837 sender would receive them: name (`999…`, `277ca.x12`)
    /// and text.
    pub acknowledgments: Vec<(String, String)>,
}

/// Refuses a value that would break the 837 it is written into: X12 separators, control
/// characters, or more than `max` characters. Names the field.
fn x12_text(field: &str, value: &str, max: usize) -> Result<String, ApiError> {
    let v = value.trim();
    if let Some(c) = v
        .chars()
        .find(|c| matches!(c, '*' | ':' | '^' | '~') || !(' '..='~').contains(c))
    {
        return Err(ApiError::invalid(
            field,
            format!(
                "{field}: the character {c:?} is not allowed (X12 separators and non-ASCII characters cannot be sent)"
            ),
        ));
    }
    if v.chars().count() > max {
        return Err(ApiError::invalid(
            field,
            format!("{field}: at most {max} characters"),
        ));
    }
    Ok(v.to_owned())
}

/// Like [`x12_text`], and refuses an empty value.
fn x12_required(field: &str, value: &str, max: usize) -> Result<String, ApiError> {
    let v = x12_text(field, value, max)?;
    if v.is_empty() {
        return Err(ApiError::invalid(field, format!("{field} is required")));
    }
    Ok(v)
}

fn x12_optional(
    field: &str,
    value: Option<&String>,
    max: usize,
) -> Result<Option<String>, ApiError> {
    match value {
        Some(v) => Ok(Some(x12_text(field, v, max)?).filter(|v| !v.is_empty())),
        None => Ok(None),
    }
}

fn required<'a, T>(field: &str, value: Option<&'a T>, why: &str) -> Result<&'a T, ApiError> {
    value.ok_or_else(|| ApiError::invalid(field, format!("{field} is required {why}")))
}

fn address(field: &str, a: &JsonAddress) -> Result<Address, ApiError> {
    Ok(Address {
        line1: x12_required(&format!("{field}.line1"), &a.line1, 55)?,
        line2: x12_optional(&format!("{field}.line2"), a.line2.as_ref(), 55)?,
        city: x12_required(&format!("{field}.city"), &a.city, 30)?,
        state: Some(x12_required(&format!("{field}.state"), &a.state, 2)?),
        postal_code: Some(x12_required(&format!("{field}.zip"), &a.zip, 15)?),
        country: None,
    })
}

fn provider_entity(code: &str, npi: String, name: String) -> Entity {
    Entity {
        entity_code: code.into(),
        entity_type: "2".into(),
        name,
        id_qualifier: Some("XX".into()),
        id: Some(npi),
        ..Entity::default()
    }
}

fn d8(d: Date) -> String {
    ccyymmdd(d)
}

/// The 837 model claim for a JSON claim, or a 400 naming the first field that cannot be written.
/// Pure: the envelope parties come from the plan (`payer_name`, `payer_id`).
pub fn to_837_claim(j: &JsonClaim, payer_name: &str, payer_id: &str) -> Result<Claim, ApiError> {
    let kind = match j.kind {
        JsonClaimKind::Professional => ClaimKind::Professional,
        JsonClaimKind::Institutional => ClaimKind::Institutional,
    };
    let institutional = kind == ClaimKind::Institutional;
    if j.lines.is_empty() {
        return Err(ApiError::invalid(
            "lines",
            "lines: a claim needs at least one service line",
        ));
    }
    if j.lines.len() > MAX_LINES {
        return Err(ApiError::invalid(
            "lines",
            format!("lines: at most {MAX_LINES} lines on one claim; send more as an 837"),
        ));
    }
    if j.diagnoses.is_empty() || j.diagnoses.len() > MAX_DIAGNOSES {
        return Err(ApiError::invalid(
            "diagnoses",
            format!("diagnoses: 1 to {MAX_DIAGNOSES} ICD-10-CM codes, principal first"),
        ));
    }
    let b = &j.billing_provider;
    let mut billing_entity = provider_entity(
        "85",
        x12_required("billing_provider.npi", &b.npi, 10)?,
        x12_required("billing_provider.name", &b.name, 60)?,
    );
    billing_entity.address = Some(address("billing_provider.address", &b.address)?);
    billing_entity.refs.push(Ref {
        qualifier: "EI".into(),
        value: x12_required("billing_provider.tax_id", &b.tax_id, 10)?.replace('-', ""),
    });
    let pay_to = match &j.pay_to {
        Some(p) => {
            let mut e = provider_entity(
                "87",
                x12_required("pay_to.npi", &p.npi, 10)?,
                x12_required("pay_to.name", &p.name, 60)?,
            );
            e.address = Some(address("pay_to.address", &p.address)?);
            Some(e)
        }
        None => None,
    };
    let taxonomy = x12_optional("billing_provider.taxonomy", b.taxonomy.as_ref(), 10)?
        .map(|t| ("BI".to_owned(), t));
    let m = &j.member;
    let sex = x12_optional("member.sex", m.sex.as_ref(), 1)?.unwrap_or_else(|| "U".into());
    if !matches!(sex.as_str(), "F" | "M" | "U") {
        return Err(ApiError::invalid("member.sex", "member.sex: F, M or U"));
    }
    let subscriber = Subscriber {
        responsibility: "P".into(),
        relationship: Some("18".into()),
        claim_filing: Some("MC".into()),
        person: Entity {
            entity_code: "IL".into(),
            entity_type: "1".into(),
            name: x12_required("member.last_name", &m.last_name, 60)?,
            first_name: Some(x12_required("member.first_name", &m.first_name, 35)?),
            id_qualifier: Some("MI".into()),
            id: Some(x12_required("member.id", &m.id, 80)?),
            birth_date: Some(d8(m.birth_date)),
            gender: Some(sex),
            ..Entity::default()
        },
        payer: Entity {
            entity_code: "PR".into(),
            entity_type: "2".into(),
            name: payer_name.to_owned(),
            id_qualifier: Some("PI".into()),
            id: Some(payer_id.to_owned()),
            ..Entity::default()
        },
        ..Subscriber::default()
    };
    let mut health_codes = Vec::new();
    for (i, d) in j.diagnoses.iter().enumerate() {
        let code = x12_required(&format!("diagnoses[{i}]"), d, 8)?.replace('.', "");
        health_codes.push(HealthCode {
            qualifier: if i == 0 { "ABK" } else { "ABF" }.into(),
            code,
            ..HealthCode::default()
        });
    }
    let mut c = Claim {
        kind,
        submitter: Arc::new(Entity {
            entity_code: "41".into(),
            entity_type: "2".into(),
            name: "ACCORD JSON CLAIMS".into(),
            id_qualifier: Some("46".into()),
            id: Some(JSON_SENDER.into()),
            contacts: vec![Contact {
                function: "IC".into(),
                name: Some("API".into()),
                numbers: vec![("EM".into(), "claims-api@accord.invalid".into())],
            }],
            ..Entity::default()
        }),
        receiver: Arc::new(Entity {
            entity_code: "40".into(),
            entity_type: "2".into(),
            name: payer_name.to_owned(),
            id_qualifier: Some("46".into()),
            id: Some(payer_id.to_owned()),
            ..Entity::default()
        }),
        billing: Arc::new(BillingProvider {
            provider: billing_entity,
            pay_to,
            taxonomy,
            ..BillingProvider::default()
        }),
        subscriber: Arc::new(subscriber),
        claim_id: x12_required("patient_control_number", &j.patient_control_number, 38)?,
        assignment: Some("A".into()),
        benefits_assigned: Some("Y".into()),
        release_of_information: Some("Y".into()),
        provider_signature: (!institutional).then(|| "Y".into()),
        health_codes,
        ..Claim::default()
    };
    // Frequency (CLM05-3) and where the service happened (CLM05-1).
    if institutional {
        if j.frequency != JsonFrequency::Original {
            return Err(ApiError::invalid(
                "frequency",
                "frequency: an institutional claim's frequency is the last digit of type_of_bill (7 corrects, 8 voids)",
            ));
        }
        let tob = x12_required(
            "type_of_bill",
            required(
                "type_of_bill",
                j.type_of_bill.as_ref(),
                "on an institutional claim",
            )?,
            4,
        )?;
        let tob = tob
            .strip_prefix('0')
            .filter(|t| t.len() == 3)
            .unwrap_or(&tob);
        if tob.len() != 3 || !tob.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::invalid(
                "type_of_bill",
                "type_of_bill: three digits (e.g. 861 or 0861)",
            ));
        }
        c.facility_code = tob[..2].to_owned();
        c.facility_qualifier = "A".into();
        c.frequency_code = tob[2..].to_owned();
        let from = *required(
            "statement_from",
            j.statement_from.as_ref(),
            "on an institutional claim",
        )?;
        let through = *required(
            "statement_through",
            j.statement_through.as_ref(),
            "on an institutional claim",
        )?;
        c.dates.push(DateRef {
            qualifier: "434".into(),
            format: "RD8".into(),
            value: format!("{}-{}", d8(from), d8(through)),
        });
        if let Some(a) = &j.admission {
            let hour = a.hour.unwrap_or(0);
            if hour > 23 {
                return Err(ApiError::invalid(
                    "admission.hour",
                    "admission.hour: 0 to 23",
                ));
            }
            c.dates.push(DateRef {
                qualifier: "435".into(),
                format: "DT".into(),
                value: format!("{}{hour:02}00", d8(a.date)),
            });
            c.admission_type = Some(x12_required(
                "admission.admission_type",
                &a.admission_type,
                1,
            )?);
            c.admission_source = Some(x12_required("admission.source", &a.source, 1)?);
            c.health_codes.push(HealthCode {
                qualifier: "ABJ".into(),
                code: c.health_codes[0].code.clone(),
                ..HealthCode::default()
            });
        }
        c.patient_status = Some(x12_required(
            "patient_status",
            required(
                "patient_status",
                j.patient_status.as_ref(),
                "on an institutional claim",
            )?,
            2,
        )?);
        if let Some(a) = x12_optional("attending_npi", j.attending_npi.as_ref(), 10)? {
            let mut e = provider_entity("71", a, "ATTENDING".into());
            e.entity_type = "1".into();
            c.providers.push(e);
        }
    } else {
        c.facility_code = x12_required(
            "place_of_service",
            required(
                "place_of_service",
                j.place_of_service.as_ref(),
                "on a professional claim",
            )?,
            2,
        )?;
        c.facility_qualifier = "B".into();
        c.frequency_code = match j.frequency {
            JsonFrequency::Original => "1",
            JsonFrequency::Corrected => "7",
            JsonFrequency::Void => "8",
        }
        .into();
        if let Some(r) = x12_optional("rendering_npi", j.rendering_npi.as_ref(), 10)? {
            let mut e = provider_entity("82", r, "RENDERING".into());
            e.entity_type = "1".into();
            c.providers.push(e);
        }
    }
    if matches!(c.frequency_code.as_str(), "7" | "8") {
        let original = x12_optional("original_claim", j.original_claim.as_ref(), 50)?
            .ok_or_else(|| {
                ApiError::invalid(
                    "original_claim",
                    "original_claim: the tracking number of the claim corrected or voided is required (CLM-10)",
                )
            })?;
        c.refs.push(Ref {
            qualifier: "F8".into(),
            value: original,
        });
    }
    if let Some(pa) = x12_optional("prior_authorization", j.prior_authorization.as_ref(), 50)? {
        c.refs.push(Ref {
            qualifier: "G1".into(),
            value: pa,
        });
    }
    let pointers: Vec<String> = (1..=j.diagnoses.len().min(4))
        .map(|i| i.to_string())
        .collect();
    for (i, l) in j.lines.iter().enumerate() {
        let f = |name: &str| format!("lines[{i}].{name}");
        if l.modifiers.len() > 4 {
            return Err(ApiError::invalid(
                &f("modifiers"),
                format!("{}: at most four", f("modifiers")),
            ));
        }
        if l.units <= Decimal::ZERO {
            return Err(ApiError::invalid(
                &f("units"),
                format!("{}: more than zero", f("units")),
            ));
        }
        if l.charge < Decimal::ZERO {
            return Err(ApiError::invalid(
                &f("charge"),
                format!("{}: not negative", f("charge")),
            ));
        }
        let mut modifiers = Vec::new();
        for (k, m) in l.modifiers.iter().enumerate() {
            modifiers.push(x12_required(&format!("lines[{i}].modifiers[{k}]"), m, 2)?);
        }
        let revenue_code = x12_optional(&f("revenue_code"), l.revenue_code.as_ref(), 4)?;
        if institutional && revenue_code.is_none() {
            return Err(ApiError::invalid(
                &f("revenue_code"),
                format!(
                    "{} is required on an institutional claim",
                    f("revenue_code")
                ),
            ));
        }
        let date = match l.through {
            Some(t) if t != l.date => {
                if t < l.date {
                    return Err(ApiError::invalid(
                        &f("through"),
                        format!("{}: not before the line's date", f("through")),
                    ));
                }
                DateRef {
                    qualifier: "472".into(),
                    format: "RD8".into(),
                    value: format!("{}-{}", d8(l.date), d8(t)),
                }
            }
            _ => DateRef {
                qualifier: "472".into(),
                format: "D8".into(),
                value: d8(l.date),
            },
        };
        c.lines.push(ServiceLine {
            line_number: i as u32 + 1,
            revenue_code,
            procedure: Some(Procedure {
                qualifier: "HC".into(),
                code: x12_required(&f("code"), &l.code, 5)?,
                modifiers,
                description: None,
            }),
            charge: l.charge,
            unit_basis: if institutional { "DA" } else { "UN" }.into(),
            units: Some(l.units),
            place_of_service: x12_optional(&f("place_of_service"), l.place_of_service.as_ref(), 2)?,
            diagnosis_pointers: if institutional {
                Vec::new()
            } else {
                pointers.clone()
            },
            dates: vec![date],
            ..ServiceLine::default()
        });
    }
    c.total_charge = c.lines.iter().map(|l| l.charge).sum();
    Ok(c)
}

/// Submit one claim as JSON (professional or institutional; schema `JsonClaim`, examples in
/// `docs/server.md`). It is received like an 837 (CLM-01): stored with a tracking number before the
/// answer, the same clean-claim checks, a rejected claim kept with its reasons; the answer carries
/// the tracking number, the acknowledgment status with its reasons, and the 999 and 277CA. A
/// provider user may only bill as its own NPIs (403, nothing stored).
#[utoipa::path(post, path = "/api/v1/claims", request_body = JsonClaim,
    responses((status = 201, body = ClaimReceipt, description = "stored: accepted into adjudication or rejected with reasons"),
        (status = 400, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn submit_json(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(j): ApiJson<JsonClaim>,
) -> Result<(axum::http::StatusCode, Json<ClaimReceipt>), ApiError> {
    let p = &caller.principal;
    p.require(
        &[Role::Provider, Role::ClaimsExaminer, Role::Administrator],
        "send claims",
    )?;
    let config = &state.plan.config;
    let payer_name = accord_x12::write::clean(&config.name).to_uppercase();
    let payer_id = accord_x12::write::clean(&config.payer_id).to_uppercase();
    let claim = to_837_claim(&j, &payer_name, &payer_id)?;
    // SEC-01: a provider bills only as one of its own NPIs.
    let billing = j.billing_provider.npi.trim();
    if !p.may_see(&[billing]) {
        return Err(ApiError::forbidden(format!(
            "billing_provider.npi {billing} is not one of your organisation's NPIs; nothing was stored"
        )));
    }
    let _one = ONE_AT_A_TIME.lock().await;
    let mut reference = IntakeReference::load(&state.store, &state.plan)
        .await
        .map_err(ApiError::from_service)?;
    let mut numbering = Numbering::continuing(&state.store)
        .await
        .map_err(ApiError::from_service)?;
    let now = jiff::Zoned::now().with_time_zone(state.plan.time_zone().clone());
    // The interchange control number is the claim's tracking sequence: unique while tracking
    // numbers are.
    let control = u32::try_from((numbering.claims + 1) % 1_000_000_000).unwrap_or(1);
    let envelope = Envelope {
        sender_id: JSON_SENDER.into(),
        receiver_id: payer_id.clone(),
        gs_sender: JSON_SENDER.into(),
        gs_receiver: payer_id.clone(),
        date: now.date(),
        time: now.time(),
        interchange_control: control,
        group_control: control,
        usage: 'P',
        ..Envelope::example()
    };
    let x12 = accord_x12::w837::write_claims(
        &[claim],
        &envelope,
        match j.kind {
            JsonClaimKind::Professional => ClaimKind::Professional,
            JsonClaimKind::Institutional => ClaimKind::Institutional,
        },
    );
    let name = format!("JSON claim from {} at {}", p.user_id, now.timestamp());
    let reply = Envelope {
        sender_id: payer_id.clone(),
        receiver_id: JSON_SENDER.into(),
        gs_sender: payer_id.clone(),
        gs_receiver: JSON_SENDER.into(),
        date: now.date(),
        time: now.time(),
        usage: 'P',
        ..Envelope::example()
    };
    let s = submit(
        &state.store,
        &mut reference,
        || Ok(std::io::Cursor::new(x12.as_bytes())),
        &name,
        &now,
        &mut numbering,
        |c| Envelope {
            interchange_control: c,
            group_control: c,
            ..reply.clone()
        },
    )
    .await
    .map_err(ApiError::from_service)?;
    if s.tracking.is_empty() {
        // Another server process took the same interchange number between our count and our
        // write: nothing was stored for this claim.
        return Err(ApiError::of(
            accord_core::ErrorCode::Conflict,
            "the claim crossed another submission and was not stored; send it again",
            None,
        ));
    }
    let mut claims = Vec::new();
    for t in &s.tracking {
        let stored = state
            .store
            .claim(t)
            .await
            .map_err(ApiError::from_store)?
            .ok_or_else(|| ApiError::not_found(format!("claim {t} not found after intake")))?;
        audit(
            &state,
            p,
            "write claim",
            "claim",
            t,
            stored.member_id.as_deref(),
            "allowed",
        )
        .await?;
        let category = if stored.status == "accepted" {
            "A2".to_owned()
        } else {
            rejection_category(&stored.reasons)
        };
        claims.push(ClaimAcknowledgment {
            tracking: t.clone(),
            status: stored.status.clone(),
            category,
            reasons: stored.reasons.clone(),
        });
    }
    let acknowledgment = if claims.iter().all(|c| c.status == "accepted") {
        "accepted"
    } else {
        "rejected"
    };
    Ok((
        axum::http::StatusCode::CREATED,
        Json(ClaimReceipt {
            tracking: s.tracking,
            acknowledgment: acknowledgment.into(),
            claims,
            acknowledgments: s.acknowledgments,
        }),
    ))
}

/// The 277CA category of a rejection, as intake chose it: A6 when every problem is something
/// missing, A7 when any value is invalid, else A8.
fn rejection_category(reasons: &serde_json::Value) -> String {
    let cats: Vec<&str> = reasons
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["category"].as_str()).collect())
        .unwrap_or_default();
    if !cats.is_empty() && cats.iter().all(|c| *c == "A6") {
        "A6"
    } else if cats.contains(&"A7") || cats.is_empty() {
        "A7"
    } else {
        "A8"
    }
    .into()
}
