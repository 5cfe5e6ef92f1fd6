//! Test fixtures shared by the scenario tests and the unit tests (included in the library's test
//! build as `crate::testkit`). Literals here are known valid: helpers panic on bad test input.
#![allow(dead_code)]

use std::path::Path;
use std::sync::OnceLock;

use accord_claims::{
    Authorization, AuthorizationBook, Claim, ClaimHistory, ClaimKind, ClaimLine, Decision,
    ExaminerRelease, Facts, Frequency, LineDocumentation, PriorLine, PriorStatus,
    ProviderDirectory, ProviderFacts, TransitionOfCare,
};
use accord_core::member::{EligibilitySpan, Member, OtherCoverage, Program, Sex};
use accord_core::provider::{NetworkStatus, Provider, ProviderKind, StatusSpan};
use accord_core::{
    Date, Icd10Code, MemberId, Modifier, Money, Npi, PlaceOfService, ProcedureCode, TaxId, Units,
};
use accord_plan::Plan;
use rust_decimal::Decimal;

pub fn plan() -> &'static Plan {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    PLAN.get_or_init(|| {
        Plan::load(Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../plans/demo-illinois-bh"
        )))
        .expect("demo plan loads")
    })
}

pub fn d(s: &str) -> Date {
    s.parse().expect("date")
}

pub fn money(s: &str) -> Money {
    Money::parse(s).expect("money")
}

pub fn dec(n: i64) -> Decimal {
    Decimal::from(n)
}

pub fn mid(s: &str) -> MemberId {
    MemberId::parse(s).expect("member id")
}

/// The agency (facility) that bills most claims.
pub fn agency() -> Npi {
    Npi::from_first_nine(900_000_001)
}
/// A second agency.
pub fn agency2() -> Npi {
    Npi::from_first_nine(900_000_002)
}
/// A clinician employed by the agency, without individual credentialing (NET-09).
pub fn staff() -> Npi {
    Npi::from_first_nine(100_000_001)
}
/// An independently credentialed clinician who bills in their own name.
pub fn clinician() -> Npi {
    Npi::from_first_nine(100_000_002)
}

/// `"H0004:HF"` → code and modifiers.
pub fn code_mods(s: &str) -> (ProcedureCode, Vec<Modifier>) {
    let mut parts = s.split(':');
    let code = ProcedureCode::parse(parts.next().unwrap_or_default()).expect("code");
    let mods = parts
        .map(|m| Modifier::parse(m).expect("modifier"))
        .collect();
    (code, mods)
}

pub fn ln(number: u32, service: &str, units: u32, charge: &str, dos: &str) -> ClaimLine {
    let (procedure, modifiers) = code_mods(service);
    ClaimLine {
        number,
        procedure,
        modifiers,
        revenue_code: None,
        units: Units::whole(units).expect("units"),
        charge: money(charge),
        service_from: d(dos),
        service_to: None,
        rendering_npi: None,
        place_of_service: None,
        other_payer_paid: None,
        self_pay_collected: Money::ZERO,
        documentation: LineDocumentation {
            start_stop_recorded: Some(true),
            performed_by_trainee: false,
        },
    }
}

pub fn claim(tracking: &str, lines: Vec<ClaimLine>) -> Claim {
    let received = lines
        .iter()
        .map(|l| l.service_from)
        .max()
        .unwrap_or(d("2026-03-01"))
        .checked_add(jiff::Span::new().days(10))
        .expect("date");
    Claim {
        tracking: tracking.into(),
        kind: ClaimKind::Professional,
        frequency: Frequency::Original,
        member_id: mid("M1001"),
        billing_npi: agency(),
        rendering_npi: Some(staff()),
        supervising_npi: None,
        attending_npi: None,
        pay_to_npi: None,
        place_of_service: Some(PlaceOfService::parse("11").expect("pos")),
        bill_type: None,
        admission_date: None,
        discharge_date: None,
        statement_from: None,
        statement_to: None,
        received,
        diagnoses: vec![Icd10Code::parse("F33.1").expect("dx")],
        prior_auth_ref: None,
        emergency: false,
        other_payer: None,
        lines,
    }
}

pub fn prior(
    rendering: &Npi,
    service: &str,
    date: &str,
    units: u32,
    status: PriorStatus,
    tracking: &str,
) -> PriorLine {
    let (code, modifiers) = code_mods(service);
    PriorLine {
        member: mid("M1001"),
        rendering: rendering.clone(),
        code,
        modifiers,
        date: d(date),
        units: dec(i64::from(units)),
        status,
        tracking: tracking.into(),
    }
}

pub fn provider(npi: &Npi, kind: ProviderKind, facility: Option<Npi>) -> ProviderFacts {
    let participating = facility.is_none();
    ProviderFacts {
        provider: Provider {
            npi: npi.clone(),
            kind,
            name: format!("Provider {npi}"),
            tax_id: TaxId::parse("12-3456789").expect("tin"),
            specialty: "cmhc".into(),
            license_number: Some("036-000001".into()),
            license_expires: Some(d("2030-12-31")),
            facility_npi: facility,
        },
        statuses: if participating {
            vec![StatusSpan {
                npi: npi.clone(),
                status: NetworkStatus::Participating,
                start: d("2020-01-01"),
                end: None,
                reason: "credentialed".into(),
            }]
        } else {
            Vec::new()
        },
        sanctions: Vec::new(),
    }
}

pub fn span(plan_code: &str, program: Program, start: &str, end: Option<&str>) -> EligibilitySpan {
    EligibilitySpan {
        member_id: mid("M1001"),
        plan_code: plan_code.into(),
        program,
        start: d(start),
        end: end.map(d),
    }
}

pub fn authorization(
    id: &str,
    npi: &Npi,
    service: &str,
    start: &str,
    end: &str,
    units: u32,
    used: u32,
) -> Authorization {
    let (code, mods) = code_mods(service);
    Authorization {
        id: id.into(),
        member: mid("M1001"),
        provider: npi.clone(),
        services: vec![(code, mods)],
        level_of_care: String::new(),
        start: d(start),
        end: d(end),
        units_authorized: dec(i64::from(units)),
        units_used: dec(i64::from(used)),
    }
}

/// A member of the demo plan (Medicaid, ACCORD-IL from 2025-01-01) and its world.
pub struct Fx {
    pub member: Member,
    pub spans: Vec<EligibilitySpan>,
    pub other: Vec<OtherCoverage>,
    pub providers: ProviderDirectory,
    pub auths: Vec<Authorization>,
    pub history: Vec<PriorLine>,
    pub toc: Option<TransitionOfCare>,
    pub original: Option<Decision>,
    /// When the original was remitted (CLM-10's window).
    pub original_remitted_on: Option<Date>,
    /// A modified copy of the demo plan, when a test needs one.
    pub plan: Option<Plan>,
    /// An examiner's release of pended lines.
    pub release: Option<ExaminerRelease>,
}

impl Default for Fx {
    fn default() -> Self {
        Self::new()
    }
}

impl Fx {
    pub fn new() -> Self {
        let providers: ProviderDirectory = [
            provider(&agency(), ProviderKind::Facility, None),
            provider(&agency2(), ProviderKind::Facility, None),
            provider(&staff(), ProviderKind::Individual, Some(agency())),
            provider(&clinician(), ProviderKind::Individual, None),
        ]
        .into_iter()
        .collect();
        Self {
            member: Member {
                member_id: mid("M1001"),
                first_name: "Pat".into(),
                last_name: "Doe".into(),
                birth_date: d("1990-05-05"),
                sex: Sex::U,
                zip: "60601".into(),
                family_size: Some(3),
                annual_income: Some(money("30000")),
                sud_consent: true,
            },
            spans: vec![span("ACCORD-IL", Program::Medicaid, "2025-01-01", None)],
            other: Vec::new(),
            providers,
            auths: Vec::new(),
            history: Vec::new(),
            toc: None,
            original: None,
            original_remitted_on: None,
            plan: None,
            release: None,
        }
    }

    /// Calls `f` with the facts of this fixture.
    pub fn with_facts<R>(&self, f: impl FnOnce(&Facts) -> R) -> R {
        let auths = AuthorizationBook::new(self.auths.clone());
        let history = ClaimHistory::new(self.history.clone());
        let p = self.plan.as_ref().unwrap_or_else(|| plan());
        let mut facts = Facts::new(p, &self.providers, &auths, &history);
        facts.member = Some(&self.member);
        facts.spans = &self.spans;
        facts.other_coverage = &self.other;
        facts.transition_of_care = self.toc;
        facts.original = self.original.as_ref();
        facts.original_remitted_on = self.original_remitted_on;
        facts.release = self.release.as_ref();
        f(&facts)
    }

    /// Adjudicates with today = the claim's receipt date.
    pub fn run(&self, claim: &Claim) -> Decision {
        self.with_facts(|facts| accord_claims::adjudicate(claim, facts, claim.received))
    }
}

/// Asserts the 835 balancing identity on every adjudicated line.
pub fn assert_balanced(dec: &Decision) {
    for l in &dec.lines {
        if l.pend.is_none() {
            assert_eq!(
                l.billed,
                l.paid + l.adjusted(),
                "line {} does not balance: {:?}",
                l.number,
                l
            );
        }
    }
}

/// The (group-carc) codes on a line, e.g. `["CO-119"]`.
pub fn codes(dec: &Decision, line: u32) -> Vec<String> {
    dec.lines
        .iter()
        .find(|l| l.number == line)
        .map(|l| {
            l.adjustments
                .iter()
                .map(|a| format!("{}-{}", a.group.as_str(), a.carc))
                .collect()
        })
        .unwrap_or_default()
}
