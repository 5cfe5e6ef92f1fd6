//! QM-02 access standards and QM-03 aftercare, pure: appointment-availability records, the plan's
//! standards, calendar and time zone in; per urgency class the count and share offered within the
//! standard, with the member-level list; and the share of discharges with an aftercare
//! appointment recorded at discharge and falling within the plan's days.

use std::collections::BTreeMap;

use accord_core::calendar::{self, local_date};
use accord_core::{BusinessCalendar, Date, Timestamp};
use accord_plan::AccessStandards;
use jiff::ToSpan;
use jiff::tz::TimeZone;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// QM-02 urgency classes, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Life-threatening emergency: immediately.
    LifeThreateningEmergency,
    /// Non-life-threatening emergency: within 6 hours.
    NonLifeThreateningEmergency,
    /// Urgent: within 48 hours.
    Urgent,
    /// Routine: within 10 business days.
    Routine,
    /// Follow-up with a non-prescriber: within 30 business days.
    FollowUpNonPrescriber,
    /// Follow-up with a prescriber: within 90 business days.
    FollowUpPrescriber,
}

impl Urgency {
    /// Every class, most urgent first.
    pub const ALL: [Urgency; 6] = [
        Urgency::LifeThreateningEmergency,
        Urgency::NonLifeThreateningEmergency,
        Urgency::Urgent,
        Urgency::Routine,
        Urgency::FollowUpNonPrescriber,
        Urgency::FollowUpPrescriber,
    ];

    /// The spelling in files and reports, e.g. `urgent`.
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::LifeThreateningEmergency => "life_threatening_emergency",
            Urgency::NonLifeThreateningEmergency => "non_life_threatening_emergency",
            Urgency::Urgent => "urgent",
            Urgency::Routine => "routine",
            Urgency::FollowUpNonPrescriber => "follow_up_non_prescriber",
            Urgency::FollowUpPrescriber => "follow_up_prescriber",
        }
    }

    /// Parses [`Urgency::as_str`]'s spelling (case-insensitive), naming the choices otherwise.
    pub fn parse(s: &str) -> Result<Urgency, String> {
        let lower = s.trim().to_ascii_lowercase();
        Urgency::ALL
            .into_iter()
            .find(|u| u.as_str() == lower)
            .ok_or_else(|| {
                format!(
                    "{s:?} is not an urgency class ({})",
                    Urgency::ALL.map(Urgency::as_str).join(", ")
                )
            })
    }

    /// QM-02: this class's standard in the plan's settings.
    pub fn standard(self, s: &AccessStandards) -> Standard {
        match self {
            Urgency::LifeThreateningEmergency => {
                Standard::Hours(s.life_threatening_emergency_hours)
            }
            Urgency::NonLifeThreateningEmergency => {
                Standard::Hours(s.non_life_threatening_emergency_hours)
            }
            Urgency::Urgent => Standard::Hours(s.urgent_hours),
            Urgency::Routine => Standard::BusinessDays(s.routine_business_days),
            Urgency::FollowUpNonPrescriber => {
                Standard::BusinessDays(s.follow_up_non_prescriber_business_days)
            }
            Urgency::FollowUpPrescriber => {
                Standard::BusinessDays(s.follow_up_prescriber_business_days)
            }
        }
    }
}

impl std::fmt::Display for Urgency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How long a class may wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standard {
    /// Elapsed hours from the request to the offered appointment.
    Hours(u32),
    /// Business days on the plan calendar, counted in the plan's time zone from the day after the
    /// request: the offered appointment's date is on or before the Nth business day.
    BusinessDays(u32),
}

impl std::fmt::Display for Standard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Standard::Hours(0) => f.write_str("immediately"),
            Standard::Hours(h) => write!(f, "{h} hours"),
            Standard::BusinessDays(d) => write!(f, "{d} business days"),
        }
    }
}

/// One appointment-availability record: a member asked for care and was offered a time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    /// The record's number, unique per plan (e.g. the provider's or call centre's reference).
    pub appointment_id: String,
    /// Member.
    pub member_id: String,
    /// The provider offering the appointment.
    pub provider_npi: String,
    /// When the member (or someone for them) asked.
    pub requested_at: Timestamp,
    /// The appointment time offered; `None` when none was offered (the standard is not met).
    pub offered_at: Option<Timestamp>,
    /// QM-02 class.
    pub urgency: Urgency,
    /// QM-03: the inpatient discharge this appointment is the aftercare for.
    pub discharge_date: Option<Date>,
}

/// QM-02: is the offered time within the standard? Exactly at the standard meets it.
pub fn meets_standard(
    a: &Appointment,
    standard: Standard,
    calendar: &BusinessCalendar,
    tz: &TimeZone,
) -> bool {
    let Some(offered) = a.offered_at else {
        return false;
    };
    match standard {
        Standard::Hours(h) => {
            calendar::add_hours(a.requested_at, i64::from(h)).is_ok_and(|limit| offered <= limit)
        }
        Standard::BusinessDays(n) => calendar
            .add_business_days(local_date(a.requested_at, tz), n)
            .is_ok_and(|limit| local_date(offered, tz) <= limit),
    }
}

/// One line of the member-level list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessLine {
    /// Record number.
    pub appointment_id: String,
    /// Member.
    pub member_id: String,
    /// Provider.
    pub provider_npi: String,
    /// Requested.
    pub requested_at: Timestamp,
    /// Offered.
    pub offered_at: Option<Timestamp>,
    /// Within the standard.
    pub met: bool,
}

/// One urgency class's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessRate {
    /// The class.
    pub urgency: Urgency,
    /// The standard, in words (`48 hours`, `10 business days`).
    pub standard: String,
    /// Requests in the period.
    pub requests: u64,
    /// Offered within the standard.
    pub met: u64,
    /// Percent met, two places (zero when there were no requests).
    pub percent: Decimal,
    /// The records behind the rate, by request time.
    pub members: Vec<AccessLine>,
}

/// One discharge for QM-03.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Discharge<'a> {
    /// Member.
    pub member_id: &'a str,
    /// Discharge date.
    pub date: Date,
}

/// QM-03 for one discharge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AftercareLine {
    /// Member.
    pub member_id: String,
    /// Discharge date.
    pub discharge_date: Date,
    /// The aftercare record that meets the rule, if any.
    pub appointment_id: Option<String>,
    /// Met.
    pub met: bool,
}

/// QM-03 result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AftercareRate {
    /// The plan's days.
    pub days: u32,
    /// Discharges in the period.
    pub discharges: u64,
    /// With an aftercare appointment recorded at discharge and within the days.
    pub met: u64,
    /// Percent, two places.
    pub percent: Decimal,
    /// One line per discharge.
    pub members: Vec<AftercareLine>,
}

/// The access report for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessReport {
    /// First day (plan time zone).
    pub start: Date,
    /// Last day.
    pub end: Date,
    /// QM-02 per urgency class, most urgent first.
    pub classes: Vec<AccessRate>,
    /// QM-03.
    pub aftercare: AftercareRate,
}

pub(crate) fn percent(num: u64, den: u64) -> Decimal {
    if den == 0 {
        return Decimal::ZERO;
    }
    (Decimal::from(num) * Decimal::ONE_HUNDRED / Decimal::from(den)).round_dp(2)
}

/// QM-03: the aftercare record `a` meets the rule for a discharge on `discharge`: it names that
/// discharge, was recorded (requested) on or before the discharge day in the plan's time zone, and
/// the offered appointment falls on a day from the discharge through `days` days after.
pub fn aftercare_met(a: &Appointment, discharge: Date, days: u32, tz: &TimeZone) -> bool {
    let Some(offered) = a.offered_at else {
        return false;
    };
    let on = local_date(offered, tz);
    a.discharge_date == Some(discharge)
        && local_date(a.requested_at, tz) <= discharge
        && on >= discharge
        && discharge
            .checked_add(i64::from(days).days())
            .is_ok_and(|last| on <= last)
}

/// QM-02 and QM-03 over a period (request dates and discharge dates from `start` to `end` in the
/// plan's time zone). `discharges` are the inpatient discharges known from claims; discharges
/// named by appointment records in the period are added, so a discharge whose claim has not
/// arrived still counts.
pub fn access_report(
    appointments: &[Appointment],
    discharges: &[Discharge<'_>],
    standards: &AccessStandards,
    calendar: &BusinessCalendar,
    tz: &TimeZone,
    start: Date,
    end: Date,
) -> AccessReport {
    let in_period = |d: Date| d >= start && d <= end;
    let mut by_class: BTreeMap<Urgency, Vec<AccessLine>> = BTreeMap::new();
    let mut sorted: Vec<&Appointment> = appointments.iter().collect();
    sorted.sort_by(|a, b| {
        (a.requested_at, &a.appointment_id).cmp(&(b.requested_at, &b.appointment_id))
    });
    for a in &sorted {
        if !in_period(local_date(a.requested_at, tz)) {
            continue;
        }
        let met = meets_standard(a, a.urgency.standard(standards), calendar, tz);
        by_class.entry(a.urgency).or_default().push(AccessLine {
            appointment_id: a.appointment_id.clone(),
            member_id: a.member_id.clone(),
            provider_npi: a.provider_npi.clone(),
            requested_at: a.requested_at,
            offered_at: a.offered_at,
            met,
        });
    }
    let classes = Urgency::ALL
        .into_iter()
        .map(|u| {
            let members = by_class.remove(&u).unwrap_or_default();
            let requests = members.len() as u64;
            let met = members.iter().filter(|l| l.met).count() as u64;
            AccessRate {
                urgency: u,
                standard: u.standard(standards).to_string(),
                requests,
                met,
                percent: percent(met, requests),
                members,
            }
        })
        .collect();
    let mut all: std::collections::BTreeSet<Discharge<'_>> = discharges
        .iter()
        .copied()
        .filter(|d| in_period(d.date))
        .collect();
    for a in appointments {
        if let Some(d) = a.discharge_date.filter(|d| in_period(*d)) {
            all.insert(Discharge {
                member_id: &a.member_id,
                date: d,
            });
        }
    }
    let members: Vec<AftercareLine> = all
        .iter()
        .map(|d| {
            let hit = sorted.iter().find(|a| {
                a.member_id == d.member_id && aftercare_met(a, d.date, standards.aftercare_days, tz)
            });
            AftercareLine {
                member_id: d.member_id.to_owned(),
                discharge_date: d.date,
                appointment_id: hit.map(|a| a.appointment_id.clone()),
                met: hit.is_some(),
            }
        })
        .collect();
    let met = members.iter().filter(|l| l.met).count() as u64;
    AccessReport {
        start,
        end,
        classes,
        aftercare: AftercareRate {
            days: standards.aftercare_days,
            discharges: members.len() as u64,
            met,
            percent: percent(met, members.len() as u64),
            members,
        },
    }
}
