//! The adjudication pipeline's steps, one module each, run in this order by
//! [`crate::adjudicate`].

pub(crate) mod appeal_hold;
pub(crate) mod auth;
pub(crate) mod clean;
pub(crate) mod cob;
pub(crate) mod cost_share;
pub(crate) mod duplicate;
pub(crate) mod eligibility;
pub(crate) mod limits;
pub(crate) mod ncci;
pub(crate) mod pricing;
pub(crate) mod provider;
pub(crate) mod timely;
