//! stub
pub mod ast;
