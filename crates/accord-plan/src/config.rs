//! `plan.toml`: the plan's settings (identity, program, time zone, every clock and window RULES.md
//! names, plan holidays, cost share), with the pure rule lookups over them.
//!
//! Every number has a serde default equal to the RULES.md default (documented per field and in
//! `docs/plan-configuration.md`), so a plan writes only what differs; unknown keys are errors
//! (`deny_unknown_fields`) so a typo never silently falls back to a default.

use std::path::Path;

use accord_core::calendar::{self, CalendarError};
use accord_core::member::Program;
use accord_core::{BusinessCalendar, Date, Money, ProcedureCode, Timestamp};
use jiff::tz::TimeZone;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer};

use crate::errors::PlanError;
use crate::standards::{self, AccessStandards, SlidingFeeScale};

/// The contents of `plan.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanConfig {
    /// The plan's display name.
    pub name: String,
    /// The payer identifier on X12 transactions (e.g. NM109 of the payer loop).
    pub payer_id: String,
    /// Short plan code used on eligibility spans, e.g. `ACCORD-IL` (ELIG-01).
    pub plan_code: String,
    /// Line of business: `medicaid`, `medicare_advantage`, `commercial`, `state_funded`, `eap`.
    pub program: Program,
    /// IANA time zone in which dates and date deadlines are reckoned, e.g. `America/Chicago`.
    pub time_zone: String,
    /// The contract is CMS-governed (UM-02: non-urgent prospective clock 14 days). Default false.
    #[serde(default)]
    pub cms_governed: bool,
    /// The payer is under CMS-0057-F (UM-02: non-urgent prospective clock 7 days). Default false.
    #[serde(default)]
    pub cms_0057f: bool,
    /// First receipt date the CMS-0057-F clock applies to (default: always, when `cms_0057f`).
    #[serde(default, deserialize_with = "de_opt_date")]
    pub cms_0057f_from: Option<Date>,
    /// CLM-02 timely filing.
    #[serde(default)]
    pub timely_filing: TimelyFiling,
    /// UM-02, UM-06, UM-07, UM-09, UM-11, ELIG-03 utilization-management clocks.
    #[serde(default)]
    pub um: UmSettings,
    /// APL-01/02 appeals.
    #[serde(default)]
    pub appeals: Appeals,
    /// CMP-01..03 complaints.
    #[serde(default)]
    pub complaints: Complaints,
    /// DSP-01..03 claim disputes and REC-03 review requests.
    #[serde(default)]
    pub disputes: Disputes,
    /// REC-02 overpayment recovery.
    #[serde(default)]
    pub recovery: Recovery,
    /// REC-04, REC-05 billing audits and treatment-record reviews.
    #[serde(default)]
    pub audits: Audits,
    /// NET-06 appeals of credentialing decisions and fair hearings.
    #[serde(default)]
    pub credentialing_appeals: CredentialingAppeals,
    /// NET-02..NET-08 the provider network: re-credentialing, notices, sanctions, exclusion
    /// screening, leave of absence.
    #[serde(default)]
    pub network: NetworkSettings,
    #[serde(default)]
    pub remittance: Remittance,
    /// ELIG-04 other-coverage re-attestation.
    #[serde(default)]
    pub other_coverage: OtherCoverageSettings,
    /// Plan holidays added to the federal ones (business-day clocks).
    #[serde(default)]
    pub holidays: Vec<PlanHoliday>,
    /// PAY-02 member cost share per program.
    #[serde(default)]
    pub cost_share: Vec<CostShare>,
    /// SP-05 service plans.
    #[serde(default)]
    pub service_plans: ServicePlanSettings,
    /// QM-02 access standards and QM-03 aftercare.
    #[serde(default)]
    pub access: AccessStandards,
    /// PAY-05 the state sliding fee scale.
    #[serde(default)]
    pub sliding_fee: SlidingFeeScale,
}

/// SP-05 service-plan settings (`[service_plans]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServicePlanSettings {
    /// SP-05: services whose priority processing needs no justification note (default none).
    /// Each must be in `services.csv`; none may be listed twice.
    pub priority_exempt_services: Vec<ProcedureCode>,
}

/// CLM-02 timely filing window.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TimelyFiling {
    /// Calendar days to file (default 90).
    pub days: u32,
    /// Inpatient/residential claims count from the discharge date (default true).
    pub from_discharge_for_inpatient: bool,
    /// Secondary claims count from the primary payer's determination date (default true).
    pub secondary_from_primary_determination: bool,
    /// CLM-10: corrected claims / reviews within N calendar days of the remittance (default: none).
    pub corrected_claim_days: Option<u32>,
}

impl Default for TimelyFiling {
    fn default() -> Self {
        Self {
            days: 90,
            from_discharge_for_inpatient: true,
            secondary_from_primary_determination: true,
            corrected_claim_days: None,
        }
    }
}

/// Utilization-management settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UmSettings {
    /// UM-02 prospective urgent decision, hours (72).
    pub prospective_urgent_hours: u32,
    /// UM-02 prospective non-urgent decision, calendar days (15).
    pub prospective_non_urgent_days: u32,
    /// UM-02 non-urgent for CMS-governed contracts, calendar days (14).
    pub cms_governed_non_urgent_days: u32,
    /// UM-02 non-urgent under CMS-0057-F, calendar days (7).
    pub cms_0057f_non_urgent_days: u32,
    /// UM-02 concurrent urgent received early (more than the threshold before expiry), hours (24).
    pub concurrent_urgent_early_hours: u32,
    /// UM-02 concurrent urgent received late, hours (72).
    pub concurrent_urgent_late_hours: u32,
    /// UM-02/UM-08 threshold before the authorization expires that divides early from late, hours (24).
    pub concurrent_late_threshold_hours: u32,
    /// UM-02 retrospective decision, calendar days (30).
    pub retrospective_days: u32,
    /// UM-11 retrospective review is available under this benefit plan (default false).
    pub retrospective_allowed: bool,
    /// UM-06 reconsideration window, business days (3).
    pub reconsideration_business_days: u32,
    /// ELIG-03 transition of care, calendar days from the plan's effective date (90).
    pub transition_of_care_days: u32,
    /// UM-07 emergency/urgent admission notification.
    pub emergency_notification: EmergencyNotification,
    /// UM-09 initial encounters.
    pub initial_encounters: InitialEncounters,
    /// UM-05: levels of care for which a doctoral-level psychologist may issue a clinical denial
    /// (otherwise only a psychiatrist may). Lower case, as in `services.csv`; default none.
    pub psychologist_may_deny: Vec<String>,
}

impl Default for UmSettings {
    fn default() -> Self {
        Self {
            prospective_urgent_hours: 72,
            prospective_non_urgent_days: 15,
            cms_governed_non_urgent_days: 14,
            cms_0057f_non_urgent_days: 7,
            concurrent_urgent_early_hours: 24,
            concurrent_urgent_late_hours: 72,
            concurrent_late_threshold_hours: 24,
            retrospective_days: 30,
            retrospective_allowed: false,
            reconsideration_business_days: 3,
            transition_of_care_days: 90,
            emergency_notification: EmergencyNotification::default(),
            initial_encounters: InitialEncounters::default(),
            psychologist_may_deny: Vec::new(),
        }
    }
}

/// UM-07: how late a provider may notify the plan of an emergency/urgent admission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationRule {
    /// By the end of the next business day after the admission (Harmony).
    NextBusinessDay,
    /// Within `hours` elapsed hours of the admission (handbook).
    Hours,
}

/// UM-07 settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmergencyNotification {
    /// Which rule applies (default `next_business_day`).
    pub rule: NotificationRule,
    /// Hours when `rule = "hours"` (48).
    pub hours: u32,
}

impl Default for EmergencyNotification {
    fn default() -> Self {
        Self {
            rule: NotificationRule::NextBusinessDay,
            hours: 48,
        }
    }
}

/// UM-09 initial encounters.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InitialEncounters {
    /// Sessions per member–provider episode without authorization (default 0: none).
    pub count: u32,
    /// A gap of more than this many months ends an episode (6).
    pub episode_gap_months: u32,
}

impl Default for InitialEncounters {
    fn default() -> Self {
        Self {
            count: 0,
            episode_gap_months: 6,
        }
    }
}

/// APL-01/02 appeal windows and decision clocks.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Appeals {
    /// APL-01 Level I filing, calendar days after the notice (180).
    pub level1_filing_days: u32,
    /// APL-01 Level II filing, calendar days after the Level I decision (90).
    pub level2_filing_days: u32,
    /// APL-02 expedited decision, hours (72).
    pub expedited_hours: u32,
    /// APL-02 standard decision, calendar days (15).
    pub standard_days: u32,
    /// APL-02 retrospective decision, calendar days (30).
    pub retrospective_days: u32,
    /// APL-02 verbal notice of an expedited decision, calendar days after deciding (1).
    pub expedited_verbal_notice_days: u32,
}

impl Default for Appeals {
    fn default() -> Self {
        Self {
            level1_filing_days: 180,
            level2_filing_days: 90,
            expedited_hours: 72,
            standard_days: 15,
            retrospective_days: 30,
            expedited_verbal_notice_days: 1,
        }
    }
}

/// CMP-01..03 complaint clocks.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Complaints {
    /// CMP-01 filing after the event, business days (10).
    pub filing_business_days: u32,
    /// CMP-01 answer, business days (30).
    pub answer_business_days: u32,
    /// CMP-01 second level after the answer, business days (10).
    pub level2_filing_business_days: u32,
    /// CMP-01 second level when unanswered, business days after filing (35).
    pub level2_unanswered_business_days: u32,
    /// CMP-01 final answer, business days (30).
    pub final_answer_business_days: u32,
    /// CMP-02 general complaint resolution, calendar days (30).
    pub general_resolution_days: u32,
    /// CMP-02 one extension for the member's benefit, calendar days (15).
    pub extension_days: u32,
    /// CMP-03 quality-of-care concern report, hours (24).
    pub quality_of_care_report_hours: u32,
}

impl Default for Complaints {
    fn default() -> Self {
        Self {
            filing_business_days: 10,
            answer_business_days: 30,
            level2_filing_business_days: 10,
            level2_unanswered_business_days: 35,
            final_answer_business_days: 30,
            general_resolution_days: 30,
            extension_days: 15,
            quality_of_care_report_hours: 24,
        }
    }
}

/// DSP-01..03 disputes and REC-03 review requests.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Disputes {
    /// DSP-01 internal dispute resolution, calendar days (30).
    pub resolution_days: u32,
    /// DSP-02 earliest state-portal escalation after submitting to the plan, calendar days (30).
    pub portal_min_days: u32,
    /// DSP-02 latest state-portal escalation, calendar days (60).
    pub portal_max_days: u32,
    /// DSP-03 plan's request for more information, business days from the ticket (5).
    pub info_request_business_days: u32,
    /// DSP-03 provider's answer to it, business days (5).
    pub info_answer_business_days: u32,
    /// REC-03 request for review of a claim determination, calendar days (60).
    pub review_request_days: u32,
    /// DSP-03 the plan's resolution period for a state-portal ticket, calendar days (30).
    pub portal_resolution_days: u32,
    /// DSP-05 processing of a complete portal registration, business days (2).
    pub registration_business_days: u32,
    /// DSP-05 a registration for this many individuals or more takes longer (10).
    pub bulk_registration_individuals: u32,
    /// DSP-05 the extra time such a registration may take, calendar days (21: "3 weeks").
    pub bulk_registration_extra_days: u32,
}

impl Default for Disputes {
    fn default() -> Self {
        Self {
            resolution_days: 30,
            portal_min_days: 30,
            portal_max_days: 60,
            info_request_business_days: 5,
            info_answer_business_days: 5,
            review_request_days: 60,
            portal_resolution_days: 30,
            registration_business_days: 2,
            bulk_registration_individuals: 10,
            bulk_registration_extra_days: 21,
        }
    }
}

/// PAY-06, PAY-07 payment cycles and the 835.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Remittance {
    /// The payer's federal tax ID (EIN, nine digits): TRN03 of every 835 is `1` followed by it.
    /// Leave it out and the 835 carries `1999999999` (test files only).
    pub payer_tax_id: Option<String>,
    /// The payer's remittance address (835 loop 1000A N3/N4, required there): street line.
    pub payer_address: Option<String>,
    /// City.
    pub payer_city: Option<String>,
    /// Two-letter state code.
    pub payer_state: Option<String>,
    /// ZIP code (5 or 9 digits).
    pub payer_zip: Option<String>,
    /// PAY-07: clean claims are paid within this many calendar days of receipt (30).
    pub clean_claim_days: u32,
}

impl Default for Remittance {
    fn default() -> Self {
        Self {
            payer_tax_id: None,
            payer_address: None,
            payer_city: None,
            payer_state: None,
            payer_zip: None,
            clean_claim_days: 30,
        }
    }
}

/// REC-02 negative balances.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Recovery {
    /// A negative balance older than this many calendar days allows a demand letter (90).
    pub demand_after_days: u32,
    /// No response this many calendar days after the demand → collections (30).
    pub collections_after_days: u32,
}

impl Default for Recovery {
    fn default() -> Self {
        Self {
            demand_after_days: 90,
            collections_after_days: 30,
        }
    }
}

/// REC-04, REC-05 billing audits and treatment-record reviews.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Audits {
    /// REC-04 an error rate above this percentage requires corrective action (10).
    pub error_rate_threshold_percent: u32,
    /// REC-04 repayment (or corrective action plan) after the findings, business days (10).
    pub repayment_business_days: u32,
    /// REC-04 monitoring increment, calendar days (90).
    pub monitoring_days: u32,
    /// REC-04 an appeal of findings is presented to the reviewing committee within, calendar days (45).
    pub appeal_review_days: u32,
    /// REC-04 the committee's decision is sent within, business days after it meets (10).
    pub appeal_decision_business_days: u32,
    /// REC-05 records for a treatment-record review, business days (5).
    pub treatment_record_business_days: u32,
    /// REC-05 records for a billing audit: not less than this many business days (10).
    pub billing_audit_records_business_days: u32,
}

impl Default for Audits {
    fn default() -> Self {
        Self {
            error_rate_threshold_percent: 10,
            repayment_business_days: 10,
            monitoring_days: 90,
            appeal_review_days: 45,
            appeal_decision_business_days: 10,
            treatment_record_business_days: 5,
            billing_audit_records_business_days: 10,
        }
    }
}

/// NET-06 appeals of credentialing decisions.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CredentialingAppeals {
    /// NET-06 filing after the committee's notice, calendar days (30).
    pub filing_days: u32,
    /// NET-06 the appeals committee decides within, business days after its record is complete (14).
    pub decision_business_days: u32,
    /// NET-06 a fair hearing is requested within, calendar days after the decision (30).
    pub fair_hearing_request_days: u32,
    /// NET-06 the fair hearing is held within, calendar days after the request (90).
    pub fair_hearing_held_days: u32,
}

impl Default for CredentialingAppeals {
    fn default() -> Self {
        Self {
            filing_days: 30,
            decision_business_days: 14,
            fair_hearing_request_days: 30,
            fair_hearing_held_days: 90,
        }
    }
}

/// The provider network (`[network]`): NET-03 re-credentialing, NET-04 notices, NET-05
/// suspension, NET-07 exclusion screening, NET-08 leave and resignation.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkSettings {
    /// NET-03 re-credentialing cycle, months (36: every 3 years).
    pub recredential_months: u32,
    /// NET-03 the cycle opens this many months before the due date (3).
    pub recredential_opens_months_before: u32,
    /// NET-04 material changes reported within, calendar days after the change (10).
    pub material_change_days: u32,
    /// NET-04 licence, DEA or board actions reported within, calendar days after (5).
    pub license_action_days: u32,
    /// NET-04 malpractice coverage changes reported, calendar days before the change (30).
    pub malpractice_change_days_before: u32,
    /// NET-04 new facility programs reported, calendar days before they start (60).
    pub new_program_days_before: u32,
    /// NET-05 a suspension lasts at most, calendar days, unless extended (30).
    pub suspension_max_days: u32,
    /// NET-07 exclusion screening every, calendar days (31: monthly).
    pub exclusion_screening_days: u32,
    /// NET-08 inactive for more than this many months → disenrollment notice (6).
    pub inactive_disenrollment_months: u32,
    /// NET-08 a resigned provider may not reapply for, months (6).
    pub reapply_bar_months: u32,
    /// NET-05 members with a service from a terminated provider in this many months before the
    /// termination are listed for transition (6, the period ELIG-02 uses).
    pub transition_lookback_months: u32,
}

impl Default for NetworkSettings {
    fn default() -> Self {
        Self {
            recredential_months: 36,
            recredential_opens_months_before: 3,
            material_change_days: 10,
            license_action_days: 5,
            malpractice_change_days_before: 30,
            new_program_days_before: 60,
            suspension_max_days: 30,
            exclusion_screening_days: 31,
            inactive_disenrollment_months: 6,
            reapply_bar_months: 6,
            transition_lookback_months: 6,
        }
    }
}

/// ELIG-04 other coverage.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OtherCoverageSettings {
    /// Members re-attest other coverage every N calendar days (default: never required).
    pub reattest_every_days: Option<u32>,
}

/// A plan holiday: `"2026-02-12"`, a bare TOML date `2026-02-12`, or a table
/// `{ date = 2026-02-12, name = "Lincoln's Birthday" }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanHoliday {
    /// The day off.
    pub date: Date,
    /// What it is called, if given.
    pub name: Option<String>,
}

impl<'de> Deserialize<'de> for PlanHoliday {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match toml::Value::deserialize(d)? {
            toml::Value::Table(mut t) => {
                let date = t
                    .remove("date")
                    .ok_or_else(|| D::Error::custom("holiday needs a `date`"))?;
                let date = value_to_date(&date).map_err(D::Error::custom)?;
                let name = match t.remove("name") {
                    None => None,
                    Some(toml::Value::String(s)) => Some(s),
                    Some(_) => return Err(D::Error::custom("holiday `name` must be a string")),
                };
                if let Some(k) = t.keys().next() {
                    return Err(D::Error::custom(format!(
                        "unknown holiday key `{k}` (expected `date`, `name`)"
                    )));
                }
                Ok(Self { date, name })
            }
            v => Ok(Self {
                date: value_to_date(&v).map_err(D::Error::custom)?,
                name: None,
            }),
        }
    }
}

fn value_to_date(v: &toml::Value) -> Result<Date, String> {
    let text = match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(dt) => dt.to_string(),
        other => return Err(format!("expected a date, found {}", other.type_str())),
    };
    text.trim()
        .parse::<Date>()
        .map_err(|_| format!("{text:?} is not a date (use YYYY-MM-DD)"))
}

fn de_opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    let v = toml::Value::deserialize(d)?;
    value_to_date(&v)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

/// PAY-02 member cost share for one program. Amounts are written as strings (`"0.00"`) so they
/// are read exactly as decimals, never as floats.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostShare {
    /// The program this applies to.
    pub program: Program,
    /// Copay per visit (default 0).
    #[serde(default)]
    pub copay: Money,
    /// Coinsurance percent, 0–100 (default 0).
    #[serde(default)]
    pub coinsurance_percent: Decimal,
    /// Annual deductible (default 0).
    #[serde(default)]
    pub deductible: Money,
    /// Annual out-of-pocket maximum (default none).
    #[serde(default)]
    pub out_of_pocket_max: Option<Money>,
}

/// The kind of claim CLM-02 reckons timely filing for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilingBasis {
    /// Professional or outpatient: from the date of service.
    DateOfService(Date),
    /// Inpatient / residential with a discharge date.
    Inpatient {
        /// Last date of service on the claim.
        last_service: Date,
        /// Discharge date, when discharged.
        discharge: Option<Date>,
    },
    /// Secondary claim after the primary payer's determination.
    Secondary {
        /// Date of service.
        service: Date,
        /// The primary payer's determination (EOB) date.
        primary_determination: Date,
    },
}

impl PlanConfig {
    /// UM-02: the prospective non-urgent decision clock in calendar days — CMS-0057-F payers 7,
    /// CMS-governed contracts 14, otherwise 15 (each number from `[um]`).
    pub fn um_non_urgent_days(&self) -> u32 {
        if self.cms_0057f {
            self.um.cms_0057f_non_urgent_days
        } else if self.cms_governed {
            self.um.cms_governed_non_urgent_days
        } else {
            self.um.prospective_non_urgent_days
        }
    }

    /// UM-02 as [`Self::um_non_urgent_days`], for a request received on `received`: the CMS-0057-F
    /// clock applies only from `cms_0057f_from` when that is set.
    pub fn um_non_urgent_days_on(&self, received: Date) -> u32 {
        if self.cms_0057f && self.cms_0057f_from.is_none_or(|from| received >= from) {
            self.um.cms_0057f_non_urgent_days
        } else if self.cms_governed {
            self.um.cms_governed_non_urgent_days
        } else {
            self.um.prospective_non_urgent_days
        }
    }

    /// UM-02: hours to decide a concurrent urgent request received `hours_before_expiry` hours
    /// before the current authorization ends — more than the threshold: the early clock (24),
    /// otherwise the late clock (72).
    pub fn um_concurrent_urgent_hours(&self, hours_before_expiry: i64) -> u32 {
        if hours_before_expiry > i64::from(self.um.concurrent_late_threshold_hours) {
            self.um.concurrent_urgent_early_hours
        } else {
            self.um.concurrent_urgent_late_hours
        }
    }

    /// CLM-02: the date the timely-filing clock counts from.
    pub fn timely_filing_start(&self, basis: FilingBasis) -> Date {
        match basis {
            FilingBasis::DateOfService(d) => d,
            FilingBasis::Inpatient {
                last_service,
                discharge,
            } => match discharge {
                Some(dc) if self.timely_filing.from_discharge_for_inpatient => dc,
                _ => last_service,
            },
            FilingBasis::Secondary {
                service,
                primary_determination,
            } => {
                if self.timely_filing.secondary_from_primary_determination {
                    primary_determination
                } else {
                    service
                }
            }
        }
    }

    /// CLM-02: the last day a claim may be received (calendar days, weekends included).
    pub fn timely_filing_deadline(&self, basis: FilingBasis) -> Result<Date, CalendarError> {
        calendar::add_calendar_days(
            self.timely_filing_start(basis),
            i64::from(self.timely_filing.days),
        )
    }

    /// UM-07: when notification of an emergency/urgent admission at `admitted` is due — end of
    /// the next business day (plan calendar, plan time zone) or `hours` elapsed hours.
    pub fn emergency_notification_due(
        &self,
        admitted: Timestamp,
        cal: &BusinessCalendar,
        tz: &TimeZone,
    ) -> Result<Timestamp, CalendarError> {
        match self.um.emergency_notification.rule {
            NotificationRule::Hours => {
                calendar::add_hours(admitted, i64::from(self.um.emergency_notification.hours))
            }
            NotificationRule::NextBusinessDay => {
                let day = cal.next_business_day(calendar::local_date(admitted, tz))?;
                calendar::end_of_day(day, tz)
            }
        }
    }

    /// PAY-02: the cost share configured for `program`, if any.
    pub fn cost_share(&self, program: Program) -> Option<&CostShare> {
        self.cost_share.iter().find(|c| c.program == program)
    }

    /// The plan's extra holiday dates.
    pub fn holiday_dates(&self) -> impl Iterator<Item = Date> + '_ {
        self.holidays.iter().map(|h| h.date)
    }
}

/// Parses and validates `plan.toml` text. Returns the config and its time zone, or pushes every
/// problem to `errors` (TOML syntax and type errors carry line and column).
pub(crate) fn parse(
    file: &Path,
    text: &str,
    errors: &mut Vec<PlanError>,
) -> Option<(PlanConfig, TimeZone)> {
    let cfg: PlanConfig = match toml::from_str(text) {
        Ok(c) => c,
        Err(e) => {
            errors.push(toml_error(file, text, &e));
            return None;
        }
    };
    let before = errors.len();
    let mut err = |section: Option<&str>, key: &str, msg: String| {
        let line = key_line(text, section, key);
        errors.push(PlanError {
            file: file.to_owned(),
            line,
            field: Some(match section {
                Some(s) => format!("{s}.{key}"),
                None => key.to_owned(),
            }),
            message: msg,
        });
    };
    for (key, v) in [
        ("name", &cfg.name),
        ("payer_id", &cfg.payer_id),
        ("plan_code", &cfg.plan_code),
    ] {
        if v.trim().is_empty() {
            err(None, key, "must not be empty".into());
        }
    }
    let tz = match calendar::time_zone(&cfg.time_zone) {
        Ok(tz) => Some(tz),
        Err(e) => {
            err(None, "time_zone", e.to_string());
            None
        }
    };
    if cfg.timely_filing.days == 0 {
        err(Some("timely_filing"), "days", "must be at least 1".into());
    }
    let um = &cfg.um;
    for (key, v) in [
        ("prospective_urgent_hours", um.prospective_urgent_hours),
        (
            "prospective_non_urgent_days",
            um.prospective_non_urgent_days,
        ),
        (
            "cms_governed_non_urgent_days",
            um.cms_governed_non_urgent_days,
        ),
        ("cms_0057f_non_urgent_days", um.cms_0057f_non_urgent_days),
        (
            "concurrent_urgent_early_hours",
            um.concurrent_urgent_early_hours,
        ),
        (
            "concurrent_urgent_late_hours",
            um.concurrent_urgent_late_hours,
        ),
        ("retrospective_days", um.retrospective_days),
    ] {
        if v == 0 {
            err(
                Some("um"),
                key,
                "a decision clock must be at least 1".into(),
            );
        }
    }
    if um.emergency_notification.rule == NotificationRule::Hours
        && um.emergency_notification.hours == 0
    {
        err(
            Some("um.emergency_notification"),
            "hours",
            "must be at least 1 when rule = \"hours\"".into(),
        );
    }
    if um.initial_encounters.count > 0 && um.initial_encounters.episode_gap_months == 0 {
        err(
            Some("um.initial_encounters"),
            "episode_gap_months",
            "must be at least 1 when initial encounters are allowed".into(),
        );
    }
    if cfg.disputes.portal_min_days > cfg.disputes.portal_max_days {
        err(
            Some("disputes"),
            "portal_min_days",
            format!(
                "{} is after portal_max_days {}",
                cfg.disputes.portal_min_days, cfg.disputes.portal_max_days
            ),
        );
    }
    for (section, key, v) in [
        ("appeals", "expedited_hours", cfg.appeals.expedited_hours),
        ("appeals", "standard_days", cfg.appeals.standard_days),
        (
            "appeals",
            "retrospective_days",
            cfg.appeals.retrospective_days,
        ),
        (
            "disputes",
            "portal_resolution_days",
            cfg.disputes.portal_resolution_days,
        ),
        (
            "disputes",
            "bulk_registration_individuals",
            cfg.disputes.bulk_registration_individuals,
        ),
        (
            "audits",
            "repayment_business_days",
            cfg.audits.repayment_business_days,
        ),
        ("audits", "monitoring_days", cfg.audits.monitoring_days),
        (
            "audits",
            "appeal_review_days",
            cfg.audits.appeal_review_days,
        ),
        (
            "audits",
            "appeal_decision_business_days",
            cfg.audits.appeal_decision_business_days,
        ),
        (
            "audits",
            "treatment_record_business_days",
            cfg.audits.treatment_record_business_days,
        ),
        (
            "audits",
            "billing_audit_records_business_days",
            cfg.audits.billing_audit_records_business_days,
        ),
        (
            "credentialing_appeals",
            "decision_business_days",
            cfg.credentialing_appeals.decision_business_days,
        ),
        (
            "credentialing_appeals",
            "fair_hearing_held_days",
            cfg.credentialing_appeals.fair_hearing_held_days,
        ),
    ] {
        if v == 0 {
            err(Some(section), key, "a clock must be at least 1".into());
        }
    }
    let net = &cfg.network;
    for (key, v) in [
        ("recredential_months", net.recredential_months),
        ("material_change_days", net.material_change_days),
        ("license_action_days", net.license_action_days),
        ("suspension_max_days", net.suspension_max_days),
        ("exclusion_screening_days", net.exclusion_screening_days),
        (
            "inactive_disenrollment_months",
            net.inactive_disenrollment_months,
        ),
    ] {
        if v == 0 {
            err(Some("network"), key, "must be at least 1".into());
        }
    }
    if net.recredential_opens_months_before >= net.recredential_months {
        err(
            Some("network"),
            "recredential_opens_months_before",
            format!(
                "{} must be less than recredential_months {}",
                net.recredential_opens_months_before, net.recredential_months
            ),
        );
    }
    if cfg.audits.error_rate_threshold_percent > 100 {
        err(
            Some("audits"),
            "error_rate_threshold_percent",
            format!(
                "{} is not between 0 and 100",
                cfg.audits.error_rate_threshold_percent
            ),
        );
    }
    if cfg.other_coverage.reattest_every_days == Some(0) {
        err(
            Some("other_coverage"),
            "reattest_every_days",
            "must be at least 1 (leave it out for no re-attestation)".into(),
        );
    }
    if let Some(tin) = &cfg.remittance.payer_tax_id
        && (tin.len() != 9 || !tin.bytes().all(|b| b.is_ascii_digit()))
    {
        err(
            Some("remittance"),
            "payer_tax_id",
            format!("{tin:?} is not a nine-digit EIN"),
        );
    }
    if let Some(st) = &cfg.remittance.payer_state
        && (st.len() != 2 || !st.bytes().all(|b| b.is_ascii_uppercase()))
    {
        err(
            Some("remittance"),
            "payer_state",
            format!("{st:?} is not a two-letter state code"),
        );
    }
    if let Some(zip) = &cfg.remittance.payer_zip
        && (!matches!(zip.len(), 5 | 9) || !zip.bytes().all(|b| b.is_ascii_digit()))
    {
        err(
            Some("remittance"),
            "payer_zip",
            format!("{zip:?} is not a 5- or 9-digit ZIP code"),
        );
    }
    if cfg.remittance.clean_claim_days == 0 {
        err(
            Some("remittance"),
            "clean_claim_days",
            "must be at least 1".into(),
        );
    }
    let mut seen = std::collections::BTreeSet::new();
    for h in &cfg.holidays {
        if !seen.insert(h.date) {
            err(None, "holidays", format!("{} is listed twice", h.date));
        }
    }
    let mut programs = std::collections::BTreeSet::new();
    for c in &cfg.cost_share {
        if !programs.insert(c.program) {
            err(
                Some("cost_share"),
                "program",
                format!("{} has more than one [[cost_share]] table", c.program),
            );
        }
        if c.coinsurance_percent < Decimal::ZERO || c.coinsurance_percent > Decimal::ONE_HUNDRED {
            err(
                Some("cost_share"),
                "coinsurance_percent",
                format!("{} is not between 0 and 100", c.coinsurance_percent),
            );
        }
        for (key, m) in [("copay", Some(c.copay)), ("deductible", Some(c.deductible))]
            .into_iter()
            .chain([("out_of_pocket_max", c.out_of_pocket_max)])
        {
            if m.is_some_and(Money::is_negative) {
                err(Some("cost_share"), key, "must not be negative".into());
            }
        }
    }
    let mut exempt = std::collections::BTreeSet::new();
    for code in &cfg.service_plans.priority_exempt_services {
        if !exempt.insert(code) {
            err(
                Some("service_plans"),
                "priority_exempt_services",
                format!("{code} is listed twice"),
            );
        }
    }
    standards::validate(&cfg.access, &cfg.sliding_fee, &mut err);
    if errors.len() > before {
        return None;
    }
    tz.map(|tz| (cfg, tz))
}

/// Cross-checks `plan.toml` against `services.csv`: SP-05 exempt services must be services the
/// plan covers (a typo would otherwise silently exempt nothing).
pub(crate) fn check_against_services(
    file: &Path,
    text: &str,
    cfg: &PlanConfig,
    services: &crate::services::ServiceCatalog,
    errors: &mut Vec<PlanError>,
) {
    for code in &cfg.service_plans.priority_exempt_services {
        if !services.knows(code) {
            errors.push(PlanError {
                file: file.to_owned(),
                line: key_line(text, Some("service_plans"), "priority_exempt_services"),
                field: Some("service_plans.priority_exempt_services".into()),
                message: format!("{code} is not in services.csv"),
            });
        }
    }
}

/// Converts a TOML error into a plan error at its line, with the column in the message and the
/// key on that line as the field.
fn toml_error(file: &Path, text: &str, e: &toml::de::Error) -> PlanError {
    let msg = e.message().trim().to_owned();
    let Some(span) = e.span() else {
        return PlanError::file(file, msg);
    };
    let start = span.start.min(text.len());
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..start].chars().count() + 1;
    let line_text = text[line_start..].lines().next().unwrap_or("");
    let field = line_text
        .split_once('=')
        .map(|(k, _)| k.trim().trim_matches('"').to_owned())
        .filter(|k| !k.is_empty() && !k.starts_with('['));
    PlanError {
        file: file.to_owned(),
        line: Some(line),
        field,
        message: format!("{msg} (column {column})"),
    }
}

/// The 1-based line where `key` is set inside `[section]` (or at top level), found by reading
/// the text; used to place validation errors found after parsing.
fn key_line(text: &str, section: Option<&str>, key: &str) -> Option<usize> {
    let mut current: Option<String> = None;
    let mut first_section_line = None;
    for (i, raw) in text.lines().enumerate() {
        let l = raw.trim();
        if l.starts_with('[') {
            // A header may carry a comment (`[um]  # UM-02`): the name ends before it.
            let head = l.split('#').next().unwrap_or(l).trim();
            let name = head
                .trim_matches(|c| c == '[' || c == ']')
                .trim()
                .to_owned();
            if section == Some(name.as_str()) && first_section_line.is_none() {
                first_section_line = Some(i + 1);
            }
            current = Some(name);
            continue;
        }
        if current.as_deref() == section
            && let Some(rest) = l.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return Some(i + 1);
        }
    }
    // A key left at its default has no line: point at its section header (top-level keys: none).
    first_section_line
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const MINIMAL: &str = r#"
name = "Test plan"
payer_id = "TEST1"
plan_code = "TEST"
program = "medicaid"
time_zone = "America/Chicago"
"#;

    fn load(text: &str) -> Result<PlanConfig, Vec<PlanError>> {
        let mut errors = Vec::new();
        match parse(Path::new("plan.toml"), text, &mut errors) {
            Some((c, _)) => Ok(c),
            None => Err(errors),
        }
    }

    #[test]
    fn defaults_equal_rules_md() {
        let c = load(MINIMAL).unwrap();
        assert_eq!(c.timely_filing.days, 90);
        assert_eq!(c.um.prospective_urgent_hours, 72);
        assert_eq!(c.um.reconsideration_business_days, 3);
        assert_eq!(c.um.transition_of_care_days, 90);
        assert_eq!(c.appeals.level1_filing_days, 180);
        assert_eq!(c.complaints.level2_unanswered_business_days, 35);
        assert_eq!(c.disputes.portal_max_days, 60);
        assert_eq!(c.recovery.demand_after_days, 90);
        assert_eq!(c.disputes.portal_resolution_days, 30);
        assert_eq!(c.disputes.bulk_registration_individuals, 10);
        assert_eq!(c.audits.error_rate_threshold_percent, 10);
        assert_eq!(c.audits.billing_audit_records_business_days, 10);
        assert_eq!(c.credentialing_appeals.decision_business_days, 14);
        assert_eq!(c.network, NetworkSettings::default());
        assert_eq!(c.network.recredential_months, 36);
        assert_eq!(c.network.recredential_opens_months_before, 3);
        assert_eq!(c.network.material_change_days, 10);
        assert_eq!(c.network.license_action_days, 5);
        assert_eq!(c.network.malpractice_change_days_before, 30);
        assert_eq!(c.network.new_program_days_before, 60);
        assert_eq!(c.network.suspension_max_days, 30);
        assert_eq!(c.network.inactive_disenrollment_months, 6);
        assert_eq!(c.network.reapply_bar_months, 6);
        assert!(!c.um.retrospective_allowed);
    }

    #[test]
    fn um_02_non_urgent_clock_by_contract() {
        let mut c = load(MINIMAL).unwrap();
        assert_eq!(c.um_non_urgent_days(), 15);
        c.cms_governed = true;
        assert_eq!(c.um_non_urgent_days(), 14);
        c.cms_0057f = true;
        assert_eq!(c.um_non_urgent_days(), 7);
        c.cms_0057f_from = Some(date(2026, 1, 1));
        assert_eq!(c.um_non_urgent_days_on(date(2025, 12, 31)), 14);
        assert_eq!(c.um_non_urgent_days_on(date(2026, 1, 1)), 7);
    }

    #[test]
    fn um_02_concurrent_urgent_early_and_late() {
        let c = load(MINIMAL).unwrap();
        assert_eq!(c.um_concurrent_urgent_hours(30), 24);
        assert_eq!(c.um_concurrent_urgent_hours(24), 72);
        assert_eq!(c.um_concurrent_urgent_hours(2), 72);
    }

    #[test]
    fn clm_02_timely_filing_anchors() {
        let c = load(MINIMAL).unwrap();
        assert_eq!(
            c.timely_filing_deadline(FilingBasis::DateOfService(date(2026, 1, 1)))
                .unwrap(),
            date(2026, 4, 1)
        );
        let inpatient = FilingBasis::Inpatient {
            last_service: date(2026, 1, 10),
            discharge: Some(date(2026, 1, 20)),
        };
        assert_eq!(c.timely_filing_start(inpatient), date(2026, 1, 20));
        let secondary = FilingBasis::Secondary {
            service: date(2026, 1, 1),
            primary_determination: date(2026, 3, 1),
        };
        assert_eq!(c.timely_filing_start(secondary), date(2026, 3, 1));
    }

    #[test]
    fn um_07_next_business_day_in_plan_time_zone() {
        let c = load(MINIMAL).unwrap();
        let tz = calendar::time_zone("America/Chicago").unwrap();
        let cal = BusinessCalendar::federal();
        // Friday 2026-03-06 22:00 Chicago → due end of Monday 2026-03-09 Chicago.
        let admitted = date(2026, 3, 6)
            .at(22, 0, 0, 0)
            .to_zoned(tz.clone())
            .unwrap()
            .timestamp();
        let due = c.emergency_notification_due(admitted, &cal, &tz).unwrap();
        assert_eq!(calendar::local_date(due, &tz), date(2026, 3, 9));
    }

    #[test]
    fn unknown_key_reports_line_and_column() {
        let text = format!("{MINIMAL}\n[timely_filing]\ndayz = 90\n");
        let errs = load(&text).unwrap_err();
        assert_eq!(errs.len(), 1);
        let s = errs[0].to_string();
        assert!(
            s.starts_with("plan.toml:9: dayz: unknown field `dayz`"),
            "{s}"
        );
        assert!(s.contains("(column 1)"), "{s}");
    }

    #[test]
    fn all_validation_errors_are_collected() {
        let text = MINIMAL.replace("America/Chicago", "America/Chicgo")
            + "\n[disputes]\nportal_min_days = 70\n\n[[cost_share]]\nprogram = \"medicaid\"\ncoinsurance_percent = \"120\"\n";
        let errs = load(&text).unwrap_err();
        let s: Vec<String> = errs.iter().map(ToString::to_string).collect();
        assert_eq!(s.len(), 3, "{s:#?}");
        assert!(
            s[0].starts_with("plan.toml:6: time_zone: unknown time zone"),
            "{s:?}"
        );
        assert!(
            s[1].starts_with("plan.toml:9: disputes.portal_min_days: 70"),
            "{s:?}"
        );
        assert!(
            s[2].starts_with("plan.toml:13: cost_share.coinsurance_percent"),
            "{s:?}"
        );
    }

    #[test]
    fn sp_05_priority_exempt_services_default_empty_and_are_validated() {
        assert!(
            load(MINIMAL)
                .unwrap()
                .service_plans
                .priority_exempt_services
                .is_empty()
        );
        let ok = format!(
            "{MINIMAL}\n[service_plans]\npriority_exempt_services = [\"H2011\", \"h0047\"]\n"
        );
        let c = load(&ok).unwrap();
        assert_eq!(
            c.service_plans.priority_exempt_services[1].as_str(),
            "H0047"
        );
        let twice = format!(
            "{MINIMAL}\n[service_plans]\npriority_exempt_services = [\"H2011\", \"H2011\"]\n"
        );
        let errs = load(&twice).unwrap_err();
        assert!(
            errs[0].to_string().starts_with(
                "plan.toml:9: service_plans.priority_exempt_services: H2011 is listed twice"
            ),
            "{errs:?}"
        );
        let bad = format!("{MINIMAL}\n[service_plans]\npriority_exempt_services = [\"UB120\"]\n");
        let errs = load(&bad).unwrap_err();
        assert!(
            errs[0].to_string().contains("procedure code \"UB120\""),
            "{errs:?}"
        );
    }

    #[test]
    fn qm_02_access_and_pay_05_sliding_fee_defaults_and_validation() {
        let c = load(MINIMAL).unwrap();
        assert_eq!(c.access, AccessStandards::default());
        assert_eq!(c.access.urgent_hours, 48);
        assert_eq!(c.access.routine_business_days, 10);
        assert_eq!(c.sliding_fee.ceiling_percent(), Some(Decimal::from(200)));
        let bad = format!(
            "{MINIMAL}\n[access]\nroutine_business_days = 0\nurgent_hours = 4\n\n\
             [[sliding_fee.tiers]]\nname = \"A\"\nup_to_percent = \"150\"\nmember_fee_percent = \"0\"\n\n\
             [[sliding_fee.tiers]]\nname = \"A\"\nup_to_percent = \"100\"\nmember_fee_percent = \"120\"\n"
        );
        let errors: Vec<String> = load(&bad)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        let all = errors.join("\n");
        assert_eq!(errors.len(), 5, "{all}");
        assert!(
            all.contains("plan.toml:9: access.routine_business_days: must be at least 1"),
            "{all}"
        );
        assert!(
            all.contains("access.urgent_hours: the hour standards must not shorten"),
            "{all}"
        );
        assert!(
            all.contains("sliding_fee.name: tier \"A\" is listed twice"),
            "{all}"
        );
        assert!(
            all.contains("sliding_fee.up_to_percent: tier \"A\": 100 must be above 0"),
            "{all}"
        );
        assert!(
            all.contains(
                "sliding_fee.member_fee_percent: tier \"A\": 120 is not between 0 and 100"
            ),
            "{all}"
        );
    }

    #[test]
    fn holidays_accept_dates_strings_and_tables() {
        let text = format!(
            "{MINIMAL}holidays = [2026-02-12, \"2027-02-12\", {{ date = 2026-11-27, name = \"Day after Thanksgiving\" }}]\n"
        );
        let c = load(&text).unwrap();
        let dates: Vec<Date> = c.holiday_dates().collect();
        assert_eq!(
            dates,
            [date(2026, 2, 12), date(2027, 2, 12), date(2026, 11, 27)]
        );
        assert_eq!(
            c.holidays[2].name.as_deref(),
            Some("Day after Thanksgiving")
        );
    }
}
