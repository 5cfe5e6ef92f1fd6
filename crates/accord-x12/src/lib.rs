//! Accord's HIPAA X12 5010 codec.
//!
//! This crate owns everything between X12 bytes and typed values: the streaming
//! [`lexer`], [`envelope`] checks (ISA/GS/ST control numbers and counts, TA1),
//! the typed 837P/837I reader ([`r837`]), TR3 conformance checks that produce a
//! 999 ([`check`], [`w999`]), the 277CA ([`w277ca`]) and 835 ([`w835`]) writers
//! with readers for what they write ([`r999`], [`w277ca::read_277ca`], [`w835::read_835`]), the synthetic 837
//! generator ([`gen`]) and the throughput benchmark ([`bench`]).
//!
//! The codec is pure: it never reads the clock; every date or time written is
//! passed in by the caller. Money is `rust_decimal::Decimal`. Bad input yields
//! located errors, never panics.

pub mod envelope;
pub mod lexer;
pub mod model;
pub mod r837;
pub mod segment;
pub mod validate;

pub use lexer::{Delimiters, LexError, Lexer, SliceLexer};
pub use model::*;
pub use r837::{ReadError, Reader837, read_claims};
pub use segment::Segment;
pub mod bench;
pub mod check;
pub mod generate;
pub mod r999;
pub mod report;
pub mod sample_docs;
pub mod w277ca;
pub mod w835;
pub mod w837;
pub mod w999;
pub mod write;
