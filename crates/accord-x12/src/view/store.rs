//! Storage behind [`super::ClaimView`]: text arenas and record pools that are
//! cleared and refilled, never freed, so reading a claim allocates nothing once
//! the buffers have grown to the size of the largest claim.
//!
//! Strings are [`Span`]s into the arena of the [`Store`] that holds the record;
//! lists are [`Chain`]s through a [`Pool`] (a singly linked list by index), because
//! the reader appends to an owner (a line's `other_segments`, say) after appending
//! to another owner's list, so one owner's items are not always contiguous.

use rust_decimal::Decimal;

use super::split::Split;
use crate::model::ClaimKind;

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
        (self.left as usize, Some(self.left as usize))
    }
}

/// The length is the chain's (as the views have always reported it).
impl<T> ExactSizeIterator for ChainIter<'_, T> {}

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
    /// Text handed out: spans below `text.len()` point here.
    text: Text,
    /// Text recorded since the store was last frozen (spans from `text.len()` on): bytes that
    /// are UTF-8 by construction (ASCII segments and `&str`s), validated in one pass and
    /// appended to `text` by [`Store::freeze`] before a view reads the store.
    pending: Vec<u8>,
    /// The segment (file ordinal) last copied whole into `pending`, and where it starts.
    seg_id: u64,
    seg_base: u32,
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
    /// Boxed so that the builder can take it out and put it back (to update it while
    /// pushing into the store) by moving a pointer, not the whole record.
    pub claim: Option<Box<ClaimRec>>,
    /// The box of the last claim, reused by the next one (no allocation per claim).
    spare: Option<Box<ClaimRec>>,
}

/// The validated text of a [`Store`], and whether all of it is ASCII.
///
/// The only place with `unsafe` in the views, kept to this type: `ascii` is true only while
/// every byte of `s` is ASCII, which the three methods that change `s` maintain (`clear`
/// empties it; `append` checks what it appends). Then any byte range of `s` is a `str`, so
/// [`Text::get`] need not check character boundaries, and an all-ASCII append need not be
/// validated a second time.
#[derive(Debug, Default)]
struct Text {
    s: String,
    ascii: bool,
}

impl Text {
    fn clear(&mut self) {
        self.s.clear();
        self.ascii = true;
    }

    #[inline]
    fn len(&self) -> usize {
        self.s.len()
    }

    #[inline]
    fn as_bytes(&self) -> &[u8] {
        self.s.as_bytes()
    }

    /// Appends `pending` (bytes recorded as text) and empties it. Bytes that are not UTF-8
    /// (never recorded; kept safe anyway) become `?` each, so spans keep their lengths.
    fn append(&mut self, pending: &mut Vec<u8>) {
        if pending.is_empty() {
            return;
        }
        let was_ascii = self.ascii || self.s.is_empty();
        if pending.is_ascii() {
            if self.s.is_empty() {
                // A fresh store (every claim's): the pending buffer becomes the text without
                // a copy; the old text's (empty) buffer takes its place.
                let old = std::mem::take(&mut self.s).into_bytes();
                let bytes = std::mem::replace(pending, old);
                // SAFETY: `bytes` is all ASCII (checked above), hence valid UTF-8.
                self.s = unsafe { String::from_utf8_unchecked(bytes) };
            } else {
                // SAFETY: `pending` is all ASCII (checked above), hence valid UTF-8.
                self.s
                    .push_str(unsafe { std::str::from_utf8_unchecked(pending) });
                pending.clear();
            }
            self.ascii = was_ascii;
            return;
        }
        self.ascii = false;
        if self.s.is_empty() {
            let old = std::mem::take(&mut self.s).into_bytes();
            match String::from_utf8(std::mem::replace(pending, old)) {
                Ok(t) => {
                    self.s = t;
                    return;
                }
                Err(e) => *pending = e.into_bytes(),
            }
        }
        match std::str::from_utf8(pending) {
            Ok(t) => self.s.push_str(t),
            Err(_) => {
                for chunk in pending.utf8_chunks() {
                    self.s.push_str(chunk.valid());
                    for _ in chunk.invalid() {
                        self.s.push('?');
                    }
                }
            }
        }
        pending.clear();
    }

    /// Bytes `start..end` as text; `""` when out of range or not on character boundaries.
    #[inline]
    fn get(&self, start: usize, end: usize) -> &str {
        if self.ascii {
            let bytes = self.s.as_bytes().get(start..end).unwrap_or(&[]);
            // SAFETY: `ascii` is true, so every byte of `s` is ASCII (see the type's docs)
            // and so is this in-bounds range of it (checked by `get`): valid UTF-8.
            return unsafe { std::str::from_utf8_unchecked(bytes) };
        }
        self.s.get(start..end).unwrap_or("")
    }
}

impl Store {
    pub(crate) fn clear(&mut self, stamp: u64) {
        self.text.clear();
        self.pending.clear();
        self.seg_id = 0;
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
        if let Some(c) = self.claim.take() {
            self.spare = Some(c);
        }
    }

    /// Length of the arena (handed-out text and pending text).
    #[inline]
    fn len(&self) -> usize {
        self.text.len() + self.pending.len()
    }

    /// Moves the pending text into `text`, validating it once: what a view reads.
    pub(crate) fn freeze(&mut self) {
        self.text.append(&mut self.pending);
    }

    /// Copies `s` into the arena. A claim whose text would pass 4 GiB reads as empty
    /// text from there on rather than wrap around.
    #[inline]
    pub(crate) fn push(&mut self, s: &str) -> Span {
        self.push_bytes(s.as_bytes())
    }

    /// Copies text (bytes that are UTF-8) into the arena.
    #[inline]
    fn push_bytes(&mut self, s: &[u8]) -> Span {
        let start = self.len();
        if s.is_empty() || start + s.len() > u32::MAX as usize {
            return Span::default();
        }
        self.pending.extend_from_slice(s);
        Span {
            start: start as u32,
            len: s.len() as u32,
        }
    }

    /// Copies text of `other` (a span of its arena) into this arena.
    pub(crate) fn push_from(&mut self, other: &Store, sp: Span) -> Span {
        let (a, b) = (sp.start as usize, sp.start as usize + sp.len as usize);
        let t = other.text.len();
        let bytes = if b <= t {
            other.text.as_bytes().get(a..b)
        } else {
            a.checked_sub(t).and_then(|a| other.pending.get(a..b - t))
        };
        // Spans cover whole recorded strings, so these bytes are text (and `freeze` checks).
        self.push_bytes(bytes.unwrap_or(&[]))
    }

    /// Bytes `start..end` of `seg` as text: for an ASCII segment a span of the segment's one
    /// copy in the arena (made on first use), else the range's own text (empty if not UTF-8).
    #[inline(always)]
    pub(crate) fn span(&mut self, seg: &Split<'_, '_>, start: usize, end: usize) -> Span {
        if start >= end {
            return Span::default();
        }
        if seg.ascii && self.seg_id == seg.index {
            return Span {
                start: self.seg_base + start as u32,
                len: (end - start) as u32,
            };
        }
        self.span_slow(seg, start, end)
    }

    #[inline(never)]
    fn span_slow(&mut self, seg: &Split<'_, '_>, start: usize, end: usize) -> Span {
        if start >= end {
            return Span::default();
        }
        let raw = seg.raw();
        if !seg.ascii {
            return match raw.get(start..end).map(std::str::from_utf8) {
                Some(Ok(s)) => self.push(s),
                _ => Span::default(),
            };
        }
        let base = self.len();
        if base + raw.len() > u32::MAX as usize {
            // Too big to copy whole: copy the piece (which `push_bytes` refuses once full).
            return self.push_bytes(raw.get(start..end).unwrap_or(&[]));
        }
        self.pending.extend_from_slice(raw);
        self.seg_id = seg.index;
        self.seg_base = base as u32;
        Span {
            start: self.seg_base + start as u32,
            len: (end - start) as u32,
        }
    }

    /// Element `n` of `seg` as text (see [`Split::el`]).
    #[inline(always)]
    pub(crate) fn el(&mut self, seg: &Split<'_, '_>, n: usize) -> Span {
        let (a, b) = seg.range(n);
        self.span(seg, a, b)
    }

    /// Copies `s` with every `from` replaced by `:` (composites in the standard separator).
    pub(crate) fn push_replaced(&mut self, s: &str, from: char) -> Span {
        let start = self.len();
        if s.is_empty() || start + 4 * s.len() > u32::MAX as usize {
            return Span::default();
        }
        let mut buf = [0u8; 4];
        for ch in s.chars() {
            let ch = if ch == from { ':' } else { ch };
            self.pending
                .extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
        }
        Span {
            start: start as u32,
            len: (self.len() - start) as u32,
        }
    }

    /// Copies the segment as [`crate::r837::normalized_text`] would render it.
    pub(crate) fn push_normalized(&mut self, seg: &Split<'_, '_>) -> Span {
        let start = self.len();
        let raw = seg.raw();
        if raw.is_empty() || start + 2 * raw.len() > u32::MAX as usize {
            return Span::default();
        }
        let d = seg.delimiters();
        if seg.ascii && d.element == b'*' && d.component == b':' && d.repetition == Some(b'^') {
            // The common case: already in the standard separators, the segment's one copy.
            return self.span(seg, 0, raw.len());
        }
        let mut buf = [0u8; 4];
        for &b in raw {
            let ch = if b == d.element {
                '*'
            } else if b == d.component {
                ':'
            } else if Some(b) == d.repetition {
                '^'
            } else {
                b as char
            };
            self.pending
                .extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
        }
        Span {
            start: start as u32,
            len: (self.len() - start) as u32,
        }
    }

    /// Text of a span (of a frozen store: views only read frozen stores); `""` for a span
    /// out of range (or, in non-ASCII text, not on character boundaries: never recorded).
    #[inline]
    pub(crate) fn str(&self, s: Span) -> &str {
        let start = s.start as usize;
        self.text.get(start, start + s.len as usize)
    }

    pub(crate) fn opt(&self, s: Span) -> Option<&str> {
        (!s.is_empty()).then(|| self.str(s))
    }

    /// Starts the store's claim record.
    pub(crate) fn set_claim(&mut self, c: ClaimRec) {
        let mut b = self.spare.take().unwrap_or_default();
        *b = c;
        self.claim = Some(b);
    }

    /// Adds an empty entity (a slot the model always has, like the billing provider).
    pub(crate) fn new_entity(&mut self) -> u32 {
        self.entities.add(EntityRec::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Pieces of text: ASCII, multi-byte UTF-8, and (never recorded by the reader, but
    /// `Text` must stay sound anyway) bytes that are not UTF-8.
    fn piece() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            "[ -~]{0,12}".prop_map(String::into_bytes),
            any::<String>().prop_map(String::into_bytes),
            proptest::collection::vec(any::<u8>(), 0..12),
        ]
    }

    proptest! {
        /// `Text::get` (unchecked on all-ASCII text) returns exactly what checked slicing of
        /// the same text returns, for any range, whatever was appended or cleared before.
        #[test]
        fn text_get_is_checked_slicing(
            ops in proptest::collection::vec(
                (proptest::option::weighted(0.9, proptest::collection::vec(piece(), 0..4)),
                 proptest::collection::vec((0usize..80, 0usize..24), 0..16)),
                1..10,
            ),
        ) {
            let mut text = Text::default();
            let mut model = String::new();
            for (append, ranges) in ops {
                match append {
                    None => {
                        text.clear();
                        model.clear();
                    }
                    Some(pieces) => {
                        let mut pending: Vec<u8> = pieces.concat();
                        for chunk in pending.utf8_chunks() {
                            model.push_str(chunk.valid());
                            for _ in chunk.invalid() {
                                model.push('?');
                            }
                        }
                        text.append(&mut pending);
                        prop_assert!(pending.is_empty());
                    }
                }
                prop_assert_eq!(text.s.as_str(), model.as_str());
                prop_assert!(!text.ascii || model.is_ascii());
                for (start, len) in ranges {
                    let want = model.get(start..start + len).unwrap_or("");
                    prop_assert_eq!(text.get(start, start + len), want);
                }
            }
        }
    }
}
