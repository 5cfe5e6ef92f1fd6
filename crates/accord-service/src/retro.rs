//! REC-01, ELIG-01, CLM-07, NET-05: which decided claims a retroactive change can affect. Pure: the
//! change (the record before and after) and the decided claims' lines in, the claims whose
//! decision could change out, each with the reason, so they can be re-decided through
//! [`crate::adjudication::readjudicate`] and any overpayment recovered in the next payment cycle.
//!
//! "Could change" is judged per line on the facts the engine reads for it, so nothing decided on
//! facts the change did not touch is re-decided:
//! - eligibility: the member's coverage with this plan on the line's date of service (covered and
//!   program, or the reason it is not) differs before and after;
//! - authorization: the line used the authorization and its date is no longer inside it, its
//!   units were reduced or it was withdrawn; or the line did not use it, is the member's with the
//!   authorized provider, and its date is newly inside it (a CO-197 denial that may now pay);
//! - provider standing: whether claims are payable for the billing or rendering provider on the
//!   line's date differs before and after.

use accord_claims::{Authorization, ProviderFacts};
use accord_core::member::{EligibilitySpan, NotCovered, check_coverage};
use accord_core::provider::standing_on;
use accord_core::{Date, MemberId, Npi};

/// A retroactive change, as the record before and after it.
#[derive(Debug, Clone)]
pub enum RetroChange<'a> {
    /// A member's eligibility spans (every plan's), before and after the change.
    Eligibility {
        member: &'a MemberId,
        before: &'a [EligibilitySpan],
        after: &'a [EligibilitySpan],
    },
    /// An authorization before and after (`None` after: withdrawn; `None` before: new).
    Authorization {
        before: Option<&'a Authorization>,
        after: Option<&'a Authorization>,
    },
    /// A provider's status spans and sanctions, before and after.
    Provider {
        before: &'a ProviderFacts,
        after: &'a ProviderFacts,
    },
}

/// One line of a decided claim, with what the change is judged on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecidedLine {
    /// The claim's tracking number.
    pub tracking: String,
    /// Line number.
    pub line: u32,
    /// Member.
    pub member: MemberId,
    /// Billing provider.
    pub billing: Npi,
    /// Rendering provider.
    pub rendering: Npi,
    /// Date of service.
    pub service_date: Date,
    /// Authorizations the line used (CLM-07).
    pub authorizations: Vec<String>,
}

/// A claim whose decision could change, with the first reason found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Affected {
    /// Tracking number.
    pub tracking: String,
    /// Why, in plain words with the rule ID.
    pub reason: String,
}

/// REC-01: the claims among `lines` whose decision `change` could change, one entry per claim in
/// tracking-number order. `plan_code` is this plan's code (eligibility with other plans does not
/// cover our claims).
pub fn affected_claims(
    change: &RetroChange<'_>,
    plan_code: &str,
    lines: &[DecidedLine],
) -> Vec<Affected> {
    let mut out: Vec<Affected> = Vec::new();
    for l in lines {
        if out.iter().any(|a| a.tracking == l.tracking) {
            continue;
        }
        if let Some(reason) = line_reason(change, plan_code, l) {
            out.push(Affected {
                tracking: l.tracking.clone(),
                reason: format!("line {}: {reason}", l.line),
            });
        }
    }
    out.sort_by(|a, b| a.tracking.cmp(&b.tracking));
    out
}

fn line_reason(change: &RetroChange<'_>, plan_code: &str, l: &DecidedLine) -> Option<String> {
    match change {
        RetroChange::Eligibility {
            member,
            before,
            after,
        } => {
            if &l.member != *member {
                return None;
            }
            let was = check_coverage(before, plan_code, l.service_date).map(|s| s.program);
            let now = check_coverage(after, plan_code, l.service_date).map(|s| s.program);
            (was != now).then(|| {
                let says = |c: &Result<_, _>| match c {
                    Ok(p) => format!("covered ({p})"),
                    Err(NotCovered::NeverEnrolled) => "not covered (never enrolled)".to_owned(),
                    Err(NotCovered::BeforeCoverage) => "not covered (before coverage)".to_owned(),
                    Err(NotCovered::AfterCoverageEnded) => {
                        "not covered (after coverage ended)".to_owned()
                    }
                    Err(NotCovered::InGap) => "not covered (gap between spans)".to_owned(),
                };
                format!(
                    "eligibility on {} changed from {} to {} (ELIG-01)",
                    l.service_date,
                    says(&was),
                    says(&now)
                )
            })
        }
        RetroChange::Authorization { before, after } => {
            let a = after.or(*before)?;
            if l.member != a.member {
                return None;
            }
            let used = l.authorizations.iter().any(|id| id == &a.id);
            let inside = |x: Option<&Authorization>| {
                x.is_some_and(|x| x.start <= l.service_date && l.service_date <= x.end)
            };
            let for_provider = |x: Option<&Authorization>| {
                x.is_some_and(|x| x.provider == l.rendering || x.provider == l.billing)
            };
            if used {
                match after {
                    None => Some(format!("authorization {} was withdrawn (CLM-07)", a.id)),
                    Some(n) if !inside(Some(n)) => Some(format!(
                        "{} is no longer inside authorization {} ({} to {}) (CLM-07)",
                        l.service_date, n.id, n.start, n.end
                    )),
                    Some(n) if before.is_some_and(|b| n.units_authorized < b.units_authorized) => {
                        Some(format!(
                            "authorization {} units reduced to {} (CLM-07)",
                            n.id, n.units_authorized
                        ))
                    }
                    Some(_) => None,
                }
            } else if inside(*after) && !inside(*before) && for_provider(*after) {
                Some(format!(
                    "{} is newly inside authorization {} (CLM-07)",
                    l.service_date, a.id
                ))
            } else {
                None
            }
        }
        RetroChange::Provider { before, after } => {
            let npi = &after.provider.npi;
            if &l.billing != npi && &l.rendering != npi {
                return None;
            }
            let payable = |p: &ProviderFacts| {
                standing_on(&p.provider, &p.statuses, &p.sanctions, None, l.service_date)
                    .claims_payable
            };
            let (was, now) = (payable(before), payable(after));
            (was != now).then(|| {
                let says = |b: bool| if b { "payable" } else { "not payable" };
                format!(
                    "provider {npi} on {} changed from {} to {} (NET-05)",
                    l.service_date,
                    says(was),
                    says(now)
                )
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_core::member::Program;
    use rust_decimal::Decimal;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn member() -> MemberId {
        MemberId::parse("M1001").unwrap()
    }

    fn npi() -> Npi {
        Npi::from_first_nine(900_000_001)
    }

    fn line(tracking: &str, dos: &str, auths: &[&str]) -> DecidedLine {
        DecidedLine {
            tracking: tracking.into(),
            line: 1,
            member: member(),
            billing: npi(),
            rendering: npi(),
            service_date: d(dos),
            authorizations: auths.iter().map(|a| (*a).to_owned()).collect(),
        }
    }

    fn span(start: &str, end: Option<&str>) -> EligibilitySpan {
        EligibilitySpan {
            member_id: member(),
            plan_code: "ACCORD-IL".into(),
            program: Program::Medicaid,
            start: d(start),
            end: end.map(d),
        }
    }

    #[test]
    fn rec_01_retro_termination_finds_exactly_the_claims_after_the_new_end_date() {
        let before = [span("2026-01-01", None)];
        let after = [span("2026-01-01", Some("2026-02-28"))];
        let mut other = line("T9", "2026-03-10", &[]);
        other.member = MemberId::parse("M2002").unwrap();
        let lines = [
            line("T1", "2026-02-27", &[]),
            line("T2", "2026-02-28", &[]),
            line("T3", "2026-03-01", &[]),
            line("T4", "2026-03-20", &[]),
            other,
        ];
        let change = RetroChange::Eligibility {
            member: &lines[0].member,
            before: &before,
            after: &after,
        };
        let got = affected_claims(&change, "ACCORD-IL", &lines);
        let ids: Vec<&str> = got.iter().map(|a| a.tracking.as_str()).collect();
        assert_eq!(ids, ["T3", "T4"]);
        assert!(got[0].reason.contains("ELIG-01"), "{:?}", got[0]);
        assert!(got[0].reason.contains("not covered"), "{:?}", got[0]);
    }

    fn auth(start: &str, end: &str, units: i64) -> Authorization {
        Authorization {
            id: "PA-1".into(),
            member: member(),
            provider: npi(),
            services: Vec::new(),
            level_of_care: "outpatient".into(),
            start: d(start),
            end: d(end),
            units_authorized: Decimal::from(units),
            units_used: Decimal::ZERO,
        }
    }

    #[test]
    fn rec_01_shortened_authorization_finds_the_lines_it_no_longer_covers() {
        let before = auth("2026-03-01", "2026-05-31", 40);
        let after = auth("2026-03-01", "2026-03-31", 40);
        let lines = [
            line("T1", "2026-03-15", &["PA-1"]),
            line("T2", "2026-04-02", &["PA-1"]),
            line("T3", "2026-04-20", &[]),
            line("T4", "2026-05-05", &["PA-2"]),
        ];
        let change = RetroChange::Authorization {
            before: Some(&before),
            after: Some(&after),
        };
        let got = affected_claims(&change, "ACCORD-IL", &lines);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].tracking, "T2");
        assert!(
            got[0]
                .reason
                .contains("no longer inside authorization PA-1")
        );
        // Extending it back finds the denied line it now covers, and not the others.
        let change = RetroChange::Authorization {
            before: Some(&after),
            after: Some(&before),
        };
        let ids: Vec<String> = affected_claims(&change, "ACCORD-IL", &lines)
            .into_iter()
            .map(|a| a.tracking)
            .collect();
        assert_eq!(ids, ["T3", "T4"]);
        // Units cut or withdrawn: every line that used it.
        let fewer = auth("2026-03-01", "2026-05-31", 10);
        let change = RetroChange::Authorization {
            before: Some(&before),
            after: Some(&fewer),
        };
        assert_eq!(affected_claims(&change, "ACCORD-IL", &lines).len(), 2);
        let change = RetroChange::Authorization {
            before: Some(&before),
            after: None,
        };
        assert_eq!(affected_claims(&change, "ACCORD-IL", &lines).len(), 2);
    }
}
