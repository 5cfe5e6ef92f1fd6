//! 837P/837I writer: streams [`Claim`]s into an interchange, opening HL levels
//! only when the billing provider or subscriber changes. Used by the
//! generator and the round-trip tests; what it writes reads back through
//! [`crate::r837`] into equal claims (apart from provenance).

use std::io::{self, Write};
use std::sync::Arc;

use crate::model::*;
use crate::write::{Envelope, X12Writer, ccyymmdd, hhmm, money};

/// Streaming 837 writer. Call [`Writer837::claim`] per claim, then [`Writer837::finish`].
pub struct Writer837<W: Write> {
    out: W,
    env: Envelope,
    kind: ClaimKind,
    w: X12Writer,
    set_open: bool,
    sets: u32,
    claims_in_set: u32,
    /// Claims per transaction set before a new ST is opened (the TR3 suggests at most 5000).
    pub max_claims_per_set: u32,
    hl: u32,
    billing_hl: u32,
    last_billing: Option<Arc<BillingProvider>>,
    last_subscriber: Option<Arc<Subscriber>>,
    subscriber_hl: u32,
}

/// Same hierarchy level: the same shared value (cheap) or an equal one.
fn same<T: PartialEq>(a: &Arc<T>, b: &Arc<T>) -> bool {
    Arc::ptr_eq(a, b) || **a == **b
}

fn o(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
}

fn write_entity(w: &mut X12Writer, e: &Entity) {
    w.seg(&[
        "NM1",
        &e.entity_code,
        &e.entity_type,
        &e.name,
        o(&e.first_name),
        o(&e.middle_name),
        "",
        o(&e.suffix),
        o(&e.id_qualifier),
        o(&e.id),
    ]);
    if let Some((code, tax)) = &e.taxonomy {
        w.seg(&["PRV", code, "PXC", tax]);
    }
    if let Some(a) = &e.address {
        w.seg(&["N3", &a.line1, o(&a.line2)]);
        w.seg(&["N4", &a.city, o(&a.state), o(&a.postal_code), o(&a.country)]);
    }
    if e.birth_date.is_some() || e.gender.is_some() {
        w.seg(&["DMG", "D8", o(&e.birth_date), o(&e.gender)]);
    }
    for d in &e.dates {
        w.seg(&["DTP", &d.qualifier, &d.format, &d.value]);
    }
    for r in &e.refs {
        w.seg(&["REF", &r.qualifier, &r.value]);
    }
    for c in &e.contacts {
        let mut v: Vec<&str> = vec!["PER", &c.function, o(&c.name)];
        for (q, n) in &c.numbers {
            v.push(q);
            v.push(n);
        }
        w.seg(&v);
    }
    raw(w, &e.other_segments);
}

fn raw(w: &mut X12Writer, segs: &[String]) {
    for s in segs {
        let parts: Vec<&str> = s.split('*').collect();
        w.seg(&parts);
    }
}

fn write_cas(w: &mut X12Writer, g: &AdjustmentGroup) {
    let mut v: Vec<String> = vec!["CAS".into(), g.group.clone()];
    for a in &g.adjustments {
        v.push(a.reason.clone());
        v.push(money(a.amount));
        v.push(a.quantity.map(money).unwrap_or_default());
    }
    let refs: Vec<&str> = v.iter().map(String::as_str).collect();
    w.seg(&refs);
}

impl<W: Write> Writer837<W> {
    pub fn new(out: W, env: Envelope, kind: ClaimKind) -> io::Result<Self> {
        let mut w = X12Writer::new();
        w.isa(&env);
        w.gs(&env, "HC", kind.version(), env.group_control);
        Ok(Writer837 {
            out,
            env,
            kind,
            w,
            set_open: false,
            sets: 0,
            claims_in_set: 0,
            max_claims_per_set: 5000,
            hl: 0,
            billing_hl: 0,
            last_billing: None,
            last_subscriber: None,
            subscriber_hl: 0,
        })
    }

    fn open_set(&mut self, c: &Claim) {
        self.sets += 1;
        self.w
            .st("837", &format!("{:04}", self.sets), self.kind.version());
        let reference = if c.provenance.bht_reference.is_empty() {
            format!("ACC{:06}", self.sets)
        } else {
            c.provenance.bht_reference.clone()
        };
        let bht_type = if c.provenance.bht_type.is_empty() {
            "CH"
        } else {
            &c.provenance.bht_type
        };
        let (d, t) = (ccyymmdd(self.env.date), hhmm(self.env.time));
        self.w
            .seg(&["BHT", "0019", "00", &reference, &d, &t, bht_type]);
        write_entity(&mut self.w, &c.submitter);
        write_entity(&mut self.w, &c.receiver);
        self.set_open = true;
        self.claims_in_set = 0;
        self.hl = 0;
        self.last_billing = None;
        self.last_subscriber = None;
    }

    fn close_set(&mut self) {
        if self.set_open {
            self.w.se();
            self.set_open = false;
        }
    }

    /// Appends one claim.
    pub fn claim(&mut self, c: &Claim) -> io::Result<()> {
        if self.set_open && self.claims_in_set >= self.max_claims_per_set {
            self.close_set();
        }
        if !self.set_open {
            self.open_set(c);
        }
        self.claims_in_set += 1;
        let w = &mut self.w;
        if !self
            .last_billing
            .as_ref()
            .is_some_and(|b| same(b, &c.billing))
        {
            self.hl += 1;
            self.billing_hl = self.hl;
            w.seg(&["HL", &self.hl.to_string(), "", "20", "1"]);
            if let Some((code, tax)) = &c.billing.taxonomy {
                w.seg(&["PRV", code, "PXC", tax]);
            }
            raw(w, &c.billing.other_segments);
            write_entity(w, &c.billing.provider);
            if let Some(p) = &c.billing.pay_to {
                write_entity(w, p);
            }
            if let Some(p) = &c.billing.pay_to_plan {
                write_entity(w, p);
            }
            self.last_billing = Some(c.billing.clone());
            self.last_subscriber = None;
        }
        if !self
            .last_subscriber
            .as_ref()
            .is_some_and(|s| same(s, &c.subscriber))
            || c.patient.is_some()
        {
            self.hl += 1;
            self.subscriber_hl = self.hl;
            let child = if c.patient.is_some() { "1" } else { "0" };
            w.seg(&[
                "HL",
                &self.hl.to_string(),
                &self.billing_hl.to_string(),
                "22",
                child,
            ]);
            let s = &c.subscriber;
            w.seg(&[
                "SBR",
                &s.responsibility,
                o(&s.relationship),
                o(&s.group_number),
                o(&s.group_name),
                o(&s.insurance_type),
                "",
                "",
                "",
                o(&s.claim_filing),
            ]);
            raw(w, &s.other_segments);
            write_entity(w, &s.person);
            write_entity(w, &s.payer);
            self.last_subscriber = Some(c.subscriber.clone());
        }
        if let Some(p) = &c.patient {
            self.hl += 1;
            w.seg(&[
                "HL",
                &self.hl.to_string(),
                &self.subscriber_hl.to_string(),
                "23",
                "0",
            ]);
            if !p.other_segments.iter().any(|s| s.starts_with("PAT*")) {
                w.seg(&["PAT", &p.relationship]);
            }
            raw(w, &p.other_segments);
            write_entity(w, &p.person);
            // A patient level is not shared between claims by this writer.
            self.last_subscriber = None;
        }
        let fac = X12Writer::comp(&[&c.facility_code, &c.facility_qualifier, &c.frequency_code]);
        let charge = money(c.total_charge);
        w.seg(&[
            "CLM",
            &c.claim_id,
            &charge,
            "",
            "",
            &fac,
            o(&c.provider_signature),
            o(&c.assignment),
            o(&c.benefits_assigned),
            o(&c.release_of_information),
            o(&c.patient_signature_source),
            o(&c.related_causes),
            o(&c.special_program),
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            o(&c.delay_reason),
        ]);
        for d in &c.dates {
            w.seg(&["DTP", &d.qualifier, &d.format, &d.value]);
        }
        if c.admission_type.is_some() || c.admission_source.is_some() || c.patient_status.is_some()
        {
            w.seg(&[
                "CL1",
                o(&c.admission_type),
                o(&c.admission_source),
                o(&c.patient_status),
            ]);
        }
        for (q, a) in &c.amounts {
            w.seg(&["AMT", q, &money(*a)]);
        }
        for r in &c.refs {
            w.seg(&["REF", &r.qualifier, &r.value]);
        }
        for (code, text) in &c.notes {
            w.seg(&["NTE", code, text]);
        }
        raw(w, &c.other_segments);
        // HI: at most 12 codes per segment; a new segment whenever the qualifier family changes.
        let mut hi: Vec<String> = vec![];
        let mut family = "";
        let flush = |w: &mut X12Writer, hi: &mut Vec<String>| {
            if !hi.is_empty() {
                let mut v: Vec<&str> = vec!["HI"];
                v.extend(hi.iter().map(String::as_str));
                w.seg(&v);
                hi.clear();
            }
        };
        for h in &c.health_codes {
            let fam = hi_family(&h.qualifier, self.kind);
            if hi.len() == 12 || (fam != family && !hi.is_empty()) {
                flush(w, &mut hi);
            }
            family = fam;
            let amount = h.amount.map(money).unwrap_or_default();
            hi.push(X12Writer::comp(&[
                &h.qualifier,
                &h.code,
                o(&h.date_format),
                o(&h.date),
                &amount,
                "",
                "",
                "",
                o(&h.present_on_admission),
            ]));
        }
        flush(w, &mut hi);
        for p in &c.providers {
            write_entity(w, p);
        }
        for os in &c.other_subscribers {
            w.seg(&[
                "SBR",
                &os.responsibility,
                &os.relationship,
                o(&os.group_number),
                o(&os.group_name),
                o(&os.insurance_type),
                "",
                "",
                "",
                o(&os.claim_filing),
            ]);
            for g in &os.adjustments {
                write_cas(w, g);
            }
            if let Some(p) = os.payer_paid {
                w.seg(&["AMT", "D", &money(p)]);
            }
            for (q, a) in &os.amounts {
                w.seg(&["AMT", q, &money(*a)]);
            }
            raw(w, &os.other_segments);
            if let Some(e) = &os.subscriber {
                write_entity(w, e);
            }
            if let Some(e) = &os.payer {
                write_entity(w, e);
            }
            for e in &os.other_entities {
                write_entity(w, e);
            }
        }
        for l in &c.lines {
            w.seg(&["LX", &l.line_number.to_string()]);
            let proc_ = l.procedure.as_ref().map(|p| {
                let mut parts: Vec<&str> = vec![&p.qualifier, &p.code];
                for i in 0..4 {
                    parts.push(p.modifiers.get(i).map(String::as_str).unwrap_or(""));
                }
                parts.push(o(&p.description));
                X12Writer::comp(&parts)
            });
            let units = l.units.map(money).unwrap_or_default();
            let charge = money(l.charge);
            match self.kind {
                ClaimKind::Professional => {
                    let ptr = l.diagnosis_pointers.join(":");
                    w.seg(&[
                        "SV1",
                        proc_.as_deref().unwrap_or(""),
                        &charge,
                        &l.unit_basis,
                        &units,
                        o(&l.place_of_service),
                        "",
                        &ptr,
                        "",
                        o(&l.emergency),
                    ]);
                }
                ClaimKind::Institutional => {
                    let nc = l.non_covered.map(money).unwrap_or_default();
                    w.seg(&[
                        "SV2",
                        o(&l.revenue_code),
                        proc_.as_deref().unwrap_or(""),
                        &charge,
                        &l.unit_basis,
                        &units,
                        "",
                        &nc,
                    ]);
                }
            }
            for d in &l.dates {
                w.seg(&["DTP", &d.qualifier, &d.format, &d.value]);
            }
            for r in &l.refs {
                w.seg(&["REF", &r.qualifier, &r.value]);
            }
            for (q, a) in &l.amounts {
                w.seg(&["AMT", q, &money(*a)]);
            }
            for (code, text) in &l.notes {
                w.seg(&["NTE", code, text]);
            }
            raw(w, &l.other_segments);
            for p in &l.providers {
                write_entity(w, p);
            }
            for a in &l.adjudications {
                let units = a.paid_units.map(money).unwrap_or_default();
                w.seg(&[
                    "SVD",
                    &a.payer_id,
                    &money(a.paid),
                    &a.procedure,
                    o(&a.revenue_code),
                    &units,
                    o(&a.bundled_line),
                ]);
                for g in &a.adjustments {
                    write_cas(w, g);
                }
                if let Some(d) = &a.adjudication_date {
                    w.seg(&["DTP", "573", "D8", d]);
                }
                raw(w, &a.other_segments);
            }
        }
        self.out.write_all(self.w.out.as_bytes())?;
        self.w.out.clear();
        Ok(())
    }

    /// Closes the open transaction set, the group and the interchange; returns the sink.
    pub fn finish(mut self) -> io::Result<W> {
        self.close_set();
        self.w.ge();
        self.w.iea();
        self.out.write_all(self.w.out.as_bytes())?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Which HI segment a code goes in: 837P carries principal and other diagnoses in one HI,
/// 837I gives the principal diagnosis its own.
fn hi_family(q: &str, kind: ClaimKind) -> &'static str {
    match q {
        "ABK" | "BK" | "ABF" | "BF" if kind == ClaimKind::Professional => "diagnosis",
        "ABK" | "BK" => "principal",
        "ABJ" | "BJ" => "admitting",
        "APR" | "PR" => "reason",
        "ABN" | "BN" => "external",
        "ABF" | "BF" => "other",
        "BBR" | "BR" | "CAH" => "principal-procedure",
        "BBQ" | "BQ" => "procedure",
        "BH" => "occurrence",
        "BI" => "occurrence-span",
        "BE" => "value",
        "BG" => "condition",
        _ => "misc",
    }
}

/// Writes claims to a string (tests, small files).
pub fn write_claims(claims: &[Claim], env: &Envelope, kind: ClaimKind) -> String {
    let mut buf = Vec::new();
    let result = (|| -> io::Result<()> {
        let mut w = Writer837::new(&mut buf, env.clone(), kind)?;
        for c in claims {
            w.claim(c)?;
        }
        w.finish()?;
        Ok(())
    })();
    // Writing to a Vec cannot fail.
    debug_assert!(result.is_ok());
    String::from_utf8_lossy(&buf).into_owned()
}
