//! The 837 reader's state machine: routes each body segment to the loop it belongs
//! to and records its elements as spans in the level's [`Store`].
//!
//! This is the only place that decides what a segment means; the borrowed
//! [`super::ClaimView`] and the owned [`crate::model::Claim`] are both read from what it
//! records, so the two can never disagree.

use std::collections::VecDeque;

use crate::envelope::{EnvelopeEvent, EnvelopeTracker, Role};
use crate::model::ClaimKind;
use crate::r837::{ReadError, decimal, opt_decimal, parse_decimal};
use crate::segment::{Fields, Segment};

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

    pub(crate) fn handle(&mut self, seg: &Segment<'_>) {
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
        let fields = seg.fields();
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
                let i = s.ents.last(s.claim?.providers)?;
                Some((CLAIM, *s.ents.get(i)?))
            }
            Ctx::OtherSubEntity => {
                let s = self.st_ref(CLAIM);
                let os = s.osubs.get(s.osubs.last(s.claim?.other_subscribers)?)?;
                if let Some(i) = s.ents.last(os.other_entities) {
                    return Some((CLAIM, *s.ents.get(i)?));
                }
                Some((CLAIM, os.payer.or(os.subscriber)?))
            }
            Ctx::LineProvider => {
                let s = self.st_ref(CLAIM);
                let l = s.lines.get(s.lines.last(s.claim?.lines)?)?;
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

    fn body(&mut self, seg: &Fields<'_>) -> Result<(), ReadError> {
        let pos = self.position;
        let id = seg.id();
        if self.poisoned && !matches!(id, b"CLM" | b"HL") {
            return Ok(());
        }
        match id {
            b"BHT" => {
                let s = self.st(SET);
                s.set.bht_reference = s.push(seg.el(3));
                s.set.bht_date = s.push(seg.el(4));
                s.set.bht_type = s.push(seg.el(6));
            }
            b"HL" => {
                self.flush_claim();
                match seg.el(3) {
                    "20" => {
                        self.reset_billing();
                        self.ctx = Ctx::L2000A;
                    }
                    "22" => {
                        self.reset_subscriber();
                        self.reset(PAT);
                        self.ctx = Ctx::L2000B;
                    }
                    "23" => {
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
            b"NM1" => self.nm1(seg),
            b"CLM" => {
                self.flush_claim();
                let total_charge = decimal(seg, pos, 2)?;
                self.reset(CLAIM);
                let bht = {
                    let (low, high) = self.stores.split_at_mut(CLAIM);
                    let set = &low[SET][self.cur[SET]];
                    let s = &mut high[0][self.cur[CLAIM]];
                    [
                        s.push(set.str(set.set.bht_reference)),
                        s.push(set.str(set.set.bht_date)),
                        s.push(set.str(set.set.bht_type)),
                    ]
                };
                let s = self.st(CLAIM);
                let comp = seg.delimiters().component as char;
                let mut c = ClaimRec {
                    clm_segment: seg.index,
                    bht,
                    claim_id: s.push(seg.el(1)),
                    total_charge,
                    ..ClaimRec::default()
                };
                let mut comps = seg.components(5);
                c.facility_code = s.push(comps.next().unwrap_or(""));
                c.facility_qualifier = s.push(comps.next().unwrap_or(""));
                c.frequency_code = s.push(comps.next().unwrap_or(""));
                c.provider_signature = s.push(seg.el(6));
                c.assignment = s.push(seg.el(7));
                c.benefits_assigned = s.push(seg.el(8));
                c.release_of_information = s.push(seg.el(9));
                c.patient_signature_source = s.push(seg.el(10));
                c.related_causes = if comp == ':' {
                    s.push(seg.el(11))
                } else {
                    s.push_replaced(seg.el(11), comp)
                };
                c.special_program = s.push(seg.el(12));
                c.delay_reason = s.push(seg.el(20));
                s.claim = Some(c);
                self.ctx = Ctx::Claim;
            }
            b"SBR" => match self.ctx {
                Ctx::L2000B | Ctx::SubscriberName | Ctx::Payer => {
                    let s = self.st(SUB);
                    let mut r = s.subscriber;
                    r.responsibility = s.push(seg.el(1));
                    r.relationship = s.push(seg.el(2));
                    r.group_number = s.push(seg.el(3));
                    r.group_name = s.push(seg.el(4));
                    r.insurance_type = s.push(seg.el(5));
                    r.claim_filing = s.push(seg.el(9));
                    s.subscriber = r;
                }
                _ => {
                    if self.has_claim() {
                        self.with_claim(|s, c| {
                            let os = OtherSubRec {
                                responsibility: s.push(seg.el(1)),
                                relationship: s.push(seg.el(2)),
                                group_number: s.push(seg.el(3)),
                                group_name: s.push(seg.el(4)),
                                insurance_type: s.push(seg.el(5)),
                                claim_filing: s.push(seg.el(9)),
                                ..OtherSubRec::default()
                            };
                            s.osubs.push(&mut c.other_subscribers, os);
                        });
                        self.ctx = Ctx::OtherSub;
                    }
                }
            },
            b"PAT" if matches!(self.ctx, Ctx::L2000C) => {
                let s = self.st(PAT);
                if let Some(mut p) = s.patient {
                    p.relationship = s.push(seg.el(1));
                    if seg.element_count() > 1 {
                        let t = s.push_normalized(seg);
                        s.spans.push(&mut p.others, t);
                    }
                    s.patient = Some(p);
                }
            }
            b"LX" => {
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
            b"SV1" | b"SV2" if self.ctx == Ctx::Line => self.service(seg, pos)?,
            b"SVD" => {
                if let Some((s, li)) = self.last_line() {
                    let paid = decimal(seg, pos, 2)?;
                    let paid_units = opt_decimal(seg, pos, 5)?;
                    let comp = seg.delimiters().component as char;
                    let a = LineAdjRec {
                        payer_id: s.push(seg.el(1)),
                        paid,
                        procedure: if comp == ':' {
                            s.push(seg.el(3))
                        } else {
                            s.push_replaced(seg.el(3), comp)
                        },
                        revenue_code: s.push(seg.el(4)),
                        paid_units,
                        bundled_line: s.push(seg.el(6)),
                        ..LineAdjRec::default()
                    };
                    if let Some(mut l) = s.lines.get(li).copied() {
                        s.ladjs.push(&mut l.adjudications, a);
                        if let Some(slot) = s.lines.get_mut(li) {
                            *slot = l;
                        }
                    }
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
            b"CAS" => self.cas(seg, pos)?,
            b"AMT" => {
                let amount = decimal(seg, pos, 2)?;
                let q = seg.el(1);
                match self.ctx {
                    Ctx::Claim | Ctx::ClaimProvider => self.with_claim(|s, c| {
                        let k = s.push(q);
                        s.amounts.push(&mut c.amounts, (k, amount));
                    }),
                    Ctx::OtherSub => {
                        if let Some((s, i)) = self.last_osub()
                            && let Some(mut os) = s.osubs.get(i).copied()
                        {
                            if q == "D" && os.payer_paid.is_none() {
                                os.payer_paid = Some(amount);
                            } else {
                                let k = s.push(q);
                                s.amounts.push(&mut os.amounts, (k, amount));
                            }
                            if let Some(slot) = s.osubs.get_mut(i) {
                                *slot = os;
                            }
                        }
                    }
                    Ctx::Line => {
                        if let Some((s, i)) = self.last_line() {
                            let k = s.push(q);
                            if let Some(mut l) = s.lines.get(i).copied() {
                                s.amounts.push(&mut l.amounts, (k, amount));
                                if let Some(slot) = s.lines.get_mut(i) {
                                    *slot = l;
                                }
                            }
                        }
                    }
                    _ => self.other(seg),
                }
            }
            b"DTP" => self.dtp(seg),
            b"HI" if self.ctx == Ctx::Claim => {
                let s = self.st(CLAIM);
                if let Some(mut c) = s.claim.take() {
                    let r = hi(s, &mut c, seg, pos);
                    s.claim = Some(c);
                    r?;
                }
            }
            b"CL1" if self.ctx == Ctx::Claim => self.with_claim(|s, c| {
                c.admission_type = s.push(seg.el(1));
                c.admission_source = s.push(seg.el(2));
                c.patient_status = s.push(seg.el(3));
            }),
            b"NTE" if matches!(self.ctx, Ctx::Claim | Ctx::Line) => {
                let on_claim = self.ctx == Ctx::Claim;
                self.with_claim(|s, c| {
                    let n = (s.push(seg.el(1)), s.push(seg.el(2)));
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
            b"REF" => self.reference(seg),
            b"N3" | b"N4" => match self.entity() {
                Some((level, e)) => {
                    let s = self.st(level);
                    if let Some(mut rec) = s.entities.get(e).copied() {
                        let mut a = rec.address.unwrap_or_default();
                        if id == b"N3" {
                            a.line1 = s.push(seg.el(1));
                            a.line2 = s.push(seg.el(2));
                        } else {
                            a.city = s.push(seg.el(1));
                            a.state = s.push(seg.el(2));
                            a.postal_code = s.push(seg.el(3));
                            a.country = s.push(seg.el(4));
                            if seg.element_count() > 4 {
                                let t = s.push_normalized(seg);
                                s.spans.push(&mut rec.others, t);
                            }
                        }
                        rec.address = Some(a);
                        if let Some(slot) = s.entities.get_mut(e) {
                            *slot = rec;
                        }
                    }
                }
                None => self.other(seg),
            },
            b"PER" => match self.entity() {
                Some((level, e)) => {
                    let s = self.st(level);
                    let mut c = ContactRec {
                        function: s.push(seg.el(1)),
                        name: s.push(seg.el(2)),
                        numbers: Chain::EMPTY,
                    };
                    for k in 0..3 {
                        if !seg.el(3 + 2 * k).is_empty() {
                            let p = (s.push(seg.el(3 + 2 * k)), s.push(seg.el(4 + 2 * k)));
                            s.pairs.push(&mut c.numbers, p);
                        }
                    }
                    if let Some(mut rec) = s.entities.get(e).copied() {
                        s.contacts.push(&mut rec.contacts, c);
                        if let Some(slot) = s.entities.get_mut(e) {
                            *slot = rec;
                        }
                    }
                }
                None => self.other(seg),
            },
            b"DMG" => match self.entity() {
                Some((level, e)) => {
                    let s = self.st(level);
                    if let Some(mut rec) = s.entities.get(e).copied() {
                        rec.birth_date = s.push(seg.el(2));
                        rec.gender = s.push(seg.el(3));
                        if seg.element_count() > 3 {
                            let t = s.push_normalized(seg);
                            s.spans.push(&mut rec.others, t);
                        }
                        if let Some(slot) = s.entities.get_mut(e) {
                            *slot = rec;
                        }
                    }
                }
                None => self.other(seg),
            },
            b"PRV" => {
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
                        s.billing.taxonomy = Some((s.push(seg.el(1)), s.push(seg.el(3))));
                    }
                    Some((level, e)) => {
                        let s = self.st(level);
                        let t = Some((s.push(seg.el(1)), s.push(seg.el(3))));
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

    fn cas(&mut self, seg: &Fields<'_>, pos: u32) -> Result<(), ReadError> {
        // Type every amount first: a malformed one fails the segment before anything is kept.
        let mut adj: [(usize, rust_decimal::Decimal, Option<rust_decimal::Decimal>); 6] =
            Default::default();
        let mut n = 0;
        let mut k = 2;
        while k < 19 && !seg.el(k).is_empty() {
            adj[n] = (k, decimal(seg, pos, k + 1)?, opt_decimal(seg, pos, k + 2)?);
            n += 1;
            k += 3;
        }
        let record = |s: &mut Store| {
            let mut g = GroupRec {
                group: s.push(seg.el(1)),
                adjustments: Chain::EMPTY,
            };
            for &(k, amount, quantity) in &adj[..n] {
                let a = AdjRec {
                    reason: s.push(seg.el(k)),
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
                    if let Some(mut os) = s.osubs.get(i).copied() {
                        s.groups.push(&mut os.adjustments, g);
                        if let Some(slot) = s.osubs.get_mut(i) {
                            *slot = os;
                        }
                    }
                }
            }
            Ctx::LineAdj => {
                if let Some((s, i)) = self.last_ladj() {
                    let g = record(s);
                    if let Some(mut a) = s.ladjs.get(i).copied() {
                        s.groups.push(&mut a.adjustments, g);
                        if let Some(slot) = s.ladjs.get_mut(i) {
                            *slot = a;
                        }
                    }
                }
            }
            _ => self.other(seg),
        }
        Ok(())
    }

    fn dtp(&mut self, seg: &Fields<'_>) {
        let rec = |s: &mut Store| DateRec {
            qualifier: s.push(seg.el(1)),
            format: s.push(seg.el(2)),
            value: s.push(seg.el(3)),
        };
        match self.ctx {
            Ctx::Claim => self.with_claim(|s, c| {
                let d = rec(s);
                s.dates.push(&mut c.dates, d);
            }),
            Ctx::Line => {
                if let Some((s, i)) = self.last_line() {
                    let d = rec(s);
                    if let Some(mut l) = s.lines.get(i).copied() {
                        s.dates.push(&mut l.dates, d);
                        if let Some(slot) = s.lines.get_mut(i) {
                            *slot = l;
                        }
                    }
                }
            }
            Ctx::LineAdj if seg.el(1) == "573" => {
                if let Some((s, i)) = self.last_ladj()
                    && let Some(mut a) = s.ladjs.get(i).copied()
                {
                    if a.adjudication_date.is_none() {
                        a.adjudication_date = Some(s.push(seg.el(3)));
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
                    if let Some(mut r) = s.entities.get(e).copied() {
                        s.dates.push(&mut r.dates, d);
                        if let Some(slot) = s.entities.get_mut(e) {
                            *slot = r;
                        }
                    }
                }
                None => self.other(seg),
            },
        }
    }

    fn reference(&mut self, seg: &Fields<'_>) {
        if seg.element_count() > 2 {
            // REF03/04 are rare; keep the whole segment rather than drop them.
            self.other(seg);
            return;
        }
        let rec = |s: &mut Store| RefRec {
            qualifier: s.push(seg.el(1)),
            value: s.push(seg.el(2)),
        };
        match self.ctx {
            Ctx::Claim => self.with_claim(|s, c| {
                let r = rec(s);
                s.refs.push(&mut c.refs, r);
            }),
            Ctx::Line => {
                if let Some((s, i)) = self.last_line() {
                    let r = rec(s);
                    if let Some(mut l) = s.lines.get(i).copied() {
                        s.refs.push(&mut l.refs, r);
                        if let Some(slot) = s.lines.get_mut(i) {
                            *slot = l;
                        }
                    }
                }
            }
            _ => match self.entity() {
                Some((level, e)) => {
                    let s = self.st(level);
                    let r = rec(s);
                    if let Some(mut en) = s.entities.get(e).copied() {
                        s.refs.push(&mut en.refs, r);
                        if let Some(slot) = s.entities.get_mut(e) {
                            *slot = en;
                        }
                    }
                }
                None => self.other(seg),
            },
        }
    }

    fn service(&mut self, seg: &Fields<'_>, pos: u32) -> Result<(), ReadError> {
        let Some((s, i)) = self.last_line() else {
            return Ok(());
        };
        let Some(mut l) = s.lines.get(i).copied() else {
            return Ok(());
        };
        let result = if seg.id() == b"SV1" {
            sv1(s, &mut l, seg, pos)
        } else {
            sv2(s, &mut l, seg, pos)
        };
        if let Some(slot) = s.lines.get_mut(i) {
            *slot = l;
        }
        result
    }

    fn nm1(&mut self, seg: &Fields<'_>) {
        let code = seg.el(1);
        match (self.ctx, code) {
            (Ctx::Header | Ctx::Submitter | Ctx::Receiver, "41") => {
                let e = new_entity(self.st(SET), seg);
                self.st(SET).set.submitter = e;
                self.ctx = Ctx::Submitter;
            }
            (Ctx::Header | Ctx::Submitter | Ctx::Receiver, "40") => {
                let e = new_entity(self.st(SET), seg);
                self.st(SET).set.receiver = e;
                self.ctx = Ctx::Receiver;
            }
            (Ctx::L2000A | Ctx::Billing | Ctx::PayTo | Ctx::PayToPlan, "85" | "87" | "PE") => {
                let s = self.st(BILLING);
                let e = new_entity(s, seg);
                self.ctx = match code {
                    "85" => {
                        s.billing.provider = e;
                        Ctx::Billing
                    }
                    "87" => {
                        s.billing.pay_to = Some(e);
                        Ctx::PayTo
                    }
                    _ => {
                        s.billing.pay_to_plan = Some(e);
                        Ctx::PayToPlan
                    }
                };
            }
            (Ctx::L2000B | Ctx::SubscriberName | Ctx::Payer, "IL" | "PR") => {
                let s = self.st(SUB);
                let e = new_entity(s, seg);
                if code == "IL" {
                    s.subscriber.person = e;
                    self.ctx = Ctx::SubscriberName;
                } else {
                    s.subscriber.payer = e;
                    self.ctx = Ctx::Payer;
                }
            }
            (Ctx::L2000C | Ctx::PatientName, "QC") => {
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
                        if code == "IL" && os.subscriber.is_none() && os.payer.is_none() {
                            os.subscriber = Some(e);
                        } else if code == "PR" && os.payer.is_none() && os.other_entities.len == 0 {
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
                    if let Some(mut l) = s.lines.get(i).copied() {
                        s.ents.push(&mut l.providers, e);
                        if let Some(slot) = s.lines.get_mut(i) {
                            *slot = l;
                        }
                    }
                    self.ctx = Ctx::LineProvider;
                }
            }
            _ => self.other(seg),
        }
    }

    /// Keeps a segment the typed model has no field for, at the current level.
    fn other(&mut self, seg: &Fields<'_>) {
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
    if let Some(mut rec) = s.entities.get(e).copied() {
        s.spans.push(&mut rec.others, t);
        if let Some(slot) = s.entities.get_mut(e) {
            *slot = rec;
        }
    }
}

/// Records an NM1 as a new entity of `s`.
fn new_entity(s: &mut Store, seg: &Fields<'_>) -> u32 {
    let e = EntityRec {
        entity_code: s.push(seg.el(1)),
        entity_type: s.push(seg.el(2)),
        name: s.push(seg.el(3)),
        first_name: s.push(seg.el(4)),
        middle_name: s.push(seg.el(5)),
        suffix: s.push(seg.el(7)),
        id_qualifier: s.push(seg.el(8)),
        id: s.push(seg.el(9)),
        ..EntityRec::default()
    };
    s.entities.add(e)
}

fn hi(s: &mut Store, c: &mut ClaimRec, seg: &Fields<'_>, pos: u32) -> Result<(), ReadError> {
    for n in 1..=12 {
        if seg.el(n).is_empty() {
            continue;
        }
        // Components 1-5 and 9, found in one pass over the composite.
        let mut comp = [""; 9];
        for (i, v) in seg.components(n).take(9).enumerate() {
            comp[i] = v;
        }
        let amount = match comp[4] {
            "" => None,
            a => Some(parse_decimal(a).ok_or_else(|| ReadError::Element {
                segment_id: "HI".into(),
                segment: seg.index,
                position: pos,
                element: n,
                message: format!("HI{n:02}-05 {a:?} is not a decimal number"),
            })?),
        };
        let h = HealthRec {
            qualifier: s.push(comp[0]),
            code: s.push(comp[1]),
            date_format: s.push(comp[2]),
            date: s.push(comp[3]),
            amount,
            present_on_admission: s.push(comp[8]),
        };
        s.health.push(&mut c.health_codes, h);
    }
    Ok(())
}

/// A procedure composite: qualifier, code, up to four modifiers, description.
fn procedure(s: &mut Store, seg: &Fields<'_>, n: usize) -> Option<ProcedureRec> {
    if seg.el(n).is_empty() {
        return None;
    }
    let mut p = ProcedureRec::default();
    for (i, v) in seg.components(n).take(7).enumerate() {
        match i {
            0 => p.qualifier = s.push(v),
            1 => p.code = s.push(v),
            2..=5 if !v.is_empty() => {
                let m = s.push(v);
                s.spans.push(&mut p.modifiers, m);
            }
            6 => p.description = s.push(v),
            _ => {}
        }
    }
    Some(p)
}

fn sv1(s: &mut Store, l: &mut LineRec, seg: &Fields<'_>, pos: u32) -> Result<(), ReadError> {
    l.procedure = procedure(s, seg, 1);
    l.charge = decimal(seg, pos, 2)?;
    l.unit_basis = s.push(seg.el(3));
    l.units = opt_decimal(seg, pos, 4)?;
    l.place_of_service = s.push(seg.el(5));
    // A repeated SV1 replaces the pointers, as the owned model's assignment does.
    l.diagnosis_pointers = Chain::EMPTY;
    for p in seg.components(7).filter(|p| !p.is_empty()) {
        let sp = s.push(p);
        s.spans.push(&mut l.diagnosis_pointers, sp);
    }
    l.emergency = s.push(seg.el(9));
    if seg.element_count() > 9 {
        let t = s.push_normalized(seg);
        s.spans.push(&mut l.others, t);
    }
    Ok(())
}

fn sv2(s: &mut Store, l: &mut LineRec, seg: &Fields<'_>, pos: u32) -> Result<(), ReadError> {
    l.revenue_code = s.push(seg.el(1));
    l.procedure = procedure(s, seg, 2);
    l.charge = decimal(seg, pos, 3)?;
    l.unit_basis = s.push(seg.el(4));
    l.units = opt_decimal(seg, pos, 5)?;
    l.non_covered = opt_decimal(seg, pos, 7)?;
    Ok(())
}
