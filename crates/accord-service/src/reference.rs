//! The store's records as the claims engine reads them: members, eligibility and other coverage
//! by member ID, the provider directory, authorizations with the units claims have used, and the
//! claim history. Built once per run ([`Reference::build`]); the run keeps it current as it
//! decides claims (see [`crate::decide`]).

use std::collections::HashMap;
use std::str::FromStr;

use accord_claims::{
    Authorization, AuthorizationBook, ClaimHistory, PriorLine, PriorStatus, ProviderDirectory,
    ProviderFacts,
};
use accord_core::member::{EligibilitySpan, Member, OtherCoverage};
use accord_core::{MemberId, Modifier, Npi, ProcedureCode};
use accord_store::{Book, HistoryLine, StoredAuthorization};
use rust_decimal::Decimal;

use crate::ServiceError;

/// Everything a claim is judged against, indexed.
#[derive(Debug, Default)]
pub struct Reference {
    members: HashMap<String, Member>,
    spans: HashMap<String, Vec<EligibilitySpan>>,
    other_coverage: HashMap<String, Vec<OtherCoverage>>,
    /// Providers with status spans and sanctions (NET-05/08/09).
    pub providers: ProviderDirectory,
    /// Authorizations, units used counted from claims (UM-04).
    pub authorizations: AuthorizationBook,
    /// Claim history (CLM-06, CLM-08, UM-01).
    pub history: ClaimHistory,
    /// APL-04: appeals open when the run started (`load_reference` sets them; empty by default).
    pub open_appeals: Vec<accord_claims::OpenAppeal>,
}

impl Reference {
    /// Indexes the book, the authorizations and the history lines. Units used on each
    /// authorization are the units the history's paid lines took from it (UM-04).
    pub fn build(
        book: Book,
        authorizations: Vec<StoredAuthorization>,
        history: Vec<HistoryLine>,
    ) -> Result<Reference, ServiceError> {
        let mut spans: HashMap<String, Vec<EligibilitySpan>> = HashMap::new();
        for s in book.spans {
            spans.entry(s.member_id.to_string()).or_default().push(s);
        }
        let mut other_coverage: HashMap<String, Vec<OtherCoverage>> = HashMap::new();
        for o in book.other_coverage {
            other_coverage
                .entry(o.member_id.to_string())
                .or_default()
                .push(o);
        }
        let members = book
            .members
            .into_iter()
            .map(|m| (m.member_id.to_string(), m))
            .collect();
        let mut by_npi: HashMap<String, ProviderFacts> = book
            .providers
            .into_iter()
            .map(|p| {
                (
                    p.npi.to_string(),
                    ProviderFacts {
                        provider: p,
                        statuses: Vec::new(),
                        sanctions: Vec::new(),
                    },
                )
            })
            .collect();
        for s in book.statuses {
            if let Some(p) = by_npi.get_mut(s.npi.as_str()) {
                p.statuses.push(s);
            }
        }
        for s in book.sanctions {
            if let Some(p) = by_npi.get_mut(s.npi.as_str()) {
                p.sanctions.push(s);
            }
        }
        let mut used: HashMap<String, Decimal> = HashMap::new();
        let mut prior = Vec::with_capacity(history.len());
        for h in history {
            if h.paid {
                for (id, units) in &h.authorizations {
                    *used.entry(id.clone()).or_default() += *units;
                }
            }
            prior.push(prior_line(h)?);
        }
        let auths = authorizations
            .into_iter()
            .map(|a| {
                let units = used.get(&a.auth_id).copied().unwrap_or_default();
                authorization(a, units)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Reference {
            members,
            spans,
            other_coverage,
            providers: by_npi.into_values().collect(),
            authorizations: AuthorizationBook::new(auths),
            history: ClaimHistory::new(prior),
            open_appeals: Vec::new(),
        })
    }

    /// The member, if on record.
    pub fn member(&self, id: &MemberId) -> Option<&Member> {
        self.members.get(id.as_str())
    }

    /// The member's eligibility spans (ELIG-01).
    pub fn spans(&self, id: &MemberId) -> &[EligibilitySpan] {
        self.spans.get(id.as_str()).map_or(&[], Vec::as_slice)
    }

    /// The member's other coverage (ELIG-04, PAY-03).
    pub fn other_coverage(&self, id: &MemberId) -> &[OtherCoverage] {
        self.other_coverage
            .get(id.as_str())
            .map_or(&[], Vec::as_slice)
    }
}

/// A stored history line as the engine's prior line.
pub fn prior_line(h: HistoryLine) -> Result<PriorLine, ServiceError> {
    let record = || format!("history line {} of claim {}", h.line, h.tracking);
    Ok(PriorLine {
        member: MemberId::parse(&h.member_id)
            .map_err(|e| ServiceError::invalid(record(), "member_id", e))?,
        rendering: Npi::parse(&h.rendering_npi)
            .map_err(|e| ServiceError::invalid(record(), "rendering_npi", e))?,
        code: ProcedureCode::parse(&h.procedure)
            .map_err(|e| ServiceError::invalid(record(), "procedure", e))?,
        modifiers: h
            .modifiers
            .split_whitespace()
            .map(Modifier::parse)
            .collect::<Result<_, _>>()
            .map_err(|e| ServiceError::invalid(record(), "modifiers", e))?,
        date: h.service_date,
        units: h.units,
        status: if h.paid {
            PriorStatus::Paid
        } else {
            PriorStatus::Pending
        },
        tracking: h.tracking,
    })
}

/// A stored authorization as the engine's, with `units_used` already counted.
pub fn authorization(
    a: StoredAuthorization,
    units_used: Decimal,
) -> Result<Authorization, ServiceError> {
    let record = || format!("authorization {}", a.auth_id);
    let services = a
        .services
        .iter()
        .map(|(code, mods)| {
            let code = ProcedureCode::parse(code)
                .map_err(|e| ServiceError::invalid(record(), "procedure", e))?;
            let mods = mods
                .iter()
                .map(|m| Modifier::from_str(m))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| ServiceError::invalid(record(), "modifiers", e))?;
            Ok((code, mods))
        })
        .collect::<Result<Vec<_>, ServiceError>>()?;
    Ok(Authorization {
        member: MemberId::parse(&a.member_id)
            .map_err(|e| ServiceError::invalid(record(), "member_id", e))?,
        provider: Npi::parse(&a.provider_npi)
            .map_err(|e| ServiceError::invalid(record(), "provider_npi", e))?,
        services,
        level_of_care: a.level_of_care,
        start: a.start,
        end: a.end,
        units_authorized: a.units_authorized,
        units_used,
        id: a.auth_id,
    })
}

/// An imported authorization as the store keeps it (codes as text).
pub fn stored_from_import(a: accord_import::ImportedAuthorization) -> StoredAuthorization {
    StoredAuthorization {
        services: services_text(&a.services),
        auth_id: a.auth_id,
        member_id: a.member_id.to_string(),
        provider_npi: a.provider_npi.to_string(),
        level_of_care: a.level_of_care,
        start: a.start,
        end: a.end,
        units_authorized: a.units_authorized,
    }
}

/// An engine authorization as the store keeps it (the units used are not stored: UM-04 counts
/// them from claims).
pub fn stored_from_engine(a: &Authorization) -> StoredAuthorization {
    StoredAuthorization {
        auth_id: a.id.clone(),
        member_id: a.member.to_string(),
        provider_npi: a.provider.to_string(),
        services: services_text(&a.services),
        level_of_care: a.level_of_care.clone(),
        start: a.start,
        end: a.end,
        units_authorized: a.units_authorized,
    }
}

fn services_text(services: &[(ProcedureCode, Vec<Modifier>)]) -> Vec<(String, Vec<String>)> {
    services
        .iter()
        .map(|(c, m)| (c.to_string(), m.iter().map(|x| x.to_string()).collect()))
        .collect()
}
