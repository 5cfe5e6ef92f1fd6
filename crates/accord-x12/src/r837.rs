//! Typed reader for 837P (005010X222A1/A2) and 837I (005010X223A2/A3).
//!
//! Hands out one [`Claim`] at a time, each carrying copies of the hierarchy
//! above it (submitter, receiver, billing provider, subscriber, patient), so
//! memory stays bounded by the largest claim, not the file. The reader is
//! tolerant by design: structural and TR3 conformance is judged by
//! [`crate::check`] (which produces the 999); this reader extracts data and
//! only fails a claim when a value it must type (an amount, a number) is malformed.

use std::collections::VecDeque;
use std::io::Read;
use std::str::FromStr;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::envelope::{EnvelopeEvent, EnvelopeTracker, Role};
use crate::lexer::{LexError, Lexer};
use crate::model::*;
use crate::segment::{Fields, Segment};

/// A read failure, located.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Lex(#[from] LexError),
    #[error(
        "segment {segment} ({segment_id}, position {position} in its transaction set), element {element}: {message}"
    )]
    Element {
        segment_id: String,
        /// Segment ordinal in the file.
        segment: u64,
        /// Segment position in the transaction set (ST = 1).
        position: u32,
        element: usize,
        message: String,
    },
}

pub(crate) fn decimal(seg: &Fields<'_>, position: u32, n: usize) -> Result<Decimal, ReadError> {
    let s = seg.el(n);
    parse_decimal(s).ok_or_else(|| ReadError::Element {
        segment_id: seg.id_str().to_string(),
        segment: seg.index,
        position,
        element: n,
        message: format!("{s:?} is not a decimal number"),
    })
}

pub(crate) fn opt_decimal(
    seg: &Fields<'_>,
    position: u32,
    n: usize,
) -> Result<Option<Decimal>, ReadError> {
    if seg.el(n).is_empty() {
        Ok(None)
    } else {
        decimal(seg, position, n).map(Some)
    }
}

/// X12 "R" numbers: optional sign, digits, optional decimal point.
pub fn parse_decimal(s: &str) -> Option<Decimal> {
    if s.is_empty() || s.len() > 30 || s.contains(['e', 'E']) {
        return None;
    }
    let t = s.strip_prefix('+').unwrap_or(s);
    let t2 = if let Some(rest) = t.strip_prefix("-.") {
        format!("-0.{rest}")
    } else if let Some(rest) = t.strip_prefix('.') {
        format!("0.{rest}")
    } else {
        t.to_string()
    };
    Decimal::from_str(&t2).ok()
}

/// Segment text with the standard separators (`*`, `:`, `^`), for verbatim storage.
pub fn normalized_text(seg: &Segment<'_>) -> String {
    let d = seg.delimiters();
    seg.raw()
        .iter()
        .map(|&b| {
            if b == d.element {
                '*'
            } else if b == d.component {
                ':'
            } else if Some(b) == d.repetition {
                '^'
            } else {
                b as char
            }
        })
        .collect()
}

fn entity_from_nm1(seg: &Fields<'_>) -> Entity {
    Entity {
        entity_code: seg.el(1).to_string(),
        entity_type: seg.el(2).to_string(),
        name: seg.el(3).to_string(),
        first_name: seg.opt(4),
        middle_name: seg.opt(5),
        suffix: seg.opt(7),
        id_qualifier: seg.opt(8),
        id: seg.opt(9),
        ..Entity::default()
    }
}

/// Which loop the reader is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Header,
    Submitter,
    Receiver,
    L2000A,
    Billing,
    PayTo,
    PayToPlan,
    L2000B,
    SubscriberName,
    Payer,
    L2000C,
    PatientName,
    Claim,
    ClaimProvider,
    OtherSub,
    OtherSubEntity,
    Line,
    LineDrug,
    LineProvider,
    LineAdj,
    LineForm,
}

#[derive(Default)]
struct SetCtx {
    kind: ClaimKind,
    provenance: Provenance,
    submitter: Arc<Entity>,
    receiver: Arc<Entity>,
}

struct State {
    tracker: EnvelopeTracker,
    isa_control: String,
    gs_control: String,
    gs_version: String,
    set: Option<SetCtx>,
    billing: Arc<BillingProvider>,
    subscriber: Arc<Subscriber>,
    patient: Option<Arc<Patient>>,
    claim: Option<Claim>,
    ctx: Ctx,
    position: u32,
    ready: VecDeque<Result<Claim, ReadError>>,
    /// The current claim hit a typing error: drop its remaining segments.
    poisoned: bool,
    sets_read: u64,
}

/// Streaming 837 reader. See the module docs.
pub struct Reader837<R> {
    lexer: Lexer<R>,
    state: State,
    done: bool,
    last_segment: u64,
}

impl<R: Read> Reader837<R> {
    pub fn new(src: R) -> Self {
        Reader837 {
            lexer: Lexer::with_capacity(src, 1 << 20),
            state: State {
                tracker: EnvelopeTracker::new(),
                isa_control: String::new(),
                gs_control: String::new(),
                gs_version: String::new(),
                set: None,
                billing: Arc::default(),
                subscriber: Arc::default(),
                patient: None,
                claim: None,
                ctx: Ctx::Header,
                position: 0,
                ready: VecDeque::new(),
                poisoned: false,
                sets_read: 0,
            },
            done: false,
            last_segment: 0,
        }
    }

    /// Number of 837 transaction sets seen so far.
    pub fn sets_read(&self) -> u64 {
        self.state.sets_read
    }

    /// The next claim, `Ok(None)` at end of input. A claim with a malformed
    /// amount comes back as `Err` and reading can continue with the next one;
    /// a lexing error ends the stream.
    pub fn next_claim(&mut self) -> Result<Option<Claim>, ReadError> {
        loop {
            if let Some(c) = self.state.ready.pop_front() {
                return c.map(Some);
            }
            if self.done {
                return Ok(None);
            }
            let seg = match self.lexer.next_segment() {
                Ok(Some(s)) => s,
                Ok(None) => {
                    self.done = true;
                    self.state.flush_claim();
                    self.state.tracker.finish(self.last_segment);
                    continue;
                }
                Err(e) => {
                    self.done = true;
                    self.state.flush_claim();
                    self.state.ready.push_back(Err(e.into()));
                    continue;
                }
            };
            self.last_segment = seg.index;
            self.state.handle(&seg);
        }
    }
}

impl<R: Read> Iterator for Reader837<R> {
    type Item = Result<Claim, ReadError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.next_claim().transpose()
    }
}

/// Reads every claim of an in-memory file (for tests and small files).
pub fn read_claims(input: &[u8]) -> Result<Vec<Claim>, ReadError> {
    Reader837::new(input).collect()
}

impl State {
    fn flush_claim(&mut self) {
        if let Some(c) = self.claim.take()
            && !self.poisoned
        {
            self.ready.push_back(Ok(c));
        }
        self.poisoned = false;
    }

    fn handle(&mut self, seg: &Segment<'_>) {
        // (Split into elements below, once, only for body segments.)
        let role = self.tracker.feed(seg);
        if self.tracker.has_events() {
            let events: Vec<_> = self.tracker.drain().collect();
            for ev in events {
                match ev {
                    EnvelopeEvent::InterchangeStart(isa) => self.isa_control = isa.control_number,
                    EnvelopeEvent::GroupStart(gs) => {
                        self.gs_control = gs.control_number;
                        self.gs_version = gs.version;
                    }
                    EnvelopeEvent::SetStart(st) => {
                        self.flush_claim();
                        let version = if st.version.is_empty() {
                            self.gs_version.clone()
                        } else {
                            st.version
                        };
                        self.set = (st.id == "837").then(|| {
                            self.sets_read += 1;
                            SetCtx {
                                kind: ClaimKind::from_version(&version).unwrap_or_default(),
                                provenance: Provenance {
                                    interchange_control: self.isa_control.clone(),
                                    group_control: self.gs_control.clone(),
                                    set_control: st.control_number,
                                    version,
                                    ..Provenance::default()
                                },
                                ..SetCtx::default()
                            }
                        });
                        self.ctx = Ctx::Header;
                        self.billing = Arc::default();
                        self.subscriber = Arc::default();
                        self.patient = None;
                    }
                    EnvelopeEvent::SetEnd(_) => {
                        self.flush_claim();
                        self.set = None;
                    }
                    _ => {}
                }
            }
        }
        let Role::Body { position } = role else {
            return;
        };
        if self.set.is_none() {
            return;
        }
        self.position = position;
        let fields = seg.fields();
        if let Err(e) = self.body(&fields) {
            self.poisoned = true;
            self.ready.push_back(Err(e));
        }
    }

    fn entity(&mut self) -> Option<&mut Entity> {
        let set = self.set.as_mut()?;
        match self.ctx {
            Ctx::Submitter => Some(Arc::make_mut(&mut set.submitter)),
            Ctx::Receiver => Some(Arc::make_mut(&mut set.receiver)),
            Ctx::Billing => Some(&mut Arc::make_mut(&mut self.billing).provider),
            Ctx::PayTo => Arc::make_mut(&mut self.billing).pay_to.as_mut(),
            Ctx::PayToPlan => Arc::make_mut(&mut self.billing).pay_to_plan.as_mut(),
            Ctx::SubscriberName => Some(&mut Arc::make_mut(&mut self.subscriber).person),
            Ctx::Payer => Some(&mut Arc::make_mut(&mut self.subscriber).payer),
            Ctx::PatientName => self.patient.as_mut().map(|p| &mut Arc::make_mut(p).person),
            Ctx::ClaimProvider => self.claim.as_mut()?.providers.last_mut(),
            Ctx::OtherSubEntity => {
                let os = self.claim.as_mut()?.other_subscribers.last_mut()?;
                if let Some(e) = os.other_entities.last_mut() {
                    return Some(e);
                }
                if os.payer.is_some() {
                    return os.payer.as_mut();
                }
                os.subscriber.as_mut()
            }
            Ctx::LineProvider => self.claim.as_mut()?.lines.last_mut()?.providers.last_mut(),
            _ => None,
        }
    }

    fn body(&mut self, seg: &Fields<'_>) -> Result<(), ReadError> {
        let pos = self.position;
        let id = seg.id();
        if self.poisoned && !matches!(id, b"CLM" | b"HL") {
            return Ok(());
        }
        match id {
            b"BHT" => {
                if let Some(set) = self.set.as_mut() {
                    set.provenance.bht_reference = seg.el(3).to_string();
                    set.provenance.bht_date = seg.el(4).to_string();
                    set.provenance.bht_type = seg.el(6).to_string();
                }
            }
            b"HL" => {
                self.flush_claim();
                match seg.el(3) {
                    "20" => {
                        self.billing = Arc::default();
                        self.ctx = Ctx::L2000A;
                    }
                    "22" => {
                        self.subscriber = Arc::default();
                        self.patient = None;
                        self.ctx = Ctx::L2000B;
                    }
                    "23" => {
                        self.patient = Some(Arc::default());
                        self.ctx = Ctx::L2000C;
                    }
                    _ => {}
                }
            }
            b"NM1" => self.nm1(seg),
            b"CLM" => {
                self.flush_claim();
                let Some(set) = self.set.as_ref() else {
                    return Ok(());
                };
                let mut prov = set.provenance.clone();
                prov.clm_segment = seg.index;
                let c = Claim {
                    kind: set.kind,
                    provenance: prov,
                    submitter: set.submitter.clone(),
                    receiver: set.receiver.clone(),
                    billing: self.billing.clone(),
                    subscriber: self.subscriber.clone(),
                    patient: self.patient.clone(),
                    claim_id: seg.el(1).to_string(),
                    total_charge: decimal(seg, pos, 2)?,
                    facility_code: seg.component(5, 1).to_string(),
                    facility_qualifier: seg.component(5, 2).to_string(),
                    frequency_code: seg.component(5, 3).to_string(),
                    provider_signature: seg.opt(6),
                    assignment: seg.opt(7),
                    benefits_assigned: seg.opt(8),
                    release_of_information: seg.opt(9),
                    patient_signature_source: seg.opt(10),
                    related_causes: seg.opt(11).map(|s| normalize_components(&s, seg)),
                    special_program: seg.opt(12),
                    delay_reason: seg.opt(20),
                    ..Claim::default()
                };
                self.claim = Some(c);
                self.ctx = Ctx::Claim;
            }
            b"SBR" => match self.ctx {
                Ctx::L2000B | Ctx::SubscriberName | Ctx::Payer => {
                    let s = Arc::make_mut(&mut self.subscriber);
                    s.responsibility = seg.el(1).to_string();
                    s.relationship = seg.opt(2);
                    s.group_number = seg.opt(3);
                    s.group_name = seg.opt(4);
                    s.insurance_type = seg.opt(5);
                    s.claim_filing = seg.opt(9);
                }
                _ => {
                    if let Some(c) = self.claim.as_mut() {
                        c.other_subscribers.push(OtherSubscriber {
                            responsibility: seg.el(1).to_string(),
                            relationship: seg.el(2).to_string(),
                            group_number: seg.opt(3),
                            group_name: seg.opt(4),
                            insurance_type: seg.opt(5),
                            claim_filing: seg.opt(9),
                            ..OtherSubscriber::default()
                        });
                        self.ctx = Ctx::OtherSub;
                    }
                }
            },
            b"PAT" if matches!(self.ctx, Ctx::L2000C) => {
                if let Some(p) = self.patient.as_mut().map(Arc::make_mut) {
                    p.relationship = seg.el(1).to_string();
                    if seg.element_count() > 1 {
                        p.other_segments.push(normalized_text(seg));
                    }
                }
            }
            b"LX" => {
                if let Some(c) = self.claim.as_mut() {
                    let n = seg.el(1).parse::<u32>().map_err(|_| ReadError::Element {
                        segment_id: "LX".into(),
                        segment: seg.index,
                        position: pos,
                        element: 1,
                        message: format!("{:?} is not a line number", seg.el(1)),
                    })?;
                    c.lines.push(ServiceLine {
                        line_number: n,
                        ..ServiceLine::default()
                    });
                    self.ctx = Ctx::Line;
                }
            }
            b"SV1" | b"SV2" if self.ctx == Ctx::Line => self.service(seg, pos)?,
            b"SVD" => {
                if let Some(l) = self.claim.as_mut().and_then(|c| c.lines.last_mut()) {
                    l.adjudications.push(LineAdjudication {
                        payer_id: seg.el(1).to_string(),
                        paid: decimal(seg, pos, 2)?,
                        procedure: normalize_components(seg.el(3), seg),
                        revenue_code: seg.opt(4),
                        paid_units: opt_decimal(seg, pos, 5)?,
                        bundled_line: seg.opt(6),
                        ..LineAdjudication::default()
                    });
                    self.ctx = Ctx::LineAdj;
                }
            }
            b"LIN" if matches!(self.ctx, Ctx::Line | Ctx::LineDrug) => {
                self.ctx = Ctx::LineDrug;
                self.other(seg);
            }
            b"LQ" => {
                self.ctx = Ctx::LineForm;
                self.other(seg);
            }
            b"CAS" => {
                let mut g = AdjustmentGroup {
                    group: seg.el(1).to_string(),
                    adjustments: vec![],
                };
                let mut k = 2;
                while k < 19 && !seg.el(k).is_empty() {
                    g.adjustments.push(Adjustment {
                        reason: seg.el(k).to_string(),
                        amount: decimal(seg, pos, k + 1)?,
                        quantity: opt_decimal(seg, pos, k + 2)?,
                    });
                    k += 3;
                }
                match self.ctx {
                    Ctx::OtherSub => {
                        if let Some(os) = self
                            .claim
                            .as_mut()
                            .and_then(|c| c.other_subscribers.last_mut())
                        {
                            os.adjustments.push(g);
                        }
                    }
                    Ctx::LineAdj => {
                        if let Some(a) = self
                            .claim
                            .as_mut()
                            .and_then(|c| c.lines.last_mut())
                            .and_then(|l| l.adjudications.last_mut())
                        {
                            a.adjustments.push(g);
                        }
                    }
                    _ => self.other(seg),
                }
            }
            b"AMT" => {
                let amt = (seg.el(1).to_string(), decimal(seg, pos, 2)?);
                match self.ctx {
                    Ctx::Claim | Ctx::ClaimProvider => {
                        if let Some(c) = self.claim.as_mut() {
                            c.amounts.push(amt);
                        }
                    }
                    Ctx::OtherSub => {
                        if let Some(os) = self
                            .claim
                            .as_mut()
                            .and_then(|c| c.other_subscribers.last_mut())
                        {
                            if amt.0 == "D" && os.payer_paid.is_none() {
                                os.payer_paid = Some(amt.1);
                            } else {
                                os.amounts.push(amt);
                            }
                        }
                    }
                    Ctx::Line => {
                        if let Some(l) = self.claim.as_mut().and_then(|c| c.lines.last_mut()) {
                            l.amounts.push(amt);
                        }
                    }
                    _ => self.other(seg),
                }
            }
            b"DTP" => {
                let d = DateRef {
                    qualifier: seg.el(1).to_string(),
                    format: seg.el(2).to_string(),
                    value: seg.el(3).to_string(),
                };
                match self.ctx {
                    Ctx::Claim => {
                        if let Some(c) = self.claim.as_mut() {
                            c.dates.push(d);
                        }
                    }
                    Ctx::Line => {
                        if let Some(l) = self.claim.as_mut().and_then(|c| c.lines.last_mut()) {
                            l.dates.push(d);
                        }
                    }
                    Ctx::LineAdj if d.qualifier == "573" => {
                        if let Some(a) = self
                            .claim
                            .as_mut()
                            .and_then(|c| c.lines.last_mut())
                            .and_then(|l| l.adjudications.last_mut())
                        {
                            if a.adjudication_date.is_none() {
                                a.adjudication_date = Some(d.value);
                            } else {
                                a.other_segments.push(normalized_text(seg));
                            }
                        }
                    }
                    _ => match self.entity() {
                        Some(e) => e.dates.push(d),
                        None => self.other(seg),
                    },
                }
            }
            b"HI" if self.ctx == Ctx::Claim => {
                if let Some(c) = self.claim.as_mut() {
                    for n in 1..=12 {
                        if seg.el(n).is_empty() {
                            continue;
                        }
                        let amount = match seg.component(n, 5) {
                            "" => None,
                            a => Some(parse_decimal(a).ok_or_else(|| ReadError::Element {
                                segment_id: "HI".into(),
                                segment: seg.index,
                                position: pos,
                                element: n,
                                message: format!("HI{n:02}-05 {a:?} is not a decimal number"),
                            })?),
                        };
                        let opt = |c: usize| {
                            let v = seg.component(n, c);
                            (!v.is_empty()).then(|| v.to_string())
                        };
                        c.health_codes.push(HealthCode {
                            qualifier: seg.component(n, 1).to_string(),
                            code: seg.component(n, 2).to_string(),
                            date_format: opt(3),
                            date: opt(4),
                            amount,
                            present_on_admission: opt(9),
                        });
                    }
                }
            }
            b"CL1" if self.ctx == Ctx::Claim => {
                if let Some(c) = self.claim.as_mut() {
                    c.admission_type = seg.opt(1);
                    c.admission_source = seg.opt(2);
                    c.patient_status = seg.opt(3);
                }
            }
            b"NTE" if matches!(self.ctx, Ctx::Claim | Ctx::Line) => {
                let n = (seg.el(1).to_string(), seg.el(2).to_string());
                if let Some(c) = self.claim.as_mut() {
                    if self.ctx == Ctx::Claim {
                        c.notes.push(n);
                    } else if let Some(l) = c.lines.last_mut() {
                        l.notes.push(n);
                    }
                }
            }
            b"REF" => {
                let r = Ref {
                    qualifier: seg.el(1).to_string(),
                    value: seg.el(2).to_string(),
                };
                if seg.element_count() > 2 {
                    // REF03/04 are rare; keep the whole segment rather than drop them.
                    self.other(seg);
                    return Ok(());
                }
                match self.ctx {
                    Ctx::Claim => {
                        if let Some(c) = self.claim.as_mut() {
                            c.refs.push(r);
                        }
                    }
                    Ctx::Line => {
                        if let Some(l) = self.claim.as_mut().and_then(|c| c.lines.last_mut()) {
                            l.refs.push(r);
                        }
                    }
                    _ => match self.entity() {
                        Some(e) => e.refs.push(r),
                        None => self.other(seg),
                    },
                }
            }
            b"N3" => {
                if let Some(e) = self.entity() {
                    let a = e.address.get_or_insert_with(Address::default);
                    a.line1 = seg.el(1).to_string();
                    a.line2 = seg.opt(2);
                } else {
                    self.other(seg);
                }
            }
            b"N4" => {
                if let Some(e) = self.entity() {
                    let a = e.address.get_or_insert_with(Address::default);
                    a.city = seg.el(1).to_string();
                    a.state = seg.opt(2);
                    a.postal_code = seg.opt(3);
                    a.country = seg.opt(4);
                    if seg.element_count() > 4 {
                        e.other_segments.push(normalized_text(seg));
                    }
                } else {
                    self.other(seg);
                }
            }
            b"PER" => {
                let c = Contact {
                    function: seg.el(1).to_string(),
                    name: seg.opt(2),
                    numbers: (0..3)
                        .filter(|k| !seg.el(3 + 2 * k).is_empty())
                        .map(|k| (seg.el(3 + 2 * k).to_string(), seg.el(4 + 2 * k).to_string()))
                        .collect(),
                };
                match self.entity() {
                    Some(e) => e.contacts.push(c),
                    None => self.other(seg),
                }
            }
            b"DMG" => match self.entity() {
                Some(e) => {
                    e.birth_date = seg.opt(2);
                    e.gender = seg.opt(3);
                    if seg.element_count() > 3 {
                        e.other_segments.push(normalized_text(seg));
                    }
                }
                None => self.other(seg),
            },
            b"PRV" => {
                let t = (seg.el(2).to_string(), seg.el(3).to_string());
                let code = seg.el(1).to_string();
                match self.ctx {
                    Ctx::L2000A => Arc::make_mut(&mut self.billing).taxonomy = Some((code, t.1)),
                    _ => match self.entity() {
                        Some(e) => e.taxonomy = Some((code, t.1)),
                        None => self.other(seg),
                    },
                }
            }
            _ => self.other(seg),
        }
        Ok(())
    }

    fn service(&mut self, seg: &Fields<'_>, pos: u32) -> Result<(), ReadError> {
        let Some(l) = self.claim.as_mut().and_then(|c| c.lines.last_mut()) else {
            return Ok(());
        };
        let proc_at = |n: usize| -> Option<Procedure> {
            if seg.el(n).is_empty() {
                return None;
            }
            let comps: Vec<&str> = seg.components(n).collect();
            Some(Procedure {
                qualifier: comps.first().copied().unwrap_or("").to_string(),
                code: comps.get(1).copied().unwrap_or("").to_string(),
                modifiers: (2..6)
                    .filter_map(|i| {
                        comps
                            .get(i)
                            .filter(|m| !m.is_empty())
                            .map(|m| m.to_string())
                    })
                    .collect(),
                description: comps
                    .get(6)
                    .filter(|m| !m.is_empty())
                    .map(|m| m.to_string()),
            })
        };
        if seg.id() == b"SV1" {
            l.procedure = proc_at(1);
            l.charge = decimal(seg, pos, 2)?;
            l.unit_basis = seg.el(3).to_string();
            l.units = opt_decimal(seg, pos, 4)?;
            l.place_of_service = seg.opt(5);
            l.diagnosis_pointers = seg
                .components(7)
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect();
            l.emergency = seg.opt(9);
            if seg.element_count() > 9 {
                l.other_segments.push(normalized_text(seg));
            }
        } else {
            l.revenue_code = seg.opt(1);
            l.procedure = proc_at(2);
            l.charge = decimal(seg, pos, 3)?;
            l.unit_basis = seg.el(4).to_string();
            l.units = opt_decimal(seg, pos, 5)?;
            l.non_covered = opt_decimal(seg, pos, 7)?;
        }
        Ok(())
    }

    fn nm1(&mut self, seg: &Fields<'_>) {
        let e = entity_from_nm1(seg);
        let code = seg.el(1);
        match (self.ctx, code) {
            (Ctx::Header | Ctx::Submitter | Ctx::Receiver, "41") => {
                if let Some(s) = self.set.as_mut() {
                    s.submitter = Arc::new(e);
                }
                self.ctx = Ctx::Submitter;
            }
            (Ctx::Header | Ctx::Submitter | Ctx::Receiver, "40") => {
                if let Some(s) = self.set.as_mut() {
                    s.receiver = Arc::new(e);
                }
                self.ctx = Ctx::Receiver;
            }
            (Ctx::L2000A | Ctx::Billing | Ctx::PayTo | Ctx::PayToPlan, "85") => {
                Arc::make_mut(&mut self.billing).provider = e;
                self.ctx = Ctx::Billing;
            }
            (Ctx::L2000A | Ctx::Billing | Ctx::PayTo | Ctx::PayToPlan, "87") => {
                Arc::make_mut(&mut self.billing).pay_to = Some(e);
                self.ctx = Ctx::PayTo;
            }
            (Ctx::L2000A | Ctx::Billing | Ctx::PayTo | Ctx::PayToPlan, "PE") => {
                Arc::make_mut(&mut self.billing).pay_to_plan = Some(e);
                self.ctx = Ctx::PayToPlan;
            }
            (Ctx::L2000B | Ctx::SubscriberName | Ctx::Payer, "IL") => {
                Arc::make_mut(&mut self.subscriber).person = e;
                self.ctx = Ctx::SubscriberName;
            }
            (Ctx::L2000B | Ctx::SubscriberName | Ctx::Payer, "PR") => {
                Arc::make_mut(&mut self.subscriber).payer = e;
                self.ctx = Ctx::Payer;
            }
            (Ctx::L2000C | Ctx::PatientName, "QC") => {
                if let Some(p) = self.patient.as_mut().map(Arc::make_mut) {
                    p.person = e;
                }
                self.ctx = Ctx::PatientName;
            }
            (Ctx::Claim | Ctx::ClaimProvider, _) => {
                if let Some(c) = self.claim.as_mut() {
                    c.providers.push(e);
                    self.ctx = Ctx::ClaimProvider;
                }
            }
            (Ctx::OtherSub | Ctx::OtherSubEntity, _) => {
                if let Some(os) = self
                    .claim
                    .as_mut()
                    .and_then(|c| c.other_subscribers.last_mut())
                {
                    if code == "IL" && os.subscriber.is_none() && os.payer.is_none() {
                        os.subscriber = Some(e);
                    } else if code == "PR" && os.payer.is_none() && os.other_entities.is_empty() {
                        os.payer = Some(e);
                    } else {
                        os.other_entities.push(e);
                    }
                    self.ctx = Ctx::OtherSubEntity;
                }
            }
            (Ctx::Line | Ctx::LineDrug | Ctx::LineProvider | Ctx::LineAdj | Ctx::LineForm, _) => {
                if let Some(l) = self.claim.as_mut().and_then(|c| c.lines.last_mut()) {
                    l.providers.push(e);
                    self.ctx = Ctx::LineProvider;
                }
            }
            _ => self.other(seg),
        }
    }

    /// Keeps a segment the typed model has no field for, at the current level.
    fn other(&mut self, seg: &Fields<'_>) {
        let text = normalized_text(seg);
        match self.ctx {
            Ctx::Header => {
                if let Some(s) = self.set.as_mut() {
                    Arc::make_mut(&mut s.submitter).other_segments.push(text);
                }
            }
            Ctx::L2000A => Arc::make_mut(&mut self.billing).other_segments.push(text),
            Ctx::L2000B => Arc::make_mut(&mut self.subscriber)
                .other_segments
                .push(text),
            Ctx::L2000C => {
                if let Some(p) = self.patient.as_mut().map(Arc::make_mut) {
                    p.other_segments.push(text);
                }
            }
            Ctx::Claim => {
                if let Some(c) = self.claim.as_mut() {
                    c.other_segments.push(text);
                }
            }
            Ctx::OtherSub => {
                if let Some(os) = self
                    .claim
                    .as_mut()
                    .and_then(|c| c.other_subscribers.last_mut())
                {
                    os.other_segments.push(text);
                }
            }
            Ctx::Line | Ctx::LineDrug | Ctx::LineForm => {
                if let Some(l) = self.claim.as_mut().and_then(|c| c.lines.last_mut()) {
                    l.other_segments.push(text);
                }
            }
            Ctx::LineAdj => {
                if let Some(a) = self
                    .claim
                    .as_mut()
                    .and_then(|c| c.lines.last_mut())
                    .and_then(|l| l.adjudications.last_mut())
                {
                    a.other_segments.push(text);
                }
            }
            _ => {
                if let Some(e) = self.entity() {
                    e.other_segments.push(text);
                }
            }
        }
    }
}

fn normalize_components(s: &str, seg: &Segment<'_>) -> String {
    let c = seg.delimiters().component as char;
    if c == ':' {
        s.to_string()
    } else {
        s.replace(c, ":")
    }
}
