//! Providers, their locations and pay-to vendors, network status and sanctions, with the pure rule
//! that says what a provider may do on a date (NET-05, NET-08, NET-09).

use serde::{Deserialize, Serialize};

use crate::{Date, Npi, TaxId, VendorNumber};

/// What kind of provider a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    /// A clinician (NPI type 1).
    Individual,
    /// A group practice (NPI type 2).
    Group,
    /// A facility or agency: community mental health center, SUD program, hospital (NPI type 2).
    Facility,
}

impl ProviderKind {
    /// The storage / file spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Individual => "individual",
            ProviderKind::Group => "group",
            ProviderKind::Facility => "facility",
        }
    }

    /// Parses the storage / file spelling.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Individual, Self::Group, Self::Facility]
            .into_iter()
            .find(|k| k.as_str() == s.trim())
    }
}

/// A provider record (NET-01).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provider {
    /// The provider's NPI.
    pub npi: Npi,
    /// Individual, group or facility.
    pub kind: ProviderKind,
    /// Legal or display name.
    pub name: String,
    /// Tax ID the provider bills under.
    pub tax_id: TaxId,
    /// Specialty or provider type, e.g. `psychiatrist`, `lcsw`, `cmhc`, `sud_program`.
    pub specialty: String,
    /// State licence number, when licensed.
    pub license_number: Option<String>,
    /// Licence expiry; an expired licence makes the provider unlicensed (NET-05).
    pub license_expires: Option<Date>,
    /// For clinicians employed by a credentialed facility: the facility's NPI (NET-09).
    pub facility_npi: Option<Npi>,
}

/// A service location (NET-01): a provider may have several, each with its vendor number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Location vendor number (letter + 5 digits).
    pub vendor_number: VendorNumber,
    /// The provider that owns the location.
    pub npi: Npi,
    /// Location name.
    pub name: String,
    /// Street address.
    pub address: String,
    /// City.
    pub city: String,
    /// Two-letter state.
    pub state: String,
    /// ZIP code.
    pub zip: String,
}

/// A pay-to vendor (NET-01): where a provider's money goes. A provider may have several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayToVendor {
    /// Vendor number of the pay-to record.
    pub vendor_number: VendorNumber,
    /// The provider paid.
    pub npi: Npi,
    /// Payee name as it appears on the 835.
    pub name: String,
    /// Payee tax ID.
    pub tax_id: TaxId,
}

/// A provider's participation in the network over a span of dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NetworkStatus {
    /// In network, credentialed.
    Participating,
    /// On leave of absence (NET-08): inactive, no referrals, not paid as participating.
    LeaveOfAbsence,
    /// Left the network by choice (NET-08: may not reapply for 6 months).
    Resigned,
    /// Participation terminated (NET-03 lapse or NET-05 sanction).
    Terminated,
}

impl NetworkStatus {
    /// The storage / file spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            NetworkStatus::Participating => "participating",
            NetworkStatus::LeaveOfAbsence => "leave_of_absence",
            NetworkStatus::Resigned => "resigned",
            NetworkStatus::Terminated => "terminated",
        }
    }

    /// Parses the storage / file spelling.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Participating,
            Self::LeaveOfAbsence,
            Self::Resigned,
            Self::Terminated,
        ]
        .into_iter()
        .find(|k| k.as_str() == s.trim())
    }
}

/// A dated span of network status; `end: None` is open-ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusSpan {
    /// Whose status.
    pub npi: Npi,
    /// The status.
    pub status: NetworkStatus,
    /// First day.
    pub start: Date,
    /// Last day, if ended.
    pub end: Option<Date>,
    /// Why (shown to the provider and in explanations).
    pub reason: String,
}

/// NET-05's sanction ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SanctionLevel {
    /// Educational consultation.
    Consultation,
    /// Written warning.
    WrittenWarning,
    /// Second warning with monitoring: may stop new referrals and authorizations.
    Monitoring,
    /// Suspension (up to 30 calendar days unless extended): stops referrals, authorizations and
    /// payment.
    Suspension,
    /// Termination of participation.
    Termination,
}

impl SanctionLevel {
    /// The storage / file spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SanctionLevel::Consultation => "consultation",
            SanctionLevel::WrittenWarning => "written_warning",
            SanctionLevel::Monitoring => "monitoring",
            SanctionLevel::Suspension => "suspension",
            SanctionLevel::Termination => "termination",
        }
    }

    /// Parses the storage / file spelling.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Consultation,
            Self::WrittenWarning,
            Self::Monitoring,
            Self::Suspension,
            Self::Termination,
        ]
        .into_iter()
        .find(|k| k.as_str() == s.trim())
    }
}

/// A sanction in force between two dates (NET-05).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sanction {
    /// Who is sanctioned.
    pub npi: Npi,
    /// How severely.
    pub level: SanctionLevel,
    /// First day in force.
    pub start: Date,
    /// Last day in force; a suspension always has one (NET-05: up to 30 days unless extended).
    pub end: Option<Date>,
    /// Why.
    pub reason: String,
}

impl Sanction {
    /// True when the sanction is in force on `d`.
    pub fn in_force(&self, d: Date) -> bool {
        d >= self.start && self.end.is_none_or(|e| d <= e)
    }
}

/// What a provider may do on a date, and why not when it may not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    /// New authorizations and referrals may be issued (NET-05 monitoring/suspension, NET-08 leave).
    pub may_receive_authorizations: bool,
    /// Claims for services on this date are payable as participating (NET-05, NET-08).
    pub claims_payable: bool,
    /// Plain-language reasons, each citing its rule, for every restriction found.
    pub reasons: Vec<String>,
}

/// NET-05, NET-08, NET-09: the provider's standing on `d`.
///
/// - No participating status span on `d` (terminated, resigned, never credentialed, or on leave):
///   not payable, no authorizations. A clinician with no span of its own is covered by its
///   facility's when `facility_standing` is given (NET-09: facility credentialing covers its staff).
/// - Monitoring stops new authorizations; suspension and termination also stop payment.
/// - An expired licence stops payment and authorizations ("unlicensed provider", NET-05).
pub fn standing_on(
    provider: &Provider,
    statuses: &[StatusSpan],
    sanctions: &[Sanction],
    facility_standing: Option<&Standing>,
    d: Date,
) -> Standing {
    let mut s = Standing {
        may_receive_authorizations: true,
        claims_payable: true,
        reasons: Vec::new(),
    };
    let status = statuses
        .iter()
        .filter(|x| x.npi == provider.npi && d >= x.start && x.end.is_none_or(|e| d <= e))
        .max_by_key(|x| x.start);
    match status.map(|x| x.status) {
        Some(NetworkStatus::Participating) => {}
        None if facility_standing.is_some() => {
            // NET-09: the facility's own standing decides for its staff.
            if let Some(f) = facility_standing {
                s.may_receive_authorizations &= f.may_receive_authorizations;
                s.claims_payable &= f.claims_payable;
                s.reasons
                    .extend(f.reasons.iter().map(|r| format!("facility: {r}")));
            }
        }
        None => {
            s.may_receive_authorizations = false;
            s.claims_payable = false;
            s.reasons
                .push(format!("not a participating provider on {d} (NET-01)"));
        }
        Some(other) => {
            s.may_receive_authorizations = false;
            s.claims_payable = false;
            let why = status.map(|x| x.reason.as_str()).unwrap_or_default();
            let rule = match other {
                NetworkStatus::LeaveOfAbsence | NetworkStatus::Resigned => "NET-08",
                _ => "NET-05",
            };
            s.reasons
                .push(format!("{} on {d}: {why} ({rule})", other.as_str()));
        }
    }
    for x in sanctions
        .iter()
        .filter(|x| x.npi == provider.npi && x.in_force(d))
    {
        match x.level {
            SanctionLevel::Consultation | SanctionLevel::WrittenWarning => {}
            SanctionLevel::Monitoring => {
                s.may_receive_authorizations = false;
                s.reasons.push(format!(
                    "under monitoring since {}: no new authorizations (NET-05): {}",
                    x.start, x.reason
                ));
            }
            SanctionLevel::Suspension | SanctionLevel::Termination => {
                s.may_receive_authorizations = false;
                s.claims_payable = false;
                s.reasons.push(format!(
                    "{} since {} (NET-05): {}",
                    x.level.as_str(),
                    x.start,
                    x.reason
                ));
            }
        }
    }
    if let Some(exp) = provider.license_expires
        && d > exp
    {
        s.may_receive_authorizations = false;
        s.claims_payable = false;
        s.reasons.push(format!(
            "licence expired on {exp} (NET-05: unlicensed provider)"
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn provider(npi: &Npi) -> Provider {
        Provider {
            npi: npi.clone(),
            kind: ProviderKind::Individual,
            name: "Dr A".into(),
            tax_id: TaxId::parse("12-3456789").unwrap(),
            specialty: "psychiatrist".into(),
            license_number: Some("036-000001".into()),
            license_expires: Some(date(2027, 12, 31)),
            facility_npi: None,
        }
    }

    fn participating(npi: &Npi) -> StatusSpan {
        StatusSpan {
            npi: npi.clone(),
            status: NetworkStatus::Participating,
            start: date(2020, 1, 1),
            end: None,
            reason: "credentialed".into(),
        }
    }

    #[test]
    fn net_05_suspension_stops_payment_and_authorizations_only_while_in_force() {
        let npi = Npi::from_first_nine(100_000_001);
        let p = provider(&npi);
        let st = [participating(&npi)];
        let sanc = [Sanction {
            npi: npi.clone(),
            level: SanctionLevel::Suspension,
            start: date(2026, 3, 1),
            end: Some(date(2026, 3, 30)),
            reason: "billing audit".into(),
        }];
        let during = standing_on(&p, &st, &sanc, None, date(2026, 3, 15));
        assert!(!during.claims_payable && !during.may_receive_authorizations);
        assert!(during.reasons[0].contains("NET-05"));
        let after = standing_on(&p, &st, &sanc, None, date(2026, 3, 31));
        assert!(after.claims_payable && after.may_receive_authorizations);
    }

    #[test]
    fn net_05_monitoring_stops_authorizations_not_payment() {
        let npi = Npi::from_first_nine(100_000_002);
        let sanc = [Sanction {
            npi: npi.clone(),
            level: SanctionLevel::Monitoring,
            start: date(2026, 1, 1),
            end: None,
            reason: "second warning".into(),
        }];
        let s = standing_on(
            &provider(&npi),
            &[participating(&npi)],
            &sanc,
            None,
            date(2026, 2, 1),
        );
        assert!(s.claims_payable);
        assert!(!s.may_receive_authorizations);
    }

    #[test]
    fn net_05_expired_licence_is_unlicensed() {
        let npi = Npi::from_first_nine(100_000_003);
        let s = standing_on(
            &provider(&npi),
            &[participating(&npi)],
            &[],
            None,
            date(2028, 1, 1),
        );
        assert!(!s.claims_payable);
        assert!(s.reasons[0].contains("licence expired"));
    }

    #[test]
    fn net_08_leave_of_absence_is_inactive() {
        let npi = Npi::from_first_nine(100_000_004);
        let st = [
            StatusSpan {
                end: Some(date(2026, 4, 30)),
                ..participating(&npi)
            },
            StatusSpan {
                npi: npi.clone(),
                status: NetworkStatus::LeaveOfAbsence,
                start: date(2026, 5, 1),
                end: None,
                reason: "medical leave".into(),
            },
        ];
        let s = standing_on(&provider(&npi), &st, &[], None, date(2026, 5, 2));
        assert!(!s.claims_payable && !s.may_receive_authorizations);
        assert!(s.reasons[0].contains("NET-08"));
        assert!(standing_on(&provider(&npi), &st, &[], None, date(2026, 4, 30)).claims_payable);
    }

    #[test]
    fn net_09_facility_credentialing_covers_its_staff() {
        let facility = Npi::from_first_nine(200_000_001);
        let clinician = Npi::from_first_nine(100_000_005);
        let mut p = provider(&clinician);
        p.facility_npi = Some(facility.clone());
        let fac_standing = Standing {
            may_receive_authorizations: true,
            claims_payable: true,
            reasons: vec![],
        };
        // The clinician has no individual credentialing span, yet its claims are payable.
        let s = standing_on(&p, &[], &[], Some(&fac_standing), date(2026, 2, 1));
        assert!(s.claims_payable);
        // Without the facility, the same clinician is not participating.
        assert!(!standing_on(&p, &[], &[], None, date(2026, 2, 1)).claims_payable);
    }
}
