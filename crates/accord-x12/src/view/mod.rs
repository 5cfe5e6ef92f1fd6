//! Borrowed, typed claim views: the 837 reader without per-element allocation.
//!
//! [`crate::Reader837::next_view`] hands out a [`ClaimView`] that borrows the reader's
//! buffers: every element is a `&str`, every amount already a `Decimal` (typed, and
//! checked, while reading, exactly as for the owned [`Claim`]), and dates parse on
//! request ([`DateView::start`]). Nothing is allocated per claim once the buffers have
//! grown to the largest claim, so reading costs little more than lexing.
//! [`ClaimView::to_claim`] builds today's owned [`Claim`]; the owned reader
//! ([`crate::Reader837::next_claim`]) is exactly that, so both paths agree by construction.
//!
//! A view lives until the next call on the reader (the borrow checker enforces it).

mod build;
mod owned;
mod split;
mod store;

use std::io::Read;

use rust_decimal::Decimal;

use crate::lexer::Lexer;
use crate::model::{Claim, ClaimKind};
use crate::r837::ReadError;
use build::{BILLING, Builder, CLAIM, LEVELS, PAT, Pending, SET, SUB};
pub(crate) use owned::ArcCache;
use store::*;

/// Lexer and state machine: what [`crate::Reader837`] drives.
pub(crate) struct Core<R> {
    lexer: Lexer<R>,
    builder: Builder,
    done: bool,
    last_segment: u64,
    /// The last call handed out a claim: its stores are pinned until this call.
    handed_out: bool,
}

impl<R: Read> Core<R> {
    pub(crate) fn new(src: R) -> Self {
        Core {
            lexer: Lexer::with_capacity(src, 1 << 20),
            builder: Builder::new(),
            done: false,
            last_segment: 0,
            handed_out: false,
        }
    }

    pub(crate) fn sets_read(&self) -> u64 {
        self.builder.sets_read
    }

    /// Reads until a claim or an error is ready.
    pub(crate) fn next_view(&mut self) -> Result<Option<ClaimView<'_>>, ReadError> {
        if self.handed_out {
            self.handed_out = false;
            self.builder.ready = None;
        }
        loop {
            match self.builder.queue.pop_front() {
                Some(Pending::Err(e)) => return Err(e),
                Some(Pending::Claim) => {
                    self.builder.freeze_ready();
                    self.handed_out = true;
                    return Ok(self.view());
                }
                None => {}
            }
            if self.done {
                return Ok(None);
            }
            match &self.lexer.next_segment_padded() {
                Ok(Some((seg, padded))) => {
                    self.last_segment = seg.index;
                    self.builder.handle(seg, padded);
                }
                Ok(None) => {
                    self.done = true;
                    self.builder.finish(self.last_segment);
                }
                Err(e) => {
                    self.done = true;
                    self.builder.flush_claim();
                    self.builder.queue.push_back(Pending::Err(e.clone().into()));
                }
            }
        }
    }

    fn view(&self) -> Option<ClaimView<'_>> {
        let r = self.builder.ready?;
        let st = |l: usize| &self.builder.stores[l][r[l]];
        let levels = [st(SET), st(BILLING), st(SUB), st(PAT), st(CLAIM)];
        Some(ClaimView {
            rec: levels[CLAIM].claim.as_deref()?,
            levels,
        })
    }
}

/// One claim (loop 2300) with the hierarchy above it, borrowed from the reader.
/// Same content as [`Claim`]; field names match, as methods.
#[derive(Clone, Copy)]
pub struct ClaimView<'a> {
    levels: [&'a Store; LEVELS],
    rec: &'a ClaimRec,
}

/// An iterator over one list of a view.
fn chain<'a, T, V>(
    s: &'a Store,
    pool: &'a Pool<T>,
    c: Chain,
    f: impl Fn(&'a Store, &'a T) -> V + 'a,
) -> impl ExactSizeIterator<Item = V> + 'a {
    pool.iter(c).map(move |r| f(s, r))
}

fn entities<'a>(s: &'a Store, c: Chain) -> impl ExactSizeIterator<Item = EntityView<'a>> + 'a {
    chain(s, &s.ents, c, |s, &i| EntityView::new(s, i))
}

fn strings<'a>(s: &'a Store, c: Chain) -> impl ExactSizeIterator<Item = &'a str> + 'a {
    chain(s, &s.spans, c, |s, &sp| s.str(sp))
}

fn pairs<'a>(s: &'a Store, c: Chain) -> impl ExactSizeIterator<Item = (&'a str, &'a str)> + 'a {
    chain(s, &s.pairs, c, |s, &(a, b)| (s.str(a), s.str(b)))
}

fn amounts<'a>(s: &'a Store, c: Chain) -> impl ExactSizeIterator<Item = (&'a str, Decimal)> + 'a {
    chain(s, &s.amounts, c, |s, &(a, d)| (s.str(a), d))
}

fn dates<'a>(s: &'a Store, c: Chain) -> impl ExactSizeIterator<Item = DateView<'a>> + 'a {
    chain(s, &s.dates, c, |s, d| DateView {
        qualifier: s.str(d.qualifier),
        format: s.str(d.format),
        value: s.str(d.value),
    })
}

fn refs<'a>(s: &'a Store, c: Chain) -> impl ExactSizeIterator<Item = RefView<'a>> + 'a {
    chain(s, &s.refs, c, |s, r| RefView {
        qualifier: s.str(r.qualifier),
        value: s.str(r.value),
    })
}

fn groups<'a>(
    s: &'a Store,
    c: Chain,
) -> impl ExactSizeIterator<Item = AdjustmentGroupView<'a>> + 'a {
    chain(s, &s.groups, c, |s, g| AdjustmentGroupView { s, r: g })
}

static EMPTY_ENTITY: EntityRec = EntityRec {
    entity_code: SPAN0,
    entity_type: SPAN0,
    name: SPAN0,
    first_name: SPAN0,
    middle_name: SPAN0,
    suffix: SPAN0,
    id_qualifier: SPAN0,
    id: SPAN0,
    address: None,
    refs: Chain::EMPTY,
    contacts: Chain::EMPTY,
    taxonomy: None,
    birth_date: SPAN0,
    gender: SPAN0,
    dates: Chain::EMPTY,
    others: Chain::EMPTY,
};

impl<'a> ClaimView<'a> {
    fn s(&self) -> &'a Store {
        self.levels[CLAIM]
    }
    fn str(&self, sp: Span) -> &'a str {
        self.levels[CLAIM].str(sp)
    }
    fn opt(&self, sp: Span) -> Option<&'a str> {
        self.levels[CLAIM].opt(sp)
    }

    /// The owned claim, with the same content as the owned reader gives.
    pub fn to_claim(&self) -> Claim {
        owned::claim(self, &mut ArcCache::default())
    }

    pub(crate) fn build_claim(&self, cache: &mut ArcCache) -> Claim {
        owned::claim(self, cache)
    }

    pub fn kind(&self) -> ClaimKind {
        self.levels[SET].set.kind
    }
    pub fn provenance(&self) -> ProvenanceView<'a> {
        ProvenanceView {
            s: self.levels[SET],
            claim: self.s(),
            bht: self.rec.bht,
            clm_segment: self.rec.clm_segment,
        }
    }
    pub fn submitter(&self) -> EntityView<'a> {
        let s = self.levels[SET];
        EntityView::new(s, s.set.submitter)
    }
    pub fn receiver(&self) -> EntityView<'a> {
        let s = self.levels[SET];
        EntityView::new(s, s.set.receiver)
    }
    pub fn billing(&self) -> BillingView<'a> {
        BillingView {
            s: self.levels[BILLING],
        }
    }
    pub fn subscriber(&self) -> SubscriberView<'a> {
        SubscriberView {
            s: self.levels[SUB],
        }
    }
    pub fn patient(&self) -> Option<PatientView<'a>> {
        let s = self.levels[PAT];
        Some(PatientView {
            s,
            r: s.patient.as_ref()?,
        })
    }
    /// The 2000C patient, or the subscriber when PAT is absent.
    pub fn patient_entity(&self) -> EntityView<'a> {
        match self.patient() {
            Some(p) => p.person(),
            None => self.subscriber().person(),
        }
    }
    pub fn claim_id(&self) -> &'a str {
        self.str(self.rec.claim_id)
    }
    pub fn total_charge(&self) -> Decimal {
        self.rec.total_charge
    }
    pub fn facility_code(&self) -> &'a str {
        self.str(self.rec.facility_code)
    }
    pub fn facility_qualifier(&self) -> &'a str {
        self.str(self.rec.facility_qualifier)
    }
    pub fn frequency_code(&self) -> &'a str {
        self.str(self.rec.frequency_code)
    }
    pub fn provider_signature(&self) -> Option<&'a str> {
        self.opt(self.rec.provider_signature)
    }
    pub fn assignment(&self) -> Option<&'a str> {
        self.opt(self.rec.assignment)
    }
    pub fn benefits_assigned(&self) -> Option<&'a str> {
        self.opt(self.rec.benefits_assigned)
    }
    pub fn release_of_information(&self) -> Option<&'a str> {
        self.opt(self.rec.release_of_information)
    }
    pub fn patient_signature_source(&self) -> Option<&'a str> {
        self.opt(self.rec.patient_signature_source)
    }
    pub fn related_causes(&self) -> Option<&'a str> {
        self.opt(self.rec.related_causes)
    }
    pub fn special_program(&self) -> Option<&'a str> {
        self.opt(self.rec.special_program)
    }
    pub fn delay_reason(&self) -> Option<&'a str> {
        self.opt(self.rec.delay_reason)
    }
    pub fn dates(&self) -> impl ExactSizeIterator<Item = DateView<'a>> + 'a {
        dates(self.s(), self.rec.dates)
    }
    /// First claim date with this DTP qualifier.
    pub fn date(&self, qualifier: &str) -> Option<DateView<'a>> {
        self.dates().find(|d| d.qualifier == qualifier)
    }
    pub fn admission_type(&self) -> Option<&'a str> {
        self.opt(self.rec.admission_type)
    }
    pub fn admission_source(&self) -> Option<&'a str> {
        self.opt(self.rec.admission_source)
    }
    pub fn patient_status(&self) -> Option<&'a str> {
        self.opt(self.rec.patient_status)
    }
    pub fn health_codes(&self) -> impl ExactSizeIterator<Item = HealthCodeView<'a>> + 'a {
        chain(self.s(), &self.s().health, self.rec.health_codes, |s, h| {
            HealthCodeView {
                qualifier: s.str(h.qualifier),
                code: s.str(h.code),
                date_format: s.opt(h.date_format),
                date: s.opt(h.date),
                amount: h.amount,
                present_on_admission: s.opt(h.present_on_admission),
            }
        })
    }
    /// Diagnoses only, in order (principal first).
    pub fn diagnoses(&self) -> impl Iterator<Item = HealthCodeView<'a>> + 'a {
        self.health_codes().filter(|h| h.is_diagnosis())
    }
    pub fn refs(&self) -> impl ExactSizeIterator<Item = RefView<'a>> + 'a {
        refs(self.s(), self.rec.refs)
    }
    /// REF*G1 prior authorization.
    pub fn prior_authorization(&self) -> Option<&'a str> {
        self.refs().find(|r| r.qualifier == "G1").map(|r| r.value)
    }
    /// REF*F8 payer claim control number of the claim being replaced or voided.
    pub fn original_reference(&self) -> Option<&'a str> {
        self.refs().find(|r| r.qualifier == "F8").map(|r| r.value)
    }
    pub fn amounts(&self) -> impl ExactSizeIterator<Item = (&'a str, Decimal)> + 'a {
        amounts(self.s(), self.rec.amounts)
    }
    pub fn notes(&self) -> impl ExactSizeIterator<Item = (&'a str, &'a str)> + 'a {
        pairs(self.s(), self.rec.notes)
    }
    pub fn providers(&self) -> impl ExactSizeIterator<Item = EntityView<'a>> + 'a {
        entities(self.s(), self.rec.providers)
    }
    /// First 2310 provider with the given NM101 code.
    pub fn provider(&self, code: &str) -> Option<EntityView<'a>> {
        self.providers().find(|p| p.entity_code() == code)
    }
    pub fn other_subscribers(&self) -> impl ExactSizeIterator<Item = OtherSubscriberView<'a>> + 'a {
        chain(
            self.s(),
            &self.s().osubs,
            self.rec.other_subscribers,
            |s, r| OtherSubscriberView { s, r },
        )
    }
    pub fn lines(&self) -> impl ExactSizeIterator<Item = LineView<'a>> + 'a {
        chain(self.s(), &self.s().lines, self.rec.lines, |s, r| LineView {
            s,
            r,
        })
    }
    pub fn other_segments(&self) -> impl ExactSizeIterator<Item = &'a str> + 'a {
        strings(self.s(), self.rec.others)
    }
}

/// Where the claim came from (ISA/GS/ST control numbers, version, BHT).
#[derive(Clone, Copy)]
pub struct ProvenanceView<'a> {
    s: &'a Store,
    claim: &'a Store,
    bht: [Span; 3],
    pub clm_segment: u64,
}

impl<'a> ProvenanceView<'a> {
    pub fn interchange_control(&self) -> &'a str {
        self.s.str(self.s.set.interchange_control)
    }
    pub fn group_control(&self) -> &'a str {
        self.s.str(self.s.set.group_control)
    }
    pub fn set_control(&self) -> &'a str {
        self.s.str(self.s.set.set_control)
    }
    pub fn version(&self) -> &'a str {
        self.s.str(self.s.set.version)
    }
    pub fn bht_reference(&self) -> &'a str {
        self.claim.str(self.bht[0])
    }
    pub fn bht_date(&self) -> &'a str {
        self.claim.str(self.bht[1])
    }
    pub fn bht_type(&self) -> &'a str {
        self.claim.str(self.bht[2])
    }
}

/// A person or organisation (NM1 loop).
#[derive(Clone, Copy)]
pub struct EntityView<'a> {
    s: &'a Store,
    r: &'a EntityRec,
}

impl<'a> EntityView<'a> {
    fn new(s: &'a Store, i: u32) -> Self {
        EntityView {
            s,
            r: s.entities.get(i).unwrap_or(&EMPTY_ENTITY),
        }
    }
    pub fn entity_code(&self) -> &'a str {
        self.s.str(self.r.entity_code)
    }
    pub fn entity_type(&self) -> &'a str {
        self.s.str(self.r.entity_type)
    }
    pub fn name(&self) -> &'a str {
        self.s.str(self.r.name)
    }
    pub fn first_name(&self) -> Option<&'a str> {
        self.s.opt(self.r.first_name)
    }
    pub fn middle_name(&self) -> Option<&'a str> {
        self.s.opt(self.r.middle_name)
    }
    pub fn suffix(&self) -> Option<&'a str> {
        self.s.opt(self.r.suffix)
    }
    pub fn id_qualifier(&self) -> Option<&'a str> {
        self.s.opt(self.r.id_qualifier)
    }
    pub fn id(&self) -> Option<&'a str> {
        self.s.opt(self.r.id)
    }
    pub fn address(&self) -> Option<AddressView<'a>> {
        let a = self.r.address.as_ref()?;
        let s = self.s;
        Some(AddressView {
            line1: s.str(a.line1),
            line2: s.opt(a.line2),
            city: s.str(a.city),
            state: s.opt(a.state),
            postal_code: s.opt(a.postal_code),
            country: s.opt(a.country),
        })
    }
    pub fn refs(&self) -> impl ExactSizeIterator<Item = RefView<'a>> + 'a {
        refs(self.s, self.r.refs)
    }
    pub fn contacts(&self) -> impl ExactSizeIterator<Item = ContactView<'a>> + 'a {
        chain(self.s, &self.s.contacts, self.r.contacts, |s, r| {
            ContactView { s, r }
        })
    }
    /// PRV: (provider code, taxonomy).
    pub fn taxonomy(&self) -> Option<(&'a str, &'a str)> {
        let (a, b) = self.r.taxonomy?;
        Some((self.s.str(a), self.s.str(b)))
    }
    pub fn birth_date(&self) -> Option<&'a str> {
        self.s.opt(self.r.birth_date)
    }
    pub fn gender(&self) -> Option<&'a str> {
        self.s.opt(self.r.gender)
    }
    pub fn dates(&self) -> impl ExactSizeIterator<Item = DateView<'a>> + 'a {
        dates(self.s, self.r.dates)
    }
    pub fn other_segments(&self) -> impl ExactSizeIterator<Item = &'a str> + 'a {
        strings(self.s, self.r.others)
    }
}

/// N3/N4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressView<'a> {
    pub line1: &'a str,
    pub line2: Option<&'a str>,
    pub city: &'a str,
    pub state: Option<&'a str>,
    pub postal_code: Option<&'a str>,
    pub country: Option<&'a str>,
}

/// PER.
#[derive(Clone, Copy)]
pub struct ContactView<'a> {
    s: &'a Store,
    r: &'a ContactRec,
}

impl<'a> ContactView<'a> {
    pub fn function(&self) -> &'a str {
        self.s.str(self.r.function)
    }
    pub fn name(&self) -> Option<&'a str> {
        self.s.opt(self.r.name)
    }
    /// (qualifier, number) pairs.
    pub fn numbers(&self) -> impl ExactSizeIterator<Item = (&'a str, &'a str)> + 'a {
        pairs(self.s, self.r.numbers)
    }
}

/// REF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefView<'a> {
    pub qualifier: &'a str,
    pub value: &'a str,
}

/// DTP: qualifier, format (D8 / RD8 / DT) and value as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateView<'a> {
    pub qualifier: &'a str,
    pub format: &'a str,
    pub value: &'a str,
}

impl DateView<'_> {
    /// First date (start of a period), if well-formed.
    pub fn start(&self) -> Option<jiff::civil::Date> {
        crate::validate::parse_ccyymmdd(self.value.get(..8)?)
    }
    /// Last date (end of a period or the single date).
    pub fn end(&self) -> Option<jiff::civil::Date> {
        if self.format == "RD8" {
            crate::validate::parse_ccyymmdd(self.value.get(9..17)?)
        } else {
            self.start()
        }
    }
}

/// A code of an HI segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HealthCodeView<'a> {
    pub qualifier: &'a str,
    pub code: &'a str,
    pub date_format: Option<&'a str>,
    pub date: Option<&'a str>,
    pub amount: Option<Decimal>,
    pub present_on_admission: Option<&'a str>,
}

impl HealthCodeView<'_> {
    pub fn is_diagnosis(&self) -> bool {
        matches!(
            self.qualifier,
            "ABK" | "ABF" | "ABJ" | "APR" | "ABN" | "BK" | "BF" | "BJ" | "PR" | "BN"
        )
    }
}

/// A CAS segment.
#[derive(Clone, Copy)]
pub struct AdjustmentGroupView<'a> {
    s: &'a Store,
    r: &'a GroupRec,
}

/// One CAS adjustment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdjustmentView<'a> {
    pub reason: &'a str,
    pub amount: Decimal,
    pub quantity: Option<Decimal>,
}

impl<'a> AdjustmentGroupView<'a> {
    pub fn group(&self) -> &'a str {
        self.s.str(self.r.group)
    }
    pub fn adjustments(&self) -> impl ExactSizeIterator<Item = AdjustmentView<'a>> + 'a {
        chain(self.s, &self.s.adjs, self.r.adjustments, |s, a| {
            AdjustmentView {
                reason: s.str(a.reason),
                amount: a.amount,
                quantity: a.quantity,
            }
        })
    }
}

/// Loops 2320/2330.
#[derive(Clone, Copy)]
pub struct OtherSubscriberView<'a> {
    s: &'a Store,
    r: &'a OtherSubRec,
}

impl<'a> OtherSubscriberView<'a> {
    pub fn responsibility(&self) -> &'a str {
        self.s.str(self.r.responsibility)
    }
    pub fn relationship(&self) -> &'a str {
        self.s.str(self.r.relationship)
    }
    pub fn group_number(&self) -> Option<&'a str> {
        self.s.opt(self.r.group_number)
    }
    pub fn group_name(&self) -> Option<&'a str> {
        self.s.opt(self.r.group_name)
    }
    pub fn insurance_type(&self) -> Option<&'a str> {
        self.s.opt(self.r.insurance_type)
    }
    pub fn claim_filing(&self) -> Option<&'a str> {
        self.s.opt(self.r.claim_filing)
    }
    pub fn adjustments(&self) -> impl ExactSizeIterator<Item = AdjustmentGroupView<'a>> + 'a {
        groups(self.s, self.r.adjustments)
    }
    pub fn payer_paid(&self) -> Option<Decimal> {
        self.r.payer_paid
    }
    pub fn amounts(&self) -> impl ExactSizeIterator<Item = (&'a str, Decimal)> + 'a {
        amounts(self.s, self.r.amounts)
    }
    pub fn other_segments(&self) -> impl ExactSizeIterator<Item = &'a str> + 'a {
        strings(self.s, self.r.others)
    }
    pub fn subscriber(&self) -> Option<EntityView<'a>> {
        Some(EntityView::new(self.s, self.r.subscriber?))
    }
    pub fn payer(&self) -> Option<EntityView<'a>> {
        Some(EntityView::new(self.s, self.r.payer?))
    }
    pub fn other_entities(&self) -> impl ExactSizeIterator<Item = EntityView<'a>> + 'a {
        entities(self.s, self.r.other_entities)
    }
    /// DTP*573 date claim paid (adjudication date) from 2330B.
    pub fn adjudication_date(&self) -> Option<&'a str> {
        self.payer()?
            .dates()
            .find(|d| d.qualifier == "573")
            .map(|d| d.value)
    }
}

/// Loop 2430.
#[derive(Clone, Copy)]
pub struct LineAdjudicationView<'a> {
    s: &'a Store,
    r: &'a LineAdjRec,
}

impl<'a> LineAdjudicationView<'a> {
    pub fn payer_id(&self) -> &'a str {
        self.s.str(self.r.payer_id)
    }
    pub fn paid(&self) -> Decimal {
        self.r.paid
    }
    /// SVD03 composite (qualifier:code:modifiers).
    pub fn procedure(&self) -> &'a str {
        self.s.str(self.r.procedure)
    }
    pub fn revenue_code(&self) -> Option<&'a str> {
        self.s.opt(self.r.revenue_code)
    }
    pub fn paid_units(&self) -> Option<Decimal> {
        self.r.paid_units
    }
    pub fn bundled_line(&self) -> Option<&'a str> {
        self.s.opt(self.r.bundled_line)
    }
    pub fn adjustments(&self) -> impl ExactSizeIterator<Item = AdjustmentGroupView<'a>> + 'a {
        groups(self.s, self.r.adjustments)
    }
    pub fn adjudication_date(&self) -> Option<&'a str> {
        Some(self.s.str(self.r.adjudication_date?))
    }
    pub fn other_segments(&self) -> impl ExactSizeIterator<Item = &'a str> + 'a {
        strings(self.s, self.r.others)
    }
}

/// A procedure code with qualifier and modifiers.
#[derive(Clone, Copy)]
pub struct ProcedureView<'a> {
    s: &'a Store,
    r: &'a ProcedureRec,
}

impl<'a> ProcedureView<'a> {
    pub fn qualifier(&self) -> &'a str {
        self.s.str(self.r.qualifier)
    }
    pub fn code(&self) -> &'a str {
        self.s.str(self.r.code)
    }
    pub fn modifiers(&self) -> impl ExactSizeIterator<Item = &'a str> + 'a {
        strings(self.s, self.r.modifiers)
    }
    pub fn description(&self) -> Option<&'a str> {
        self.s.opt(self.r.description)
    }
}

/// Loop 2400: one service line.
#[derive(Clone, Copy)]
pub struct LineView<'a> {
    s: &'a Store,
    r: &'a LineRec,
}

impl<'a> LineView<'a> {
    pub fn line_number(&self) -> u32 {
        self.r.line_number
    }
    pub fn revenue_code(&self) -> Option<&'a str> {
        self.s.opt(self.r.revenue_code)
    }
    pub fn procedure(&self) -> Option<ProcedureView<'a>> {
        Some(ProcedureView {
            s: self.s,
            r: self.r.procedure.as_ref()?,
        })
    }
    pub fn charge(&self) -> Decimal {
        self.r.charge
    }
    pub fn unit_basis(&self) -> &'a str {
        self.s.str(self.r.unit_basis)
    }
    pub fn units(&self) -> Option<Decimal> {
        self.r.units
    }
    pub fn place_of_service(&self) -> Option<&'a str> {
        self.s.opt(self.r.place_of_service)
    }
    pub fn diagnosis_pointers(&self) -> impl ExactSizeIterator<Item = &'a str> + 'a {
        strings(self.s, self.r.diagnosis_pointers)
    }
    pub fn emergency(&self) -> Option<&'a str> {
        self.s.opt(self.r.emergency)
    }
    pub fn non_covered(&self) -> Option<Decimal> {
        self.r.non_covered
    }
    pub fn dates(&self) -> impl ExactSizeIterator<Item = DateView<'a>> + 'a {
        dates(self.s, self.r.dates)
    }
    /// DTP*472 service date (or period) of the line.
    pub fn service_date(&self) -> Option<DateView<'a>> {
        self.dates().find(|d| d.qualifier == "472")
    }
    pub fn refs(&self) -> impl ExactSizeIterator<Item = RefView<'a>> + 'a {
        refs(self.s, self.r.refs)
    }
    pub fn amounts(&self) -> impl ExactSizeIterator<Item = (&'a str, Decimal)> + 'a {
        amounts(self.s, self.r.amounts)
    }
    pub fn notes(&self) -> impl ExactSizeIterator<Item = (&'a str, &'a str)> + 'a {
        pairs(self.s, self.r.notes)
    }
    pub fn providers(&self) -> impl ExactSizeIterator<Item = EntityView<'a>> + 'a {
        entities(self.s, self.r.providers)
    }
    pub fn adjudications(&self) -> impl ExactSizeIterator<Item = LineAdjudicationView<'a>> + 'a {
        chain(self.s, &self.s.ladjs, self.r.adjudications, |s, r| {
            LineAdjudicationView { s, r }
        })
    }
    pub fn other_segments(&self) -> impl ExactSizeIterator<Item = &'a str> + 'a {
        strings(self.s, self.r.others)
    }
}

/// Loop 2000A.
#[derive(Clone, Copy)]
pub struct BillingView<'a> {
    s: &'a Store,
}

impl<'a> BillingView<'a> {
    pub fn provider(&self) -> EntityView<'a> {
        EntityView::new(self.s, self.s.billing.provider)
    }
    pub fn pay_to(&self) -> Option<EntityView<'a>> {
        Some(EntityView::new(self.s, self.s.billing.pay_to?))
    }
    pub fn pay_to_plan(&self) -> Option<EntityView<'a>> {
        Some(EntityView::new(self.s, self.s.billing.pay_to_plan?))
    }
    pub fn taxonomy(&self) -> Option<(&'a str, &'a str)> {
        let (a, b) = self.s.billing.taxonomy?;
        Some((self.s.str(a), self.s.str(b)))
    }
    pub fn other_segments(&self) -> impl ExactSizeIterator<Item = &'a str> + 'a {
        strings(self.s, self.s.billing.others)
    }
}

/// Loop 2000B.
#[derive(Clone, Copy)]
pub struct SubscriberView<'a> {
    s: &'a Store,
}

impl<'a> SubscriberView<'a> {
    pub fn responsibility(&self) -> &'a str {
        self.s.str(self.s.subscriber.responsibility)
    }
    pub fn relationship(&self) -> Option<&'a str> {
        self.s.opt(self.s.subscriber.relationship)
    }
    pub fn group_number(&self) -> Option<&'a str> {
        self.s.opt(self.s.subscriber.group_number)
    }
    pub fn group_name(&self) -> Option<&'a str> {
        self.s.opt(self.s.subscriber.group_name)
    }
    pub fn insurance_type(&self) -> Option<&'a str> {
        self.s.opt(self.s.subscriber.insurance_type)
    }
    pub fn claim_filing(&self) -> Option<&'a str> {
        self.s.opt(self.s.subscriber.claim_filing)
    }
    pub fn person(&self) -> EntityView<'a> {
        EntityView::new(self.s, self.s.subscriber.person)
    }
    pub fn payer(&self) -> EntityView<'a> {
        EntityView::new(self.s, self.s.subscriber.payer)
    }
    pub fn other_segments(&self) -> impl ExactSizeIterator<Item = &'a str> + 'a {
        strings(self.s, self.s.subscriber.others)
    }
}

/// Loop 2000C.
#[derive(Clone, Copy)]
pub struct PatientView<'a> {
    s: &'a Store,
    r: &'a PatientRec,
}

impl<'a> PatientView<'a> {
    pub fn relationship(&self) -> &'a str {
        self.s.str(self.r.relationship)
    }
    pub fn person(&self) -> EntityView<'a> {
        EntityView::new(self.s, self.r.person)
    }
    pub fn other_segments(&self) -> impl ExactSizeIterator<Item = &'a str> + 'a {
        strings(self.s, self.r.others)
    }
}
