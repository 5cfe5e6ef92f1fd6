//! Loading a plan directory: read every file, collect every problem, cross-check the tables.

use std::fmt;
use std::path::{Path, PathBuf};

use accord_core::BusinessCalendar;
use jiff::tz::TimeZone;

use crate::config::{self, PlanConfig};
use crate::criteria::{self, CriteriaTable};
use crate::errors::{PlanError, PlanErrors};
use crate::fees::{self, FeeSchedule};
use crate::grid::{self, AuthGrid, Requirement};
use crate::mue::{self, MueTable};
use crate::ncci::{self, NcciTable};
use crate::poverty::{self, PovertyGuidelines};
use crate::remarks::{self, RemarkCodes};
use crate::services::{self, ServiceCatalog};

/// File names in a plan directory.
pub mod files {
    /// Settings (required).
    pub const PLAN: &str = "plan.toml";
    /// Covered services (required).
    pub const SERVICES: &str = "services.csv";
    /// Authorization grid (required).
    pub const AUTH_GRID: &str = "auth_grid.csv";
    /// Fee schedule (required).
    pub const FEES: &str = "fee_schedule.csv";
    /// NCCI PTP edits (optional: none when absent).
    pub const NCCI: &str = "ncci_ptp.csv";
    /// MUEs (optional: none when absent).
    pub const MUE: &str = "mue.csv";
    /// HHS poverty guidelines (optional).
    pub const POVERTY: &str = "poverty_guidelines.csv";
    /// UM-10 automatic-approval criteria (optional: nothing is approved automatically when absent).
    pub const UM_CRITERIA: &str = "um_criteria.csv";
    /// PAY-06 remark codes per adjustment (optional: no remarks when absent).
    pub const REMARKS: &str = "remark_codes.csv";
}

/// A loaded, validated plan.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The directory it was loaded from.
    pub dir: PathBuf,
    /// `plan.toml`.
    pub config: PlanConfig,
    /// `services.csv`.
    pub services: ServiceCatalog,
    /// `auth_grid.csv`.
    pub auth_grid: AuthGrid,
    /// `fee_schedule.csv`.
    pub fees: FeeSchedule,
    /// `ncci_ptp.csv` (empty when the file is absent).
    pub ncci: NcciTable,
    /// `mue.csv` (empty when the file is absent).
    pub mue: MueTable,
    /// `poverty_guidelines.csv` (empty when the file is absent).
    pub poverty: PovertyGuidelines,
    /// `um_criteria.csv` (empty when the file is absent).
    pub um_criteria: CriteriaTable,
    /// `remark_codes.csv` (empty when the file is absent).
    pub remarks: RemarkCodes,
    calendar: BusinessCalendar,
    time_zone: TimeZone,
}

enum Need {
    Required,
    Optional,
}

fn read(dir: &Path, name: &str, need: Need, errors: &mut Vec<PlanError>) -> Option<String> {
    let path = dir.join(name);
    match std::fs::read_to_string(&path) {
        Ok(t) => Some(t.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Need::Required = need {
                errors.push(PlanError::file(&path, "file is missing"));
            }
            None
        }
        Err(e) => {
            errors.push(PlanError::file(&path, format!("cannot read: {e}")));
            None
        }
    }
}

impl Plan {
    /// Loads and validates the plan directory `dir`. On failure returns every problem in every
    /// file (file, line, field, message), not just the first.
    pub fn load(dir: &Path) -> Result<Plan, PlanErrors> {
        let mut errors = Vec::new();
        if !dir.is_dir() {
            errors.push(PlanError::file(dir, "is not a directory"));
            return Err(PlanErrors { errors });
        }
        let plan_text = read(dir, files::PLAN, Need::Required, &mut errors);
        let cfg = plan_text
            .as_deref()
            .and_then(|t| config::parse(&dir.join(files::PLAN), t, &mut errors));

        let services_before = errors.len();
        let services = read(dir, files::SERVICES, Need::Required, &mut errors)
            .map(|t| services::parse(&dir.join(files::SERVICES), &t, &mut errors));
        // Cross-checks against services.csv only when it loaded cleanly, so one typo there does
        // not cascade into "not in services.csv" on every other file.
        let services_ok = errors.len() == services_before;
        let svc_ref = services.as_ref().filter(|_| services_ok);

        if let (Some((c, _)), Some(svc), Some(text)) = (&cfg, svc_ref, plan_text.as_deref()) {
            config::check_against_services(&dir.join(files::PLAN), text, c, svc, &mut errors);
        }
        let auth_grid = read(dir, files::AUTH_GRID, Need::Required, &mut errors)
            .map(|t| grid::parse(&dir.join(files::AUTH_GRID), &t, svc_ref, &mut errors));
        let fees = read(dir, files::FEES, Need::Required, &mut errors)
            .map(|t| fees::parse(&dir.join(files::FEES), &t, svc_ref, &mut errors));
        let ncci = read(dir, files::NCCI, Need::Optional, &mut errors)
            .map(|t| ncci::parse(&dir.join(files::NCCI), &t, &mut errors))
            .unwrap_or_default();
        let mue = read(dir, files::MUE, Need::Optional, &mut errors)
            .map(|t| mue::parse(&dir.join(files::MUE), &t, &mut errors))
            .unwrap_or_default();
        let poverty = read(dir, files::POVERTY, Need::Optional, &mut errors)
            .map(|t| poverty::parse(&dir.join(files::POVERTY), &t, &mut errors))
            .unwrap_or_default();
        let levels: Option<Vec<String>> = svc_ref.map(|s| {
            let mut v: Vec<String> = s.iter().map(|x| x.level_of_care.clone()).collect();
            v.sort();
            v.dedup();
            v
        });
        let um_criteria = read(dir, files::UM_CRITERIA, Need::Optional, &mut errors)
            .map(|t| {
                criteria::parse(
                    &dir.join(files::UM_CRITERIA),
                    &t,
                    levels.as_deref(),
                    &mut errors,
                )
            })
            .unwrap_or_default();
        let remarks = read(dir, files::REMARKS, Need::Optional, &mut errors)
            .map(|t| remarks::parse(&dir.join(files::REMARKS), &t, &mut errors))
            .unwrap_or_default();

        match (cfg, services, auth_grid, fees) {
            (Some((config, time_zone)), Some(services), Some(auth_grid), Some(fees))
                if errors.is_empty() =>
            {
                let calendar = BusinessCalendar::with_extra_holidays(config.holiday_dates());
                Ok(Plan {
                    dir: dir.to_owned(),
                    config,
                    services,
                    auth_grid,
                    fees,
                    ncci,
                    mue,
                    poverty,
                    um_criteria,
                    remarks,
                    calendar,
                    time_zone,
                })
            }
            _ => {
                if errors.is_empty() {
                    // Unreachable in practice: every `None` above pushed an error.
                    errors.push(PlanError::file(dir, "plan could not be loaded"));
                }
                Err(PlanErrors { errors })
            }
        }
    }

    /// The plan's business calendar: US federal holidays plus the plan's `holidays`.
    pub fn calendar(&self) -> &BusinessCalendar {
        &self.calendar
    }

    /// The plan's time zone (`time_zone` in `plan.toml`, validated at load).
    pub fn time_zone(&self) -> &TimeZone {
        &self.time_zone
    }

    /// Counts and key settings, for `accord plan check` and logs.
    pub fn summary(&self) -> PlanSummary {
        let count = |r: Requirement| self.auth_grid.iter().filter(|a| a.requirement == r).count();
        PlanSummary {
            dir: self.dir.clone(),
            name: self.config.name.clone(),
            plan_code: self.config.plan_code.clone(),
            payer_id: self.config.payer_id.clone(),
            program: self.config.program.to_string(),
            time_zone: self.config.time_zone.clone(),
            services: self.services.len(),
            auth_rules: self.auth_grid.len(),
            prior_auth_rules: count(Requirement::PriorAuth),
            notification_rules: count(Requirement::Notification),
            no_auth_rules: count(Requirement::None),
            fee_rows: self.fees.len(),
            ncci_edits: self.ncci.len(),
            mue_edits: self.mue.len(),
            remark_codes: self.remarks.len(),
            poverty_years: self.poverty.years().collect(),
            plan_holidays: self.config.holidays.len(),
            timely_filing_days: self.config.timely_filing.days,
            um_non_urgent_days: self.config.um_non_urgent_days(),
            um_urgent_hours: self.config.um.prospective_urgent_hours,
            retrospective_allowed: self.config.um.retrospective_allowed,
            initial_encounters: self.config.um.initial_encounters.count,
        }
    }
}

/// What [`Plan::summary`] reports. `Display` is a readable multi-line summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanSummary {
    /// Plan directory.
    pub dir: PathBuf,
    /// Plan name.
    pub name: String,
    /// Plan code.
    pub plan_code: String,
    /// Payer ID.
    pub payer_id: String,
    /// Program.
    pub program: String,
    /// Time zone.
    pub time_zone: String,
    /// Service rows.
    pub services: usize,
    /// Grid rows.
    pub auth_rules: usize,
    /// Grid rows requiring prior authorization.
    pub prior_auth_rules: usize,
    /// Grid rows requiring notification.
    pub notification_rules: usize,
    /// Grid rows requiring nothing.
    pub no_auth_rules: usize,
    /// Fee schedule rows.
    pub fee_rows: usize,
    /// NCCI PTP edits.
    pub ncci_edits: usize,
    /// MUEs.
    pub mue_edits: usize,
    /// Remark-code mappings (PAY-06).
    pub remark_codes: usize,
    /// Years with poverty guidelines.
    pub poverty_years: Vec<i16>,
    /// Plan holidays beyond the federal ones.
    pub plan_holidays: usize,
    /// CLM-02 days.
    pub timely_filing_days: u32,
    /// UM-02 non-urgent clock.
    pub um_non_urgent_days: u32,
    /// UM-02 urgent clock.
    pub um_urgent_hours: u32,
    /// UM-11.
    pub retrospective_allowed: bool,
    /// UM-09 count.
    pub initial_encounters: u32,
}

impl fmt::Display for PlanSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Plan {} ({}) — OK", self.name, self.plan_code)?;
        writeln!(f, "  directory:          {}", self.dir.display())?;
        writeln!(f, "  payer id:           {}", self.payer_id)?;
        writeln!(f, "  program:            {}", self.program)?;
        writeln!(f, "  time zone:          {}", self.time_zone)?;
        writeln!(f, "  services:           {}", self.services)?;
        writeln!(
            f,
            "  auth grid:          {} rules ({} prior auth, {} notification, {} none)",
            self.auth_rules, self.prior_auth_rules, self.notification_rules, self.no_auth_rules
        )?;
        writeln!(f, "  fee schedule:       {} rates", self.fee_rows)?;
        writeln!(f, "  NCCI PTP edits:     {}", self.ncci_edits)?;
        writeln!(f, "  MUEs:               {}", self.mue_edits)?;
        if self.remark_codes > 0 {
            writeln!(
                f,
                "  remark codes:       {} mappings (PAY-06)",
                self.remark_codes
            )?;
        }
        if !self.poverty_years.is_empty() {
            let years: Vec<String> = self.poverty_years.iter().map(ToString::to_string).collect();
            writeln!(f, "  poverty guidelines: {}", years.join(", "))?;
        }
        writeln!(
            f,
            "  plan holidays:      {} (plus US federal)",
            self.plan_holidays
        )?;
        writeln!(
            f,
            "  timely filing:      {} calendar days (CLM-02)",
            self.timely_filing_days
        )?;
        writeln!(
            f,
            "  UM decisions:       urgent {} h, non-urgent {} days (UM-02); retrospective review {} (UM-11)",
            self.um_urgent_hours,
            self.um_non_urgent_days,
            if self.retrospective_allowed {
                "allowed"
            } else {
                "not allowed"
            }
        )?;
        write!(
            f,
            "  initial encounters: {} per episode (UM-09)",
            self.initial_encounters
        )
    }
}
