//! exgen compiles a declarative Exchange Server migration plan (`.exm`) into the Exchange
//! Management Shell scripts that carry it out, one per phase, plus a runbook.
//!
//! ```text
//! plan.exm ──syntax::parse──▶ ast::Plan ──analyze::analyze──▶ ir::Plan ──lower::lower──▶ files
//!                 │                              │                                   │
//!                 └──────────── diag::Diagnostics ┘                     output::write (atomic)
//! ```
//!
//! Each stage is a function named for what it does; [`compile`] chains them. Version knowledge
//! lives in `specs/*.yaml` ([`specs`]) and `templates/` ([`lower`]), both embedded in the binary.

pub mod analyze;
pub mod cli;
pub mod diag;
pub mod ir;
pub mod lower;
pub mod output;
pub mod source;
pub mod specs;
pub mod syntax;
pub mod validate;
