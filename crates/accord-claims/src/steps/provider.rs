//! Step 2 — provider standing (NET-05, NET-08, NET-09; CARC B7) and supervising-clinician billing
//! (CLM-11; CARC 185).
//!
//! The billing provider must be payable on each date of service. The rendering clinician must be
//! too — except that a credentialed facility covers its staff (NET-09): when the billing
//! provider is a payable facility, the clinician is denied only for a suspension or termination
//! sanction in force or an expired licence (NET-05), never for lacking individual credentialing.

use accord_core::provider::{ProviderKind, SanctionLevel};

use crate::outcome::Group;
use crate::work::{Ctx, describe};

pub(crate) fn run(cx: &mut Ctx) {
    let claim = cx.claim;
    let dir = cx.facts.providers;
    let billing_is_facility = dir
        .get(&claim.billing_npi)
        .is_some_and(|p| p.provider.kind == ProviderKind::Facility);
    for i in 0..cx.lines.len() {
        if !cx.lines[i].active() {
            continue;
        }
        let (line, dos, rendering) = (cx.lines[i].line, cx.lines[i].dos, cx.lines[i].rendering);
        let n = Some(line.number);
        let what = describe(line);
        let billing = dir.standing(&claim.billing_npi, dos);
        let billing_ok = billing.as_ref().is_some_and(|s| s.claims_payable);
        if !billing_ok {
            let why = billing
                .map(|s| s.reasons.join("; "))
                .unwrap_or_else(|| "not on file".into());
            cx.lines[i].deny(Group::CO, "B7", None);
            cx.note(
                "provider",
                "NET-05",
                n,
                format!("{what}: billing provider {} is not eligible on the date of service: {why}; denied CO-B7", claim.billing_npi),
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
                        .map(|s| format!("{} since {} (NET-05): {}", s.level.as_str(), s.start, s.reason))
                        .collect();
                    if let Some(exp) = p.provider.license_expires {
                        if dos > exp {
                            r.push(format!("licence expired on {exp} (NET-05: unlicensed provider)"));
                        }
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
                cx.lines[i].deny(Group::CO, "B7", None);
                cx.note(
                    "provider",
                    "NET-05",
                    n,
                    format!("{what}: rendering provider {rendering} is not eligible on the date of service: {}; denied CO-B7", r.join("; ")),
                );
                continue;
            }
            if billing_is_facility {
                cx.note(
                    "provider",
                    "NET-09",
                    n,
                    format!("{what}: rendered by {rendering} for credentialed facility {}; the facility's credentialing covers its staff (NET-09)", claim.billing_npi),
                );
            }
        }
        if line.documentation.performed_by_trainee
            && claim.supervising_npi.as_ref() == Some(rendering)
        {
            cx.lines[i].deny(Group::CO, "185", None);
            cx.note(
                "provider",
                "CLM-11",
                n,
                format!("{what}: performed by an intern, resident or assistant but billed under supervising clinician {rendering} (CLM-11); denied CO-185"),
            );
            continue;
        }
        cx.note(
            "provider",
            "NET-05",
            n,
            format!("{what}: billing {} and rendering {rendering} in good standing on the date of service (NET-05, NET-08)", claim.billing_npi),
        );
    }
}
