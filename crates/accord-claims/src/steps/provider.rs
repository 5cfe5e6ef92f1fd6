//! Step 2 — provider standing (NET-05, NET-08, NET-09; CARC B7) and supervising-clinician billing
//! (CLM-11; CARC 185).
//!
//! The billing provider must be payable on each date of service. The rendering clinician must be
//! too — except that a credentialed facility covers its staff (NET-09): when the billing
//! provider is a payable facility, the clinician is denied only for a suspension or termination
//! sanction in force or an expired licence (NET-05), never for lacking individual credentialing.

use accord_core::Date;
use accord_core::provider::{ProviderKind, SanctionLevel, Standing};

use crate::outcome::Group;
use crate::work::Ctx;

pub(crate) fn run(cx: &mut Ctx) {
    let claim = cx.claim;
    let dir = cx.facts.providers;
    let billing_is_facility = dir
        .get(&claim.billing_npi)
        .is_some_and(|p| p.provider.kind == ProviderKind::Facility);
    let mut billing_cache: Vec<(Date, Option<Standing>)> = Vec::new();
    for i in 0..cx.lines.len() {
        if !cx.lines[i].active() {
            continue;
        }
        let (line, dos, rendering) = (cx.lines[i].line, cx.lines[i].dos, cx.lines[i].rendering);
        let n = Some(line.number);
        // Lines of one date share the billing provider's standing (computed once per date).
        let billing = match billing_cache.iter().find(|(d, _)| *d == dos) {
            Some((_, b)) => b.clone(),
            None => {
                let b = dir.standing(&claim.billing_npi, dos);
                billing_cache.push((dos, b.clone()));
                b
            }
        };
        let billing_ok = billing.as_ref().is_some_and(|s| s.claims_payable);
        if !billing_ok {
            let why = billing
                .map(|s| s.reasons.join("; "))
                .unwrap_or_else(|| "not on file".into());
            cx.lines[i].deny(Group::CO, "B7", "NET-05");
            cx.note(
                "provider",
                "NET-05",
                n,
                format!("billing provider {} is not eligible on the date of service: {why}; denied CO-B7", claim.billing_npi),
            );
            continue;
        }
        if rendering != &claim.billing_npi {
            let reasons: Option<Vec<String>> = if billing_is_facility {
                // NET-09: only sanctions and licence, not individual credentialing.
                dir.get(rendering).map(|p| {
                    let mut r: Vec<String> = p
                        .sanctions
                        .iter()
                        .filter(|s| s.in_force(dos) && s.level >= SanctionLevel::Suspension)
                        .map(|s| {
                            format!(
                                "{} since {} (NET-05): {}",
                                s.level.as_str(),
                                s.start,
                                s.reason
                            )
                        })
                        .collect();
                    if let Some(exp) = p.provider.license_expires
                        && dos > exp
                    {
                        r.push(format!(
                            "licence expired on {exp} (NET-05: unlicensed provider)"
                        ));
                    }
                    r
                })
            } else {
                match dir.standing(rendering, dos) {
                    Some(s) if s.claims_payable => Some(Vec::new()),
                    Some(s) => Some(s.reasons),
                    None => Some(vec!["rendering provider not on file (NET-01)".into()]),
                }
            };
            if let Some(r) = reasons.filter(|r| !r.is_empty()) {
                cx.lines[i].deny(Group::CO, "B7", "NET-05");
                cx.note(
                    "provider",
                    "NET-05",
                    n,
                    format!("rendering provider {rendering} is not eligible on the date of service: {}; denied CO-B7", r.join("; ")),
                );
                continue;
            }
            if billing_is_facility {
                cx.note(
                    "provider",
                    "NET-09",
                    n,
                    "rendered by staff of the credentialed billing facility: the facility's credentialing covers its staff (NET-09)",
                );
            }
        }
        if line.documentation.performed_by_trainee
            && claim.supervising_npi.as_ref() == Some(rendering)
        {
            cx.lines[i].deny(Group::CO, "185", "CLM-11");
            cx.note(
                "provider",
                "CLM-11",
                n,
                format!("performed by an intern, resident or assistant but billed under supervising clinician {rendering} (CLM-11); denied CO-185"),
            );
            continue;
        }
        cx.note(
            "provider",
            "NET-05",
            n,
            "billing and rendering providers in good standing on the date of service (NET-05, NET-08)",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::*;
    use crate::work::Ctx;

    #[test]
    fn net_05_unknown_rendering_provider_of_a_non_facility_is_denied() {
        let fx = Fx::new();
        let mut c = claim("U1", vec![ln(1, "99213", 1, "75", "2026-03-02")]);
        c.billing_npi = clinician();
        c.rendering_npi = Some(accord_core::Npi::from_first_nine(555_555_555));
        fx.with_facts(|f| {
            let mut cx = Ctx::new(&c, f, c.received);
            super::run(&mut cx);
            assert!(!cx.lines[0].active());
            assert_eq!(cx.lines[0].cuts[0].carc, "B7");
        });
    }
}
