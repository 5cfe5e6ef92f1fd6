//! 999 implementation acknowledgment (005010X231A1) and TA1 writers.
//!
//! One 999 transaction set per functional group received: AK1 names the
//! group, one AK2/IK5 per transaction set, and for each finding an IK3 with
//! the segment ID, its position in the set (ST = 1), the loop and the IK304
//! code, a CTX naming the claim (CLM01) when the fault is inside one, and
//! IK4s naming the element (and component), the IK403 code and the bad value.

use crate::check::{CheckReport, GroupReport, InterchangeReport};
use crate::write::{Envelope, X12Writer, clean};

/// Most IK3 loops per transaction set written (the TR3 allows more; bounded output for hostile files).
const MAX_IK3: usize = 999;

fn write_group_999(w: &mut X12Writer, g: &GroupReport, set_control: &str) {
    w.st("999", set_control, "005010X231A1");
    w.seg(&[
        "AK1",
        &clean(&g.gs.functional_id),
        &clean(&g.gs.control_number),
        &clean(&g.gs.version),
    ]);
    for s in &g.sets {
        w.seg(&[
            "AK2",
            &clean(&s.st.id),
            &clean(&s.st.control_number),
            &clean(&s.st.version),
        ]);
        for is in s.issues.iter().take(MAX_IK3) {
            let pos = is.position.to_string();
            // IK303 is at most 4 characters: the loop number without its letter (2000B -> 2000).
            let loop_id = if is.loop_id == "HEADER" {
                ""
            } else {
                is.loop_id.get(..4).unwrap_or(&is.loop_id)
            };
            w.seg(&["IK3", &clean(&is.segment_id), &pos, loop_id, is.code]);
            if let Some(c) = &is.claim_id
                && !c.is_empty()
            {
                w.seg(&["CTX", &format!("CLM01:{}", clean(c))]);
            }
            for e in &is.elements {
                let at = match e.component {
                    Some(c) => format!("{}:{}", e.element, c),
                    None => e.element.to_string(),
                };
                let v = e.value.as_deref().map(clean).unwrap_or_default();
                w.seg(&["IK4", &at, "", e.code, &v]);
            }
        }
        let mut ik5 = vec!["IK5", s.status.code()];
        let mut codes: Vec<&str> = s.envelope_errors.iter().map(|e| e.code).collect();
        if !s.issues.is_empty() {
            // IK502 5: one or more segments in error (the IK3s above).
            codes.push("5");
        }
        codes.sort_unstable();
        codes.dedup();
        ik5.extend(codes.iter().take(5));
        w.seg(&ik5);
    }
    let (inc, rec, acc) = (
        g.sets.len().to_string(),
        g.sets.len().to_string(),
        g.accepted_sets().to_string(),
    );
    let mut ak9 = vec!["AK9", g.status.code(), &inc, &rec, &acc];
    let mut codes: Vec<&str> = g.errors.iter().map(|e| e.code).collect();
    codes.dedup();
    ak9.extend(codes.iter().take(5));
    w.seg(&ak9);
    w.se();
}

/// Writes one 999 interchange acknowledging every group of `ic`, using `env` for dates and control numbers
/// (sender/receiver are taken from the received ISA, swapped).
pub fn write_999(ic: &InterchangeReport, env: &Envelope) -> String {
    let first_gs = ic.groups.first().map(|g| &g.gs);
    let env = Envelope::reply_to(&ic.isa, first_gs, env);
    let mut w = X12Writer::new();
    w.isa(&env);
    for (i, g) in ic.groups.iter().enumerate() {
        let genv = Envelope {
            gs_sender: g.gs.receiver.clone(),
            gs_receiver: g.gs.sender.clone(),
            ..env.clone()
        };
        w.gs(&genv, "FA", "005010X231A1", env.group_control + i as u32);
        write_group_999(&mut w, g, &format!("{:04}", i + 1));
        w.ge();
    }
    w.iea();
    w.out
}

/// Writes a TA1 interchange acknowledgment: accepted when `ic` has no interchange faults.
pub fn write_ta1(ic: &InterchangeReport, env: &Envelope) -> String {
    let env = Envelope::reply_to(&ic.isa, None, env);
    let mut w = X12Writer::new();
    w.isa(&env);
    let (status, code) = match ic.errors.first() {
        Some(e) => ("R", e.code),
        None => ("A", "000"),
    };
    w.seg(&[
        "TA1",
        &clean(&ic.isa.control_number),
        &clean(&ic.isa.date),
        &clean(&ic.isa.time),
        status,
        code,
    ]);
    let c = format!("{:09}", env.interchange_control % 1_000_000_000);
    w.seg(&["IEA", "0", &c]);
    w.out
}

/// All acknowledgments due for a checked file: one 999 per interchange that has groups,
/// and a TA1 for each interchange with envelope faults. Control numbers count up from `env`'s.
pub fn acknowledgments(report: &CheckReport, env: &Envelope) -> Vec<(String, String)> {
    let mut out = vec![];
    let mut ctl = env.interchange_control;
    for ic in &report.interchanges {
        if !ic.errors.is_empty() {
            let e = Envelope {
                interchange_control: ctl,
                ..env.clone()
            };
            out.push((
                format!("ta1-{}.x12", ic.isa.control_number),
                write_ta1(ic, &e),
            ));
            ctl += 1;
        }
        if !ic.groups.is_empty() {
            let e = Envelope {
                interchange_control: ctl,
                ..env.clone()
            };
            out.push((
                format!("999-{}.x12", ic.isa.control_number),
                write_999(ic, &e),
            ));
            ctl += 1;
        }
    }
    out
}
