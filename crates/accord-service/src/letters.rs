//! Case letters (issue 6): the acknowledgment every filing gets and the decision letter every
//! closed case gets, as printable HTML with the required content and dates — case number, what it
//! is about, when it was received, each clock with its rule and due date (what the plan owes and
//! by when), and, once decided, the outcome with the rule, the date, and the windows still open
//! (e.g. a Level II appeal, the state portal). Pure: a [`CaseView`] and the plan's name and time
//! zone in, HTML out.

use jiff::tz::TimeZone;

use crate::cases::{CaseView, owner_key};
use crate::voucher::esc;

/// Which letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LetterKind {
    /// Sent on receipt.
    Acknowledgment,
    /// Sent when the case is decided or closed.
    Decision,
}

fn words<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
        .unwrap_or_default()
}

/// The letter for a case; `None` for a decision letter on a case not yet closed.
pub fn letter(v: &CaseView, kind: LetterKind, plan_name: &str, tz: &TimeZone) -> Option<String> {
    let closure = v.status.closure.as_ref();
    if kind == LetterKind::Decision && closure.is_none() {
        return None;
    }
    let local = |t: jiff::Timestamp| {
        t.to_zoned(tz.clone())
            .strftime("%B %-d, %Y at %H:%M %Z")
            .to_string()
    };
    let f = &v.record.filing;
    let what = words(&v.status.kind);
    let mut about = Vec::new();
    if let Some(c) = &f.subject.claim {
        about.push(format!("claim {c}"));
    }
    if let Some(a) = &f.subject.authorization {
        about.push(format!("authorization request {a}"));
    }
    if let Some(p) = &f.subject.provider {
        about.push(format!("provider {p}"));
    }
    if let Some(m) = &f.parties.member {
        about.push(format!("member {m}"));
    }
    let title = match kind {
        LetterKind::Acknowledgment => format!("We received your {what}"),
        LetterKind::Decision => format!("Decision on your {what}"),
    };
    let mut body = format!(
        "<p>Case number <strong>{id}</strong>{about}. Received {received}.</p>",
        id = esc(&v.record.id),
        about = if about.is_empty() {
            String::new()
        } else {
            format!(", about {}", esc(&about.join(", ")))
        },
        received = esc(&local(v.record.received)),
    );
    match kind {
        LetterKind::Acknowledgment => {
            let clocks: String = v
                .status
                .clocks
                .iter()
                .filter_map(|c| {
                    c.due.map(|d| {
                        format!(
                            "<li>{} — by {} ({}; owed by {})</li>",
                            esc(c.label),
                            esc(&local(d)),
                            esc(c.rule),
                            esc(&owner_key(c.owner))
                        )
                    })
                })
                .collect();
            body.push_str(&format!(
                "<h2>What happens next, and by when</h2><ul>{}</ul><p>Please quote the case number in everything you send about it. You may send documents, records and comments for the case at any time before it is decided.</p>",
                if clocks.is_empty() { "<li>No deadline runs on this case at present.</li>".into() } else { clocks }
            ));
        }
        LetterKind::Decision => {
            let c = closure?;
            body.push_str(&format!(
                "<h2>Outcome</h2><p><strong>{}</strong> on {}{}.</p><p>{}</p>",
                esc(&words(&c.reason)),
                esc(&local(c.at)),
                c.rule.map(|r| format!(" ({})", esc(r))).unwrap_or_default(),
                esc(&c.detail)
            ));
            let windows: String = v
                .status
                .windows
                .iter()
                .map(|w| {
                    format!(
                        "<li>{}: from {} through {} ({})</li>",
                        esc(w.label),
                        w.opens,
                        w.closes,
                        esc(w.rule)
                    )
                })
                .collect();
            body.push_str(&if windows.is_empty() {
                "<h2>Your further rights</h2><p>No further filing window is open on this case.</p>"
                    .to_owned()
            } else {
                format!("<h2>Your further rights</h2><ul>{windows}</ul>")
            });
        }
    }
    Some(format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t} — {id}</title>\n<style>body{{font-family:Georgia,serif;max-width:46rem;margin:2rem auto;line-height:1.45}}@media print{{body{{margin:0}}}}</style></head><body>\n<header><p>{plan}</p><h1>{t}</h1></header>\n{body}\n</body></html>\n",
        t = esc(&title),
        id = esc(&v.record.id),
        plan = esc(plan_name),
    ))
}
