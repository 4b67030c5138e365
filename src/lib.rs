//! leafdiff
