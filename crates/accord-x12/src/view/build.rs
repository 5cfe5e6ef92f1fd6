//! The 837 reader's state machine: routes each body segment to the loop it belongs
//! to and records its elements as spans in the level's [`Store`].
//!
//! This is the only place that decides what a segment means; the borrowed
//! [`super::ClaimView`] and the owned [`crate::model::Claim`] are both read from what it
//! records, so the two can never disagree.

use std::collections::VecDeque;

use crate::envelope::{EnvelopeEvent, EnvelopeTracker, Role};
use crate::model::ClaimKind;
use rust_decimal::Decimal;

use crate::r837::{ReadError, parse_decimal_bytes};
use crate::segment::Segment;

use super::split::{NO_ENDS, Split, id_key};

/// Segment IDs as [`Split::key`] holds them.
const BHT_: u32 = id_key(b"BHT");
const HL_: u32 = id_key(b"HL");
const NM1_: u32 = id_key(b"NM1");
const CLM_: u32 = id_key(b"CLM");
const SBR_: u32 = id_key(b"SBR");
const PAT_: u32 = id_key(b"PAT");
const LX_: u32 = id_key(b"LX");
const SV1_: u32 = id_key(b"SV1");
const SV2_: u32 = id_key(b"SV2");
const SVD_: u32 = id_key(b"SVD");
const LIN_: u32 = id_key(b"LIN");
const LQ_: u32 = id_key(b"LQ");
const CAS_: u32 = id_key(b"CAS");
const AMT_: u32 = id_key(b"AMT");
const DTP_: u32 = id_key(b"DTP");
const HI_: u32 = id_key(b"HI");
const CL1_: u32 = id_key(b"CL1");
const NTE_: u32 = id_key(b"NTE");
const REF_: u32 = id_key(b"REF");
const N3_: u32 = id_key(b"N3");
const N4_: u32 = id_key(b"N4");
const PER_: u32 = id_key(b"PER");
const DMG_: u32 = id_key(b"DMG");
const PRV_: u32 = id_key(b"PRV");

use super::store::*;

/// Hierarchy levels, one [`Store`] pair each.
pub(crate) const SET: usize = 0;
pub(crate) const BILLING: usize = 1;
pub(crate) const SUB: usize = 2;
pub(crate) const PAT: usize = 3;
pub(crate) const CLAIM: usize = 4;
pub(crate) const LEVELS: usize = 5;

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

/// What the reader hands out next.
#[derive(Debug)]
pub(crate) enum Pending {
    /// The claim recorded in the stores of `Builder::ready`.
    Claim,
    Err(ReadError),
}

pub(crate) struct Builder {
    tracker: EnvelopeTracker,
    isa_control: String,
    gs_control: String,
    gs_version: String,
    /// Inside an 837 transaction set.
    in_set: bool,
    /// Two stores per level: while a finished claim is handed out (its stores pinned by
    /// `ready`), the reader may already have started the next hierarchy level or claim.
    pub(crate) stores: [[Store; 2]; LEVELS],
    pub(crate) cur: [usize; LEVELS],
    /// Stores of the claim handed out, pinned until the next call.
    pub(crate) ready: Option<[usize; LEVELS]>,
    stamp: u64,
    ctx: Ctx,
    position: u32,
    pub(crate) queue: VecDeque<Pending>,
    /// The current claim hit a typing error: drop its remaining segments.
    poisoned: bool,
    pub(crate) sets_read: u64,
}

impl Builder {
    pub(crate) fn new() -> Self {
        let mut b = Builder {
            tracker: EnvelopeTracker::new(),
            isa_control: String::new(),
            gs_control: String::new(),
            gs_version: String::new(),
            in_set: false,
            stores: Default::default(),
            cur: [0; LEVELS],
            ready: None,
            stamp: 0,
            ctx: Ctx::Header,
            position: 0,
            queue: VecDeque::new(),
            poisoned: false,
            sets_read: 0,
        };
        b.reset_set();
        b.reset_billing();
        b.reset_subscriber();
        b.reset(PAT);
        b
    }

    /// The current store of `level`, marked changed.
    fn st(&mut self, level: usize) -> &mut Store {
        self.stamp += 1;
        let s = &mut self.stores[level][self.cur[level]];
        s.stamp = self.stamp;
        s
    }

    /// The current store of `level`, unchanged.
    fn st_ref(&self, level: usize) -> &Store {
        &self.stores[level][self.cur[level]]
    }

    /// Empties `level`, moving to its other store if the claim handed out still uses this one.
    fn reset(&mut self, level: usize) {
        if self.ready.is_some_and(|r| r[level] == self.cur[level]) {
            self.cur[level] ^= 1;
        }
        self.stamp += 1;
        let g = self.stamp;
        self.stores[level][self.cur[level]].clear(g);
    }

    fn reset_set(&mut self) {
        self.reset(SET);
        let s = self.st(SET);
        s.set.submitter = s.new_entity();
        s.set.receiver = s.new_entity();
    }

    fn reset_billing(&mut self) {
        self.reset(BILLING);
        let s = self.st(BILLING);
        s.billing.provider = s.new_entity();
    }

    fn reset_subscriber(&mut self) {
        self.reset(SUB);
        let s = self.st(SUB);
        s.subscriber.person = s.new_entity();
        s.subscriber.payer = s.new_entity();
    }

    /// Makes the text of the claim about to be handed out readable (see [`Store::freeze`]).
    pub(crate) fn freeze_ready(&mut self) {
        if let Some(r) = self.ready {
            for (level, &i) in r.iter().enumerate() {
                self.stores[level][i].freeze();
            }
        }
    }

    fn has_claim(&self) -> bool {
        self.st_ref(CLAIM).claim.is_some()
    }

    pub(crate) fn flush_claim(&mut self) {
        if self.has_claim() {
            if !self.poisoned {
                self.ready = Some(self.cur);
                self.queue.push_back(Pending::Claim);
            }
            self.reset(CLAIM);
        }
        self.poisoned = false;
    }

    pub(crate) fn finish(&mut self, last_segment: u64) {
        self.flush_claim();
        self.tracker.finish(last_segment);
    }

    /// Handles one segment; `padded` is the lexer's buffer from the segment's start on
    /// (see [`Split::new`]).
    pub(crate) fn handle(&mut self, seg: &Segment<'_>, padded: &[u8]) {
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
                        self.in_set = st.id == "837";
                        self.reset_set();
                        if self.in_set {
                            self.sets_read += 1;
                            let (isa, gs) = (
                                std::mem::take(&mut self.isa_control),
                                std::mem::take(&mut self.gs_control),
                            );
                            let s = self.st(SET);
                            s.set.kind = ClaimKind::from_version(&version).unwrap_or_default();
                            s.set.interchange_control = s.push(&isa);
                            s.set.group_control = s.push(&gs);
                            s.set.set_control = s.push(&st.control_number);
                            s.set.version = s.push(&version);
                            self.isa_control = isa;
                            self.gs_control = gs;
                        }
                        self.ctx = Ctx::Header;
                        self.reset_billing();
                        self.reset_subscriber();
                        self.reset(PAT);
                    }
                    EnvelopeEvent::SetEnd(_) => {
                        self.flush_claim();
                        self.in_set = false;
                    }
                    _ => {}
                }
            }
        }
        let Role::Body { position } = role else {
            return;
        };
        if !self.in_set {
            return;
        }
        self.position = position;
        let mut ends = NO_ENDS;
        let fields = Split::new(seg, padded, &mut ends);
        if let Err(e) = self.body(&fields) {
            self.poisoned = true;
            self.queue.push_back(Pending::Err(e));
        }
    }

    /// The entity later segments of the current loop attach to: (level, entity index).
    fn entity(&self) -> Option<(usize, u32)> {
        match self.ctx {
            Ctx::Submitter => Some((SET, self.st_ref(SET).set.submitter)),
            Ctx::Receiver => Some((SET, self.st_ref(SET).set.receiver)),
            Ctx::Billing => Some((BILLING, self.st_ref(BILLING).billing.provider)),
            Ctx::PayTo => Some((BILLING, self.st_ref(BILLING).billing.pay_to?)),
            Ctx::PayToPlan => Some((BILLING, self.st_ref(BILLING).billing.pay_to_plan?)),
            Ctx::SubscriberName => Some((SUB, self.st_ref(SUB).subscriber.person)),
            Ctx::Payer => Some((SUB, self.st_ref(SUB).subscriber.payer)),
            Ctx::PatientName => Some((PAT, self.st_ref(PAT).patient?.person)),
            Ctx::ClaimProvider => {
                let s = self.st_ref(CLAIM);
                let i = s.ents.last(s.claim.as_ref()?.providers)?;
                Some((CLAIM, *s.ents.get(i)?))
            }
            Ctx::OtherSubEntity => {
                let s = self.st_ref(CLAIM);
                let os = s
                    .osubs
                    .get(s.osubs.last(s.claim.as_ref()?.other_subscribers)?)?;
                if let Some(i) = s.ents.last(os.other_entities) {
                    return Some((CLAIM, *s.ents.get(i)?));
                }
                Some((CLAIM, os.payer.or(os.subscriber)?))
            }
            Ctx::LineProvider => {
                let s = self.st_ref(CLAIM);
                let l = s.lines.get(s.lines.last(s.claim.as_ref()?.lines)?)?;
                Some((CLAIM, *s.ents.get(s.ents.last(l.providers)?)?))
            }
            _ => None,
        }
    }

    /// Index of the claim's last line.
    fn last_line(&mut self) -> Option<(&mut Store, u32)> {
        let s = self.st(CLAIM);
        let i = s.lines.last(s.claim.as_ref()?.lines)?;
        Some((s, i))
    }

    /// Index of the claim's last other subscriber (2320).
    fn last_osub(&mut self) -> Option<(&mut Store, u32)> {
        let s = self.st(CLAIM);
        let i = s.osubs.last(s.claim.as_ref()?.other_subscribers)?;
        Some((s, i))
    }

    /// Index of the last line's last adjudication (2430).
    fn last_ladj(&mut self) -> Option<(&mut Store, u32)> {
        let (s, l) = self.last_line()?;
        let i = s.ladjs.last(s.lines.get(l)?.adjudications)?;
        Some((s, i))
    }

    /// Runs `f` on the claim being read, which is moved out of its store meanwhile.
    fn with_claim(&mut self, f: impl FnOnce(&mut Store, &mut ClaimRec)) {
        let s = self.st(CLAIM);
        if let Some(mut c) = s.claim.take() {
            f(s, &mut c);
            s.claim = Some(c);
        }
    }

    #[inline(always)]
    fn body(&mut self, seg: &Split<'_, '_>) -> Result<(), ReadError> {
        let pos = self.position;
        let id = seg.key;
        if self.poisoned && !matches!(id, CLM_ | HL_) {
            return Ok(());
        }
        match id {
            BHT_ => {
                let s = self.st(SET);
                s.set.bht_reference = s.el(seg, 3);
                s.set.bht_date = s.el(seg, 4);
                s.set.bht_type = s.el(seg, 6);
            }
            HL_ => {
                self.flush_claim();
                match seg.bytes(3) {
                    b"20" => {
                        self.reset_billing();
                        self.ctx = Ctx::L2000A;
                    }
                    b"22" => {
                        self.reset_subscriber();
                        self.reset(PAT);
                        self.ctx = Ctx::L2000B;
                    }
                    b"23" => {
                        self.reset(PAT);
                        let s = self.st(PAT);
                        let person = s.new_entity();
                        s.patient = Some(PatientRec {
                            person,
                            ..PatientRec::default()
                        });
                        self.ctx = Ctx::L2000C;
                    }
                    _ => {}
                }
            }
            NM1_ => self.nm1(seg),
            CLM_ => {
                self.flush_claim();
                let total_charge = decimal(seg, pos, 2)?;
                self.reset(CLAIM);
                let bht = {
                    let (low, high) = self.stores.split_at_mut(CLAIM);
                    let set = &low[SET][self.cur[SET]];
                    let s = &mut high[0][self.cur[CLAIM]];
                    [
                        s.push_from(set, set.set.bht_reference),
                        s.push_from(set, set.set.bht_date),
                        s.push_from(set, set.set.bht_type),
                    ]
                };
                let s = self.st(CLAIM);
                let comp = seg.delimiters().component as char;
                let mut c = ClaimRec {
                    clm_segment: seg.index,
                    bht,
                    claim_id: s.el(seg, 1),
                    total_charge,
                    ..ClaimRec::default()
                };
                let mut comps = seg.comps(5);
                let mut next = |s: &mut Store| match comps.next() {
                    Some((a, b)) => s.span(seg, a, b),
                    None => Span::default(),
                };
                c.facility_code = next(s);
                c.facility_qualifier = next(s);
                c.frequency_code = next(s);
                c.provider_signature = s.el(seg, 6);
                c.assignment = s.el(seg, 7);
                c.benefits_assigned = s.el(seg, 8);
                c.release_of_information = s.el(seg, 9);
                c.patient_signature_source = s.el(seg, 10);
                c.related_causes = if comp == ':' {
                    s.el(seg, 11)
                } else {
                    s.push_replaced(seg.el(11), comp)
                };
                c.special_program = s.el(seg, 12);
                c.delay_reason = s.el(seg, 20);
                s.set_claim(c);
                self.ctx = Ctx::Claim;
            }
            SBR_ => match self.ctx {
                Ctx::L2000B | Ctx::SubscriberName | Ctx::Payer => {
                    let s = self.st(SUB);
                    let mut r = s.subscriber;
                    r.responsibility = s.el(seg, 1);
                    r.relationship = s.el(seg, 2);
                    r.group_number = s.el(seg, 3);
                    r.group_name = s.el(seg, 4);
                    r.insurance_type = s.el(seg, 5);
                    r.claim_filing = s.el(seg, 9);
                    s.subscriber = r;
                }
                _ => {
                    if self.has_claim() {
                        self.with_claim(|s, c| {
                            let os = OtherSubRec {
                                responsibility: s.el(seg, 1),
                                relationship: s.el(seg, 2),
                                group_number: s.el(seg, 3),
                                group_name: s.el(seg, 4),
                                insurance_type: s.el(seg, 5),
                                claim_filing: s.el(seg, 9),
                                ..OtherSubRec::default()
                            };
                            s.osubs.push(&mut c.other_subscribers, os);
                        });
                        self.ctx = Ctx::OtherSub;
                    }
                }
            },
            PAT_ if matches!(self.ctx, Ctx::L2000C) => {
                let s = self.st(PAT);
                if let Some(mut p) = s.patient {
                    p.relationship = s.el(seg, 1);
                    if seg.element_count() > 1 {
                        let t = s.push_normalized(seg);
                        s.spans.push(&mut p.others, t);
                    }
                    s.patient = Some(p);
                }
            }
            LX_ => {
                if self.has_claim() {
                    let n = seg.el(1).parse::<u32>().map_err(|_| ReadError::Element {
                        segment_id: "LX".into(),
                        segment: seg.index,
                        position: pos,
                        element: 1,
                        message: format!("{:?} is not a line number", seg.el(1)),
                    })?;
                    self.with_claim(|s, c| {
                        let l = LineRec {
                            line_number: n,
                            ..LineRec::default()
                        };
                        s.lines.push(&mut c.lines, l);
                    });
                    self.ctx = Ctx::Line;
                }
            }
            SV1_ | SV2_ if self.ctx == Ctx::Line => self.service(seg, pos)?,
            SVD_ => {
                if let Some((s, li)) = self.last_line() {
                    let paid = decimal(seg, pos, 2)?;
                    let paid_units = opt_decimal(seg, pos, 5)?;
                    let comp = seg.delimiters().component as char;
                    let a = LineAdjRec {
                        payer_id: s.el(seg, 1),
                        paid,
                        procedure: if comp == ':' {
                            s.el(seg, 3)
                        } else {
                            s.push_replaced(seg.el(3), comp)
                        },
                        revenue_code: s.el(seg, 4),
                        paid_units,
                        bundled_line: s.el(seg, 6),
                        ..LineAdjRec::default()
                    };
                    if let Some(l) = s.lines.get_mut(li) {
                        s.ladjs.push(&mut l.adjudications, a);
                    }
                    self.ctx = Ctx::LineAdj;
                }
            }
            LIN_ if matches!(self.ctx, Ctx::Line | Ctx::LineDrug) => {
                self.ctx = Ctx::LineDrug;
                self.other(seg);
            }
            LQ_ => {
                self.ctx = Ctx::LineForm;
                self.other(seg);
            }
            CAS_ => self.cas(seg, pos)?,
            AMT_ => {
                let amount = decimal(seg, pos, 2)?;
                match self.ctx {
                    Ctx::Claim | Ctx::ClaimProvider => self.with_claim(|s, c| {
                        let k = s.el(seg, 1);
                        s.amounts.push(&mut c.amounts, (k, amount));
                    }),
                    Ctx::OtherSub => {
                        if let Some((s, i)) = self.last_osub()
                            && let Some(mut os) = s.osubs.get(i).copied()
                        {
                            if seg.is(1, b"D") && os.payer_paid.is_none() {
                                os.payer_paid = Some(amount);
                            } else {
                                let k = s.el(seg, 1);
                                s.amounts.push(&mut os.amounts, (k, amount));
                            }
                            if let Some(slot) = s.osubs.get_mut(i) {
                                *slot = os;
                            }
                        }
                    }
                    Ctx::Line => {
                        if let Some((s, i)) = self.last_line() {
                            let k = s.el(seg, 1);
                            if let Some(l) = s.lines.get_mut(i) {
                                s.amounts.push(&mut l.amounts, (k, amount));
                            }
                        }
                    }
                    _ => self.other(seg),
                }
            }
            DTP_ => self.dtp(seg),
            HI_ if self.ctx == Ctx::Claim => {
                let s = self.st(CLAIM);
                if let Some(mut c) = s.claim.take() {
                    let r = hi(s, &mut c, seg, pos);
                    s.claim = Some(c);
                    r?;
                }
            }
            CL1_ if self.ctx == Ctx::Claim => self.with_claim(|s, c| {
                c.admission_type = s.el(seg, 1);
                c.admission_source = s.el(seg, 2);
                c.patient_status = s.el(seg, 3);
            }),
            NTE_ if matches!(self.ctx, Ctx::Claim | Ctx::Line) => {
                let on_claim = self.ctx == Ctx::Claim;
                self.with_claim(|s, c| {
                    let n = (s.el(seg, 1), s.el(seg, 2));
                    if on_claim {
                        s.pairs.push(&mut c.notes, n);
                    } else if let Some(i) = s.lines.last(c.lines)
                        && let Some(mut l) = s.lines.get(i).copied()
                    {
                        s.pairs.push(&mut l.notes, n);
                        if let Some(slot) = s.lines.get_mut(i) {
                            *slot = l;
                        }
                    }
                });
            }
            REF_ => self.reference(seg),
            N3_ | N4_ => match self.entity() {
                Some((level, e)) => {
                    let s = self.st(level);
                    if let Some(rec) = s.entities.get(e) {
                        let mut a = rec.address.unwrap_or_default();
                        let mut extra = None;
                        if id == N3_ {
                            a.line1 = s.el(seg, 1);
                            a.line2 = s.el(seg, 2);
                        } else {
                            a.city = s.el(seg, 1);
                            a.state = s.el(seg, 2);
                            a.postal_code = s.el(seg, 3);
                            a.country = s.el(seg, 4);
                            if seg.element_count() > 4 {
                                extra = Some(s.push_normalized(seg));
                            }
                        }
                        if let Some(rec) = s.entities.get_mut(e) {
                            if let Some(t) = extra {
                                s.spans.push(&mut rec.others, t);
                            }
                            rec.address = Some(a);
                        }
                    }
                }
                None => self.other(seg),
            },
            PER_ => match self.entity() {
                Some((level, e)) => {
                    let s = self.st(level);
                    let mut c = ContactRec {
                        function: s.el(seg, 1),
                        name: s.el(seg, 2),
                        numbers: Chain::EMPTY,
                    };
                    for k in 0..3 {
                        if !seg.blank(3 + 2 * k) {
                            let p = (s.el(seg, 3 + 2 * k), s.el(seg, 4 + 2 * k));
                            s.pairs.push(&mut c.numbers, p);
                        }
                    }
                    if let Some(rec) = s.entities.get_mut(e) {
                        s.contacts.push(&mut rec.contacts, c);
                    }
                }
                None => self.other(seg),
            },
            DMG_ => match self.entity() {
                Some((level, e)) => {
                    let s = self.st(level);
                    if s.entities.get(e).is_some() {
                        let birth_date = s.el(seg, 2);
                        let gender = s.el(seg, 3);
                        let extra = (seg.element_count() > 3).then(|| s.push_normalized(seg));
                        if let Some(rec) = s.entities.get_mut(e) {
                            rec.birth_date = birth_date;
                            rec.gender = gender;
                            if let Some(t) = extra {
                                s.spans.push(&mut rec.others, t);
                            }
                        }
                    }
                }
                None => self.other(seg),
            },
            PRV_ => {
                let target = match self.ctx {
                    Ctx::L2000A => None,
                    _ => match self.entity() {
                        Some(t) => Some(t),
                        None => {
                            self.other(seg);
                            return Ok(());
                        }
                    },
                };
                match target {
                    None => {
                        let s = self.st(BILLING);
                        s.billing.taxonomy = Some((s.el(seg, 1), s.el(seg, 3)));
                    }
                    Some((level, e)) => {
                        let s = self.st(level);
                        let t = Some((s.el(seg, 1), s.el(seg, 3)));
                        if let Some(rec) = s.entities.get_mut(e) {
                            rec.taxonomy = t;
                        }
                    }
                }
            }
            _ => self.other(seg),
        }
        Ok(())
    }

    fn cas(&mut self, seg: &Split<'_, '_>, pos: u32) -> Result<(), ReadError> {
        // Type every amount first: a malformed one fails the segment before anything is kept.
        let mut adj: [(usize, Decimal, Option<Decimal>); 6] = Default::default();
        let mut n = 0;
        let mut k = 2;
        while k < 19 && !seg.blank(k) {
            adj[n] = (k, decimal(seg, pos, k + 1)?, opt_decimal(seg, pos, k + 2)?);
            n += 1;
            k += 3;
        }
        let record = |s: &mut Store| {
            let mut g = GroupRec {
                group: s.el(seg, 1),
                adjustments: Chain::EMPTY,
            };
            for &(k, amount, quantity) in &adj[..n] {
                let a = AdjRec {
                    reason: s.el(seg, k),
                    amount,
                    quantity,
                };
                s.adjs.push(&mut g.adjustments, a);
            }
            g
        };
        match self.ctx {
            Ctx::OtherSub => {
                if let Some((s, i)) = self.last_osub() {
                    let g = record(s);
                    if let Some(os) = s.osubs.get_mut(i) {
                        s.groups.push(&mut os.adjustments, g);
                    }
                }
            }
            Ctx::LineAdj => {
                if let Some((s, i)) = self.last_ladj() {
                    let g = record(s);
                    if let Some(a) = s.ladjs.get_mut(i) {
                        s.groups.push(&mut a.adjustments, g);
                    }
                }
            }
            _ => self.other(seg),
        }
        Ok(())
    }

    fn dtp(&mut self, seg: &Split<'_, '_>) {
        let rec = |s: &mut Store| DateRec {
            qualifier: s.el(seg, 1),
            format: s.el(seg, 2),
            value: s.el(seg, 3),
        };
        match self.ctx {
            Ctx::Claim => self.with_claim(|s, c| {
                let d = rec(s);
                s.dates.push(&mut c.dates, d);
            }),
            Ctx::Line => {
                if let Some((s, i)) = self.last_line() {
                    let d = rec(s);
                    if let Some(l) = s.lines.get_mut(i) {
                        s.dates.push(&mut l.dates, d);
                    }
                }
            }
            Ctx::LineAdj if seg.is(1, b"573") => {
                if let Some((s, i)) = self.last_ladj()
                    && let Some(mut a) = s.ladjs.get(i).copied()
                {
                    if a.adjudication_date.is_none() {
                        a.adjudication_date = Some(s.el(seg, 3));
                    } else {
                        let t = s.push_normalized(seg);
                        s.spans.push(&mut a.others, t);
                    }
                    if let Some(slot) = s.ladjs.get_mut(i) {
                        *slot = a;
                    }
                }
            }
            _ => match self.entity() {
                Some((level, e)) => {
                    let s = self.st(level);
                    let d = rec(s);
                    if let Some(r) = s.entities.get_mut(e) {
                        s.dates.push(&mut r.dates, d);
                    }
                }
                None => self.other(seg),
            },
        }
    }

    fn reference(&mut self, seg: &Split<'_, '_>) {
        if seg.element_count() > 2 {
            // REF03/04 are rare; keep the whole segment rather than drop them.
            self.other(seg);
            return;
        }
        let rec = |s: &mut Store| RefRec {
            qualifier: s.el(seg, 1),
            value: s.el(seg, 2),
        };
        match self.ctx {
            Ctx::Claim => self.with_claim(|s, c| {
                let r = rec(s);
                s.refs.push(&mut c.refs, r);
            }),
            Ctx::Line => {
                if let Some((s, i)) = self.last_line() {
                    let r = rec(s);
                    if let Some(l) = s.lines.get_mut(i) {
                        s.refs.push(&mut l.refs, r);
                    }
                }
            }
            _ => match self.entity() {
                Some((level, e)) => {
                    let s = self.st(level);
                    let r = rec(s);
                    if let Some(en) = s.entities.get_mut(e) {
                        s.refs.push(&mut en.refs, r);
                    }
                }
                None => self.other(seg),
            },
        }
    }

    fn service(&mut self, seg: &Split<'_, '_>, pos: u32) -> Result<(), ReadError> {
        let Some((s, i)) = self.last_line() else {
            return Ok(());
        };
        if s.lines.get(i).is_none() {
            return Ok(());
        }
        if seg.key == SV1_ {
            sv1(s, i, seg, pos)
        } else {
            sv2(s, i, seg, pos)
        }
    }

    fn nm1(&mut self, seg: &Split<'_, '_>) {
        let code = seg.bytes(1);
        match (self.ctx, code) {
            (Ctx::Header | Ctx::Submitter | Ctx::Receiver, b"41") => {
                let e = new_entity(self.st(SET), seg);
                self.st(SET).set.submitter = e;
                self.ctx = Ctx::Submitter;
            }
            (Ctx::Header | Ctx::Submitter | Ctx::Receiver, b"40") => {
                let e = new_entity(self.st(SET), seg);
                self.st(SET).set.receiver = e;
                self.ctx = Ctx::Receiver;
            }
            (Ctx::L2000A | Ctx::Billing | Ctx::PayTo | Ctx::PayToPlan, b"85" | b"87" | b"PE") => {
                let s = self.st(BILLING);
                let e = new_entity(s, seg);
                self.ctx = match code {
                    b"85" => {
                        s.billing.provider = e;
                        Ctx::Billing
                    }
                    b"87" => {
                        s.billing.pay_to = Some(e);
                        Ctx::PayTo
                    }
                    _ => {
                        s.billing.pay_to_plan = Some(e);
                        Ctx::PayToPlan
                    }
                };
            }
            (Ctx::L2000B | Ctx::SubscriberName | Ctx::Payer, b"IL" | b"PR") => {
                let s = self.st(SUB);
                let e = new_entity(s, seg);
                if code == b"IL" {
                    s.subscriber.person = e;
                    self.ctx = Ctx::SubscriberName;
                } else {
                    s.subscriber.payer = e;
                    self.ctx = Ctx::Payer;
                }
            }
            (Ctx::L2000C | Ctx::PatientName, b"QC") => {
                let s = self.st(PAT);
                if let Some(mut p) = s.patient {
                    p.person = new_entity(s, seg);
                    s.patient = Some(p);
                }
                self.ctx = Ctx::PatientName;
            }
            (Ctx::Claim | Ctx::ClaimProvider, _) => {
                if self.has_claim() {
                    self.with_claim(|s, c| {
                        let e = new_entity(s, seg);
                        s.ents.push(&mut c.providers, e);
                    });
                    self.ctx = Ctx::ClaimProvider;
                }
            }
            (Ctx::OtherSub | Ctx::OtherSubEntity, _) => {
                if let Some((s, i)) = self.last_osub() {
                    if let Some(mut os) = s.osubs.get(i).copied() {
                        let e = new_entity(s, seg);
                        if code == b"IL" && os.subscriber.is_none() && os.payer.is_none() {
                            os.subscriber = Some(e);
                        } else if code == b"PR" && os.payer.is_none() && os.other_entities.len == 0
                        {
                            os.payer = Some(e);
                        } else {
                            s.ents.push(&mut os.other_entities, e);
                        }
                        if let Some(slot) = s.osubs.get_mut(i) {
                            *slot = os;
                        }
                    }
                    self.ctx = Ctx::OtherSubEntity;
                }
            }
            (Ctx::Line | Ctx::LineDrug | Ctx::LineProvider | Ctx::LineAdj | Ctx::LineForm, _) => {
                if let Some((s, i)) = self.last_line() {
                    let e = new_entity(s, seg);
                    if let Some(l) = s.lines.get_mut(i) {
                        s.ents.push(&mut l.providers, e);
                    }
                    self.ctx = Ctx::LineProvider;
                }
            }
            _ => self.other(seg),
        }
    }

    /// Keeps a segment the typed model has no field for, at the current level.
    fn other(&mut self, seg: &Split<'_, '_>) {
        match self.ctx {
            Ctx::Header => {
                let s = self.st(SET);
                let t = s.push_normalized(seg);
                let e = s.set.submitter;
                push_other(s, e, t);
            }
            Ctx::L2000A => {
                let s = self.st(BILLING);
                let t = s.push_normalized(seg);
                let mut b = s.billing;
                s.spans.push(&mut b.others, t);
                s.billing = b;
            }
            Ctx::L2000B => {
                let s = self.st(SUB);
                let t = s.push_normalized(seg);
                let mut r = s.subscriber;
                s.spans.push(&mut r.others, t);
                s.subscriber = r;
            }
            Ctx::L2000C => {
                let s = self.st(PAT);
                if let Some(mut p) = s.patient {
                    let t = s.push_normalized(seg);
                    s.spans.push(&mut p.others, t);
                    s.patient = Some(p);
                }
            }
            Ctx::Claim => self.with_claim(|s, c| {
                let t = s.push_normalized(seg);
                s.spans.push(&mut c.others, t);
            }),
            Ctx::OtherSub => {
                if let Some((s, i)) = self.last_osub()
                    && let Some(mut os) = s.osubs.get(i).copied()
                {
                    let t = s.push_normalized(seg);
                    s.spans.push(&mut os.others, t);
                    if let Some(slot) = s.osubs.get_mut(i) {
                        *slot = os;
                    }
                }
            }
            Ctx::Line | Ctx::LineDrug | Ctx::LineForm => {
                if let Some((s, i)) = self.last_line()
                    && let Some(mut l) = s.lines.get(i).copied()
                {
                    let t = s.push_normalized(seg);
                    s.spans.push(&mut l.others, t);
                    if let Some(slot) = s.lines.get_mut(i) {
                        *slot = l;
                    }
                }
            }
            Ctx::LineAdj => {
                if let Some((s, i)) = self.last_ladj()
                    && let Some(mut a) = s.ladjs.get(i).copied()
                {
                    let t = s.push_normalized(seg);
                    s.spans.push(&mut a.others, t);
                    if let Some(slot) = s.ladjs.get_mut(i) {
                        *slot = a;
                    }
                }
            }
            _ => {
                if let Some((level, e)) = self.entity() {
                    let s = self.st(level);
                    let t = s.push_normalized(seg);
                    push_other(s, e, t);
                }
            }
        }
    }
}

fn push_other(s: &mut Store, e: u32, t: Span) {
    if let Some(rec) = s.entities.get_mut(e) {
        s.spans.push(&mut rec.others, t);
    }
}

/// Records an NM1 as a new entity of `s`.
fn new_entity(s: &mut Store, seg: &Split<'_, '_>) -> u32 {
    let e = EntityRec {
        entity_code: s.el(seg, 1),
        entity_type: s.el(seg, 2),
        name: s.el(seg, 3),
        first_name: s.el(seg, 4),
        middle_name: s.el(seg, 5),
        suffix: s.el(seg, 7),
        id_qualifier: s.el(seg, 8),
        id: s.el(seg, 9),
        ..EntityRec::default()
    };
    s.entities.add(e)
}

fn hi(s: &mut Store, c: &mut ClaimRec, seg: &Split<'_, '_>, pos: u32) -> Result<(), ReadError> {
    // Elements past the last are blank: stop there.
    for n in 1..=seg.element_count().min(12) {
        if seg.blank(n) {
            continue;
        }
        // Components 1-5 and 9, found in one pass over the composite.
        let mut comp = [(0usize, 0usize); 9];
        for (i, v) in seg.comps(n).take(9).enumerate() {
            comp[i] = v;
        }
        let (a, b) = comp[4];
        let amount = if a == b {
            None
        } else {
            let bytes = seg.raw().get(a..b).unwrap_or(&[]);
            Some(parse_decimal_bytes(bytes).ok_or_else(|| {
                let a = std::str::from_utf8(bytes).unwrap_or("");
                ReadError::Element {
                    segment_id: "HI".into(),
                    segment: seg.index,
                    position: pos,
                    element: n,
                    message: format!("HI{n:02}-05 {a:?} is not a decimal number"),
                }
            })?)
        };
        let h = HealthRec {
            qualifier: s.span(seg, comp[0].0, comp[0].1),
            code: s.span(seg, comp[1].0, comp[1].1),
            date_format: s.span(seg, comp[2].0, comp[2].1),
            date: s.span(seg, comp[3].0, comp[3].1),
            amount,
            present_on_admission: s.span(seg, comp[8].0, comp[8].1),
        };
        s.health.push(&mut c.health_codes, h);
    }
    Ok(())
}

/// A procedure composite: qualifier, code, up to four modifiers, description.
fn procedure(s: &mut Store, seg: &Split<'_, '_>, n: usize) -> Option<ProcedureRec> {
    if seg.blank(n) {
        return None;
    }
    let mut p = ProcedureRec::default();
    for (i, (a, b)) in seg.comps(n).take(7).enumerate() {
        match i {
            0 => p.qualifier = s.span(seg, a, b),
            1 => p.code = s.span(seg, a, b),
            2..=5 if a != b => {
                let m = s.span(seg, a, b);
                s.spans.push(&mut p.modifiers, m);
            }
            6 => p.description = s.span(seg, a, b),
            _ => {}
        }
    }
    Some(p)
}

/// SV1 into line `i`. On a typing error the line is left part-updated, which nobody sees:
/// the claim is dropped.
fn sv1(s: &mut Store, i: u32, seg: &Split<'_, '_>, pos: u32) -> Result<(), ReadError> {
    let procedure = procedure(s, seg, 1);
    if let Some(l) = s.lines.get_mut(i) {
        l.procedure = procedure;
    }
    let charge = decimal(seg, pos, 2)?;
    let unit_basis = s.el(seg, 3);
    if let Some(l) = s.lines.get_mut(i) {
        l.charge = charge;
        l.unit_basis = unit_basis;
    }
    let units = opt_decimal(seg, pos, 4)?;
    let place_of_service = s.el(seg, 5);
    // A repeated SV1 replaces the pointers, as the owned model's assignment does.
    let mut pointers = Chain::EMPTY;
    for (a, b) in seg.comps(7).filter(|&(a, b)| a != b) {
        let sp = s.span(seg, a, b);
        s.spans.push(&mut pointers, sp);
    }
    let emergency = s.el(seg, 9);
    let extra = (seg.element_count() > 9).then(|| s.push_normalized(seg));
    if let Some(l) = s.lines.get_mut(i) {
        l.units = units;
        l.place_of_service = place_of_service;
        l.diagnosis_pointers = pointers;
        l.emergency = emergency;
        if let Some(t) = extra {
            s.spans.push(&mut l.others, t);
        }
    }
    Ok(())
}

/// SV2 into line `i` (as [`sv1`]).
fn sv2(s: &mut Store, i: u32, seg: &Split<'_, '_>, pos: u32) -> Result<(), ReadError> {
    let revenue_code = s.el(seg, 1);
    let procedure = procedure(s, seg, 2);
    if let Some(l) = s.lines.get_mut(i) {
        l.revenue_code = revenue_code;
        l.procedure = procedure;
    }
    let charge = decimal(seg, pos, 3)?;
    let unit_basis = s.el(seg, 4);
    if let Some(l) = s.lines.get_mut(i) {
        l.charge = charge;
        l.unit_basis = unit_basis;
    }
    let units = opt_decimal(seg, pos, 5)?;
    if let Some(l) = s.lines.get_mut(i) {
        l.units = units;
    }
    let non_covered = opt_decimal(seg, pos, 7)?;
    if let Some(l) = s.lines.get_mut(i) {
        l.non_covered = non_covered;
    }
    Ok(())
}

/// Element `n` as an amount; the error names the segment, its position and the text.
fn decimal(seg: &Split<'_, '_>, position: u32, n: usize) -> Result<Decimal, ReadError> {
    parse_decimal_bytes(seg.bytes(n)).ok_or_else(|| ReadError::Element {
        segment_id: seg.id_str().to_string(),
        segment: seg.index,
        position,
        element: n,
        message: format!("{:?} is not a decimal number", seg.el(n)),
    })
}

/// An optional amount: `None` when the element is empty.
fn opt_decimal(seg: &Split<'_, '_>, position: u32, n: usize) -> Result<Option<Decimal>, ReadError> {
    if seg.blank(n) {
        Ok(None)
    } else {
        decimal(seg, position, n).map(Some)
    }
}
