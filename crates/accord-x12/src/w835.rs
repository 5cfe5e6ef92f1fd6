//! 835 health care claim payment/advice (005010X221A1) writer and reader.
//!
//! One transaction set per [`Remittance`]: one payer, one payee (pay-to
//! provider) and one payment. The writer derives BPR02 from the claims and
//! the provider-level adjustments, so a written file always balances:
//! `BPR02 = Σ CLP04 − Σ PLB amounts` (a positive PLB amount, e.g. WO overpayment
//! recovery, is money withheld). It refuses claims whose adjustments do not
//! explain the difference between charge and payment, at claim and line level.

use rust_decimal::Decimal;

use crate::lexer::SliceLexer;
use crate::model::{Adjustment, AdjustmentGroup, Procedure};
use crate::r837::parse_decimal;
use crate::write::{Envelope, X12Writer, ccyymmdd, clean, money};

/// How the money moves (BPR04 and the bank data for ACH).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum PaymentMethod {
    /// ACH credit (CCP format): sender and receiver routing (ABA) and account numbers.
    Ach {
        sender_routing: String,
        sender_account: String,
        receiver_routing: String,
        receiver_account: String,
    },
    Check,
    /// No payment (everything denied or offset).
    NonPayment,
}

/// Name, identifier and address of the payer or payee.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Default)]
pub struct Party {
    pub name: String,
    /// Payee: NPI (N103 XX). Payer: N103/N104 payer identifier (XV), optional.
    pub id: Option<String>,
    pub address: Option<crate::model::Address>,
    /// Payee tax identification number (REF*TJ) / payer additional id (REF*2U).
    pub tax_id: Option<String>,
    /// Payer technical contact (PER*BL) phone.
    pub contact_phone: Option<String>,
}

/// One service line paid (SVC loop 2110).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Default)]
pub struct ServicePayment {
    /// The procedure as adjudicated (SVC01).
    pub procedure: Procedure,
    pub charge: Decimal,
    pub paid: Decimal,
    /// NUBC revenue code (SVC04), institutional.
    pub revenue_code: Option<String>,
    pub units: Option<Decimal>,
    /// The procedure as submitted, when the payer changed it (SVC06).
    pub original_procedure: Option<Procedure>,
    pub service_date: Option<jiff::civil::Date>,
    pub adjustments: Vec<AdjustmentGroup>,
    /// REF*6R line item control number (the 837 REF*6R).
    pub line_control: Option<String>,
    /// AMT*B6 allowed amount.
    pub allowed: Option<Decimal>,
    /// LQ*HE remittance advice remark codes (RARC).
    pub remarks: Vec<String>,
}

/// One claim paid, denied or reversed (CLP loop 2100).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Default)]
pub struct ClaimPayment {
    /// CLP01: the provider's patient control number (837 CLM01).
    pub claim_id: String,
    /// CLP02: 1 processed as primary, 2 secondary, 3 tertiary, 4 denied, 22 reversal.
    pub status: String,
    pub charge: Decimal,
    pub paid: Decimal,
    pub patient_responsibility: Option<Decimal>,
    /// CLP06 claim filing indicator (MC Medicaid, HM HMO…).
    pub filing_indicator: String,
    /// CLP07 payer claim control number.
    pub payer_claim_control: String,
    /// CLP08 facility code, CLP09 frequency code.
    pub facility_code: Option<String>,
    pub frequency_code: Option<String>,
    pub adjustments: Vec<AdjustmentGroup>,
    pub patient_last: String,
    pub patient_first: Option<String>,
    pub member_id: String,
    /// DTM*232/233 claim statement period.
    pub period_start: Option<jiff::civil::Date>,
    pub period_end: Option<jiff::civil::Date>,
    pub lines: Vec<ServicePayment>,
}

/// One provider-level adjustment (PLB) composite: reason (WO overpayment recovery, FB forward balance, L6 interest…),
/// reference (e.g. the payer claim control number being recovered) and amount (positive withholds).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Default)]
pub struct ProviderAdjustment {
    pub reason: String,
    pub reference: Option<String>,
    pub amount: Decimal,
}

/// A PLB segment: provider, fiscal period end, up to six adjustments.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Default)]
pub struct ProviderAdjustments {
    pub provider_id: String,
    pub fiscal_period_end: Option<jiff::civil::Date>,
    pub adjustments: Vec<ProviderAdjustment>,
}

/// One 835 transaction set: a payment from one payer to one payee.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Remittance {
    pub method: PaymentMethod,
    /// BPR16 payment effective date (check issue or EFT date).
    pub payment_date: jiff::civil::Date,
    /// TRN02 check or EFT trace number.
    pub trace_number: String,
    /// TRN03: "1" followed by the payer's EIN.
    pub payer_tin: String,
    /// DTM*405 production date.
    pub production_date: Option<jiff::civil::Date>,
    pub payer: Party,
    pub payee: Party,
    pub claims: Vec<ClaimPayment>,
    pub provider_adjustments: Vec<ProviderAdjustments>,
}

impl Remittance {
    /// BPR02: claim payments less provider-level adjustments.
    pub fn total(&self) -> Decimal {
        let paid: Decimal = self.claims.iter().map(|c| c.paid).sum();
        let plb: Decimal = self
            .provider_adjustments
            .iter()
            .flat_map(|p| p.adjustments.iter())
            .map(|a| a.amount)
            .sum();
        paid - plb
    }

    /// Checks the balancing rules of the TR3; `Err` names the first imbalance.
    pub fn check_balance(&self) -> Result<(), BalanceError> {
        let cas = |gs: &[AdjustmentGroup]| -> Decimal {
            gs.iter()
                .flat_map(|g| g.adjustments.iter())
                .map(|a| a.amount)
                .sum()
        };
        for c in &self.claims {
            let line_cas: Decimal = c.lines.iter().map(|l| cas(&l.adjustments)).sum();
            let expected = c.charge - c.paid;
            let got = cas(&c.adjustments) + line_cas;
            if got != expected {
                return Err(BalanceError::Claim {
                    claim_id: c.claim_id.clone(),
                    expected,
                    adjustments: got,
                });
            }
            for (i, l) in c.lines.iter().enumerate() {
                let expected = l.charge - l.paid;
                let got = cas(&l.adjustments);
                if got != expected {
                    return Err(BalanceError::Line {
                        claim_id: c.claim_id.clone(),
                        line: i + 1,
                        expected,
                        adjustments: got,
                    });
                }
            }
            if !c.lines.is_empty() {
                let paid: Decimal = c.lines.iter().map(|l| l.paid).sum();
                if paid != c.paid {
                    return Err(BalanceError::LinesPaid {
                        claim_id: c.claim_id.clone(),
                        claim_paid: c.paid,
                        lines_paid: paid,
                    });
                }
            }
        }
        if self.total() < Decimal::ZERO {
            return Err(BalanceError::NegativeTotal(self.total()));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BalanceError {
    #[error(
        "claim {claim_id}: charge minus paid is {expected} but adjustments total {adjustments}"
    )]
    Claim {
        claim_id: String,
        expected: Decimal,
        adjustments: Decimal,
    },
    #[error(
        "claim {claim_id} line {line}: charge minus paid is {expected} but adjustments total {adjustments}"
    )]
    Line {
        claim_id: String,
        line: usize,
        expected: Decimal,
        adjustments: Decimal,
    },
    #[error("claim {claim_id}: paid {claim_paid} but lines paid {lines_paid}")]
    LinesPaid {
        claim_id: String,
        claim_paid: Decimal,
        lines_paid: Decimal,
    },
    #[error("payment total {0} is negative: carry the balance forward instead")]
    NegativeTotal(Decimal),
}

fn d8(d: jiff::civil::Date) -> String {
    ccyymmdd(d)
}

fn proc_comp(p: &Procedure) -> String {
    let mut parts: Vec<&str> = vec![&p.qualifier, &p.code];
    for i in 0..4 {
        parts.push(p.modifiers.get(i).map(String::as_str).unwrap_or(""));
    }
    parts.push(p.description.as_deref().unwrap_or(""));
    let cleaned: Vec<String> = parts.iter().map(|s| clean(s)).collect();
    let refs: Vec<&str> = cleaned.iter().map(String::as_str).collect();
    X12Writer::comp(&refs)
}

fn write_cas(w: &mut X12Writer, g: &AdjustmentGroup) {
    // CAS holds six adjustments; more go into further CAS segments of the same group.
    for chunk in g.adjustments.chunks(6) {
        let mut v: Vec<String> = vec!["CAS".into(), clean(&g.group)];
        for a in chunk {
            v.push(clean(&a.reason));
            v.push(money(a.amount));
            v.push(a.quantity.map(money).unwrap_or_default());
        }
        let refs: Vec<&str> = v.iter().map(String::as_str).collect();
        w.seg(&refs);
    }
}

fn write_party_address(w: &mut X12Writer, p: &Party) {
    if let Some(a) = &p.address {
        w.seg(&[
            "N3",
            &clean(&a.line1),
            &clean(a.line2.as_deref().unwrap_or("")),
        ]);
        w.seg(&[
            "N4",
            &clean(&a.city),
            &clean(a.state.as_deref().unwrap_or("")),
            &clean(a.postal_code.as_deref().unwrap_or("")),
            &clean(a.country.as_deref().unwrap_or("")),
        ]);
    }
}

/// Writes one 835 interchange with one transaction set per remittance.
/// Fails, writing nothing, if any remittance does not balance.
pub fn write_835(remits: &[Remittance], env: &Envelope) -> Result<String, BalanceError> {
    for r in remits {
        r.check_balance()?;
    }
    let mut w = X12Writer::new();
    w.isa(env);
    w.gs(env, "HP", "005010X221A1", env.group_control);
    for (n, r) in remits.iter().enumerate() {
        write_set(&mut w, r, &format!("{:04}", n + 1));
    }
    w.ge();
    w.iea();
    Ok(w.out)
}

fn write_set(w: &mut X12Writer, r: &Remittance, control: &str) {
    w.st("835", control, "005010X221A1");
    let total = r.total();
    let date = d8(r.payment_date);
    let (handling, method) = match (&r.method, total.is_zero()) {
        (_, true) | (PaymentMethod::NonPayment, _) => ("H", "NON"),
        (PaymentMethod::Ach { .. }, false) => ("I", "ACH"),
        (PaymentMethod::Check, false) => ("I", "CHK"),
    };
    let t = money(total);
    match (&r.method, method) {
        (
            PaymentMethod::Ach {
                sender_routing,
                sender_account,
                receiver_routing,
                receiver_account,
            },
            "ACH",
        ) => {
            let (sr, sa, rr, ra) = (
                clean(sender_routing),
                clean(sender_account),
                clean(receiver_routing),
                clean(receiver_account),
            );
            let payer_id = clean(&r.payer_tin);
            w.seg(&[
                "BPR", handling, &t, "C", method, "CCP", "01", &sr, "DA", &sa, &payer_id, "", "01",
                &rr, "DA", &ra, &date,
            ]);
        }
        _ => w.seg(&[
            "BPR", handling, &t, "C", method, "", "", "", "", "", "", "", "", "", "", "", &date,
        ]),
    }
    w.seg(&["TRN", "1", &clean(&r.trace_number), &clean(&r.payer_tin)]);
    if let Some(d) = r.production_date {
        w.seg(&["DTM", "405", &d8(d)]);
    }
    match &r.payer.id {
        Some(id) => w.seg(&["N1", "PR", &clean(&r.payer.name), "XV", &clean(id)]),
        None => w.seg(&["N1", "PR", &clean(&r.payer.name)]),
    }
    write_party_address(w, &r.payer);
    if let Some(id) = &r.payer.tax_id {
        w.seg(&["REF", "2U", &clean(id)]);
    }
    w.seg(&[
        "PER",
        "BL",
        "PROVIDER SERVICES",
        "TE",
        &clean(r.payer.contact_phone.as_deref().unwrap_or("8005550100")),
    ]);
    w.seg(&[
        "N1",
        "PE",
        &clean(&r.payee.name),
        "XX",
        &clean(r.payee.id.as_deref().unwrap_or("")),
    ]);
    write_party_address(w, &r.payee);
    if let Some(tin) = &r.payee.tax_id {
        w.seg(&["REF", "TJ", &clean(tin)]);
    }
    if !r.claims.is_empty() {
        w.seg(&["LX", "1"]);
    }
    for c in &r.claims {
        w.seg(&[
            "CLP",
            &clean(&c.claim_id),
            &clean(&c.status),
            &money(c.charge),
            &money(c.paid),
            &c.patient_responsibility.map(money).unwrap_or_default(),
            &clean(&c.filing_indicator),
            &clean(&c.payer_claim_control),
            &clean(c.facility_code.as_deref().unwrap_or("")),
            &clean(c.frequency_code.as_deref().unwrap_or("")),
        ]);
        for g in &c.adjustments {
            write_cas(w, g);
        }
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
        if let Some(d) = c.period_start {
            w.seg(&["DTM", "232", &d8(d)]);
        }
        if let Some(d) = c.period_end {
            w.seg(&["DTM", "233", &d8(d)]);
        }
        for l in &c.lines {
            let orig = l
                .original_procedure
                .as_ref()
                .map(proc_comp)
                .unwrap_or_default();
            w.seg(&[
                "SVC",
                &proc_comp(&l.procedure),
                &money(l.charge),
                &money(l.paid),
                &clean(l.revenue_code.as_deref().unwrap_or("")),
                &l.units.map(money).unwrap_or_default(),
                &orig,
            ]);
            if let Some(d) = l.service_date {
                w.seg(&["DTM", "472", &d8(d)]);
            }
            for g in &l.adjustments {
                write_cas(w, g);
            }
            if let Some(r) = &l.line_control {
                w.seg(&["REF", "6R", &clean(r)]);
            }
            if let Some(a) = l.allowed {
                w.seg(&["AMT", "B6", &money(a)]);
            }
            for rarc in &l.remarks {
                w.seg(&["LQ", "HE", &clean(rarc)]);
            }
        }
    }
    for p in &r.provider_adjustments {
        for chunk in p.adjustments.chunks(6) {
            let mut v: Vec<String> = vec![
                "PLB".into(),
                clean(&p.provider_id),
                p.fiscal_period_end.map(d8).unwrap_or_default(),
            ];
            for a in chunk {
                v.push(X12Writer::comp(&[
                    &clean(&a.reason),
                    &clean(a.reference.as_deref().unwrap_or("")),
                ]));
                v.push(money(a.amount));
            }
            let refs: Vec<&str> = v.iter().map(String::as_str).collect();
            w.seg(&refs);
        }
    }
    w.se();
}

/// An 835 read failure.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Read835Error {
    #[error(transparent)]
    Lex(#[from] crate::lexer::LexError),
    #[error("segment {segment} ({segment_id}) element {element}: {message}")]
    Bad {
        segment_id: String,
        segment: u64,
        element: usize,
        message: String,
    },
}

fn dec(seg: &crate::segment::Segment<'_>, n: usize) -> Result<Decimal, Read835Error> {
    parse_decimal(seg.el(n)).ok_or_else(|| Read835Error::Bad {
        segment_id: seg.id_str().into(),
        segment: seg.index,
        element: n,
        message: format!("{:?} is not a number", seg.el(n)),
    })
}

fn opt_dec(seg: &crate::segment::Segment<'_>, n: usize) -> Result<Option<Decimal>, Read835Error> {
    if seg.el(n).is_empty() {
        Ok(None)
    } else {
        dec(seg, n).map(Some)
    }
}

fn date(seg: &crate::segment::Segment<'_>, n: usize) -> Result<jiff::civil::Date, Read835Error> {
    crate::validate::parse_ccyymmdd(seg.el(n)).ok_or_else(|| Read835Error::Bad {
        segment_id: seg.id_str().into(),
        segment: seg.index,
        element: n,
        message: format!("{:?} is not a CCYYMMDD date", seg.el(n)),
    })
}

fn proc_of(seg: &crate::segment::Segment<'_>, n: usize) -> Procedure {
    let comps: Vec<&str> = seg.components(n).collect();
    Procedure {
        qualifier: comps.first().copied().unwrap_or("").into(),
        code: comps.get(1).copied().unwrap_or("").into(),
        modifiers: (2..6)
            .filter_map(|i| {
                comps
                    .get(i)
                    .filter(|m| !m.is_empty())
                    .map(|m| m.to_string())
            })
            .collect(),
        description: comps
            .get(6)
            .filter(|m| !m.is_empty())
            .map(|m| m.to_string()),
    }
}

fn cas_of(seg: &crate::segment::Segment<'_>) -> Result<AdjustmentGroup, Read835Error> {
    let mut g = AdjustmentGroup {
        group: seg.el(1).into(),
        adjustments: vec![],
    };
    let mut k = 2;
    while k <= 17 && !seg.el(k).is_empty() {
        g.adjustments.push(Adjustment {
            reason: seg.el(k).into(),
            amount: dec(seg, k + 1)?,
            quantity: opt_dec(seg, k + 2)?,
        });
        k += 3;
    }
    Ok(g)
}

/// Reads every 835 transaction set in a file. Segments the model has no
/// field for (MIA, MOA, REF other than the ones written, …) are skipped.
pub fn read_835(input: &[u8]) -> Result<Vec<Remittance>, Read835Error> {
    let mut out: Vec<Remittance> = vec![];
    // 'R' header, 'P' payer, 'E' payee, 'C' claim, 'S' service.
    let mut at = 'R';
    for seg in SliceLexer::new(input) {
        let seg = seg?;
        let id = seg.id();
        if id == b"ST" {
            if seg.el(1) == "835" {
                out.push(Remittance {
                    method: PaymentMethod::Check,
                    payment_date: jiff::civil::date(1900, 1, 1),
                    trace_number: String::new(),
                    payer_tin: String::new(),
                    production_date: None,
                    payer: Party::default(),
                    payee: Party::default(),
                    claims: vec![],
                    provider_adjustments: vec![],
                });
                at = 'R';
            }
            continue;
        }
        let Some(r) = out.last_mut() else { continue };
        match id {
            b"BPR" => {
                r.method = match seg.el(4) {
                    "ACH" => PaymentMethod::Ach {
                        sender_routing: seg.el(7).into(),
                        sender_account: seg.el(9).into(),
                        receiver_routing: seg.el(13).into(),
                        receiver_account: seg.el(15).into(),
                    },
                    "NON" => PaymentMethod::NonPayment,
                    _ => PaymentMethod::Check,
                };
                r.payment_date = date(&seg, 16)?;
            }
            b"TRN" => {
                r.trace_number = seg.el(2).into();
                r.payer_tin = seg.el(3).into();
            }
            b"DTM" => match (at, seg.el(1)) {
                ('R', "405") => r.production_date = Some(date(&seg, 2)?),
                ('C', "232") => {
                    if let Some(c) = r.claims.last_mut() {
                        c.period_start = Some(date(&seg, 2)?);
                    }
                }
                ('C', "233") => {
                    if let Some(c) = r.claims.last_mut() {
                        c.period_end = Some(date(&seg, 2)?);
                    }
                }
                ('S', "472" | "150") => {
                    if let Some(l) = r.claims.last_mut().and_then(|c| c.lines.last_mut()) {
                        l.service_date = Some(date(&seg, 2)?);
                    }
                }
                _ => {}
            },
            b"N1" => {
                let party = Party {
                    name: seg.el(2).into(),
                    id: seg.opt(4),
                    ..Party::default()
                };
                match seg.el(1) {
                    "PR" => {
                        r.payer = party;
                        at = 'P';
                    }
                    "PE" => {
                        r.payee = party;
                        at = 'E';
                    }
                    _ => {}
                }
            }
            b"N3" | b"N4" if matches!(at, 'P' | 'E') => {
                let p = if at == 'P' {
                    &mut r.payer
                } else {
                    &mut r.payee
                };
                let a = p.address.get_or_insert_with(Default::default);
                if id == b"N3" {
                    a.line1 = seg.el(1).into();
                    a.line2 = seg.opt(2);
                } else {
                    a.city = seg.el(1).into();
                    a.state = seg.opt(2);
                    a.postal_code = seg.opt(3);
                    a.country = seg.opt(4);
                }
            }
            b"REF" => match (at, seg.el(1)) {
                ('P', "2U") => r.payer.tax_id = seg.opt(2),
                ('E', "TJ") => r.payee.tax_id = seg.opt(2),
                ('S', "6R") => {
                    if let Some(l) = r.claims.last_mut().and_then(|c| c.lines.last_mut()) {
                        l.line_control = seg.opt(2);
                    }
                }
                _ => {}
            },
            b"PER" if at == 'P' && seg.el(1) == "BL" => {
                r.payer.contact_phone = (1..4)
                    .find(|k| seg.el(1 + 2 * k) == "TE")
                    .and_then(|k| seg.opt(2 + 2 * k));
            }
            b"CLP" => {
                r.claims.push(ClaimPayment {
                    claim_id: seg.el(1).into(),
                    status: seg.el(2).into(),
                    charge: dec(&seg, 3)?,
                    paid: dec(&seg, 4)?,
                    patient_responsibility: opt_dec(&seg, 5)?,
                    filing_indicator: seg.el(6).into(),
                    payer_claim_control: seg.el(7).into(),
                    facility_code: seg.opt(8),
                    frequency_code: seg.opt(9),
                    ..ClaimPayment::default()
                });
                at = 'C';
            }
            b"CAS" => {
                let g = cas_of(&seg)?;
                if let Some(c) = r.claims.last_mut() {
                    match (at, c.lines.last_mut()) {
                        ('S', Some(l)) => l.adjustments.push(g),
                        _ => c.adjustments.push(g),
                    }
                }
            }
            b"NM1" if at == 'C' && seg.el(1) == "QC" => {
                if let Some(c) = r.claims.last_mut() {
                    c.patient_last = seg.el(3).into();
                    c.patient_first = seg.opt(4);
                    c.member_id = seg.el(9).into();
                }
            }
            b"SVC" => {
                if let Some(c) = r.claims.last_mut() {
                    c.lines.push(ServicePayment {
                        procedure: proc_of(&seg, 1),
                        charge: dec(&seg, 2)?,
                        paid: dec(&seg, 3)?,
                        revenue_code: seg.opt(4),
                        units: opt_dec(&seg, 5)?,
                        original_procedure: (!seg.el(6).is_empty()).then(|| proc_of(&seg, 6)),
                        ..ServicePayment::default()
                    });
                    at = 'S';
                }
            }
            b"AMT" if at == 'S' && seg.el(1) == "B6" => {
                if let Some(l) = r.claims.last_mut().and_then(|c| c.lines.last_mut()) {
                    l.allowed = Some(dec(&seg, 2)?);
                }
            }
            b"LQ" if at == 'S' && seg.el(1) == "HE" => {
                if let Some(l) = r.claims.last_mut().and_then(|c| c.lines.last_mut()) {
                    l.remarks.push(seg.el(2).into());
                }
            }
            b"PLB" => {
                let mut p = ProviderAdjustments {
                    provider_id: seg.el(1).into(),
                    fiscal_period_end: if seg.el(2).is_empty() {
                        None
                    } else {
                        Some(date(&seg, 2)?)
                    },
                    adjustments: vec![],
                };
                let mut k = 3;
                while k < 15 && !seg.el(k).is_empty() {
                    let reference = seg.component(k, 2);
                    p.adjustments.push(ProviderAdjustment {
                        reason: seg.component(k, 1).into(),
                        reference: (!reference.is_empty()).then(|| reference.to_string()),
                        amount: dec(&seg, k + 1)?,
                    });
                    k += 2;
                }
                // Continuation PLBs for the same provider and period merge back into one.
                match r.provider_adjustments.last_mut() {
                    Some(last)
                        if last.provider_id == p.provider_id
                            && last.fiscal_period_end == p.fiscal_period_end
                            && last.adjustments.len() % 6 == 0 =>
                    {
                        last.adjustments.extend(p.adjustments)
                    }
                    _ => r.provider_adjustments.push(p),
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// BPR02 as written in the file, for balance checks on files read.
pub fn bpr_totals(input: &[u8]) -> Vec<Option<Decimal>> {
    SliceLexer::new(input)
        .filter_map(Result::ok)
        .filter(|s| s.id() == b"BPR")
        .map(|s| parse_decimal(s.el(2)))
        .collect()
}
