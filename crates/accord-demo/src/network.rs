//! Providers: facilities, groups and individual clinicians, their locations and pay-to vendors,
//! network status (with one provider on leave of absence) and sanctions (with one suspension and one
//! provider under monitoring).

use accord_core::calendar::add_calendar_days;
use accord_core::provider::{
    Location, NetworkStatus, PayToVendor, Provider, ProviderKind, Sanction, SanctionLevel,
    StatusSpan,
};
use accord_core::{Date, Npi, TaxId, VendorNumber};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::DemoOptions;
use crate::names::{AGENCY_WORDS, CITIES, FIRST, LAST, STREETS};

/// The generated network.
#[derive(Debug, Clone, Default)]
pub struct Network {
    /// Provider records.
    pub providers: Vec<Provider>,
    /// Service locations.
    pub locations: Vec<Location>,
    /// Pay-to vendors.
    pub pay_to: Vec<PayToVendor>,
    /// Participation spans.
    pub statuses: Vec<StatusSpan>,
    /// Sanctions.
    pub sanctions: Vec<Sanction>,
}

impl Network {
    /// Providers with a suspension in force on `d`.
    pub fn suspended_on(&self, d: Date) -> Vec<&Npi> {
        self.sanctions
            .iter()
            .filter(|s| s.level == SanctionLevel::Suspension && s.in_force(d))
            .map(|s| &s.npi)
            .collect()
    }

    /// Providers on leave of absence on `d`.
    pub fn on_leave_on(&self, d: Date) -> Vec<&Npi> {
        self.statuses
            .iter()
            .filter(|s| {
                s.status == NetworkStatus::LeaveOfAbsence
                    && d >= s.start
                    && s.end.is_none_or(|e| d <= e)
            })
            .map(|s| &s.npi)
            .collect()
    }
}

fn days(d: Date, n: i64) -> Date {
    add_calendar_days(d, n).unwrap_or(d)
}

fn tax_id(rng: &mut ChaCha8Rng) -> TaxId {
    let t = format!(
        "{:02}{:07}",
        rng.gen_range(10..99),
        rng.gen_range(0..10_000_000)
    );
    TaxId::parse(&t).unwrap_or_else(|_| unreachable!("nine digits with a non-zero prefix"))
}

fn vendor(letter: char, n: u32) -> VendorNumber {
    VendorNumber::parse(&format!("{letter}{:05}", n % 100_000))
        .unwrap_or_else(|_| unreachable!("letter + five digits"))
}

pub(crate) fn generate(opts: &DemoOptions, rng: &mut ChaCha8Rng) -> Network {
    let total = opts.providers();
    let facilities = (total / 15).max(4);
    let groups = (total / 10).max(4);
    let mut net = Network::default();
    let mut location_seq = 0u32;
    let mut payto_seq = 0u32;

    for i in 0..total {
        let npi = Npi::from_first_nine(120_000_000 + i * 7);
        let (kind, name, specialty) = if i < facilities {
            let word = AGENCY_WORDS[i as usize % AGENCY_WORDS.len()];
            let (kind_name, spec) = match i % 4 {
                0 | 1 => ("Community Mental Health Center", "cmhc"),
                2 => ("Recovery Services", "sud_program"),
                _ => ("Behavioral Hospital", "psychiatric_hospital"),
            };
            (
                ProviderKind::Facility,
                format!("{word} {kind_name} {}", i / 14 + 1),
                spec,
            )
        } else if i < facilities + groups {
            let last = LAST.choose(rng).copied().unwrap_or("Lee");
            (
                ProviderKind::Group,
                format!("{last} Counseling Group"),
                "group_practice",
            )
        } else {
            let spec = *[
                "psychiatrist",
                "psychologist",
                "lcsw",
                "lcpc",
                "lmft",
                "cadc",
                "apn",
            ]
            .choose(rng)
            .unwrap_or(&"lcsw");
            let first = FIRST.choose(rng).copied().unwrap_or("Sam");
            let last = LAST.choose(rng).copied().unwrap_or("Lee");
            (ProviderKind::Individual, format!("{first} {last}"), spec)
        };
        // About a third of clinicians work for a facility whose credentialing covers them (NET-09).
        let facility_npi = (kind == ProviderKind::Individual && rng.gen_bool(0.35))
            .then(|| Npi::from_first_nine(120_000_000 + rng.gen_range(0..facilities) * 7));
        let licensed = kind == ProviderKind::Individual || specialty != "group_practice";
        let tin = tax_id(rng);
        net.providers.push(Provider {
            npi: npi.clone(),
            kind,
            name: name.clone(),
            tax_id: tin.clone(),
            specialty: specialty.to_owned(),
            license_number: licensed.then(|| format!("{:03}.{:06}", rng.gen_range(1..200), i)),
            license_expires: licensed.then(|| days(opts.as_of, rng.gen_range(60..3 * 365))),
            facility_npi: facility_npi.clone(),
        });

        let n_locations = if kind == ProviderKind::Individual {
            1
        } else {
            rng.gen_range(1..=3)
        };
        for l in 0..n_locations {
            let (city, zip) = CITIES[rng.gen_range(0..CITIES.len())];
            location_seq += 1;
            net.locations.push(Location {
                vendor_number: vendor('A', location_seq),
                npi: npi.clone(),
                name: if l == 0 {
                    name.clone()
                } else {
                    format!("{name} ({city})")
                },
                address: format!(
                    "{} {}",
                    rng.gen_range(100..9_999),
                    STREETS.choose(rng).copied().unwrap_or("Main St")
                ),
                city: city.to_owned(),
                state: "IL".to_owned(),
                zip: zip.to_owned(),
            });
        }
        let n_payto = if kind == ProviderKind::Facility && rng.gen_bool(0.3) {
            2
        } else {
            1
        };
        for _ in 0..n_payto {
            payto_seq += 1;
            net.pay_to.push(PayToVendor {
                vendor_number: vendor('P', payto_seq),
                npi: npi.clone(),
                name: name.clone(),
                tax_id: tin.clone(),
            });
        }

        // Staff of a facility carry no participation span of their own: the facility's covers
        // them (NET-09). Everyone else was credentialed some time in the last eight years.
        if facility_npi.is_none() {
            net.statuses.push(StatusSpan {
                npi: npi.clone(),
                status: NetworkStatus::Participating,
                start: days(opts.as_of, -rng.gen_range(200..8 * 365)),
                end: None,
                reason: "credentialed by the credentialing committee (NET-02)".to_owned(),
            });
        }
    }

    // The cast the demo promises, chosen among independent individuals so their effects are visible.
    let independents: Vec<Npi> = net
        .providers
        .iter()
        .filter(|p| p.kind == ProviderKind::Individual && p.facility_npi.is_none())
        .map(|p| p.npi.clone())
        .collect();
    if let [suspended, on_leave, monitored, terminated, ..] = independents.as_slice() {
        net.sanctions.push(Sanction {
            npi: suspended.clone(),
            level: SanctionLevel::Suspension,
            start: days(opts.as_of, -10),
            end: Some(days(opts.as_of, 19)),
            reason: "billing audit error rate above 10% (REC-04); suspended 30 days".to_owned(),
        });
        net.sanctions.push(Sanction {
            npi: monitored.clone(),
            level: SanctionLevel::Monitoring,
            start: days(opts.as_of, -45),
            end: Some(days(opts.as_of, 45)),
            reason: "second written warning: documentation standards".to_owned(),
        });
        end_status_and_add(
            &mut net.statuses,
            on_leave,
            days(opts.as_of, -60),
            NetworkStatus::LeaveOfAbsence,
            "leave of absence requested by the provider (NET-08)",
        );
        end_status_and_add(
            &mut net.statuses,
            terminated,
            days(opts.as_of, -120),
            NetworkStatus::Terminated,
            "re-credentialing not completed by its due date (NET-03)",
        );
        net.sanctions.push(Sanction {
            npi: terminated.clone(),
            level: SanctionLevel::Termination,
            start: days(opts.as_of, -120),
            end: None,
            reason: "participation terminated: re-credentialing lapsed (NET-03)".to_owned(),
        });
    }
    net
}

/// Ends the provider's open status span the day before `from` and opens a new one.
fn end_status_and_add(
    statuses: &mut Vec<StatusSpan>,
    npi: &Npi,
    from: Date,
    status: NetworkStatus,
    reason: &str,
) {
    for s in statuses
        .iter_mut()
        .filter(|s| &s.npi == npi && s.end.is_none())
    {
        s.end = Some(days(from, -1).max(s.start));
    }
    statuses.push(StatusSpan {
        npi: npi.clone(),
        status,
        start: from,
        end: None,
        reason: reason.to_owned(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_core::member::Program;
    use accord_core::provider::standing_on;
    use jiff::civil::date;
    use rand::SeedableRng;

    #[test]
    fn the_cast_the_demo_promises() {
        let o = DemoOptions {
            members: 10_000,
            seed: 1,
            as_of: date(2026, 11, 2),
            plan_code: "ACCORD-IL".into(),
            program: Program::Medicaid,
        };
        let net = generate(&o, &mut ChaCha8Rng::seed_from_u64(1));
        assert_eq!(net.providers.len(), 300);
        assert_eq!(net.suspended_on(o.as_of).len(), 1);
        assert_eq!(net.on_leave_on(o.as_of).len(), 1);
        assert!(
            net.providers
                .iter()
                .any(|p| p.kind == ProviderKind::Facility)
        );
        assert!(net.providers.iter().any(|p| p.facility_npi.is_some()));
        // NPIs and vendor numbers are unique.
        let mut npis: Vec<_> = net.providers.iter().map(|p| &p.npi).collect();
        npis.sort();
        npis.dedup();
        assert_eq!(npis.len(), 300);
        let suspended = net.suspended_on(o.as_of)[0].clone();
        let p = net.providers.iter().find(|p| p.npi == suspended).unwrap();
        let s = standing_on(p, &net.statuses, &net.sanctions, None, o.as_of);
        assert!(
            !s.claims_payable,
            "NET-05: the suspended provider's claims deny"
        );
    }
}
