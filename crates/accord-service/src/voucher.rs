//! The provider summary voucher (PAY-06): one printable HTML page per payee and cycle listing
//! each claim and line with billed, allowed and paid amounts, every adjustment with its group
//! code, CARC and a plain-language reason, and what the member owes. Written by hand (no template
//! engine): one page, every value escaped.

use std::fmt::Write;

use accord_x12::w835::Remittance;

/// Plain-language text of the claim adjustment reason codes Accord's engine uses (from the public
/// X12 CARC list, shortened for providers).
pub fn carc_text(code: &str) -> &'static str {
    match code {
        "1" => "deductible amount",
        "2" => "coinsurance amount",
        "3" => "co-payment amount",
        "4" => "procedure code inconsistent with the modifier, or a required modifier is missing",
        "5" => "procedure code or bill type inconsistent with the place of service",
        "18" => "exact duplicate claim or service",
        "22" => "this care may be covered by another payer (coordination of benefits)",
        "23" => "the impact of prior payer(s) adjudication, including payments",
        "26" => "expenses incurred before coverage",
        "27" => "expenses incurred after coverage terminated",
        "29" => "the time limit for filing has expired",
        "31" => "patient cannot be identified as our insured",
        "45" => "charge exceeds the fee schedule or contracted amount",
        "97" => "included in the payment for another service (NCCI)",
        "107" => "the related or qualifying claim or service was not identified on this claim",
        "119" => "benefit maximum for this time period or occurrence has been reached",
        "151" => "the number of units exceeds what the payer deems medically supported (MUE)",
        "181" => "procedure code was invalid on the date of service",
        "185" => "the rendering provider is not eligible to perform the service billed",
        "197" => "precertification/authorization absent",
        "198" => "precertification/authorization exceeded",
        "204" => "service not covered under the patient's current benefit plan",
        "236" => "procedure not compatible with another procedure on the same day (NCCI)",
        "B7" => "provider was not certified or eligible to be paid on this date of service",
        _ => "see the X12 claim adjustment reason code list",
    }
}

/// Plain-language name of an adjustment group code.
pub fn group_text(group: &str) -> &'static str {
    match group {
        "CO" => "contractual: the provider may not bill the member",
        "PR" => "member responsibility",
        "OA" => "other adjustment",
        "PI" => "payer-initiated reduction",
        _ => "",
    }
}

/// The group's text for one adjustment: a member's share (CARC 1, 2, 3) under CO is the
/// APL-04 hold, so the voucher says why the member may not be billed for it.
pub fn adjustment_group_text(group: &str, carc: &str) -> &'static str {
    match (group, carc) {
        ("CO", "1" | "2" | "3") => {
            "an appeal is open: the member may not be billed while the appeal is open (APL-04)"
        }
        _ => group_text(group),
    }
}

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

fn status_text(clp02: &str) -> &'static str {
    match clp02 {
        "1" => "processed as primary",
        "2" => "processed as secondary",
        "4" => "denied",
        "22" => "reversal of an earlier payment",
        _ => "processed",
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;color:#111}\
table{border-collapse:collapse;width:100%;margin:1em 0}\
th,td{border:1px solid #bbb;padding:4px 6px;text-align:left;vertical-align:top}\
td.n,th.n{text-align:right}h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.5em}\
.muted{color:#555}@media print{body{margin:0}}";

/// The voucher for one remittance, as a complete HTML document. Remark codes (PAY-06) are shown
/// with their plain-language text from the plan's `remark_codes.csv`.
pub fn render(r: &Remittance, cycle: i64, remarks: &accord_plan::RemarkCodes) -> String {
    let mut h = String::new();
    let payee = esc(&r.payee.name);
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Remittance voucher — {payee} — cycle {cycle}</title><style>{STYLE}</style></head><body>\n"
    );
    let _ = writeln!(
        h,
        "<h1>Remittance voucher</h1>\n<p><strong>{}</strong> paid <strong>{payee}</strong> (NPI {}{})</p>",
        esc(&r.payer.name),
        esc(r.payee.id.as_deref().unwrap_or("")),
        r.payee
            .tax_id
            .as_deref()
            .map(|t| format!(", tax ID {}", esc(t)))
            .unwrap_or_default()
    );
    let claims_paid: rust_decimal::Decimal = r.claims.iter().map(|c| c.paid).sum();
    let _ = writeln!(
        h,
        "<table><tr><th>Payment cycle</th><td>{cycle}</td><th>Payment date</th><td>{}</td></tr>\
         <tr><th>Trace number</th><td>{}</td><th>Claims</th><td>{}</td></tr>\
         <tr><th>Claim payments</th><td class=\"n\">{}</td><th>Amount paid</th><td class=\"n\"><strong>{}</strong></td></tr></table>",
        r.payment_date,
        esc(&r.trace_number),
        r.claims.len(),
        money(claims_paid),
        money(r.total())
    );
    for p in &r.provider_adjustments {
        let _ = writeln!(
            h,
            "<h2>Provider-level adjustments</h2>\n<table><tr><th>Reason</th><th>Reference</th><th class=\"n\">Amount</th></tr>"
        );
        for a in &p.adjustments {
            let why = match a.reason.as_str() {
                "WO" => "overpayment recovered from this payment (REC-01)",
                "FB" => {
                    "balance carried forward: claims reversed exceed payments; recovered from later payments (REC-01)"
                }
                _ => "provider-level adjustment",
            };
            let _ = writeln!(
                h,
                "<tr><td>{} — {why}</td><td>{}</td><td class=\"n\">{}</td></tr>",
                esc(&a.reason),
                esc(a.reference.as_deref().unwrap_or("")),
                money(-a.amount)
            );
        }
        h.push_str("</table>\n");
    }
    h.push_str("<h2>Claims</h2>\n");
    for c in &r.claims {
        let _ = writeln!(
            h,
            "<table><tr><th colspan=\"7\">Claim {} (your reference {}) — {} {} (member {}) — {}: billed {}, paid {}{}</th></tr>\
             <tr><th>Line</th><th>Service</th><th>Date</th><th class=\"n\">Units</th><th class=\"n\">Billed</th><th class=\"n\">Allowed</th><th class=\"n\">Paid</th></tr>",
            esc(&c.payer_claim_control),
            esc(&c.claim_id),
            esc(c.patient_first.as_deref().unwrap_or("")),
            esc(&c.patient_last),
            esc(&c.member_id),
            status_text(&c.status),
            money(c.charge),
            money(c.paid),
            c.patient_responsibility
                .map(|m| format!(", member owes {}", money(m)))
                .unwrap_or_default()
        );
        for l in &c.lines {
            let mut service = esc(&l.procedure.code);
            for m in &l.procedure.modifiers {
                service.push(':');
                service.push_str(&esc(m));
            }
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{service}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                esc(l.line_control.as_deref().unwrap_or("")),
                l.service_date.map(|d| d.to_string()).unwrap_or_default(),
                l.units
                    .map(|u| u.normalize().to_string())
                    .unwrap_or_default(),
                money(l.charge),
                l.allowed.map(money).unwrap_or_default(),
                money(l.paid)
            );
            for g in &l.adjustments {
                for a in &g.adjustments {
                    let _ = writeln!(
                        h,
                        "<tr><td></td><td colspan=\"5\" class=\"muted\">{}-{}: {} ({})</td><td class=\"n muted\">{}</td></tr>",
                        esc(&g.group),
                        esc(&a.reason),
                        carc_text(&a.reason),
                        adjustment_group_text(&g.group, &a.reason),
                        money(-a.amount)
                    );
                }
            }
            for rarc in &l.remarks {
                let text = remarks
                    .text(rarc)
                    .map(|t| format!(": {}", esc(t)))
                    .unwrap_or_default();
                let _ = writeln!(
                    h,
                    "<tr><td></td><td colspan=\"6\" class=\"muted\">remark {}{text}</td></tr>",
                    esc(rarc)
                );
            }
        }
        h.push_str("</table>\n");
    }
    h.push_str(
        "<p class=\"muted\">Amounts in US dollars. Group CO amounts may not be billed to the member; \
         PR amounts are the member's responsibility. Ask for a review of any line within 60 days (REC-03).</p>\n\
         </body></html>\n",
    );
    h
}

fn money(d: rust_decimal::Decimal) -> String {
    format!("{:.2}", d)
}
