//! Sample builders (placeholder).
