//! NET-06: an adverse credentialing decision may be appealed within 30 calendar days of its
//! notice; the case engine (`accord-cases`) runs the appeal's clocks. This module builds the
//! filing from the decision.

use accord_cases::{CredentialingAppealFiling, FiledBy, Filing, NewCase, Parties, Subject};

use crate::NetworkError;
use crate::credentialing::{Application, Outcome};

/// NET-06: the case filing for an appeal of `app`'s adverse decision: filed by the provider,
/// about the provider, the notice date from the decision. Refused for an undecided or approved
/// application.
pub fn appeal_filing(app: &Application) -> Result<NewCase, NetworkError> {
    let Some(d) = app
        .decision
        .as_ref()
        .filter(|d| d.outcome == Outcome::Denied)
    else {
        return Err(NetworkError::Refused(format!(
            "NET-06: only an adverse credentialing decision is appealed; application {} is {}",
            app.id,
            match &app.decision {
                None => "not decided",
                Some(_) => "approved",
            }
        )));
    };
    let npi = app.npi().clone();
    Ok(NewCase {
        parties: Parties {
            filed_by: FiledBy::Provider,
            provider: Some(npi.clone()),
            member: None,
        },
        subject: Subject {
            provider: Some(npi),
            ..Subject::default()
        },
        filing: Filing::CredentialingAppeal(CredentialingAppealFiling {
            notice_date: d.notice_date,
        }),
    })
}
