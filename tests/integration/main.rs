//! Integration tests: one binary, one module per concern.

mod bad_input;
mod claims;
mod cli;
mod common;
mod compile;
mod diagnostics;
mod docs;
mod editors;
mod encoding;
mod files;
mod fuzz;
mod lsp;
mod lsp_e2e;
mod model;
mod scale;
mod support;
mod validation;
