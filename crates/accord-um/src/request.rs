//! An authorization request: what a provider asks for, with the structured clinical information of
//! the handbook's review list (§12.09), and the form it arrives in.
//!
//! [`RequestForm`] is the JSON a provider (CLI file, API body, portal form) sends: text fields,
//! nothing trusted. [`RequestForm::parse`] turns it into an [`AuthRequest`] whose identifiers and
//! codes are valid by construction, or into every bad field with its path (`services[1].code`).
//! A field that is merely *absent* (a diagnosis, a clinical item) is not an error here: UM-03's
//! completeness check returns the request with the list of what is missing, as a decision on
//! record, instead of refusing to receive it.

use accord_core::{Date, Icd10Code, MemberId, Modifier, Npi, ProcedureCode};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// How fast the member needs the answer (UM-02).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Urgent (expedited under CMS-0057-F): hours, not days.
    Urgent,
    /// Standard.
    NonUrgent,
}

/// When the request is made relative to the care (UM-02, UM-08, UM-11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewType {
    /// Before the service starts.
    Prospective,
    /// Continued stay: while an authorization is running (UM-08).
    Concurrent,
    /// After the service was given (UM-11).
    Retrospective,
}

impl Urgency {
    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Urgent => "urgent",
            Urgency::NonUrgent => "non_urgent",
        }
    }
}

impl ReviewType {
    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewType::Prospective => "prospective",
            ReviewType::Concurrent => "concurrent",
            ReviewType::Retrospective => "retrospective",
        }
    }
}

/// One service asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestedService {
    /// HCPCS/CPT code.
    pub code: ProcedureCode,
    /// Modifiers the claim lines will carry (e.g. `HF`).
    pub modifiers: Vec<Modifier>,
    /// Units (or days, for per-diem services) asked for.
    pub units: u32,
}

/// Suicidal / homicidal risk as the handbook asks for it (§12.09).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Risk {
    /// Ideation reported.
    pub ideation: bool,
    /// A plan reported.
    pub plan: bool,
    /// Intent reported.
    pub intent: bool,
    /// Psychotic features (command hallucinations, paranoid delusions).
    pub psychotic: bool,
    /// Free text.
    pub notes: String,
}

impl Risk {
    /// Imminent risk: a plan or intent. The rules never approve these alone — a clinician looks.
    pub fn imminent(&self) -> bool {
        self.plan || self.intent
    }
}

/// The structured clinical information of a review (handbook §12.09). Each item is optional on the
/// form; the plan's criteria say which a level of care needs (UM-03 completeness).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClinicalInfo {
    /// Reason for admission / precipitant.
    pub reason_for_admission: Option<String>,
    /// Suicidal / homicidal risk.
    pub risk: Option<Risk>,
    /// Substance-use history (type, amount, withdrawal, last use, sobriety).
    pub substance_use: Option<String>,
    /// Medical problems and history.
    pub medical: Option<String>,
    /// Current medications (type, dosage, dates, response, prescriber).
    pub medications: Option<String>,
    /// General level of functioning (sleep, appetite, mental status, ADLs).
    pub functioning: Option<String>,
    /// Psychological stressors and supports.
    pub stressors: Option<String>,
    /// Response to previous treatment.
    pub previous_treatment: Option<String>,
    /// Treatment plan (length of stay, goals, interventions).
    pub treatment_plan: Option<String>,
    /// Discharge plan (aftercare, barriers).
    pub discharge_plan: Option<String>,
    /// LOCUS level of care score (1–6), when assessed.
    pub locus_level: Option<u8>,
    /// ASAM level (`"3.5"` …), when assessed.
    pub asam_level: Option<String>,
}

impl ClinicalInfo {
    /// True when the named §12.09 field (as in `accord_plan::criteria::CLINICAL_FIELDS`) has
    /// content.
    pub fn has(&self, field: &str) -> bool {
        let text = |o: &Option<String>| o.as_deref().is_some_and(|s| !s.trim().is_empty());
        match field {
            "reason_for_admission" => text(&self.reason_for_admission),
            "risk" => self.risk.is_some(),
            "substance_use" => text(&self.substance_use),
            "medical" => text(&self.medical),
            "medications" => text(&self.medications),
            "functioning" => text(&self.functioning),
            "stressors" => text(&self.stressors),
            "previous_treatment" => text(&self.previous_treatment),
            "treatment_plan" => text(&self.treatment_plan),
            "discharge_plan" => text(&self.discharge_plan),
            _ => false,
        }
    }
}

/// A document sent with the request (kept by the shell; the engine sees its name and kind).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// File name as sent.
    pub name: String,
    /// What it is (e.g. `assessment`, `treatment_plan`, `discharge_summary`).
    #[serde(default)]
    pub kind: String,
}

/// An authorization request, valid by construction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthRequest {
    /// The request number the plan gave it at receipt.
    pub id: String,
    /// The member.
    pub member_id: MemberId,
    /// Who asks.
    pub requesting_npi: Npi,
    /// Who will give the service (the authorization is for this provider, UM-04).
    pub servicing_npi: Npi,
    /// Level of care (lower case, as in `services.csv`).
    pub level_of_care: String,
    /// Services asked for.
    pub services: Vec<RequestedService>,
    /// First date asked for.
    pub start: Date,
    /// Last date asked for.
    pub end: Date,
    /// Diagnoses, primary first (may be empty: UM-03 returns the request as incomplete).
    pub diagnoses: Vec<Icd10Code>,
    /// Urgency.
    pub urgency: Urgency,
    /// Prospective, concurrent or retrospective.
    pub review_type: ReviewType,
    /// An emergency or urgent admission (UM-07): eligibility does not hold the request (UM-03).
    pub emergency: bool,
    /// Concurrent review: the authorization this continued stay would extend (UM-08).
    pub extends_authorization: Option<String>,
    /// The provider attests the member is in a course of treatment begun before joining the plan
    /// (ELIG-03 transition of care).
    pub in_course_of_treatment: bool,
    /// Structured clinical information.
    pub clinical: ClinicalInfo,
    /// Documents sent with it.
    pub attachments: Vec<Attachment>,
    /// When the plan received it: the decision clock starts here (UM-02).
    pub received_at: Timestamp,
}

impl AuthRequest {
    /// Calendar days asked for, both ends included.
    pub fn days(&self) -> i64 {
        accord_core::calendar::calendar_days_between(self.start, self.end) + 1
    }
}

/// One service on the form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceForm {
    /// HCPCS/CPT code.
    pub code: String,
    /// Modifiers.
    pub modifiers: Vec<String>,
    /// Units or days.
    pub units: u32,
}

/// The request as it arrives (JSON). See `docs/utilization-management.md` for the schema.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RequestForm {
    /// Member ID.
    pub member_id: String,
    /// Requesting provider NPI.
    pub requesting_npi: String,
    /// Servicing provider NPI (defaults to the requesting provider).
    pub servicing_npi: Option<String>,
    /// Level of care; defaults to the first service's level in the plan's catalogue.
    pub level_of_care: Option<String>,
    /// Services.
    pub services: Vec<ServiceForm>,
    /// First date, `YYYY-MM-DD`.
    pub start_date: String,
    /// Last date, `YYYY-MM-DD`.
    pub end_date: String,
    /// ICD-10-CM codes, primary first.
    pub diagnoses: Vec<String>,
    /// `urgent` or `non_urgent` (default).
    pub urgency: Option<Urgency>,
    /// `prospective` (default), `concurrent` or `retrospective`.
    pub review_type: Option<ReviewType>,
    /// Emergency or urgent admission (UM-07).
    pub emergency: bool,
    /// Concurrent review: the authorization to extend.
    pub extends_authorization: Option<String>,
    /// ELIG-03: the member is in a course of treatment begun before joining the plan.
    pub in_course_of_treatment: bool,
    /// Clinical information.
    pub clinical: ClinicalInfo,
    /// Attachments.
    pub attachments: Vec<Attachment>,
}

/// A bad field on a request form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// Path of the field, e.g. `services[1].code`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl FieldError {
    fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

fn date(field: &str, s: &str, errors: &mut Vec<FieldError>) -> Option<Date> {
    if s.trim().is_empty() {
        errors.push(FieldError::new(field, "is required (YYYY-MM-DD)"));
        return None;
    }
    match s.trim().parse::<Date>() {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(FieldError::new(
                field,
                format!("{s:?} is not a date (YYYY-MM-DD)"),
            ));
            None
        }
    }
}

fn id<T, E: std::fmt::Display>(
    field: &str,
    s: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    if s.trim().is_empty() {
        errors.push(FieldError::new(field, "is required"));
        return None;
    }
    match parse(s) {
        Ok(v) => Some(v),
        Err(e) => {
            errors.push(FieldError::new(field, e.to_string()));
            None
        }
    }
}

impl RequestForm {
    /// Parses the form into a request numbered `id`, received at `received_at`. `level_for` gives
    /// a service's level of care from the plan's catalogue (for forms that leave it out).
    pub fn parse(
        &self,
        id: &str,
        received_at: Timestamp,
        level_for: impl Fn(&ProcedureCode, &[Modifier]) -> Option<String>,
    ) -> Result<AuthRequest, Vec<FieldError>> {
        let mut errors = Vec::new();
        let member_id = self::id("member_id", &self.member_id, MemberId::parse, &mut errors);
        let requesting = self::id(
            "requesting_npi",
            &self.requesting_npi,
            Npi::parse,
            &mut errors,
        );
        let servicing = match &self.servicing_npi {
            Some(s) => self::id("servicing_npi", s, Npi::parse, &mut errors),
            None => requesting.clone(),
        };
        let start = date("start_date", &self.start_date, &mut errors);
        let end = date("end_date", &self.end_date, &mut errors);
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            errors.push(FieldError::new(
                "end_date",
                format!("{e} is before start_date {s}"),
            ));
        }
        if self.services.is_empty() {
            errors.push(FieldError::new(
                "services",
                "at least one service is required",
            ));
        }
        let mut services = Vec::new();
        for (i, s) in self.services.iter().enumerate() {
            let code = self::id(
                &format!("services[{i}].code"),
                &s.code,
                ProcedureCode::parse,
                &mut errors,
            );
            let mut modifiers = Vec::new();
            for (j, m) in s.modifiers.iter().enumerate() {
                if let Some(m) = self::id(
                    &format!("services[{i}].modifiers[{j}]"),
                    m,
                    Modifier::parse,
                    &mut errors,
                ) {
                    modifiers.push(m);
                }
            }
            if s.units == 0 {
                errors.push(FieldError::new(
                    format!("services[{i}].units"),
                    "must be at least 1",
                ));
            }
            if let Some(code) = code {
                services.push(RequestedService {
                    code,
                    modifiers,
                    units: s.units,
                });
            }
        }
        let mut diagnoses = Vec::new();
        for (i, d) in self.diagnoses.iter().enumerate() {
            if let Some(d) = self::id(&format!("diagnoses[{i}]"), d, Icd10Code::parse, &mut errors)
            {
                diagnoses.push(d);
            }
        }
        if let Some(l) = self.clinical.locus_level
            && !(1..=6).contains(&l)
        {
            errors.push(FieldError::new(
                "clinical.locus_level",
                format!("{l} is not a LOCUS level (1 to 6)"),
            ));
        }
        if let Some(a) = &self.clinical.asam_level
            && !accord_plan::criteria::ASAM_LEVELS.contains(&a.trim())
        {
            errors.push(FieldError::new(
                "clinical.asam_level",
                format!(
                    "{a:?} is not an ASAM level ({})",
                    accord_plan::criteria::ASAM_LEVELS.join(", ")
                ),
            ));
        }
        let review_type = self.review_type.unwrap_or(ReviewType::Prospective);
        if review_type == ReviewType::Concurrent
            && self
                .extends_authorization
                .as_deref()
                .is_none_or(|a| a.trim().is_empty())
        {
            errors.push(FieldError::new(
                "extends_authorization",
                "a concurrent review names the authorization it would extend (UM-08)",
            ));
        }
        let level_of_care = match &self.level_of_care {
            Some(l) if !l.trim().is_empty() => Some(l.trim().to_ascii_lowercase()),
            _ => services
                .first()
                .and_then(|s| level_for(&s.code, &s.modifiers)),
        };
        if level_of_care.is_none() && !services.is_empty() {
            errors.push(FieldError::new(
                "level_of_care",
                "is required: the first service is not in the plan's catalogue",
            ));
        }
        match (member_id, requesting, servicing, start, end, level_of_care) {
            (
                Some(member_id),
                Some(requesting_npi),
                Some(servicing_npi),
                Some(start),
                Some(end),
                Some(level_of_care),
            ) if errors.is_empty() => Ok(AuthRequest {
                id: id.to_owned(),
                member_id,
                requesting_npi,
                servicing_npi,
                level_of_care,
                services,
                start,
                end,
                diagnoses,
                urgency: self.urgency.unwrap_or(Urgency::NonUrgent),
                review_type,
                emergency: self.emergency,
                extends_authorization: self
                    .extends_authorization
                    .as_ref()
                    .map(|s| s.trim().to_owned()),
                in_course_of_treatment: self.in_course_of_treatment,
                clinical: self.clinical.clone(),
                attachments: self.attachments.clone(),
                received_at,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> RequestForm {
        serde_json::from_str(
            r#"{"member_id":"M100001","requesting_npi":"1234567893","services":[{"code":"H0047","modifiers":["HF"],"units":14}],
                "start_date":"2026-03-02","end_date":"2026-03-15","diagnoses":["F10.20"],"urgency":"urgent",
                "clinical":{"asam_level":"3.5","risk":{"ideation":false}}}"#,
        )
        .unwrap()
    }

    #[test]
    fn a_form_parses_with_defaults() {
        let r = form()
            .parse("UM-1", Timestamp::UNIX_EPOCH, |_, _| {
                Some("residential".into())
            })
            .unwrap();
        assert_eq!(r.servicing_npi, r.requesting_npi);
        assert_eq!(r.level_of_care, "residential");
        assert_eq!(r.review_type, ReviewType::Prospective);
        assert_eq!(r.days(), 14);
    }

    #[test]
    fn every_bad_field_is_named_with_its_path() {
        let mut f = form();
        f.requesting_npi = "1234567890".into();
        f.services.push(ServiceForm {
            code: "9083".into(),
            modifiers: vec!["H".into()],
            units: 0,
        });
        f.end_date = "2026-03-01".into();
        f.clinical.asam_level = Some("9".into());
        let e = f
            .parse("UM-1", Timestamp::UNIX_EPOCH, |_, _| None)
            .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "requesting_npi",
                "end_date",
                "services[1].code",
                "services[1].modifiers[0]",
                "services[1].units",
                "clinical.asam_level",
                "level_of_care"
            ]
        );
    }

    #[test]
    fn um_08_a_concurrent_review_names_its_authorization() {
        let mut f = form();
        f.review_type = Some(ReviewType::Concurrent);
        let e = f
            .parse("UM-1", Timestamp::UNIX_EPOCH, |_, _| {
                Some("residential".into())
            })
            .unwrap_err();
        assert_eq!(e[0].field, "extends_authorization");
    }

    #[test]
    fn unknown_fields_are_refused_by_the_schema() {
        let e = serde_json::from_str::<RequestForm>(r#"{"member":"M1"}"#).unwrap_err();
        assert!(e.to_string().contains("unknown field `member`"), "{e}");
    }
}
