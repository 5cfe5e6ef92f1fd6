//! REC-01, ELIG-01, CLM-07: what a member or authorization file changes against the records on
//! file, and what the records were at an earlier instant given the changes recorded since. Pure:
//! records in, changes out, so the import shell can store exactly the changes and hand each one,
//! as the record before and after, to [`crate::retro::affected_claims`].
//!
//! Rules (also in `docs/import.md` and `docs/claims.md`):
//! - a member not on file is added with all its spans; a member on file must agree with the file
//!   on its details (name, birth date, sex, zip, family size, income, consent): a difference is a
//!   conflict, since this import does not change member details;
//! - a span is keyed by member, plan and start date: a new key is added; a key on file with
//!   another end date changes the span's end (a retro termination, an extension, a reopening); a
//!   key on file with another program is a conflict; spans on file that the file does not list
//!   are left as they are (a file is not a full replacement);
//! - an authorization not on file is added; one on file with other dates, units, services,
//!   provider or level of care is replaced; one naming another member than on file is a conflict;
//! - a file that changes nothing at all is a conflict: it was imported already.

use std::collections::{BTreeMap, HashMap};

use accord_claims::ProviderFacts;
use accord_core::member::{EligibilitySpan, Member, Program};
use accord_core::provider::{Provider, Sanction, SanctionLevel, StatusSpan};
use accord_core::{Date, MemberId};
use accord_store::StoredAuthorization;

/// One span's end date changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpanEnd {
    /// Whose span.
    pub member: MemberId,
    /// The span's plan.
    pub plan_code: String,
    /// The span's start (its key with member and plan).
    pub start: Date,
    /// End on file (`None`: open).
    pub old_end: Option<Date>,
    /// End in the file.
    pub new_end: Option<Date>,
}

/// One member's spans before and after an import (only members whose spans change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EligibilityChange {
    /// The member.
    pub member: MemberId,
    /// Spans on file before (every plan's).
    pub before: Vec<EligibilitySpan>,
    /// Spans after.
    pub after: Vec<EligibilitySpan>,
}

/// What a member file changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberFileChanges {
    /// Members not on file.
    pub new_members: Vec<Member>,
    /// Spans not on file.
    pub new_spans: Vec<EligibilitySpan>,
    /// Spans on file whose end date changes.
    pub ended: Vec<SpanEnd>,
    /// Spans already on file as they are.
    pub unchanged_spans: usize,
    /// Every member whose spans change, with the spans before and after, in member order.
    pub eligibility: Vec<EligibilityChange>,
}

impl MemberFileChanges {
    /// True when the file changes nothing.
    pub fn is_empty(&self) -> bool {
        self.new_members.is_empty() && self.new_spans.is_empty() && self.ended.is_empty()
    }
}

/// A record in the file that disagrees with the record on file in a way the import does not
/// change: the key and what differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    /// The record, e.g. `member_id=M1001`.
    pub key: String,
    /// What differs.
    pub what: String,
}

fn member_differences(file: &Member, on_file: &Member) -> Vec<&'static str> {
    let mut out = Vec::new();
    if file.first_name != on_file.first_name {
        out.push("first_name");
    }
    if file.last_name != on_file.last_name {
        out.push("last_name");
    }
    if file.birth_date != on_file.birth_date {
        out.push("birth_date");
    }
    if file.sex != on_file.sex {
        out.push("sex");
    }
    if file.zip != on_file.zip {
        out.push("zip");
    }
    if file.family_size != on_file.family_size {
        out.push("family_size");
    }
    if file.annual_income != on_file.annual_income {
        out.push("annual_income");
    }
    if file.sud_consent != on_file.sud_consent {
        out.push("sud_consent");
    }
    out
}

/// ELIG-01: what the member file (`members`, `spans`) changes against the members and spans on
/// file (`on_file_members`, `on_file_spans` — at least those of the file's members). Every
/// disagreement the import cannot apply is returned, none applied.
pub fn member_file_changes(
    members: &[Member],
    spans: &[EligibilitySpan],
    on_file_members: &[Member],
    on_file_spans: &[EligibilitySpan],
) -> Result<MemberFileChanges, Vec<Disagreement>> {
    let known: HashMap<&MemberId, &Member> =
        on_file_members.iter().map(|m| (&m.member_id, m)).collect();
    let mut by_member: BTreeMap<&MemberId, Vec<EligibilitySpan>> = BTreeMap::new();
    for s in on_file_spans {
        by_member.entry(&s.member_id).or_default().push(s.clone());
    }
    let mut out = MemberFileChanges::default();
    let mut problems = Vec::new();
    for m in members {
        match known.get(&m.member_id) {
            None => out.new_members.push(m.clone()),
            Some(on_file) => {
                let differs = member_differences(m, on_file);
                if !differs.is_empty() {
                    problems.push(Disagreement {
                        key: format!("member_id={}", m.member_id),
                        what: format!(
                            "{} differs from the member on file (import does not change member details)",
                            differs.join(", ")
                        ),
                    });
                }
            }
        }
    }
    let mut after: BTreeMap<&MemberId, Vec<EligibilitySpan>> = by_member.clone();
    for s in spans {
        let current = by_member
            .get(&s.member_id)
            .and_then(|v| {
                v.iter()
                    .find(|o| o.plan_code == s.plan_code && o.start == s.start)
            })
            .cloned();
        match current {
            None => {
                out.new_spans.push(s.clone());
                after.entry(&s.member_id).or_default().push(s.clone());
            }
            Some(o) if o.program != s.program => problems.push(Disagreement {
                key: format!(
                    "member_id={} plan_code={} start={}",
                    s.member_id, s.plan_code, s.start
                ),
                what: format!(
                    "program {} differs from {} on file (end the span and add a new one)",
                    program_name(s.program),
                    program_name(o.program)
                ),
            }),
            Some(o) if o.end == s.end => out.unchanged_spans += 1,
            Some(o) => {
                out.ended.push(SpanEnd {
                    member: s.member_id.clone(),
                    plan_code: s.plan_code.clone(),
                    start: s.start,
                    old_end: o.end,
                    new_end: s.end,
                });
                if let Some(v) = after.get_mut(&s.member_id) {
                    for x in v
                        .iter_mut()
                        .filter(|x| x.plan_code == s.plan_code && x.start == s.start)
                    {
                        x.end = s.end;
                    }
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    for (member, mut now) in after {
        let mut was = by_member.get(member).cloned().unwrap_or_default();
        sort_spans(&mut was);
        sort_spans(&mut now);
        if was != now {
            out.eligibility.push(EligibilityChange {
                member: member.clone(),
                before: was,
                after: now,
            });
        }
    }
    Ok(out)
}

fn program_name(p: Program) -> &'static str {
    p.as_str()
}

fn sort_spans(v: &mut [EligibilitySpan]) {
    v.sort_by(|a, b| (a.start, &a.plan_code).cmp(&(b.start, &b.plan_code)));
}

/// What an authorization file changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorizationFileChanges {
    /// Authorizations not on file.
    pub new: Vec<StoredAuthorization>,
    /// Authorizations on file that the file changes: (before, after).
    pub changed: Vec<(StoredAuthorization, StoredAuthorization)>,
    /// Authorizations already on file as they are.
    pub unchanged: usize,
}

impl AuthorizationFileChanges {
    /// True when the file changes nothing.
    pub fn is_empty(&self) -> bool {
        self.new.is_empty() && self.changed.is_empty()
    }
}

/// UM-04, CLM-07: what the authorization file changes against the authorizations on file.
pub fn authorization_file_changes(
    file: &[StoredAuthorization],
    on_file: &[StoredAuthorization],
) -> Result<AuthorizationFileChanges, Vec<Disagreement>> {
    let known: HashMap<&str, &StoredAuthorization> =
        on_file.iter().map(|a| (a.auth_id.as_str(), a)).collect();
    let mut out = AuthorizationFileChanges::default();
    let mut problems = Vec::new();
    for a in file {
        match known.get(a.auth_id.as_str()) {
            None => out.new.push(a.clone()),
            Some(o) if o.member_id != a.member_id => problems.push(Disagreement {
                key: format!("auth_id={}", a.auth_id),
                what: format!(
                    "member_id {} differs from {} on file (an authorization stays with its member)",
                    a.member_id, o.member_id
                ),
            }),
            Some(o) if *o == a => out.unchanged += 1,
            Some(o) => out.changed.push(((*o).clone(), a.clone())),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// A recorded change to a member's spans, as the event log keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpanEvent {
    /// A span was added.
    Added(EligibilitySpan),
    /// A span's end changed from `old_end`.
    EndChanged {
        /// The span's plan.
        plan_code: String,
        /// The span's start.
        start: Date,
        /// Its end before the change.
        old_end: Option<Date>,
    },
}

/// REC-01: a member's spans as they were before `since` (the changes recorded since then, oldest
/// first), from the spans now: each change is undone, newest first.
pub fn spans_before(now: &[EligibilitySpan], since: &[SpanEvent]) -> Vec<EligibilitySpan> {
    let mut spans = now.to_vec();
    for e in since.iter().rev() {
        match e {
            SpanEvent::Added(s) => {
                spans.retain(|x| !(x.plan_code == s.plan_code && x.start == s.start));
            }
            SpanEvent::EndChanged {
                plan_code,
                start,
                old_end,
            } => {
                for x in spans
                    .iter_mut()
                    .filter(|x| &x.plan_code == plan_code && x.start == *start)
                {
                    x.end = *old_end;
                }
            }
        }
    }
    sort_spans(&mut spans);
    spans
}

/// A recorded change to an authorization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizationEvent {
    /// It was added.
    Added,
    /// It was replaced; the record before.
    Changed(StoredAuthorization),
}

/// REC-01: an authorization as it was before `since` (its changes recorded since then, oldest
/// first), given the record now: the oldest change says (added since: `None`; changed: the record
/// before it).
pub fn authorization_before(
    now: Option<&StoredAuthorization>,
    since: &[AuthorizationEvent],
) -> Option<StoredAuthorization> {
    match since.first() {
        None => now.cloned(),
        Some(AuthorizationEvent::Added) => None,
        Some(AuthorizationEvent::Changed(before)) => Some(before.clone()),
    }
}

/// A recorded change to a provider's standing (NET-05, NET-08), as the event log keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderEvent {
    /// A status span was added.
    StatusAdded(StatusSpan),
    /// A status span's end changed from `old_end`.
    StatusEnded {
        /// The span's start.
        start: Date,
        /// Its end before.
        old_end: Option<Date>,
    },
    /// A sanction was added.
    SanctionAdded(Sanction),
    /// A sanction's end changed from `old_end`.
    SanctionEnded {
        /// The sanction's level.
        level: SanctionLevel,
        /// Its start.
        start: Date,
        /// Its end before.
        old_end: Option<Date>,
    },
    /// The provider record was updated (licence, facility…); the record before.
    Updated(Provider),
}

/// REC-01: a provider's record, status spans and sanctions as they were before `since` (the
/// changes recorded since then, oldest first), from the facts now: each change undone, newest
/// first.
pub fn provider_before(now: &ProviderFacts, since: &[ProviderEvent]) -> ProviderFacts {
    let mut p = now.clone();
    for e in since.iter().rev() {
        match e {
            ProviderEvent::StatusAdded(s) => p.statuses.retain(|x| x.start != s.start),
            ProviderEvent::StatusEnded { start, old_end } => {
                for x in p.statuses.iter_mut().filter(|x| x.start == *start) {
                    x.end = *old_end;
                }
            }
            ProviderEvent::SanctionAdded(s) => p
                .sanctions
                .retain(|x| !(x.level == s.level && x.start == s.start)),
            ProviderEvent::SanctionEnded {
                level,
                start,
                old_end,
            } => {
                for x in p
                    .sanctions
                    .iter_mut()
                    .filter(|x| x.level == *level && x.start == *start)
                {
                    x.end = *old_end;
                }
            }
            ProviderEvent::Updated(old) => p.provider = old.clone(),
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_core::member::Sex;
    use rust_decimal::Decimal;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn member(id: &str) -> Member {
        Member {
            member_id: MemberId::parse(id).unwrap(),
            first_name: "Pat".into(),
            last_name: "Doe".into(),
            birth_date: d("1990-05-05"),
            sex: Sex::U,
            zip: "60601".into(),
            family_size: None,
            annual_income: None,
            sud_consent: false,
        }
    }

    fn span(id: &str, start: &str, end: Option<&str>) -> EligibilitySpan {
        EligibilitySpan {
            member_id: MemberId::parse(id).unwrap(),
            plan_code: "ACCORD-IL".into(),
            program: Program::Medicaid,
            start: d(start),
            end: end.map(d),
        }
    }

    #[test]
    fn elig_01_retro_termination_in_a_member_file_is_an_end_date_change() {
        let on_file = [member("M1"), member("M2")];
        let on_spans = [
            span("M1", "2025-01-01", None),
            span("M2", "2025-01-01", None),
        ];
        let file_members = [member("M1"), member("M2"), member("M3")];
        let file_spans = [
            span("M1", "2025-01-01", Some("2026-02-28")),
            span("M2", "2025-01-01", None),
            span("M3", "2026-01-01", None),
        ];
        let c = member_file_changes(&file_members, &file_spans, &on_file, &on_spans).unwrap();
        assert_eq!(c.new_members.len(), 1);
        assert_eq!(c.new_members[0].member_id.as_str(), "M3");
        assert_eq!(c.new_spans, [span("M3", "2026-01-01", None)]);
        assert_eq!(c.unchanged_spans, 1);
        assert_eq!(
            c.ended,
            [SpanEnd {
                member: MemberId::parse("M1").unwrap(),
                plan_code: "ACCORD-IL".into(),
                start: d("2025-01-01"),
                old_end: None,
                new_end: Some(d("2026-02-28")),
            }]
        );
        // M1 (ended) and M3 (new) change; M2 does not.
        let who: Vec<&str> = c.eligibility.iter().map(|e| e.member.as_str()).collect();
        assert_eq!(who, ["M1", "M3"]);
        assert_eq!(c.eligibility[0].before, [span("M1", "2025-01-01", None)]);
        assert_eq!(
            c.eligibility[0].after,
            [span("M1", "2025-01-01", Some("2026-02-28"))]
        );
        assert!(c.eligibility[1].before.is_empty());
    }

    #[test]
    fn elig_01_a_file_that_changes_nothing_is_empty_and_disagreements_are_named() {
        let on_file = [member("M1")];
        let on_spans = [span("M1", "2025-01-01", None)];
        let c = member_file_changes(&on_file, &on_spans, &on_file, &on_spans).unwrap();
        assert!(c.is_empty());
        assert_eq!(c.unchanged_spans, 1);
        let mut renamed = member("M1");
        renamed.last_name = "Roe".into();
        let mut other_program = span("M1", "2025-01-01", None);
        other_program.program = Program::Commercial;
        let err =
            member_file_changes(&[renamed], &[other_program], &on_file, &on_spans).unwrap_err();
        assert_eq!(err.len(), 2, "{err:?}");
        assert_eq!(err[0].key, "member_id=M1");
        assert!(err[0].what.starts_with("last_name differs"), "{err:?}");
        assert!(err[1].key.contains("start=2025-01-01"), "{err:?}");
        assert!(err[1].what.contains("program commercial"), "{err:?}");
    }

    fn auth(id: &str, member: &str, end: &str, units: i64) -> StoredAuthorization {
        StoredAuthorization {
            auth_id: id.into(),
            member_id: member.into(),
            provider_npi: "9000000013".into(),
            services: vec![("T1016".into(), vec!["HE".into()])],
            level_of_care: "outpatient".into(),
            start: d("2026-03-01"),
            end: d(end),
            units_authorized: Decimal::from(units),
        }
    }

    #[test]
    fn clm_07_authorization_file_changes_new_changed_unchanged_and_conflicts() {
        let on_file = [
            auth("PA-1", "M1", "2026-03-31", 40),
            auth("PA-2", "M1", "2026-03-31", 40),
        ];
        let file = [
            auth("PA-1", "M1", "2026-03-31", 40),
            auth("PA-2", "M1", "2026-05-31", 40),
            auth("PA-3", "M2", "2026-05-31", 10),
        ];
        let c = authorization_file_changes(&file, &on_file).unwrap();
        assert_eq!(c.unchanged, 1);
        assert_eq!(c.new, [auth("PA-3", "M2", "2026-05-31", 10)]);
        assert_eq!(
            c.changed,
            [(
                auth("PA-2", "M1", "2026-03-31", 40),
                auth("PA-2", "M1", "2026-05-31", 40)
            )]
        );
        assert!(
            authorization_file_changes(&on_file, &on_file)
                .unwrap()
                .is_empty()
        );
        let err = authorization_file_changes(&[auth("PA-1", "M9", "2026-03-31", 40)], &on_file)
            .unwrap_err();
        assert_eq!(err[0].key, "auth_id=PA-1");
    }

    #[test]
    fn rec_01_records_before_a_date_undo_the_changes_since() {
        // Now: one span ended 2026-02-28 and a second span added, both since the date.
        let now = [
            span("M1", "2025-01-01", Some("2026-02-28")),
            span("M1", "2026-06-01", None),
        ];
        let since = [
            SpanEvent::EndChanged {
                plan_code: "ACCORD-IL".into(),
                start: d("2025-01-01"),
                old_end: None,
            },
            SpanEvent::Added(span("M1", "2026-06-01", None)),
        ];
        assert_eq!(spans_before(&now, &since), [span("M1", "2025-01-01", None)]);
        assert_eq!(spans_before(&now, &[]), now);
        // Two end changes since the date: the oldest one's old end is what was on file.
        let twice = [
            SpanEvent::EndChanged {
                plan_code: "ACCORD-IL".into(),
                start: d("2025-01-01"),
                old_end: Some(d("2026-12-31")),
            },
            SpanEvent::EndChanged {
                plan_code: "ACCORD-IL".into(),
                start: d("2025-01-01"),
                old_end: Some(d("2026-05-31")),
            },
        ];
        assert_eq!(
            spans_before(&now[..1], &twice),
            [span("M1", "2025-01-01", Some("2026-12-31"))]
        );

        let a = auth("PA-1", "M1", "2026-05-31", 40);
        let was = auth("PA-1", "M1", "2026-03-31", 40);
        assert_eq!(authorization_before(Some(&a), &[]), Some(a.clone()));
        assert_eq!(
            authorization_before(Some(&a), &[AuthorizationEvent::Added]),
            None
        );
        assert_eq!(
            authorization_before(
                Some(&a),
                &[
                    AuthorizationEvent::Changed(was.clone()),
                    AuthorizationEvent::Changed(auth("PA-1", "M1", "2026-04-30", 40))
                ]
            ),
            Some(was)
        );
    }

    #[test]
    fn net_05_provider_standing_before_a_date_undoes_sanctions_and_spans_since() {
        use accord_core::provider::{NetworkStatus, ProviderKind};
        use accord_core::{Npi, TaxId};
        let npi = Npi::from_first_nine(900_000_001);
        let provider = Provider {
            npi: npi.clone(),
            kind: ProviderKind::Facility,
            name: "Lakeside".into(),
            tax_id: TaxId::parse("12-3456789").unwrap(),
            specialty: "cmhc".into(),
            license_number: None,
            license_expires: Some(d("2030-12-31")),
            facility_npi: None,
        };
        let span = |start: &str, end: Option<&str>| StatusSpan {
            npi: npi.clone(),
            status: NetworkStatus::Participating,
            start: d(start),
            end: end.map(d),
            reason: "credentialed".into(),
        };
        let sanction = Sanction {
            npi: npi.clone(),
            level: SanctionLevel::Suspension,
            start: d("2026-03-01"),
            end: None,
            reason: "exclusion match".into(),
        };
        let mut expired = provider.clone();
        expired.license_expires = Some(d("2026-02-01"));
        let now = ProviderFacts {
            provider: expired,
            statuses: vec![span("2020-01-01", Some("2026-02-28"))],
            sanctions: vec![sanction.clone()],
        };
        let since = [
            ProviderEvent::StatusEnded {
                start: d("2020-01-01"),
                old_end: None,
            },
            ProviderEvent::SanctionAdded(sanction),
            ProviderEvent::Updated(provider.clone()),
        ];
        let before = provider_before(&now, &since);
        assert_eq!(before.provider, provider);
        assert_eq!(before.statuses, [span("2020-01-01", None)]);
        assert!(before.sanctions.is_empty());
        assert_eq!(provider_before(&now, &[]).statuses, now.statuses);
    }
}
