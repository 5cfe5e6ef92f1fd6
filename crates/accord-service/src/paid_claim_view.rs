//! The fields of a stored engine claim that the quality measures read, and nothing else.
//!
//! `accord report quality` reads every paid claim. Decoding each into the full
//! [`accord_claims::Claim`] re-validated every identifier and code and built every field (amounts,
//! documentation flags, other payer, modifiers) only to drop them; at ten million lines that was
//! most of the report's time. The claim was validated when it was received and is stored as the
//! canonical text of each value, so the narrow view ([`accord_store::PaidClaim`]) takes the same
//! texts as they are, and the store keeps it apart, as a compact record per claim written with the
//! claim (`quality_claims`, decision 0031), so the report reads neither the JSON nor the rest of
//! the claim row. Intake builds that record from the engine claim it holds ([`quality_record`],
//! decision 0032). The tests here prove the view gives what the full claim gives and that the
//! record from the claim is the record from its JSON; the tests in `reports` prove the compact read
//! gives what decoding the JSON gives.

use accord_claims::ClaimKind;

#[cfg(test)]
use accord_store::PaidClaim as PaidClaimView;

/// The engine's claim kind of a stored claim's kind.
pub(crate) fn kind_of(kind: accord_store::PaidClaimKind) -> ClaimKind {
    match kind {
        accord_store::PaidClaimKind::Professional => ClaimKind::Professional,
        accord_store::PaidClaimKind::Institutional => ClaimKind::Institutional,
    }
}

/// QM-01: the compact quality record of an engine claim, as `accord_store::quality::encode`
/// makes it from the claim's JSON, built from the claim's own texts (intake holds the claim, so
/// the store need not decode the JSON it is given).
pub(crate) fn quality_record(c: &accord_claims::Claim) -> String {
    let kind = match c.kind {
        ClaimKind::Professional => accord_store::PaidClaimKind::Professional,
        ClaimKind::Institutional => accord_store::PaidClaimKind::Institutional,
    };
    let view: accord_store::PaidClaim<&str> = accord_store::PaidClaim {
        kind,
        member_id: c.member_id.as_str(),
        billing_npi: c.billing_npi.as_str(),
        rendering_npi: c.rendering_npi.as_ref().map(|n| n.as_str()),
        attending_npi: c.attending_npi.as_ref().map(|n| n.as_str()),
        place_of_service: c.place_of_service.as_ref().map(|p| p.as_str()),
        bill_type: c.bill_type.as_deref(),
        admission_date: c.admission_date,
        discharge_date: c.discharge_date,
        statement_from: c.statement_from,
        statement_to: c.statement_to,
        diagnoses: c.diagnoses.iter().map(|d| d.as_str()).collect(),
        lines: c
            .lines
            .iter()
            .map(|l| accord_store::PaidLine {
                procedure: l.procedure.as_str(),
                revenue_code: l.revenue_code.as_ref().map(|r| r.as_str()),
                service_from: l.service_from,
                service_to: l.service_to,
                rendering_npi: l.rendering_npi.as_ref().map(|n| n.as_str()),
                place_of_service: l.place_of_service.as_ref().map(|p| p.as_str()),
            })
            .collect(),
    };
    accord_store::quality::encode_claim(&view)
}

#[cfg(test)]
pub(crate) mod tests {
    use accord_claims::{Claim, ClaimKind, ClaimLine, Frequency, LineDocumentation};
    use accord_core::{
        Icd10Code, MemberId, Money, Npi, PlaceOfService, ProcedureCode, RevenueCode, Units,
    };

    use super::*;

    fn line(n: u32, code: &str, rendering: Option<&str>, pos: Option<&str>) -> ClaimLine {
        ClaimLine {
            number: n,
            procedure: ProcedureCode::parse(code).unwrap(),
            modifiers: Vec::new(),
            revenue_code: Some(RevenueCode::parse("0100").unwrap()),
            units: Units::parse("2").unwrap(),
            charge: Money::from_cents(12_345),
            service_from: jiff::civil::date(2026, 3, n as i8),
            service_to: (n == 2).then(|| jiff::civil::date(2026, 3, 9)),
            rendering_npi: rendering.map(|r| Npi::parse(r).unwrap()),
            place_of_service: pos.map(|p| PlaceOfService::parse(p).unwrap()),
            other_payer_paid: None,
            self_pay_collected: Money::ZERO,
            documentation: LineDocumentation::default(),
        }
    }

    /// A claim of `kind` with every field the remittance and the quality read use.
    pub(crate) fn claim(kind: ClaimKind) -> Claim {
        Claim {
            tracking: "T1".into(),
            kind,
            frequency: Frequency::Original,
            member_id: MemberId::parse("m1001").unwrap(),
            billing_npi: Npi::parse("1234567893").unwrap(),
            rendering_npi: None,
            supervising_npi: None,
            attending_npi: Some(Npi::parse("1245319599").unwrap()),
            pay_to_npi: None,
            place_of_service: Some(PlaceOfService::parse("11").unwrap()),
            bill_type: Some("0111".into()),
            admission_date: Some(jiff::civil::date(2026, 3, 1)),
            discharge_date: Some(jiff::civil::date(2026, 3, 9)),
            statement_from: Some(jiff::civil::date(2026, 3, 1)),
            statement_to: Some(jiff::civil::date(2026, 3, 9)),
            received: jiff::civil::date(2026, 3, 20),
            diagnoses: vec![
                Icd10Code::parse("F32.1").unwrap(),
                Icd10Code::parse("F1020").unwrap(),
            ],
            prior_auth_ref: Some("A1".into()),
            emergency: true,
            other_payer: None,
            lines: vec![
                line(1, "90837", None, None),
                line(2, "h0004", Some("1679576722"), Some("21")),
            ],
        }
    }

    /// QM-01: the narrow view of a stored claim gives the measures exactly the texts and dates the
    /// full engine claim gives (member, provider per line, place of service, bill type, revenue
    /// code, procedure, diagnoses, dates), for both claim kinds.
    #[test]
    fn qm_01_view_reads_what_the_full_claim_reads() {
        for kind in [ClaimKind::Professional, ClaimKind::Institutional] {
            let full = claim(kind);
            let json = serde_json::to_string(&full).unwrap();
            let full: Claim = serde_json::from_str(&json).unwrap();
            let view: PaidClaimView = serde_json::from_str(&json).unwrap();
            assert_eq!(kind_of(view.kind), full.kind);
            assert_eq!(view.member_id, full.member_id.as_str());
            assert_eq!(view.billing_npi, full.billing_npi.as_str());
            assert_eq!(view.bill_type, full.bill_type);
            assert_eq!(
                [
                    view.admission_date,
                    view.discharge_date,
                    view.statement_from,
                    view.statement_to
                ],
                [
                    full.admission_date,
                    full.discharge_date,
                    full.statement_from,
                    full.statement_to
                ]
            );
            let dx: Vec<&str> = full.diagnoses.iter().map(|d| d.as_str()).collect();
            assert_eq!(view.diagnoses, dx);
            assert_eq!(view.lines.len(), full.lines.len());
            for (v, f) in view.lines.iter().zip(&full.lines) {
                assert_eq!(v.procedure, f.procedure.to_string());
                assert_eq!(
                    v.revenue_code.as_deref(),
                    f.revenue_code.as_ref().map(|r| r.as_str())
                );
                assert_eq!(
                    (v.service_from, v.service_to),
                    (f.service_from, f.service_to)
                );
                assert_eq!(view.rendering_for(v), full.rendering_for(f).as_str());
                assert_eq!(view.place_for(v), full.place_for(f).map(|p| p.as_str()));
            }
        }
        // The line's own provider and place win over the claim's.
        let view: PaidClaimView =
            serde_json::from_str(&serde_json::to_string(&claim(ClaimKind::Professional)).unwrap())
                .unwrap();
        assert_eq!(view.rendering_for(&view.lines[0]), "1245319599");
        assert_eq!(view.rendering_for(&view.lines[1]), "1679576722");
        assert_eq!(view.place_for(&view.lines[0]), Some("11"));
        assert_eq!(view.place_for(&view.lines[1]), Some("21"));
        assert_eq!(view.lines[1].procedure, "H0004");
    }

    /// QM-01: the record intake builds from the engine claim is, byte for byte, the record the
    /// store encodes from the claim's JSON, for both kinds and for claims with and without the
    /// optional fields.
    #[test]
    fn qm_01_record_from_the_claim_is_the_record_from_its_json() {
        for kind in [ClaimKind::Professional, ClaimKind::Institutional] {
            let mut bare = claim(kind);
            bare.attending_npi = None;
            bare.place_of_service = None;
            bare.bill_type = None;
            bare.admission_date = None;
            bare.diagnoses.clear();
            bare.lines.truncate(1);
            bare.lines[0].revenue_code = None;
            for c in [claim(kind), bare] {
                let json = serde_json::to_string(&c).unwrap();
                let record = quality_record(&c);
                assert_eq!(record, accord_store::quality::encode(&json));
                assert!(!record.starts_with('!'), "{record}");
            }
        }
    }

    /// Malformed JSON is an error, not a skipped claim.
    #[test]
    fn malformed_claim_is_an_error() {
        assert!(serde_json::from_str::<PaidClaimView>("{\"kind\":\"professional\"}").is_err());
    }
}
