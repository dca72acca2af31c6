//! stub
//!
//! [`escape`]: the per-context escapers through which every plan value reaches a file.

pub mod escape;
