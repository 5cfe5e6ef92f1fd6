//! The working state the pipeline steps share: one [`LineWork`] per claim line and the trace.
//! Steps cut units (with the reason), deny or pend lines, and record what they did; pricing turns
//! the unit cuts into amounts so that every line balances (`billed == paid + adjustments`).

use std::borrow::Cow;

use accord_core::member::Program;
use accord_core::{Date, Money, Npi};
use accord_plan::{RemarkCodes, Service};
use rust_decimal::Decimal;

use crate::claim::{Claim, ClaimLine};
use crate::facts::{Facts, MemberView};
use crate::outcome::{Adjustment, Group, LineDecision, LineStatus, Pend, TraceStep};
use crate::remarks::remark_for;

/// Units removed from a line and why (amounts are computed at pricing).
#[derive(Debug, Clone)]
pub(crate) struct UnitCut {
    pub group: Group,
    pub carc: &'static str,
    /// The rule ID that made the cut (picks the remark code, PAY-06).
    pub rule: &'static str,
    pub units: Decimal,
}

/// One line in the pipeline.
#[derive(Debug, Clone)]
pub(crate) struct LineWork<'c, 'p> {
    pub line: &'c ClaimLine,
    pub dos: Date,
    pub rendering: &'c Npi,
    /// The covered service row (CLM-04), once found.
    pub service: Option<&'p Service>,
    /// The program of the span covering the date of service (ELIG-01).
    pub program: Option<Program>,
    pub units_allowed: Decimal,
    pub cuts: Vec<UnitCut>,
    pub pend: Option<Pend>,
    pub flags: Vec<String>,
    pub rate: Option<Money>,
    /// Charge left after unit cuts.
    pub charge_left: Money,
    pub allowed: Money,
    pub adjustments: Vec<Adjustment>,
    pub patient_responsibility: Money,
    pub paid: Money,
    pub priced: bool,
    /// CLM-07: units taken from each authorization (its number and units).
    pub authorizations: Vec<(String, Decimal)>,
    /// PAY-06: the plan's remark codes, applied as each adjustment is made.
    pub remarks: &'p RemarkCodes,
}

impl LineWork<'_, '_> {
    /// Still to be adjudicated: not denied, not pended.
    pub fn active(&self) -> bool {
        self.pend.is_none() && self.units_allowed > Decimal::ZERO
    }

    /// Removes `units` (at most what is left) for a reason: the adjustment's group and CARC and
    /// the rule ID that made it (which picks the remark code, PAY-06).
    pub fn cut(&mut self, group: Group, carc: &'static str, rule: &'static str, units: Decimal) {
        let units = units.min(self.units_allowed);
        if units <= Decimal::ZERO {
            return;
        }
        self.units_allowed -= units;
        self.cuts.push(UnitCut {
            group,
            carc,
            rule,
            units,
        });
    }

    /// Denies every unit left, for a reason and the rule ID that made the denial.
    pub fn deny(&mut self, group: Group, carc: &'static str, rule: &'static str) {
        let u = self.units_allowed;
        self.cut(group, carc, rule, u);
    }

    /// Holds the line for a person.
    pub fn pend(&mut self, queue: &'static str, reason: String) {
        if self.pend.is_none() {
            self.pend = Some(Pend {
                queue: Cow::Borrowed(queue),
                reason,
            });
        }
    }

    /// Turns unit cuts into amounts, pro rata to the charge (half-away-from-zero cents); the last
    /// cut of a fully denied line takes the remainder so the line balances exactly. Sets
    /// `charge_left`.
    pub fn settle_cuts(&mut self) {
        let billed = self.line.charge;
        let units = self.line.units.value();
        let mut taken = Money::ZERO;
        let n = self.cuts.len();
        for (i, c) in self.cuts.iter().enumerate() {
            let last_of_full_denial = i + 1 == n && self.units_allowed <= Decimal::ZERO;
            let amount = if last_of_full_denial {
                billed - taken
            } else if units.is_zero() {
                Money::ZERO
            } else {
                billed
                    .times(c.units / units)
                    .round_cents()
                    .min(billed - taken)
            };
            taken += amount;
            self.adjustments.push(Adjustment {
                group: c.group,
                carc: Cow::Borrowed(c.carc),
                rarc: remark_for(self.remarks, c.group, c.carc, c.rule),
                amount,
                units: Some(c.units),
            });
        }
        self.charge_left = billed - taken;
    }

    /// Adds a money adjustment (skipped when zero), made under rule ID `rule`.
    pub fn adjust(&mut self, group: Group, carc: &'static str, rule: &'static str, amount: Money) {
        if amount.is_zero() {
            return;
        }
        self.adjustments.push(Adjustment {
            group,
            carc: Cow::Borrowed(carc),
            rarc: remark_for(self.remarks, group, carc, rule),
            amount,
            units: None,
        });
    }

    /// The final line decision.
    pub fn finish(mut self) -> LineDecision {
        if !self.priced && self.pend.is_none() {
            self.settle_cuts();
            // Not priced and not pended: nothing allowed. Any charge left (should not happen)
            // is written off so the line still balances.
            let left = self.charge_left;
            self.adjust(Group::CO, "45", "PAY-01", left);
        }
        let status = if self.pend.is_some() {
            LineStatus::Pended
        } else if self.units_allowed <= Decimal::ZERO {
            LineStatus::Denied
        } else if self.cuts.is_empty() {
            LineStatus::Paid
        } else {
            LineStatus::PartiallyPaid
        };
        let pended = self.pend.is_some();
        LineDecision {
            number: self.line.number,
            procedure: self.line.procedure.clone(),
            modifiers: self.line.modifiers.iter().map(|m| m.to_string()).collect(),
            service_date: self.dos,
            status,
            billed: self.line.charge,
            units_billed: self.line.units.value(),
            units_allowed: if pended {
                Decimal::ZERO
            } else {
                self.units_allowed
            },
            rate: self.rate,
            allowed: self.allowed,
            paid: self.paid,
            patient_responsibility: self.patient_responsibility,
            adjustments: if pended { Vec::new() } else { self.adjustments },
            pend: self.pend,
            flags: self.flags,
            authorizations: if pended || self.units_allowed <= Decimal::ZERO {
                Vec::new()
            } else {
                self.authorizations
            },
        }
    }
}

/// The pipeline's context.
pub(crate) struct Ctx<'f, 'c, 'p> {
    pub claim: &'c Claim,
    pub facts: &'f Facts<'p>,
    pub today: Date,
    pub lines: Vec<LineWork<'c, 'p>>,
    pub trace: Vec<TraceStep>,
    /// The member's claim history.
    pub hist: MemberView<'p>,
}

impl<'f, 'c, 'p> Ctx<'f, 'c, 'p> {
    pub fn new(claim: &'c Claim, facts: &'f Facts<'p>, today: Date) -> Self {
        let lines = claim
            .lines
            .iter()
            .map(|l| LineWork {
                line: l,
                dos: l.service_from,
                rendering: claim.rendering_for(l),
                service: None,
                program: None,
                units_allowed: l.units.value(),
                cuts: Vec::new(),
                pend: None,
                flags: Vec::new(),
                rate: None,
                charge_left: l.charge,
                allowed: Money::ZERO,
                adjustments: Vec::new(),
                patient_responsibility: Money::ZERO,
                paid: Money::ZERO,
                priced: false,
                authorizations: Vec::new(),
                remarks: &facts.plan.remarks,
            })
            .collect();
        Self {
            claim,
            facts,
            today,
            lines,
            trace: Vec::with_capacity(claim.lines.len() * 9 + 2),
            hist: facts.history.member(&claim.member_id),
        }
    }

    /// Records a trace step.
    /// Holds line `i` in `queue` for a person, unless an examiner released it (then the release is
    /// noted and the pipeline goes on). True when the line is held.
    pub fn hold(&mut self, i: usize, queue: &'static str, reason: String) -> bool {
        let number = self.lines.get(i).map(|l| l.line.number);
        if let (Some(r), Some(n)) = (self.facts.release, number)
            && r.lines.contains(&n)
        {
            self.note(
                "examiner",
                "examiner",
                Some(n),
                format!(
                    "held in queue {queue} ({reason}); released by examiner {}: {}",
                    r.by, r.reason
                ),
            );
            return false;
        }
        if let Some(l) = self.lines.get_mut(i) {
            l.pend(queue, reason);
        }
        true
    }

    pub fn note(
        &mut self,
        step: &'static str,
        rule: &'static str,
        line: Option<u32>,
        text: impl Into<Cow<'static, str>>,
    ) {
        self.trace.push(TraceStep {
            step: Cow::Borrowed(step),
            rule: Cow::Borrowed(rule),
            line,
            text: text.into(),
        });
    }

    /// The tracking number whose history lines must not count against this claim (CLM-10: the
    /// claim a corrected claim replaces).
    pub fn excluded_tracking(&self) -> Option<&'c str> {
        self.claim.frequency.original()
    }
}

/// Number of dates a line covers (1 unless an institutional line spans dates).
pub(crate) fn days_covered(l: &ClaimLine) -> Decimal {
    match l.service_to {
        Some(to) if to > l.service_from => {
            Decimal::from(l.service_from.until(to).map_or(0, |s| s.get_days()) + 1)
        }
        _ => Decimal::ONE,
    }
}
