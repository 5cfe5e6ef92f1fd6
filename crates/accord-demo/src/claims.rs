//! A month of claims for the demo population and network, as X12 837P/837I claims
//! ([`accord_x12::Claim`]), with the prior authorizations they need and the seeds' edge cases mixed
//! in (issue 4, "`accord demo` now generates and submits a month of claims").
//!
//! Everything billed comes from the inputs: members' real IDs and eligibility, the network's real
//! NPIs (billing = facility, group or independent clinician; rendering = the clinician who saw the
//! member), codes, modifiers, places of service and per-day caps from the plan's `services.csv`,
//! charges somewhat above the plan's `fee_schedule.csv` rate, authorization needs from
//! `auth_grid.csv`, NCCI pairs and MUEs avoided except where an edge case wants them. Same inputs
//! and seed, same claims, byte for byte.
//!
//! Ordinary claims are written to pay: the member is covered on every date (retroactive
//! terminations applied, ELIG-01), both providers are payable (NET-05/08/09), no code is billed
//! above its daily cap or MUE, no NCCI pair meets on a day, no line repeats another. Each
//! [`EdgeCase`] then adds a handful of claims that exercise one rule; [`ClaimMonth::labelled`]
//! says which claim is which and [`EdgeCase::expected`] what adjudication should do with it.
//!
//! The claims are received together on [`ClaimMonthOptions::received_by`] (the demo's as-of
//! date): one 837P file and one 837I file ([`write_files`]). Corrected and void claims need the
//! tracking numbers given at submission, so they come afterwards from [`corrections`].

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use accord_claims::Authorization;
use accord_core::calendar::add_calendar_days;
use accord_core::member::{EligibilitySpan, Member, OtherCoverage, Sex, attestation_overdue};
use accord_core::provider::{Provider, ProviderKind, Sanction, Standing, StatusSpan, standing_on};
use accord_core::{Date, Modifier, Npi, ProcedureCode};
use accord_plan::{Plan, Requirement};
use accord_x12::write::Envelope;
use accord_x12::{
    Address, Adjustment, AdjustmentGroup, BillingProvider, Claim, ClaimKind, Contact, DateRef,
    Entity, HealthCode, LineAdjudication, OtherSubscriber, Procedure, Ref, ServiceLine, Subscriber,
};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

use crate::DemoData;
use crate::names::{CITIES, STREETS};

/// The clearinghouse that submits the month's files (ISA06, GS02, loop 1000A).
pub const CLEARINGHOUSE_ID: &str = "PRAIRIECLX";
/// The clearinghouse's name on loop 1000A.
pub const CLEARINGHOUSE_NAME: &str = "PRAIRIE CLAIMS EXCHANGE";

/// Share of members with at least one service in a month.
const SERVED_SHARE: f64 = 0.16;
/// Share of members in a residential stay during the month (837I).
const RESIDENTIAL_SHARE: f64 = 0.004;
/// Lines per claim at most (the brief: 1–4).
const MAX_LINES: usize = 4;
/// Claims per member and episode at most.
const MAX_CLAIMS: usize = 3;

/// What month to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimMonthOptions {
    /// Random seed: the same seed (with the same data and plan) gives the same claims.
    pub seed: u64,
    /// First date of service of the month.
    pub first: Date,
    /// Last date of service of the month.
    pub last: Date,
    /// The day the files are received (the demo's as-of date): no service is after it.
    pub received_by: Date,
    /// Share of members with ordinary services in the month (the demo: 0.16; the end-to-end
    /// benchmark raises it to get many claims from a population that fits in memory).
    pub served_share: f64,
}

impl ClaimMonthOptions {
    /// The calendar month before `as_of`, received on `as_of` (the demo: as of 2026-11-02, the
    /// services of 2026-10-01..2026-10-31).
    pub fn month_before(seed: u64, as_of: Date) -> Self {
        let first_this = as_of.first_of_month();
        let last = days(first_this, -1);
        ClaimMonthOptions {
            seed,
            first: last.first_of_month(),
            last,
            received_by: as_of,
            served_share: SERVED_SHARE,
        }
    }
}

/// The seeds' edge cases mixed into the month. Each variant's doc names the rule it exercises;
/// [`EdgeCase::expected`] says what adjudication should decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EdgeCase {
    /// CLM-06 (000 Billing 6): the same code the same day for one member by two different
    /// rendering providers (two agencies' case management while a client transitions).
    SameDayTwoProviders,
    /// CLM-06: a claim submitted twice, identical.
    ExactDuplicate,
    /// ELIG-01: services after a retroactive termination of the member's eligibility.
    RetroTerminated,
    /// ELIG-01/ELIG-02: one claim with services on both sides of a switch between plans.
    PlanSwitch,
    /// NET-05/NET-08: services on a date the provider is suspended, terminated or on leave.
    ProviderNotPayable,
    /// PAY-01: residential per diem on an 837I (admission date, bill type 86x, revenue code,
    /// statement period), priced at the rate in effect on the admission date.
    ResidentialPerDiem,
    /// CLM-02 (000 Billing 11): a residential stay billed after discharge, more than the filing
    /// window after admission but within it after discharge.
    ResidentialFromDischarge,
    /// CLM-02: a service billed after the plan's timely-filing window.
    LateFiling,
    /// CLM-08 (000 Services 4): a capped service billed above its daily cap (H0004: 8 units a day).
    DailyCapExceeded,
    /// UM-01 (000 Services 1): a threshold service (H2015: first 200 units a year free) billed
    /// beyond its free units without an authorization.
    ThresholdExceeded,
    /// CLM-07, UM-04: a service that needs authorization, with a matching authorization.
    Authorized,
    /// CLM-07: a service that needs authorization, without one.
    NoAuthorization,
    /// CLM-07: more units than the authorization has.
    BeyondAuthorization,
    /// PAY-03/PAY-04: a member with other coverage; the claim carries the primary payer's
    /// payment (loops 2320/2330B/2430).
    OtherCoveragePaidFirst,
    /// ELIG-04, PAY-03: a member with other coverage; the claim does not show the primary's
    /// adjudication.
    OtherCoverageNotBilled,
    /// ELIG-04: other coverage whose re-attestation is overdue on the receipt date.
    AttestationOverdue,
    /// CLM-01/CLM-04: a member ID the plan does not know.
    UnknownMember,
    /// CLM-01/CLM-04: an invalid diagnosis (an ICD-9 code where ICD-10-CM is required).
    InvalidDiagnosis,
    /// QM-01 (FUH, PCR), PAY-01: an acute inpatient psychiatric stay on an 837I (bill type 11x,
    /// psychiatric room and board, a mental-illness principal diagnosis, the discharge), one of
    /// them a readmission within 30 days; the members' follow-up visits are ordinary claims.
    InpatientStay,
    /// QM-01 (FUM, FUA): an emergency-department visit on an 837I (bill type 13x, revenue 0450)
    /// with a mental-illness or alcohol/other-drug principal diagnosis; no authorization (UM-12).
    EmergencyVisit,
}

impl EdgeCase {
    /// Every edge case, in the order of the summary.
    pub const ALL: [EdgeCase; 20] = [
        EdgeCase::SameDayTwoProviders,
        EdgeCase::ExactDuplicate,
        EdgeCase::RetroTerminated,
        EdgeCase::PlanSwitch,
        EdgeCase::ProviderNotPayable,
        EdgeCase::ResidentialPerDiem,
        EdgeCase::ResidentialFromDischarge,
        EdgeCase::LateFiling,
        EdgeCase::DailyCapExceeded,
        EdgeCase::ThresholdExceeded,
        EdgeCase::Authorized,
        EdgeCase::NoAuthorization,
        EdgeCase::BeyondAuthorization,
        EdgeCase::OtherCoveragePaidFirst,
        EdgeCase::OtherCoverageNotBilled,
        EdgeCase::AttestationOverdue,
        EdgeCase::UnknownMember,
        EdgeCase::InvalidDiagnosis,
        EdgeCase::InpatientStay,
        EdgeCase::EmergencyVisit,
    ];

    /// Short label for the demo summary.
    pub fn label(self) -> &'static str {
        match self {
            EdgeCase::SameDayTwoProviders => "same code same day, two rendering providers (CLM-06)",
            EdgeCase::ExactDuplicate => "exact duplicate claim (CLM-06)",
            EdgeCase::RetroTerminated => "member retroactively terminated (ELIG-01)",
            EdgeCase::PlanSwitch => "member switched plans mid-month (ELIG-01/ELIG-02)",
            EdgeCase::ProviderNotPayable => {
                "provider suspended, terminated or on leave (NET-05/NET-08)"
            }
            EdgeCase::ResidentialPerDiem => "residential per diem on an 837I (PAY-01)",
            EdgeCase::ResidentialFromDischarge => {
                "residential stay billed after discharge (CLM-02)"
            }
            EdgeCase::LateFiling => "filed after the timely-filing window (CLM-02)",
            EdgeCase::DailyCapExceeded => "units above the daily cap (CLM-08)",
            EdgeCase::ThresholdExceeded => "threshold service beyond its free units (UM-01)",
            EdgeCase::Authorized => "authorization required and on file (CLM-07)",
            EdgeCase::NoAuthorization => "authorization required, none on file (CLM-07)",
            EdgeCase::BeyondAuthorization => "units beyond the authorization (CLM-07)",
            EdgeCase::OtherCoveragePaidFirst => {
                "other coverage paid first, Medicaid last (PAY-03/PAY-04)"
            }
            EdgeCase::OtherCoverageNotBilled => "other coverage not billed first (PAY-03)",
            EdgeCase::AttestationOverdue => "other coverage re-attestation overdue (ELIG-04)",
            EdgeCase::UnknownMember => "unknown member ID (CLM-04)",
            EdgeCase::InvalidDiagnosis => "invalid diagnosis code (CLM-04)",
            EdgeCase::InpatientStay => {
                "inpatient psychiatric stay, one a 30-day readmission (QM-01 FUH, PCR)"
            }
            EdgeCase::EmergencyVisit => {
                "emergency-department visit for mental illness or AOD (QM-01 FUM, FUA)"
            }
        }
    }

    /// What adjudication is expected to decide, in plain words with the codes.
    pub fn expected(self) -> &'static str {
        match self {
            EdgeCase::SameDayTwoProviders => "both claims paid: not a duplicate",
            EdgeCase::ExactDuplicate => "the second copy's lines denied CO-18; the first copy paid",
            EdgeCase::RetroTerminated => {
                "lines after the retroactive end date denied CO-27; lines before it paid"
            }
            EdgeCase::PlanSwitch => {
                "lines on the other plan's dates denied CO-26/CO-27 naming that plan; the rest paid"
            }
            EdgeCase::ProviderNotPayable => "lines denied CO-B7",
            EdgeCase::ResidentialPerDiem => {
                "paid per day at the rate in effect on the admission date (with its authorization)"
            }
            EdgeCase::ResidentialFromDischarge => {
                "paid: filing counted from discharge (the last billed day), not from admission"
            }
            EdgeCase::LateFiling => "denied CO-29",
            EdgeCase::DailyCapExceeded => "units above the cap denied CO-119, the rest paid",
            EdgeCase::ThresholdExceeded => {
                "units beyond the free threshold denied CO-197, the first ones paid"
            }
            EdgeCase::Authorized => "paid against the authorization",
            EdgeCase::NoAuthorization => "denied CO-197 (member held harmless)",
            EdgeCase::BeyondAuthorization => "authorized units paid, the excess denied CO-198",
            EdgeCase::OtherCoveragePaidFirst => {
                "Medicaid pays its rate less the primary's payment (OA-23), possibly 0"
            }
            EdgeCase::OtherCoverageNotBilled => "denied CO-22: bill the primary payer first",
            EdgeCase::AttestationOverdue => "pended to the cob queue",
            EdgeCase::UnknownMember => {
                "rejected by the clean-claim check (277CA), recorded with its reason"
            }
            EdgeCase::InvalidDiagnosis => "rejected at intake (277CA A7), recorded with its reason",
            EdgeCase::InpatientStay => {
                "paid per day at the rate in effect on the admission date (emergency admission, UM-07)"
            }
            EdgeCase::EmergencyVisit => "paid: emergency services need no authorization",
        }
    }
}

/// Which claim of a [`ClaimMonth`] exercises which [`EdgeCase`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledClaim {
    /// Professional (index into [`ClaimMonth::professional`]) or institutional.
    pub kind: ClaimKind,
    /// Index in its vector.
    pub index: usize,
    /// CLM01 (the exact duplicate shares it with its original).
    pub claim_id: String,
    /// The case.
    pub case: EdgeCase,
}

/// A month of claims.
#[derive(Debug, Clone, Default)]
pub struct ClaimMonth {
    /// Professional claims: one 837P file.
    pub professional: Vec<Claim>,
    /// Institutional claims (residential per diem): one 837I file.
    pub institutional: Vec<Claim>,
    /// Prior authorizations the claims need (UM-04), as the UM module would have issued them.
    pub authorizations: Vec<Authorization>,
    /// Claims per edge case, every case listed (in [`EdgeCase::ALL`] order), for the summary.
    pub edge_cases: Vec<(String, usize)>,
    /// Which claim exercises which case (a claim may have several).
    pub labelled: Vec<LabelledClaim>,
    /// Receipt date of the files (ISA09/GS04/BHT04).
    pub received: Date,
    /// The receiver: the plan's payer ID (plan.toml `payer_id`).
    pub payer_id: String,
    /// The month's first date of service (for file names).
    pub first: Date,
}

impl ClaimMonth {
    /// Number of claims labelled with `case`.
    pub fn count(&self, case: EdgeCase) -> usize {
        self.labelled.iter().filter(|l| l.case == case).count()
    }

    /// All claims, professional then institutional.
    pub fn len(&self) -> usize {
        self.professional.len() + self.institutional.len()
    }

    /// True when there is no claim.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

fn days(d: Date, n: i64) -> Date {
    add_calendar_days(d, n).unwrap_or(d)
}

fn d8(d: Date) -> String {
    accord_x12::write::ccyymmdd(d)
}

fn d8_ref(q: &str, d: Date) -> DateRef {
    DateRef {
        qualifier: q.into(),
        format: "D8".into(),
        value: d8(d),
    }
}

fn period_ref(q: &str, from: Date, to: Date) -> DateRef {
    if from == to {
        d8_ref(q, from)
    } else {
        DateRef {
            qualifier: q.into(),
            format: "RD8".into(),
            value: format!("{}-{}", d8(from), d8(to)),
        }
    }
}

fn upper(s: &str) -> String {
    accord_x12::write::clean(s).to_ascii_uppercase()
}

fn dec(n: u32) -> Decimal {
    Decimal::from(n)
}

/// Dates from `first` to `last` (at most a year of them).
fn date_range(first: Date, last: Date) -> Vec<Date> {
    let mut out = Vec::new();
    let mut d = first;
    while d <= last && out.len() < 366 {
        out.push(d);
        match add_calendar_days(d, 1) {
            Ok(n) => d = n,
            Err(_) => break,
        }
    }
    out
}

fn age_on(birth: Date, d: Date) -> i16 {
    let mut a = d.year() - birth.year();
    if (d.month(), d.day()) < (birth.month(), birth.day()) {
        a -= 1;
    }
    a
}

/// The provider's specialty taxonomy (X12 PRV03, NUCC code set).
fn taxonomy(p: &Provider, institutional: bool) -> &'static str {
    match p.specialty.as_str() {
        "cmhc" => "261QM0801X",
        "sud_program" if institutional => "324500000X",
        "sud_program" => "261QR0405X",
        "psychiatric_hospital" => "283Q00000X",
        "group_practice" => "193200000X",
        "psychiatrist" => "2084P0800X",
        "psychologist" => "103T00000X",
        "lcsw" => "1041C0700X",
        "lcpc" => "101YP2500X",
        "lmft" => "106H00000X",
        "cadc" => "101YA0400X",
        "apn" => "363LP0808X",
        _ => "101Y00000X",
    }
}

/// ICD-10-CM behavioral-health diagnoses, as X12 carries them (no dot).
const DX_MH_ADULT: &[&str] = &[
    "F329", "F321", "F331", "F332", "F411", "F4310", "F4312", "F209", "F250", "F319", "F603",
    "F4323",
];
const DX_MH_CHILD: &[&str] = &["F902", "F4323", "F913", "F329", "F411", "F840"];
const DX_SUD: &[&str] = &[
    "F1020", "F1120", "F1220", "F1420", "F1520", "F1021", "F1121",
];
/// An ICD-9-CM code (major depressive disorder, recurrent, moderate): not ICD-10-CM (CLM-04).
const ICD9_DX: &str = "29632";

/// Mental-illness principal diagnoses of acute psychiatric stays and ED visits (QM-01).
const DX_QM_MENTAL: &[&str] = &["F332", "F339", "F209", "F250", "F3113", "F4310", "F329"];

/// What a QM-01 episode is, with day offsets from the month's first day.
#[derive(Debug, Clone, Copy)]
enum QualityKind {
    /// One or more inpatient stays: (admission, discharge).
    Stay { stays: &'static [(i64, i64)] },
    /// An ED visit with a mental-illness principal diagnosis.
    MentalHealthEd(i64),
    /// An ED visit with an alcohol/other-drug principal diagnosis.
    AodEd(i64),
}

/// One QM-01 episode: the events, the follow-up visits (day offsets from the month's first day)
/// and which hospital (an index into the payable psychiatric hospitals).
#[derive(Debug, Clone, Copy)]
struct QualityEpisode {
    kind: QualityKind,
    follow_ups: &'static [i64],
    hospital: usize,
}

/// The demo's QM-01 episodes (the month's first day is day 0; the default month is October, so
/// day -23 is September 8). FUH: follow-up 4 days after discharge, 18 days after, never, after a
/// readmission (the first stay counts for PCR only), 4 days after. FUM and FUA: within 7 days,
/// within 30, never. The first AOD visit is followed by an assessment and two counseling days
/// (IET initiation and engagement), the second only after 17 days.
const QUALITY_EPISODES: &[QualityEpisode] = &[
    QualityEpisode {
        kind: QualityKind::Stay {
            stays: &[(-23, -16)],
        },
        follow_ups: &[-12],
        hospital: 0,
    },
    QualityEpisode {
        kind: QualityKind::Stay {
            stays: &[(-17, -9)],
        },
        follow_ups: &[9],
        hospital: 1,
    },
    QualityEpisode {
        kind: QualityKind::Stay { stays: &[(1, 8)] },
        follow_ups: &[],
        hospital: 0,
    },
    QualityEpisode {
        kind: QualityKind::Stay {
            stays: &[(-30, -23), (-6, 2)],
        },
        follow_ups: &[5],
        hospital: 2,
    },
    QualityEpisode {
        kind: QualityKind::Stay { stays: &[(11, 18)] },
        follow_ups: &[22],
        hospital: 1,
    },
    QualityEpisode {
        kind: QualityKind::MentalHealthEd(-11),
        follow_ups: &[-7],
        hospital: 0,
    },
    QualityEpisode {
        kind: QualityKind::MentalHealthEd(0),
        follow_ups: &[14],
        hospital: 1,
    },
    QualityEpisode {
        kind: QualityKind::MentalHealthEd(4),
        follow_ups: &[],
        hospital: 2,
    },
    QualityEpisode {
        kind: QualityKind::AodEd(-13),
        follow_ups: &[-9, -1, 6],
        hospital: 1,
    },
    QualityEpisode {
        kind: QualityKind::AodEd(2),
        follow_ups: &[19],
        hospital: 0,
    },
    QualityEpisode {
        kind: QualityKind::AodEd(9),
        follow_ups: &[],
        hospital: 2,
    },
];

// ---------------------------------------------------------------------------------------------
// Service menus
// ---------------------------------------------------------------------------------------------

/// What kind of practice bills, which decides what it bills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Profile {
    Cmhc,
    Sud,
    Hospital,
    Therapy,
    Prescriber,
    SudCounselor,
}

/// One item of a menu: code, modifier, units range, weight, only on the first visit.
type MenuItem = (&'static str, &'static str, (u32, u32), u32, bool);

fn menu(p: Profile) -> &'static [MenuItem] {
    match p {
        Profile::Cmhc => &[
            ("H0031", "HE", (4, 8), 3, true),
            ("H0032", "HE", (2, 4), 2, true),
            ("H0004", "HE", (2, 6), 8, false),
            ("T1016", "HE", (1, 4), 8, false),
            ("H2015", "HE", (4, 12), 8, false),
            ("H2011", "HE", (4, 8), 1, false),
            ("H2017", "HE", (8, 16), 2, false),
            ("90834", "", (1, 1), 3, false),
            ("90837", "", (1, 1), 2, false),
        ],
        Profile::Sud => &[
            ("H0001", "HF", (1, 1), 3, true),
            ("H0004", "HF", (2, 6), 8, false),
            ("H0005", "HF", (4, 12), 6, false),
            ("H0015", "HF", (3, 4), 3, false),
        ],
        Profile::Hospital => &[
            ("90791", "", (1, 1), 3, true),
            ("99214", "", (1, 1), 4, false),
            ("90837", "", (1, 1), 3, false),
            ("H2011", "HE", (4, 8), 2, false),
        ],
        Profile::Therapy => &[
            ("90791", "", (1, 1), 3, true),
            ("90834", "", (1, 1), 8, false),
            ("90837", "", (1, 1), 5, false),
            ("90832", "", (1, 1), 3, false),
            ("90853", "", (1, 1), 3, false),
        ],
        Profile::Prescriber => &[
            ("90791", "", (1, 1), 1, true),
            ("99213", "", (1, 1), 6, false),
            ("99214", "", (1, 1), 5, false),
        ],
        Profile::SudCounselor => &[
            ("H0001", "HF", (1, 1), 2, true),
            ("H0004", "HF", (2, 6), 8, false),
            ("H0005", "HF", (4, 12), 4, false),
        ],
    }
}

/// Places of service a profile uses, most common first (repeats weigh).
fn places(p: Profile) -> &'static [&'static str] {
    match p {
        Profile::Cmhc => &["53", "53", "53", "11", "12", "02"],
        Profile::Sud => &["57", "57", "11", "02"],
        Profile::Hospital => &["11", "53"],
        Profile::Therapy => &["11", "11", "11", "02", "10"],
        Profile::Prescriber => &["11", "11", "02", "53"],
        Profile::SudCounselor => &["57", "11", "11"],
    }
}

fn visits(p: Profile) -> (usize, usize) {
    match p {
        Profile::Cmhc | Profile::Sud => (2, 8),
        Profile::Hospital | Profile::Prescriber => (1, 2),
        Profile::Therapy => (1, 4),
        Profile::SudCounselor => (2, 6),
    }
}

fn diagnoses(p: Profile) -> (&'static [&'static str], &'static [&'static str]) {
    match p {
        Profile::Sud | Profile::SudCounselor => (DX_SUD, DX_MH_ADULT),
        _ => (DX_MH_ADULT, DX_SUD),
    }
}

// ---------------------------------------------------------------------------------------------
// Indexes over the inputs
// ---------------------------------------------------------------------------------------------

/// A provider as the generator sees it.
#[derive(Debug, Clone)]
struct Prov {
    p: Provider,
    /// Facility staff (for facilities), attached clinicians (for groups).
    staff: Vec<usize>,
    address: Address,
    /// Payable on every date of the month (NET-05/08/09).
    payable_month: bool,
    profile: Option<Profile>,
}

/// One billing arrangement: who bills, who renders, what they bill.
#[derive(Debug, Clone, Copy)]
struct Biller {
    billing: usize,
    rendering: Option<usize>,
    profile: Profile,
}

/// A service line in the making.
#[derive(Debug, Clone)]
struct Item {
    date: Date,
    code: ProcedureCode,
    mods: Vec<Modifier>,
    units: Decimal,
    charge: Decimal,
    pos: Option<String>,
}

/// Primary payer's adjudication to carry on a claim (PAY-03/PAY-04).
#[derive(Debug, Clone)]
struct Cob {
    oc: OtherCoverage,
}

struct Gen<'a> {
    data: &'a DemoData,
    plan: &'a Plan,
    opts: &'a ClaimMonthOptions,
    rng: ChaCha8Rng,
    month: Vec<Date>,
    /// Effective spans (retroactive terminations applied) by member index.
    spans: Vec<Vec<EligibilitySpan>>,
    member_ix: HashMap<String, usize>,
    other: Vec<Vec<OtherCoverage>>,
    provs: Vec<Prov>,
    npi_ix: HashMap<String, usize>,
    statuses: HashMap<String, Vec<StatusSpan>>,
    sanctions: HashMap<String, Vec<Sanction>>,
    billers: HashMap<ProfileKey, Vec<Biller>>,
    /// Units billed per (member, code, date) — daily caps and MUEs.
    units_day: HashMap<(usize, String, Date), Decimal>,
    /// (member, rendering NPI, code, date) already billed — no accidental duplicates.
    billed: HashSet<(usize, String, String, Date)>,
    /// Codes per (member, rendering NPI, date) — no accidental NCCI pairs.
    codes_day: HashMap<(usize, String, Date), Vec<ProcedureCode>>,
    /// Members used by an edge case (kept out of later ones).
    taken: HashSet<usize>,
    seq: u32,
    auth_seq: u32,
    auth_episode: u32,
    submitter: Arc<Entity>,
    receiver: Arc<Entity>,
    payer: Entity,
    billing_cache: HashMap<(usize, bool), Arc<BillingProvider>>,
    out: ClaimMonth,
}

type ProfileKey = u8;

fn key(p: Profile) -> ProfileKey {
    p as u8
}

impl<'a> Gen<'a> {
    fn new(data: &'a DemoData, plan: &'a Plan, opts: &'a ClaimMonthOptions) -> Self {
        let rng = ChaCha8Rng::seed_from_u64(opts.seed ^ 0x636c_6169_6d73_0001);
        let last = opts.last.min(days(opts.received_by, -1));
        let month = date_range(opts.first, last);
        let pop = &data.population;

        let mut member_ix = HashMap::with_capacity(pop.members.len());
        for (i, m) in pop.members.iter().enumerate() {
            member_ix.insert(m.member_id.as_str().to_owned(), i);
        }
        let mut spans: Vec<Vec<EligibilitySpan>> = vec![Vec::new(); pop.members.len()];
        for s in &pop.spans {
            if let Some(&i) = member_ix.get(s.member_id.as_str())
                && let Some(v) = spans.get_mut(i)
            {
                v.push(s.clone());
            }
        }
        for t in &pop.retro_terminations {
            if let Some(&i) = member_ix.get(t.member_id.as_str())
                && let Some(v) = spans.get_mut(i)
            {
                for s in v
                    .iter_mut()
                    .filter(|s| s.plan_code == t.plan_code && s.start == t.start)
                {
                    s.end = Some(t.new_end);
                }
            }
        }
        let mut other: Vec<Vec<OtherCoverage>> = vec![Vec::new(); pop.members.len()];
        for oc in &pop.other_coverage {
            if let Some(&i) = member_ix.get(oc.member_id.as_str())
                && let Some(v) = other.get_mut(i)
            {
                v.push(oc.clone());
            }
        }

        let net = &data.network;
        let mut statuses: HashMap<String, Vec<StatusSpan>> = HashMap::new();
        for s in &net.statuses {
            statuses
                .entry(s.npi.as_str().to_owned())
                .or_default()
                .push(s.clone());
        }
        let mut sanctions: HashMap<String, Vec<Sanction>> = HashMap::new();
        for s in &net.sanctions {
            sanctions
                .entry(s.npi.as_str().to_owned())
                .or_default()
                .push(s.clone());
        }
        let mut npi_ix = HashMap::new();
        let mut provs: Vec<Prov> = Vec::with_capacity(net.providers.len());
        for (i, p) in net.providers.iter().enumerate() {
            npi_ix.insert(p.npi.as_str().to_owned(), i);
            let loc = net.locations.iter().find(|l| l.npi == p.npi);
            let (line1, city, zip) = match loc {
                Some(l) => (l.address.clone(), l.city.clone(), l.zip.clone()),
                None => (
                    "100 Main St".to_owned(),
                    "Chicago".to_owned(),
                    "60612".to_owned(),
                ),
            };
            // Billing provider ZIP codes are nine digits (837I rule; good practice on the 837P).
            let plus4 = 1000 + p.npi.as_str().bytes().map(u32::from).sum::<u32>() % 9000;
            let zip9 = if zip.len() == 5 {
                format!("{zip}{plus4:04}")
            } else {
                zip
            };
            provs.push(Prov {
                p: p.clone(),
                staff: Vec::new(),
                address: Address {
                    line1: upper(&line1),
                    line2: None,
                    city: upper(&city),
                    state: Some("IL".into()),
                    postal_code: Some(zip9),
                    country: None,
                },
                payable_month: false,
                profile: None,
            });
        }
        let config = &plan.config;
        let submitter = Arc::new(Entity {
            entity_code: "41".into(),
            entity_type: "2".into(),
            name: CLEARINGHOUSE_NAME.into(),
            id_qualifier: Some("46".into()),
            id: Some(CLEARINGHOUSE_ID.into()),
            contacts: vec![Contact {
                function: "IC".into(),
                name: Some("EDI SUPPORT".into()),
                numbers: vec![("TE".into(), "3125550199".into())],
            }],
            ..Entity::default()
        });
        let payer_name = upper(&config.name);
        let payer_id = upper(&config.payer_id);
        let receiver = Arc::new(Entity {
            entity_code: "40".into(),
            entity_type: "2".into(),
            name: payer_name.clone(),
            id_qualifier: Some("46".into()),
            id: Some(payer_id.clone()),
            ..Entity::default()
        });
        let payer = Entity {
            entity_code: "PR".into(),
            entity_type: "2".into(),
            name: payer_name,
            id_qualifier: Some("PI".into()),
            id: Some(payer_id.clone()),
            ..Entity::default()
        };
        let mut g = Gen {
            data,
            plan,
            opts,
            rng,
            month,
            spans,
            member_ix,
            other,
            provs,
            npi_ix,
            statuses,
            sanctions,
            billers: HashMap::new(),
            units_day: HashMap::new(),
            billed: HashSet::new(),
            codes_day: HashMap::new(),
            taken: HashSet::new(),
            seq: 0,
            auth_seq: 0,
            auth_episode: 0,
            submitter,
            receiver,
            payer,
            billing_cache: HashMap::new(),
            out: ClaimMonth {
                received: opts.received_by,
                payer_id,
                first: opts.first,
                ..ClaimMonth::default()
            },
        };
        g.index_network();
        g
    }

    /// Standing of provider `i` on `d` (NET-05, NET-08; NET-09 through the facility).
    fn standing(&self, i: usize, d: Date) -> Option<Standing> {
        let p = &self.provs.get(i)?.p;
        let st = self
            .statuses
            .get(p.npi.as_str())
            .map_or(&[][..], Vec::as_slice);
        let sa = self
            .sanctions
            .get(p.npi.as_str())
            .map_or(&[][..], Vec::as_slice);
        let facility = p
            .facility_npi
            .as_ref()
            .and_then(|f| self.npi_ix.get(f.as_str()))
            .filter(|&&f| f != i)
            .and_then(|&f| {
                let fp = &self.provs.get(f)?.p;
                let fst = self
                    .statuses
                    .get(fp.npi.as_str())
                    .map_or(&[][..], Vec::as_slice);
                let fsa = self
                    .sanctions
                    .get(fp.npi.as_str())
                    .map_or(&[][..], Vec::as_slice);
                Some(standing_on(fp, fst, fsa, None, d))
            });
        Some(standing_on(p, st, sa, facility.as_ref(), d))
    }

    fn payable(&self, i: usize, d: Date) -> bool {
        self.standing(i, d).is_some_and(|s| s.claims_payable)
    }

    fn index_network(&mut self) {
        let n = self.provs.len();
        for i in 0..n {
            let ok = !self.month.is_empty() && self.month.iter().all(|&d| self.payable(i, d));
            self.provs[i].payable_month = ok;
        }
        // Facility staff.
        for i in 0..n {
            if let Some(f) = self.provs[i]
                .p
                .facility_npi
                .as_ref()
                .and_then(|f| self.npi_ix.get(f.as_str()).copied())
                && f != i
            {
                self.provs[f].staff.push(i);
            }
        }
        // Independent clinicians: about 40% practise in a group, which bills for them.
        let groups: Vec<usize> = (0..n)
            .filter(|&i| self.provs[i].p.kind == ProviderKind::Group)
            .collect();
        let mut rng = ChaCha8Rng::seed_from_u64(self.opts.seed ^ 0x6772_6f75_7073);
        for i in 0..n {
            let p = &self.provs[i].p;
            if p.kind == ProviderKind::Individual
                && p.facility_npi.is_none()
                && !groups.is_empty()
                && rng.gen_bool(0.4)
            {
                let g = groups[rng.gen_range(0..groups.len())];
                self.provs[g].staff.push(i);
            }
        }
        let in_group: HashSet<usize> = groups
            .iter()
            .flat_map(|&g| self.provs[g].staff.iter().copied())
            .collect();
        for i in 0..n {
            let p = &self.provs[i].p;
            let profile = match (p.kind, p.specialty.as_str()) {
                (ProviderKind::Facility, "cmhc") => Some(Profile::Cmhc),
                (ProviderKind::Facility, "sud_program") => Some(Profile::Sud),
                (ProviderKind::Facility, _) => Some(Profile::Hospital),
                (ProviderKind::Group, _) => Some(Profile::Therapy),
                (ProviderKind::Individual, "psychiatrist" | "apn") => Some(Profile::Prescriber),
                (ProviderKind::Individual, "cadc") => Some(Profile::SudCounselor),
                (ProviderKind::Individual, _) => Some(Profile::Therapy),
            };
            self.provs[i].profile = profile;
        }
        // Billing arrangements of providers payable all month.
        for i in 0..n {
            let prov = &self.provs[i];
            let Some(profile) = prov.profile else {
                continue;
            };
            if !prov.payable_month {
                continue;
            }
            let mut arrangements = Vec::new();
            match prov.p.kind {
                ProviderKind::Facility | ProviderKind::Group => {
                    for &s in &prov.staff {
                        if self.provs[s].payable_month {
                            let mut pr = profile;
                            // Prescribers in a group or clinic bill their own menu.
                            if matches!(self.provs[s].profile, Some(Profile::Prescriber))
                                && profile == Profile::Therapy
                            {
                                pr = Profile::Prescriber;
                            }
                            arrangements.push(Biller {
                                billing: i,
                                rendering: Some(s),
                                profile: pr,
                            });
                        }
                    }
                    if arrangements.is_empty() && prov.p.kind == ProviderKind::Facility {
                        arrangements.push(Biller {
                            billing: i,
                            rendering: None,
                            profile,
                        });
                    }
                }
                ProviderKind::Individual => {
                    if prov.p.facility_npi.is_none() && !in_group.contains(&i) {
                        arrangements.push(Biller {
                            billing: i,
                            rendering: None,
                            profile,
                        });
                    }
                }
            }
            for a in arrangements {
                self.billers.entry(key(a.profile)).or_default().push(a);
            }
        }
    }

    // -------------------------------------------------------------------------------------
    // Members
    // -------------------------------------------------------------------------------------

    fn member(&self, m: usize) -> Option<&'a Member> {
        self.data.population.members.get(m)
    }

    /// The member's span of this plan covering `d` (ELIG-01), effective spans.
    fn covered(&self, m: usize, d: Date) -> Option<&EligibilitySpan> {
        let code = &self.plan.config.plan_code;
        self.spans
            .get(m)?
            .iter()
            .filter(|s| &s.plan_code == code && s.contains(d))
            .max_by_key(|s| s.start)
    }

    fn covered_all(&self, m: usize, from: Date, to: Date) -> bool {
        date_range(from, to)
            .iter()
            .all(|&d| self.covered(m, d).is_some())
            && from <= to
    }

    /// Other coverage that pays before this plan on `d` (ELIG-04, PAY-03/04).
    fn primary_on(&self, m: usize, d: Date) -> Option<&OtherCoverage> {
        self.other
            .get(m)?
            .iter()
            .find(|oc| d >= oc.start && oc.end.is_none_or(|e| d <= e) && oc.payer_order == 1)
    }

    fn dx_for(&mut self, m: usize, profile: Profile, date: Date) -> Vec<String> {
        let child = self
            .member(m)
            .is_some_and(|mm| age_on(mm.birth_date, date) < 18);
        let (main, other) = diagnoses(profile);
        let (main, other) = if child && main == DX_MH_ADULT {
            (DX_MH_CHILD, DX_MH_CHILD)
        } else {
            (main, other)
        };
        let mut out = vec![
            main.choose(&mut self.rng)
                .copied()
                .unwrap_or("F329")
                .to_owned(),
        ];
        if self.rng.gen_bool(0.3) {
            let second = other.choose(&mut self.rng).copied().unwrap_or("F411");
            if second != out[0] {
                out.push(second.to_owned());
            }
        }
        out
    }

    // -------------------------------------------------------------------------------------
    // Services
    // -------------------------------------------------------------------------------------

    fn parse_service(code: &str, modifier: &str) -> Option<(ProcedureCode, Vec<Modifier>)> {
        let c = ProcedureCode::parse(code).ok()?;
        let mods = if modifier.is_empty() {
            vec![]
        } else {
            vec![Modifier::parse(modifier).ok()?]
        };
        Some((c, mods))
    }

    /// The fee-schedule rate for the code on `d` (PAY-01), if the plan covers it then.
    fn rate(&self, code: &ProcedureCode, mods: &[Modifier], d: Date) -> Option<Decimal> {
        self.plan.services.get(code, mods, d)?;
        self.plan
            .fees
            .rate_for_program(code, mods, d, self.plan.config.program)
            .map(|m| m.amount())
    }

    /// A provider's charge: the rate marked up 10–45%, in whole dollars per unit.
    fn charge(&mut self, rate: Decimal, units: Decimal) -> Decimal {
        let markup = Decimal::new(self.rng.gen_range(110..=145), 2);
        (rate * markup).ceil() * units
    }

    fn daily_cap(&self, code: &ProcedureCode, mods: &[Modifier], d: Date) -> Option<Decimal> {
        let svc = self.plan.services.get(code, mods, d)?;
        let mut cap = svc.max_units_per_day.map(dec);
        if let Some(mue) = self.plan.mue.limit(code, Some(d)) {
            cap = Some(cap.map_or(dec(mue), |c| c.min(dec(mue))));
        }
        cap
    }

    fn requirement(&self, code: &ProcedureCode, mods: &[Modifier], d: Date) -> AuthNeed {
        let level = self
            .plan
            .services
            .get(code, mods, d)
            .map(|s| s.level_of_care.clone());
        match self
            .plan
            .auth_grid
            .requirement(code, mods, level.as_deref())
        {
            Some(r) if r.requirement == Requirement::PriorAuth => {
                if r.initial_encounters {
                    AuthNeed::InitialEncounters
                } else if r.threshold_units > 0 {
                    AuthNeed::Threshold(r.threshold_units)
                } else {
                    AuthNeed::Required
                }
            }
            _ => AuthNeed::None,
        }
    }

    /// True when `code` may be added for the member, rendering and date without tripping
    /// duplicate, NCCI, daily-cap or MUE edits (CLM-05, CLM-06, CLM-08).
    fn fits(
        &self,
        m: usize,
        rendering: &str,
        code: &ProcedureCode,
        mods: &[Modifier],
        units: Decimal,
        d: Date,
    ) -> bool {
        if self
            .billed
            .contains(&(m, rendering.to_owned(), code.as_str().to_owned(), d))
        {
            return false;
        }
        let used = self
            .units_day
            .get(&(m, code.as_str().to_owned(), d))
            .copied()
            .unwrap_or_default();
        if self
            .daily_cap(code, mods, d)
            .is_some_and(|cap| used + units > cap)
        {
            return false;
        }
        let others = self.codes_day.get(&(m, rendering.to_owned(), d));
        !others.is_some_and(|v| {
            v.iter().any(|o| {
                self.plan.ncci.pair(o, code, d).is_some()
                    || self.plan.ncci.pair(code, o, d).is_some()
            })
        })
    }

    fn record(&mut self, m: usize, rendering: &str, it: &Item) {
        self.billed.insert((
            m,
            rendering.to_owned(),
            it.code.as_str().to_owned(),
            it.date,
        ));
        *self
            .units_day
            .entry((m, it.code.as_str().to_owned(), it.date))
            .or_default() += it.units;
        self.codes_day
            .entry((m, rendering.to_owned(), it.date))
            .or_default()
            .push(it.code.clone());
    }

    fn item(
        &mut self,
        code: ProcedureCode,
        mods: Vec<Modifier>,
        units: Decimal,
        date: Date,
    ) -> Option<Item> {
        let rate = self.rate(&code, &mods, date)?;
        let charge = self.charge(rate, units);
        Some(Item {
            date,
            code,
            mods,
            units,
            charge,
            pos: None,
        })
    }

    fn rendering_npi(&self, b: &Biller) -> String {
        let i = b.rendering.unwrap_or(b.billing);
        self.provs
            .get(i)
            .map(|p| p.p.npi.as_str().to_owned())
            .unwrap_or_default()
    }

    /// The services of one member–provider episode on `dates` (ordinary: everything fits).
    fn episode_items(&mut self, m: usize, b: &Biller, dates: &[Date]) -> Vec<Item> {
        let rnpi = self.rendering_npi(b);
        let ie_cap = self
            .plan
            .config
            .um
            .initial_encounters
            .count
            .saturating_sub(1);
        let mut ie_used = 0u32;
        let mut out: Vec<Item> = Vec::new();
        let entries = menu(b.profile);
        for (k, &d) in dates.iter().enumerate() {
            let per_day =
                if matches!(b.profile, Profile::Cmhc | Profile::Sud) && self.rng.gen_bool(0.25) {
                    2
                } else {
                    1
                };
            for _ in 0..per_day {
                if out.len() >= MAX_LINES * MAX_CLAIMS - 1 {
                    break;
                }
                for _attempt in 0..4 {
                    let pool: Vec<&MenuItem> = entries.iter().filter(|e| k == 0 || !e.4).collect();
                    let total: u32 = pool.iter().map(|e| e.3).sum();
                    if total == 0 {
                        break;
                    }
                    let mut pick = self.rng.gen_range(0..total);
                    let Some(&&(code, modifier, (lo, hi), _, _)) = pool.iter().find(|e| {
                        if pick < e.3 {
                            true
                        } else {
                            pick -= e.3;
                            false
                        }
                    }) else {
                        break;
                    };
                    let Some((code, mods)) = Self::parse_service(code, modifier) else {
                        continue;
                    };
                    let units = dec(self.rng.gen_range(lo..=hi.max(lo)));
                    match self.requirement(&code, &mods, d) {
                        AuthNeed::InitialEncounters if ie_used >= ie_cap => continue,
                        AuthNeed::Threshold(t) => {
                            let so_far: Decimal =
                                out.iter().filter(|i| i.code == code).map(|i| i.units).sum();
                            if so_far + units >= dec(t) / dec(2) {
                                continue;
                            }
                        }
                        _ => {}
                    }
                    if !self.fits(m, &rnpi, &code, &mods, units, d) {
                        continue;
                    }
                    let need = self.requirement(&code, &mods, d);
                    let Some(it) = self.item(code.clone(), mods, units, d) else {
                        continue;
                    };
                    self.record(m, &rnpi, &it);
                    out.push(it);
                    if need == AuthNeed::InitialEncounters {
                        ie_used += 1;
                    }
                    // E/M visit with a psychotherapy add-on (CLM-04: add-on with its primary).
                    if matches!(code.as_str(), "99213" | "99214") && self.rng.gen_bool(0.4) {
                        let add = if self.rng.gen_bool(0.6) {
                            "90833"
                        } else {
                            "90836"
                        };
                        if let Some((ac, am)) = Self::parse_service(add, "")
                            && self.fits(m, &rnpi, &ac, &am, Decimal::ONE, d)
                            && let Some(ai) = self.item(ac, am, Decimal::ONE, d)
                        {
                            self.record(m, &rnpi, &ai);
                            out.push(ai);
                        }
                    }
                    break;
                }
            }
        }
        out
    }

    // -------------------------------------------------------------------------------------
    // Claims
    // -------------------------------------------------------------------------------------

    fn next_claim_id(&mut self) -> String {
        self.seq += 1;
        format!(
            "{:04}{:02}{:07}",
            self.opts.first.year(),
            self.opts.first.month(),
            self.seq
        )
    }

    fn billing_provider(&mut self, i: usize, institutional: bool) -> Arc<BillingProvider> {
        if let Some(b) = self.billing_cache.get(&(i, institutional)) {
            return b.clone();
        }
        let Some(prov) = self.provs.get(i) else {
            return Arc::default();
        };
        let p = &prov.p;
        let mut e = Entity {
            entity_code: "85".into(),
            id_qualifier: Some("XX".into()),
            id: Some(p.npi.as_str().to_owned()),
            address: Some(prov.address.clone()),
            refs: vec![Ref {
                qualifier: "EI".into(),
                value: p.tax_id.as_str().to_owned(),
            }],
            ..Entity::default()
        };
        person_or_org(&mut e, p);
        let b = Arc::new(BillingProvider {
            provider: e,
            taxonomy: Some(("BI".into(), taxonomy(p, institutional).into())),
            ..BillingProvider::default()
        });
        self.billing_cache.insert((i, institutional), b.clone());
        b
    }

    fn provider_entity(&self, i: usize, code: &str, prv: &str) -> Option<Entity> {
        let p = &self.provs.get(i)?.p;
        let mut e = Entity {
            entity_code: code.into(),
            id_qualifier: Some("XX".into()),
            id: Some(p.npi.as_str().to_owned()),
            taxonomy: Some((prv.into(), taxonomy(p, false).into())),
            ..Entity::default()
        };
        person_or_org(&mut e, p);
        Some(e)
    }

    fn subscriber(&self, m: usize, secondary: bool, member_id: Option<&str>) -> Arc<Subscriber> {
        let Some(mm) = self.member(m) else {
            return Arc::default();
        };
        let city = CITIES
            .iter()
            .find(|(_, z)| *z == mm.zip)
            .map_or("CHICAGO", |(c, _)| c);
        let n = mm
            .member_id
            .as_str()
            .bytes()
            .fold(7u32, |a, b| a.wrapping_mul(31).wrapping_add(u32::from(b)));
        let street = STREETS[n as usize % STREETS.len()];
        Arc::new(Subscriber {
            responsibility: if secondary { "S" } else { "P" }.into(),
            relationship: Some("18".into()),
            claim_filing: Some("MC".into()),
            person: Entity {
                entity_code: "IL".into(),
                entity_type: "1".into(),
                name: upper(&mm.last_name),
                first_name: Some(upper(&mm.first_name)),
                id_qualifier: Some("MI".into()),
                id: Some(member_id.unwrap_or(mm.member_id.as_str()).to_owned()),
                address: Some(Address {
                    line1: upper(&format!("{} {street}", 100 + n % 9_800)),
                    line2: None,
                    city: upper(city),
                    state: Some("IL".into()),
                    postal_code: Some(mm.zip.clone()),
                    country: None,
                }),
                birth_date: Some(d8(mm.birth_date)),
                gender: Some(
                    match mm.sex {
                        Sex::F => "F",
                        Sex::M => "M",
                        Sex::U => "U",
                    }
                    .into(),
                ),
                ..Entity::default()
            },
            payer: self.payer.clone(),
            ..Subscriber::default()
        })
    }

    fn base_claim(
        &mut self,
        kind: ClaimKind,
        m: usize,
        billing: usize,
        cob: Option<&Cob>,
        dx: &[String],
    ) -> Claim {
        let institutional = kind == ClaimKind::Institutional;
        let claim_id = self.next_claim_id();
        let billing = self.billing_provider(billing, institutional);
        let subscriber = self.subscriber(m, cob.is_some(), None);
        let mut health_codes = Vec::new();
        for (i, d) in dx.iter().enumerate() {
            health_codes.push(HealthCode {
                qualifier: if i == 0 { "ABK" } else { "ABF" }.into(),
                code: d.clone(),
                ..HealthCode::default()
            });
        }
        Claim {
            kind,
            submitter: self.submitter.clone(),
            receiver: self.receiver.clone(),
            billing,
            subscriber,
            claim_id,
            frequency_code: "1".into(),
            provider_signature: (!institutional).then(|| "Y".into()),
            assignment: Some("A".into()),
            benefits_assigned: Some("Y".into()),
            release_of_information: Some("Y".into()),
            health_codes,
            ..Claim::default()
        }
    }

    /// A professional claim for `items` (1–4 lines, one date each, CLM-03).
    #[allow(clippy::too_many_arguments)]
    fn prof_claim(
        &mut self,
        m: usize,
        b: &Biller,
        items: &[Item],
        dx: &[String],
        cob: Option<&Cob>,
        prior_auth: Option<&str>,
        pos: &str,
    ) -> Claim {
        let mut c = self.base_claim(ClaimKind::Professional, m, b.billing, cob, dx);
        c.facility_code = pos.into();
        c.facility_qualifier = "B".into();
        if let Some(r) = b.rendering.filter(|&r| r != b.billing)
            && let Some(e) = self.provider_entity(r, "82", "PE")
        {
            c.providers.push(e);
        }
        if let Some(pa) = prior_auth {
            c.refs.push(Ref {
                qualifier: "G1".into(),
                value: pa.into(),
            });
        }
        let pointers: Vec<String> = (1..=dx.len().min(4)).map(|i| i.to_string()).collect();
        for (k, it) in items.iter().enumerate() {
            let line_pos = self
                .plan
                .services
                .get(&it.code, &it.mods, it.date)
                .and_then(|s| {
                    let claim_pos = accord_core::PlaceOfService::parse(pos).ok()?;
                    (!s.allows_place_of_service(&claim_pos))
                        .then(|| s.places_of_service.first().map(|p| p.as_str().to_owned()))
                        .flatten()
                })
                .or_else(|| it.pos.clone());
            c.lines.push(ServiceLine {
                line_number: k as u32 + 1,
                procedure: Some(Procedure {
                    qualifier: "HC".into(),
                    code: it.code.as_str().to_owned(),
                    modifiers: it.mods.iter().map(|x| x.as_str().to_owned()).collect(),
                    description: None,
                }),
                charge: it.charge,
                unit_basis: "UN".into(),
                units: Some(it.units),
                place_of_service: line_pos,
                diagnosis_pointers: pointers.clone(),
                dates: vec![d8_ref("472", it.date)],
                ..ServiceLine::default()
            });
        }
        c.total_charge = c.lines.iter().map(|l| l.charge).sum();
        if let Some(cob) = cob {
            self.add_cob(&mut c, cob);
        }
        c
    }

    /// Loops 2320/2330A/2330B/2430: the primary payer's adjudication (PAY-03/PAY-04). Commercial
    /// primaries allow 55–85% of the charge and pay 80% of that (PR-2 coinsurance); a Medicare
    /// primary does not cover HCPCS H/T behavioral-health codes (CO-96) and pays nothing on them.
    fn add_cob(&mut self, c: &mut Claim, cob: &Cob) {
        let oc = &cob.oc;
        let medicare = oc.payer_id.starts_with("MCR");
        let last_dos = c
            .lines
            .iter()
            .filter_map(|l| l.service_date().and_then(|d| d.end()))
            .max()
            .unwrap_or(self.opts.first);
        let latest = days(self.opts.received_by, -1).max(last_dos);
        let paid_on = days(last_dos, self.rng.gen_range(7..=21)).min(latest);
        let mut total_paid = Decimal::ZERO;
        let mut line_adj = Vec::new();
        for l in &c.lines {
            let code = l
                .procedure
                .as_ref()
                .map(|p| p.code.clone())
                .unwrap_or_default();
            let (paid, groups) = if medicare && (code.starts_with('H') || code.starts_with('T')) {
                (
                    Decimal::ZERO,
                    vec![AdjustmentGroup {
                        group: "CO".into(),
                        adjustments: vec![Adjustment {
                            reason: "96".into(),
                            amount: l.charge,
                            quantity: None,
                        }],
                    }],
                )
            } else {
                let pct = Decimal::new(self.rng.gen_range(55..=85), 2);
                let allowed = (l.charge * pct).round_dp(2);
                let paid = (allowed * Decimal::new(80, 2)).round_dp(2);
                let mut groups = vec![];
                if l.charge > allowed {
                    groups.push(AdjustmentGroup {
                        group: "CO".into(),
                        adjustments: vec![Adjustment {
                            reason: "45".into(),
                            amount: l.charge - allowed,
                            quantity: None,
                        }],
                    });
                }
                if allowed > paid {
                    groups.push(AdjustmentGroup {
                        group: "PR".into(),
                        adjustments: vec![Adjustment {
                            reason: "2".into(),
                            amount: allowed - paid,
                            quantity: None,
                        }],
                    });
                }
                (paid, groups)
            };
            total_paid += paid;
            let proc_text = l
                .procedure
                .as_ref()
                .map(|p| {
                    let mut parts = vec![p.qualifier.clone(), p.code.clone()];
                    parts.extend(p.modifiers.iter().cloned());
                    parts.join(":")
                })
                .unwrap_or_default();
            line_adj.push(LineAdjudication {
                payer_id: upper(&oc.payer_id),
                paid,
                procedure: proc_text,
                revenue_code: None,
                paid_units: l.units,
                bundled_line: None,
                adjustments: groups,
                adjudication_date: Some(d8(paid_on)),
                other_segments: vec![],
            });
        }
        for (l, a) in c.lines.iter_mut().zip(line_adj) {
            l.adjudications.push(a);
        }
        let member = c.subscriber.person.clone();
        c.other_subscribers.push(OtherSubscriber {
            responsibility: "P".into(),
            relationship: "18".into(),
            group_number: Some(upper(&oc.policy_number)),
            claim_filing: Some(if medicare { "MB" } else { "CI" }.into()),
            payer_paid: Some(total_paid),
            other_segments: vec!["OI***Y***Y".into()],
            subscriber: Some(Entity {
                entity_code: "IL".into(),
                entity_type: "1".into(),
                name: member.name.clone(),
                first_name: member.first_name.clone(),
                id_qualifier: Some("MI".into()),
                id: Some(upper(&oc.policy_number)),
                ..Entity::default()
            }),
            payer: Some(Entity {
                entity_code: "PR".into(),
                entity_type: "2".into(),
                name: upper(&oc.payer_name),
                id_qualifier: Some("PI".into()),
                id: Some(upper(&oc.payer_id)),
                dates: vec![d8_ref("573", paid_on)],
                ..Entity::default()
            }),
            ..OtherSubscriber::default()
        });
    }

    fn push(&mut self, kind: ClaimKind, c: Claim, cases: &[EdgeCase]) -> usize {
        let v = match kind {
            ClaimKind::Professional => &mut self.out.professional,
            ClaimKind::Institutional => &mut self.out.institutional,
        };
        let index = v.len();
        for &case in cases {
            self.out.labelled.push(LabelledClaim {
                kind,
                index,
                claim_id: c.claim_id.clone(),
                case,
            });
        }
        v.push(c);
        index
    }

    fn authorize(
        &mut self,
        m: usize,
        provider: usize,
        code: &ProcedureCode,
        mods: &[Modifier],
        (start, end): (Date, Date),
        units: Decimal,
    ) -> Option<String> {
        let member = self.member(m)?.member_id.clone();
        let npi: Npi = self.provs.get(provider)?.p.npi.clone();
        let level = self
            .plan
            .services
            .get(code, mods, start)
            .map(|s| s.level_of_care.clone())
            .unwrap_or_default();
        self.auth_seq += 1;
        let id = format!(
            "PA{:02}{:02}{:05}",
            start.year() % 100,
            start.month(),
            self.auth_seq
        );
        self.out.authorizations.push(Authorization {
            id: id.clone(),
            member,
            provider: npi,
            services: vec![(code.clone(), mods.to_vec())],
            level_of_care: level,
            start,
            end,
            units_authorized: units,
            units_used: Decimal::ZERO,
        });
        Some(id)
    }

    /// True when the member's coverage began at least the transition-of-care window before `d`
    /// (ELIG-03 would otherwise exempt the service from authorization).
    fn past_transition(&self, m: usize, d: Date) -> bool {
        let toc = i64::from(self.plan.config.um.transition_of_care_days);
        self.covered(m, d).is_some_and(|s| days(s.start, toc) < d)
    }

    /// Splits an episode's items into claims and emits them, with authorizations and COB.
    fn emit_episode(
        &mut self,
        m: usize,
        b: &Biller,
        items: Vec<Item>,
        extra: &[EdgeCase],
        allow_auth_variants: bool,
    ) {
        if items.is_empty() {
            return;
        }
        let first_date = items
            .iter()
            .map(|i| i.date)
            .min()
            .unwrap_or(self.opts.first);
        let dx = self.dx_for(m, b.profile, first_date);
        // Authorizations (CLM-07): one per code needing one, over the episode's units.
        let mut auth_for: HashMap<String, (String, EdgeCase, Decimal)> = HashMap::new();
        let mut needs: Vec<(ProcedureCode, Vec<Modifier>)> = Vec::new();
        for it in &items {
            if self.requirement(&it.code, &it.mods, it.date) == AuthNeed::Required
                && !needs.iter().any(|(c, _)| *c == it.code)
            {
                needs.push((it.code.clone(), it.mods.clone()));
            }
        }
        let mut no_auth: HashSet<String> = HashSet::new();
        for (code, mods) in needs {
            let units: Decimal = items
                .iter()
                .filter(|i| i.code == code)
                .map(|i| i.units)
                .sum();
            let first = items
                .iter()
                .filter(|i| i.code == code)
                .map(|i| i.date)
                .min()
                .unwrap_or(first_date);
            self.auth_episode += 1;
            let variant = if allow_auth_variants && self.past_transition(m, first) {
                auth_variant(self.auth_episode)
            } else {
                EdgeCase::Authorized
            };
            let start = days(first, -self.rng.gen_range(0..=20));
            let end = days(start, 89);
            let authorized = match variant {
                EdgeCase::BeyondAuthorization => {
                    let per_line = items
                        .iter()
                        .filter(|i| i.code == code)
                        .map(|i| i.units)
                        .min()
                        .unwrap_or(Decimal::ONE);
                    (units - per_line - Decimal::ONE)
                        .max(Decimal::ONE)
                        .min(units - Decimal::ONE)
                }
                _ => units + dec(self.rng.gen_range(0..=3)) * (units / dec(4)).ceil(),
            };
            if variant == EdgeCase::NoAuthorization {
                no_auth.insert(code.as_str().to_owned());
                continue;
            }
            if variant == EdgeCase::BeyondAuthorization && units <= Decimal::ONE {
                // Cannot under-authorize a single unit meaningfully: authorize it fully.
                if let Some(id) = self.authorize(m, b.billing, &code, &mods, (start, end), units) {
                    auth_for.insert(code.as_str().to_owned(), (id, EdgeCase::Authorized, units));
                }
                continue;
            }
            if let Some(id) = self.authorize(m, b.billing, &code, &mods, (start, end), authorized) {
                auth_for.insert(code.as_str().to_owned(), (id, variant, authorized));
            }
        }
        // Claims: whole dates together, at most four lines each.
        let mut chunks: Vec<Vec<Item>> = Vec::new();
        let mut cur: Vec<Item> = Vec::new();
        let mut by_date: Vec<Vec<Item>> = Vec::new();
        let mut sorted = items;
        sorted.sort_by_key(|a| a.date);
        for it in sorted {
            match by_date.last_mut() {
                Some(g) if g.first().is_some_and(|f| f.date == it.date) => g.push(it),
                _ => by_date.push(vec![it]),
            }
        }
        for g in by_date {
            if cur.len() + g.len() > MAX_LINES && !cur.is_empty() {
                chunks.push(std::mem::take(&mut cur));
            }
            cur.extend(g.into_iter().take(MAX_LINES));
        }
        if !cur.is_empty() {
            chunks.push(cur);
        }
        chunks.truncate(MAX_CLAIMS);
        let pos_choice = places(b.profile)
            .choose(&mut self.rng)
            .copied()
            .unwrap_or("11");
        // Units billed so far per authorized code, in claim order: only the claim that goes
        // beyond the authorization is labelled so (CLM-07, UM-04 units counted from claims).
        let mut used: HashMap<String, Decimal> = HashMap::new();
        for chunk in chunks {
            let mut cases: Vec<EdgeCase> = extra.to_vec();
            let mut pa: Option<String> = None;
            for it in &chunk {
                if let Some((id, variant, authorized)) = auth_for.get(it.code.as_str()) {
                    pa.get_or_insert_with(|| id.clone());
                    let u = used.entry(it.code.as_str().to_owned()).or_default();
                    *u += it.units;
                    let case = if *variant == EdgeCase::BeyondAuthorization && *u > *authorized {
                        EdgeCase::BeyondAuthorization
                    } else {
                        EdgeCase::Authorized
                    };
                    if !cases.contains(&case) {
                        cases.push(case);
                    }
                }
                if no_auth.contains(it.code.as_str()) && !cases.contains(&EdgeCase::NoAuthorization)
                {
                    cases.push(EdgeCase::NoAuthorization);
                }
            }
            let dos = chunk.first().map_or(self.opts.first, |i| i.date);
            let primary = self.primary_on(m, dos).cloned();
            let mut cob = None;
            if let Some(oc) = primary {
                // A few providers bill Medicaid without billing the primary first.
                let skip = self.rng.gen_ratio(1, 12);
                if skip {
                    cases.push(EdgeCase::OtherCoverageNotBilled);
                } else {
                    cases.push(EdgeCase::OtherCoveragePaidFirst);
                    cob = Some(Cob { oc: oc.clone() });
                }
                if attestation_overdue(
                    &oc,
                    self.opts.received_by,
                    self.plan.config.other_coverage.reattest_every_days,
                ) {
                    cases.push(EdgeCase::AttestationOverdue);
                }
            }
            let c = self.prof_claim(m, b, &chunk, &dx, cob.as_ref(), pa.as_deref(), pos_choice);
            if cases.contains(&EdgeCase::BeyondAuthorization) {
                cases.retain(|c| *c != EdgeCase::Authorized);
            }
            self.push(ClaimKind::Professional, c, &cases);
        }
    }

    /// Days in the month the member is covered and both providers payable.
    fn service_days(&self, m: usize, b: &Biller) -> Vec<Date> {
        self.month
            .iter()
            .copied()
            .filter(|&d| {
                self.covered(m, d).is_some()
                    && self.payable(b.billing, d)
                    && b.rendering.is_none_or(|r| self.payable(r, d))
            })
            .collect()
    }

    fn pick_biller(&mut self, profile: Profile) -> Option<Biller> {
        let v = self.billers.get(&key(profile))?;
        v.choose(&mut self.rng).copied()
    }

    fn pick_dates(&mut self, avail: &[Date], n: usize) -> Vec<Date> {
        let mut d: Vec<Date> = avail
            .choose_multiple(&mut self.rng, n.min(avail.len()))
            .copied()
            .collect();
        d.sort();
        d
    }

    // -------------------------------------------------------------------------------------
    // The ordinary month
    // -------------------------------------------------------------------------------------

    fn ordinary(&mut self) {
        let n = self.data.population.members.len();
        for m in 0..n {
            let roll: f64 = self.rng.r#gen();
            if roll < RESIDENTIAL_SHARE {
                self.residential_stay(m, None);
                continue;
            }
            if roll >= RESIDENTIAL_SHARE + self.opts.served_share.clamp(0.0, 1.0) {
                continue;
            }
            let profile = match self.rng.gen_range(0..100) {
                0..=34 => Profile::Cmhc,
                35..=59 => Profile::Therapy,
                60..=71 => Profile::Sud,
                72..=86 => Profile::Prescriber,
                87..=93 => Profile::SudCounselor,
                _ => Profile::Hospital,
            };
            let Some(b) = self.pick_biller(profile) else {
                continue;
            };
            let avail = self.service_days(m, &b);
            if avail.is_empty() {
                continue;
            }
            let (lo, hi) = visits(profile);
            let k = self.rng.gen_range(lo..=hi);
            let dates = self.pick_dates(&avail, k);
            let items = self.episode_items(m, &b, &dates);
            self.emit_episode(m, &b, items, &[], true);
        }
    }

    /// A residential stay (837I, PAY-01): per diem H0047 (adults) or H2036 (under 21) with
    /// revenue code 0944/0945, bill type 86x, admission date, statement period and an
    /// authorization. `forced`: (admission, discharge) for the CLM-02 discharge case.
    fn residential_stay(&mut self, m: usize, forced: Option<(Date, Date)>) -> bool {
        let Some(mm) = self.member(m) else {
            return false;
        };
        let (first, last) = (
            self.opts.first,
            self.month.last().copied().unwrap_or(self.opts.first),
        );
        let (admission, discharge) = match forced {
            Some(x) => (x.0, Some(x.1)),
            None => {
                let admission = days(first, self.rng.gen_range(-40..=20));
                let los = self.rng.gen_range(14..=75);
                let dc = days(admission, los);
                (admission, (dc <= last).then_some(dc))
            }
        };
        let (from, through) = match forced {
            Some((a, dc)) => (a, dc),
            None => (
                admission.max(first),
                discharge.map_or(last, |dc| dc.min(last)),
            ),
        };
        // The discharge day is not a billed day.
        let billed_to = if discharge == Some(through) {
            days(through, -1)
        } else {
            through
        };
        if billed_to < from {
            return false;
        }
        let child = age_on(mm.birth_date, admission) < 21;
        let (code, modifier) = if child {
            ("H2036", "HF")
        } else {
            ("H0047", "HF")
        };
        let Some((code, mods)) = Self::parse_service(code, modifier) else {
            return false;
        };
        let Some(svc) = self.plan.services.get(&code, &mods, admission) else {
            return false;
        };
        let revenue = svc
            .revenue_codes
            .first()
            .map_or("0944".to_owned(), |r| r.as_str().to_owned());
        let Some(rate) = self
            .plan
            .fees
            .rate_for_program(&code, &mods, admission, self.plan.config.program)
            .map(|r| r.amount())
        else {
            return false;
        };
        if !self.covered_all(m, admission, billed_to) {
            return false;
        }
        // The 837I carries no primary payer's adjudication here: members with other coverage
        // are not placed in a stay (PAY-03 would deny it CO-22).
        if date_range(admission, billed_to)
            .iter()
            .any(|&d| self.primary_on(m, d).is_some())
        {
            return false;
        }
        // A residential SUD program payable over the whole stay.
        let facilities: Vec<usize> = (0..self.provs.len())
            .filter(|&i| {
                let p = &self.provs[i].p;
                p.kind == ProviderKind::Facility && p.specialty == "sud_program"
            })
            .collect();
        let Some(&fac) = facilities.choose(&mut self.rng) else {
            return false;
        };
        if !date_range(admission, billed_to)
            .iter()
            .all(|&d| self.payable(fac, d))
        {
            return false;
        }
        let attending = self.provs[fac]
            .staff
            .iter()
            .copied()
            .find(|&s| self.payable(s, from))
            .or_else(|| {
                (0..self.provs.len()).find(|&i| {
                    self.provs[i].p.kind == ProviderKind::Individual && self.provs[i].payable_month
                })
            });
        let units = dec(date_range(from, billed_to).len() as u32);
        let markup = Decimal::new(self.rng.gen_range(105..=125), 2);
        let per_day = (rate * markup).ceil();
        // Authorization from admission, for the stay (UM-04), with the usual variants.
        self.auth_episode += 1;
        let variant = if forced.is_none() && self.past_transition(m, admission) {
            auth_variant(self.auth_episode)
        } else {
            EdgeCase::Authorized
        };
        let stay_days = dec(date_range(admission, billed_to).len() as u32);
        // Earlier months of the stay were not billed in the demo, so only this claim's days
        // count against the authorization.
        let variant = if variant == EdgeCase::BeyondAuthorization && units <= Decimal::ONE {
            EdgeCase::Authorized
        } else {
            variant
        };
        let auth_units = match variant {
            EdgeCase::BeyondAuthorization => (units - dec(3)).max(Decimal::ONE),
            _ => stay_days + dec(self.rng.gen_range(0..=10)),
        };
        let pa = if variant == EdgeCase::NoAuthorization {
            None
        } else {
            self.authorize(
                m,
                fac,
                &code,
                &mods,
                (admission, days(admission, 89)),
                auth_units,
            )
        };
        let dx = vec![
            DX_SUD
                .choose(&mut self.rng)
                .copied()
                .unwrap_or("F1020")
                .to_owned(),
        ];
        let mut c = self.base_claim(ClaimKind::Institutional, m, fac, None, &dx);
        // Admitting diagnosis (inpatient/residential admissions).
        c.health_codes.push(HealthCode {
            qualifier: "ABJ".into(),
            code: dx[0].clone(),
            ..HealthCode::default()
        });
        c.facility_code = "86".into();
        c.facility_qualifier = "A".into();
        let admitted_in = admission >= from;
        let discharged_in = discharge.is_some_and(|dc| dc <= through);
        c.frequency_code = match (admitted_in, discharged_in) {
            (true, true) => "1",
            (true, false) => "2",
            (false, false) => "3",
            (false, true) => "4",
        }
        .into();
        c.dates.push(period_ref("434", from, through));
        c.dates.push(DateRef {
            qualifier: "435".into(),
            format: "DT".into(),
            value: format!("{}1000", d8(admission)),
        });
        c.admission_type = Some("3".into());
        c.admission_source = Some("2".into());
        c.patient_status = Some(if discharged_in { "01" } else { "30" }.into());
        if let Some(pa) = &pa {
            c.refs.push(Ref {
                qualifier: "G1".into(),
                value: pa.clone(),
            });
        }
        if let Some(a) = attending.and_then(|a| self.provider_entity(a, "71", "AT")) {
            c.providers.push(a);
        }
        c.lines.push(ServiceLine {
            line_number: 1,
            revenue_code: Some(revenue),
            procedure: Some(Procedure {
                qualifier: "HC".into(),
                code: code.as_str().to_owned(),
                modifiers: mods.iter().map(|x| x.as_str().to_owned()).collect(),
                description: None,
            }),
            charge: per_day * units,
            unit_basis: "DA".into(),
            units: Some(units),
            dates: vec![period_ref("472", from, billed_to)],
            ..ServiceLine::default()
        });
        c.total_charge = per_day * units;
        let mut cases = vec![EdgeCase::ResidentialPerDiem, variant];
        if forced.is_some() {
            cases.push(EdgeCase::ResidentialFromDischarge);
        }
        self.push(ClaimKind::Institutional, c, &cases);
        self.taken.insert(m);
        true
    }

    // -------------------------------------------------------------------------------------
    // Edge cases
    // -------------------------------------------------------------------------------------

    /// Members not yet used by an edge case, covered on every date in `dates`, with no other
    /// coverage (so COB does not blur the case).
    fn plain_members(&self, need_days: &[Date]) -> Vec<usize> {
        (0..self.data.population.members.len())
            .filter(|&m| {
                !self.taken.contains(&m)
                    && self.other.get(m).is_some_and(Vec::is_empty)
                    && need_days.iter().all(|&d| self.covered(m, d).is_some())
            })
            .collect()
    }

    fn simple_item(&mut self, m: usize, b: &Biller, d: Date) -> Option<Item> {
        let rnpi = self.rendering_npi(b);
        for &(code, modifier, (lo, hi), _, once) in menu(b.profile) {
            if once {
                continue;
            }
            let Some((code, mods)) = Self::parse_service(code, modifier) else {
                continue;
            };
            if self.requirement(&code, &mods, d) == AuthNeed::Required {
                continue;
            }
            let units = dec(lo.max(hi.min(4)));
            if self.fits(m, &rnpi, &code, &mods, units, d)
                && let Some(it) = self.item(code, mods, units, d)
            {
                self.record(m, &rnpi, &it);
                return Some(it);
            }
        }
        None
    }

    fn edge_cases(&mut self) {
        let mid = self
            .month
            .get(self.month.len() / 2)
            .copied()
            .unwrap_or(self.opts.first);
        let scale = (self.data.population.members.len() / 2_500).clamp(1, 8);

        // (1) CLM-06: T1016 by two agencies for one member on one day.
        let cmhc: Vec<Biller> = self
            .billers
            .get(&key(Profile::Cmhc))
            .cloned()
            .unwrap_or_default();
        let pool = self.plain_members(&[mid]);
        for k in 0..(2 * scale) {
            let Some(&m) = pool.get(k * 7 + 3) else { break };
            let a = cmhc.get((k * 5) % cmhc.len().max(1)).copied();
            let b = cmhc
                .iter()
                .copied()
                .filter(|x| a.is_some_and(|a| x.billing != a.billing))
                .nth(k);
            let (Some(a), Some(b)) = (a, b) else { break };
            let Some((code, mods)) = Self::parse_service("T1016", "HE") else {
                break;
            };
            let units = dec(self.rng.gen_range(2..=4));
            for biller in [a, b] {
                let rnpi = self.rendering_npi(&biller);
                if !self.fits(m, &rnpi, &code, &mods, units, mid) {
                    continue;
                }
                let Some(it) = self.item(code.clone(), mods.clone(), units, mid) else {
                    continue;
                };
                self.record(m, &rnpi, &it);
                let dx = self.dx_for(m, Profile::Cmhc, mid);
                let c = self.prof_claim(m, &biller, &[it], &dx, None, None, "12");
                self.push(ClaimKind::Professional, c, &[EdgeCase::SameDayTwoProviders]);
            }
            self.taken.insert(m);
        }

        // (3a) ELIG-01: services after a retroactive termination.
        let last = self.month.last().copied().unwrap_or(self.opts.first);
        let retro: Vec<(usize, Date)> = self
            .data
            .population
            .retro_terminations
            .iter()
            .filter(|t| t.new_end >= self.opts.first && t.new_end < last)
            .filter_map(|t| Some((*self.member_ix.get(t.member_id.as_str())?, t.new_end)))
            .filter(|(m, _)| {
                !self.taken.contains(m) && self.other.get(*m).is_some_and(Vec::is_empty)
            })
            .collect();
        for &(m, end) in retro.iter().take(3 * scale) {
            let Some(b) = self.pick_biller(Profile::Therapy) else {
                break;
            };
            let before: Vec<Date> = self.month.iter().copied().filter(|&d| d <= end).collect();
            let after: Vec<Date> = self.month.iter().copied().filter(|&d| d > end).collect();
            let mut items = Vec::new();
            if let Some(&d) = before.last()
                && let Some(it) = self.simple_item(m, &b, d)
            {
                items.push(it);
            }
            if let Some(&d) = after.choose(&mut self.rng)
                && let Some(it) = self.simple_item(m, &b, d)
            {
                items.push(it);
            }
            if items.iter().any(|i| i.date > end) {
                let dx = self.dx_for(m, b.profile, mid);
                let c = self.prof_claim(m, &b, &items, &dx, None, None, "11");
                self.push(ClaimKind::Professional, c, &[EdgeCase::RetroTerminated]);
                self.taken.insert(m);
            }
        }

        // (3b) ELIG-01/02: a switch between plans inside the month.
        let plan_code = self.plan.config.plan_code.clone();
        let mut switches = Vec::new();
        for m in 0..self.spans.len() {
            if self.taken.contains(&m) || self.other.get(m).is_some_and(|v| !v.is_empty()) {
                continue;
            }
            let Some(spans) = self.spans.get(m) else {
                continue;
            };
            for s in spans.iter().filter(|s| s.plan_code == plan_code) {
                // Left this plan inside the month, or joined it inside the month.
                if let Some(e) = s.end
                    && e >= self.opts.first
                    && e < last
                    && spans
                        .iter()
                        .any(|o| o.plan_code != plan_code && o.start == days(e, 1))
                {
                    switches.push((m, days(e, 1)));
                } else if s.start > self.opts.first
                    && s.start <= last
                    && spans
                        .iter()
                        .any(|o| o.plan_code != plan_code && o.end == Some(days(s.start, -1)))
                {
                    switches.push((m, s.start));
                }
            }
        }
        for &(m, switch) in switches.iter().take(3 * scale) {
            let Some(b) = self.pick_biller(Profile::Cmhc) else {
                break;
            };
            let before: Vec<Date> = self.month.iter().copied().filter(|&d| d < switch).collect();
            let after: Vec<Date> = self
                .month
                .iter()
                .copied()
                .filter(|&d| d >= switch)
                .collect();
            let (Some(&d1), Some(&d2)) = (before.last(), after.first()) else {
                continue;
            };
            let mut items = Vec::new();
            for d in [d1, d2] {
                if let Some(it) = self.simple_item(m, &b, d) {
                    items.push(it);
                }
            }
            if items.len() == 2 {
                let dx = self.dx_for(m, b.profile, d1);
                let c = self.prof_claim(m, &b, &items, &dx, None, None, "53");
                self.push(ClaimKind::Professional, c, &[EdgeCase::PlanSwitch]);
                self.taken.insert(m);
            }
        }

        // (4) NET-05/08: providers not payable on a date of the month bill for it.
        let unpayable: Vec<(usize, Date)> = (0..self.provs.len())
            .filter(|&i| self.provs[i].p.kind == ProviderKind::Individual)
            .filter_map(|i| {
                let d = self
                    .month
                    .iter()
                    .copied()
                    .rev()
                    .find(|&d| !self.payable(i, d))?;
                Some((i, d))
            })
            .collect();
        let pool = self.plain_members(&self.month.clone());
        let mut pk = 0usize;
        for &(i, d) in &unpayable {
            let Some(profile) = self.provs[i].profile else {
                continue;
            };
            for _ in 0..2 {
                pk += 1;
                let Some(&m) = pool.get(pk * 13 + 1) else {
                    break;
                };
                if self.taken.contains(&m) {
                    continue;
                }
                let b = Biller {
                    billing: i,
                    rendering: None,
                    profile,
                };
                let Some(it) = self.simple_item(m, &b, d) else {
                    continue;
                };
                let dx = self.dx_for(m, profile, d);
                let pos = places(profile).first().copied().unwrap_or("11");
                let c = self.prof_claim(m, &b, &[it], &dx, None, None, pos);
                self.push(ClaimKind::Professional, c, &[EdgeCase::ProviderNotPayable]);
                self.taken.insert(m);
            }
        }

        // (5b) CLM-02: a residential stay billed after discharge.
        let tf = i64::from(self.plan.config.timely_filing.days);
        let admission = days(self.opts.received_by, -(tf + 15));
        let discharge = days(self.opts.received_by, -(tf / 2));
        let stay: Vec<Date> = date_range(admission, discharge);
        let pool = self.plain_members(&stay);
        let mut made = 0;
        for (k, &m) in pool.iter().enumerate() {
            if made >= scale.min(3) {
                break;
            }
            if k % 17 != 5 {
                continue;
            }
            if self.residential_stay(m, Some((admission, discharge))) {
                made += 1;
            }
        }

        // (6) CLM-02: a service filed after the window.
        let late = days(self.opts.received_by, -(tf + self.rng.gen_range(10..=40)));
        let pool = self.plain_members(&[late]);
        for k in 0..(2 * scale) {
            let Some(&m) = pool.get(k * 11 + 2) else {
                break;
            };
            let Some(b) = self.pick_biller(Profile::Therapy) else {
                break;
            };
            if !self.payable(b.billing, late) || b.rendering.is_some_and(|r| !self.payable(r, late))
            {
                continue;
            }
            let Some(it) = self.simple_item(m, &b, late) else {
                continue;
            };
            let dx = self.dx_for(m, b.profile, late);
            let c = self.prof_claim(m, &b, &[it], &dx, None, None, "11");
            self.push(ClaimKind::Professional, c, &[EdgeCase::LateFiling]);
            self.taken.insert(m);
        }

        // (7) CLM-08: a capped service above its daily cap (but within its MUE).
        let pool = self.plain_members(&[mid]);
        for k in 0..(2 * scale) {
            let Some(&m) = pool.get(k * 9 + 4) else { break };
            let profile = if k % 2 == 0 {
                Profile::Sud
            } else {
                Profile::Cmhc
            };
            let Some(b) = self.pick_biller(profile) else {
                continue;
            };
            let modifier = if profile == Profile::Sud { "HF" } else { "HE" };
            let Some((code, mods)) = Self::parse_service("H0004", modifier) else {
                continue;
            };
            let Some(svc) = self.plan.services.get(&code, &mods, mid) else {
                continue;
            };
            let Some(cap) = svc.max_units_per_day else {
                continue;
            };
            let mue = self.plan.mue.limit(&code, Some(mid)).unwrap_or(u32::MAX);
            let units = (cap + self.rng.gen_range(2..=4)).min(mue);
            if units <= cap {
                continue;
            }
            let Some(it) = self.item(code, mods, dec(units), mid) else {
                continue;
            };
            let rnpi = self.rendering_npi(&b);
            self.record(m, &rnpi, &it);
            let dx = self.dx_for(m, profile, mid);
            let pos = places(profile).first().copied().unwrap_or("11");
            let c = self.prof_claim(m, &b, &[it], &dx, None, None, pos);
            self.push(ClaimKind::Professional, c, &[EdgeCase::DailyCapExceeded]);
            self.taken.insert(m);
        }

        // (8) UM-01: a threshold service billed beyond its free units, no authorization.
        let threshold = self
            .plan
            .auth_grid
            .iter()
            .filter(|r| r.requirement == Requirement::PriorAuth && r.threshold_units > 0)
            .min_by(|a, b| (&a.code, a.line).cmp(&(&b.code, b.line)))
            .map(|r| (r.code.clone(), r.threshold_units));
        if let Some((code, t)) = threshold {
            let mods: Vec<Modifier> = self
                .plan
                .services
                .rows(&code)
                .first()
                .map(|s| s.modifiers.as_slice().to_vec())
                .unwrap_or_default();
            let all = self.month.clone();
            let pool = self.plain_members(&all);
            let n_days = all.len().min(12);
            for k in 0..scale.min(3) {
                let Some(&m) = pool.get(k * 23 + 6) else {
                    break;
                };
                if !self.past_transition(m, self.opts.first) {
                    continue;
                }
                let Some(b) = self.pick_biller(Profile::Cmhc) else {
                    break;
                };
                let avail = self.service_days(m, &b);
                if avail.len() < n_days {
                    continue;
                }
                // Spread over the month, enough units a day to pass the threshold by about 20%.
                let per_day = dec((t * 6 / 5).div_ceil(n_days as u32).max(1));
                let dates: Vec<Date> = (0..n_days)
                    .filter_map(|i| avail.get(i * avail.len() / n_days).copied())
                    .collect();
                let rnpi = self.rendering_npi(&b);
                let mut items = Vec::new();
                for d in dates {
                    if self.fits(m, &rnpi, &code, &mods, per_day, d)
                        && let Some(it) = self.item(code.clone(), mods.clone(), per_day, d)
                    {
                        self.record(m, &rnpi, &it);
                        items.push(it);
                    }
                }
                let total: Decimal = items.iter().map(|i| i.units).sum();
                if total <= dec(t) {
                    continue;
                }
                let dx = self.dx_for(m, Profile::Cmhc, mid);
                // Only the claims that go beyond the free units are labelled.
                let mut so_far = Decimal::ZERO;
                for chunk in items.chunks(MAX_LINES) {
                    so_far += chunk.iter().map(|i| i.units).sum::<Decimal>();
                    let c = self.prof_claim(m, &b, chunk, &dx, None, None, "12");
                    let cases: &[EdgeCase] = if so_far > dec(t) {
                        &[EdgeCase::ThresholdExceeded]
                    } else {
                        &[]
                    };
                    self.push(ClaimKind::Professional, c, cases);
                }
                self.taken.insert(m);
            }
        }

        // (9) CLM-07: the ordinary month already holds authorized, unauthorized and
        // under-authorized services; make sure each appears even in a small population.
        for (case, profile) in [
            (EdgeCase::NoAuthorization, Profile::Sud),
            (EdgeCase::BeyondAuthorization, Profile::Cmhc),
            (EdgeCase::Authorized, Profile::Sud),
        ] {
            if self.out.labelled.iter().any(|l| l.case == case) {
                continue;
            }
            self.forced_auth_case(case, profile, mid);
        }

        // (10) PAY-03/04: make sure a claim with the primary's payment exists.
        if !self
            .out
            .labelled
            .iter()
            .any(|l| l.case == EdgeCase::OtherCoveragePaidFirst)
        {
            let with_oc: Vec<usize> = (0..self.other.len())
                .filter(|&m| {
                    !self.taken.contains(&m)
                        && self.primary_on(m, mid).is_some()
                        && self.covered(m, mid).is_some()
                })
                .collect();
            if let (Some(&m), Some(b)) = (with_oc.first(), self.pick_biller(Profile::Therapy))
                && let Some(it) = self.simple_item(m, &b, mid)
                && let Some(oc) = self.primary_on(m, mid).cloned()
            {
                let dx = self.dx_for(m, b.profile, mid);
                let cob = Cob { oc };
                let c = self.prof_claim(m, &b, &[it], &dx, Some(&cob), None, "11");
                self.push(
                    ClaimKind::Professional,
                    c,
                    &[EdgeCase::OtherCoveragePaidFirst],
                );
                self.taken.insert(m);
            }
        }

        // (11) CLM-01/04: an unknown member; an ICD-9 diagnosis.
        let pool = self.plain_members(&[mid]);
        for k in 0..scale.min(3) {
            let Some(&m) = pool.get(k * 19 + 8) else {
                break;
            };
            let Some(b) = self.pick_biller(Profile::Therapy) else {
                break;
            };
            if let Some(it) = self.simple_item(m, &b, mid) {
                let dx = self.dx_for(m, b.profile, mid);
                let mut c = self.prof_claim(m, &b, &[it], &dx, None, None, "11");
                // A digit transposed into an ID the plan never issued.
                let unknown = format!("{:09}", 900_000_000 + self.rng.gen_range(0..99_999_999u32));
                let sub = self.subscriber(m, false, Some(&unknown));
                c.subscriber = sub;
                self.push(ClaimKind::Professional, c, &[EdgeCase::UnknownMember]);
            }
        }
        let pool = self.plain_members(&[mid]);
        for k in 0..scale.min(3) {
            let Some(&m) = pool.get(k * 29 + 10) else {
                break;
            };
            let Some(b) = self.pick_biller(Profile::Therapy) else {
                break;
            };
            if let Some(it) = self.simple_item(m, &b, mid) {
                let dx = vec![ICD9_DX.to_owned()];
                let c = self.prof_claim(m, &b, &[it], &dx, None, None, "11");
                self.push(ClaimKind::Professional, c, &[EdgeCase::InvalidDiagnosis]);
                self.taken.insert(m);
            }
        }

        // (2) CLM-06: exact duplicates of ordinary claims, at the end of the file.
        let labelled: HashSet<usize> = self
            .out
            .labelled
            .iter()
            .filter(|l| l.kind == ClaimKind::Professional)
            .map(|l| l.index)
            .collect();
        let plain: Vec<usize> = (0..self.out.professional.len())
            .filter(|i| !labelled.contains(i))
            .collect();
        for k in 0..(2 * scale) {
            let Some(&i) = plain.get(k * 37 + 11) else {
                break;
            };
            let Some(c) = self.out.professional.get(i).cloned() else {
                break;
            };
            self.push(ClaimKind::Professional, c, &[EdgeCase::ExactDuplicate]);
        }
    }

    /// An episode with a service that needs authorization, in the given variant (CLM-07).
    fn forced_auth_case(&mut self, case: EdgeCase, profile: Profile, d: Date) {
        let code = if profile == Profile::Sud {
            ("H0015", "HF")
        } else {
            ("H2017", "HE")
        };
        let Some((code, mods)) = Self::parse_service(code.0, code.1) else {
            return;
        };
        if self.requirement(&code, &mods, d) != AuthNeed::Required {
            return;
        }
        let Some(b) = self.pick_biller(profile) else {
            return;
        };
        let pool = self.plain_members(&self.month.clone());
        let Some(&m) = pool
            .iter()
            .find(|&&m| self.past_transition(m, self.opts.first))
        else {
            return;
        };
        let rnpi = self.rendering_npi(&b);
        let units = dec(4);
        let dates: Vec<Date> = self.month.iter().copied().step_by(7).take(3).collect();
        let mut items = Vec::new();
        for dd in dates {
            let u = self
                .daily_cap(&code, &mods, dd)
                .map_or(units, |c| c.min(units));
            if self.fits(m, &rnpi, &code, &mods, u, dd)
                && let Some(it) = self.item(code.clone(), mods.clone(), u, dd)
            {
                self.record(m, &rnpi, &it);
                items.push(it);
            }
        }
        let total: Decimal = items.iter().map(|i| i.units).sum();
        if items.is_empty() {
            return;
        }
        let start = self.opts.first;
        let pa = match case {
            EdgeCase::NoAuthorization => None,
            EdgeCase::BeyondAuthorization => self.authorize(
                m,
                b.billing,
                &code,
                &mods,
                (start, days(start, 89)),
                (total - Decimal::ONE).max(Decimal::ONE),
            ),
            _ => self.authorize(m, b.billing, &code, &mods, (start, days(start, 89)), total),
        };
        let dx = self.dx_for(m, profile, d);
        let pos = places(profile).first().copied().unwrap_or("11");
        let c = self.prof_claim(m, &b, &items, &dx, None, pa.as_deref(), pos);
        self.push(ClaimKind::Professional, c, &[case]);
        self.taken.insert(m);
    }

    // -------------------------------------------------------------------------------------
    // QM-01: hospital and emergency-department episodes with their follow-up
    // -------------------------------------------------------------------------------------

    /// Acute inpatient psychiatric stays and emergency-department visits, with follow-up visits
    /// 1–7 days after, 8–30 days after or never, and a readmission within 30 days, so that every
    /// QM-01 measure (FUH, FUM, FUA, IET, PCR) has events and a rate between 0 and 100%. Placed
    /// relative to the month's first day (stays from about a month before it, as hospitals bill
    /// after discharge) for adult members on no other claim, covered throughout and with no other
    /// coverage. Own random stream, and generated last, so the rest of the month is unchanged.
    fn quality_episodes(&mut self) {
        let mut rng = ChaCha8Rng::seed_from_u64(self.opts.seed ^ 0x716d_3031_6570_6973);
        std::mem::swap(&mut self.rng, &mut rng);
        let rounds = (self.data.population.members.len() / 5_000).clamp(1, 2);
        for round in 0..rounds {
            for ep in QUALITY_EPISODES {
                self.quality_episode(ep, round);
            }
        }
        std::mem::swap(&mut self.rng, &mut rng);
    }

    /// Psychiatric hospitals payable on every date of `dates`.
    fn hospitals(&self, dates: &[Date]) -> Vec<usize> {
        (0..self.provs.len())
            .filter(|&i| {
                let p = &self.provs[i].p;
                p.kind == ProviderKind::Facility
                    && p.specialty == "psychiatric_hospital"
                    && dates.iter().all(|&d| self.payable(i, d))
            })
            .collect()
    }

    /// A member for a quality episode: adult on `dates`, covered throughout, no other coverage,
    /// on no claim yet and not used by an edge case.
    fn quality_member(&mut self, dates: &[Date], on_claims: &HashSet<String>) -> Option<usize> {
        let (&first, &last) = (dates.iter().min()?, dates.iter().max()?);
        let pool: Vec<usize> = (0..self.data.population.members.len())
            .filter(|&m| {
                let Some(mm) = self.member(m) else {
                    return false;
                };
                !self.taken.contains(&m)
                    && !on_claims.contains(mm.member_id.as_str())
                    && (18..65).contains(&age_on(mm.birth_date, first))
                    && self.other.get(m).is_some_and(Vec::is_empty)
                    && self.covered_all(m, first, last)
            })
            .collect();
        pool.choose(&mut self.rng).copied()
    }

    fn quality_episode(&mut self, ep: &QualityEpisode, round: usize) {
        let base = self.opts.first;
        let Some(&last) = self.month.last() else {
            return;
        };
        let at = |n: i64| days(base, n);
        // The stays or visits, then the follow-up visits.
        let events: Vec<(Date, Date)> = match ep.kind {
            QualityKind::Stay { stays } => stays.iter().map(|&(a, d)| (at(a), at(d))).collect(),
            QualityKind::MentalHealthEd(d) | QualityKind::AodEd(d) => vec![(at(d), at(d))],
        };
        let follow_ups: Vec<Date> = ep.follow_ups.iter().map(|&n| at(n)).collect();
        let mut all: Vec<Date> = events.iter().flat_map(|&(a, d)| [a, d]).collect();
        all.extend(&follow_ups);
        let (Some(&first_day), Some(&last_day)) = (all.iter().min(), all.iter().max()) else {
            return;
        };
        // Inside what the files can carry: nothing after the month, nothing beyond timely filing.
        let tf = i64::from(self.plan.config.timely_filing.days);
        if last_day > last || first_day < days(self.opts.received_by, -(tf - 10)) {
            return;
        }
        let on_claims: HashSet<String> = self
            .out
            .professional
            .iter()
            .chain(&self.out.institutional)
            .filter_map(|c| c.subscriber.person.id.clone())
            .collect();
        let span = date_range(first_day, last_day);
        let Some(m) = self.quality_member(&[first_day, last_day], &on_claims) else {
            return;
        };
        let hospitals = self.hospitals(&span);
        let Some(&fac) = hospitals.get((ep.hospital + round) % hospitals.len().max(1)) else {
            return;
        };
        let aod = matches!(ep.kind, QualityKind::AodEd(_));
        let codes = if aod { DX_SUD } else { DX_QM_MENTAL };
        let dx = vec![
            codes
                .choose(&mut self.rng)
                .copied()
                .unwrap_or("F332")
                .to_owned(),
        ];
        let mut made = false;
        for &(from, to) in &events {
            made |= match ep.kind {
                QualityKind::Stay { .. } => self.inpatient_stay(m, fac, (from, to), &dx),
                _ => self.ed_visit(m, fac, from, &dx),
            };
        }
        if !made {
            return;
        }
        self.taken.insert(m);
        // Follow-up: a psychiatric evaluation (FUH, FUM) or an AOD assessment, then counseling
        // (FUA, IET initiation and engagement).
        for (k, &d) in follow_ups.iter().enumerate() {
            let (profile, code, modifier, units) = match (aod, k) {
                (false, _) => (Profile::Prescriber, "90791", "", 1),
                (true, 0) => (Profile::Sud, "H0001", "HF", 1),
                (true, _) => (Profile::Sud, "H0004", "HF", 4),
            };
            let billers: Vec<Biller> = self
                .billers
                .get(&key(profile))
                .map(|v| {
                    v.iter()
                        .copied()
                        .filter(|b| {
                            self.payable(b.billing, d)
                                && b.rendering.is_none_or(|r| self.payable(r, d))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let Some(&b) = billers.choose(&mut self.rng) else {
                continue;
            };
            let Some((code, mods)) = Self::parse_service(code, modifier) else {
                continue;
            };
            let rnpi = self.rendering_npi(&b);
            if !self.fits(m, &rnpi, &code, &mods, dec(units), d) {
                continue;
            }
            let Some(it) = self.item(code, mods, dec(units), d) else {
                continue;
            };
            self.record(m, &rnpi, &it);
            let pos = if aod { "57" } else { "11" };
            let c = self.prof_claim(m, &b, &[it], &dx, None, None, pos);
            self.push(ClaimKind::Professional, c, &[]);
        }
    }

    /// The 837I header every hospital claim shares: member, facility, diagnoses, and an
    /// attending psychiatrist payable on every date of `dates` (the hospital's own first).
    fn hospital_claim(&mut self, m: usize, fac: usize, dx: &[String], dates: &[Date]) -> Claim {
        let mut c = self.base_claim(ClaimKind::Institutional, m, fac, None, dx);
        let fits = |g: &Self, i: usize| {
            g.provs[i].p.specialty == "psychiatrist" && dates.iter().all(|&d| g.payable(i, d))
        };
        let g: &Self = self;
        let attending = g.provs[fac]
            .staff
            .iter()
            .copied()
            .find(|&s| fits(g, s))
            .or_else(|| (0..g.provs.len()).find(|&i| fits(g, i)));
        if let Some(a) = attending.and_then(|a| self.provider_entity(a, "71", "AT")) {
            c.providers.push(a);
        }
        c.facility_qualifier = "A".into();
        c.admission_type = Some("1".into());
        c.admission_source = Some("1".into());
        c.patient_status = Some("01".into());
        c
    }

    /// An acute inpatient psychiatric stay from `admission` to `discharge` (837I, bill type 111,
    /// per diem H2013 with psychiatric room and board, the discharge day not billed), an emergency
    /// admission notified to the plan and authorized for its days (UM-07, UM-04).
    fn inpatient_stay(
        &mut self,
        m: usize,
        fac: usize,
        (admission, discharge): (Date, Date),
        dx: &[String],
    ) -> bool {
        let billed_to = days(discharge, -1);
        let Some((code, mods)) = Self::parse_service("H2013", "") else {
            return false;
        };
        let Some(svc) = self.plan.services.get(&code, &mods, admission) else {
            return false;
        };
        // Semi-private psychiatric room and board where the plan lists it.
        let revenue = svc
            .revenue_codes
            .iter()
            .map(|r| r.as_str().to_owned())
            .find(|r| r == "0124")
            .or_else(|| svc.revenue_codes.first().map(|r| r.as_str().to_owned()));
        let Some(revenue) = revenue else {
            return false;
        };
        let Some(rate) = self.rate(&code, &mods, admission) else {
            return false;
        };
        if billed_to < admission {
            return false;
        }
        let units = dec(date_range(admission, billed_to).len() as u32);
        let pa = self.authorize(m, fac, &code, &mods, (admission, billed_to), units);
        let mut c = self.hospital_claim(m, fac, dx, &date_range(admission, discharge));
        c.health_codes.push(HealthCode {
            qualifier: "ABJ".into(),
            code: dx[0].clone(),
            ..HealthCode::default()
        });
        c.facility_code = "11".into();
        c.dates.push(period_ref("434", admission, discharge));
        c.dates.push(DateRef {
            qualifier: "435".into(),
            format: "DT".into(),
            value: format!("{}2200", d8(admission)),
        });
        if let Some(pa) = &pa {
            c.refs.push(Ref {
                qualifier: "G1".into(),
                value: pa.clone(),
            });
        }
        let per_day = (rate * Decimal::new(self.rng.gen_range(115..=140), 2)).ceil();
        c.lines.push(ServiceLine {
            line_number: 1,
            revenue_code: Some(revenue),
            procedure: Some(Procedure {
                qualifier: "HC".into(),
                code: code.as_str().to_owned(),
                modifiers: vec![],
                description: None,
            }),
            charge: per_day * units,
            unit_basis: "DA".into(),
            units: Some(units),
            dates: vec![period_ref("472", admission, billed_to)],
            ..ServiceLine::default()
        });
        c.total_charge = per_day * units;
        self.push(ClaimKind::Institutional, c, &[EdgeCase::InpatientStay]);
        true
    }

    /// An emergency-department visit on `d` (837I, bill type 131, revenue 0450, CPT 99284 or
    /// 99285), the patient sent home the same day.
    fn ed_visit(&mut self, m: usize, fac: usize, d: Date, dx: &[String]) -> bool {
        let level = if self.rng.gen_bool(0.6) {
            "99284"
        } else {
            "99285"
        };
        let Some((code, mods)) = Self::parse_service(level, "") else {
            return false;
        };
        let Some(it) = self.item(code, mods, Decimal::ONE, d) else {
            return false;
        };
        let mut c = self.hospital_claim(m, fac, dx, &[d]);
        // Reason for the unscheduled visit (HI*APR), as the 837I asks of ED claims.
        c.health_codes.push(HealthCode {
            qualifier: "APR".into(),
            code: dx[0].clone(),
            ..HealthCode::default()
        });
        c.facility_code = "13".into();
        c.dates.push(DateRef {
            qualifier: "434".into(),
            format: "RD8".into(),
            value: format!("{}-{}", d8(d), d8(d)),
        });
        c.lines.push(ServiceLine {
            line_number: 1,
            revenue_code: Some("0450".into()),
            procedure: Some(Procedure {
                qualifier: "HC".into(),
                code: it.code.as_str().to_owned(),
                modifiers: vec![],
                description: None,
            }),
            charge: it.charge,
            unit_basis: "UN".into(),
            units: Some(Decimal::ONE),
            dates: vec![d8_ref("472", d)],
            ..ServiceLine::default()
        });
        c.total_charge = it.charge;
        self.push(ClaimKind::Institutional, c, &[EdgeCase::EmergencyVisit]);
        true
    }

    fn finish(mut self) -> ClaimMonth {
        let mut counts: HashMap<EdgeCase, HashSet<(bool, usize)>> = HashMap::new();
        for l in &self.out.labelled {
            counts
                .entry(l.case)
                .or_default()
                .insert((l.kind == ClaimKind::Institutional, l.index));
        }
        self.out.edge_cases = EdgeCase::ALL
            .iter()
            .map(|c| (c.label().to_owned(), counts.get(c).map_or(0, HashSet::len)))
            .collect();
        self.out
    }
}

/// CLM-07: of every 20 episodes needing authorization, one has none and one too few units.
fn auth_variant(episode: u32) -> EdgeCase {
    match episode % 20 {
        3 => EdgeCase::NoAuthorization,
        11 => EdgeCase::BeyondAuthorization,
        _ => EdgeCase::Authorized,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AuthNeed {
    None,
    Required,
    Threshold(u32),
    InitialEncounters,
}

fn person_or_org(e: &mut Entity, p: &Provider) {
    if p.kind == ProviderKind::Individual {
        e.entity_type = "1".into();
        let mut parts = p.name.splitn(2, ' ');
        let first = parts.next().unwrap_or_default();
        let last = parts.next().unwrap_or(first);
        e.name = upper(last);
        e.first_name = Some(upper(first));
    } else {
        e.entity_type = "2".into();
        e.name = upper(&p.name);
    }
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/// Generates a month of claims for the demo population and network under `plan`.
///
/// Deterministic: the same `data`, `plan` and `opts` give the same claims. Volume scales with
/// the population: about 16% of members have services (1–3 claims each, 1–4 lines each) and
/// about 0.4% are in a residential stay; the default demo (10,000 members) gives a few thousand
/// claims. Bad input (an empty network, a month with no dates, a plan without the codes used)
/// yields fewer claims, never a panic.
pub fn month(data: &DemoData, plan: &Plan, opts: &ClaimMonthOptions) -> ClaimMonth {
    let mut g = Gen::new(data, plan, opts);
    if !g.month.is_empty() && !g.provs.is_empty() {
        g.ordinary();
        g.edge_cases();
        g.quality_episodes();
    }
    g.finish()
}

/// The envelope of a file from the clearinghouse to the plan: ISA06/GS02 the clearinghouse,
/// ISA08/GS03 the payer ID, dated `date` at 06:00, with ISA13 and GS06 = `control`.
pub fn envelope(payer_id: &str, date: Date, control: u32) -> Envelope {
    let receiver: String = upper(payer_id).chars().take(15).collect();
    Envelope {
        sender_qualifier: "ZZ".into(),
        sender_id: CLEARINGHOUSE_ID.into(),
        receiver_qualifier: "ZZ".into(),
        receiver_id: receiver.clone(),
        gs_sender: CLEARINGHOUSE_ID.into(),
        gs_receiver: receiver,
        date,
        time: jiff::civil::time(6, 0, 0, 0),
        interchange_control: control % 1_000_000_000,
        group_control: control % 1_000_000_000,
        usage: 'P',
    }
}

/// Writes `claims` as one 837 interchange of `kind` to `path` (via [`accord_x12::w837`]).
pub fn write_837(claims: &[Claim], kind: ClaimKind, path: &Path, env: &Envelope) -> io::Result<()> {
    let file = BufWriter::new(File::create(path)?);
    let mut w = accord_x12::w837::Writer837::new(file, env.clone(), kind)?;
    for c in claims {
        w.claim(c)?;
    }
    let mut out = w.finish()?;
    out.flush()
}

/// Writes the month as `837P-YYYY-MM.x12` and `837I-YYYY-MM.x12` in `dir` (an empty kind is not
/// written), each its own interchange: ISA13 `isa_control_start`, then the next number.
/// Returns the paths written.
pub fn write_files(m: &ClaimMonth, dir: &Path, isa_control_start: u32) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let stamp = format!("{:04}-{:02}", m.first.year(), m.first.month());
    let mut out = Vec::new();
    let mut control = isa_control_start;
    for (kind, claims, name) in [
        (ClaimKind::Professional, &m.professional, "837P"),
        (ClaimKind::Institutional, &m.institutional, "837I"),
    ] {
        if claims.is_empty() {
            continue;
        }
        let path = dir.join(format!("{name}-{stamp}.x12"));
        write_837(
            claims,
            kind,
            &path,
            &envelope(&m.payer_id, m.received, control),
        )?;
        control = control.wrapping_add(1);
        out.push(path);
    }
    Ok(out)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The authorizations as CSV, one row per authorized service (rows sharing `auth_id` are one
/// authorization), header first: `auth_id,member_id,provider_npi,procedure,modifiers,
/// level_of_care,start_date,end_date,units_authorized`. Modifiers are space-separated; dates are
/// YYYY-MM-DD.
pub fn authorizations_csv(auths: &[Authorization]) -> String {
    let mut s = String::from(
        "auth_id,member_id,provider_npi,procedure,modifiers,level_of_care,start_date,end_date,units_authorized\n",
    );
    for a in auths {
        for (code, mods) in &a.services {
            let mods: Vec<&str> = mods.iter().map(|m| m.as_str()).collect();
            let row = [
                csv_field(&a.id),
                csv_field(a.member.as_str()),
                csv_field(a.provider.as_str()),
                csv_field(code.as_str()),
                csv_field(&mods.join(" ")),
                csv_field(&a.level_of_care),
                a.start.to_string(),
                a.end.to_string(),
                a.units_authorized.normalize().to_string(),
            ];
            s.push_str(&row.join(","));
            s.push('\n');
        }
    }
    s
}

/// Corrected (frequency 7) and void (8) claims for claims accepted at submission (CLM-10):
/// `accepted` pairs each claim with the tracking number it was given, which the new claim names
/// in REF*F8 (the payer claim control number of the original). About two thirds are
/// corrections: one line's units (or, for single-unit lines, its charge) changes and the totals
/// follow; the rest are voids that repeat the original. Deterministic for `seed`; `n` at most the
/// number of accepted claims.
pub fn corrections(accepted: &[(String, Claim)], seed: u64, n: usize) -> Vec<Claim> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x636f_7272_6563_7400);
    let candidates: Vec<&(String, Claim)> = accepted
        .iter()
        .filter(|(t, c)| !t.trim().is_empty() && c.frequency_code == "1" && !c.lines.is_empty())
        .collect();
    let picks: Vec<&&(String, Claim)> = candidates
        .choose_multiple(&mut rng, n.min(candidates.len()))
        .collect();
    let mut out = Vec::with_capacity(picks.len());
    for (k, (tracking, original)) in picks.into_iter().map(|p| (&p.0, &p.1)).enumerate() {
        let mut c = original.clone();
        c.refs.retain(|r| r.qualifier != "F8");
        c.refs.push(Ref {
            qualifier: "F8".into(),
            value: tracking.clone(),
        });
        if k % 3 == 2 {
            c.frequency_code = "8".into();
        } else {
            c.frequency_code = "7".into();
            let i = rng.gen_range(0..c.lines.len());
            if let Some(l) = c.lines.get_mut(i) {
                let units = l.units.unwrap_or(Decimal::ONE);
                if units > Decimal::ONE && l.unit_basis == "UN" {
                    let new_units = units - Decimal::ONE;
                    l.charge = (l.charge * new_units / units).round_dp(2);
                    l.units = Some(new_units);
                } else {
                    // A typo in the charge, corrected down by 10%.
                    l.charge = (l.charge * Decimal::new(90, 2)).round_dp(2);
                }
            }
            c.total_charge = c.lines.iter().map(|l| l.charge).sum();
        }
        out.push(c);
    }
    out
}
