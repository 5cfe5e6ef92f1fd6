//! 277CA claim acknowledgment (005010X214) writer and reader.
//!
//! One transaction set per batch answered: the payer (2000A), the submitter
//! (2000B, with counts and amounts accepted and rejected), each billing
//! provider (2000C) and one 2000D patient/claim level per claim with its
//! status: accepted into adjudication (STC A2:20, action WQ) or rejected
//! (category A3/A7 with the caller's status codes, action U), the payer's
//! claim control number (REF*1K, the tracking number) and the service period.

use rust_decimal::Decimal;

use crate::lexer::SliceLexer;
use crate::r837::parse_decimal;
use crate::write::{Envelope, X12Writer, ccyymmdd, clean, money};

/// The fate of one claim.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum ClaimAckStatus {
    /// Accepted into adjudication (STC A2:20).
    Accepted,
    /// Rejected: status category (A3 returned as unprocessable, A7 rejected for invalid information),
    /// and (claim status code, entity identifier code) pairs, e.g. ("562", "85") for a bad billing NPI;
    /// `message` names the element at fault and what is wrong with it, in plain language (STC12,
    /// free-form text, at most [`STC12_MAX`] characters), so the submitter need not call to ask.
    Rejected {
        category: String,
        codes: Vec<(String, Option<String>)>,
        message: Option<String>,
    },
}

/// Longest STC12 free-form message (element 933 is AN 1–264).
pub const STC12_MAX: usize = 264;

/// One claim acknowledged.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ClaimAck {
    /// CLM01 patient control number as received (TRN02 in 2200D).
    pub claim_id: String,
    /// Payer claim control number assigned at intake (REF*1K); absent on rejections.
    pub payer_claim_control: Option<String>,
    pub charge: Decimal,
    pub patient_last: String,
    pub patient_first: Option<String>,
    pub member_id: String,
    pub billing_name: String,
    pub billing_npi: String,
    pub service_from: jiff::civil::Date,
    pub service_to: jiff::civil::Date,
    /// 837I bill type (REF*BLT).
    pub bill_type: Option<String>,
    pub status: ClaimAckStatus,
}

impl ClaimAck {
    /// Builds an acknowledgment for a claim read from an 837.
    pub fn from_claim(
        c: &crate::model::Claim,
        status: ClaimAckStatus,
        payer_claim_control: Option<String>,
    ) -> Self {
        let p = c.patient_entity();
        let dates: Vec<jiff::civil::Date> = c
            .lines
            .iter()
            .flat_map(|l| l.dates.iter())
            .chain(c.dates.iter().filter(|d| d.qualifier == "434"))
            .flat_map(|d| [d.start(), d.end()])
            .flatten()
            .collect();
        let from = dates
            .iter()
            .min()
            .copied()
            .unwrap_or(jiff::civil::date(1900, 1, 1));
        let to = dates.iter().max().copied().unwrap_or(from);
        ClaimAck {
            claim_id: c.claim_id.clone(),
            payer_claim_control,
            charge: c.total_charge,
            patient_last: p.name.clone(),
            patient_first: p.first_name.clone(),
            member_id: c.subscriber.person.id.clone().unwrap_or_default(),
            billing_name: c.billing.provider.name.clone(),
            billing_npi: c.billing.provider.id.clone().unwrap_or_default(),
            service_from: from,
            service_to: to,
            bill_type: (c.kind == crate::model::ClaimKind::Institutional).then(|| c.bill_type()),
            status,
        }
    }
}

/// One 277CA transaction set.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ClaimAcknowledgment {
    pub payer_name: String,
    pub payer_id: String,
    pub submitter_name: String,
    pub submitter_id: String,
    /// BHT03 / TRN02 batch reference (e.g. the received BHT03 or ST02).
    pub reference: String,
    /// When the batch was received (2200A DTP*050) and processed (DTP*009).
    pub received: jiff::civil::Date,
    pub processed: jiff::civil::Date,
    pub claims: Vec<ClaimAck>,
}

fn d8(d: jiff::civil::Date) -> String {
    ccyymmdd(d)
}

/// Writes one 277CA interchange for `acks`.
pub fn write_277ca(acks: &[ClaimAcknowledgment], env: &Envelope) -> String {
    let mut w = X12Writer::new();
    w.isa(env);
    w.gs(env, "HN", "005010X214", env.group_control);
    for (n, a) in acks.iter().enumerate() {
        write_set(&mut w, a, &format!("{:04}", n + 1), env);
    }
    w.ge();
    w.iea();
    w.out
}

/// The claims grouped by billing provider (name, NPI) for the 2000C loops: providers in order of
/// first appearance, each provider's claims in their order. One pass with an index, so a file of
/// a million claims from ten thousand providers is not ten billion comparisons.
fn by_billing_provider(claims: &[ClaimAck]) -> Vec<((&str, &str), Vec<&ClaimAck>)> {
    let mut index: std::collections::HashMap<(&str, &str), usize> =
        std::collections::HashMap::new();
    let mut groups: Vec<((&str, &str), Vec<&ClaimAck>)> = Vec::new();
    for c in claims {
        let key = (c.billing_name.as_str(), c.billing_npi.as_str());
        let i = *index.entry(key).or_insert_with(|| {
            groups.push((key, Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push(c);
    }
    groups
}

fn write_set(w: &mut X12Writer, a: &ClaimAcknowledgment, control: &str, env: &Envelope) {
    let (accepted, rejected): (Vec<&ClaimAck>, Vec<&ClaimAck>) = a
        .claims
        .iter()
        .partition(|c| c.status == ClaimAckStatus::Accepted);
    let sum = |v: &[&ClaimAck]| v.iter().map(|c| c.charge).sum::<Decimal>();
    let total = sum(&a.claims.iter().collect::<Vec<_>>());
    let reference = clean(&a.reference);
    let processed = d8(a.processed);
    w.st("277", control, "005010X214");
    w.seg(&[
        "BHT",
        "0085",
        "08",
        &reference,
        &d8(env.date),
        &crate::write::hhmm(env.time),
        "TH",
    ]);
    w.seg(&["HL", "1", "", "20", "1"]);
    w.seg(&[
        "NM1",
        "PR",
        "2",
        &clean(&a.payer_name),
        "",
        "",
        "",
        "",
        "PI",
        &clean(&a.payer_id),
    ]);
    w.seg(&["TRN", "1", &reference]);
    w.seg(&["DTP", "050", "D8", &d8(a.received)]);
    w.seg(&["DTP", "009", "D8", &processed]);
    w.seg(&["HL", "2", "1", "21", "1"]);
    w.seg(&[
        "NM1",
        "41",
        "2",
        &clean(&a.submitter_name),
        "",
        "",
        "",
        "",
        "46",
        &clean(&a.submitter_id),
    ]);
    w.seg(&["TRN", "2", &reference]);
    w.seg(&["STC", "A1:19:PR", &processed, "WQ", &money(total)]);
    if !accepted.is_empty() {
        w.seg(&["QTY", "90", &accepted.len().to_string()]);
    }
    if !rejected.is_empty() {
        w.seg(&["QTY", "AA", &rejected.len().to_string()]);
    }
    if !accepted.is_empty() {
        w.seg(&["AMT", "YU", &money(sum(&accepted))]);
    }
    if !rejected.is_empty() {
        w.seg(&["AMT", "YY", &money(sum(&rejected))]);
    }
    let mut hl = 2;
    for ((name, npi), claims) in by_billing_provider(&a.claims) {
        hl += 1;
        let provider_hl = hl;
        let acc: Vec<&ClaimAck> = claims
            .iter()
            .copied()
            .filter(|c| c.status == ClaimAckStatus::Accepted)
            .collect();
        let rej: Vec<&ClaimAck> = claims
            .iter()
            .copied()
            .filter(|c| c.status != ClaimAckStatus::Accepted)
            .collect();
        w.seg(&["HL", &provider_hl.to_string(), "2", "19", "1"]);
        w.seg(&[
            "NM1",
            "85",
            "2",
            &clean(name),
            "",
            "",
            "",
            "",
            "XX",
            &clean(npi),
        ]);
        w.seg(&["TRN", "1", &format!("{reference}-{provider_hl}")]);
        // STC02 is not used at the billing provider level.
        w.seg(&["STC", "A1:19:PR", "", "WQ", &money(sum(&claims))]);
        if !acc.is_empty() {
            w.seg(&["QTY", "QA", &acc.len().to_string()]);
        }
        if !rej.is_empty() {
            w.seg(&["QTY", "QC", &rej.len().to_string()]);
        }
        if !acc.is_empty() {
            w.seg(&["AMT", "YU", &money(sum(&acc))]);
        }
        if !rej.is_empty() {
            w.seg(&["AMT", "YY", &money(sum(&rej))]);
        }
        for c in claims {
            hl += 1;
            w.seg(&["HL", &hl.to_string(), &provider_hl.to_string(), "PT"]);
            w.seg(&[
                "NM1",
                "QC",
                "1",
                &clean(&c.patient_last),
                &clean(c.patient_first.as_deref().unwrap_or("")),
                "",
                "",
                "",
                "MI",
                &clean(&c.member_id),
            ]);
            w.seg(&["TRN", "2", &clean(&c.claim_id)]);
            let charge = money(c.charge);
            match &c.status {
                ClaimAckStatus::Accepted => w.seg(&["STC", "A2:20", &processed, "WQ", &charge]),
                ClaimAckStatus::Rejected {
                    category,
                    codes,
                    message,
                } => {
                    // STC01 carries the first status, STC10 and STC11 up to two more.
                    let comp = |i: usize| {
                        codes.get(i).map(|(code, entity)| {
                            X12Writer::comp(&[
                                &clean(category),
                                &clean(code),
                                &clean(entity.as_deref().unwrap_or("")),
                            ])
                        })
                    };
                    let first =
                        comp(0).unwrap_or_else(|| X12Writer::comp(&[&clean(category), "21"]));
                    let (s10, s11) = (comp(1).unwrap_or_default(), comp(2).unwrap_or_default());
                    let text = message.as_deref().map(stc12_text).unwrap_or_default();
                    w.seg(&[
                        "STC", &first, &processed, "U", &charge, "", "", "", "", "", &s10, &s11,
                        &text,
                    ]);
                }
            }
            if let Some(pcn) = &c.payer_claim_control {
                w.seg(&["REF", "1K", &clean(pcn)]);
            }
            if let Some(bt) = &c.bill_type {
                w.seg(&["REF", "BLT", &clean(bt)]);
            }
            w.seg(&[
                "DTP",
                "472",
                "RD8",
                &format!("{}-{}", d8(c.service_from), d8(c.service_to)),
            ]);
        }
    }
    w.se();
}

/// `message` as STC12 text: delimiters and control characters removed (as every value written),
/// cut to [`STC12_MAX`] characters on a character boundary.
fn stc12_text(message: &str) -> String {
    let cleaned = clean(message);
    match cleaned.char_indices().nth(STC12_MAX) {
        Some((end, _)) => cleaned[..end].trim_end().to_owned(),
        None => cleaned.trim_end().to_owned(),
    }
}

/// A 277CA as read back.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Read277Error {
    #[error(transparent)]
    Lex(#[from] crate::lexer::LexError),
    #[error("segment {segment} ({segment_id}): {message}")]
    Bad {
        segment_id: String,
        segment: u64,
        message: String,
    },
}

fn date_of(s: &str, seg: &crate::segment::Segment<'_>) -> Result<jiff::civil::Date, Read277Error> {
    crate::validate::parse_ccyymmdd(s).ok_or_else(|| Read277Error::Bad {
        segment_id: seg.id_str().into(),
        segment: seg.index,
        message: format!("{s:?} is not a CCYYMMDD date"),
    })
}

/// Reads every 277 transaction set of a file into [`ClaimAcknowledgment`]s.
/// Unknown segments are skipped; missing values read as empty.
pub fn read_277ca(input: &[u8]) -> Result<Vec<ClaimAcknowledgment>, Read277Error> {
    let mut out: Vec<ClaimAcknowledgment> = vec![];
    let mut level = "";
    let mut billing = (String::new(), String::new());
    let epoch = jiff::civil::date(1900, 1, 1);
    for seg in SliceLexer::new(input) {
        let seg = seg?;
        let id = seg.id();
        if id == b"ST" {
            if seg.el(1) == "277" {
                out.push(ClaimAcknowledgment {
                    payer_name: String::new(),
                    payer_id: String::new(),
                    submitter_name: String::new(),
                    submitter_id: String::new(),
                    reference: String::new(),
                    received: epoch,
                    processed: epoch,
                    claims: vec![],
                });
                level = "";
            }
            continue;
        }
        let Some(a) = out.last_mut() else { continue };
        match id {
            b"BHT" => a.reference = seg.el(3).to_string(),
            b"HL" => {
                level = match seg.el(3) {
                    "20" => "A",
                    "21" => "B",
                    "19" => "C",
                    "PT" => "D",
                    _ => "",
                }
            }
            b"NM1" => match level {
                "A" => {
                    a.payer_name = seg.el(3).into();
                    a.payer_id = seg.el(9).into();
                }
                "B" => {
                    a.submitter_name = seg.el(3).into();
                    a.submitter_id = seg.el(9).into();
                }
                "C" => billing = (seg.el(3).into(), seg.el(9).into()),
                "D" => a.claims.push(ClaimAck {
                    claim_id: String::new(),
                    payer_claim_control: None,
                    charge: Decimal::ZERO,
                    patient_last: seg.el(3).into(),
                    patient_first: seg.opt(4),
                    member_id: seg.el(9).into(),
                    billing_name: billing.0.clone(),
                    billing_npi: billing.1.clone(),
                    service_from: epoch,
                    service_to: epoch,
                    bill_type: None,
                    status: ClaimAckStatus::Accepted,
                }),
                _ => {}
            },
            b"DTP" if level == "A" => match seg.el(1) {
                "050" => a.received = date_of(seg.el(3), &seg)?,
                "009" => a.processed = date_of(seg.el(3), &seg)?,
                _ => {}
            },
            b"TRN" if level == "D" => {
                if let Some(c) = a.claims.last_mut() {
                    c.claim_id = seg.el(2).into();
                }
            }
            b"STC" if level == "D" => {
                if let Some(c) = a.claims.last_mut() {
                    c.charge = parse_decimal(seg.el(4)).unwrap_or_default();
                    let cat = seg.component(1, 1);
                    if cat != "A2" {
                        let mut codes = vec![];
                        for n in [1usize, 10, 11] {
                            if !seg.el(n).is_empty() {
                                let e = seg.component(n, 3);
                                codes.push((
                                    seg.component(n, 2).to_string(),
                                    (!e.is_empty()).then(|| e.to_string()),
                                ));
                            }
                        }
                        c.status = ClaimAckStatus::Rejected {
                            category: cat.to_string(),
                            codes,
                            message: seg.opt(12),
                        };
                    }
                }
            }
            b"REF" if level == "D" => {
                if let Some(c) = a.claims.last_mut() {
                    match seg.el(1) {
                        "1K" => c.payer_claim_control = seg.opt(2),
                        "BLT" => c.bill_type = seg.opt(2),
                        _ => {}
                    }
                }
            }
            b"DTP" if level == "D" => {
                if let Some(c) = a.claims.last_mut() {
                    let v = seg.el(3);
                    if let (true, Some(from), Some(to)) =
                        (seg.el(2) == "RD8", v.get(..8), v.get(9..))
                    {
                        c.service_from = date_of(from, &seg)?;
                        c.service_to = date_of(to, &seg)?;
                    } else if let Some(d) = v.get(..8) {
                        c.service_from = date_of(d, &seg)?;
                        c.service_to = c.service_from;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ack(n: u32, name: &str, npi: &str) -> ClaimAck {
        ClaimAck {
            claim_id: format!("PCN{n}"),
            payer_claim_control: None,
            charge: Decimal::ONE,
            patient_last: "DOE".into(),
            patient_first: None,
            member_id: "M1".into(),
            billing_name: name.into(),
            billing_npi: npi.into(),
            service_from: jiff::civil::date(2026, 3, 1),
            service_to: jiff::civil::date(2026, 3, 1),
            bill_type: None,
            status: ClaimAckStatus::Accepted,
        }
    }

    /// Providers come in order of first appearance, each with its claims in file order; the same
    /// NPI under another name is another 2000C.
    #[test]
    fn claims_group_by_billing_provider_in_order_of_first_appearance() {
        let claims = [
            ack(1, "B", "2"),
            ack(2, "A", "1"),
            ack(3, "B", "2"),
            ack(4, "A", "2"),
            ack(5, "A", "1"),
        ];
        let groups: Vec<((&str, &str), Vec<&str>)> = by_billing_provider(&claims)
            .into_iter()
            .map(|(k, v)| (k, v.iter().map(|c| c.claim_id.as_str()).collect()))
            .collect();
        assert_eq!(
            groups,
            [
                (("B", "2"), vec!["PCN1", "PCN3"]),
                (("A", "1"), vec!["PCN2", "PCN5"]),
                (("A", "2"), vec!["PCN4"]),
            ]
        );
    }
}
