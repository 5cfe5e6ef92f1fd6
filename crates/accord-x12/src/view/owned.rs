//! Owned [`Claim`]s from views: what [`crate::Reader837::next_claim`] returns.
//!
//! The hierarchy above a claim is shared through `Arc` between the claims under it
//! (the 837 writer relies on that to group claims cheaply): [`ArcCache`] keeps the
//! last `Arc` built for each level and reuses it while the level's store is unchanged.

use std::sync::Arc;

use crate::model::*;

use super::*;

/// The last owned value built for each hierarchy level, keyed by the store's generation.
#[derive(Default)]
pub(crate) struct ArcCache {
    set: Option<(u64, Arc<Entity>, Arc<Entity>)>,
    billing: Option<(u64, Arc<BillingProvider>)>,
    subscriber: Option<(u64, Arc<Subscriber>)>,
    patient: Option<(u64, Option<Arc<Patient>>)>,
}

fn s(v: &str) -> String {
    v.to_string()
}

fn o(v: Option<&str>) -> Option<String> {
    v.map(str::to_string)
}

fn entity(e: EntityView<'_>) -> Entity {
    Entity {
        entity_code: s(e.entity_code()),
        entity_type: s(e.entity_type()),
        name: s(e.name()),
        first_name: o(e.first_name()),
        middle_name: o(e.middle_name()),
        suffix: o(e.suffix()),
        id_qualifier: o(e.id_qualifier()),
        id: o(e.id()),
        address: e.address().map(|a| Address {
            line1: s(a.line1),
            line2: o(a.line2),
            city: s(a.city),
            state: o(a.state),
            postal_code: o(a.postal_code),
            country: o(a.country),
        }),
        refs: e.refs().map(reference).collect(),
        contacts: e
            .contacts()
            .map(|c| Contact {
                function: s(c.function()),
                name: o(c.name()),
                numbers: c.numbers().map(|(a, b)| (s(a), s(b))).collect(),
            })
            .collect(),
        taxonomy: e.taxonomy().map(|(a, b)| (s(a), s(b))),
        birth_date: o(e.birth_date()),
        gender: o(e.gender()),
        dates: e.dates().map(date).collect(),
        other_segments: e.other_segments().map(s).collect(),
    }
}

fn reference(r: RefView<'_>) -> Ref {
    Ref {
        qualifier: s(r.qualifier),
        value: s(r.value),
    }
}

fn date(d: DateView<'_>) -> DateRef {
    DateRef {
        qualifier: s(d.qualifier),
        format: s(d.format),
        value: s(d.value),
    }
}

fn group(g: AdjustmentGroupView<'_>) -> AdjustmentGroup {
    AdjustmentGroup {
        group: s(g.group()),
        adjustments: g
            .adjustments()
            .map(|a| Adjustment {
                reason: s(a.reason),
                amount: a.amount,
                quantity: a.quantity,
            })
            .collect(),
    }
}

fn amount((q, d): (&str, rust_decimal::Decimal)) -> (String, rust_decimal::Decimal) {
    (s(q), d)
}

fn line(l: LineView<'_>) -> ServiceLine {
    ServiceLine {
        line_number: l.line_number(),
        revenue_code: o(l.revenue_code()),
        procedure: l.procedure().map(|p| Procedure {
            qualifier: s(p.qualifier()),
            code: s(p.code()),
            modifiers: p.modifiers().map(s).collect(),
            description: o(p.description()),
        }),
        charge: l.charge(),
        unit_basis: s(l.unit_basis()),
        units: l.units(),
        place_of_service: o(l.place_of_service()),
        diagnosis_pointers: l.diagnosis_pointers().map(s).collect(),
        emergency: o(l.emergency()),
        non_covered: l.non_covered(),
        dates: l.dates().map(date).collect(),
        refs: l.refs().map(reference).collect(),
        amounts: l.amounts().map(amount).collect(),
        notes: l.notes().map(|(a, b)| (s(a), s(b))).collect(),
        providers: l.providers().map(entity).collect(),
        adjudications: l
            .adjudications()
            .map(|a| LineAdjudication {
                payer_id: s(a.payer_id()),
                paid: a.paid(),
                procedure: s(a.procedure()),
                revenue_code: o(a.revenue_code()),
                paid_units: a.paid_units(),
                bundled_line: o(a.bundled_line()),
                adjustments: a.adjustments().map(group).collect(),
                adjudication_date: o(a.adjudication_date()),
                other_segments: a.other_segments().map(s).collect(),
            })
            .collect(),
        other_segments: l.other_segments().map(s).collect(),
    }
}

fn other_subscriber(v: OtherSubscriberView<'_>) -> OtherSubscriber {
    OtherSubscriber {
        responsibility: s(v.responsibility()),
        relationship: s(v.relationship()),
        group_number: o(v.group_number()),
        group_name: o(v.group_name()),
        insurance_type: o(v.insurance_type()),
        claim_filing: o(v.claim_filing()),
        adjustments: v.adjustments().map(group).collect(),
        payer_paid: v.payer_paid(),
        amounts: v.amounts().map(amount).collect(),
        other_segments: v.other_segments().map(s).collect(),
        subscriber: v.subscriber().map(entity),
        payer: v.payer().map(entity),
        other_entities: v.other_entities().map(entity).collect(),
    }
}

/// Reuses the cached value while `stamp` matches, else builds and caches a new one.
fn cached<T>(slot: &mut Option<(u64, T)>, stamp: u64, build: impl FnOnce() -> T) -> &T {
    if slot.as_ref().is_none_or(|(g, _)| *g != stamp) {
        *slot = Some((stamp, build()));
    }
    match slot {
        Some((_, v)) => v,
        None => unreachable!("filled above"),
    }
}

pub(crate) fn claim(v: &ClaimView<'_>, cache: &mut ArcCache) -> Claim {
    let set_stamp = v.levels[SET].stamp;
    if cache.set.as_ref().is_none_or(|(g, _, _)| *g != set_stamp) {
        cache.set = Some((
            set_stamp,
            Arc::new(entity(v.submitter())),
            Arc::new(entity(v.receiver())),
        ));
    }
    let (submitter, receiver) = match &cache.set {
        Some((_, a, b)) => (a.clone(), b.clone()),
        None => unreachable!("filled above"),
    };
    let billing = cached(&mut cache.billing, v.levels[BILLING].stamp, || {
        let b = v.billing();
        Arc::new(BillingProvider {
            provider: entity(b.provider()),
            pay_to: b.pay_to().map(entity),
            pay_to_plan: b.pay_to_plan().map(entity),
            taxonomy: b.taxonomy().map(|(a, c)| (s(a), s(c))),
            other_segments: b.other_segments().map(s).collect(),
        })
    })
    .clone();
    let subscriber = cached(&mut cache.subscriber, v.levels[SUB].stamp, || {
        let b = v.subscriber();
        Arc::new(Subscriber {
            responsibility: s(b.responsibility()),
            relationship: o(b.relationship()),
            group_number: o(b.group_number()),
            group_name: o(b.group_name()),
            insurance_type: o(b.insurance_type()),
            claim_filing: o(b.claim_filing()),
            person: entity(b.person()),
            payer: entity(b.payer()),
            other_segments: b.other_segments().map(s).collect(),
        })
    })
    .clone();
    let patient = cached(&mut cache.patient, v.levels[PAT].stamp, || {
        v.patient().map(|p| {
            Arc::new(Patient {
                relationship: s(p.relationship()),
                person: entity(p.person()),
                other_segments: p.other_segments().map(s).collect(),
            })
        })
    })
    .clone();
    let p = v.provenance();
    Claim {
        kind: v.kind(),
        provenance: Provenance {
            interchange_control: s(p.interchange_control()),
            group_control: s(p.group_control()),
            set_control: s(p.set_control()),
            version: s(p.version()),
            bht_reference: s(p.bht_reference()),
            bht_date: s(p.bht_date()),
            bht_type: s(p.bht_type()),
            clm_segment: p.clm_segment,
        },
        submitter,
        receiver,
        billing,
        subscriber,
        patient,
        claim_id: s(v.claim_id()),
        total_charge: v.total_charge(),
        facility_code: s(v.facility_code()),
        facility_qualifier: s(v.facility_qualifier()),
        frequency_code: s(v.frequency_code()),
        provider_signature: o(v.provider_signature()),
        assignment: o(v.assignment()),
        benefits_assigned: o(v.benefits_assigned()),
        release_of_information: o(v.release_of_information()),
        patient_signature_source: o(v.patient_signature_source()),
        related_causes: o(v.related_causes()),
        special_program: o(v.special_program()),
        delay_reason: o(v.delay_reason()),
        dates: v.dates().map(date).collect(),
        admission_type: o(v.admission_type()),
        admission_source: o(v.admission_source()),
        patient_status: o(v.patient_status()),
        health_codes: v
            .health_codes()
            .map(|h| HealthCode {
                qualifier: s(h.qualifier),
                code: s(h.code),
                date_format: o(h.date_format),
                date: o(h.date),
                amount: h.amount,
                present_on_admission: o(h.present_on_admission),
            })
            .collect(),
        refs: v.refs().map(reference).collect(),
        amounts: v.amounts().map(amount).collect(),
        notes: v.notes().map(|(a, b)| (s(a), s(b))).collect(),
        providers: v.providers().map(entity).collect(),
        other_subscribers: v.other_subscribers().map(other_subscriber).collect(),
        lines: v.lines().map(line).collect(),
        other_segments: v.other_segments().map(s).collect(),
    }
}
