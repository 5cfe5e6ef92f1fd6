//! # accord-intake
//!
//! Turns a claim read from an X12 837 (`accord_x12::Claim`, text as billed) into the adjudication
//! engine's claim (`accord_claims::Claim`, valid by construction). Pure: no storage, no clock — the
//! tracking number and the receipt date are passed in.
//!
//! Every problem is collected, not just the first, with the X12 element it came from and the
//! 277CA category it earns (CLM-01, CLM-04: A6 missing information, A7 invalid information), so a
//! rejected claim is still recorded with all its reasons. Business edits (eligibility, limits,
//! authorization …) are the engine's; this crate only checks that what the claim says can be read.

use accord_claims::{Claim, ClaimKind, ClaimLine, Frequency, LineDocumentation, OtherPayer};
use accord_core::{
    Date, Icd10Code, MemberId, Modifier, Money, Npi, PlaceOfService, ProcedureCode, RevenueCode,
    Units,
};
use accord_x12 as x12;
use serde::Serialize;

/// 277CA claim status category for an intake problem (RULES.md CODES).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Category {
    /// A6: rejected for missing information.
    A6,
    /// A7: rejected for invalid information.
    A7,
    /// A8: rejected for a relational field in error (e.g. a member ID not on file).
    A8,
}

/// One reason a claim cannot enter adjudication as billed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IntakeProblem {
    /// 277CA category.
    pub category: Category,
    /// Where in the 837 the value is, e.g. `2010BA NM109 (member ID)` or `line 2 SV101-2`.
    pub element: String,
    /// What is wrong, in plain language.
    pub message: String,
}

impl std::fmt::Display for IntakeProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} {}: {}", self.category, self.element, self.message)
    }
}

/// Collects problems while reading one claim.
struct Problems(Vec<IntakeProblem>);

impl Problems {
    fn missing(&mut self, element: impl Into<String>, what: &str) {
        self.0.push(IntakeProblem {
            category: Category::A6,
            element: element.into(),
            message: format!("{what} is missing"),
        });
    }

    fn invalid(&mut self, element: impl Into<String>, message: impl std::fmt::Display) {
        self.0.push(IntakeProblem {
            category: Category::A7,
            element: element.into(),
            message: message.to_string(),
        });
    }

    /// Parses a required value, recording a missing or invalid problem.
    fn required<T, E: std::fmt::Display>(
        &mut self,
        element: &str,
        what: &str,
        value: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        match value.map(str::trim).filter(|v| !v.is_empty()) {
            None => {
                self.missing(element, what);
                None
            }
            Some(v) => self.parsed(element, v, parse),
        }
    }

    /// Parses an optional value: absent is fine, present must be valid.
    fn optional<T, E: std::fmt::Display>(
        &mut self,
        element: &str,
        value: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let v = value.map(str::trim).filter(|v| !v.is_empty())?;
        self.parsed(element, v, parse)
    }

    fn parsed<T, E: std::fmt::Display>(
        &mut self,
        element: &str,
        v: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        match parse(v) {
            Ok(t) => Some(t),
            Err(e) => {
                self.invalid(element, e);
                None
            }
        }
    }
}

fn npi_of(e: &x12::Entity) -> Option<&str> {
    (e.id_qualifier.as_deref() == Some("XX"))
        .then_some(e.id.as_deref())
        .flatten()
}

fn date_text(d: &str) -> Result<Date, String> {
    let t = d.get(..8).unwrap_or(d);
    let iso = format!(
        "{}-{}-{}",
        t.get(..4).unwrap_or(""),
        t.get(4..6).unwrap_or(""),
        t.get(6..8).unwrap_or("")
    );
    iso.parse::<Date>()
        .map_err(|_| format!("{d:?} is not a CCYYMMDD date"))
}

/// CLM-01 / CLM-04: the engine's claim for an 837 claim, or every reason it cannot be read.
pub fn to_engine_claim(
    x: &x12::Claim,
    tracking: &str,
    received: Date,
) -> Result<Claim, Vec<IntakeProblem>> {
    let mut p = Problems(Vec::new());
    let kind = match x.kind {
        x12::ClaimKind::Professional => ClaimKind::Professional,
        x12::ClaimKind::Institutional => ClaimKind::Institutional,
    };
    let frequency = match x.frequency_code.as_str() {
        "7" | "8" => match x.original_reference() {
            Some(orig) if !orig.trim().is_empty() => {
                let original = orig.trim().to_owned();
                if x.frequency_code == "7" {
                    Some(Frequency::Corrected { original })
                } else {
                    Some(Frequency::Void { original })
                }
            }
            _ => {
                p.missing(
                    "2300 REF*F8 (payer claim control number)",
                    "the original claim's reference for a corrected or void claim (CLM-10)",
                );
                None
            }
        },
        _ => Some(Frequency::Original),
    };
    let member_id = p.required(
        "2010BA NM109 (subscriber ID)",
        "the member ID",
        x.subscriber.person.id.as_deref(),
        MemberId::parse,
    );
    let billing_npi = p.required(
        "2010AA NM109 (billing provider NPI)",
        "the billing provider's NPI",
        npi_of(&x.billing.provider),
        Npi::parse,
    );
    let provider_npi = |p: &mut Problems, code: &str, label: &str| {
        x.provider(code).and_then(|e| {
            p.optional(
                &format!("2310 NM1*{code} NM109 ({label} NPI)"),
                npi_of(e),
                Npi::parse,
            )
        })
    };
    let rendering_npi = provider_npi(&mut p, "82", "rendering");
    let supervising_npi = provider_npi(&mut p, "DQ", "supervising");
    let attending_npi = provider_npi(&mut p, "71", "attending");
    let pay_to_npi = x
        .billing
        .pay_to
        .as_ref()
        .and_then(|e| p.optional("2010AB NM109 (pay-to NPI)", npi_of(e), Npi::parse));
    let (place_of_service, bill_type) = match kind {
        ClaimKind::Professional => (
            p.required(
                "2300 CLM05-1 (place of service)",
                "the place of service",
                Some(x.facility_code.as_str()),
                PlaceOfService::parse,
            ),
            None,
        ),
        ClaimKind::Institutional => (None, Some(x.bill_type())),
    };
    let date_of = |p: &mut Problems, q: &str, label: &str| {
        x.date(q).and_then(|d| {
            p.optional(
                &format!("2300 DTP*{q} ({label})"),
                Some(d.value.as_str()),
                date_text,
            )
        })
    };
    let admission_date = date_of(&mut p, "435", "admission");
    let statement = x.date("434");
    let statement_from = statement.and_then(|d| d.start());
    let statement_to = statement.and_then(|d| d.end());
    // In the 837I, DTP*096 is the discharge *hour* (format TM); a date (D8) is read where a sender
    // gives one. Otherwise the discharge date is the statement period's last day when the patient
    // status (CL103) says the patient left — any status but 30, "still a patient" (CLM-02 counts
    // residential timely filing from it).
    let discharge_date = match x.date("096") {
        Some(d) if d.format == "D8" => date_of(&mut p, "096", "discharge"),
        _ => match x.patient_status.as_deref() {
            Some(status) if status != "30" && !status.is_empty() => statement_to,
            _ => None,
        },
    };

    let mut diagnoses = Vec::new();
    for (i, h) in x.diagnoses().enumerate() {
        if let Some(d) = p.optional(
            &format!("2300 HI diagnosis {}", i + 1),
            Some(h.code.as_str()),
            Icd10Code::parse,
        ) {
            diagnoses.push(d);
        }
    }
    if diagnoses.is_empty() && x.diagnoses().next().is_none() {
        p.missing("2300 HI (diagnosis)", "a diagnosis (CLM-04)");
    }

    let other_payer = x.other_subscribers.first().and_then(|o| {
        let paid = o.payer_paid?;
        let date = p.required(
            "2330B DTP*573 (primary payer's adjudication date)",
            "the primary payer's adjudication date (CLM-02, PAY-03)",
            o.adjudication_date(),
            date_text,
        )?;
        let payer = o.payer.as_ref();
        Some(OtherPayer {
            payer_name: payer.map(|e| e.name.clone()).unwrap_or_default(),
            payer_id: payer.and_then(|e| e.id.clone()).unwrap_or_default(),
            paid: Money::new(paid),
            determination_date: date,
            adjustments: o
                .adjustments
                .iter()
                .flat_map(|g| {
                    g.adjustments
                        .iter()
                        .map(|a| accord_claims::PriorAdjustment {
                            group: g.group.clone(),
                            reason: a.reason.clone(),
                            amount: Money::new(a.amount),
                        })
                })
                .collect(),
        })
    });

    let mut lines = Vec::with_capacity(x.lines.len());
    for l in &x.lines {
        if let Some(line) = read_line(&mut p, x, l) {
            lines.push(line);
        }
    }
    if x.lines.is_empty() {
        p.missing("2400 LX (service line)", "a service line (CLM-03)");
    }

    let emergency = x.lines.iter().any(|l| l.emergency.as_deref() == Some("Y"))
        || matches!(x.admission_type.as_deref(), Some("1" | "2"));
    match (frequency, member_id, billing_npi) {
        (Some(frequency), Some(member_id), Some(billing_npi)) if p.0.is_empty() => Ok(Claim {
            tracking: tracking.to_owned(),
            kind,
            frequency,
            member_id,
            billing_npi,
            rendering_npi,
            supervising_npi,
            attending_npi,
            pay_to_npi,
            place_of_service,
            bill_type,
            admission_date,
            discharge_date,
            statement_from,
            statement_to,
            received,
            diagnoses,
            prior_auth_ref: x.prior_authorization().map(str::to_owned),
            emergency,
            other_payer,
            lines,
        }),
        _ => Err(p.0),
    }
}

fn read_line(p: &mut Problems, x: &x12::Claim, l: &x12::ServiceLine) -> Option<ClaimLine> {
    let at = |e: &str| format!("line {} {e}", l.line_number);
    let proc = l.procedure.as_ref();
    let procedure = p.required(
        &at("SV1/SV2 procedure code"),
        "the procedure code (CLM-03)",
        proc.map(|c| c.code.as_str()),
        ProcedureCode::parse,
    );
    let mut modifiers = Vec::new();
    for m in proc.map(|c| c.modifiers.as_slice()).unwrap_or_default() {
        if let Some(m) = p.optional(&at("modifier"), Some(m.as_str()), Modifier::parse) {
            modifiers.push(m);
        }
    }
    let revenue_code = p.optional(
        &at("SV201 revenue code"),
        l.revenue_code.as_deref(),
        RevenueCode::parse,
    );
    let units = match l.units {
        Some(u) => p.parsed(&at("units"), &u.to_string(), Units::parse),
        None => {
            p.missing(at("units"), "the units");
            None
        }
    };
    let date = l
        .service_date()
        .or_else(|| x.date("434"))
        .or_else(|| x.date("472"));
    let service_from = match date.and_then(|d| d.start()) {
        Some(d) => Some(d),
        None => {
            p.missing(at("DTP*472 (service date)"), "the date of service (CLM-03)");
            None
        }
    };
    let service_to = date
        .and_then(|d| d.end())
        .filter(|e| Some(*e) != service_from);
    let rendering_npi = l
        .providers
        .iter()
        .find(|e| e.entity_code == "82")
        .and_then(|e| p.optional(&at("2420A NM109 (rendering NPI)"), npi_of(e), Npi::parse));
    let place_of_service = p.optional(
        &at("SV105 place of service"),
        l.place_of_service.as_deref(),
        PlaceOfService::parse,
    );
    let other_payer_paid = (!l.adjudications.is_empty())
        .then(|| Money::new(l.adjudications.iter().map(|a| a.paid).sum()));
    if l.charge < rust_decimal::Decimal::ZERO {
        p.invalid(at("charge"), "the line charge is negative");
    }
    Some(ClaimLine {
        number: l.line_number,
        procedure: procedure?,
        modifiers,
        revenue_code,
        units: units?,
        charge: Money::new(l.charge),
        service_from: service_from?,
        service_to,
        rendering_npi,
        place_of_service,
        other_payer_paid,
        self_pay_collected: Money::ZERO,
        documentation: LineDocumentation::default(),
    })
}
