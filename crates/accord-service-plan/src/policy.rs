//! What the plan's configuration tells the service-plan rules: which services are per diem (SP-06)
//! and which are exempt from the priority-justification note (SP-05). Built from a loaded
//! `accord_plan::Plan`, or by hand in tests.

use std::collections::BTreeSet;

use accord_core::ProcedureCode;

/// The configuration the rules read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    per_diem: BTreeSet<ProcedureCode>,
    priority_exempt: BTreeSet<ProcedureCode>,
}

impl Policy {
    /// A policy from explicit lists.
    pub fn new(
        per_diem: impl IntoIterator<Item = ProcedureCode>,
        priority_exempt: impl IntoIterator<Item = ProcedureCode>,
    ) -> Self {
        Self {
            per_diem: per_diem.into_iter().collect(),
            priority_exempt: priority_exempt.into_iter().collect(),
        }
    }

    /// The policy of a loaded plan.
    ///
    /// SP-06: a code is per diem when any row of `services.csv` for it has `per_diem = true`.
    /// The whole code, not the row its modifiers would match: a per-diem code entered without
    /// its program modifier is still a day of residential care, and reading it as anything else
    /// would let the commonest per-diem error through.
    ///
    /// SP-05: the exempt services are `[service_plans] priority_exempt_services` in `plan.toml`.
    pub fn from_plan(plan: &accord_plan::Plan) -> Self {
        Self::new(
            plan.services
                .iter()
                .filter(|s| s.per_diem)
                .map(|s| s.code.clone()),
            plan.config
                .service_plans
                .priority_exempt_services
                .iter()
                .cloned(),
        )
    }

    /// SP-06: the service is billed per diem.
    pub fn is_per_diem(&self, code: &ProcedureCode) -> bool {
        self.per_diem.contains(code)
    }

    /// SP-05: the service needs no priority-justification note.
    pub fn is_priority_exempt(&self, code: &ProcedureCode) -> bool {
        self.priority_exempt.contains(code)
    }
}
