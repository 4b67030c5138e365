//! leafdiff: the Linux kernel's swap-entry and softleaf helpers, compiled from
//! real headers (the oracle), against an independent Rust model.

pub mod bench;
pub mod call;
pub mod dict;
pub mod engine;
pub mod fuzz;
pub mod fuzzing;
pub mod helpers;
pub mod model;
pub mod oracle;
