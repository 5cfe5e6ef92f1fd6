//! Synthetic member histories for `accord bench quality`: `members` members and about `lines`
//! service records over one year, with inpatient mental-health stays, ED visits for mental illness
//! and for AOD, new AOD episodes and follow-up visits mixed in at realistic shares. Deterministic
//! for a seed. The generator reads no clock; the caller times [`crate::measure`].

use accord_core::Date;
use jiff::ToSpan;

use crate::measures::{MemberInfo, ServiceRecord};

/// A small deterministic generator (SplitMix64), enough for synthetic data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn rec(
    member: u32,
    from: Date,
    through: Date,
    procedure: &str,
    pos: &str,
    dx: &str,
) -> ServiceRecord {
    let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    ServiceRecord {
        member,
        from,
        through,
        procedure: some(procedure),
        pos: some(pos),
        bill_type: None,
        revenue: None,
        diagnoses: vec![dx.to_owned()],
    }
}

/// Members and their records, grouped by member.
pub fn histories(
    members: usize,
    lines: usize,
    seed: u64,
    year: i16,
) -> (Vec<MemberInfo>, Vec<ServiceRecord>) {
    let mut rng = Rng(seed);
    let start = Date::new(year, 1, 1).unwrap_or(Date::MIN);
    let per = (lines / members.max(1)).max(1) as u64;
    let mut ms = Vec::with_capacity(members);
    let mut rs = Vec::with_capacity(lines + lines / 10);
    let outpatient = [
        "90837", "90834", "H0004", "H2015", "T1016", "99213", "H0031",
    ];
    let mh = ["F321", "F331", "F411", "F431", "F200", "F250"];
    let aod = ["F1020", "F1120", "F1520"];
    for m in 0..members as u32 {
        let birth = start
            .checked_sub(((5 + rng.below(70)) as i64).years())
            .unwrap_or(start);
        ms.push(MemberInfo {
            id: format!("Q{m:09}"),
            birth_date: birth,
        });
        let day = |rng: &mut Rng| {
            start
                .checked_add((rng.below(365) as i64).days())
                .unwrap_or(start)
        };
        let n = per.saturating_sub(1) + rng.below(3);
        for _ in 0..n {
            let d = day(&mut rng);
            let dx = if rng.below(10) == 0 {
                aod[rng.below(3) as usize]
            } else {
                mh[rng.below(6) as usize]
            };
            rs.push(rec(m, d, d, outpatient[rng.below(7) as usize], "11", dx));
        }
        match rng.below(100) {
            0..=2 => {
                // An inpatient mental-health stay, and (often) a follow-up.
                let a = day(&mut rng);
                let dc = a
                    .checked_add(((2 + rng.below(10)) as i64).days())
                    .unwrap_or(a);
                rs.push(rec(m, a, dc, "", "21", mh[rng.below(6) as usize]));
                if rng.below(2) == 0 {
                    let f = dc
                        .checked_add(((1 + rng.below(20)) as i64).days())
                        .unwrap_or(dc);
                    rs.push(rec(m, f, f, "90837", "11", mh[0]));
                }
            }
            3..=6 => {
                let e = day(&mut rng);
                let dx = if rng.below(3) == 0 { aod[0] } else { mh[1] };
                rs.push(rec(m, e, e, "99284", "23", dx));
                if rng.below(2) == 0 {
                    let f = e.checked_add((rng.below(15) as i64).days()).unwrap_or(e);
                    rs.push(rec(
                        m,
                        f,
                        f,
                        if dx == aod[0] { "H0004" } else { "90834" },
                        "11",
                        dx,
                    ));
                }
            }
            _ => {}
        }
    }
    (ms, rs)
}
