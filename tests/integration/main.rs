//! Integration tests: one binary, one module per concern.

mod bad_input;
mod ci_gate;
mod claims;
mod cli;
mod common;
mod compile;
mod diagnostics;
mod docs;
mod editors;
mod encoding;
mod files;
mod fmt;
mod fuzz;
mod include;
mod lint;
mod lsp;
mod lsp_e2e;
mod lsp_format;
mod mermaid;
mod model;
mod node;
mod scale;
mod support;
mod validation;
