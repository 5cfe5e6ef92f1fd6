//! QM-01 measures over service records, one member at a time: FUH, FUM, FUA (7 and 30 days), IET
//! (initiation and engagement) and PCR (30-day readmissions). The definitions follow the public
//! HEDIS technical specifications in outline (docs/quality.md says where Accord simplifies);
//! the codes come from [`ValueSets`].

use accord_core::Date;
use jiff::ToSpan;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::value_sets::{CodeSystem, ValueSet, ValueSets};

/// One service (a claim line, or an institutional stay) as the measures see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceRecord {
    /// Index of the member in the member list.
    pub member: u32,
    /// Date of service, or admission date for a stay.
    pub from: Date,
    /// Last date, or discharge date for a stay.
    pub through: Date,
    /// HCPCS/CPT code.
    pub procedure: Option<String>,
    /// Place of service.
    pub pos: Option<String>,
    /// Bill type, first three digits.
    pub bill_type: Option<String>,
    /// Revenue code.
    pub revenue: Option<String>,
    /// Diagnoses without dots, principal first.
    pub diagnoses: Vec<String>,
}

/// A member as the measures see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberInfo {
    /// Member ID.
    pub id: String,
    /// Date of birth.
    pub birth_date: Date,
}

const INPATIENT: u8 = 1;
const ED: u8 = 2;
const MH_PRINCIPAL: u8 = 4;
const AOD_PRINCIPAL: u8 = 8;
const MH_FOLLOW_UP: u8 = 16;
const AOD_TREATMENT: u8 = 32;
const AOD_ANY: u8 = 64;

/// A record reduced to what the measures ask of it.
#[derive(Debug, Clone, Copy)]
struct Classified {
    from: Date,
    through: Date,
    flags: u8,
}

/// The codes of one service, borrowed: what [`classify_codes`] reads. A reader that holds the
/// codes as text (the database's page of paid claims) classifies without copying them.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServiceCodes<'a> {
    /// HCPCS/CPT code.
    pub procedure: Option<&'a str>,
    /// Place of service.
    pub pos: Option<&'a str>,
    /// Bill type, first three digits.
    pub bill_type: Option<&'a str>,
    /// Revenue code.
    pub revenue: Option<&'a str>,
}

/// A service reduced to what the measures ask of it: the member, its dates and what the value
/// sets say it is. 16 bytes and no text, so ten million fit in 160 MB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassifiedRecord {
    /// Index of the member in the member list.
    pub member: u32,
    /// Date of service, or admission date for a stay.
    pub from: Date,
    /// Last date, or discharge date for a stay.
    pub through: Date,
    /// What the value sets make of its codes (opaque; from [`classify_codes`]).
    pub flags: u8,
}

impl ClassifiedRecord {
    /// QM-01: `r` classified by the value sets.
    pub fn of(r: &ServiceRecord, vs: &ValueSets) -> ClassifiedRecord {
        ClassifiedRecord {
            member: r.member,
            from: r.from,
            through: r.through,
            flags: classify(r, vs),
        }
    }
}

fn classify(r: &ServiceRecord, vs: &ValueSets) -> u8 {
    classify_codes(&codes_of(r), &r.diagnoses, vs)
}

fn codes_of(r: &ServiceRecord) -> ServiceCodes<'_> {
    ServiceCodes {
        procedure: r.procedure.as_deref(),
        pos: r.pos.as_deref(),
        bill_type: r.bill_type.as_deref(),
        revenue: r.revenue.as_deref(),
    }
}

/// QM-01: what the value sets make of one service's codes and its diagnoses (principal first,
/// without dots): the flags a [`ClassifiedRecord`] carries.
pub fn classify_codes<S: AsRef<str>>(c: &ServiceCodes<'_>, diagnoses: &[S], vs: &ValueSets) -> u8 {
    flags(|system, code| memberships(vs, system, code), c, diagnoses)
}

/// The one statement of what makes a service a stay, an ED visit, a follow-up or an AOD service,
/// given the value sets each code is in (`member_of`, one bit per [`ValueSet`]).
fn flags<S: AsRef<str>>(
    mut member_of: impl FnMut(CodeSystem, &str) -> u8,
    c: &ServiceCodes<'_>,
    diagnoses: &[S],
) -> u8 {
    let mut of = |system: CodeSystem, code: Option<&str>| code.map_or(0, |c| member_of(system, c));
    let bill = of(CodeSystem::BillType, c.bill_type);
    let revenue = of(CodeSystem::Revenue, c.revenue);
    let pos = of(CodeSystem::Pos, c.pos);
    let procedure = of(CodeSystem::CptHcpcs, c.procedure);
    let mut f = 0;
    if (bill | revenue | pos) & IN_ACUTE_INPATIENT != 0 {
        f |= INPATIENT;
    }
    if f & INPATIENT == 0 && (procedure | pos | revenue) & IN_ED_VISIT != 0 {
        f |= ED;
    }
    if let Some(p) = diagnoses.first() {
        let m = of(CodeSystem::Icd10, Some(p.as_ref()));
        if m & IN_MENTAL_ILLNESS != 0 {
            f |= MH_PRINCIPAL;
        }
        if m & IN_AOD_DEPENDENCE != 0 {
            f |= AOD_PRINCIPAL;
        }
    }
    if diagnoses
        .iter()
        .any(|d| of(CodeSystem::Icd10, Some(d.as_ref())) & IN_AOD_DEPENDENCE != 0)
    {
        f |= AOD_ANY;
    }
    if f & (INPATIENT | ED) == 0 {
        if procedure & IN_MH_FOLLOW_UP != 0 {
            f |= MH_FOLLOW_UP;
        }
        if procedure & IN_AOD_TREATMENT != 0 {
            f |= AOD_TREATMENT;
        }
    }
    f
}

/// [`classify_codes`] with a memory: what the value sets make of each code is asked once per
/// distinct code, not once per service. Ten million services carry a few thousand distinct codes,
/// so a reader classifying as it reads spends its time reading. Codes of up to eight bytes (every
/// CPT, HCPCS, ICD-10, place of service, bill type and revenue code) are remembered; a longer
/// text is looked up every time. Same flags as [`classify_codes`], always.
#[derive(Debug)]
pub struct Classifier<'v> {
    vs: &'v ValueSets,
    /// Per code system, a code's bytes → its value-set memberships ([`memberships`]).
    seen: [std::collections::HashMap<u64, u8, BuildPacked>; 5],
}

impl<'v> Classifier<'v> {
    /// A classifier over `vs`, remembering nothing yet.
    pub fn new(vs: &'v ValueSets) -> Self {
        Classifier {
            vs,
            seen: Default::default(),
        }
    }

    /// The flags [`classify_codes`] gives for these codes and diagnoses.
    pub fn classify<S: AsRef<str>>(&mut self, c: &ServiceCodes<'_>, diagnoses: &[S]) -> u8 {
        flags(|system, code| self.memberships(system, code), c, diagnoses)
    }

    /// `r` classified ([`ClassifiedRecord::of`], remembering its codes).
    pub fn record(&mut self, r: &ServiceRecord) -> ClassifiedRecord {
        ClassifiedRecord {
            member: r.member,
            from: r.from,
            through: r.through,
            flags: self.classify(&codes_of(r), &r.diagnoses),
        }
    }

    fn memberships(&mut self, system: CodeSystem, code: &str) -> u8 {
        let Some(key) = packed(code) else {
            return memberships(self.vs, system, code);
        };
        let vs = self.vs;
        *self.seen[system as usize]
            .entry(key)
            .or_insert_with(|| memberships(vs, system, code))
    }
}

const IN_MENTAL_ILLNESS: u8 = 1 << ValueSet::MentalIllness as u8;
const IN_AOD_DEPENDENCE: u8 = 1 << ValueSet::AodDependence as u8;
const IN_ACUTE_INPATIENT: u8 = 1 << ValueSet::AcuteInpatient as u8;
const IN_ED_VISIT: u8 = 1 << ValueSet::EdVisit as u8;
const IN_MH_FOLLOW_UP: u8 = 1 << ValueSet::MentalHealthFollowUp as u8;
const IN_AOD_TREATMENT: u8 = 1 << ValueSet::AodTreatment as u8;

/// The value sets `code` (of `system`) is in, one bit per [`ValueSet`].
fn memberships(vs: &ValueSets, system: CodeSystem, code: &str) -> u8 {
    ValueSet::ALL
        .into_iter()
        .filter(|set| vs.contains(*set, system, code))
        .fold(0, |m, set| m | 1 << set as u8)
}

/// A code of up to eight bytes as one number (its length in the top byte would be redundant: no
/// code holds a NUL byte, so the zero padding cannot collide with a shorter code).
fn packed(code: &str) -> Option<u64> {
    let b = code.as_bytes();
    if b.len() > 8 || b.contains(&0) {
        return None;
    }
    let mut buf = [0u8; 8];
    buf[..b.len()].copy_from_slice(b);
    Some(u64::from_le_bytes(buf))
}

/// Hashes a packed code with one multiplication (the keys are few and not chosen by an
/// attacker: they are the codes of the plan's own paid claims).
#[derive(Debug, Clone, Copy, Default)]
struct BuildPacked;

impl std::hash::BuildHasher for BuildPacked {
    type Hasher = PackedHasher;
    fn build_hasher(&self) -> PackedHasher {
        PackedHasher(0)
    }
}

#[derive(Debug, Clone, Copy)]
struct PackedHasher(u64);

impl std::hash::Hasher for PackedHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 =
                (self.0.rotate_left(5) ^ u64::from(*b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u64(&mut self, n: u64) {
        let n = (n ^ (n >> 33)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 = n ^ (n >> 29);
    }
}

/// The measurement period and the choices a plan may set.
#[derive(Debug, Clone, Copy)]
pub struct Period {
    /// First day.
    pub start: Date,
    /// Last day.
    pub end: Date,
}

/// One rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rate {
    /// e.g. `FUH-7`.
    pub measure: &'static str,
    /// What it counts, in words.
    pub description: &'static str,
    /// Events in the denominator.
    pub denominator: u64,
    /// Events meeting the numerator.
    pub numerator: u64,
    /// Percent, two places (PCR: lower is better).
    pub rate: Decimal,
    /// The member-level list behind the rate: (member ID, event date, met).
    pub members: Vec<(String, Date, bool)>,
}

/// Every rate for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QualityReport {
    /// First day of the period.
    pub start: Date,
    /// Last day.
    pub end: Date,
    /// The rates, in a fixed order.
    pub rates: Vec<Rate>,
}

fn age_on(birth: Date, d: Date) -> i32 {
    let mut a = i32::from(d.year()) - i32::from(birth.year());
    if (d.month(), d.day()) < (birth.month(), birth.day()) {
        a -= 1;
    }
    a
}

fn plus(d: Date, n: i64) -> Date {
    d.checked_add(n.days()).unwrap_or(d)
}

/// Inpatient stays with transfers merged: a stay admitted on or the day after another's discharge
/// is the same stay (HEDIS: direct transfers), ending at the later discharge. Returns
/// (admission, discharge, principal diagnosis flags of the *last* stay).
fn stays(recs: &[Classified]) -> Vec<(Date, Date, u8)> {
    let mut v: Vec<(Date, Date, u8)> = recs
        .iter()
        .filter(|r| r.flags & INPATIENT != 0)
        .map(|r| (r.from, r.through, r.flags))
        .collect();
    v.sort_by_key(|s| (s.0, s.1));
    let mut out: Vec<(Date, Date, u8)> = Vec::new();
    for s in v {
        match out.last_mut() {
            Some(last) if s.0 <= plus(last.1, 1) => {
                if s.1 >= last.1 {
                    last.1 = s.1;
                    last.2 = s.2;
                }
            }
            _ => out.push(s),
        }
    }
    out
}

#[derive(Default)]
struct Acc {
    den: u64,
    num: u64,
    members: Vec<(String, Date, bool)>,
}

impl Acc {
    fn add(&mut self, id: &str, d: Date, met: bool) {
        self.den += 1;
        self.num += u64::from(met);
        self.members.push((id.to_owned(), d, met));
    }

    fn rate(self, measure: &'static str, description: &'static str) -> Rate {
        let rate = if self.den == 0 {
            Decimal::ZERO
        } else {
            (Decimal::from(self.num) * Decimal::ONE_HUNDRED / Decimal::from(self.den)).round_dp(2)
        };
        Rate {
            measure,
            description,
            denominator: self.den,
            numerator: self.num,
            rate,
            members: self.members,
        }
    }
}

#[derive(Default)]
struct All {
    fuh7: Acc,
    fuh30: Acc,
    fum7: Acc,
    fum30: Acc,
    fua7: Acc,
    fua30: Acc,
    iet_init: Acc,
    iet_eng: Acc,
    pcr: Acc,
}

fn any_in(recs: &[Classified], flag: u8, from: Date, to: Date, skip: Option<usize>) -> bool {
    recs.iter()
        .enumerate()
        .any(|(i, r)| Some(i) != skip && r.flags & flag != 0 && r.from >= from && r.from <= to)
}

/// ED visits to count: with the diagnosis flag, in the window, not followed by an admission
/// (the same or the next day), only the first in any 31 days.
fn ed_events(
    recs: &[Classified],
    dx: u8,
    start: Date,
    last: Date,
    stays: &[(Date, Date, u8)],
) -> Vec<(usize, Date)> {
    let mut out: Vec<(usize, Date)> = Vec::new();
    for (i, r) in recs.iter().enumerate() {
        if r.flags & ED == 0 || r.flags & dx == 0 || r.from < start || r.from > last {
            continue;
        }
        if stays
            .iter()
            .any(|s| s.0 >= r.from && s.0 <= plus(r.from, 1))
        {
            continue; // admitted: counted as a stay, not an ED visit
        }
        if out.last().is_some_and(|(_, d)| r.from <= plus(*d, 30)) {
            continue;
        }
        out.push((i, r.from));
    }
    out
}

fn member_measures(id: &str, birth: Date, recs: &[Classified], p: Period, all: &mut All) {
    let stays = stays(recs);
    let last_event = plus(p.end, -30);
    // FUH: mental-illness stays discharged in the window, age 6+, no readmission within 30 days.
    for (i, s) in stays.iter().enumerate() {
        if s.2 & MH_PRINCIPAL == 0 || s.1 < p.start || s.1 > last_event || age_on(birth, s.1) < 6 {
            continue;
        }
        let readmitted = stays.get(i + 1).is_some_and(|n| n.0 <= plus(s.1, 30));
        if readmitted {
            continue;
        }
        let d = s.1;
        all.fuh7.add(
            id,
            d,
            any_in(recs, MH_FOLLOW_UP, plus(d, 1), plus(d, 7), None),
        );
        all.fuh30.add(
            id,
            d,
            any_in(recs, MH_FOLLOW_UP, plus(d, 1), plus(d, 30), None),
        );
    }
    // PCR: acute stays discharged in the window, age 18+; readmission within 30 days.
    for (i, s) in stays.iter().enumerate() {
        if s.1 < p.start || s.1 > last_event || age_on(birth, s.1) < 18 {
            continue;
        }
        let readmitted = stays
            .get(i + 1)
            .is_some_and(|n| n.0 > s.1 && n.0 <= plus(s.1, 30));
        all.pcr.add(id, s.1, readmitted);
    }
    // FUM: mental-illness ED visits, age 6+.
    for (i, d) in ed_events(recs, MH_PRINCIPAL, p.start, last_event, &stays) {
        if age_on(birth, d) < 6 {
            continue;
        }
        all.fum7
            .add(id, d, any_in(recs, MH_FOLLOW_UP, d, plus(d, 7), Some(i)));
        all.fum30
            .add(id, d, any_in(recs, MH_FOLLOW_UP, d, plus(d, 30), Some(i)));
    }
    // FUA: AOD ED visits, age 13+; follow-up is AOD treatment or any visit with an AOD diagnosis.
    for (i, d) in ed_events(recs, AOD_PRINCIPAL, p.start, last_event, &stays) {
        if age_on(birth, d) < 13 {
            continue;
        }
        let fu = |to| {
            recs.iter().enumerate().any(|(j, r)| {
                j != i
                    && r.flags & ED == 0
                    && r.flags & (AOD_TREATMENT | AOD_ANY) != 0
                    && r.from >= d
                    && r.from <= to
            })
        };
        all.fua7.add(id, d, fu(plus(d, 7)));
        all.fua30.add(id, d, fu(plus(d, 30)));
    }
    // IET: the first new AOD episode (no AOD diagnosis in the 60 days before), age 13+.
    let last_iet = plus(p.end, -47);
    if let Some((k, idx)) = recs.iter().enumerate().find(|(_, r)| {
        r.flags & AOD_ANY != 0
            && r.from >= p.start
            && r.from <= last_iet
            && !recs
                .iter()
                .any(|q| q.flags & AOD_ANY != 0 && q.from < r.from && q.from >= plus(r.from, -60))
    }) && age_on(birth, idx.from) >= 13
    {
        let index = idx.from;
        let initiation = if idx.flags & (INPATIENT | AOD_TREATMENT) != 0 {
            Some(index)
        } else {
            recs.iter()
                .enumerate()
                .filter(|(j, r)| {
                    *j != k
                        && r.flags & (AOD_TREATMENT | INPATIENT) != 0
                        && r.from >= index
                        && r.from <= plus(index, 13)
                })
                .map(|(_, r)| r.from)
                .min()
        };
        all.iet_init.add(id, index, initiation.is_some());
        let engaged = initiation.is_some_and(|init| {
            let mut days: Vec<Date> = recs
                .iter()
                .filter(|r| {
                    r.flags & AOD_TREATMENT != 0 && r.from > init && r.from <= plus(init, 34)
                })
                .map(|r| r.from)
                .collect();
            days.sort();
            days.dedup();
            days.len() >= 2
        });
        all.iet_eng.add(id, index, engaged);
    }
}

/// QM-01: every measure for `period`. `records` must be grouped by member (any order within);
/// `members[i]` is the member with index `i`.
pub fn measure(
    members: &[MemberInfo],
    records: &[ServiceRecord],
    vs: &ValueSets,
    period: Period,
) -> QualityReport {
    let classified: Vec<ClassifiedRecord> = records
        .iter()
        .map(|r| ClassifiedRecord::of(r, vs))
        .collect();
    measure_classified(members, &classified, period)
}

/// QM-01: [`measure`] over records already classified ([`ClassifiedRecord::of`] or
/// [`classify_codes`]), grouped by member (each member's records consecutive, in any order
/// within the member). The same rates as [`measure`] over the records they came from.
pub fn measure_classified(
    members: &[MemberInfo],
    records: &[ClassifiedRecord],
    period: Period,
) -> QualityReport {
    let mut all = All::default();
    let mut buf: Vec<Classified> = Vec::new();
    let mut i = 0;
    while i < records.len() {
        let m = records[i].member;
        buf.clear();
        while i < records.len() && records[i].member == m {
            let r = &records[i];
            buf.push(Classified {
                from: r.from,
                through: r.through,
                flags: r.flags,
            });
            i += 1;
        }
        if buf
            .iter()
            .all(|c| c.flags & (INPATIENT | ED | AOD_ANY) == 0)
        {
            continue; // nothing that opens a denominator
        }
        buf.sort_by_key(|c| (c.from, c.through));
        if let Some(info) = members.get(m as usize) {
            member_measures(&info.id, info.birth_date, &buf, period, &mut all);
        }
    }
    QualityReport {
        start: period.start,
        end: period.end,
        rates: vec![
            all.fuh7.rate(
                "FUH-7",
                "follow-up within 7 days after a mental-illness hospitalization (age 6+)",
            ),
            all.fuh30.rate(
                "FUH-30",
                "follow-up within 30 days after a mental-illness hospitalization (age 6+)",
            ),
            all.fum7.rate(
                "FUM-7",
                "follow-up within 7 days after an ED visit for mental illness (age 6+)",
            ),
            all.fum30.rate(
                "FUM-30",
                "follow-up within 30 days after an ED visit for mental illness (age 6+)",
            ),
            all.fua7.rate(
                "FUA-7",
                "follow-up within 7 days after an ED visit for AOD dependence (age 13+)",
            ),
            all.fua30.rate(
                "FUA-30",
                "follow-up within 30 days after an ED visit for AOD dependence (age 13+)",
            ),
            all.iet_init.rate(
                "IET-initiation",
                "AOD treatment initiated within 14 days of a new episode (age 13+)",
            ),
            all.iet_eng.rate(
                "IET-engagement",
                "two more AOD services within 34 days after initiation (age 13+)",
            ),
            all.pcr.rate(
                "PCR-30",
                "acute readmission within 30 days of discharge (age 18+; lower is better)",
            ),
        ],
    }
}

/// QM-03's denominator from claims: acute inpatient stays (transfers merged) whose last stay has a
/// principal mental-illness or AOD diagnosis, as (member index, discharge date), by member then
/// date.
pub fn behavioral_discharges(records: &[ServiceRecord], vs: &ValueSets) -> Vec<(u32, Date)> {
    let classified: Vec<ClassifiedRecord> = records
        .iter()
        .map(|r| ClassifiedRecord::of(r, vs))
        .collect();
    behavioral_discharges_classified(&classified)
}

/// [`behavioral_discharges`] over records already classified.
pub fn behavioral_discharges_classified(records: &[ClassifiedRecord]) -> Vec<(u32, Date)> {
    let mut by_member: std::collections::BTreeMap<u32, Vec<Classified>> = Default::default();
    for r in records {
        if r.flags & INPATIENT != 0 {
            by_member.entry(r.member).or_default().push(Classified {
                from: r.from,
                through: r.through,
                flags: r.flags,
            });
        }
    }
    by_member
        .into_iter()
        .flat_map(|(m, recs)| {
            stays(&recs)
                .into_iter()
                .filter(|s| s.2 & (MH_PRINCIPAL | AOD_PRINCIPAL) != 0)
                .map(move |s| (m, s.1))
        })
        .collect()
}
