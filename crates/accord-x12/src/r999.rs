//! 999 (005010X231A1) and TA1 reader: enough to read back what [`crate::w999`]
//! writes and to read the acknowledgments clearinghouses send.

use crate::lexer::SliceLexer;

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Ik4 {
    pub element: usize,
    pub component: Option<usize>,
    pub code: String,
    pub value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Ik3 {
    pub segment_id: String,
    pub position: u32,
    pub loop_id: Option<String>,
    pub code: String,
    /// CTX segments (business unit or segment context), verbatim.
    pub context: Vec<String>,
    pub elements: Vec<Ik4>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct SetAck {
    pub set_id: String,
    pub control_number: String,
    pub version: Option<String>,
    pub segments: Vec<Ik3>,
    /// IK501 A/E/R.
    pub status: String,
    /// IK502-IK506.
    pub codes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct GroupAck {
    pub functional_id: String,
    pub control_number: String,
    pub version: Option<String>,
    pub sets: Vec<SetAck>,
    /// AK901 A/E/P/R.
    pub status: String,
    pub included: u32,
    pub received: u32,
    pub accepted: u32,
    pub codes: Vec<String>,
}

/// A TA1 interchange acknowledgment.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Ta1 {
    pub control_number: String,
    pub date: String,
    pub time: String,
    /// A accepted, E accepted with errors, R rejected.
    pub status: String,
    pub note_code: String,
}

/// Everything acknowledged in one file.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Acknowledgments {
    pub groups: Vec<GroupAck>,
    pub ta1: Vec<Ta1>,
}

/// Reads 999 groups and TA1s. Tolerant: unknown segments are skipped, bad numbers read as 0.
pub fn read_999(input: &[u8]) -> Result<Acknowledgments, crate::lexer::LexError> {
    let mut acks = Acknowledgments::default();
    let num = |s: &str| s.parse::<u32>().unwrap_or(0);
    for seg in SliceLexer::new(input) {
        let seg = seg?;
        match seg.id() {
            b"TA1" => acks.ta1.push(Ta1 {
                control_number: seg.el(1).into(),
                date: seg.el(2).into(),
                time: seg.el(3).into(),
                status: seg.el(4).into(),
                note_code: seg.el(5).into(),
            }),
            b"AK1" => acks.groups.push(GroupAck {
                functional_id: seg.el(1).into(),
                control_number: seg.el(2).into(),
                version: seg.opt(3),
                ..GroupAck::default()
            }),
            b"AK2" => {
                if let Some(g) = acks.groups.last_mut() {
                    g.sets.push(SetAck {
                        set_id: seg.el(1).into(),
                        control_number: seg.el(2).into(),
                        version: seg.opt(3),
                        ..SetAck::default()
                    });
                }
            }
            b"IK3" => {
                if let Some(s) = acks.groups.last_mut().and_then(|g| g.sets.last_mut()) {
                    s.segments.push(Ik3 {
                        segment_id: seg.el(1).into(),
                        position: num(seg.el(2)),
                        loop_id: seg.opt(3),
                        code: seg.el(4).into(),
                        ..Ik3::default()
                    });
                }
            }
            b"CTX" => {
                if let Some(i) = acks
                    .groups
                    .last_mut()
                    .and_then(|g| g.sets.last_mut())
                    .and_then(|s| s.segments.last_mut())
                {
                    i.context.push(crate::r837::normalized_text(&seg));
                }
            }
            b"IK4" => {
                if let Some(i) = acks
                    .groups
                    .last_mut()
                    .and_then(|g| g.sets.last_mut())
                    .and_then(|s| s.segments.last_mut())
                {
                    let c = seg.component(1, 2);
                    i.elements.push(Ik4 {
                        element: seg.component(1, 1).parse().unwrap_or(0),
                        component: if c.is_empty() { None } else { c.parse().ok() },
                        code: seg.el(3).into(),
                        value: seg.opt(4),
                    });
                }
            }
            b"IK5" => {
                if let Some(s) = acks.groups.last_mut().and_then(|g| g.sets.last_mut()) {
                    s.status = seg.el(1).into();
                    s.codes = (2..=6).filter_map(|n| seg.opt(n)).collect();
                }
            }
            b"AK9" => {
                if let Some(g) = acks.groups.last_mut() {
                    g.status = seg.el(1).into();
                    g.included = num(seg.el(2));
                    g.received = num(seg.el(3));
                    g.accepted = num(seg.el(4));
                    g.codes = (5..=9).filter_map(|n| seg.opt(n)).collect();
                }
            }
            _ => {}
        }
    }
    Ok(acks)
}
