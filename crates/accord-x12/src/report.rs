//! Text for people: the `accord x12 check` report and the `accord x12 show`
//! listing. The CLI only prints what these return.

use std::fmt::Write as _;
use std::io::{self, Read, Write};

use crate::check::{AckCode, CheckReport};
use crate::envelope::{EnvelopeTracker, Role};
use crate::lexer::Lexer;
use crate::model::ClaimKind;
use crate::validate::Validator837;

/// The readable report of one checked file.
pub fn render_check(name: &str, r: &CheckReport) -> String {
    let mut s = String::new();
    let groups = r.groups().count();
    let _ = writeln!(
        s,
        "{name}: {} interchange(s), {groups} group(s), {} transaction set(s), {} claim(s), {} segments, {} bytes",
        r.interchanges.len(),
        r.sets(),
        r.claims(),
        r.segments,
        r.bytes
    );
    for ic in &r.interchanges {
        let _ = writeln!(
            s,
            "  interchange {} from {}/{} to {}/{} ({}): {}",
            ic.isa.control_number,
            ic.isa.sender_qualifier,
            ic.isa.sender_id,
            ic.isa.receiver_qualifier,
            ic.isa.receiver_id,
            if ic.isa.usage == "P" {
                "production"
            } else {
                "test"
            },
            if ic.errors.is_empty() {
                "envelope ok"
            } else {
                "TA1 rejection due"
            }
        );
        for g in &ic.groups {
            let _ = writeln!(
                s,
                "    group {} {} {}: {} ({} of {} set(s) accepted)",
                g.gs.control_number,
                g.gs.functional_id,
                g.gs.version,
                describe(g.status),
                g.accepted_sets(),
                g.sets.len()
            );
            for st in &g.sets {
                let _ = writeln!(
                    s,
                    "      set {} {} {}: {}, {} segments, {} claim(s), {} finding(s)",
                    st.st.control_number,
                    st.st.id,
                    st.st.version,
                    describe(st.status),
                    st.segments,
                    st.claims,
                    st.issues.len() + st.envelope_errors.len()
                );
            }
        }
    }
    let lines = r.error_lines();
    if lines.is_empty() {
        let _ = writeln!(s, "  no errors");
    } else {
        let _ = writeln!(s, "  errors:");
        for l in lines {
            let _ = writeln!(s, "    {l}");
        }
    }
    s
}

fn describe(c: AckCode) -> &'static str {
    match c {
        AckCode::Accepted => "accepted",
        AckCode::AcceptedWithErrors => "accepted with errors",
        AckCode::PartiallyAccepted => "partially accepted",
        AckCode::Rejected => "rejected",
    }
}

/// CLI exit status for checked files: 0 when everything is accepted, 1 otherwise.
pub fn exit_status(reports: &[CheckReport]) -> u8 {
    if reports.iter().all(CheckReport::all_accepted) {
        0
    } else {
        1
    }
}

/// Pretty-prints a file one segment per line, indented by envelope level and
/// labelled with its 837 loop (for other transaction sets, the envelope level only).
pub fn show<R: Read, W: Write>(src: R, mut out: W) -> io::Result<()> {
    let mut lexer = Lexer::new(src);
    let mut tracker = EnvelopeTracker::new();
    let mut validator: Option<Validator837> = None;
    loop {
        let seg = match lexer.next_segment() {
            Ok(Some(s)) => s,
            Ok(None) => break,
            Err(e) => {
                writeln!(out, "error: {e}")?;
                break;
            }
        };
        let role = tracker.feed(&seg);
        let (indent, label) = match role {
            Role::Isa | Role::Iea => (0, String::new()),
            Role::Gs | Role::Ge => (1, String::new()),
            Role::St => {
                let kind = ClaimKind::from_version(seg.el(3));
                validator =
                    (seg.el(1) == "837").then(|| Validator837::new(kind.unwrap_or_default()));
                (2, "HEADER".to_string())
            }
            Role::Se => {
                validator = None;
                (2, String::new())
            }
            Role::Body { position } => match validator.as_mut() {
                Some(v) => {
                    v.segment(&seg, position);
                    (3, v.current_loop_id().to_string())
                }
                None => (3, String::new()),
            },
            Role::Stray => (0, "(outside any envelope)".to_string()),
        };
        let _ = tracker.drain();
        writeln!(
            out,
            "{:>6} {:<8}{}{}",
            seg.index,
            label,
            "  ".repeat(indent),
            crate::r837::normalized_text(&seg)
        )?;
    }
    out.flush()
}
