//! Integration tests: one binary, one module per concern.

mod common;
mod compile;
mod diagnostics;
mod docs;
mod encoding;
mod validation;
