//! Credentialing applications (NET-02, NET-09): the checklist of standards checked at initial
//! credentialing and at re-credentialing, each item with its evidence and verification date; a
//! site visit for unaccredited organisations; the committee's decision with its reason and the
//! effective date per line of business. A facility's credentialing covers its staff (NET-09).

use std::collections::BTreeMap;

use accord_core::member::Program;
use accord_core::provider::{NetworkStatus, Provider, ProviderKind};
use accord_core::{Date, Npi};
use serde::{Deserialize, Serialize};

use crate::NetworkError;

/// NET-02: the accrediting bodies whose accreditation an organisation may hold instead of a site
/// visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Accreditor {
    /// The Joint Commission.
    #[serde(rename = "TJC")]
    Tjc,
    /// Commission on Accreditation of Rehabilitation Facilities.
    #[serde(rename = "CARF")]
    Carf,
    /// Council on Accreditation.
    #[serde(rename = "COA")]
    Coa,
    /// Healthcare Facilities Accreditation Program.
    #[serde(rename = "HFAP")]
    Hfap,
    /// Accreditation Association for Ambulatory Health Care.
    #[serde(rename = "AAAHC")]
    Aaahc,
    /// DNV's NIAHO.
    #[serde(rename = "NIAHO")]
    Niaho,
    /// Community Health Accreditation Partner.
    #[serde(rename = "CHAP")]
    Chap,
    /// American Osteopathic Association.
    #[serde(rename = "AOA")]
    Aoa,
}

/// Initial credentialing or re-credentialing (NET-03).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CycleKind {
    /// Joining the network.
    #[default]
    Initial,
    /// The NET-03 three-yearly cycle.
    Recredentialing,
}

/// One standard of the NET-02 checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Item {
    /// A valid, unencumbered licence.
    License,
    /// Accreditation (organisations that hold one).
    Accreditation,
    /// A site visit (organisations without accreditation).
    SiteVisit,
    /// Malpractice coverage.
    Malpractice,
    /// No exclusion or sanction from Medicare/Medicaid (NET-07 list checked).
    ExclusionCheck,
    /// DEA/CDS registration (prescribers).
    DeaCds,
    /// Work history (clinicians).
    WorkHistory,
}

impl Item {
    /// The item in words.
    pub fn label(self) -> &'static str {
        match self {
            Item::License => "valid unencumbered licence",
            Item::Accreditation => "accreditation",
            Item::SiteVisit => "site visit (unaccredited organisation)",
            Item::Malpractice => "malpractice coverage",
            Item::ExclusionCheck => "no Medicare/Medicaid exclusion or sanction",
            Item::DeaCds => "DEA/CDS registration",
            Item::WorkHistory => "work history",
        }
    }
}

/// One checklist item as it stands: what was submitted and what was verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistEntry {
    /// The standard.
    pub item: Item,
    /// What the provider submitted (document name, number, policy…).
    #[serde(default)]
    pub evidence: Option<String>,
    /// The day it was verified at the source.
    #[serde(default)]
    pub verified_on: Option<Date>,
    /// Who verified it.
    #[serde(default)]
    pub verified_by: Option<String>,
    /// Whether it met the standard (`false`: verified and found wanting).
    #[serde(default)]
    pub passed: Option<bool>,
    /// Verifier's note.
    #[serde(default)]
    pub note: String,
}

/// The committee's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Credentialed.
    Approved,
    /// Not credentialed (adverse: NET-06 appeal).
    Denied,
}

/// NET-02 the credentialing committee's decision, with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitteeDecision {
    /// Approved or denied.
    pub outcome: Outcome,
    /// Why (required; shown to the provider).
    pub reason: String,
    /// The committee's meeting day.
    pub decided_on: Date,
    /// The day the provider was notified (NET-06 appeal window runs from here).
    pub notice_date: Date,
    /// Effective date per line of business (approvals).
    #[serde(default)]
    pub effective: BTreeMap<Program, Date>,
}

/// The application form a provider submits (`accord provider apply FILE.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationForm {
    /// The provider record applied with (NPI, kind, name, tax ID, specialty, licence…).
    pub provider: Provider,
    /// Initial or re-credentialing.
    #[serde(default)]
    pub cycle: CycleKind,
    /// Individuals: date of birth (NET-07 screening by name + date of birth).
    #[serde(default)]
    pub date_of_birth: Option<Date>,
    /// Organisations: the accreditation held, if any (NET-02; none → site visit).
    #[serde(default)]
    pub accreditation: Option<Accreditor>,
    /// Prescribes controlled substances (DEA/CDS checked).
    #[serde(default)]
    pub prescriber: bool,
    /// Lines of business applied for.
    pub lines_of_business: Vec<Program>,
    /// Facilities: the clinicians its credentialing covers (NET-09).
    #[serde(default)]
    pub staff: Vec<Npi>,
    /// Evidence submitted with the application, per item.
    #[serde(default)]
    pub evidence: BTreeMap<Item, String>,
}

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Items still to submit or verify.
    Gathering,
    /// Every item verified: ready for the committee.
    ReadyForCommittee,
    /// Decided.
    Decided,
}

impl Phase {
    /// The storage spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Gathering => "gathering",
            Phase::ReadyForCommittee => "ready_for_committee",
            Phase::Decided => "decided",
        }
    }
}

/// A credentialing application (NET-02).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Application {
    /// Application number, e.g. `CRD-2026-000001`.
    pub id: String,
    /// The day it was received.
    pub received: Date,
    /// The form as received.
    pub form: ApplicationForm,
    /// The NET-02 checklist for this provider, in item order.
    pub items: Vec<ChecklistEntry>,
    /// The committee's decision, once made.
    #[serde(default)]
    pub decision: Option<CommitteeDecision>,
}

/// What is still missing before the committee can approve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    /// The item.
    pub item: Item,
    /// What is missing, in words.
    pub what: String,
}

/// NET-02: the items required of this provider. Every provider: licence, malpractice coverage,
/// exclusion check. Organisations: accreditation, or a site visit when unaccredited. Clinicians:
/// work history. Prescribers: DEA/CDS.
pub fn required_items(form: &ApplicationForm) -> Vec<Item> {
    let mut v = vec![Item::License];
    match form.provider.kind {
        ProviderKind::Individual => {}
        ProviderKind::Group | ProviderKind::Facility => v.push(if form.accreditation.is_some() {
            Item::Accreditation
        } else {
            Item::SiteVisit
        }),
    }
    v.push(Item::Malpractice);
    v.push(Item::ExclusionCheck);
    if form.prescriber {
        v.push(Item::DeaCds);
    }
    if form.provider.kind == ProviderKind::Individual {
        v.push(Item::WorkHistory);
    }
    v
}

impl Application {
    /// Receives a form: checks it (naming each bad field) and builds the checklist with the
    /// evidence submitted.
    pub fn receive(id: &str, received: Date, form: ApplicationForm) -> Result<Self, NetworkError> {
        if form.provider.name.trim().is_empty() {
            return Err(NetworkError::invalid("provider.name", "must not be empty"));
        }
        if form.lines_of_business.is_empty() {
            return Err(NetworkError::invalid(
                "lines_of_business",
                "name at least one line of business (e.g. [\"medicaid\"])",
            ));
        }
        let individual = form.provider.kind == ProviderKind::Individual;
        if individual && form.accreditation.is_some() {
            return Err(NetworkError::invalid(
                "accreditation",
                "only organisations are accredited (NET-02)",
            ));
        }
        if individual && form.date_of_birth.is_none() {
            return Err(NetworkError::invalid(
                "date_of_birth",
                "required for individuals (NET-07 screening by name and date of birth)",
            ));
        }
        if form.provider.kind != ProviderKind::Facility && !form.staff.is_empty() {
            return Err(NetworkError::invalid(
                "staff",
                "only a facility's credentialing covers staff (NET-09)",
            ));
        }
        if let Some(npi) = form.staff.iter().find(|n| **n == form.provider.npi) {
            return Err(NetworkError::invalid(
                "staff",
                format!("{npi} is the facility itself"),
            ));
        }
        let required = required_items(&form);
        if let Some(item) = form.evidence.keys().find(|i| !required.contains(i)) {
            return Err(NetworkError::invalid(
                format!("evidence.{}", spelling(*item)),
                "not an item this provider is checked for (NET-02)",
            ));
        }
        let items = required
            .into_iter()
            .map(|item| ChecklistEntry {
                item,
                evidence: form.evidence.get(&item).cloned(),
                verified_on: None,
                verified_by: None,
                passed: None,
                note: String::new(),
            })
            .collect();
        Ok(Application {
            id: id.to_owned(),
            received,
            form,
            items,
            decision: None,
        })
    }

    /// The applicant's NPI.
    pub fn npi(&self) -> &Npi {
        &self.form.provider.npi
    }

    /// Where the application stands.
    pub fn phase(&self) -> Phase {
        if self.decision.is_some() {
            Phase::Decided
        } else if self.missing().is_empty() {
            Phase::ReadyForCommittee
        } else {
            Phase::Gathering
        }
    }

    /// NET-02: what is still missing: evidence not submitted, items not verified, items that
    /// failed verification.
    pub fn missing(&self) -> Vec<Missing> {
        self.items
            .iter()
            .filter_map(|e| {
                let what = match (e.evidence.as_deref(), e.verified_on, e.passed) {
                    (_, Some(d), Some(false)) => format!(
                        "{} did not meet the standard (verified {d}{})",
                        e.item.label(),
                        if e.note.is_empty() {
                            String::new()
                        } else {
                            format!(": {}", e.note)
                        }
                    ),
                    (_, Some(_), _) => return None,
                    (None, None, _) => format!("{}: evidence not submitted", e.item.label()),
                    (Some(_), None, _) => format!("{}: not yet verified", e.item.label()),
                };
                Some(Missing { item: e.item, what })
            })
            .collect()
    }

    /// Records an item's evidence and/or its verification. Refused after the decision, for an
    /// item this provider is not checked for, or with a verification date before the application
    /// or after `today`.
    #[allow(clippy::too_many_arguments)]
    pub fn verify(
        &self,
        item: Item,
        evidence: Option<&str>,
        passed: bool,
        verified_on: Date,
        verified_by: &str,
        note: &str,
        today: Date,
    ) -> Result<Application, NetworkError> {
        if self.decision.is_some() {
            return Err(NetworkError::Refused(format!(
                "application {} is already decided",
                self.id
            )));
        }
        if verified_on < self.received || verified_on > today {
            return Err(NetworkError::invalid(
                "verified_on",
                format!(
                    "{verified_on} is not between the application ({}) and today ({today})",
                    self.received
                ),
            ));
        }
        if verified_by.trim().is_empty() {
            return Err(NetworkError::invalid("verified_by", "name who verified it"));
        }
        let mut app = self.clone();
        let Some(e) = app.items.iter_mut().find(|e| e.item == item) else {
            return Err(NetworkError::invalid(
                "item",
                format!(
                    "{} is not on this provider's checklist (NET-02)",
                    spelling(item)
                ),
            ));
        };
        if let Some(ev) = evidence.map(str::trim).filter(|s| !s.is_empty()) {
            e.evidence = Some(ev.to_owned());
        }
        if e.evidence.is_none() {
            return Err(NetworkError::invalid(
                "evidence",
                format!("{}: nothing was submitted to verify", item.label()),
            ));
        }
        e.verified_on = Some(verified_on);
        e.verified_by = Some(verified_by.trim().to_owned());
        e.passed = Some(passed);
        e.note = note.trim().to_owned();
        Ok(app)
    }

    /// NET-02: the committee decides. An approval needs every item verified and passed and an
    /// effective date for each line of business applied for (none before the decision); any
    /// decision needs a reason, and the notice cannot precede the meeting.
    pub fn decide(&self, decision: CommitteeDecision) -> Result<Application, NetworkError> {
        if self.decision.is_some() {
            return Err(NetworkError::Refused(format!(
                "application {} is already decided",
                self.id
            )));
        }
        if decision.reason.trim().is_empty() {
            return Err(NetworkError::invalid(
                "reason",
                "the committee's decision needs its reason (NET-02)",
            ));
        }
        if decision.decided_on < self.received {
            return Err(NetworkError::invalid(
                "decided_on",
                format!(
                    "{} is before the application ({})",
                    decision.decided_on, self.received
                ),
            ));
        }
        if decision.notice_date < decision.decided_on {
            return Err(NetworkError::invalid(
                "notice_date",
                format!("{} is before the decision", decision.notice_date),
            ));
        }
        if decision.outcome == Outcome::Approved {
            let missing = self.missing();
            if !missing.is_empty() {
                return Err(NetworkError::Refused(format!(
                    "NET-02: cannot approve {} while items are missing: {}",
                    self.id,
                    missing
                        .iter()
                        .map(|m| m.what.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                )));
            }
            for lob in &self.form.lines_of_business {
                match decision.effective.get(lob) {
                    None => {
                        return Err(NetworkError::invalid(
                            format!("effective.{}", spelling(*lob)),
                            "an approval gives the effective date for each line of business",
                        ));
                    }
                    Some(d) if *d < decision.decided_on => {
                        return Err(NetworkError::invalid(
                            format!("effective.{}", spelling(*lob)),
                            format!("{d} is before the committee's decision"),
                        ));
                    }
                    Some(_) => {}
                }
            }
            if let Some(lob) = decision
                .effective
                .keys()
                .find(|l| !self.form.lines_of_business.contains(l))
            {
                return Err(NetworkError::invalid(
                    format!("effective.{}", spelling(*lob)),
                    "not a line of business applied for",
                ));
            }
        }
        let mut app = self.clone();
        app.decision = Some(CommitteeDecision {
            reason: decision.reason.trim().to_owned(),
            ..decision
        });
        Ok(app)
    }

    /// An approval's first day in the network: the earliest effective date over its lines of
    /// business (the status span starts there; each line's own date is kept on the decision).
    pub fn participation_from(&self) -> Option<Date> {
        self.decision
            .as_ref()
            .filter(|d| d.outcome == Outcome::Approved)
            .and_then(|d| d.effective.values().min().copied())
    }

    /// NET-09: the clinicians an approved facility's credentialing covers.
    pub fn covered_staff(&self) -> &[Npi] {
        if self.participation_from().is_some() {
            &self.form.staff
        } else {
            &[]
        }
    }

    /// The status an approval gives: participating from the first effective date.
    pub fn approved_status(&self) -> Option<(NetworkStatus, Date, String)> {
        self.participation_from().map(|d| {
            (
                NetworkStatus::Participating,
                d,
                format!("credentialed ({})", self.id),
            )
        })
    }
}

/// The serde spelling of a value (e.g. `site_visit`, `medicaid`).
pub fn spelling<T: Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
