//! # accord-claims
//!
//! The pure claim adjudication engine (issue 4).
