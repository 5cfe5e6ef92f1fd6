//! Whole-file conformance check: lexing, envelopes and TR3 rules, one pass,
//! constant memory apart from the findings (capped per transaction set).
//! The result ([`CheckReport`]) is what a 999 and a TA1 are written from.

use std::io::Read;

use crate::envelope::{EnvelopeError, EnvelopeEvent, EnvelopeTracker, Gs, Isa, Role, St};
use crate::lexer::{LexError, Lexer};
use crate::model::ClaimKind;
use crate::validate::{SegmentIssue, Validator837};

/// IK501 / AK901 acknowledgment code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum AckCode {
    /// A: accepted.
    Accepted,
    /// E: accepted, but errors were noted.
    AcceptedWithErrors,
    /// P: some transaction sets accepted (group level only).
    PartiallyAccepted,
    /// R: rejected.
    Rejected,
}

impl AckCode {
    pub fn code(self) -> &'static str {
        match self {
            AckCode::Accepted => "A",
            AckCode::AcceptedWithErrors => "E",
            AckCode::PartiallyAccepted => "P",
            AckCode::Rejected => "R",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Some(match s {
            "A" => AckCode::Accepted,
            "E" => AckCode::AcceptedWithErrors,
            "P" => AckCode::PartiallyAccepted,
            "R" => AckCode::Rejected,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SetReport {
    pub st: St,
    /// Envelope faults of the set (IK502 codes).
    pub envelope_errors: Vec<EnvelopeError>,
    /// TR3 findings (IK3/IK4).
    pub issues: Vec<SegmentIssue>,
    pub claims: u64,
    pub segments: u32,
    pub status: AckCode,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GroupReport {
    pub gs: Gs,
    /// Group envelope faults (AK905 codes).
    pub errors: Vec<EnvelopeError>,
    pub sets: Vec<SetReport>,
    pub status: AckCode,
}

impl GroupReport {
    pub fn accepted_sets(&self) -> usize {
        self.sets
            .iter()
            .filter(|s| s.status != AckCode::Rejected)
            .count()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InterchangeReport {
    pub isa: Isa,
    /// Interchange faults (TA105 codes); non-empty means a TA1 rejection is due.
    pub errors: Vec<EnvelopeError>,
    pub groups: Vec<GroupReport>,
}

/// Everything found in one file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Default)]
pub struct CheckReport {
    pub interchanges: Vec<InterchangeReport>,
    /// Faults outside any interchange.
    pub orphan_errors: Vec<EnvelopeError>,
    /// A lexing failure ends the check (e.g. no ISA).
    #[serde(skip)]
    pub lex_error: Option<LexError>,
    pub segments: u64,
    pub bytes: u64,
}

impl CheckReport {
    pub fn groups(&self) -> impl Iterator<Item = &GroupReport> {
        self.interchanges.iter().flat_map(|i| i.groups.iter())
    }
    pub fn sets(&self) -> usize {
        self.groups().map(|g| g.sets.len()).sum()
    }
    pub fn claims(&self) -> u64 {
        self.groups()
            .flat_map(|g| g.sets.iter())
            .map(|s| s.claims)
            .sum()
    }
    /// True when the file was read entirely and every group and interchange is accepted without errors.
    pub fn all_accepted(&self) -> bool {
        self.lex_error.is_none()
            && self.orphan_errors.is_empty()
            && !self.interchanges.is_empty()
            && self.interchanges.iter().all(|i| i.errors.is_empty())
            && self.groups().all(|g| g.status == AckCode::Accepted)
    }
    /// Every finding as one line: for reports and tests.
    pub fn error_lines(&self) -> Vec<String> {
        let mut out = vec![];
        if let Some(e) = &self.lex_error {
            out.push(format!("lex: {e}"));
        }
        for e in &self.orphan_errors {
            out.push(format!(
                "segment {} ({}): {} [{}]",
                e.segment, e.segment_id, e.message, e.code
            ));
        }
        for i in &self.interchanges {
            for e in &i.errors {
                out.push(format!(
                    "interchange {}: segment {} ({}): {} [TA1 {}]",
                    i.isa.control_number, e.segment, e.segment_id, e.message, e.code
                ));
            }
            for g in &i.groups {
                for e in &g.errors {
                    out.push(format!(
                        "group {}: segment {} ({}): {} [AK9 {}]",
                        g.gs.control_number, e.segment, e.segment_id, e.message, e.code
                    ));
                }
                for s in &g.sets {
                    for e in &s.envelope_errors {
                        out.push(format!(
                            "set {}: segment {} ({}): {} [IK5 {}]",
                            s.st.control_number, e.segment, e.segment_id, e.message, e.code
                        ));
                    }
                    for is in &s.issues {
                        let els: Vec<String> = is
                            .elements
                            .iter()
                            .map(|e| match e.component {
                                Some(c) => format!("{:02}-{} IK4 {}", e.element, c, e.code),
                                None => format!("{:02} IK4 {}", e.element, e.code),
                            })
                            .collect();
                        out.push(format!(
                            "set {}: segment {} position {} ({}, loop {}): {} [IK3 {}{}{}]",
                            s.st.control_number,
                            is.segment,
                            is.position,
                            is.segment_id,
                            is.loop_id,
                            is.message,
                            is.code,
                            if els.is_empty() { "" } else { "; " },
                            els.join(", ")
                        ));
                    }
                }
            }
        }
        out
    }
}

fn set_status(envelope_errors: &[EnvelopeError], issues: &[SegmentIssue]) -> AckCode {
    if !envelope_errors.is_empty() {
        return AckCode::Rejected;
    }
    if issues.is_empty() {
        return AckCode::Accepted;
    }
    // Invalid code values, pattern mismatches and trailing separators leave the data readable: accept with errors.
    // Anything structural, missing, malformed or mistyped rejects.
    let soft = issues.iter().all(|i| {
        i.code == "8"
            && i.elements
                .iter()
                .all(|e| matches!(e.code, "7" | "I12" | "3"))
    });
    if soft {
        AckCode::AcceptedWithErrors
    } else {
        AckCode::Rejected
    }
}

fn group_status(errors: &[EnvelopeError], sets: &[SetReport]) -> AckCode {
    if !errors.is_empty() || sets.is_empty() {
        return AckCode::Rejected;
    }
    let rejected = sets
        .iter()
        .filter(|s| s.status == AckCode::Rejected)
        .count();
    if rejected == sets.len() {
        AckCode::Rejected
    } else if rejected > 0 {
        AckCode::PartiallyAccepted
    } else if sets.iter().any(|s| s.status == AckCode::AcceptedWithErrors) {
        AckCode::AcceptedWithErrors
    } else {
        AckCode::Accepted
    }
}

/// Checks a whole input stream.
pub fn check<R: Read>(src: R) -> CheckReport {
    let mut lexer = Lexer::with_capacity(src, 1 << 20);
    let mut tracker = EnvelopeTracker::new();
    let mut report = CheckReport::default();
    let mut groups: Vec<GroupReport> = vec![];
    let mut sets: Vec<SetReport> = vec![];
    let mut current_isa: Option<Isa> = None;
    let mut validator: Option<Validator837> = None;
    let mut gs_version = String::new();
    let mut last_segment = 0;
    let mut set_is_837 = false;
    loop {
        let seg = match lexer.next_segment() {
            Ok(Some(s)) => s,
            Ok(None) => {
                tracker.finish(last_segment);
                break;
            }
            Err(e) => {
                report.lex_error = Some(e);
                tracker.finish(last_segment);
                break;
            }
        };
        last_segment = seg.index;
        let role = tracker.feed(&seg);
        match role {
            Role::Body { position } => {
                if let Some(v) = validator.as_mut() {
                    v.segment(&seg, position);
                }
            }
            Role::Se => {
                if let Some(v) = validator.as_mut() {
                    // SE's own position: the body count + 1 is in the SetEnd event.
                    v.finish(u32::MAX, seg.index);
                }
            }
            _ => {}
        }
        for ev in tracker.drain() {
            match ev {
                EnvelopeEvent::InterchangeStart(isa) => {
                    current_isa = Some(isa);
                    groups.clear();
                }
                EnvelopeEvent::GroupStart(gs) => {
                    gs_version.clone_from(&gs.version);
                    sets.clear();
                }
                EnvelopeEvent::SetStart(st) => {
                    let version = if st.version.is_empty() {
                        &gs_version
                    } else {
                        &st.version
                    };
                    set_is_837 = st.id == "837";
                    validator = set_is_837.then(|| {
                        Validator837::new(ClaimKind::from_version(version).unwrap_or_default())
                    });
                }
                EnvelopeEvent::SetEnd(close) => {
                    let (mut issues, claims) = match validator.take() {
                        Some(mut v) => {
                            v.finish(close.segments, last_segment);
                            (std::mem::take(&mut v.issues), v.claims)
                        }
                        None => (vec![], 0),
                    };
                    // Findings raised at SE carry SE's position in the set.
                    for i in &mut issues {
                        if i.position == u32::MAX {
                            i.position = close.segments;
                        }
                    }
                    let mut envelope_errors = close.errors;
                    if !set_is_837 && !matches!(close.st.id.as_str(), "835" | "999" | "277" | "837")
                    {
                        envelope_errors.push(EnvelopeError {
                            code: "1",
                            segment_id: "ST".into(),
                            segment: close.st.segment,
                            message: format!("transaction set {} is not supported", close.st.id),
                        });
                    }
                    let status = set_status(&envelope_errors, &issues);
                    sets.push(SetReport {
                        st: close.st,
                        envelope_errors,
                        issues,
                        claims,
                        segments: close.segments,
                        status,
                    });
                }
                EnvelopeEvent::GroupEnd(close) => {
                    let sets = std::mem::take(&mut sets);
                    let status = group_status(&close.errors, &sets);
                    groups.push(GroupReport {
                        gs: close.gs,
                        errors: close.errors,
                        sets,
                        status,
                    });
                }
                EnvelopeEvent::InterchangeEnd(close) => {
                    let _ = current_isa.take();
                    report.interchanges.push(InterchangeReport {
                        isa: close.isa,
                        errors: close.errors,
                        groups: std::mem::take(&mut groups),
                    });
                }
            }
        }
    }
    report.orphan_errors = std::mem::take(&mut tracker.orphan_errors);
    report.segments = last_segment;
    report.bytes = lexer.offset();
    report
}

/// Checks an in-memory file.
pub fn check_bytes(input: &[u8]) -> CheckReport {
    check(input)
}
