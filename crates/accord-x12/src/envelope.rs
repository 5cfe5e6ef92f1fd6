//! Envelope tracking: ISA/IEA, GS/GE, ST/SE.
//!
//! [`EnvelopeTracker::feed`] classifies every segment (header, trailer or body)
//! and, on control segments, queues [`EnvelopeEvent`]s carrying the parsed
//! headers and, at the trailers, every mismatch found (control numbers, counts,
//! missing trailers). Interchange-level faults carry TA1 note codes (TA105);
//! group-level faults AK9 codes (AK905..); set-level faults IK5 codes (IK502..).
//! The body fast path does no allocation.

use crate::segment::Segment;

/// Interchange header (ISA), fields trimmed of their fixed-width padding.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Isa {
    pub auth_qualifier: String,
    pub auth_info: String,
    pub security_qualifier: String,
    pub security_info: String,
    pub sender_qualifier: String,
    pub sender_id: String,
    pub receiver_qualifier: String,
    pub receiver_id: String,
    /// ISA09, YYMMDD.
    pub date: String,
    /// ISA10, HHMM.
    pub time: String,
    pub repetition_separator: String,
    pub version: String,
    pub control_number: String,
    pub ack_requested: String,
    pub usage: String,
    pub component_separator: String,
    /// Segment ordinal in the file.
    pub segment: u64,
}

/// Functional group header (GS).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Gs {
    pub functional_id: String,
    pub sender: String,
    pub receiver: String,
    pub date: String,
    pub time: String,
    pub control_number: String,
    pub agency: String,
    pub version: String,
    pub segment: u64,
}

/// Transaction set header (ST).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct St {
    pub id: String,
    pub control_number: String,
    /// ST03 implementation convention reference, e.g. 005010X222A1.
    pub version: String,
    pub segment: u64,
}

/// One envelope fault, located.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EnvelopeError {
    /// Code from the list of the level's acknowledgment: TA105, AK905 or IK502.
    pub code: &'static str,
    pub segment_id: String,
    /// Segment ordinal in the file.
    pub segment: u64,
    pub message: String,
}

/// What a segment is to the envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Isa,
    Iea,
    Gs,
    Ge,
    St,
    Se,
    /// A segment inside a transaction set; `position` counts from ST = 1 (IK302).
    Body {
        position: u32,
    },
    /// A segment outside any transaction set (an envelope error is queued).
    Stray,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvelopeEvent {
    InterchangeStart(Isa),
    GroupStart(Gs),
    SetStart(St),
    SetEnd(SetClose),
    GroupEnd(GroupClose),
    InterchangeEnd(InterchangeClose),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetClose {
    pub st: St,
    /// Segments counted, ST and SE included.
    pub segments: u32,
    pub errors: Vec<EnvelopeError>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupClose {
    pub gs: Gs,
    /// Transaction sets received.
    pub sets: u32,
    pub errors: Vec<EnvelopeError>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterchangeClose {
    pub isa: Isa,
    pub groups: u32,
    pub errors: Vec<EnvelopeError>,
}

/// Parses the ISA header fields.
pub fn parse_isa(seg: &Segment<'_>) -> Isa {
    let t = |n| seg.el(n).trim().to_string();
    Isa {
        auth_qualifier: t(1),
        auth_info: t(2),
        security_qualifier: t(3),
        security_info: t(4),
        sender_qualifier: t(5),
        sender_id: t(6),
        receiver_qualifier: t(7),
        receiver_id: t(8),
        date: t(9),
        time: t(10),
        repetition_separator: seg.el(11).to_string(),
        version: t(12),
        control_number: t(13),
        ack_requested: t(14),
        usage: t(15),
        component_separator: seg.el(16).to_string(),
        segment: seg.index,
    }
}

fn parse_gs(seg: &Segment<'_>) -> Gs {
    let t = |n| seg.el(n).trim().to_string();
    Gs {
        functional_id: t(1),
        sender: t(2),
        receiver: t(3),
        date: t(4),
        time: t(5),
        control_number: t(6),
        agency: t(7),
        version: t(8),
        segment: seg.index,
    }
}

fn isa_errors(seg: &Segment<'_>, isa: &Isa) -> Vec<EnvelopeError> {
    let mut errs = vec![];
    let mut e = |code: &'static str, msg: String| {
        errs.push(EnvelopeError {
            code,
            segment_id: "ISA".into(),
            segment: seg.index,
            message: msg,
        })
    };
    if seg.element_count() != 16 {
        e(
            "024",
            format!("ISA has {} elements, 16 expected", seg.element_count()),
        );
    }
    // ISA fields are fixed width; the TA105 code names the field.
    const WIDTHS: [(usize, usize, &str); 8] = [
        (1, 2, "010"),
        (2, 10, "011"),
        (3, 2, "012"),
        (4, 10, "013"),
        (5, 2, "005"),
        (6, 15, "006"),
        (7, 2, "007"),
        (8, 15, "008"),
    ];
    for (n, w, code) in WIDTHS {
        let len = seg.element(n).len();
        if len != w {
            e(
                code,
                format!("ISA{n:02} is {len} characters wide, {w} expected"),
            );
        }
    }
    if !isa.control_number.bytes().all(|b| b.is_ascii_digit()) || isa.control_number.len() != 9 {
        e(
            "018",
            format!(
                "ISA13 control number {:?} is not 9 digits",
                isa.control_number
            ),
        );
    }
    if !matches!(isa.usage.as_str(), "P" | "T") {
        e(
            "020",
            format!("ISA15 usage indicator {:?} is not P or T", isa.usage),
        );
    }
    if !matches!(isa.ack_requested.as_str(), "0" | "1") {
        e(
            "019",
            format!(
                "ISA14 acknowledgment requested {:?} is not 0 or 1",
                isa.ack_requested
            ),
        );
    }
    if isa.date.len() != 6 || !isa.date.bytes().all(|b| b.is_ascii_digit()) {
        e("014", format!("ISA09 date {:?} is not YYMMDD", isa.date));
    }
    if isa.time.len() != 4 || !isa.time.bytes().all(|b| b.is_ascii_digit()) {
        e("015", format!("ISA10 time {:?} is not HHMM", isa.time));
    }
    if isa.version != "00501" {
        e(
            "017",
            format!("ISA12 version {:?} is not 00501", isa.version),
        );
    }
    errs
}

#[derive(Debug)]
struct OpenInterchange {
    isa: Isa,
    groups: u32,
    errors: Vec<EnvelopeError>,
}

#[derive(Debug)]
struct OpenGroup {
    gs: Gs,
    sets: u32,
    errors: Vec<EnvelopeError>,
    set_controls: Vec<String>,
}

#[derive(Debug)]
struct OpenSet {
    st: St,
    segments: u32,
    errors: Vec<EnvelopeError>,
}

/// Streaming state machine over the envelope. See the module docs.
#[derive(Debug, Default)]
pub struct EnvelopeTracker {
    interchange: Option<OpenInterchange>,
    group: Option<OpenGroup>,
    set: Option<OpenSet>,
    events: Vec<EnvelopeEvent>,
    /// Errors with no open envelope to attach them to (stray segments).
    pub orphan_errors: Vec<EnvelopeError>,
    control_numbers_seen: Vec<String>,
}

fn err(code: &'static str, seg: &Segment<'_>, message: String) -> EnvelopeError {
    EnvelopeError {
        code,
        segment_id: seg.id_str().to_string(),
        segment: seg.index,
        message,
    }
}

impl EnvelopeTracker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Events queued by the last `feed`/`finish` calls.
    pub fn drain(&mut self) -> std::vec::Drain<'_, EnvelopeEvent> {
        self.events.drain(..)
    }

    pub fn has_events(&self) -> bool {
        !self.events.is_empty()
    }

    /// Classifies `seg` and updates counts.
    #[inline]
    pub fn feed(&mut self, seg: &Segment<'_>) -> Role {
        // Fast path (inlined): a body segment of an open set (envelope segment IDs start
        // with S, G or I).
        if let Some(set) = self.set.as_mut()
            && (!matches!(seg.raw().first(), Some(b'S' | b'G' | b'I'))
                || !matches!(seg.id(), b"SE" | b"ST" | b"GE" | b"GS" | b"IEA" | b"ISA"))
        {
            set.segments += 1;
            return Role::Body {
                position: set.segments,
            };
        }
        self.feed_envelope(seg)
    }

    #[inline(never)]
    fn feed_envelope(&mut self, seg: &Segment<'_>) -> Role {
        let id = seg.id();
        match id {
            b"ISA" => {
                if self.interchange.is_some() {
                    self.close_interchange(seg, "023", "IEA missing before the next ISA");
                }
                let isa = parse_isa(seg);
                let errors = isa_errors(seg, &isa);
                self.events
                    .push(EnvelopeEvent::InterchangeStart(isa.clone()));
                self.interchange = Some(OpenInterchange {
                    isa,
                    groups: 0,
                    errors,
                });
                Role::Isa
            }
            b"GS" => {
                if self.group.is_some() {
                    self.close_group(seg, "3", "GE missing before the next GS");
                }
                let gs = parse_gs(seg);
                let mut errors = vec![];
                if gs.control_number.is_empty()
                    || !gs.control_number.bytes().all(|b| b.is_ascii_digit())
                {
                    errors.push(err(
                        "6",
                        seg,
                        format!(
                            "GS06 group control number {:?} is not numeric",
                            gs.control_number
                        ),
                    ));
                }
                match self.interchange.as_mut() {
                    Some(ic) => {
                        ic.groups += 1;
                        if self.control_numbers_seen.contains(&gs.control_number) {
                            errors.push(err(
                                "19",
                                seg,
                                format!(
                                    "GS06 {} is not unique within the interchange",
                                    gs.control_number
                                ),
                            ));
                        }
                        self.control_numbers_seen.push(gs.control_number.clone());
                    }
                    None => self.orphan_errors.push(err(
                        "024",
                        seg,
                        "GS outside an interchange (no ISA)".into(),
                    )),
                }
                self.events.push(EnvelopeEvent::GroupStart(gs.clone()));
                self.group = Some(OpenGroup {
                    gs,
                    sets: 0,
                    errors,
                    set_controls: vec![],
                });
                Role::Gs
            }
            b"ST" => {
                if self.set.is_some() {
                    self.close_set(seg, "2", "SE missing before the next ST");
                }
                let st = St {
                    id: seg.el(1).to_string(),
                    control_number: seg.el(2).to_string(),
                    version: seg.el(3).to_string(),
                    segment: seg.index,
                };
                let mut errors = vec![];
                if st.id.is_empty() {
                    errors.push(err(
                        "6",
                        seg,
                        "ST01 transaction set identifier missing".into(),
                    ));
                }
                if st.control_number.len() < 4 || st.control_number.len() > 9 {
                    errors.push(err(
                        "7",
                        seg,
                        format!(
                            "ST02 control number {:?} must be 4-9 characters",
                            st.control_number
                        ),
                    ));
                }
                match self.group.as_mut() {
                    Some(g) => {
                        g.sets += 1;
                        if g.set_controls.contains(&st.control_number) {
                            errors.push(err(
                                "23",
                                seg,
                                format!(
                                    "ST02 {} is not unique within the group",
                                    st.control_number
                                ),
                            ));
                        }
                        g.set_controls.push(st.control_number.clone());
                    }
                    None => self.orphan_errors.push(err(
                        "024",
                        seg,
                        "ST outside a functional group (no GS)".into(),
                    )),
                }
                self.events.push(EnvelopeEvent::SetStart(st.clone()));
                self.set = Some(OpenSet {
                    st,
                    segments: 1,
                    errors,
                });
                Role::St
            }
            b"SE" => {
                let Some(mut set) = self.set.take() else {
                    self.stray(seg);
                    return Role::Stray;
                };
                set.segments += 1;
                let declared = seg.el(1);
                if declared.parse::<u32>().ok() != Some(set.segments) {
                    set.errors.push(err(
                        "4",
                        seg,
                        format!("SE01 says {declared:?} segments, counted {}", set.segments),
                    ));
                }
                if seg.el(2) != set.st.control_number {
                    set.errors.push(err(
                        "3",
                        seg,
                        format!(
                            "SE02 {:?} does not match ST02 {:?}",
                            seg.el(2),
                            set.st.control_number
                        ),
                    ));
                }
                self.events.push(EnvelopeEvent::SetEnd(SetClose {
                    st: set.st,
                    segments: set.segments,
                    errors: set.errors,
                }));
                Role::Se
            }
            b"GE" => {
                if self.set.is_some() {
                    self.close_set(seg, "2", "SE missing before GE");
                }
                let Some(mut g) = self.group.take() else {
                    self.stray(seg);
                    return Role::Stray;
                };
                if seg.el(1).parse::<u32>().ok() != Some(g.sets) {
                    g.errors.push(err(
                        "5",
                        seg,
                        format!(
                            "GE01 says {:?} transaction sets, received {}",
                            seg.el(1),
                            g.sets
                        ),
                    ));
                }
                if seg.el(2) != g.gs.control_number {
                    g.errors.push(err(
                        "4",
                        seg,
                        format!(
                            "GE02 {:?} does not match GS06 {:?}",
                            seg.el(2),
                            g.gs.control_number
                        ),
                    ));
                }
                self.events.push(EnvelopeEvent::GroupEnd(GroupClose {
                    gs: g.gs,
                    sets: g.sets,
                    errors: g.errors,
                }));
                Role::Ge
            }
            b"IEA" => {
                if self.set.is_some() {
                    self.close_set(seg, "2", "SE missing before IEA");
                }
                if self.group.is_some() {
                    self.close_group(seg, "3", "GE missing before IEA");
                }
                let Some(mut ic) = self.interchange.take() else {
                    self.stray(seg);
                    return Role::Stray;
                };
                if seg.el(1).parse::<u32>().ok() != Some(ic.groups) {
                    ic.errors.push(err(
                        "021",
                        seg,
                        format!("IEA01 says {:?} groups, received {}", seg.el(1), ic.groups),
                    ));
                }
                if seg.el(2).trim() != ic.isa.control_number {
                    ic.errors.push(err(
                        "001",
                        seg,
                        format!(
                            "IEA02 {:?} does not match ISA13 {:?}",
                            seg.el(2),
                            ic.isa.control_number
                        ),
                    ));
                }
                self.control_numbers_seen.clear();
                self.events
                    .push(EnvelopeEvent::InterchangeEnd(InterchangeClose {
                        isa: ic.isa,
                        groups: ic.groups,
                        errors: ic.errors,
                    }));
                Role::Iea
            }
            _ => {
                self.stray(seg);
                Role::Stray
            }
        }
    }

    fn stray(&mut self, seg: &Segment<'_>) {
        let e = err(
            "024",
            seg,
            format!("segment {} is outside a transaction set", seg.id_str()),
        );
        match self.interchange.as_mut() {
            Some(ic) => ic.errors.push(e),
            None => self.orphan_errors.push(e),
        }
    }

    fn close_set(&mut self, at: &Segment<'_>, code: &'static str, msg: &str) {
        if let Some(mut set) = self.set.take() {
            set.errors.push(err(code, at, msg.to_string()));
            self.events.push(EnvelopeEvent::SetEnd(SetClose {
                st: set.st,
                segments: set.segments,
                errors: set.errors,
            }));
        }
    }

    fn close_group(&mut self, at: &Segment<'_>, code: &'static str, msg: &str) {
        if let Some(mut g) = self.group.take() {
            g.errors.push(err(code, at, msg.to_string()));
            self.events.push(EnvelopeEvent::GroupEnd(GroupClose {
                gs: g.gs,
                sets: g.sets,
                errors: g.errors,
            }));
        }
    }

    fn close_interchange(&mut self, at: &Segment<'_>, code: &'static str, msg: &str) {
        if self.set.is_some() {
            self.close_set(at, "2", "SE missing");
        }
        if self.group.is_some() {
            self.close_group(at, "3", "GE missing");
        }
        if let Some(mut ic) = self.interchange.take() {
            ic.errors.push(err(code, at, msg.to_string()));
            self.control_numbers_seen.clear();
            self.events
                .push(EnvelopeEvent::InterchangeEnd(InterchangeClose {
                    isa: ic.isa,
                    groups: ic.groups,
                    errors: ic.errors,
                }));
        }
    }

    /// End of input: closes whatever is still open, with "trailer missing" errors.
    pub fn finish(&mut self, last_segment: u64) {
        let end = EnvelopeError {
            code: "",
            segment_id: "".into(),
            segment: last_segment,
            message: String::new(),
        };
        if let Some(mut set) = self.set.take() {
            set.errors.push(EnvelopeError {
                code: "2",
                message: "file ends before SE".into(),
                ..end.clone()
            });
            self.events.push(EnvelopeEvent::SetEnd(SetClose {
                st: set.st,
                segments: set.segments,
                errors: set.errors,
            }));
        }
        if let Some(mut g) = self.group.take() {
            g.errors.push(EnvelopeError {
                code: "3",
                message: "file ends before GE".into(),
                ..end.clone()
            });
            self.events.push(EnvelopeEvent::GroupEnd(GroupClose {
                gs: g.gs,
                sets: g.sets,
                errors: g.errors,
            }));
        }
        if let Some(mut ic) = self.interchange.take() {
            ic.errors.push(EnvelopeError {
                code: "023",
                message: "file ends before IEA".into(),
                ..end
            });
            self.events
                .push(EnvelopeEvent::InterchangeEnd(InterchangeClose {
                    isa: ic.isa,
                    groups: ic.groups,
                    errors: ic.errors,
                }));
        }
    }
}
