//! Storage behind [`super::ClaimView`]: text arenas and record pools that are
//! cleared and refilled, never freed, so reading a claim allocates nothing once
//! the buffers have grown to the size of the largest claim.
//!
//! Strings are [`Span`]s into the arena of the [`Store`] that holds the record;
//! lists are [`Chain`]s through a [`Pool`] (a singly linked list by index), because
//! the reader appends to an owner (a line's `other_segments`, say) after appending
//! to another owner's list, so one owner's items are not always contiguous.

use rust_decimal::Decimal;

use crate::model::ClaimKind;
use crate::segment::Segment;

/// `NONE` index for chains and optional entity slots.
const NONE: u32 = u32::MAX;

/// A piece of a store's text arena. Empty spans read as `""` (or `None` for optional fields,
/// which the owned model also leaves `None` exactly when the element is empty).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Span {
    start: u32,
    len: u32,
}

/// The empty span, for statics.
pub(crate) const SPAN0: Span = Span { start: 0, len: 0 };

impl Span {
    pub(crate) fn is_empty(self) -> bool {
        self.len == 0
    }
}

/// A list threaded through a [`Pool`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Chain {
    head: u32,
    tail: u32,
    pub(crate) len: u32,
}

impl Default for Chain {
    fn default() -> Self {
        Chain::EMPTY
    }
}

impl Chain {
    pub(crate) const EMPTY: Chain = Chain {
        head: NONE,
        tail: NONE,
        len: 0,
    };
}

/// Items of many chains, each with the index of the next item of its chain.
#[derive(Debug)]
pub(crate) struct Pool<T> {
    items: Vec<(T, u32)>,
}

impl<T> Default for Pool<T> {
    fn default() -> Self {
        Pool { items: Vec::new() }
    }
}

impl<T> Pool<T> {
    fn clear(&mut self) {
        self.items.clear();
    }

    /// Adds `v` to the end of `chain`; returns its index.
    pub(crate) fn push(&mut self, chain: &mut Chain, v: T) -> u32 {
        let i = self.items.len() as u32;
        self.items.push((v, NONE));
        if let Some(t) = self.items.get_mut(chain.tail as usize) {
            t.1 = i;
        } else {
            chain.head = i;
        }
        chain.tail = i;
        chain.len += 1;
        i
    }

    /// Adds `v` outside any chain (entities, referenced by index).
    pub(crate) fn add(&mut self, v: T) -> u32 {
        let i = self.items.len() as u32;
        self.items.push((v, NONE));
        i
    }

    pub(crate) fn get(&self, i: u32) -> Option<&T> {
        self.items.get(i as usize).map(|x| &x.0)
    }

    pub(crate) fn get_mut(&mut self, i: u32) -> Option<&mut T> {
        self.items.get_mut(i as usize).map(|x| &mut x.0)
    }

    pub(crate) fn last(&self, chain: Chain) -> Option<u32> {
        (chain.tail != NONE).then_some(chain.tail)
    }

    pub(crate) fn iter(&self, chain: Chain) -> ChainIter<'_, T> {
        ChainIter {
            pool: self,
            next: chain.head,
            left: chain.len,
        }
    }
}

pub(crate) struct ChainIter<'a, T> {
    pool: &'a Pool<T>,
    next: u32,
    left: u32,
}

impl<'a, T> Iterator for ChainIter<'a, T> {
    type Item = &'a T;
    fn next(&mut self) -> Option<&'a T> {
        let (v, next) = self.pool.items.get(self.next as usize)?;
        self.next = *next;
        self.left = self.left.saturating_sub(1);
        Some(v)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.left as usize))
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RefRec {
    pub qualifier: Span,
    pub value: Span,
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct DateRec {
    pub qualifier: Span,
    pub format: Span,
    pub value: Span,
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct AddressRec {
    pub line1: Span,
    pub line2: Span,
    pub city: Span,
    pub state: Span,
    pub postal_code: Span,
    pub country: Span,
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ContactRec {
    pub function: Span,
    pub name: Span,
    pub numbers: Chain,
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct EntityRec {
    pub entity_code: Span,
    pub entity_type: Span,
    pub name: Span,
    pub first_name: Span,
    pub middle_name: Span,
    pub suffix: Span,
    pub id_qualifier: Span,
    pub id: Span,
    pub address: Option<AddressRec>,
    pub refs: Chain,
    pub contacts: Chain,
    pub taxonomy: Option<(Span, Span)>,
    pub birth_date: Span,
    pub gender: Span,
    pub dates: Chain,
    pub others: Chain,
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct HealthRec {
    pub qualifier: Span,
    pub code: Span,
    pub date_format: Span,
    pub date: Span,
    pub amount: Option<Decimal>,
    pub present_on_admission: Span,
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct AdjRec {
    pub reason: Span,
    pub amount: Decimal,
    pub quantity: Option<Decimal>,
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct GroupRec {
    pub group: Span,
    pub adjustments: Chain,
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct OtherSubRec {
    pub responsibility: Span,
    pub relationship: Span,
    pub group_number: Span,
    pub group_name: Span,
    pub insurance_type: Span,
    pub claim_filing: Span,
    pub adjustments: Chain,
    pub payer_paid: Option<Decimal>,
    pub amounts: Chain,
    pub others: Chain,
    pub subscriber: Option<u32>,
    pub payer: Option<u32>,
    pub other_entities: Chain,
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct LineAdjRec {
    pub payer_id: Span,
    pub paid: Decimal,
    pub procedure: Span,
    pub revenue_code: Span,
    pub paid_units: Option<Decimal>,
    pub bundled_line: Span,
    pub adjustments: Chain,
    /// `Some` of a possibly empty value: the owned model keeps `Some("")`.
    pub adjudication_date: Option<Span>,
    pub others: Chain,
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ProcedureRec {
    pub qualifier: Span,
    pub code: Span,
    pub modifiers: Chain,
    pub description: Span,
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct LineRec {
    pub line_number: u32,
    pub revenue_code: Span,
    pub procedure: Option<ProcedureRec>,
    pub charge: Decimal,
    pub unit_basis: Span,
    pub units: Option<Decimal>,
    pub place_of_service: Span,
    pub diagnosis_pointers: Chain,
    pub emergency: Span,
    pub non_covered: Option<Decimal>,
    pub dates: Chain,
    pub refs: Chain,
    pub amounts: Chain,
    pub notes: Chain,
    pub providers: Chain,
    pub adjudications: Chain,
    pub others: Chain,
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ClaimRec {
    pub clm_segment: u64,
    /// BHT03, BHT04, BHT06 as they were at the CLM: a later BHT must not change this claim.
    pub bht: [Span; 3],
    pub claim_id: Span,
    pub total_charge: Decimal,
    pub facility_code: Span,
    pub facility_qualifier: Span,
    pub frequency_code: Span,
    pub provider_signature: Span,
    pub assignment: Span,
    pub benefits_assigned: Span,
    pub release_of_information: Span,
    pub patient_signature_source: Span,
    pub related_causes: Span,
    pub special_program: Span,
    pub delay_reason: Span,
    pub dates: Chain,
    pub admission_type: Span,
    pub admission_source: Span,
    pub patient_status: Span,
    pub health_codes: Chain,
    pub refs: Chain,
    pub amounts: Chain,
    pub notes: Chain,
    pub providers: Chain,
    pub other_subscribers: Chain,
    pub lines: Chain,
    pub others: Chain,
}

/// Transaction-set level: kind, provenance, submitter and receiver.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SetRec {
    pub kind: ClaimKind,
    pub interchange_control: Span,
    pub group_control: Span,
    pub set_control: Span,
    pub version: Span,
    pub bht_reference: Span,
    pub bht_date: Span,
    pub bht_type: Span,
    pub submitter: u32,
    pub receiver: u32,
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct BillingRec {
    pub provider: u32,
    pub pay_to: Option<u32>,
    pub pay_to_plan: Option<u32>,
    pub taxonomy: Option<(Span, Span)>,
    pub others: Chain,
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SubscriberRec {
    pub responsibility: Span,
    pub relationship: Span,
    pub group_number: Span,
    pub group_name: Span,
    pub insurance_type: Span,
    pub claim_filing: Span,
    pub person: u32,
    pub payer: u32,
    pub others: Chain,
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PatientRec {
    pub relationship: Span,
    pub person: u32,
    pub others: Chain,
}

/// One level of the hierarchy (set, billing provider, subscriber, patient or claim):
/// its text and records. Every level uses the same type so views need one kind of store.
#[derive(Debug, Default)]
pub(crate) struct Store {
    text: String,
    /// Changes whenever the store does: the owned reader reuses its `Arc` while it is unchanged.
    pub stamp: u64,
    pub entities: Pool<EntityRec>,
    pub refs: Pool<RefRec>,
    pub dates: Pool<DateRec>,
    pub contacts: Pool<ContactRec>,
    /// (code, text) pairs: contact numbers and notes.
    pub pairs: Pool<(Span, Span)>,
    /// Single strings: other segments, modifiers, diagnosis pointers.
    pub spans: Pool<Span>,
    /// Entity indexes: providers, other payers' entities.
    pub ents: Pool<u32>,
    pub health: Pool<HealthRec>,
    pub amounts: Pool<(Span, Decimal)>,
    pub groups: Pool<GroupRec>,
    pub adjs: Pool<AdjRec>,
    pub osubs: Pool<OtherSubRec>,
    pub lines: Pool<LineRec>,
    pub ladjs: Pool<LineAdjRec>,
    pub set: SetRec,
    pub billing: BillingRec,
    pub subscriber: SubscriberRec,
    pub patient: Option<PatientRec>,
    pub claim: Option<ClaimRec>,
}

impl Store {
    pub(crate) fn clear(&mut self, stamp: u64) {
        self.text.clear();
        self.stamp = stamp;
        self.entities.clear();
        self.refs.clear();
        self.dates.clear();
        self.contacts.clear();
        self.pairs.clear();
        self.spans.clear();
        self.ents.clear();
        self.health.clear();
        self.amounts.clear();
        self.groups.clear();
        self.adjs.clear();
        self.osubs.clear();
        self.lines.clear();
        self.ladjs.clear();
        self.set = SetRec::default();
        self.billing = BillingRec::default();
        self.subscriber = SubscriberRec::default();
        self.patient = None;
        self.claim = None;
    }

    /// Copies `s` into the arena. A claim whose text would pass 4 GiB reads as empty
    /// text from there on rather than wrap around.
    pub(crate) fn push(&mut self, s: &str) -> Span {
        let start = self.text.len();
        if s.is_empty() || start + s.len() > u32::MAX as usize {
            return Span::default();
        }
        self.text.push_str(s);
        Span {
            start: start as u32,
            len: s.len() as u32,
        }
    }

    /// Copies `s` with every `from` replaced by `:` (composites in the standard separator).
    pub(crate) fn push_replaced(&mut self, s: &str, from: char) -> Span {
        let start = self.text.len();
        if s.is_empty() || start + 4 * s.len() > u32::MAX as usize {
            return Span::default();
        }
        for ch in s.chars() {
            self.text.push(if ch == from { ':' } else { ch });
        }
        Span {
            start: start as u32,
            len: (self.text.len() - start) as u32,
        }
    }

    /// Copies the segment as [`crate::r837::normalized_text`] would render it.
    pub(crate) fn push_normalized(&mut self, seg: &Segment<'_>) -> Span {
        let start = self.text.len();
        let raw = seg.raw();
        if raw.is_empty() || start + 2 * raw.len() > u32::MAX as usize {
            return Span::default();
        }
        let d = seg.delimiters();
        if raw.is_ascii() && d.element == b'*' && d.component == b':' && d.repetition == Some(b'^')
        {
            // The common case: already in the standard separators, one copy.
            self.text.push_str(std::str::from_utf8(raw).unwrap_or(""));
        } else {
            for &b in raw {
                self.text.push(if b == d.element {
                    '*'
                } else if b == d.component {
                    ':'
                } else if Some(b) == d.repetition {
                    '^'
                } else {
                    b as char
                });
            }
        }
        Span {
            start: start as u32,
            len: (self.text.len() - start) as u32,
        }
    }

    pub(crate) fn str(&self, s: Span) -> &str {
        let start = s.start as usize;
        self.text.get(start..start + s.len as usize).unwrap_or("")
    }

    pub(crate) fn opt(&self, s: Span) -> Option<&str> {
        (!s.is_empty()).then(|| self.str(s))
    }

    /// Adds an empty entity (a slot the model always has, like the billing provider).
    pub(crate) fn new_entity(&mut self) -> u32 {
        self.entities.add(EntityRec::default())
    }
}
