//! Deterministic synthetic 837P/837I files with behavioral-health content,
//! for the demo, the benchmarks and property tests. Same seed, same bytes.
//!
//! NPIs are valid: nine digits plus a Luhn check digit computed over the
//! `80840` prefix, as the NPI standard prescribes.

use std::io::{self, Write};
use std::sync::Arc;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

use crate::model::*;
use crate::w837::Writer837;
use crate::write::Envelope;

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenOptions {
    pub claims: u64,
    pub seed: u64,
    pub kind: ClaimKind,
}

impl Default for GenOptions {
    fn default() -> Self {
        GenOptions {
            claims: 100,
            seed: 42,
            kind: ClaimKind::Professional,
        }
    }
}

/// Luhn check digit of a 9-digit NPI base, with the 80840 prefix.
pub fn npi_check_digit(base9: &str) -> u32 {
    let digits: Vec<u32> = format!("80840{base9}")
        .chars()
        .filter_map(|c| c.to_digit(10))
        .collect();
    let mut sum = 0;
    // Double every second digit from the right of the payload (the check digit is appended on the right).
    for (i, d) in digits.iter().rev().enumerate() {
        let mut v = *d;
        if i % 2 == 0 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    (10 - (sum % 10)) % 10
}

/// True when `npi` is 10 digits with a valid check digit.
pub fn npi_is_valid(npi: &str) -> bool {
    npi.len() == 10
        && npi.bytes().all(|b| b.is_ascii_digit())
        && npi_check_digit(&npi[..9]).to_string() == npi[9..]
}

fn npi(rng: &mut ChaCha8Rng) -> String {
    let base = format!(
        "{}{:08}",
        rng.gen_range(1..=2),
        rng.gen_range(0..100_000_000u32)
    );
    let c = npi_check_digit(&base);
    format!("{base}{c}")
}

const LAST: &[&str] = &[
    "SMITH",
    "JOHNSON",
    "WILLIAMS",
    "BROWN",
    "JONES",
    "GARCIA",
    "MILLER",
    "DAVIS",
    "RODRIGUEZ",
    "MARTINEZ",
    "NGUYEN",
    "LEE",
];
const FIRST: &[&str] = &[
    "ALEX", "JORDAN", "TAYLOR", "MORGAN", "CASEY", "RILEY", "JAMIE", "AVERY", "QUINN", "ROWAN",
    "SAM", "DREW",
];
const CITIES: &[(&str, &str, &str)] = &[
    ("SPRINGFIELD", "IL", "627011234"),
    ("COLUMBUS", "OH", "432151001"),
    ("PORTLAND", "OR", "972042020"),
    ("ALBANY", "NY", "122073333"),
    ("AUSTIN", "TX", "787014545"),
];
/// ICD-10-CM behavioral-health diagnoses (without the dot, as X12 carries them).
const DIAG: &[&str] = &[
    "F329", "F331", "F411", "F4310", "F200", "F251", "F1020", "F1120", "F909", "F6381", "F4322",
];
/// Professional behavioral-health procedures with typical charges.
const PROF: &[(&str, &str, u32)] = &[
    ("H0001", "", 150),
    ("H0004", "", 30),
    ("H0005", "", 45),
    ("H0015", "", 120),
    ("H0031", "", 90),
    ("H2011", "", 40),
    ("H2015", "", 25),
    ("H2017", "", 22),
    ("T1016", "", 20),
    ("90791", "", 220),
    ("90832", "", 80),
    ("90834", "", 120),
    ("90837", "", 160),
    ("90853", "", 45),
    ("99213", "", 110),
    ("99214", "", 160),
];

fn pick<'a, T>(rng: &mut ChaCha8Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.gen_range(0..xs.len())]
}

fn date_in_2025(rng: &mut ChaCha8Rng) -> jiff::civil::Date {
    let start = jiff::civil::date(2025, 1, 1);
    start
        .checked_add(jiff::Span::new().days(rng.gen_range(0..330)))
        .unwrap_or(start)
}

fn d8(d: jiff::civil::Date) -> String {
    crate::write::ccyymmdd(d)
}

fn address(rng: &mut ChaCha8Rng) -> Address {
    let (city, st, zip) = *pick(rng, CITIES);
    Address {
        line1: format!(
            "{} {} ST",
            rng.gen_range(1..9999),
            pick(rng, &["MAIN", "OAK", "ELM", "PINE", "LAKE"])
        ),
        line2: None,
        city: city.into(),
        state: Some(st.into()),
        postal_code: Some(zip.into()),
        country: None,
    }
}

fn person(rng: &mut ChaCha8Rng, code: &str, id_q: &str, id: String) -> Entity {
    Entity {
        entity_code: code.into(),
        entity_type: "1".into(),
        name: pick(rng, LAST).to_string(),
        first_name: Some(pick(rng, FIRST).to_string()),
        id_qualifier: Some(id_q.into()),
        id: Some(id),
        ..Entity::default()
    }
}

/// A claim generator: call [`ClaimGen::next_claim`] repeatedly.
pub struct ClaimGen {
    rng: ChaCha8Rng,
    kind: ClaimKind,
    n: u64,
    billing: Arc<BillingProvider>,
    submitter: Arc<Entity>,
    receiver: Arc<Entity>,
}

impl ClaimGen {
    pub fn new(seed: u64, kind: ClaimKind) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let submitter = Entity {
            entity_code: "41".into(),
            entity_type: "2".into(),
            name: "ACCORD TEST SUBMITTER".into(),
            id_qualifier: Some("46".into()),
            id: Some("SUB0001".into()),
            contacts: vec![Contact {
                function: "IC".into(),
                name: Some("EDI DESK".into()),
                numbers: vec![("TE".into(), "5555550100".into())],
            }],
            ..Entity::default()
        };
        let receiver = Entity {
            entity_code: "40".into(),
            entity_type: "2".into(),
            name: "ACCORD HEALTH PLAN".into(),
            id_qualifier: Some("46".into()),
            id: Some("ACCORD01".into()),
            ..Entity::default()
        };
        let billing = Arc::new(Self::billing(&mut rng, kind));
        ClaimGen {
            rng,
            kind,
            n: 0,
            billing,
            submitter: Arc::new(submitter),
            receiver: Arc::new(receiver),
        }
    }

    fn billing(rng: &mut ChaCha8Rng, kind: ClaimKind) -> BillingProvider {
        let name = format!(
            "{} {}",
            pick(
                rng,
                &["RIVERSIDE", "HOPE", "NEW PATH", "BRIDGEWAY", "CEDAR"]
            ),
            match kind {
                ClaimKind::Professional => "BEHAVIORAL HEALTH",
                ClaimKind::Institutional => "RESIDENTIAL TREATMENT CENTER",
            }
        );
        BillingProvider {
            provider: Entity {
                entity_code: "85".into(),
                entity_type: "2".into(),
                name,
                id_qualifier: Some("XX".into()),
                id: Some(npi(rng)),
                address: Some(address(rng)),
                refs: vec![Ref {
                    qualifier: "EI".into(),
                    value: format!("{:09}", rng.gen_range(100_000_000..999_999_999u32)),
                }],
                ..Entity::default()
            },
            taxonomy: Some((
                "BI".into(),
                match kind {
                    ClaimKind::Professional => "261QM0801X".into(),
                    ClaimKind::Institutional => "324500000X".into(),
                },
            )),
            ..BillingProvider::default()
        }
    }

    /// The next claim.
    pub fn next_claim(&mut self) -> Claim {
        self.n += 1;
        // A new billing provider every 25 claims or so.
        if self.n > 1 && self.rng.gen_ratio(1, 25) {
            self.billing = Arc::new(Self::billing(&mut self.rng, self.kind));
        }
        let rng = &mut self.rng;
        let member = format!("M{:09}", rng.gen_range(0..1_000_000_000u32));
        let mut sub = person(rng, "IL", "MI", member);
        sub.address = Some(address(rng));
        sub.birth_date = Some(d8(jiff::civil::date(
            rng.gen_range(1950..2012),
            rng.gen_range(1..=12),
            rng.gen_range(1..=28),
        )));
        sub.gender = Some(pick(rng, &["F", "M"]).to_string());
        let subscriber = Subscriber {
            responsibility: "P".into(),
            relationship: Some("18".into()),
            group_number: Some(format!("GRP{:04}", rng.gen_range(1..500))),
            claim_filing: Some("MC".into()),
            person: sub,
            payer: Entity {
                entity_code: "PR".into(),
                entity_type: "2".into(),
                name: "ACCORD HEALTH PLAN".into(),
                id_qualifier: Some("PI".into()),
                id: Some("ACCORD01".into()),
                ..Entity::default()
            },
            ..Subscriber::default()
        };
        let freq = match rng.gen_range(0..100) {
            0..=91 => "1",
            92..=96 => "7",
            _ => "8",
        };
        let mut refs = vec![];
        if freq != "1" {
            refs.push(Ref {
                qualifier: "F8".into(),
                value: format!("PCN{:010}", rng.gen_range(0..10_000_000_000u64)),
            });
        }
        if rng.gen_ratio(1, 3) {
            refs.push(Ref {
                qualifier: "G1".into(),
                value: format!("PA{:08}", rng.gen_range(0..100_000_000u32)),
            });
        }
        let start = date_in_2025(rng);
        let mut health_codes = vec![HealthCode {
            qualifier: "ABK".into(),
            code: pick(rng, DIAG).to_string(),
            ..HealthCode::default()
        }];
        for _ in 0..rng.gen_range(0..3) {
            health_codes.push(HealthCode {
                qualifier: "ABF".into(),
                code: pick(rng, DIAG).to_string(),
                ..HealthCode::default()
            });
        }
        let claim_id = format!("C{:012}", self.n);
        let mut claim = Claim {
            kind: self.kind,
            submitter: self.submitter.clone(),
            receiver: self.receiver.clone(),
            billing: self.billing.clone(),
            subscriber: Arc::new(subscriber),
            claim_id,
            provider_signature: Some("Y".into()),
            assignment: Some("A".into()),
            benefits_assigned: Some("Y".into()),
            release_of_information: Some("Y".into()),
            frequency_code: freq.into(),
            refs,
            health_codes,
            ..Claim::default()
        };
        match self.kind {
            ClaimKind::Professional => {
                claim.facility_code = pick(rng, &["11", "02", "53", "57"]).to_string();
                claim.facility_qualifier = "B".into();
                let n_lines = rng.gen_range(1..=4);
                let mut day = start;
                for i in 0..n_lines {
                    let (code, _, price) = *pick(rng, PROF);
                    let units = if code.starts_with('H') || code == "T1016" {
                        Decimal::from(rng.gen_range(1..=8))
                    } else {
                        Decimal::ONE
                    };
                    let mut lines = vec![(code, units, price)];
                    // E/M with psychotherapy add-on.
                    if (code == "99213" || code == "99214") && rng.gen_bool(0.5) {
                        lines.push((*pick(rng, &["90833", "90836"]), Decimal::ONE, 90));
                    }
                    for (code, units, price) in lines {
                        let charge =
                            Decimal::from(price) * units + Decimal::new(rng.gen_range(0..100), 2);
                        let n = claim.lines.len() as u32 + 1;
                        claim.lines.push(ServiceLine {
                            line_number: n,
                            procedure: Some(Procedure {
                                qualifier: "HC".into(),
                                code: code.into(),
                                modifiers: if rng.gen_ratio(1, 5) {
                                    vec!["HO".into()]
                                } else {
                                    vec![]
                                },
                                description: None,
                            }),
                            charge,
                            unit_basis: "UN".into(),
                            units: Some(units),
                            diagnosis_pointers: vec!["1".into()],
                            dates: vec![DateRef {
                                qualifier: "472".into(),
                                format: "D8".into(),
                                value: d8(day),
                            }],
                            ..ServiceLine::default()
                        });
                    }
                    if i % 2 == 1 {
                        day = day.checked_add(jiff::Span::new().days(7)).unwrap_or(day);
                    }
                }
                if rng.gen_ratio(1, 2) {
                    let mut r = person(rng, "82", "XX", String::new());
                    r.id = Some(npi(rng));
                    r.taxonomy = Some(("PE".into(), "101YM0800X".into()));
                    claim.providers.push(r);
                }
            }
            ClaimKind::Institutional => {
                // CLM06 is not used in the 837I.
                claim.provider_signature = None;
                claim.facility_code = "86".into();
                claim.facility_qualifier = "A".into();
                let days = rng.gen_range(3..30);
                let end = start
                    .checked_add(jiff::Span::new().days(days))
                    .unwrap_or(start);
                claim.dates.push(DateRef {
                    qualifier: "434".into(),
                    format: "RD8".into(),
                    value: format!("{}-{}", d8(start), d8(end)),
                });
                claim.admission_type = Some("3".into());
                claim.admission_source = Some("1".into());
                claim.patient_status = Some("01".into());
                let (rev, code, price) =
                    *pick(rng, &[("0944", "H0047", 310u32), ("0945", "H2036", 280u32)]);
                let units = Decimal::from(days);
                claim.lines.push(ServiceLine {
                    line_number: 1,
                    revenue_code: Some(rev.into()),
                    procedure: Some(Procedure {
                        qualifier: "HC".into(),
                        code: code.into(),
                        ..Procedure::default()
                    }),
                    charge: Decimal::from(price) * units,
                    unit_basis: "DA".into(),
                    units: Some(units),
                    dates: vec![DateRef {
                        qualifier: "472".into(),
                        format: "RD8".into(),
                        value: format!("{}-{}", d8(start), d8(end)),
                    }],
                    ..ServiceLine::default()
                });
                let mut a = person(rng, "71", "XX", String::new());
                a.id = Some(npi(rng));
                claim.providers.push(a);
            }
        }
        claim.total_charge = claim.lines.iter().map(|l| l.charge).sum();
        claim
    }
}

/// The first `n` claims of the generator for `seed`.
pub fn claims(seed: u64, n: u64, kind: ClaimKind) -> Vec<Claim> {
    let mut g = ClaimGen::new(seed, kind);
    (0..n).map(|_| g.next_claim()).collect()
}

/// Streams a generated 837 to `out`; returns the bytes written.
pub fn write_837<W: Write>(out: W, opts: &GenOptions) -> io::Result<u64> {
    let counter = Counting { inner: out, n: 0 };
    let env = Envelope {
        interchange_control: (opts.seed % 1_000_000_000) as u32,
        ..Envelope::example()
    };
    let mut w = Writer837::new(counter, env, opts.kind)?;
    let mut g = ClaimGen::new(opts.seed, opts.kind);
    for _ in 0..opts.claims {
        w.claim(&g.next_claim())?;
    }
    let c = w.finish()?;
    Ok(c.n)
}

struct Counting<W> {
    inner: W,
    n: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let k = self.inner.write(buf)?;
        self.n += k as u64;
        Ok(k)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npi_luhn() {
        // Example from the NPI check-digit specification.
        assert_eq!(npi_check_digit("123456789"), 3);
        assert!(npi_is_valid("1234567893"));
    }
}
