//! A request's life on record: receipt (clock + screening + automatic decision), a reviewer's
//! decision (UM-05 authority), peer-to-peer, reconsideration (UM-06), and the hand-off to appeals.
//! Each step is a pure function from the case and an action to the new case or a refusal.

use accord_core::calendar::{self, CalendarError};
use accord_core::{BusinessCalendar, Date};
use accord_plan::Plan;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::clock::{ClockInput, DecisionClock, concurrent_review_is_late, decision_clock};
use crate::request::{AuthRequest, RequestedService, ReviewType, Urgency};
use crate::screen::{Note, Outcome, Screening, UmFacts, screen};
use crate::staff::{Role, StaffUser};

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// UM-03: waiting for eligibility.
    PendingEligibility,
    /// UM-03: returned to the provider as incomplete.
    ReturnedIncomplete,
    /// Nothing requested needs authorization (UM-01/UM-12/UM-09/ELIG-03).
    NotRequired,
    /// NET-05: refused because of the provider's standing.
    ProviderIneligible,
    /// In a clinical reviewer's queue.
    InReview,
    /// Approved in full.
    Approved,
    /// Approved in part (the rest is an adverse determination).
    PartiallyApproved,
    /// Denied on clinical grounds.
    Denied,
    /// Denied administratively (UM-11).
    AdministrativelyDenied,
}

impl Status {
    /// The storage spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::PendingEligibility => "pending_eligibility",
            Status::ReturnedIncomplete => "returned_incomplete",
            Status::NotRequired => "not_required",
            Status::ProviderIneligible => "provider_ineligible",
            Status::InReview => "in_review",
            Status::Approved => "approved",
            Status::PartiallyApproved => "partially_approved",
            Status::Denied => "denied",
            Status::AdministrativelyDenied => "administratively_denied",
        }
    }

    /// True once a decision closes the clock.
    pub fn is_decided(self) -> bool {
        !matches!(self, Status::PendingEligibility | Status::InReview)
    }

    /// An adverse determination: a notice with UM-06's elements goes out.
    pub fn is_adverse(self) -> bool {
        matches!(
            self,
            Status::PartiallyApproved | Status::Denied | Status::AdministrativelyDenied
        )
    }
}

/// Who decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecidedBy {
    /// Staff user ID, or `rules` for the automatic decision.
    pub user_id: String,
    /// Name on the notice.
    pub name: String,
    /// Role (`None`: the plan's rules).
    pub role: Option<Role>,
}

/// A decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The resulting status.
    pub status: Status,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub by: DecidedBy,
    /// Services approved with their units (empty when denied).
    pub approved: Vec<RequestedService>,
    /// First date approved.
    pub from: Option<Date>,
    /// Last date approved.
    pub to: Option<Date>,
    /// Specific reasons (UM-06a), for anything not approved.
    pub reasons: Vec<String>,
    /// Criteria set applied (UM-10), named on notices.
    pub criteria_set: Option<String>,
    /// Decided within the UM-02 clock.
    pub within_clock: bool,
}

/// A peer-to-peer conversation offered or held (UM-05).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerToPeer {
    /// When it was offered.
    pub offered_at: Timestamp,
    /// When it took place (`None`: offered, not held).
    pub held_at: Option<Timestamp>,
    /// Peer reviewer.
    pub reviewer: String,
    /// What came of it.
    pub outcome: String,
}

/// The phone notice of an urgent decision (UM-06).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneNotice {
    /// When the provider was told.
    pub at: Timestamp,
    /// Who called.
    pub by: String,
    /// Who was told.
    pub to: String,
}

/// One thing that happened to the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Happened {
    /// When.
    pub at: Timestamp,
    /// Who (`rules` for the system).
    pub by: String,
    /// What, in words.
    pub what: String,
}

/// An authorization request on record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UmCase {
    /// The request.
    pub request: AuthRequest,
    /// The decision clock (UM-02).
    pub clock: DecisionClock,
    /// UM-08: a concurrent review asked for less than 24 hours before the authorization ends.
    pub late_concurrent: bool,
    /// Status.
    pub status: Status,
    /// The latest screening.
    pub screening: Screening,
    /// The decision, once made.
    pub decision: Option<Decision>,
    /// Peer-to-peer conversations.
    pub peer_to_peer: Vec<PeerToPeer>,
    /// Phone notice of an urgent adverse decision.
    pub phone_notice: Option<PhoneNotice>,
    /// Reconsiderations asked for (UM-06c), by receipt instant.
    pub reconsiderations: Vec<Timestamp>,
    /// History.
    pub history: Vec<Happened>,
}

/// Why an action on a case was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// UM-05: this user may not take this decision.
    #[error("{0}")]
    NotAuthorized(String),
    /// The case is not in a state that allows the action.
    #[error("{0}")]
    WrongState(String),
    /// The decision itself is incomplete or inconsistent.
    #[error("{0}")]
    Invalid(String),
    /// A window has closed.
    #[error("{0}")]
    WindowClosed(String),
}

/// The plan's context every step needs.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The plan.
    pub plan: &'a Plan,
    /// Its calendar.
    pub calendar: &'a BusinessCalendar,
    /// Its time zone.
    pub tz: &'a TimeZone,
}

impl<'a> Context<'a> {
    /// The context of a loaded plan.
    pub fn of(plan: &'a Plan) -> Self {
        Self {
            plan,
            calendar: plan.calendar(),
            tz: plan.time_zone(),
        }
    }
}

const RULES: &str = "rules";

/// Receives a request: sets the clock (UM-02), flags a late concurrent review (UM-08), screens
/// it (UM-03, UM-01, NET-05, UM-11) and decides automatically where the criteria allow (UM-10).
/// `current_authorization_ends` is the last day of the authorization a concurrent review extends.
pub fn receive(
    cx: Context<'_>,
    request: AuthRequest,
    facts: &UmFacts<'_>,
    current_authorization_ends: Option<Date>,
) -> Result<UmCase, CalendarError> {
    let ends = match current_authorization_ends {
        Some(d) => Some(calendar::end_of_day(d, cx.tz)?),
        None => None,
    };
    let clock = decision_clock(
        &cx.plan.config,
        cx.tz,
        ClockInput {
            review_type: request.review_type,
            urgency: request.urgency,
            received: request.received_at,
            current_authorization_ends: ends
                .filter(|_| request.review_type == ReviewType::Concurrent),
        },
    )?;
    let late_concurrent = request.review_type == ReviewType::Concurrent
        && ends.is_some_and(|e| concurrent_review_is_late(&cx.plan.config, request.received_at, e));
    let at = request.received_at;
    let mut case = UmCase {
        history: vec![Happened {
            at,
            by: RULES.into(),
            what: format!("received; {}; due {}", clock.explanation, clock.due),
        }],
        request,
        clock,
        late_concurrent,
        status: Status::InReview,
        screening: Screening {
            outcome: Outcome::NotRequired,
            not_required: Vec::new(),
            trace: Vec::new(),
        },
        decision: None,
        peer_to_peer: Vec::new(),
        phone_notice: None,
        reconsiderations: Vec::new(),
    };
    if late_concurrent {
        case.history.push(Happened {
            at,
            by: RULES.into(),
            what: format!(
                "late concurrent review: asked for less than {} hours before the authorization ends (UM-08)",
                cx.plan.config.um.concurrent_late_threshold_hours
            ),
        });
    }
    let s = screen(&case.request, facts);
    apply_screening(&mut case, s, at);
    Ok(case)
}

/// Screens the case again (eligibility arrived, or a returned request was completed); the clock
/// keeps its receipt instant.
pub fn rescreen(case: &UmCase, facts: &UmFacts<'_>, now: Timestamp) -> Result<UmCase, Refusal> {
    if !matches!(case.status, Status::PendingEligibility | Status::InReview) {
        return Err(Refusal::WrongState(format!(
            "request {} is {}; only a request pending eligibility or in review is screened again",
            case.request.id,
            case.status.as_str()
        )));
    }
    let mut c = case.clone();
    let s = screen(&c.request, facts);
    apply_screening(&mut c, s, now);
    Ok(c)
}

fn rules_decision(case: &UmCase, status: Status, at: Timestamp) -> Decision {
    Decision {
        status,
        at,
        by: DecidedBy {
            user_id: RULES.into(),
            name: "The plan's rules".into(),
            role: None,
        },
        approved: Vec::new(),
        from: None,
        to: None,
        reasons: Vec::new(),
        criteria_set: None,
        within_clock: at <= case.clock.due,
    }
}

fn apply_screening(case: &mut UmCase, s: Screening, at: Timestamp) {
    let (status, what) = match &s.outcome {
        Outcome::PendingEligibility { reason } => (
            Status::PendingEligibility,
            format!("pending eligibility: {reason}"),
        ),
        Outcome::Incomplete { missing } => (
            Status::ReturnedIncomplete,
            format!("returned as incomplete; missing: {}", missing.join("; ")),
        ),
        Outcome::NotRequired => (
            Status::NotRequired,
            "no authorization needed for anything requested".into(),
        ),
        Outcome::ProviderIneligible { reasons } => (
            Status::ProviderIneligible,
            format!("refused: {}", reasons.join("; ")),
        ),
        Outcome::AdministrativeDenial { reason } => {
            (Status::AdministrativelyDenied, reason.clone())
        }
        Outcome::Approve { criteria_set, .. } => (
            Status::Approved,
            format!("approved by the plan's rules ({criteria_set})"),
        ),
        Outcome::Review { reasons, .. } => (
            Status::InReview,
            format!("queued for clinical review: {}", reasons.join("; ")),
        ),
    };
    let mut d = rules_decision(case, status, at);
    match &s.outcome {
        Outcome::Approve {
            services,
            from,
            to,
            criteria_set,
        } => {
            d.approved = services.clone();
            d.from = Some(*from);
            d.to = Some(*to);
            d.criteria_set = Some(criteria_set.clone());
        }
        Outcome::Incomplete { missing } => d.reasons = missing.clone(),
        Outcome::ProviderIneligible { reasons } => d.reasons = reasons.clone(),
        Outcome::AdministrativeDenial { reason } => d.reasons = vec![reason.clone()],
        Outcome::NotRequired => {
            d.reasons = s.not_required.iter().map(|(_, w)| w.clone()).collect();
        }
        _ => {}
    }
    case.status = status;
    case.decision = status.is_decided().then_some(d);
    case.screening = s;
    case.history.push(Happened {
        at,
        by: RULES.into(),
        what,
    });
}

/// A reviewer's decision on a request in review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewerDecision {
    /// Units approved per service under review, in order (equal to asked: full; fewer: partial;
    /// all zero: denied).
    pub units: Vec<u32>,
    /// Last date approved (default: the request's end).
    pub through: Option<Date>,
    /// Specific reasons for anything not approved (UM-06a).
    pub reasons: Vec<String>,
    /// The criteria set applied (UM-10), named on the notice.
    pub criteria_set: Option<String>,
}

/// UM-05: whether `user` may take a decision that is adverse (a denial or a reduction) on
/// `level_of_care`.
pub fn may_issue_adverse(
    cx: Context<'_>,
    user: &StaffUser,
    level_of_care: &str,
) -> Result<(), Refusal> {
    match user.role {
        Role::Psychiatrist => Ok(()),
        Role::DoctoralPsychologist
            if cx
                .plan
                .config
                .um
                .psychologist_may_deny
                .iter()
                .any(|l| l.eq_ignore_ascii_case(level_of_care)) =>
        {
            Ok(())
        }
        r => Err(Refusal::NotAuthorized(format!(
            "{} ({}) may not deny or reduce a request for {level_of_care}: only a psychiatrist{} may issue a clinical denial, after peer review (UM-05). Approve it, or refer it to a peer reviewer.",
            user.user_id,
            r.as_str().replace('_', " "),
            if cx.plan.config.um.psychologist_may_deny.is_empty() {
                String::new()
            } else {
                format!(
                    " (or a doctoral psychologist for {})",
                    cx.plan.config.um.psychologist_may_deny.join(", ")
                )
            }
        ))),
    }
}

/// A reviewer decides a request in review. Approval in full by any clinical staff; a partial
/// approval or a denial only by a psychiatrist (or a doctoral psychologist where the plan allows)
/// and with specific reasons (UM-05, UM-06).
pub fn decide(
    cx: Context<'_>,
    case: &UmCase,
    user: &StaffUser,
    d: &ReviewerDecision,
    now: Timestamp,
) -> Result<UmCase, Refusal> {
    if case.status != Status::InReview {
        return Err(Refusal::WrongState(format!(
            "request {} is {}, not in review: nothing to decide",
            case.request.id,
            case.status.as_str()
        )));
    }
    if !user.role.is_clinical() {
        return Err(Refusal::NotAuthorized(format!(
            "{} ({}) is not clinical staff: only clinical care managers and peer reviewers decide authorization requests (UM-05)",
            user.user_id,
            user.role.as_str().replace('_', " ")
        )));
    }
    let Outcome::Review { services, .. } = &case.screening.outcome else {
        return Err(Refusal::WrongState(format!(
            "request {} has no services under review",
            case.request.id
        )));
    };
    if d.units.len() != services.len() {
        return Err(Refusal::Invalid(format!(
            "{} services are under review; give units for each ({} given)",
            services.len(),
            d.units.len()
        )));
    }
    let req = &case.request;
    let through = d.through.unwrap_or(req.end);
    if through < req.start || through > req.end {
        return Err(Refusal::Invalid(format!(
            "the approval must end between {} and {}; {through} is outside",
            req.start, req.end
        )));
    }
    let mut approved = Vec::new();
    let mut reduced = through < req.end;
    for (s, &u) in services.iter().zip(&d.units) {
        if u > s.units {
            return Err(Refusal::Invalid(format!(
                "{}: {u} units is more than the {} asked for",
                s.code, s.units
            )));
        }
        reduced |= u < s.units;
        if u > 0 {
            approved.push(RequestedService {
                units: u,
                ..s.clone()
            });
        }
    }
    let status = match (approved.is_empty(), reduced) {
        (true, _) => Status::Denied,
        (false, true) => Status::PartiallyApproved,
        (false, false) => Status::Approved,
    };
    if status.is_adverse() {
        may_issue_adverse(cx, user, &req.level_of_care)?;
        if d.reasons.iter().all(|r| r.trim().is_empty()) {
            return Err(Refusal::Invalid(
                "a denial or reduction needs the specific reasons for it (UM-06a)".into(),
            ));
        }
    }
    let mut c = case.clone();
    c.status = status;
    c.decision = Some(Decision {
        status,
        at: now,
        by: DecidedBy {
            user_id: user.user_id.clone(),
            name: user.name.clone(),
            role: Some(user.role),
        },
        from: (!approved.is_empty()).then_some(req.start),
        to: (!approved.is_empty()).then_some(through),
        approved,
        reasons: d
            .reasons
            .iter()
            .filter(|r| !r.trim().is_empty())
            .cloned()
            .collect(),
        criteria_set: d.criteria_set.clone().or_else(|| {
            cx.plan
                .um_criteria
                .for_level(&req.level_of_care)
                .map(|c| c.criteria_set.clone())
        }),
        within_clock: now <= case.clock.due,
    });
    c.history.push(Happened {
        at: now,
        by: user.user_id.clone(),
        what: format!(
            "{} by {} ({})",
            status.as_str().replace('_', " "),
            user.name,
            user.role.as_str().replace('_', " ")
        ),
    });
    Ok(c)
}

/// Records a peer-to-peer offered or held (UM-05).
pub fn record_peer_to_peer(case: &UmCase, p: PeerToPeer, by: &str) -> UmCase {
    let mut c = case.clone();
    c.history.push(Happened {
        at: p.held_at.unwrap_or(p.offered_at),
        by: by.into(),
        what: match p.held_at {
            Some(t) => format!(
                "peer-to-peer held at {t} with {}: {}",
                p.reviewer, p.outcome
            ),
            None => format!("peer-to-peer offered by {}", p.reviewer),
        },
    });
    c.peer_to_peer.push(p);
    c
}

/// Records the phone notice of an urgent adverse decision (UM-06).
pub fn record_phone_notice(case: &UmCase, n: PhoneNotice) -> Result<UmCase, Refusal> {
    if !case.status.is_adverse() {
        return Err(Refusal::WrongState(format!(
            "request {} is {}: a phone notice is for an adverse decision",
            case.request.id,
            case.status.as_str()
        )));
    }
    let mut c = case.clone();
    c.history.push(Happened {
        at: n.at,
        by: n.by.clone(),
        what: format!("decision told by phone to {}", n.to),
    });
    c.phone_notice = Some(n);
    Ok(c)
}

/// UM-06c: the last day a reconsideration may be asked for — `reconsideration_business_days`
/// business days after the notice — when a clinical denial was issued without a peer-to-peer.
/// `None` when reconsideration is not open (no adverse decision, or a peer-to-peer took place).
pub fn reconsideration_deadline(cx: Context<'_>, case: &UmCase) -> Option<Date> {
    let d = case.decision.as_ref()?;
    if !matches!(case.status, Status::Denied | Status::PartiallyApproved)
        || case.peer_to_peer.iter().any(|p| p.held_at.is_some())
    {
        return None;
    }
    let notice_day = calendar::local_date(d.at, cx.tz);
    cx.calendar
        .add_business_days(notice_day, cx.plan.config.um.reconsideration_business_days)
        .ok()
}

/// UM-06c: the provider asks for reconsideration; the request goes back to review with a fresh
/// clock of the same kind from this instant.
pub fn request_reconsideration(
    cx: Context<'_>,
    case: &UmCase,
    now: Timestamp,
) -> Result<UmCase, Refusal> {
    let Some(last) = reconsideration_deadline(cx, case) else {
        return Err(Refusal::WrongState(format!(
            "request {} is {}{}: reconsideration is for a clinical denial issued without a peer-to-peer (UM-06); appeal instead",
            case.request.id,
            case.status.as_str(),
            if case.peer_to_peer.iter().any(|p| p.held_at.is_some()) {
                " after a peer-to-peer"
            } else {
                ""
            }
        )));
    };
    let today = calendar::local_date(now, cx.tz);
    if today > last {
        return Err(Refusal::WindowClosed(format!(
            "reconsideration must be asked for within {} business days of the notice, by {last}; today is {today}. Appeal instead (UM-06)",
            cx.plan.config.um.reconsideration_business_days
        )));
    }
    let Outcome::Review { .. } = &case.screening.outcome else {
        return Err(Refusal::WrongState(format!(
            "request {} was not decided by a reviewer",
            case.request.id
        )));
    };
    let mut c = case.clone();
    c.clock = decision_clock(
        &cx.plan.config,
        cx.tz,
        ClockInput {
            review_type: case.request.review_type,
            urgency: case.request.urgency,
            received: now,
            current_authorization_ends: None,
        },
    )
    .map_err(|e| Refusal::Invalid(e.to_string()))?;
    c.reconsiderations.push(now);
    c.status = Status::InReview;
    c.decision = None;
    c.history.push(Happened {
        at: now,
        by: "provider".into(),
        what: format!("reconsideration asked for; due {}", c.clock.due),
    });
    Ok(c)
}

/// What the appeals workflow needs to open an appeal of this request's adverse decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealHandOff {
    /// The request number the appeal refers to.
    pub request_id: String,
    /// The adverse decision's status.
    pub status: Status,
    /// When it was decided (the appeal window counts from here).
    pub decided_at: Timestamp,
    /// Who decided (appeals must assign someone else, APL-03).
    pub decided_by: String,
    /// Level of care.
    pub level_of_care: String,
    /// Urgent care: an expedited appeal is available.
    pub urgent: bool,
    /// Review type (a retrospective denial has one appeal level).
    pub review_type: ReviewType,
}

/// The hand-off for an appeal of this request, when it has an adverse decision.
pub fn appeal_hand_off(case: &UmCase) -> Option<AppealHandOff> {
    let d = case.decision.as_ref()?;
    case.status.is_adverse().then(|| AppealHandOff {
        request_id: case.request.id.clone(),
        status: case.status,
        decided_at: d.at,
        decided_by: d.by.user_id.clone(),
        level_of_care: case.request.level_of_care.clone(),
        urgent: case.request.urgency == Urgency::Urgent,
        review_type: case.request.review_type,
    })
}

/// The trace of the latest screening, for explanations.
pub fn trace(case: &UmCase) -> &[Note] {
    &case.screening.trace
}
