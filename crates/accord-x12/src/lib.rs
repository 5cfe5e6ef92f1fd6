//! Accord's HIPAA X12 5010 codec.
//!
//! This crate owns everything between X12 bytes and typed values:
//! - reading: the streaming [`lexer`] (delimiters from each ISA, constant memory),
//!   [`segment`] access, [`envelope`] checks (ISA/GS/ST control numbers and counts),
//!   the typed claim-at-a-time 837P/837I reader ([`r837`] into the [`model`]);
//! - checking: the condensed TR3 rules ([`validate`]) and the whole-file [`check`]
//!   whose findings become a 999 or TA1 ([`w999`]);
//! - writing: 999/TA1 ([`w999`]), 277CA ([`w277ca`]), 835 ([`w835`]) and 837 ([`w837`]),
//!   on the shared segment writer ([`write`]), with readers for what they write
//!   ([`r999`], [`w277ca::read_277ca`], [`w835::read_835`], [`r837`]);
//! - tooling: the deterministic synthetic 837 generator ([`generate`]), one example of every
//!   document ([`sample_docs`]), the CLI's text ([`report`]) and the throughput [`bench`].
//!
//! The codec is pure: it never reads the clock; every date or time written is
//! passed in by the caller (only [`bench`] measures time, on purpose). Money is
//! `rust_decimal::Decimal`. Bad input yields located errors, never panics.
//! It depends on no other Accord crate: identifiers stay validated strings.

pub mod bench;
mod bytemask;
pub mod check;
pub mod envelope;
pub mod generate;
pub mod lexer;
pub mod model;
pub mod r837;
pub mod r999;
pub mod report;
pub mod sample_docs;
pub mod segment;
pub mod validate;
pub mod view;
pub mod w277ca;
pub mod w835;
pub mod w837;
pub mod w999;
pub mod write;

pub use lexer::{Delimiters, LexError, Lexer, SliceLexer};
pub use model::*;
pub use r837::{ReadError, Reader837, read_claims};
pub use segment::{Fields, Segment};
pub use view::ClaimView;
